import type { MiddlewareHandler } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Config } from '../platform/config.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { SocialService } from '../social/index.ts';
import { type ActorRow, RemoteActorsService } from './actors.ts';
import { BackfillService } from './backfill.ts';
import type { ChatGroups } from './chat-groups.ts';
import { buildFederation, type FederationParts } from './federation.ts';
import { registerInbox } from './inbox.ts';
import { IncomingPostsService } from './incoming-posts.ts';
import { InstancesService } from './instances.ts';
import type { LinkedArticles } from './linked-articles.ts';
import { MediaProxyService } from './media.ts';
import { OutboxService } from './outbox.ts';
import type { JobsMessageQueue } from './queue.ts';
import { RelayedActivitiesService } from './relayed.ts';
import { RelaysService } from './relays.ts';
import { forwardReport } from './report-forwarding.ts';
import { ReportsService } from './reports.ts';
import { SenderService } from './sender.ts';
import { ServerSoftwareService } from './server-software.ts';

export interface FederationDeps {
  database: Database;
  config: Config;
  jobs: Jobs;
  http: HttpClient;
  logger: Logger;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  secretKey: string;
  version: string;
  accounts: AccountsService;
  social: SocialService;
  /** Chat series as group actors (chats' `groups`). */
  chatGroups: ChatGroups;
  /** Articles posts announce (curation's `articles.published`). */
  articles: LinkedArticles;
}

/** Largest activity an inbox accepts (Mastodon's limit is 1 MB too). */
export const MAX_INBOX_BYTES = 1024 * 1024;
/** Deepest JSON an inbox accepts: real activities nest a few levels, not hundreds. */
const MAX_JSON_DEPTH = 32;

/**
 * Federation: ActivityPub with Fedify. Members are Person actors, chat series Group actors, the
 * server an Application (relays, signed fetches). The concept services are its properties; see
 * docs/federation.md.
 */
export class FederationService {
  /** Remote actors: stored from their documents, found by address or link. */
  readonly actors: RemoteActorsService;
  /** Remote images, shown through this server. */
  readonly media: MediaProxyService;
  /** Servers we know: block, silence, delivery health. */
  readonly instances: InstancesService;
  /** Relays the server subscribes to. */
  readonly relays: RelaysService;
  /** Reports from members and other servers, and the administrators' queue. */
  readonly reports: ReportsService;
  /** Local activities sent to other servers (the federation.out job). */
  readonly outbox: OutboxService;
  /** Posts from other servers: whether wanted, read, stored. */
  readonly incomingPosts: IncomingPostsService;
  /** A found account's recent and pinned posts (the federation.backfill job). */
  readonly backfill: BackfillService;
  /** Which software other servers run, from their NodeInfo (the federation.nodeinfo job). */
  readonly software: ServerSoftwareService;
  /** Fedify's message queue on our jobs (the federation.deliver and federation.receive jobs). */
  readonly queue: JobsMessageQueue;
  readonly #parts: FederationParts;
  readonly #logger: Logger;
  readonly #relayed: RelayedActivitiesService;
  readonly #queueAbort = new AbortController();

  constructor(deps: FederationDeps) {
    const { database, config, jobs, http, logger, social } = deps;
    const baseUrl = config.baseUrl;
    this.#logger = logger;
    const { chatGroups, articles } = deps;
    this.media = new MediaProxyService({
      http,
      secretKey: deps.secretKey,
      dataDir: config.dataDir,
      maxBytes: config.remoteMediaCacheBytes,
    });
    this.instances = new InstancesService({
      database,
      config,
      logger,
      social,
      onSeen: (domain, checkedAt) => this.software.seen(domain, checkedAt),
    });
    this.#parts = buildFederation({
      database,
      jobs,
      http,
      logger,
      baseUrl,
      version: deps.version,
      social,
      chatGroups,
      articles,
      site: async () => {
        const site = await deps.settings.get();
        return { name: site.siteName, openRegistrations: site.signupMode === 'open' };
      },
      observeDelivery: (inbox, ok, error, db) => this.instances.recordDelivery(new URL(inbox).host, ok, error, db),
      deliveryTimeoutMs: config.federationTimeout * 1000,
    });
    const parts = this.#parts;
    const loader = () => parts.context().documentLoader;
    this.queue = parts.queue;
    this.software = new ServerSoftwareService({ database, jobs, get: parts.get, logger });
    this.actors = new RemoteActorsService({ database, baseUrl, get: parts.get, loader, media: this.media, instances: this.instances });
    const sender = new SenderService({ database, baseUrl, social, instances: this.instances, context: parts.context });
    this.outbox = new OutboxService({ database, jobs, baseUrl, social, sender, chatGroups, articles, actor: parts.actor });
    this.outbox.listen(social.outbox);
    this.relays = new RelaysService({ database, sender });
    this.reports = new ReportsService({
      database,
      baseUrl,
      rateLimiter: deps.rateLimiter,
      social,
      accounts: deps.accounts,
      forward: (id) => forwardReport({ database, social, sender }, id),
    });
    this.#relayed = new RelayedActivitiesService({ database, kv: parts.kv, loader });
    this.incomingPosts = new IncomingPostsService({
      database,
      baseUrl,
      logger,
      social,
      actors: this.actors,
      instances: this.instances,
      media: this.media,
    });
    this.backfill = new BackfillService({ database, jobs, logger, social, posts: this.incomingPosts, context: parts.context });
    registerInbox(parts.federation, {
      database,
      logger,
      social,
      actors: this.actors,
      instances: this.instances,
      posts: this.incomingPosts,
      sender,
      relays: this.relays,
      reports: this.reports,
      chatGroups,
      relayed: (activityId) => this.#relayed.wasRelayed(activityId),
    });
    // The queue only registers its handler: jobs run wherever the job worker runs.
    void parts.federation.startQueue(undefined, { signal: this.#queueAbort.signal });
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
    const logger = this.#logger.child({ component: 'federation' });
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
    if (actor.created_at >= before) await this.backfill.enqueue(actor.id);
    return actor;
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
