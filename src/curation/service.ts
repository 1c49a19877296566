import type { AccountsService } from '../accounts/index.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import type { Kernel } from '../web/capability.ts';
import { ArticlesService } from './articles.ts';
import { BookmarksService } from './bookmarks.ts';
import { CollectionsService } from './collections.ts';

export interface CurationDeps {
  kernel: Kernel;
  accounts: AccountsService;
  social: SocialService;
  feeds: FeedsService;
}

/**
 * The Library, what index.ts builds and other capabilities call: a member's bookmarks, the
 * collections and starter kits they curate, and their articles.
 */
export class CurationService {
  readonly bookmarks: BookmarksService;
  readonly collections: CollectionsService;
  readonly articles: ArticlesService;
  readonly #kernel: Kernel;

  constructor(deps: CurationDeps) {
    const { kernel, accounts, social, feeds } = deps;
    this.#kernel = kernel;
    this.bookmarks = new BookmarksService({ ...kernel, accounts, social, feeds });
    this.collections = new CollectionsService({ database: kernel.database, config: kernel.config, social, feeds });
    this.articles = new ArticlesService({ ...kernel, social });
  }

  /** The site's settings (its address for the whole-curation export, export.ts). */
  get config() {
    return this.#kernel.config;
  }
}
