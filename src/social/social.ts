import type { Viewer } from '../accounts/service.ts';
import type { HttpClient } from '../platform/http.ts';
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

  constructor(ctx: SocialContext, http: HttpClient) {
    this.#ctx = ctx;
    this.outbox = ctx.outbox;
    this.posts = new PostsService(ctx);
    this.graph = new GraphService(ctx);
    this.timelines = new TimelinesService(ctx);
    this.lists = new ListsService(ctx, this.graph, this.timelines);
    this.notifications = new NotificationsService(ctx);
    ctx.jobs.register<{ postId: number }>('social.card', ({ postId }) => attachCard(ctx.database, http, ctx.logger, postId), {
      maxAttempts: 3,
      timeoutMs: 30_000,
    });
    ctx.jobs.register('social.trim-timelines', async () => void (await this.timelines.trim()), { timeoutMs: 10 * 60_000 });
    ctx.jobs.register('social.unused-media', async () => void (await this.posts.removeUnusedMedia()), { timeoutMs: 10 * 60_000 });
  }

  /** Recurring work; called by processes that run jobs. */
  async schedule(): Promise<void> {
    await this.#ctx.jobs.schedule('social.trim-timelines', 'social.trim-timelines', null, 3600_000);
    await this.#ctx.jobs.schedule('social.unused-media', 'social.unused-media', null, 6 * 3600_000);
  }

  searchPosts(viewer: Viewer | null, q: string, cursor?: string) {
    return searchPosts(this.#ctx, reader(viewer), q, cursor);
  }

  searchHashtags(q: string, limit?: number) {
    return searchHashtags(this.#ctx, q, limit);
  }
}
