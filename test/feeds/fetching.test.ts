import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer, rss } from './feed-server.ts';
import { datedRss, gap, HOUR, itemCount, MINUTE, refresh, sourceRow, subscribe, subscription } from './support.ts';

/**
 * Fetching as a good citizen (conditional requests, an honest User-Agent, compression,
 * Retry-After, backoff, permanent redirects, 410, polling that follows the source's pace) and
 * durably (a refresh that lost its lease writes nothing; two refreshers never store an item
 * twice).
 */

/** The site's public address, which the User-Agent names. */
const SITE = 'https://pln.example.org';

let server: TestServer;
let feeds: FeedServer;
let ana: Member;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1', BASE_URL: SITE } });
  ({ ana } = await createMembers(server, ['ana']));
});
after(async () => {
  await server.close();
  await feeds.close();
});

const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const db = () => server.services.database.db;
const refresher = () => server.services.feeds.refresher;
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toUTCString();

/** Makes a source due now (as if its time had come). */
async function makeDue(sourceId: number): Promise<void> {
  await db()
    .updateTable('sources')
    .set({ next_fetch_at: Date.now() - 1000 })
    .where('id', '=', sourceId)
    .execute();
}

describe('a good citizen', () => {
  test('conditional GET: no validators on the first fetch; If-None-Match and If-Modified-Since after; 304 keeps everything', async () => {
    const lastModified = new Date(Date.now() - 2 * HOUR).toUTCString();
    feeds.set('/cond.xml', {
      headers: { ...RSS, etag: 'W/"cond-1"', 'last-modified': lastModified },
      body: rss('Conditional', [{ title: 'One', guid: 'cond-1', date: hoursAgo(3) }]),
    });
    const sub = await subscribe(ana, `${feeds.url}/cond.xml`);
    const [first] = feeds.hits('/cond.xml');
    assert.equal(first!.headers['if-none-match'], undefined);
    assert.equal(first!.headers['if-modified-since'], undefined);
    feeds.set('/cond.xml', (req, res) => {
      if (req.headers['if-none-match'] === 'W/"cond-1"' && req.headers['if-modified-since'] === lastModified)
        return void res.writeHead(304, { etag: 'W/"cond-1"' }).end();
      res.writeHead(200, RSS).end(rss('Conditional', [{ title: 'Refetched in full', guid: 'cond-2' }]));
    });
    const after = await refresh(ana, sub.id);
    const second = feeds.hits('/cond.xml')[1]!;
    assert.equal(second.headers['if-none-match'], 'W/"cond-1"');
    assert.equal(second.headers['if-modified-since'], lastModified);
    assert.equal(after.status, 'active');
    assert.ok(Date.parse(after.lastFetchedAt) > Date.parse(sub.lastFetchedAt));
    assert.equal(await itemCount(server, sub.sourceId), 1, 'a 304 stores nothing new');
    // New validators replace the old ones.
    feeds.set('/cond.xml', {
      headers: { ...RSS, etag: '"cond-2"' },
      body: rss('Conditional', [
        { title: 'Two', guid: 'cond-2' },
        { title: 'One', guid: 'cond-1' },
      ]),
    });
    await refresh(ana, sub.id);
    await refresh(ana, sub.id);
    const third = feeds.hits('/cond.xml')[3]!;
    assert.equal(third.headers['if-none-match'], '"cond-2"');
    assert.equal(third.headers['if-modified-since'], undefined, 'the old Last-Modified is not sent with the new ETag');
  });

  test('the User-Agent names Commonroom and the site; Accept asks for feeds; Accept-Encoding offers gzip and br', async () => {
    feeds.set('/ua.xml', { headers: RSS, body: rss('UA', [{ title: 'One', guid: 'ua-1' }]) });
    const sub = await subscribe(ana, `${feeds.url}/ua.xml`);
    await refresh(ana, sub.id);
    const hits = feeds.hits('/ua.xml');
    assert.equal(hits.length, 2);
    for (const hit of hits) {
      const agent = String(hit.headers['user-agent']);
      assert.match(agent, /^Commonroom\/\S+ /);
      assert.equal(agent, `Commonroom/${server.services.version} (+${SITE})`);
      assert.match(String(hit.headers['accept-encoding']), /\bgzip\b/);
      assert.match(String(hit.headers['accept-encoding']), /\bbr\b/);
      assert.match(String(hit.headers.accept), /application\/rss\+xml/);
      assert.match(String(hit.headers.accept), /application\/atom\+xml/);
      assert.match(String(hit.headers.accept), /application\/feed\+json/);
    }
  });

  test('gzip, brotli and deflate bodies are read', async () => {
    for (const [name, encode] of [
      ['gzip', gzipSync],
      ['br', brotliCompressSync],
      ['deflate', deflateSync],
    ] as const) {
      const body = rss(`Compressed ${name}`, [
        { title: `Squeezed with ${name}`, guid: `${name}-1` },
        { title: 'Ünïcødé survives', guid: `${name}-2` },
      ]);
      feeds.set(`/compressed-${name}.xml`, { headers: { ...RSS, 'content-encoding': name }, body: encode(Buffer.from(body)) });
      const sub = await subscribe(ana, `${feeds.url}/compressed-${name}.xml`);
      assert.equal(sub.title, `Compressed ${name}`);
      const items = (await ana.api('GET', `/api/v1/items?scope=source:${sub.id}`)).json.items.map((i: Json) => i.title).sort();
      assert.deepEqual(items, [`Squeezed with ${name}`, 'Ünïcødé survives']);
    }
  });

  test('429 and 503 with Retry-After push the next fetch at least that far; the background refresh leaves it alone until then', async () => {
    feeds.set('/busy.xml', { headers: RSS, body: rss('Busy', [{ title: 'One', guid: 'busy-1' }]) });
    const sub = await subscribe(ana, `${feeds.url}/busy.xml`);
    feeds.set('/busy.xml', { status: 429, headers: { 'retry-after': '7200', 'content-type': 'text/plain' }, body: 'slow down' });
    let after = await refresh(ana, sub.id);
    assert.equal(after.status, 'error');
    assert.equal(after.problem, 'The site answered 429 (too many requests) in the last hour.');
    assert.ok(gap(after.lastFetchedAt, after.nextFetchAt) >= 2 * HOUR, `${after.lastFetchedAt} → ${after.nextFetchAt}`);
    // The background refresher does not come back early.
    let hits = feeds.hits('/busy.xml').length;
    await refresher().refreshDue();
    assert.equal(feeds.hits('/busy.xml').length, hits);
    // An HTTP date works too.
    const until = new Date(Date.now() + 5 * HOUR);
    feeds.set('/busy.xml', {
      status: 503,
      headers: { 'retry-after': until.toUTCString(), 'content-type': 'text/html' },
      body: '<h1>Maintenance</h1>',
    });
    after = await refresh(ana, sub.id);
    assert.equal(after.problem, 'The site answered 503 (unavailable) in the last hour.');
    assert.ok(Date.parse(after.nextFetchAt) >= until.getTime() - 1000, `${after.nextFetchAt} ≥ ${until.toISOString()}`);
    hits = feeds.hits('/busy.xml').length;
    await refresher().refreshDue();
    assert.equal(feeds.hits('/busy.xml').length, hits);
    // Once due, it is fetched (so the check above could have failed).
    feeds.set('/busy.xml', { headers: RSS, body: rss('Busy', [{ title: 'One', guid: 'busy-1' }]) });
    await makeDue(sub.sourceId);
    await refresher().refreshDue();
    assert.equal(feeds.hits('/busy.xml').length, hits + 1);
    assert.equal((await subscription(ana, sub.id)).status, 'active');
  });

  test('repeated errors back off exponentially (15 min, 30 min, 1 h, 2 h … at most 24 h); a success resets', async () => {
    feeds.set('/flaky.xml', { headers: RSS, body: datedRss('Flaky', 5, HOUR) });
    const sub = await subscribe(ana, `${feeds.url}/flaky.xml`);
    feeds.set('/flaky.xml', { status: 500, headers: { 'content-type': 'text/plain' }, body: 'broken' });
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const after = await refresh(ana, sub.id);
      assert.equal(after.status, 'error');
      gaps.push(gap(after.lastFetchedAt, after.nextFetchAt));
    }
    assert.deepEqual(gaps, [15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR]);
    await db().updateTable('sources').set({ error_count: 40 }).where('id', '=', sub.sourceId).execute();
    let after = await refresh(ana, sub.id);
    assert.equal(gap(after.lastFetchedAt, after.nextFetchAt), 24 * HOUR);
    // The problem says since when.
    await db()
      .updateTable('sources')
      .set({ error_since: Date.now() - 3 * 86_400_000 - MINUTE })
      .where('id', '=', sub.sourceId)
      .execute();
    assert.equal((await subscription(ana, sub.id)).problem, 'The site answered 500 (server error) since 3 days.');
    feeds.set('/flaky.xml', { headers: RSS, body: datedRss('Flaky', 5, HOUR) });
    after = await refresh(ana, sub.id);
    assert.equal(after.status, 'active');
    assert.equal(after.problem, null);
    assert.equal(gap(after.lastFetchedAt, after.nextFetchAt), 30 * MINUTE, 'back to the pace of the source');
    assert.equal((await sourceRow(server, sub.sourceId)).error_count, 0);
  });

  test('301 and 308 update the stored feed URL; 302 and 307 do not; a target another source has is left alone', async () => {
    feeds.set('/moved/a.xml', { headers: RSS, body: rss('Moving', [{ title: 'One', guid: 'move-1' }]) });
    const sub = await subscribe(ana, `${feeds.url}/moved/a.xml`);
    feeds.set('/moved/a.xml', { status: 301, headers: { location: '/moved/b.xml' } });
    feeds.set('/moved/b.xml', {
      headers: RSS,
      body: rss('Moving', [
        { title: 'One', guid: 'move-1' },
        { title: 'Two', guid: 'move-2' },
      ]),
    });
    let after = await refresh(ana, sub.id);
    assert.equal(after.feedUrl, `${feeds.url}/moved/b.xml`);
    assert.equal(after.status, 'active');
    assert.equal(await itemCount(server, sub.sourceId), 2);
    const before = feeds.hits('/moved/a.xml').length;
    await refresh(ana, sub.id);
    assert.equal(feeds.hits('/moved/a.xml').length, before, 'the old address is no longer asked');
    feeds.set('/moved/b.xml', { status: 308, headers: { location: '/moved/c.xml' } });
    feeds.set('/moved/c.xml', { headers: RSS, body: rss('Moving', [{ title: 'One', guid: 'move-1' }]) });
    after = await refresh(ana, sub.id);
    assert.equal(after.feedUrl, `${feeds.url}/moved/c.xml`);

    // Temporary redirects, or a permanent one behind a temporary one: the address stays.
    feeds.set('/temp/a.xml', { headers: RSS, body: rss('Temporary', [{ title: 'One', guid: 'temp-1' }]) });
    const temp = await subscribe(ana, `${feeds.url}/temp/a.xml`);
    feeds.set('/temp/a.xml', { status: 302, headers: { location: '/temp/b.xml' } });
    feeds.set('/temp/b.xml', { status: 301, headers: { location: '/temp/c.xml' } });
    feeds.set('/temp/c.xml', { headers: RSS, body: rss('Temporary', [{ title: 'One', guid: 'temp-1' }]) });
    after = await refresh(ana, temp.id);
    assert.equal(after.status, 'active');
    assert.equal(after.feedUrl, `${feeds.url}/temp/a.xml`);
    feeds.set('/temp/a.xml', { status: 307, headers: { location: '/temp/c.xml' } });
    assert.equal((await refresh(ana, temp.id)).feedUrl, `${feeds.url}/temp/a.xml`);

    // Moving onto an address another source already has: keep ours (no clash, no error).
    feeds.set('/twin/x.xml', { headers: RSS, body: rss('Twin X', [{ title: 'X', guid: 'x-1' }]) });
    feeds.set('/twin/y.xml', { headers: RSS, body: rss('Twin Y', [{ title: 'Y', guid: 'y-1' }]) });
    const x = await subscribe(ana, `${feeds.url}/twin/x.xml`);
    await subscribe(ana, `${feeds.url}/twin/y.xml`);
    feeds.set('/twin/x.xml', { status: 301, headers: { location: '/twin/y.xml' } });
    after = await refresh(ana, x.id);
    assert.equal(after.status, 'active');
    assert.equal(after.feedUrl, `${feeds.url}/twin/x.xml`);
  });

  test('410: status gone, said in words, and no more polling', async () => {
    feeds.set('/gone.xml', { headers: RSS, body: rss('Soon gone', [{ title: 'Last words', guid: 'gone-1' }]) });
    const sub = await subscribe(ana, `${feeds.url}/gone.xml`);
    feeds.set('/gone.xml', { status: 410, headers: { 'content-type': 'text/plain' }, body: 'Gone' });
    const after = await refresh(ana, sub.id);
    assert.equal(after.status, 'gone');
    assert.equal(after.nextFetchAt, null);
    assert.equal(after.problem, 'The site says this feed is gone for good; it is no longer checked.');
    assert.equal(await itemCount(server, sub.sourceId), 1, 'its items stay readable');
    const hits = feeds.hits('/gone.xml').length;
    await makeDue(sub.sourceId);
    await refresher().refreshDue();
    assert.equal(feeds.hits('/gone.xml').length, hits, 'not fetched again');
    assert.equal((await subscription(ana, sub.id)).status, 'gone');
  });

  test('polling follows how often a source publishes, between 15 minutes and 24 hours', async () => {
    const cases: Array<[string, number, number, number]> = [
      ['every-5-minutes', 11, 5 * MINUTE, 15 * MINUTE],
      ['hourly', 11, HOUR, 30 * MINUTE],
      ['daily', 11, 24 * HOUR, 12 * HOUR],
      ['every-10-days', 11, 10 * 24 * HOUR, 24 * HOUR],
    ];
    for (const [name, count, every, expected] of cases) {
      feeds.set(`/pace/${name}.xml`, { headers: RSS, body: datedRss(name, count, every) });
      const sub = await subscribe(ana, `${feeds.url}/pace/${name}.xml`);
      assert.equal(gap(sub.lastFetchedAt, sub.nextFetchAt), expected, name);
    }
    // Too few dates to tell: start at an hour, ease off while nothing new comes, never past a day.
    feeds.set('/pace/quiet.xml', { headers: { ...RSS, etag: '"quiet"' }, body: rss('Quiet', [{ title: 'Only item', guid: 'quiet-1' }]) });
    const quiet = await subscribe(ana, `${feeds.url}/pace/quiet.xml`);
    assert.equal(gap(quiet.lastFetchedAt, quiet.nextFetchAt), HOUR);
    let after = await refresh(ana, quiet.id);
    assert.equal(gap(after.lastFetchedAt, after.nextFetchAt), 1.5 * HOUR);
    feeds.set('/pace/quiet.xml', (_req, res) => void res.writeHead(304).end());
    after = await refresh(ana, quiet.id);
    assert.equal(gap(after.lastFetchedAt, after.nextFetchAt), 2.25 * HOUR);
    await db()
      .updateTable('sources')
      .set({ interval_ms: 20 * HOUR })
      .where('id', '=', quiet.sourceId)
      .execute();
    after = await refresh(ana, quiet.id);
    assert.equal(gap(after.lastFetchedAt, after.nextFetchAt), 24 * HOUR);
  });

  test('FEED_HOST_CONCURRENCY: a host never sees more fetches at once than the limit, while other hosts proceed', async () => {
    const limit = server.services.feeds.options.perHost;
    assert.equal(limit, 2, 'the default');
    assert.ok(server.services.feeds.options.concurrency > 2 * limit, 'the overall limit is not what holds a host back');
    // Two hosts on loopback: many sources on the busy one, a few on the other (::1).
    const busy = { server: feeds, count: 12, open: 0, most: 0 };
    const other = { server: await FeedServer.start('::1'), count: 5, open: 0, most: 0 };
    try {
      let otherDone!: () => void;
      const otherAllAnswered = new Promise<void>((r) => (otherDone = r));
      let otherAnswered = 0;
      const outlines: string[] = [];
      for (const host of [busy, other]) {
        for (let i = 0; i < host.count; i++) {
          const body = datedRss(
            `Host ${host === busy ? 'busy' : 'other'} ${i}`,
            2,
            HOUR,
            Date.now() - HOUR,
            `host-${host === busy ? 'busy' : 'other'}-${i}`,
          );
          const url = host.server.set(`/hosts/${i}.xml`, async (_req, res) => {
            host.open++;
            host.most = Math.max(host.most, host.open);
            // The busy host answers only once the other host has been served in full: its
            // sources wait for their host's slots, the other host's do not wait behind them.
            if (host === busy) await otherAllAnswered;
            host.open--;
            res.writeHead(200, RSS).end(body);
            if (host === other && ++otherAnswered === other.count) otherDone();
          });
          outlines.push(`<outline text="Host ${i}" type="rss" xmlUrl="${url}"/>`);
        }
      }
      const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Hosts</title></head><body>${outlines.join('')}</body></opml>`;
      const imported = await server
        .client()
        .api('POST', '/api/v1/subscriptions/opml', opml, { ...ana.auth, 'content-type': 'text/x-opml' });
      assert.equal(imported.json.added, busy.count + other.count);
      const summary = await refresher().refreshDue();
      assert.equal(summary.fetched, busy.count + other.count);
      assert.equal(summary.newItems, 2 * (busy.count + other.count));
      assert.equal(busy.most, limit, `at most ${limit} fetches at once on the busy host (and the limit was reached)`);
      assert.ok(other.most <= limit);
      for (const host of [busy, other]) {
        for (let i = 0; i < host.count; i++)
          assert.equal(host.server.hits(`/hosts/${i}.xml`).length, 1, `${host.server.url}/hosts/${i}.xml fetched once`);
      }
    } finally {
      await other.server.close();
    }
  });
});

describe('durability', () => {
  test('a refresh whose lease was lost writes nothing; the new holder stores', async () => {
    feeds.set('/lease.xml', { headers: RSS, body: rss('Lease', [{ title: 'One', guid: 'lease-1' }]) });
    const sub = await subscribe(ana, `${feeds.url}/lease.xml`);
    feeds.set('/lease.xml', {
      headers: { ...RSS, etag: '"lease-2"' },
      body: rss('Lease renamed', [
        { title: 'Two', guid: 'lease-2' },
        { title: 'Three', guid: 'lease-3' },
        { title: 'One', guid: 'lease-1' },
      ]),
    });
    const first = await refresher().claim(sub.sourceId);
    assert.ok(first);
    // While the claim holds, nobody else gets it (and the member's retry says so).
    assert.equal(await refresher().claim(sub.sourceId), null);
    const busy = await ana.api('POST', `/api/v1/subscriptions/${sub.id}/refresh`);
    assert.equal(busy.status, 409);
    assert.equal(busy.json.error.code, 'refresh_running');
    // The lease lapses (the first refresher stalled), someone else claims it.
    await db()
      .updateTable('sources')
      .set({ lease_until: Date.now() - 60_000 })
      .where('id', '=', sub.sourceId)
      .execute();
    await new Promise((r) => setTimeout(r, 5));
    const second = await refresher().claim(sub.sourceId);
    assert.ok(second);
    const before = await sourceRow(server, sub.sourceId);
    const stale = await refresher().refresh(first);
    assert.equal(stale.stored, false);
    assert.equal(stale.newItems, 0);
    assert.equal(await itemCount(server, sub.sourceId), 1, 'no items written');
    assert.deepEqual(await sourceRow(server, sub.sourceId), before, 'the source row is untouched');
    const fresh = await refresher().refresh(second);
    assert.equal(fresh.stored, true);
    assert.equal(fresh.newItems, 2);
    assert.equal(await itemCount(server, sub.sourceId), 3);
    const row = await sourceRow(server, sub.sourceId);
    assert.equal(row.lease_until, null);
    assert.equal(row.etag, '"lease-2"');
    assert.equal((await subscription(ana, sub.id)).title, 'Lease renamed');
  });

  test('two refreshers running at once fetch each due source once and store each item once', async () => {
    const count = 24;
    const outlines: string[] = [];
    for (let i = 0; i < count; i++) {
      feeds.set(`/many/${i}.xml`, { delayMs: 20, headers: RSS, body: datedRss(`Many ${i}`, 3, HOUR) });
      outlines.push(`<outline text="Many ${i}" type="rss" xmlUrl="${feeds.url}/many/${i}.xml"/>`);
    }
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Many</title></head><body>${outlines.join('')}</body></opml>`;
    const imported = await server.client().api('POST', '/api/v1/subscriptions/opml', opml, { ...ana.auth, 'content-type': 'text/x-opml' });
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
    assert.equal(imported.json.added, count);
    const [one, two] = await Promise.all([refresher().refreshDue(), refresher().refreshDue()]);
    assert.equal(one.fetched + two.fetched, count, JSON.stringify({ one, two }));
    assert.equal(one.newItems + two.newItems, count * 3);
    for (let i = 0; i < count; i++) assert.equal(feeds.hits(`/many/${i}.xml`).length, 1, `source ${i} fetched once`);
    const subs = (await ana.api('GET', '/api/v1/subscriptions')).json.subscriptions.filter((s: Json) => s.feedUrl.includes('/many/'));
    assert.equal(subs.length, count);
    for (const s of subs) {
      assert.equal(s.status, 'active');
      assert.equal(await itemCount(server, s.sourceId), 3);
      assert.equal(s.unread, 3);
    }
    // Again at once, all due: still three items each.
    for (const s of subs) await makeDue(s.sourceId);
    await Promise.all([refresher().refreshDue(), refresher().refreshDue(), refresher().refreshDue()]);
    for (const s of subs) assert.equal(await itemCount(server, s.sourceId), 3);
    for (let i = 0; i < count; i++) assert.equal(feeds.hits(`/many/${i}.xml`).length, 2, `source ${i} fetched once more`);
  });
});
