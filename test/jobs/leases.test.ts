import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { JOB_LEASE_MS, Jobs, LostLeaseError } from '../../src/jobs/jobs.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openTestDatabase } from '../support/database.ts';

/**
 * Leases of long jobs: a claim lasts a short lease (not the job's whole time limit), renewed
 * while the worker is alive, so a worker killed in the middle of a 15-minute job holds it for
 * at most one lease. The lengths are read from the database, never timed.
 */

const logger = createLogger('silent');
let db: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  await db.database.db.deleteFrom('jobs').execute();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jobRow = () => db.database.db.selectFrom('jobs').selectAll().executeTakeFirst();
const FIFTEEN_MINUTES = 15 * 60_000;

describe('job leases', () => {
  test('a claim of a job with a long time limit is leased for a short while, not for its time limit', async () => {
    const now = 1_000_000_000_000;
    const jobs = new Jobs(db.database, logger, { clock: { now: () => now } });
    jobs.register('t.long', async () => {}, { timeoutMs: FIFTEEN_MINUTES });
    jobs.register('t.short', async () => {}, { timeoutMs: 2_000 });
    await jobs.enqueue('t.long', null);
    await jobs.enqueue('t.short', null);
    const claimed = await jobs.claim(2);
    const lease = Object.fromEntries(claimed.map((job) => [job.kind, job.locked_until! - now]));
    assert.ok(JOB_LEASE_MS <= 60_000, `the lease is about a minute at most (${JOB_LEASE_MS} ms)`);
    assert.equal(lease['t.long'], JOB_LEASE_MS, 'a long job is leased for one lease');
    assert.ok(lease['t.short']! <= 2_000 + 5_000, 'a short job is leased for its time limit and a grace period, as before');
    // Another worker whose clock reads one lease later takes the long job over: it does not wait 15 minutes.
    const later = new Jobs(db.database, logger, { clock: { now: () => now + JOB_LEASE_MS + 1 } });
    later.register('t.long', async () => {});
    later.register('t.short', async () => {});
    assert.deepEqual((await later.claim(2)).map((job) => [job.kind, job.attempts]).sort(), [
      ['t.long', 2],
      ['t.short', 2],
    ]);
  });

  test('while the job runs its lease is renewed, and stays short', async () => {
    const leaseMs = 600;
    const jobs = new Jobs(db.database, logger, { leaseMs });
    const seen: number[] = [];
    jobs.register(
      't.renewed',
      async () => {
        // Run until the lease was renewed twice (as a long pass would), checking it each time.
        for (let i = 0; i < 500 && new Set(seen).size < 3; i++) {
          const row = await jobRow();
          const readAt = Date.now();
          seen.push(row!.locked_until!);
          assert.ok(row!.locked_until! <= readAt + leaseMs, 'the lease is never longer than one lease');
          await sleep(20);
        }
      },
      { timeoutMs: FIFTEEN_MINUTES },
    );
    await jobs.enqueue('t.renewed', null);
    assert.equal(await jobs.drain(), 1);
    const leases = [...new Set(seen)];
    assert.ok(leases.length >= 3, `renewed twice: ${leases.join(', ')}`);
    assert.deepEqual(
      leases,
      [...leases].sort((a, b) => a - b),
      'each renewal moves the lease forward',
    );
    assert.equal(await jobRow(), undefined, 'done and removed');
  });

  test('a renewal that finds the job taken over stops the handler: its work is not written', async () => {
    const jobs = new Jobs(db.database, logger, { leaseMs: 600 });
    let reason: unknown = null;
    let finished!: () => void;
    const handlerFinished = new Promise<void>((resolve) => (finished = resolve));
    jobs.register(
      't.taken',
      async (_payload, ctx) => {
        // Another worker takes the job over (as after a long pause of this one).
        await db.database.db.updateTable('jobs').set({ locked_by: 'another-worker' }).execute();
        for (let i = 0; i < 500 && !ctx.signal.aborted; i++) await sleep(20);
        reason = ctx.signal.reason;
        try {
          await ctx.complete(async (tx) => {
            await tx.insertInto('settings').values({ key: 'effect:taken', value: '1', updated_at: Date.now() }).execute();
          });
        } finally {
          finished();
        }
      },
      { timeoutMs: FIFTEEN_MINUTES },
    );
    await jobs.enqueue('t.taken', null);
    await jobs.drain();
    await handlerFinished;
    assert.ok(reason instanceof LostLeaseError, `aborted because the lease was lost: ${String(reason)}`);
    const row = await jobRow();
    assert.equal(row?.locked_by, 'another-worker', 'the job stays with the worker that took it');
    assert.equal(await db.database.db.selectFrom('settings').select('key').where('key', '=', 'effect:taken').executeTakeFirst(), undefined);
  });
});
