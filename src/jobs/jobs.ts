import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Database, Queryable, Tx } from '../db/database.ts';
import type { JobsTable } from '../db/schema.ts';
import { type Clock, systemClock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Durable background jobs on the application database.
 *
 * - `enqueue` with a delay, an ordering key (jobs sharing it run one at a time, in order) and
 *   a dedupe key (at most one unfinished job per key); pass a transaction to enqueue atomically
 *   with the write that causes the job.
 * - Workers claim due jobs with one atomic statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
 *   so several worker processes can share the table. A claim is a lease: a worker killed
 *   mid-job leaves a lock that expires, and the job runs again. The lease is short (the job's
 *   time limit plus a grace period, at most JOB_LEASE_MS) and renewed while the attempt runs,
 *   so a worker killed in the middle of a 15-minute job holds it for one lease, not 15 minutes.
 * - A handler's database effects are exactly-once when it writes them through
 *   `ctx.complete(tx => …)`: the writes commit together with the job's removal, and only while
 *   this worker still holds the lease. Other effects (HTTP) are at-least-once.
 * - Failures retry with exponential backoff and jitter until `maxAttempts`, then the job is kept
 *   with `failed_at` for inspection. Each attempt has a time limit.
 * - Recurring schedules enqueue a job every interval, once across all processes.
 *
 * A job's attempts and time limit are stored when it is enqueued, from the kind's options in
 * the enqueuing process; every process registers the same kinds (see server.ts).
 */

export interface JobContext {
  jobId: number;
  attempt: number;
  /** Aborted when the attempt runs out of time or the worker stops. */
  signal: AbortSignal;
  logger: Logger;
  /** Commits `work` together with the job's completion; throws LostLeaseError (rolling back) when the lease was lost. */
  complete(work?: (tx: Tx) => Promise<void>): Promise<void>;
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void>;

export interface JobKindOptions {
  maxAttempts?: number;
  timeoutMs?: number;
  /** First retry delay; doubles each attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Jobs of a lane are claimed by a worker of their own with its own concurrency, so that many
   * slow network jobs (federation deliveries) cannot hold every slot the other jobs need.
   */
  lane?: string;
}

export interface EnqueueOptions {
  delayMs?: number;
  runAt?: number;
  orderingKey?: string;
  dedupeKey?: string;
  /** Enqueue inside this transaction. */
  tx?: Queryable;
}

/** Thrown by a handler for an error that retrying cannot fix. */
export class PermanentJobError extends Error {}
export class LostLeaseError extends Error {
  constructor(jobId: number) {
    super(`job ${jobId}: lease lost (timed out or claimed by another worker); its work was rolled back`);
  }
}

const DEFAULTS: Required<JobKindOptions> = { maxAttempts: 8, timeoutMs: 60_000, backoffMs: 5_000, maxBackoffMs: 6 * 3600_000, lane: '' };
/** Rows per insert in enqueueMany: 10 values a row stays far below both databases' parameter limits. */
const ENQUEUE_CHUNK = 500;
/** When to wake the workers again after a job was enqueued inside a transaction. */
const TX_WAKE_DELAYS_MS = [20, 150];
/** A lease outlives the time limit by this much, so a slow abort is not mistaken for a crash. */
const LEASE_GRACE_MS = 5_000;
/**
 * The longest a claim lasts without being renewed. A running attempt renews it every third of
 * its length, so a live worker keeps its job however long it runs (up to its time limit), and
 * the job of a worker killed mid-way comes back after at most this long.
 */
export const JOB_LEASE_MS = 30_000;

export interface JobsOptions {
  /** How long past its time limit a claimed job stays leased (tests shorten it). */
  leaseGraceMs?: number;
  /** The longest lease (JOB_LEASE_MS); tests shorten it to see renewals. */
  leaseMs?: number;
  /** When jobs are due and leases end (tests move it on, e.g. past a dead worker's lease); time limits are the machine's own. */
  clock?: Clock;
}

type JobRow = Selectable<JobsTable>;

export interface WorkerOptions {
  concurrency?: number;
  /** Concurrency of each lane's own worker (lanes not named here share the main worker). */
  lanes?: Record<string, number>;
  /** Poll interval when idle. */
  pollMs?: number;
}

export class Jobs {
  readonly #database: Database;
  readonly #logger: Logger;
  readonly #kinds = new Map<string, { handler: JobHandler; options: Required<JobKindOptions> }>();
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #leaseGraceMs: number;
  readonly #leaseMs: number;
  readonly #clock: Clock;
  #workers: Worker[] = [];
  #txWakes = false;

  constructor(database: Database, logger: Logger, options: JobsOptions = {}) {
    this.#database = database;
    this.#logger = logger.child({ component: 'jobs' });
    this.#leaseGraceMs = options.leaseGraceMs ?? LEASE_GRACE_MS;
    this.#leaseMs = options.leaseMs ?? JOB_LEASE_MS;
    this.#clock = options.clock ?? systemClock;
  }

  /** How long a claim of a job with this time limit lasts before it must be renewed. */
  #leaseFor(timeoutMs: number): number {
    return Math.min(timeoutMs + this.#leaseGraceMs, this.#leaseMs);
  }

  register<P>(kind: string, handler: JobHandler<P>, options: JobKindOptions = {}): void {
    if (this.#kinds.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
    this.#kinds.set(kind, { handler: handler as JobHandler, options: { ...DEFAULTS, ...options } });
  }

  /** Returns the new job's id, or null when an unfinished job with the same dedupe key exists. */
  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<number | null> {
    const row = await (options.tx ?? this.#database.db)
      .insertInto('jobs')
      .values(this.#row(kind, payload, options))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) this.#wakeAfter(options.tx);
    return row?.id ?? null;
  }

  /** Enqueues many jobs of one kind with one statement per few hundred (no dedupe keys). */
  async enqueueMany(kind: string, payloads: readonly unknown[], options: Omit<EnqueueOptions, 'dedupeKey'> = {}): Promise<void> {
    for (let i = 0; i < payloads.length; i += ENQUEUE_CHUNK) {
      const rows = payloads.slice(i, i + ENQUEUE_CHUNK).map((payload) => this.#row(kind, payload, options));
      await (options.tx ?? this.#database.db).insertInto('jobs').values(rows).execute();
    }
    if (payloads.length > 0) this.#wakeAfter(options.tx);
  }

  #row(kind: string, payload: unknown, options: EnqueueOptions) {
    const kindOptions = this.#kinds.get(kind)?.options ?? DEFAULTS;
    const now = this.#clock.now();
    return {
      kind,
      payload: JSON.stringify(payload ?? null),
      ordering_key: options.orderingKey ?? null,
      dedupe_key: options.dedupeKey ?? null,
      // Whole milliseconds: callers may compute fractions (Fedify's delays), which bigint refuses.
      run_at: Math.ceil(options.runAt ?? now + (options.delayMs ?? 0)),
      attempts: 0,
      max_attempts: kindOptions.maxAttempts,
      timeout_ms: kindOptions.timeoutMs,
      created_at: now,
    };
  }

  /**
   * Wakes the workers for a new job. A job enqueued inside a transaction is visible only once
   * it commits, which we cannot observe: wake now (on SQLite the claim waits behind the
   * transaction on the one connection) and again shortly after, rather than at the next poll.
   */
  #wakeAfter(tx: Queryable | undefined): void {
    this.#wakeAll();
    if (!tx || this.#txWakes) return;
    // One pending pair of wakes covers every transaction enqueueing meanwhile.
    this.#txWakes = true;
    for (const [i, ms] of TX_WAKE_DELAYS_MS.entries()) {
      setTimeout(() => {
        if (i === TX_WAKE_DELAYS_MS.length - 1) this.#txWakes = false;
        this.#wakeAll();
      }, ms).unref();
    }
  }

  /** Creates or updates a recurring schedule; the first run is after one interval unless `firstRunAt` says otherwise. */
  async schedule(name: string, kind: string, payload: unknown, intervalMs: number, firstRunAt?: number): Promise<void> {
    const next = firstRunAt ?? this.#clock.now() + intervalMs;
    await this.#database.db
      .insertInto('job_schedules')
      .values({ name, kind, payload: JSON.stringify(payload ?? null), interval_ms: intervalMs, next_run_at: next })
      .onConflict((oc) => oc.column('name').doUpdateSet({ kind, payload: JSON.stringify(payload ?? null), interval_ms: intervalMs }))
      .execute();
  }

  async unschedule(name: string): Promise<void> {
    await this.#database.db.deleteFrom('job_schedules').where('name', '=', name).execute();
  }

  /** Counts for /healthz and the admin: jobs waiting, running and failed. */
  async stats(): Promise<{ pending: number; running: number; failed: number }> {
    const now = this.#clock.now();
    const row = await this.#database.db
      .selectFrom('jobs')
      .select((eb) => [
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('failed_at', 'is', null), eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('pending'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('failed_at', 'is', null), eb('locked_until', '>=', now)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('running'),
        eb.fn.sum<number>(eb.case().when('failed_at', 'is not', null).then(1).else(0).end()).as('failed'),
      ])
      .executeTakeFirstOrThrow();
    return { pending: Number(row.pending ?? 0), running: Number(row.running ?? 0), failed: Number(row.failed ?? 0) };
  }

  start(options: WorkerOptions = {}): void {
    if (this.#workers.length > 0) return;
    const lanes = options.lanes ?? {};
    const laneOf = (kind: string) => {
      const lane = this.#kinds.get(kind)!.options.lane;
      return lane in lanes ? lane : '';
    };
    const kindsOf = (lane: string) => () => [...this.#kinds.keys()].filter((kind) => laneOf(kind) === lane);
    this.#workers = [
      new Worker(this, this.#logger, options.concurrency ?? 4, options.pollMs ?? 1000, kindsOf(''), true),
      ...Object.entries(lanes).map(
        ([lane, concurrency]) => new Worker(this, this.#logger, concurrency, options.pollMs ?? 1000, kindsOf(lane), false),
      ),
    ];
    for (const worker of this.#workers) worker.start();
  }

  async stop(graceMs = 10_000): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((worker) => worker.stop(graceMs)));
  }

  #wakeAll(): void {
    for (const worker of this.#workers) worker.wake();
  }

  /** Runs due jobs until none is left (tests, benchmarks, the CLI). Returns how many ran. */
  async drain(options: { concurrency?: number; maxJobs?: number } = {}): Promise<number> {
    let ran = 0;
    const limit = options.maxJobs ?? Infinity;
    for (;;) {
      await this.enqueueDueSchedules();
      const batch = await this.claim(Math.min(options.concurrency ?? 4, limit - ran));
      if (batch.length === 0) return ran;
      await Promise.all(batch.map((job) => this.run(job, new AbortController().signal)));
      ran += batch.length;
      if (ran >= limit) return ran;
    }
  }

  /** Claims up to `limit` due jobs of the kinds this process handles (or of `only` those). */
  async claim(limit: number, only?: string[]): Promise<JobRow[]> {
    const kinds = only ?? [...this.#kinds.keys()];
    if (limit <= 0 || kinds.length === 0) return [];
    const now = this.#clock.now();
    const lock = this.#database.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    // The lease: the time limit and its grace, but never longer than one lease (renewed while running).
    const grace = sql`cast(${this.#leaseGraceMs} as bigint)`;
    const longest = sql`cast(${this.#leaseMs} as bigint)`;
    const result = await sql<JobRow>`
      update jobs
         set locked_by = ${this.workerId},
             locked_until = cast(${now} as bigint) + case when timeout_ms + ${grace} < ${longest} then timeout_ms + ${grace} else ${longest} end,
             attempts = attempts + 1
       where id in (
         select j.id from jobs j
          where j.failed_at is null
            and j.run_at <= ${now}
            and (j.locked_until is null or j.locked_until < ${now})
            and j.kind in (${sql.join(kinds)})
            and (j.ordering_key is null or not exists (
                  select 1 from jobs p
                   where p.ordering_key = j.ordering_key and p.id < j.id and p.failed_at is null))
          order by j.run_at, j.id
          limit ${limit}
          ${lock})
      returning *`.execute(this.#database.db);
    return result.rows;
  }

  /** Runs one claimed job to success, retry or failure. */
  async run(job: JobRow, stopSignal: AbortSignal): Promise<void> {
    const kind = this.#kinds.get(job.kind)!;
    const logger = this.#logger.child({ job: job.id, kind: job.kind, attempt: job.attempts });
    const timeout = AbortSignal.timeout(job.timeout_ms);
    const lost = new AbortController();
    const signal = AbortSignal.any([timeout, stopSignal, lost.signal]);
    const renewal = this.#keepLease(job, lost, logger);
    let completed = false;
    const ctx: JobContext = {
      jobId: job.id,
      attempt: job.attempts,
      signal,
      logger,
      complete: async (work) => {
        await this.#database.db.transaction().execute(async (tx) => {
          const deleted = await tx
            .deleteFrom('jobs')
            .where('id', '=', job.id)
            .where('locked_by', '=', this.workerId)
            .where('attempts', '=', job.attempts)
            .executeTakeFirst();
          if (Number(deleted.numDeletedRows) !== 1) throw new LostLeaseError(job.id);
          if (work) await work(tx);
        });
        completed = true;
        renewal.stop();
      },
    };
    const started = performance.now();
    try {
      const payload: unknown = JSON.parse(job.payload);
      await Promise.race([
        kind.handler(payload, ctx),
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true }),
        ),
      ]);
      if (!completed) await ctx.complete();
      logger.debug({ ms: Math.round(performance.now() - started) }, 'job done');
    } catch (error) {
      if (error instanceof LostLeaseError || lost.signal.aborted) {
        // Another worker has the job now: it is not ours to fail or release.
        logger.warn(error instanceof LostLeaseError ? error.message : (lost.signal.reason as Error).message);
        return;
      }
      if (stopSignal.aborted && !timeout.aborted) {
        await this.release(job);
        return;
      }
      const message = timeout.aborted ? `timed out after ${job.timeout_ms} ms` : error instanceof Error ? error.message : String(error);
      await this.fail(job, message, error instanceof PermanentJobError, kind.options);
      logger.warn({ error: message }, 'job attempt failed');
    } finally {
      renewal.stop();
    }
  }

  /**
   * Renews the lease of a running attempt every third of its length. When the job is no longer
   * this worker's (its lease lapsed and another worker claimed it), aborts the attempt with a
   * LostLeaseError. A failed renewal (the database briefly away) is tried again at the next turn.
   */
  #keepLease(job: JobRow, lost: AbortController, logger: Logger): { stop(): void } {
    const leaseMs = this.#leaseFor(job.timeout_ms);
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const renew = async () => {
      try {
        const renewed = await this.#database.db
          .updateTable('jobs')
          .set({ locked_until: this.#clock.now() + leaseMs })
          .where('id', '=', job.id)
          .where('locked_by', '=', this.workerId)
          .where('attempts', '=', job.attempts)
          .executeTakeFirst();
        if (Number(renewed.numUpdatedRows) !== 1 && !stopped) lost.abort(new LostLeaseError(job.id));
      } catch (error) {
        logger.warn({ error: (error as Error).message }, 'could not renew the lease of a running job');
      }
      if (!stopped && !lost.signal.aborted) timer = setTimeout(() => void renew(), leaseMs / 3);
    };
    timer = setTimeout(() => void renew(), leaseMs / 3);
    return {
      stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    };
  }

  private async fail(job: JobRow, message: string, permanent: boolean, options: Required<JobKindOptions>): Promise<void> {
    const now = this.#clock.now();
    const giveUp = permanent || job.attempts >= job.max_attempts;
    const backoff = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (job.attempts - 1));
    const delay = Math.round(backoff * (0.5 + Math.random() / 2));
    await this.#database.db
      .updateTable('jobs')
      .set(
        giveUp
          ? { failed_at: now, dedupe_key: null, locked_by: null, locked_until: null, last_error: message.slice(0, 2000) }
          : { run_at: now + delay, locked_by: null, locked_until: null, last_error: message.slice(0, 2000) },
      )
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .where('attempts', '=', job.attempts)
      .execute();
  }

  /** Hands a job back untouched (the worker is stopping). */
  private async release(job: JobRow): Promise<void> {
    await this.#database.db
      .updateTable('jobs')
      .set((eb) => ({ locked_by: null, locked_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .where('attempts', '=', job.attempts)
      .execute();
  }

  /** Enqueues one job for each schedule that is due; safe to call from every process at once. */
  async enqueueDueSchedules(): Promise<number> {
    const now = this.#clock.now();
    const due = await this.#database.db.selectFrom('job_schedules').selectAll().where('next_run_at', '<=', now).execute();
    let enqueued = 0;
    for (const schedule of due) {
      const missed = Math.floor((now - schedule.next_run_at) / schedule.interval_ms) + 1;
      const next = schedule.next_run_at + missed * schedule.interval_ms;
      await this.#database.db.transaction().execute(async (tx) => {
        const claimed = await tx
          .updateTable('job_schedules')
          .set({ next_run_at: next })
          .where('name', '=', schedule.name)
          .where('next_run_at', '=', schedule.next_run_at)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return;
        const id = await this.enqueue(schedule.kind, JSON.parse(schedule.payload), {
          dedupeKey: `schedule:${schedule.name}`,
          tx,
        });
        if (id !== null) enqueued++;
      });
    }
    if (enqueued > 0) this.#wakeAll();
    return enqueued;
  }
}

/** The claim loop of one process. */
class Worker {
  readonly #jobs: Jobs;
  readonly #logger: Logger;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #running = new Set<Promise<void>>();
  /** Stops claiming. */
  readonly #stopping = new AbortController();
  /** Aborts handlers still running when the grace period ends. */
  readonly #abort = new AbortController();
  #wake: (() => void) | null = null;
  #woken = false;
  #loop: Promise<void> | null = null;
  #lastScheduleCheck = 0;

  readonly #kinds: () => string[];
  /** Whether this worker also enqueues due schedules (one per process does). */
  readonly #schedules: boolean;

  constructor(jobs: Jobs, logger: Logger, concurrency: number, pollMs: number, kinds: () => string[], schedules: boolean) {
    this.#kinds = kinds;
    this.#schedules = schedules;
    this.#jobs = jobs;
    this.#logger = logger;
    this.#concurrency = concurrency;
    this.#pollMs = pollMs;
  }

  start(): void {
    this.#loop = this.loop();
  }

  wake(): void {
    if (this.#wake) this.#wake();
    else this.#woken = true;
  }

  private async loop(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      this.#woken = false;
      try {
        if (this.#schedules && Date.now() - this.#lastScheduleCheck >= 1000) {
          this.#lastScheduleCheck = Date.now();
          await this.#jobs.enqueueDueSchedules();
        }
        const batch = await this.#jobs.claim(this.#concurrency - this.#running.size, this.#kinds());
        for (const job of batch) {
          const running: Promise<void> = this.#jobs.run(job, this.#abort.signal).finally(() => {
            this.#running.delete(running);
            this.wake();
          });
          this.#running.add(running);
        }
        // A full batch with room left: there may be more due jobs, claim again at once.
        if (batch.length > 0 && this.#running.size < this.#concurrency) continue;
      } catch (error) {
        // The database may be briefly unavailable; keep polling.
        this.#logger.error({ error: (error as Error).message }, 'job worker could not claim jobs');
      }
      if (this.#stopping.signal.aborted || this.#woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  /** Stops claiming, lets running jobs finish for `graceMs`, then aborts and releases the rest. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping.abort();
    this.wake();
    await this.#loop;
    if (this.#running.size > 0) {
      await Promise.race([Promise.allSettled([...this.#running]), new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    this.#abort.abort(new Error('worker stopping'));
    await Promise.allSettled([...this.#running]);
  }
}
