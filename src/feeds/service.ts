import type { Database } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { Viewer } from '../platform/viewer.ts';
import { FoldersService } from './folders.ts';
import type { ItemExtension } from './item-extensions.ts';
import { type ItemRef, ItemsService, type ItemView, type RiverQuery } from './items.ts';
import { OpmlService } from './opml.ts';
import { type RefreshOptions, RefreshService } from './refresh.ts';
import { RulesService } from './rules.ts';
import { type PostPublisher, SharingService } from './sharing.ts';
import { type SourceRef, SourcesService, type SubscriptionView } from './sources.ts';
import { StarterSourcesService } from './starter-sources.ts';

/**
 * Sources, what index.ts builds and other capabilities call: the sources a member follows,
 * their folders, the river of items with read and starred marks, keyword rules, OPML, sharing
 * an item, and the refresher that keeps every source fresh. A source (feed URL) is shared by
 * every member who follows it and fetched once; what is personal lives beside it, per member.
 */

export interface FeedsDeps {
  database: Database;
  http: HttpClient;
  logger: Logger;
  /** Fetch limits, shared with the refresher (the same object: a test may shorten `timeoutMs`). */
  options: RefreshOptions;
  /** Publishing a post (social's posts), for sharing an item. */
  posts: PostPublisher;
  config: Pick<Config, 'postMaxChars'>;
  /** Where the administrators' starter sources are kept. */
  settings: SiteSettings;
}

export class FeedsService {
  readonly options: RefreshOptions;
  readonly refresher: RefreshService;
  readonly folders: FoldersService;
  readonly sources: SourcesService;
  readonly items: ItemsService;
  readonly rules: RulesService;
  readonly opml: OpmlService;
  readonly sharing: SharingService;
  readonly starterSources: StarterSourcesService;

  constructor(deps: FeedsDeps) {
    const { database, http, options } = deps;
    this.options = options;
    this.refresher = new RefreshService({ database, http, logger: deps.logger, options });
    this.folders = new FoldersService({ database });
    this.sources = new SourcesService({ database, http, options, refresher: this.refresher, folders: this.folders });
    this.items = new ItemsService({ database, http, options, sources: this.sources, folders: this.folders });
    this.rules = new RulesService({ database, sources: this.sources, folders: this.folders });
    this.opml = new OpmlService({ database });
    this.sharing = new SharingService({ posts: deps.posts, config: deps.config });
    this.starterSources = new StarterSourcesService({ database, settings: deps.settings, opml: this.opml });
  }

  /**
   * One refresh pass over every due source (the feeds.refresh job, every minute). The pass may
   * run up to 15 minutes, but its job and each source it holds are leased for a short while and
   * renewed as it goes: after a crash, the next worker resumes within a minute.
   */
  async refreshPass(signal: AbortSignal, logger: Logger): Promise<void> {
    const summary = await this.refresher.refreshDue(signal);
    if (summary.fetched) logger.info(summary, 'feeds refreshed');
  }

  /**
   * The extension point for capabilities that come after feeds: facts they know of items for a
   * viewer (bookmarked) and actions they carry out on items (bookmark, unbookmark).
   */
  extendItems(extension: ItemExtension): void {
    this.items.extend(extension);
  }

  // What other capabilities read.

  /** The sources the member follows. */
  subscriptions(viewer: Viewer): Promise<SubscriptionView[]> {
    return this.sources.list(viewer);
  }

  /** A page of the member's items, newest first. */
  river(viewer: Viewer, query: RiverQuery): Promise<{ items: ItemView[]; nextCursor: string | null }> {
    return this.items.river(viewer, query);
  }

  /** One item of a source the member follows (404 otherwise). */
  item(viewer: Viewer, itemId: number): Promise<ItemView> {
    return this.items.item(viewer, itemId);
  }

  /** Items by id with their source's title and feed, whoever follows them (collections show bookmarked items). */
  itemsByIds(ids: number[]): Promise<ItemRef[]> {
    return this.items.byIds(ids);
  }

  /** Sources by id, whoever follows them (collections show sources). */
  sourcesByIds(ids: number[]): Promise<SourceRef[]> {
    return this.sources.byIds(ids);
  }
}
