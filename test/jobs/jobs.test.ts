import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.ts';
import { Jobs, PermanentJobError } from '../../src/jobs/jobs.ts';
import { TestClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openTestDatabase } from '../support/database.ts';

const logger = createLogger('silent');
let db: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  await db.database.db.deleteFrom('jobs').execute();
  await db.database.db.deleteFrom('job_schedules').execute();
  await db.database.db.deleteFrom('settings').where('key', 'like', 'effect:%').execute();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The longest timer Node keeps (about 24.8 days): a poll interval that never comes in a test. */
const NEVER_MS = 2 ** 31 - 1;
const effects = async (prefix: string) =>
  (await db.database.db.selectFrom('settings').select('key').where('key', 'like', `effect:${prefix}%`).execute()).map((r) => r.key);
const jobRows = () => db.database.db.selectFrom('jobs').selectAll().orderBy('id').execute();

/** Enqueues `test.effect` jobs with the options worker-process.ts registers (the enqueuer's options are stored with the job). */
function effectJobs(): Jobs {
  const jobs = new Jobs(db.database, logger);
  jobs.register('test.effect', async () => {}, { timeoutMs: 1500, backoffMs: 50 });
  return jobs;
}

/** A worker in its own process (test/jobs/worker-process.ts), as in production. */
function startWorker() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/jobs/worker-process.ts', db.dataDir, db.url ?? ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => output,
    async waitFor(text: string, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`worker did not print "${text}"; it printed: ${output}`);
        await sleep(20);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('jobs', () => {
  test('runs an enqueued job with its payload, then removes it', async () => {
    const jobs = new Jobs(db.database, logger);
    const seen: unknown[] = [];
    jobs.register('t.echo', async (payload) => {
      seen.push(payload);
    });
    await jobs.enqueue('t.echo', { hello: 'world' });
    assert.equal(await jobs.drain(), 1);
    assert.deepEqual(seen, [{ hello: 'world' }]);
    assert.equal((await jobRows()).length, 0);
  });

  test('a delayed job waits for its time', async () => {
    const clock = new TestClock(Date.parse('2027-01-05T10:00:00Z'));
    const jobs = new Jobs(db.database, logger, { clock });
    let runs = 0;
    jobs.register('t.delayed', async () => {
      runs++;
    });
    await jobs.enqueue('t.delayed', null, { delayMs: 400 });
    assert.equal(await jobs.drain(), 0);
    clock.advance(399);
    assert.equal(await jobs.drain(), 0, 'not due a millisecond early');
    clock.advance(1);
    assert.equal(await jobs.drain(), 1);
    assert.equal(runs, 1);
  });

  test('jobs sharing an ordering key run one at a time, in order', async () => {
    const jobs = new Jobs(db.database, logger);
    const log: string[] = [];
    let running = 0;
    jobs.register<{ n: number }>('t.ordered', async ({ n }) => {
      running++;
      assert.equal(running, 1, 'two jobs of one key overlapped');
      log.push(`start ${n}`);
      await sleep(20);
      log.push(`end ${n}`);
      running--;
    });
    for (let n = 1; n <= 5; n++) await jobs.enqueue('t.ordered', { n }, { orderingKey: 'source:1' });
    assert.equal(await jobs.drain({ concurrency: 5 }), 5);
    assert.deepEqual(
      log,
      [1, 2, 3, 4, 5].flatMap((n) => [`start ${n}`, `end ${n}`]),
    );
  });

  test('a dedupe key allows one unfinished job per key', async () => {
    const jobs = new Jobs(db.database, logger);
    jobs.register('t.dedupe', async () => {});
    assert.ok(await jobs.enqueue('t.dedupe', 1, { dedupeKey: 'refresh:7' }));
    assert.equal(await jobs.enqueue('t.dedupe', 2, { dedupeKey: 'refresh:7' }), null);
    await jobs.drain();
    assert.ok(await jobs.enqueue('t.dedupe', 3, { dedupeKey: 'refresh:7' }), 'a finished job frees its key');
  });

  test('failures retry with growing backoff, then the job is kept as failed', async () => {
    const clock = new TestClock(Date.parse('2027-01-05T10:00:00Z'));
    const jobs = new Jobs(db.database, logger, { clock });
    let attempts = 0;
    jobs.register(
      't.flaky',
      async () => {
        attempts++;
        throw new Error(`boom ${attempts}`);
      },
      { maxAttempts: 3, backoffMs: 100 },
    );
    await jobs.enqueue('t.flaky', null);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      assert.equal(await jobs.drain(), 1);
      const [row] = await jobRows();
      if (row!.failed_at) break;
      delays.push(row!.run_at - clock.now());
      // Not before its time; then at its time.
      clock.set(row!.run_at - 1);
      assert.equal(await jobs.drain(), 0);
      clock.set(row!.run_at);
    }
    assert.equal(attempts, 3);
    const [row] = await jobRows();
    assert.ok(row!.failed_at, 'failed_at set after max attempts');
    assert.equal(row!.last_error, 'boom 3');
    assert.equal(delays.length, 2);
    // 100 ms, then 200 ms, each with up to half taken off at random.
    assert.ok(delays[0]! >= 50 && delays[0]! <= 100, `first backoff ${delays[0]}`);
    assert.ok(delays[1]! >= 100 && delays[1]! <= 200, `second backoff ${delays[1]}`);
  });

  test('a permanent error is not retried; a job over its time limit fails its attempt', async () => {
    const jobs = new Jobs(db.database, logger);
    jobs.register('t.permanent', async () => {
      throw new PermanentJobError('bad payload');
    });
    // The slow job would go on until the test lets it (or a minute passes); its time limit is 100 ms.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let slowSignal: AbortSignal | undefined;
    let slowFinished = false;
    jobs.register(
      't.slow',
      async (_payload, ctx) => {
        slowSignal = ctx.signal;
        await Promise.race([released, new Promise((r) => setTimeout(r, 60_000).unref())]);
        slowFinished = true;
      },
      { timeoutMs: 100, maxAttempts: 1 },
    );
    await jobs.enqueue('t.permanent', null);
    await jobs.enqueue('t.slow', null);
    assert.equal(await jobs.drain(), 2);
    // The time limit cut the slow job short: drain did not wait for it to finish.
    assert.equal(slowSignal?.aborted, true, 'its abort signal fired');
    assert.equal(slowFinished, false, 'it had not finished when the attempt was given up');
    release();
    const rows = await jobRows();
    assert.deepEqual(
      rows.map((r) => [r.kind, r.attempts, Boolean(r.failed_at), r.last_error]),
      [
        ['t.permanent', 1, true, 'bad payload'],
        ['t.slow', 1, true, 'timed out after 100 ms'],
      ],
    );
  });

  test('work written through complete() is rolled back when the lease was lost', async () => {
    const jobs = new Jobs(db.database, logger, { leaseGraceMs: 0 });
    const thief = new Jobs(db.database, logger, { leaseGraceMs: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    jobs.register(
      't.stolen',
      async (_p, ctx) => {
        await gate;
        await ctx.complete(async (tx) => {
          await tx.insertInto('settings').values({ key: 'effect:stolen', value: '1', updated_at: Date.now() }).execute();
        });
      },
      { timeoutMs: 5000 },
    );
    thief.register('t.stolen', async () => {});
    await jobs.enqueue('t.stolen', null);
    const [claimed] = await jobs.claim(1);
    const running = jobs.run(claimed!, new AbortController().signal);
    // The lease expires (as when a worker hangs); another worker takes the job over.
    await db.database.db
      .updateTable('jobs')
      .set({ locked_until: Date.now() - 1 })
      .execute();
    assert.equal(await thief.drain(), 1);
    release();
    await running;
    assert.deepEqual(await effects('stolen'), []);
  });

  test('a recurring schedule enqueues once per interval across processes', async () => {
    const a = new Jobs(db.database, logger);
    const b = new Jobs(db.database, logger);
    let runs = 0;
    for (const jobs of [a, b]) jobs.register('t.tick', async () => void runs++);
    await a.schedule('tick', 't.tick', null, 60_000, Date.now() - 1);
    const counts = await Promise.all([a.enqueueDueSchedules(), b.enqueueDueSchedules(), a.enqueueDueSchedules()]);
    assert.equal(
      counts.reduce((x, y) => x + y, 0),
      1,
    );
    await a.drain();
    assert.equal(runs, 1);
    const schedule = await db.database.db.selectFrom('job_schedules').selectAll().executeTakeFirstOrThrow();
    assert.ok(schedule.next_run_at > Date.now() + 50_000);
  });

  test('several worker processes on one database run each job exactly once', async () => {
    const jobs = effectJobs();
    const workers = [startWorker(), startWorker(), startWorker()];
    try {
      await Promise.all(workers.map((w) => w.waitFor('ready')));
      for (let n = 0; n < 120; n++) await jobs.enqueue('test.effect', { label: `many${n}`, holdMs: 10 });
      const deadline = Date.now() + 30_000;
      while ((await jobRows()).length > 0 && Date.now() < deadline) await sleep(100);
      assert.equal((await jobRows()).length, 0, 'all jobs finished');
      const started = workers.flatMap((w) => w.output().match(/started many\d+/g) ?? []);
      assert.equal(started.length, 120, 'each job started once');
      assert.equal(new Set(started).size, 120);
      assert.ok(workers.filter((w) => /started many/.test(w.output())).length >= 2, 'the work was shared');
      assert.equal((await effects('many')).length, 120);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  // The workers below poll only every 24 days: a job they run was picked up because the
  // enqueue woke them. (Were it not, the test would wait for its time limit and fail.)
  test('the worker loop picks up a new job at once', { timeout: 60_000 }, async () => {
    const jobs = new Jobs(db.database, logger);
    let done!: () => void;
    const ran = new Promise<void>((r) => (done = r));
    jobs.register('t.prompt', async () => done());
    jobs.start({ pollMs: NEVER_MS });
    try {
      await jobs.enqueue('t.prompt', null);
      await ran;
    } finally {
      await jobs.stop();
    }
  });

  test('a job enqueued inside a transaction is picked up soon after the commit, not at the next poll', { timeout: 60_000 }, async () => {
    const jobs = new Jobs(db.database, logger);
    let done!: () => void;
    const ran = new Promise<void>((r) => (done = r));
    jobs.register('t.tx', async () => done());
    jobs.start({ pollMs: NEVER_MS });
    try {
      await db.database.db.transaction().execute(async (tx) => {
        await jobs.enqueue('t.tx', null, { tx });
        await sleep(50); // the commit comes after the enqueue's immediate wake
      });
      await ran;
    } finally {
      await jobs.stop();
    }
  });

  test('enqueueMany inserts many jobs in a few statements, all runnable', async () => {
    const jobs = new Jobs(db.database, logger);
    const seen = new Set<number>();
    jobs.register<{ n: number }>('t.many', async ({ n }) => void seen.add(n));
    await jobs.enqueueMany(
      't.many',
      Array.from({ length: 1234 }, (_, n) => ({ n })),
      { delayMs: 0 },
    );
    assert.equal((await jobRows()).length, 1234);
    assert.equal(await jobs.drain({ concurrency: 50 }), 1234);
    assert.equal(seen.size, 1234);
  });

  test('a worker killed with SIGKILL mid-job: the job runs again and its work is not doubled', async () => {
    const database: Database = db.database;
    const jobs = effectJobs();
    const id = await jobs.enqueue('test.effect', { label: 'crash', holdMs: 800 });

    const first = startWorker();
    await first.waitFor('started crash attempt 1');
    first.child.kill('SIGKILL');
    await first.stop();
    assert.deepEqual(await effects('crash'), [], 'no effect from the killed attempt');
    const [leased] = await jobRows();
    assert.equal(leased!.id, id);
    assert.ok(leased!.locked_until, 'the job is still leased by the dead worker');

    const second = startWorker();
    try {
      await second.waitFor('done crash', 20_000);
      assert.match(second.output(), /started crash attempt 2/);
      assert.deepEqual(await effects('crash'), [`effect:crash:${id}:2`]);
      assert.equal((await jobRows()).length, 0);
    } finally {
      await second.stop();
    }
    // The database is consistent after the crash.
    const check =
      database.dialect === 'sqlite' ? await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db) : null;
    if (check) assert.equal(check.rows[0]!.integrity_check, 'ok');
  });
});
