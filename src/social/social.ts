import type { HttpClient } from '../platform/http.ts';
import type { Viewer } from '../platform/viewer.ts';
import { attachCard } from './cards.ts';
import { reader, type SocialContext } from './context.ts';
import { GraphService } from './graph.ts';
import { ListsService } from './lists.ts';
import { NotificationsService } from './notifications.ts';
import type { Outbox } from './outbox.ts';
import { PostsService } from './posts.ts';
import { searchHashtags, searchPosts } from './search.ts';
import { TimelinesService } from './timelines.ts';

/** The social capability: one object the rest of the program calls. */
export class Social {
  readonly posts: PostsService;
  readonly graph: GraphService;
  readonly timelines: TimelinesService;
  readonly lists: ListsService;
  readonly notifications: NotificationsService;
  /** Local activities for other servers (federation listens). */
  readonly outbox: Outbox;
  readonly #ctx: SocialContext;
  readonly #http: HttpClient;

  constructor(ctx: SocialContext, http: HttpClient) {
    this.#ctx = ctx;
    this.#http = http;
    this.outbox = ctx.outbox;
    this.posts = new PostsService(ctx);
    this.graph = new GraphService(ctx);
    this.timelines = new TimelinesService(ctx);
    this.lists = new ListsService(ctx, this.graph, this.timelines);
    this.notifications = new NotificationsService(ctx);
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
}
