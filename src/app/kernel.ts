import { readFileSync } from 'node:fs';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { Jobs } from '../jobs/jobs.ts';
import { type Clock, systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { EventBus } from '../platform/events.ts';
import { HttpClient } from '../platform/http.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { MAIL_JOB, MAIL_JOB_OPTIONS, Mailer, type MailJob } from '../platform/mail.ts';
import { RateLimiter } from '../platform/rate-limit.ts';
import { loadSecretKey } from '../platform/secrets.ts';
import { SiteSettings } from '../platform/settings.ts';
import { DiskStorage } from '../platform/storage.ts';
import type { JobSpec, Kernel } from '../web/capability.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** The tables of the kernel's own parts (site settings, live events, rate limits, the job queue, outgoing mail). */
export const KERNEL_TABLES = ['settings', 'live_events', 'rate_limits', 'jobs', 'job_schedules', 'mail_outbox', 'mail_bounces'] as const;

export interface KernelOptions {
  logger?: Logger;
  clock?: Clock;
}

/**
 * Opens the database (applying pending migrations) and makes the parts every capability
 * shares. Nothing here knows any capability.
 */
export async function openKernel(config: Config, options: KernelOptions = {}): Promise<Kernel> {
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
  const events = new EventBus(logger, database, config.databaseUrl);
  await events.start();
  const jobs = new Jobs(database, logger, { clock });
  const mail = new Mailer({ database, config, clock, logger, enqueue: (kind, payload, options) => jobs.enqueue(kind, payload, options) });
  return {
    version: VERSION,
    config,
    logger,
    clock,
    database,
    secretKey: loadSecretKey(config.dataDir, config.secretKey),
    settings: new SiteSettings(database, { siteName: config.siteName, signupMode: config.signupMode }),
    rateLimiter: new RateLimiter(database),
    storage: new DiskStorage(config.dataDir),
    jobs,
    mail,
    events,
    http: new HttpClient({ userAgent: `Commonroom/${VERSION} (+${config.baseUrl})`, allowPrivate: config.fetchAllowPrivate }),
  };
}

/** The kernel's own upkeep, beside the capabilities' jobs. */
export function kernelJobs(kernel: Kernel): JobSpec[] {
  const { rateLimiter, events, mail } = kernel;
  return [
    {
      kind: 'maintenance.cleanup',
      every: 3600_000,
      run: async () => {
        await rateLimiter.prune();
        await mail.prune();
      },
    },
    // Sends one queued mail (platform/mail.ts): at most once, retried while the failure is temporary.
    {
      kind: MAIL_JOB,
      run: (payload: MailJob, job) => mail.deliver(payload, job),
      options: MAIL_JOB_OPTIONS,
    },
    // The live-event log keeps minutes of events for reconnecting streams (platform/events.ts).
    {
      kind: 'events.prune',
      every: 60_000,
      run: async () => {
        await events.prune();
      },
    },
  ];
}

export async function closeKernel(kernel: Kernel): Promise<void> {
  await kernel.jobs.stop();
  await kernel.events.close();
  await kernel.database.close();
}
