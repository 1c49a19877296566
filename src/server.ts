import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { AccountsService } from './accounts/service.ts';
import { ChatsService } from './chats/service.ts';
import { ArticlesService } from './curation/articles.ts';
import { BookmarksService } from './curation/bookmarks.ts';
import { CollectionsService } from './curation/collections.ts';
import { type Database, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { FederationService } from './federation/service.ts';
import { FeedsService } from './feeds/service.ts';
import { registerPoolsJob, schedulePoolsJob } from './insights/pools.ts';
import { Jobs } from './jobs/jobs.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import { EventBus } from './platform/events.ts';
import { HttpClient } from './platform/http.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { RateLimiter } from './platform/rate-limit.ts';
import { loadSecretKey } from './platform/secrets.ts';
import { SiteSettings } from './platform/settings.ts';
import { DiskStorage } from './platform/storage.ts';
import { Outbox } from './social/outbox.ts';
import { Social } from './social/social.ts';
import { createApp } from './web/app.tsx';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Everything the capabilities share, wired once per process. */
export interface Services {
  version: string;
  config: Config;
  logger: Logger;
  /** What time it is, for what depends on it (tests set it; see platform/clock.ts). */
  clock: Clock;
  database: Database;
  secretKey: string;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  storage: DiskStorage;
  jobs: Jobs;
  events: EventBus;
  http: HttpClient;
  accounts: AccountsService;
  social: Social;
  bookmarks: BookmarksService;
  collections: CollectionsService;
  articles: ArticlesService;
  feeds: FeedsService;
  chats: ChatsService;
  federation: FederationService;
  /** Schedules the recurring jobs (processes that run jobs call it). */
  schedule(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database, applies pending migrations and builds the services. */
export async function createServices(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<Services> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database);
    if (applied.length > 0) logger.info({ migrations: applied, database: database.location }, 'database migrated');
  } catch (error) {
    await database.close();
    throw error;
  }
  const settings = new SiteSettings(database, { siteName: config.siteName, signupMode: config.signupMode });
  const rateLimiter = new RateLimiter(database);
  const storage = new DiskStorage(config.dataDir);
  const jobs = new Jobs(database, logger, { clock });
  // Local activities other servers must hear about; federation listens (see social/outbox.ts).
  const outbox = new Outbox();
  const accounts = new AccountsService({
    database,
    config,
    settings,
    rateLimiter,
    storage,
    logger,
    onProfileChange: (tx, actorId) => outbox.emit(tx, { type: 'profile', actorId }),
  });
  const events = new EventBus(logger, database, config.databaseUrl);
  await events.start();
  const http = new HttpClient({ userAgent: `Commonroom/${VERSION} (+${config.baseUrl})`, allowPrivate: config.fetchAllowPrivate });
  const social = new Social({ database, config, events, jobs, storage, logger, outbox }, http);
  const secretKey = loadSecretKey(config.dataDir, config.secretKey);
  const chats = new ChatsService({ database, config, events, jobs, storage, logger, social, accounts, secretKey, clock });
  const federation = new FederationService({
    database,
    config,
    jobs,
    http,
    logger,
    social,
    settings,
    rateLimiter,
    secretKey,
    version: VERSION,
  });
  const bookmarks = new BookmarksService({ database, config, http, jobs, logger });
  const collections = new CollectionsService({ database, config, events, graph: social.graph });
  const articles = new ArticlesService({ database, config, storage, social });
  const feeds = new FeedsService(database, http, logger, jobs, {
    concurrency: config.feedConcurrency,
    perHost: config.feedHostConcurrency,
    maxBytes: config.feedMaxBytes,
    clock,
  });

  registerPoolsJob(jobs, database);
  jobs.register('maintenance.cleanup', async () => {
    const now = Date.now();
    await rateLimiter.prune();
    await database.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    await database.db
      .deleteFrom('password_resets')
      .where('expires_at', '<=', now - 86_400_000)
      .execute();
  });
  // The live-event log keeps minutes of events for reconnecting streams (platform/events.ts).
  jobs.register('events.prune', async () => {
    await events.prune();
  });

  return {
    version: VERSION,
    config,
    logger,
    clock,
    database,
    secretKey,
    settings,
    rateLimiter,
    storage,
    jobs,
    events,
    http,
    accounts,
    social,
    bookmarks,
    collections,
    articles,
    feeds,
    chats,
    federation,
    async schedule() {
      await jobs.schedule('maintenance.cleanup', 'maintenance.cleanup', null, 3600_000);
      await jobs.schedule('events.prune', 'events.prune', null, 60_000);
      await social.schedule();
      await feeds.schedule();
      await chats.schedule();
      await federation.schedule();
      await schedulePoolsJob(jobs);
    },
    async close() {
      federation.close();
      await jobs.stop();
      await events.close();
      await database.close();
    },
  };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server (and, unless told otherwise, the job worker) on the configured port. */
export async function startServer(services: Services, options: { jobs?: boolean } = {}): Promise<RunningServer> {
  const { config, logger, jobs } = services;
  const app = createApp(services);
  const tls =
    config.tlsCertFile && config.tlsKeyFile ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) } : null;
  const timeoutMs = config.requestTimeout * 1000;
  const limits = {
    // The request line and headers must arrive within this (Node closes the connection).
    headersTimeout: timeoutMs,
    // No limit on the whole request: a large upload on a slow line may take long. A body that
    // stalls is cut by closeStalledBodies instead. (Responses, such as the live pages' streams, are not limited.)
    requestTimeout: 0,
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, timeoutMs / 4)),
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        serverOptions: { ...limits, ...tls },
        ...(tls ? { createServer: createHttpsServer } : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const stopWatching = closeStalledBodies(server as Server, timeoutMs);
  const port = (server.address() as AddressInfo).port;
  if (options.jobs ?? config.runJobs) {
    await services.schedule();
    jobs.start({ concurrency: config.jobConcurrency, lanes: { federation: config.federationConcurrency } });
  }
  const url = config.baseUrl;
  logger.info({ port, host: config.host, url, database: services.database.location }, 'Commonroom is listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        stopWatching();
        server.close(() => resolve());
        // Let open keep-alive and SSE connections go.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** A request body must keep coming at this pace, on average, once its grace period is used up. */
const BODY_MIN_BYTES_PER_SECOND = 500;

/**
 * Closes the connection of a request whose body stalls: a body may wait for its client
 * `graceMs`, plus one second for every 500 bytes it has sent. Only time spent waiting for the
 * client counts (not time the body sits unread while the application is busy), so a slow
 * but steady upload of any allowed size goes on, and one trickling bytes to hold a
 * connection open ("slowloris") is cut. Requests without a body, such as the live pages'
 * event streams, are not watched. Time is counted in ticks, so a busy server is lenient.
 */
function closeStalledBodies(server: Server, graceMs: number): () => void {
  const tickMs = Math.min(1000, Math.max(50, Math.round(graceMs / 10)));
  const watched = new Map<IncomingMessage, { startBytes: number; waitedMs: number }>();
  server.on('request', (request: IncomingMessage) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody || request.complete) return;
    watched.set(request, { startBytes: request.socket.bytesRead, waitedMs: 0 });
    request.once('close', () => watched.delete(request));
  });
  const timer = setInterval(() => {
    for (const [request, state] of watched) {
      if (request.complete || request.destroyed) {
        watched.delete(request);
        continue;
      }
      // Body bytes waiting to be read: the application is the one taking its time.
      if (request.readableLength > 0) continue;
      state.waitedMs += tickMs;
      const received = request.socket.bytesRead - state.startBytes;
      if (state.waitedMs > graceMs + (received / BODY_MIN_BYTES_PER_SECOND) * 1000) {
        watched.delete(request);
        request.socket.destroy();
      }
    }
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
