import { randomUUID } from 'node:crypto';
import { type Actor, Collection, Create, isActor, traverseCollection } from '@fedify/vocab';
import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/database.ts';
import type { InstanceModeration } from '../db/schema.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { SocialService } from '../social/index.ts';
import { type ActorRow, RemoteActors } from './actors.ts';
import { buildFederation, type FederationParts, SITE_ACTOR } from './federation.ts';
import { isPostObject, type ReceivePost, registerInbox } from './inbox.ts';
import { loadObject } from './loader.ts';
import { MediaProxy } from './media.ts';
import { ServerSoftware } from './nodeinfo.ts';
import { Outgoing } from './outbox.ts';
import { FEDERATION_LANE } from './queue.ts';
import { RelayedActivities } from './relayed.ts';
import { Reports } from './reports.ts';

export interface FederationDeps {
  database: Database;
  config: Config;
  jobs: Jobs;
  http: HttpClient;
  logger: Logger;
  social: SocialService;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  secretKey: string;
  version: string;
}

/** Largest activity an inbox accepts (Mastodon's limit is 1 MB too). */
export const MAX_INBOX_BYTES = 1024 * 1024;
/** Deepest JSON an inbox accepts: real activities nest a few levels, not hundreds. */
const MAX_JSON_DEPTH = 32;
const BACKFILL_POSTS = 20;
/** A remote actor's featured (pinned) posts read at most. */
const FEATURED_POSTS = 5;

/**
 * Federation: ActivityPub with Fedify. Members are Person actors, chat series Group actors, the
 * server an Application (relays, signed fetches). See docs/federation.md.
 */
export class FederationService {
  readonly actors: RemoteActors;
  readonly media: MediaProxy;
  readonly outgoing: Outgoing;
  /** Reports from members and other servers, and the administrators' queue. */
  readonly reports: Reports;
  readonly #parts: FederationParts;
  readonly #deps: FederationDeps;
  readonly #receivePost: ReceivePost;
  readonly #relayed: RelayedActivities;
  readonly #queueAbort = new AbortController();

  constructor(deps: FederationDeps) {
    this.#deps = deps;
    const { database, config, jobs, http, logger, social } = deps;
    this.media = new MediaProxy(http, deps.secretKey, config.dataDir, config.remoteMediaCacheBytes);
    this.#parts = buildFederation({
      database,
      jobs,
      http,
      logger,
      baseUrl: config.baseUrl,
      version: deps.version,
      site: async () => {
        const site = await deps.settings.get();
        return { name: site.siteName, openRegistrations: site.signupMode === 'open' };
      },
      observeDelivery: (inbox, ok, error, db) => this.outgoing.recordDelivery(new URL(inbox).host, ok, error, db),
      deliveryTimeoutMs: config.federationTimeout * 1000,
    });
    const loader = () => this.#parts.context().documentLoader;
    const software = new ServerSoftware(database, jobs, this.#parts.get, logger);
    this.actors = new RemoteActors(database, this.#parts.get, loader, config.baseUrl, this.media, (domain, checkedAt) =>
      software.seen(domain, checkedAt),
    );
    this.outgoing = new Outgoing(database, jobs, logger, config.baseUrl, this.#parts);
    this.outgoing.listen(social.outbox);
    this.reports = new Reports({
      database,
      baseUrl: config.baseUrl,
      rateLimiter: deps.rateLimiter,
      posts: social.posts,
      forward: (id) => this.outgoing.forwardReport(id),
    });
    this.#relayed = new RelayedActivities(database, this.#parts.kv, loader);
    const relayed = (activityId: string) => this.#relayed.wasRelayed(activityId);
    this.#receivePost = registerInbox(this.#parts.federation, {
      database,
      social,
      actors: this.actors,
      media: this.media,
      outgoing: this.outgoing,
      reports: this.reports,
      logger,
      baseUrl: config.baseUrl,
      relayed,
    }).receivePost;
    // The queue only registers its handler: jobs run wherever the job worker runs.
    void this.#parts.federation.startQueue(undefined, { signal: this.#queueAbort.signal });
    jobs.register<{ actorId: number }>('federation.backfill', ({ actorId }) => this.#backfill(actorId), {
      lane: FEDERATION_LANE,
      maxAttempts: 3,
      timeoutMs: 60_000,
    });
  }

  /** Removes expired entries of Fedify's key-value store (the federation.prune job). */
  async prune(): Promise<void> {
    await this.#parts.kv.prune();
  }

  close(): void {
    this.#queueAbort.abort();
  }

  /** Hono middleware: Fedify answers ActivityPub, WebFinger and NodeInfo requests; pages go on. */
  middleware(): MiddlewareHandler {
    const federation = this.#parts.federation;
    const logger = this.#deps.logger.child({ component: 'federation' });
    return async (c, next) => {
      const path = c.req.path;
      if (!(path.startsWith('/users/') || path === '/inbox' || path.startsWith('/.well-known/') || path.startsWith('/nodeinfo/')))
        return next();
      if (c.req.method === 'POST') {
        const refused = await checkInboxBody(c.req.raw);
        if (refused) {
          logger.warn({ path, reason: refused.message }, 'refused an inbox request');
          return c.json({ error: refused.code, message: refused.message }, refused.status);
        }
        await this.#relayed.note(c.req.raw);
      }
      let handedBack = false;
      const response = await federation.fetch(c.req.raw, {
        contextData: undefined,
        onNotFound: () => {
          handedBack = true;
          return new Response(null, { status: 404 });
        },
        onNotAcceptable: () => {
          handedBack = true;
          return new Response(null, { status: 406 });
        },
      });
      if (handedBack) return next();
      if (c.req.method === 'POST' && response.status >= 400)
        logger.warn({ path, status: response.status }, 'refused an inbox request (signature or content)');
      return response;
    };
  }

  /** Finds someone on another server and stores them; their recent posts are fetched in the background. */
  async lookup(query: string): Promise<ActorRow> {
    const before = Date.now();
    const actor = await this.actors.lookup(query);
    if (actor.created_at >= before)
      await this.#deps.jobs.enqueue('federation.backfill', { actorId: actor.id }, { dedupeKey: `backfill:${actor.id}` });
    return actor;
  }

  /** Reads the first posts of a remote actor's outbox (what Mastodon calls backfill), and their pinned posts (featured collection). */
  async #backfill(actorId: number): Promise<void> {
    const row = await this.#deps.database.db.selectFrom('actors').selectAll().where('id', '=', actorId).executeTakeFirst();
    if (!row?.uri) return;
    const ctx = this.#parts.context();
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
        if (isPostObject(object)) await this.#receivePost(ctx, row, object, { backfill: true });
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
        const id = await this.#receivePost(ctx, row, item, { backfill: true });
        if (id !== null) ids.push(id);
      }
      await this.#deps.social.remotePosts.receivePins(row.id, ids);
    } catch (error) {
      this.#deps.logger.warn({ actor: row.uri, error: (error as Error).message }, 'could not read the featured posts of a remote actor');
    }
  }

  // ---- admin -------------------------------------------------------------------------------

  async instances(): Promise<
    Array<{
      domain: string;
      software: string | null;
      softwareVersion: string | null;
      moderation: InstanceModeration;
      reason: string | null;
      actors: number;
      delivered: number;
      failed: number;
      lastDeliveredAt: number | null;
      lastFailedAt: number | null;
      lastError: string | null;
      received: number;
      lastReceivedAt: number | null;
    }>
  > {
    const db = this.#deps.database.db;
    const rows = await db
      .selectFrom('instances')
      .leftJoin(
        db
          .selectFrom('actors')
          .select(['domain'])
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('domain', 'is not', null)
          .groupBy('domain')
          .as('a'),
        'a.domain',
        'instances.domain',
      )
      .selectAll('instances')
      .select('a.n')
      .orderBy('instances.domain')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      domain: r.domain,
      software: r.software,
      softwareVersion: r.software_version,
      moderation: r.moderation,
      reason: r.moderation_reason,
      actors: Number(r.n ?? 0),
      delivered: r.delivered_count,
      failed: r.failed_count,
      lastDeliveredAt: r.last_delivered_at,
      lastFailedAt: r.last_failed_at,
      lastError: r.last_error,
      received: r.received_count,
      lastReceivedAt: r.last_received_at,
    }));
  }

  /** Blocks (nothing in or out; follows across end) or silences a domain, or lifts it. */
  /** Returns the domain as stored (lower-cased, without scheme or path). */
  async moderate(rawDomain: string, moderation: InstanceModeration, reason: string): Promise<string> {
    const domain = rawDomain
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '');
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/.test(domain)) throw UserError.field('domain', 'Enter a domain name like example.social.');
    if (domain === new URL(this.#deps.config.baseUrl).host) throw UserError.field('domain', 'This is our own domain.');
    const db = this.#deps.database.db;
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('instances')
        .values({ domain, moderation, moderation_reason: reason || null, created_at: Date.now() })
        .onConflict((oc) => oc.column('domain').doUpdateSet({ moderation, moderation_reason: reason || null }))
        .execute();
      if (moderation === 'block') {
        const remote = tx.selectFrom('actors').select('id').where('domain', '=', domain);
        await tx
          .deleteFrom('follows')
          .where((eb) => eb.or([eb('follower_id', 'in', remote), eb('followee_id', 'in', remote)]))
          .execute();
        await tx.deleteFrom('chat_followers').where('actor_id', 'in', remote).execute();
      }
    });
    return domain;
  }

  async relays(): Promise<Array<{ id: number; inboxUrl: string; style: string; state: string; createdAt: number }>> {
    const rows = await this.#deps.database.db.selectFrom('relays').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, inboxUrl: r.inbox_url, style: r.style, state: r.state, createdAt: r.created_at }));
  }

  async addRelay(inboxUrl: string, style: 'mastodon' | 'litepub'): Promise<void> {
    let url: URL;
    try {
      url = new URL(inboxUrl.trim());
    } catch {
      throw UserError.field('inboxUrl', 'Enter the relay’s inbox address, like https://relay.example/inbox.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw UserError.field('inboxUrl', 'A relay’s inbox is an https address.');
    const followUri = `${this.#parts.context().getActorUri(SITE_ACTOR).href}/relays/${randomUUID()}`;
    const actorUri = style === 'litepub' ? url.href.replace(/\/inbox$/, '/actor') : null;
    const inserted = await this.#deps.database.db
      .insertInto('relays')
      .values({ inbox_url: url.href, style, actor_uri: actorUri, state: 'pending', follow_uri: followUri, created_at: Date.now() })
      .onConflict((oc) => oc.column('inbox_url').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_subscribed', 'This server already subscribes to that relay.');
    await this.outgoing.followRelay(url.href, style, followUri, actorUri);
  }

  async removeRelay(id: number): Promise<void> {
    const db = this.#deps.database.db;
    const relay = await db.selectFrom('relays').selectAll().where('id', '=', id).executeTakeFirst();
    if (!relay) throw UserError.notFound('There is no such relay.');
    await db.deleteFrom('relays').where('id', '=', id).execute();
    await this.outgoing.unfollowRelay(relay.inbox_url, relay.style, relay.follow_uri, relay.actor_uri);
  }
}

/** Refuses inbox bodies that are too large or nested too deeply, before anything parses them. */
async function checkInboxBody(request: Request): Promise<{ status: 400 | 413; code: string; message: string } | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_INBOX_BYTES)
    return { status: 413, code: 'too_large', message: `An activity can be at most ${MAX_INBOX_BYTES / 1024} KB.` };
  const body = await request.clone().arrayBuffer();
  if (body.byteLength > MAX_INBOX_BYTES)
    return { status: 413, code: 'too_large', message: `An activity can be at most ${MAX_INBOX_BYTES / 1024} KB.` };
  const text = new TextDecoder().decode(body);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      if (++depth > MAX_JSON_DEPTH)
        return { status: 400, code: 'too_deep', message: `An activity can nest at most ${MAX_JSON_DEPTH} levels.` };
    } else if (ch === 125 || ch === 93) depth--;
  }
  return null;
}
