import type { ArticlesService } from './articles.ts';
import type { BookmarksService } from './bookmarks.ts';
import type { CollectionsService } from './collections.ts';

/** The Library: bookmarks, collections and starter kits, and members' articles (what index.ts builds and others call). */
export class CurationService {
  readonly bookmarks: BookmarksService;
  readonly collections: CollectionsService;
  readonly articles: ArticlesService;

  constructor(deps: { bookmarks: BookmarksService; collections: CollectionsService; articles: ArticlesService }) {
    this.bookmarks = deps.bookmarks;
    this.collections = deps.collections;
    this.articles = deps.articles;
  }
}
