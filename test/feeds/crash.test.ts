import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { RefreshService, SOURCE_LEASE_MS } from '../../src/feeds/refresh.ts';
import { JOB_LEASE_MS } from '../../src/jobs/jobs.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMembers, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer } from './feed-server.ts';
import { datedRss, HOUR } from './support.ts';

/**
 * Feed refreshing survives `kill -9` in the middle of a refresh pass. The pass and each source
 * it holds are leased for a short while (about a minute at most) and renewed while the worker
 * lives, so a worker started after the crash resumes one lease later — not after the pass's
 * 15-minute time limit — and stores every item exactly once. The new worker's clock is moved
 * on by one lease instead of the test waiting for it.
 */

let server: TestServer;
let feeds: FeedServer;
let ana: Member;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1' } });
  ({ ana } = await createMembers(server, ['ana']));
});
after(async () => {
  await server.close();
  await feeds.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const db = () => server.services.database.db;

/** A feed-refreshing worker in its own process (test/feeds/refresh-worker.ts). */
function startWorker(clockOffsetMs = 0) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/feeds/refresh-worker.ts', server.dataDir, server.databaseUrl ?? '', String(clockOffsetMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    async kill(signal: NodeJS.Signals) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Polls `check` until it is true, failing after many tries (a bound on work, not a timing assertion). */
async function until(what: string, check: () => Promise<boolean>, tries = 1200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`gave up waiting: ${what}`);
}

const fetchedCount = async () =>
  Number(
    (
      await db()
        .selectFrom('sources')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_fetched_at', 'is not', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('refreshing after kill -9', () => {
  test('a worker killed mid-pass: a new worker resumes one short lease later (not 15 minutes), and every item is stored once', async () => {
    const count = 12;
    const answered = 4;
    const parked: ServerResponse[] = [];
    let requests = 0;
    let answerAll = false;
    const outlines: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = datedRss(`Crash ${i}`, 3, HOUR, Date.now() - HOUR, `crash${i}`);
      feeds.set(`/crash/${i}.xml`, (_req, res) => {
        // The first few answer; then the server stops answering, as a slow site would, until the crash.
        if (answerAll || ++requests <= answered) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
        else parked.push(res);
      });
      outlines.push(`<outline text="Crash ${i}" type="rss" xmlUrl="${feeds.url}/crash/${i}.xml"/>`);
    }
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Crash</title></head><body>${outlines.join('')}</body></opml>`;
    const imported = await server.client().api('POST', '/api/v1/subscriptions/opml', opml, { ...ana.auth, 'content-type': 'text/x-opml' });
    assert.equal(imported.json.added, count);

    const first = startWorker();
    try {
      // Mid-pass: some sources stored, two fetches in flight (the per-host limit), the rest claimed and waiting.
      await until(
        'the first sources stored and two fetches in flight',
        async () => (await fetchedCount()) === answered && parked.length === 2,
      );
    } finally {
      await first.kill('SIGKILL');
    }
    const killedAt = Date.now();

    // What the dead worker left: the pass and its sources, each leased for a short while only.
    const pass = await db().selectFrom('jobs').selectAll().where('kind', '=', 'feeds.refresh').executeTakeFirstOrThrow();
    assert.ok(pass.locked_until !== null && pass.locked_until > killedAt - JOB_LEASE_MS, 'the pass is still leased by the dead worker');
    assert.ok(
      pass.locked_until <= killedAt + JOB_LEASE_MS,
      `the pass's lease is short: ${pass.locked_until - killedAt} ms left, not its 15-minute time limit`,
    );
    assert.ok(JOB_LEASE_MS <= 60_000 && SOURCE_LEASE_MS <= 60_000, 'leases last about a minute at most');
    const held = await db().selectFrom('sources').select(['id', 'lease_until']).where('lease_until', 'is not', null).execute();
    assert.equal(held.length, count - answered, 'the sources in flight and waiting are still leased');
    for (const source of held) assert.ok(source.lease_until! <= killedAt + SOURCE_LEASE_MS, `source ${source.id}: a short lease`);

    // A new worker, its clock one lease later: it takes the pass and the sources over at once.
    answerAll = true;
    for (const res of parked) res.destroy();
    const second = startWorker(Math.max(JOB_LEASE_MS, SOURCE_LEASE_MS) + 1000);
    try {
      await until('every source refreshed', async () => (await fetchedCount()) === count);
    } finally {
      await second.kill('SIGTERM');
    }
    const items = await db().selectFrom('source_items').select(['source_id', 'dedupe_key']).execute();
    assert.equal(items.length, count * 3, 'every item stored');
    assert.equal(new Set(items.map((i) => `${i.source_id} ${i.dedupe_key}`)).size, count * 3, 'and stored once');
    for (let i = 0; i < count; i++) {
      const hits = feeds.hits(`/crash/${i}.xml`).length;
      assert.ok(hits === 1 || hits === 2, `source ${i}: fetched ${hits} times`);
    }
    const fetchedAgain = Array.from({ length: count }, (_, i) => feeds.hits(`/crash/${i}.xml`).length).filter((n) => n === 2).length;
    assert.equal(fetchedAgain, 2, 'only the two fetches the crash cut short were made again');
    const sources = await db().selectFrom('sources').select(['status', 'lease_until', 'item_count']).execute();
    assert.deepEqual(new Set(sources.map((s) => `${s.status} ${s.lease_until} ${s.item_count}`)), new Set(['active null 3']));
  });

  test('a refresher renews the leases of the sources it holds — fetching slowly, or waiting for its host — and they stay short', async () => {
    const leaseMs = 600;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const body = (i: number) => datedRss(`Slow ${i}`, 2, HOUR, Date.now() - HOUR, `slow${i}`);
    const outlines: string[] = [];
    for (let i = 0; i < 2; i++) {
      feeds.set(`/slow/${i}.xml`, async (_req, res) => {
        if (i === 0) await released;
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body(i));
      });
      outlines.push(`<outline text="Slow ${i}" type="rss" xmlUrl="${feeds.url}/slow/${i}.xml"/>`);
    }
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Slow</title></head><body>${outlines.join('')}</body></opml>`;
    const imported = await server.client().api('POST', '/api/v1/subscriptions/opml', opml, { ...ana.auth, 'content-type': 'text/x-opml' });
    assert.equal(imported.json.added, 2);
    const ids = (await db().selectFrom('sources').select('id').where('url', 'like', '%/slow/%').orderBy('url').execute()).map((r) => r.id);
    // The slow one is due first, so it is the one fetched first.
    for (const [i, id] of ids.entries())
      await db()
        .updateTable('sources')
        .set({ next_fetch_at: Date.now() - 60_000 + i * 1000 })
        .where('id', '=', id)
        .execute();
    // One fetch at a time on this host: /slow/1.xml waits behind the slow /slow/0.xml.
    const refresher = new RefreshService({
      database: server.services.database,
      http: server.services.http,
      logger: createLogger('silent'),
      options: { concurrency: 2, perHost: 1, maxBytes: 1024 * 1024, leaseMs },
    });
    const pass = refresher.refreshDue();
    const seen = new Map<number, Set<number>>(ids.map((id) => [id, new Set()]));
    await until('both leases renewed twice', async () => {
      const rows = await db().selectFrom('sources').select(['id', 'lease_until', 'lease_owner']).where('id', 'in', ids).execute();
      const readAt = Date.now();
      for (const row of rows) {
        // Not claimed yet (the pass has only just begun: a busy machine may read before it claims).
        if (row.lease_until === null && seen.get(row.id)!.size === 0) continue;
        assert.ok(row.lease_until !== null, 'held while the pass runs');
        assert.ok(row.lease_until <= readAt + leaseMs, `a lease is never longer than one lease (${row.lease_until - readAt} ms)`);
        seen.get(row.id)!.add(row.lease_until);
      }
      return [...seen.values()].every((leases) => leases.size >= 3);
    });
    assert.equal(feeds.hits('/slow/1.xml').length, 0, 'the second source was waiting for its host all along');
    release();
    const summary = await pass;
    assert.equal(summary.fetched, 2);
    assert.equal(summary.newItems, 4);
    const rows = await db().selectFrom('sources').select(['lease_until', 'lease_owner', 'item_count']).where('id', 'in', ids).execute();
    assert.deepEqual(
      rows.map((r) => ({ ...r })),
      [
        { lease_until: null, lease_owner: null, item_count: 2 },
        { lease_until: null, lease_owner: null, item_count: 2 },
      ],
    );
  });
});
