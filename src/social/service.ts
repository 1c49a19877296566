import type { AccountsService } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Config } from '../platform/config.ts';
import type { EventBus } from '../platform/events.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import { attachCard } from './cards.ts';
import { reader, type SocialContext } from './context.ts';
import { GraphService } from './graph.ts';
import { ListsService } from './lists.ts';
import { MediaService } from './media.ts';
import { NotificationSubjects } from './notification-subjects.ts';
import { NotificationsService } from './notifications.ts';
import { Outbox } from './outbox.ts';
import { PostExtensions } from './post-extensions.ts';
import { PostHooks } from './post-hooks.ts';
import { PostRowsService } from './post-rows.ts';
import { PostsService } from './posts.ts';
import { PrivacyService } from './privacy.ts';
import { RemoteFollowsService } from './remote-follows.ts';
import { RemotePostsService } from './remote-posts.ts';
import { profilePathOf, type RemoteAccountLookup, searchHashtags, searchPosts } from './search.ts';
import { TimelinesService } from './timelines.ts';

export interface SocialDeps {
  database: Database;
  config: Config;
  events: EventBus;
  jobs: Jobs;
  storage: Storage;
  logger: Logger;
  http: HttpClient;
  accounts: AccountsService;
}

/**
 * The social capability: one object the rest of the program calls. Its properties are the
 * concept services; the registries let capabilities built after it add to what social shows
 * without social knowing them (see each registry's file).
 */
export class SocialService {
  /** A member's posting: write, edit, delete, boost, like, pin; one post and its thread. */
  readonly posts: PostsService;
  /** Posts, boosts, likes and pins other servers tell us about (federation). */
  readonly remotePosts: RemotePostsService;
  /** Post rows, batched, for other capabilities (federation, reports, curation, chats). */
  readonly postRows: PostRowsService;
  /** Images of posts. */
  readonly media: MediaService;
  /** Follows, requests, mutes, blocks, followed hashtags. */
  readonly graph: GraphService;
  /** Follows with other servers' accounts (federation). */
  readonly remoteFollows: RemoteFollowsService;
  readonly timelines: TimelinesService;
  readonly lists: ListsService;
  readonly notifications: NotificationsService;
  /** Whether new followers need approval, and the choices other capabilities register. */
  readonly privacy: PrivacyService;
  /** Local activities for other servers (federation listens). */
  readonly outbox: Outbox;
  /** What later capabilities add to posts: bookmarks, the articles posts announce. */
  readonly postExtensions: PostExtensions;
  /** How later capabilities describe what notifications are about: chats, collections. */
  readonly notificationSubjects: NotificationSubjects;
  readonly #ctx: SocialContext;
  readonly #http: HttpClient;
  readonly #accounts: AccountsService;
  #lookup: RemoteAccountLookup | null = null;

  constructor(deps: SocialDeps) {
    const { http, accounts, ...kernel } = deps;
    this.#http = http;
    this.#accounts = accounts;
    this.outbox = new Outbox();
    this.postExtensions = new PostExtensions();
    this.notificationSubjects = new NotificationSubjects();
    const ctx: SocialContext = {
      ...kernel,
      outbox: this.outbox,
      postExtensions: this.postExtensions,
      notificationSubjects: this.notificationSubjects,
      postHooks: new PostHooks(),
    };
    this.#ctx = ctx;
    this.media = new MediaService(ctx);
    this.posts = new PostsService(ctx);
    this.remotePosts = new RemotePostsService(ctx);
    this.postRows = new PostRowsService({ ...ctx, media: this.media });
    this.graph = new GraphService(ctx);
    this.remoteFollows = new RemoteFollowsService(ctx);
    this.timelines = new TimelinesService(ctx);
    this.lists = new ListsService(ctx, this.graph, this.timelines);
    this.notifications = new NotificationsService(ctx);
    this.privacy = new PrivacyService({ graph: this.graph });
  }

  /** Fetches the link preview card of a post (the social.card job). */
  attachCard(postId: number): Promise<void> {
    return attachCard(this.#ctx.database, this.#http, this.#ctx.logger, postId);
  }

  searchPosts(viewer: Viewer | null, q: string, cursor?: string) {
    return searchPosts(this.#ctx, reader(viewer), q, cursor);
  }

  searchHashtags(q: string, limit?: number) {
    return searchHashtags(this.#ctx, q, limit);
  }

  /** People whose name, handle or bio match (the directory's search, for the search page). */
  searchPeople(viewer: Viewer | null, q: string, cursor?: string) {
    return this.#accounts.directory({ q, cursor }, viewer);
  }

  /** How someone on another server is found by address or link (federation registers it from its index.ts `build`). */
  lookUpRemoteAccountsWith(lookup: RemoteAccountLookup): void {
    this.#lookup = lookup;
  }

  /** Where the profile behind a fediverse address or profile link is (looked up on its server when new, for members). */
  profilePathOf(viewer: Viewer | null, query: string): Promise<string> {
    return profilePathOf(this.#ctx, this.#lookup, viewer !== null, query);
  }
}
