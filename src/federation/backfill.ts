import { type Actor, Collection, Create, isActor, traverseCollection } from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Logger } from '../platform/logger.ts';
import type { SocialService } from '../social/index.ts';
import type { ActorRow } from './actors.ts';
import type { FederationParts } from './federation.ts';
import { type IncomingPostsService, isPostObject } from './incoming-posts.ts';
import { loadObject } from './loader.ts';
import { FEDERATION_LANE } from './queue.ts';

export const BACKFILL_JOB = 'federation.backfill';
export const BACKFILL_JOB_OPTIONS = { lane: FEDERATION_LANE, maxAttempts: 3, timeoutMs: 60_000 };
const BACKFILL_POSTS = 20;
/** A remote actor's featured (pinned) posts read at most. */
const FEATURED_POSTS = 5;

export interface BackfillDeps {
  database: Database;
  jobs: Jobs;
  logger: Logger;
  social: Pick<SocialService, 'remotePosts'>;
  posts: IncomingPostsService;
  context: FederationParts['context'];
}

/**
 * A remote account found by a member comes with its recent posts (what Mastodon calls
 * backfill: the first posts of its outbox) and its pinned posts (its featured collection), read
 * in the background (the federation.backfill job).
 */
export class BackfillService {
  readonly #deps: BackfillDeps;

  constructor(deps: BackfillDeps) {
    this.#deps = deps;
  }

  /** Queues the backfill of a newly found account (once however often it is asked). */
  async enqueue(actorId: number): Promise<void> {
    await this.#deps.jobs.enqueue(BACKFILL_JOB, { actorId }, { dedupeKey: `backfill:${actorId}` });
  }

  /** Reads the first posts of a remote actor's outbox, and their pinned posts (the federation.backfill job). */
  async run(actorId: number): Promise<void> {
    const row = await this.#deps.database.db.selectFrom('actors').selectAll().where('id', '=', actorId).executeTakeFirst();
    if (!row?.uri) return;
    const ctx = this.#deps.context();
    const options = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true };
    const actor = await loadObject(ctx.documentLoader, row.uri).catch(() => null);
    if (!isActor(actor)) return;
    const outbox = await actor.getOutbox(options);
    if (outbox instanceof Collection) {
      let seen = 0;
      for await (const item of traverseCollection(outbox, options)) {
        if (++seen > BACKFILL_POSTS) break;
        if (!(item instanceof Create)) continue;
        const object = await item.getObject(options);
        if (isPostObject(object)) await this.#deps.posts.receive(ctx, row, object, { backfill: true });
      }
    }
    await this.#readFeatured(ctx, row, actor);
  }

  /**
   * A remote actor's pinned posts (`featured`, an ordered collection of posts or their ids), shown
   * on their profile here. Public posts only; a missing or broken collection leaves them as they were.
   */
  async #readFeatured(ctx: ReturnType<FederationParts['context']>, row: ActorRow, actor: Actor): Promise<void> {
    if (!actor.featuredId) return;
    const options = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true };
    try {
      const featured = await actor.getFeatured(options);
      if (!featured) return;
      const ids: number[] = [];
      let seen = 0;
      for await (const item of traverseCollection(featured, options)) {
        if (++seen > FEATURED_POSTS) break;
        if (!isPostObject(item)) continue;
        const id = await this.#deps.posts.receive(ctx, row, item, { backfill: true });
        if (id !== null) ids.push(id);
      }
      await this.#deps.social.remotePosts.receivePins(row.id, ids);
    } catch (error) {
      this.#deps.logger.warn({ actor: row.uri, error: (error as Error).message }, 'could not read the featured posts of a remote actor');
    }
  }
}
