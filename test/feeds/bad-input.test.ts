import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer, rss } from './feed-server.ts';
import { allItems, itemCount, PrivateServer, refresh, subscribe, subscription } from './support.ts';

/**
 * What the internet sends that is not a nice feed: pages, errors, silence, loops, bombs,
 * endless streams, hostile XML, broken bytes, huge and repetitive feeds, lying dates, script
 * links, and addresses on private networks. Each ends as a clear 4xx for the member, or as a
 * source in `error` with its problem in plain words; never a crash, a hang or a lost item.
 */

const MAX_BYTES = 256 * 1024;
const TIMEOUT_MS = 1000;

let server: TestServer;
let feeds: FeedServer;
let hidden: PrivateServer;
let ana: Member;
before(async () => {
  feeds = await FeedServer.start();
  hidden = await PrivateServer.start('127.0.0.2');
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1', FEED_MAX_BYTES: String(MAX_BYTES) } });
  // Fetches give up after a second here (20–30 s in production).
  server.services.feeds.options.timeoutMs = TIMEOUT_MS;
  ({ ana } = await createMembers(server, ['ana']));
});
after(async () => {
  await server.close();
  await feeds.close();
  await hidden.close();
});

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };

/** A refused subscription: a 4xx JSON error whose message is a readable sentence. */
async function refused(url: string, status: number, message: RegExp): Promise<Json> {
  const res = await ana.api('POST', '/api/v1/subscriptions', { url });
  assert.equal(res.status, status, `${url}: ${res.status} ${JSON.stringify(res.json)}`);
  assert.match(res.json.error.message, message);
  assert.match(res.json.error.message, /^[A-Z].*\.$/s, 'a sentence');
  return res.json;
}

async function sourceCount(): Promise<number> {
  const row = await server.services.database.db
    .selectFrom('sources')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A source that works, then breaks in some way: returns the subscription. */
async function working(path: string, title: string): Promise<Json> {
  feeds.set(path, {
    headers: RSS,
    body: rss(title, [{ title: `${title} one`, guid: `${path}#1`, date: new Date(Date.now() - 3600_000).toUTCString() }]),
  });
  const sub = await subscribe(ana, `${feeds.url}${path}`);
  assert.equal(sub.status, 'active');
  return sub;
}

/** Refreshes and checks the source recorded an error in words, keeping its items. */
async function broken(sub: Json, problem: RegExp): Promise<Json> {
  const before = await itemCount(server, sub.sourceId);
  const after = await refresh(ana, sub.id);
  assert.equal(after.status, 'error', JSON.stringify(after));
  assert.match(after.problem, problem);
  assert.match(after.problem, /^[A-Z].*\.$/, 'a sentence');
  assert.equal(await itemCount(server, sub.sourceId), before, 'items kept');
  return after;
}

describe('not a feed', () => {
  test('a page naming no feed: 422 "No feed found" after trying the usual feed paths, nothing stored', async () => {
    const sources = await sourceCount();
    feeds.set('/plain/', {
      headers: HTML,
      body: '<!doctype html><html><head><title>Just a page</title></head><body><p>No feeds here.</p></body></html>',
    });
    const body = await refused(
      `${feeds.url}/plain/`,
      422,
      /^No feed found at http:\/\/127\.0\.0\.1:\d+\/plain\/: the page names no feed, and none of the usual feed addresses/,
    );
    assert.equal(body.error.issues[0].path, 'url');
    for (const path of ['/feed', '/rss', '/feed.xml', '/atom.xml', '/feed.json']) assert.ok(feeds.hits(path).length >= 1, `tried ${path}`);
    assert.equal(await sourceCount(), sources);
    // The discovery endpoint says the same.
    const discovered = await ana.api('POST', '/api/v1/feeds/discover', { url: `${feeds.url}/plain/` });
    assert.equal(discovered.status, 422);
    assert.match(discovered.json.error.message, /^No feed found/);
    // Text that is neither a page nor a feed.
    feeds.set('/notes.txt', { headers: { 'content-type': 'text/plain' }, body: 'just some words' });
    await refused(`${feeds.url}/notes.txt`, 422, /^No feed found/);
    // Nonsense typed into the box.
    await refused('not a web address at all', 422, /^(This is not a web address|Could not read)/);
    await refused('ftp://example.org/feed', 422, /^Only http and https addresses can be followed\.$/);
  });

  test('HTML error pages, 404 and 500: 422 when subscribing', async () => {
    feeds.set('/err/404', { status: 404, headers: HTML, body: '<!doctype html><title>Not found</title><h1>Oops</h1>' });
    feeds.set('/err/500', { status: 500, headers: HTML, body: '<!doctype html><title>Error</title><h1>Internal Server Error</h1>' });
    feeds.set('/err/403', { status: 403, headers: HTML, body: '<!doctype html><title>Forbidden</title>' });
    await refused(
      `${feeds.url}/err/404`,
      422,
      /^Could not read http:\/\/127\.0\.0\.1:\d+\/err\/404: the site answered 404 \(not found\)\.$/,
    );
    await refused(`${feeds.url}/err/500`, 422, /: the site answered 500 \(server error\)\.$/);
    await refused(`${feeds.url}/err/403`, 422, /: the site answered 403 \(access refused\)\.$/);
    const subs = (await ana.api('GET', '/api/v1/subscriptions')).json.subscriptions;
    assert.ok(!subs.some((s: Json) => s.feedUrl.includes('/err/')));
  });

  test('a followed feed that turns into an HTML page, a 404 or a 500: status error, the problem in words, items kept', async () => {
    const sub = await working('/turns/feed.xml', 'Turns');
    feeds.set('/turns/feed.xml', {
      headers: HTML,
      body: '<!doctype html><html><head><title>Down for maintenance</title></head><body>Back soon</body></html>',
    });
    await broken(sub, /^The address shows a web page, not a feed in the last hour\.$/);
    feeds.set('/turns/feed.xml', { status: 404, headers: HTML, body: '<!doctype html><title>Not found</title>' });
    await broken(sub, /^The site answered 404 \(not found\) in the last hour\.$/);
    feeds.set('/turns/feed.xml', { status: 500, headers: HTML, body: '<!doctype html><title>Error</title>' });
    await broken(sub, /^The site answered 500 \(server error\) in the last hour\.$/);
    feeds.set('/turns/feed.xml', { headers: { 'content-type': 'application/json' }, body: '{"hello": "world"}' });
    await broken(sub, /^The answer is not a feed \(RSS, Atom or JSON Feed\) in the last hour\.$/);
    feeds.set('/turns/feed.xml', { headers: RSS, body: '' });
    await broken(sub, /not a feed/);
    // And back: active again, the problem gone, the item still there once.
    feeds.set('/turns/feed.xml', { headers: RSS, body: rss('Turns', [{ title: 'Turns one', guid: '/turns/feed.xml#1' }]) });
    const back = await refresh(ana, sub.id);
    assert.equal(back.status, 'active');
    assert.equal(back.problem, null);
    assert.equal(await itemCount(server, sub.sourceId), 1);
  });
});

describe('silence, loops and floods', () => {
  test('a site that never answers: 422 when subscribing, a timeout problem when refreshing, both within seconds', async () => {
    feeds.set('/silent', () => {
      // Never answers.
    });
    await refused(`${feeds.url}/silent`, 422, /: the site did not answer in time\.$/);
    const sub = await working('/silent-later.xml', 'Silent later');
    feeds.set('/silent-later.xml', () => {});
    await broken(sub, /^The site did not answer in time in the last hour\.$/);
    // Headers at once, then a body that never finishes.
    feeds.set('/silent-later.xml', (_req, res) => {
      res.writeHead(200, RSS);
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>');
    });
    await broken(sub, /^The site did not answer in time in the last hour\.$/);
  });

  test('a page naming no feed on a site whose usual feed paths all hang: 422 within one time limit, not one per path', async () => {
    const paths = ['/feed', '/rss', '/feed.xml', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json', '/?feed=rss2'];
    for (const path of paths) feeds.set(path, () => {});
    try {
      feeds.set('/hangs/', { headers: HTML, body: '<!doctype html><title>No feeds</title><p>Hello</p>' });
      const tried = () => paths.reduce((n, path) => n + feeds.hits(path).length, 0);
      const before = tried();
      await refused(`${feeds.url}/hangs/`, 422, /^No feed found/);
      // The first hanging path uses up the one time limit; the rest are not tried (with a limit
      // per path, all eight would be, each waiting its full time).
      const attempts = tried() - before;
      assert.ok(attempts >= 1 && attempts <= 2, `tried ${attempts} of the ${paths.length} hanging paths`);
    } finally {
      for (const path of paths) feeds.routes.delete(path);
    }
  });

  test('redirect loops: refused with the words "redirect loop"', async () => {
    feeds.set('/loop', { status: 302, headers: { location: '/loop' } });
    feeds.set('/ping', { status: 301, headers: { location: '/pong' } });
    feeds.set('/pong', { status: 307, headers: { location: '/ping' } });
    await refused(`${feeds.url}/loop`, 422, /: the site redirects too many times \(a redirect loop\?\)\.$/);
    await refused(`${feeds.url}/ping`, 422, /redirects too many times/);
    assert.ok(feeds.hits('/loop').length <= 7, `gave up after a few hops (${feeds.hits('/loop').length})`);
    const sub = await working('/loops-later.xml', 'Loops later');
    feeds.set('/loops-later.xml', { status: 302, headers: { location: '/loops-later.xml' } });
    await broken(sub, /^The site redirects too many times \(a redirect loop\?\) in the last hour\.$/);
  });

  test('gzip and brotli bombs: a small body that expands past the limit is refused', async () => {
    const huge = Buffer.alloc(MAX_BYTES * 40, ' ');
    const gzBomb = gzipSync(
      Buffer.concat([Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title><description>'), huge]),
    );
    const brBomb = brotliCompressSync(Buffer.concat([Buffer.from('<rss version="2.0"><channel><title>Bomb</title><description>'), huge]));
    assert.ok(gzBomb.length < MAX_BYTES / 10 && brBomb.length < MAX_BYTES / 10, 'the bombs are small on the wire');
    feeds.set('/bomb.gz', { headers: { ...RSS, 'content-encoding': 'gzip' }, body: gzBomb });
    feeds.set('/bomb.br', { headers: { ...RSS, 'content-encoding': 'br' }, body: brBomb });
    await refused(`${feeds.url}/bomb.gz`, 422, /: the feed is too large \(larger than 256 KB\)\.$/);
    await refused(`${feeds.url}/bomb.br`, 422, /: the feed is too large \(larger than 256 KB\)\.$/);
    const sub = await working('/bomb-later.xml', 'Bomb later');
    feeds.set('/bomb-later.xml', { headers: { ...RSS, 'content-encoding': 'gzip' }, body: gzBomb });
    await broken(sub, /^The feed is too large \(larger than 256 KB\) in the last hour\.$/);
    // A plain body that says up front it is too large is refused too.
    feeds.set('/bomb-later.xml', { headers: RSS, body: Buffer.alloc(MAX_BYTES + 1, ' ') });
    await broken(sub, /^The feed is too large/);
  });

  test('an endless response is cut off at the size limit', async () => {
    let sent = 0;
    let closed = 0;
    feeds.set('/endless', (_req, res) => {
      res.writeHead(200, RSS);
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Endless</title>');
      const chunk = Buffer.from(`<item><title>again</title><description>${'x'.repeat(4000)}</description></item>`);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => closed++);
      pump();
    });
    await refused(`${feeds.url}/endless`, 422, /: the feed is too large \(larger than 256 KB\)\.$/);
    const deadline = Date.now() + 3000;
    while (closed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(closed, 1, 'the connection was closed');
    // What was sent past the limit sat in socket buffers (a few MB on loopback), not in memory.
    assert.ok(sent < 64 * 1024 * 1024, `stopped reading soon after the limit (${sent} bytes sent)`);
  });
});

describe('hostile and broken documents', () => {
  test('"billion laughs" and external entities are never expanded, fetched or read', async () => {
    const levels = ['<!ENTITY lol0 "lololololololololololololololololol">'];
    for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const doc = (title: string) => `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [
  ${levels.join('\n  ')}
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY ext SYSTEM "${feeds.url}/xxe-target">
  <!ENTITY % remote SYSTEM "${feeds.url}/xxe-dtd">
  %remote;
]>
<rss version="2.0"><channel><title>${title}</title><link>https://laughs.example/</link>
<item><title>Laughs &lol9; and &xxe; and &ext;</title><guid>laugh-1</guid><description>Before &lol9; &xxe; &ext; after</description></item>
<item><title>Plain item</title><guid>laugh-2</guid><description>Nothing odd</description></item>
</channel></rss>`;
    feeds.set('/laughs.xml', { headers: RSS, body: doc('Laughs') });
    feeds.set('/xxe-target', { headers: { 'content-type': 'text/plain' }, body: 'SECRET-FROM-LOOPBACK' });
    feeds.set('/xxe-dtd', { headers: { 'content-type': 'application/xml-dtd' }, body: '<!ENTITY leaked "SECRET-FROM-DTD">' });
    const sub = await subscribe(ana, `${feeds.url}/laughs.xml`);
    const items = (await allItems(ana, `scope=source:${sub.id}`)).sort((a, b) => a.title.localeCompare(b.title));
    assert.equal(items.length, 2);
    const everything = JSON.stringify(items) + JSON.stringify(sub);
    assert.ok(everything.length < 10_000, `nothing expanded (${everything.length} characters)`);
    assert.doesNotMatch(everything, /root:.*:0:0|SECRET-FROM|lollollollol/);
    assert.equal(feeds.hits('/xxe-target').length, 0, 'the external entity was never requested');
    assert.equal(feeds.hits('/xxe-dtd').length, 0, 'the external DTD was never requested');
    // A DOCTYPE after a long comment (past where it is looked for) is no way in either.
    feeds.set('/laughs-late.xml', {
      headers: RSS,
      body: doc('Late laughs').replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        `<?xml version="1.0" encoding="utf-8"?><!-- ${'padding '.repeat(1000)} -->`,
      ),
    });
    const late = await ana.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/laughs-late.xml` });
    assert.ok(late.status === 201 || late.status === 422, `${late.status} ${JSON.stringify(late.json)}`);
    if (late.status === 201)
      assert.doesNotMatch(JSON.stringify(await allItems(ana, `scope=source:${late.json.id}`)), /root:.*:0:0|SECRET-FROM|lollollollol/);
    assert.equal(feeds.hits('/xxe-target').length + feeds.hits('/xxe-dtd').length, 0);
  });

  test('invalid UTF-8 does not lose items', async () => {
    const bytes = Buffer.concat([
      Buffer.from(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Broken bytes</title><link>https://bytes.example/</link><item><title>Caf',
      ),
      Buffer.from([0xe9, 0xff, 0xc3, 0x28]),
      Buffer.from(
        ' au lait</title><guid>bytes-1</guid><description>Stray bytes</description></item><item><title>Second item</title><guid>bytes-2</guid></item><item><title>Third item</title><guid>bytes-3</guid></item><item><title>Crème brûlée à la française</title><guid>bytes-4</guid></item></channel></rss>',
      ),
    ]);
    feeds.set('/bytes.xml', { headers: RSS, body: bytes });
    const sub = await subscribe(ana, `${feeds.url}/bytes.xml`);
    assert.equal(sub.status, 'active');
    const items = await allItems(ana, `scope=source:${sub.id}`);
    assert.equal(items.length, 4);
    const titles = items.map((i: Json) => i.title).sort();
    assert.match(titles[0], /^Caf.* au lait$/);
    // Mostly good UTF-8 stays UTF-8: the stray bytes are replaced, the good accents kept.
    assert.deepEqual(titles.slice(1), ['Crème brûlée à la française', 'Second item', 'Third item']);
    // The stored text is well-formed (it went through the database on both engines).
    for (const t of titles) assert.equal(t, t.toWellFormed());
  });

  test('duplicate ids within a feed and across refreshes are stored once', async () => {
    const first = rss('Dupes', [
      { title: 'Same guid, first', guid: 'dup-1', date: new Date(Date.now() - 3 * 3600_000).toUTCString() },
      { title: 'Same guid, second copy', guid: 'dup-1', date: new Date(Date.now() - 3 * 3600_000).toUTCString() },
      { title: 'By link', link: 'https://dupes.example/by-link' },
      { title: 'By link again', link: 'https://dupes.example/by-link' },
      { title: 'No id at all' },
      { title: 'No id at all' },
    ]);
    feeds.set('/dupes.xml', { headers: RSS, body: first });
    const sub = await subscribe(ana, `${feeds.url}/dupes.xml`);
    assert.equal(await itemCount(server, sub.sourceId), 3);
    assert.equal(sub.unread, 3);
    // The same document again, then with one item edited and one new: one more item.
    await refresh(ana, sub.id);
    assert.equal(await itemCount(server, sub.sourceId), 3);
    feeds.set('/dupes.xml', {
      headers: RSS,
      body: rss('Dupes', [
        { title: 'Brand new', guid: 'dup-2', date: new Date(Date.now() - 60_000).toUTCString() },
        { title: 'Same guid, edited', guid: 'dup-1', date: new Date(Date.now() - 3 * 3600_000).toUTCString() },
        { title: 'By link', link: 'https://dupes.example/by-link' },
        { title: 'No id at all' },
      ]),
    });
    await refresh(ana, sub.id);
    await refresh(ana, sub.id);
    assert.equal(await itemCount(server, sub.sourceId), 4);
    const titles = (await allItems(ana, `scope=source:${sub.id}`)).map((i: Json) => i.title).sort();
    assert.deepEqual(titles, ['Brand new', 'By link', 'No id at all', 'Same guid, edited']);
    assert.equal((await subscription(ana, sub.id)).unread, 4);
  });

  test('a far-future date does not keep an item above newer ones', async () => {
    feeds.set('/future.xml', {
      headers: RSS,
      body: rss('Future', [
        { title: 'From the year 2999', guid: 'future-1', date: 'Tue, 01 Jan 2999 00:00:00 GMT' },
        { title: 'Yesterday', guid: 'future-2', date: new Date(Date.now() - 86_400_000).toUTCString() },
      ]),
    });
    const sub = await subscribe(ana, `${feeds.url}/future.xml`);
    feeds.set('/future.xml', {
      headers: RSS,
      body: rss('Future', [
        { title: 'Just published', guid: 'future-3', date: new Date(Date.now() + 60_000).toUTCString() },
        { title: 'From the year 2999', guid: 'future-1', date: 'Tue, 01 Jan 2999 00:00:00 GMT' },
        { title: 'Yesterday', guid: 'future-2', date: new Date(Date.now() - 86_400_000).toUTCString() },
      ]),
    });
    await refresh(ana, sub.id);
    const titles = (await allItems(ana, `scope=source:${sub.id}`)).map((i: Json) => i.title);
    assert.deepEqual(titles, ['Just published', 'From the year 2999', 'Yesterday']);
    // In the river of everything too.
    const river = (await ana.api('GET', '/api/v1/items')).json.items.map((i: Json) => i.title);
    assert.ok(river.indexOf('Just published') < river.indexOf('From the year 2999'));
  });

  test('javascript: and data: links are dropped from item links and content', async () => {
    const xss = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Scripts</title><link>javascript:alert('site')</link>
<item><title>Script link</title><guid isPermaLink="false">xss-1</guid><link>javascript:alert(1)</link>
<description><![CDATA[<p>Text <a href="javascript:alert(2)">click</a> <a href=" JaVaScRiPt:alert(3)">again</a> <a href="data:text/html,<script>alert(4)</script>">data</a> <img src="data:image/svg+xml,<svg onload=alert(5)>" alt="pic"> <img src="javascript:alert(6)"> <a href="https://ok.example/">fine</a></p><script>alert(7)</script>]]></description></item>
<item><title>Data link</title><guid isPermaLink="false">xss-2</guid><link>data:text/html,hello</link><enclosure url="javascript:alert(8)" type="audio/mpeg" length="1"/></item>
</channel></rss>`;
    feeds.set('/scripts.xml', { headers: RSS, body: xss });
    const sub = await subscribe(ana, `${feeds.url}/scripts.xml`);
    assert.equal(sub.siteUrl, null);
    const json = JSON.stringify({ sub, items: await allItems(ana, `scope=source:${sub.id}`) });
    assert.doesNotMatch(json, /javascript:|data:|<script|onload|alert\(/i);
    const items = await allItems(ana, `scope=source:${sub.id}`);
    assert.equal(items.length, 2);
    for (const item of items) assert.equal(item.url, null);
    const script = items.find((i: Json) => i.title === 'Script link');
    assert.match(script.contentHtml, /href="https:\/\/ok\.example\/"/);
    assert.deepEqual(items.find((i: Json) => i.title === 'Data link').attachments, []);
    // JSON Feed too.
    feeds.set('/scripts.json', {
      headers: { 'content-type': 'application/feed+json' },
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON scripts',
        home_page_url: 'javascript:alert(1)',
        items: [
          {
            id: 'j1',
            url: 'javascript:alert(2)',
            external_url: 'data:text/html,x',
            image: 'javascript:alert(3)',
            title: 'JSON item',
            content_html: '<a href="javascript:alert(4)">x</a><img src="data:image/png;base64,AAAA">',
          },
        ],
      }),
    });
    const jsonSub = await subscribe(ana, `${feeds.url}/scripts.json`);
    const [item] = await allItems(ana, `scope=source:${jsonSub.id}`);
    assert.equal(item.url, null);
    assert.equal(item.imageUrl, null);
    assert.doesNotMatch(JSON.stringify(item), /javascript:|data:/i);
  });
});

describe('what a database cannot hold as it is', () => {
  /** Characters that neither repeat nor compress (an index entry has a size limit). */
  const han = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919 + seed * 104_729) % 20_000))).join('');

  test('NUL characters (a JSON Feed may hold them) are dropped, not a failure', async () => {
    feeds.set('/nul.json', {
      headers: { 'content-type': 'application/feed+json' },
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Nul\u0000 feed',
        description: 'd\u0000',
        items: [
          {
            id: 'nul\u00001',
            title: 'Nul\u0000 title',
            content_text: 'Text\u0000 here',
            authors: [{ name: 'Au\u0000thor' }],
            tags: ['t\u0000ag'],
          },
        ],
      }),
    });
    const sub = await subscribe(ana, `${feeds.url}/nul.json`);
    assert.equal(sub.title, 'Nul feed');
    const [item] = await allItems(ana, `scope=source:${sub.id}`);
    assert.equal(item.title, 'Nul title');
    assert.equal(item.author, 'Author');
    assert.doesNotMatch(item.contentHtml, /\u0000/);
    await refresh(ana, sub.id);
    assert.equal(await itemCount(server, sub.sourceId), 1, 'the same item on the next fetch');
  });

  test('very long item ids are stored once', async () => {
    const ids = [han(1900, 1), han(1900, 2), `${'x'.repeat(5000)}a`, `${'x'.repeat(5000)}b`];
    feeds.set('/long-ids.xml', {
      headers: RSS,
      body: rss(
        'Long ids',
        ids.map((guid, i) => ({ title: `Long ${i}`, guid })),
      ),
    });
    const sub = await subscribe(ana, `${feeds.url}/long-ids.xml`);
    assert.equal(sub.status, 'active');
    assert.equal(await itemCount(server, sub.sourceId), 4, 'ids that share a long beginning are still different items');
    await refresh(ana, sub.id);
    assert.equal(await itemCount(server, sub.sourceId), 4);
  });

  test('very long feed addresses are refused in words (discovered, redirected to, or imported)', async () => {
    const path = `/very-long/${encodeURIComponent(han(1500, 3))}`;
    feeds.set(path, { headers: RSS, body: rss('Long address', [{ title: 'Deep', guid: 'deep-1' }]) });
    feeds.set('/very-long/', {
      headers: HTML,
      body: `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="${path}"></head></html>`,
    });
    await refused(`${feeds.url}/very-long/`, 422, /^This feed's address is too long \(more than 2000 characters\)\.$/);
    // A permanent redirect to such an address: the source keeps its address and works.
    const sub = await working('/to-long.xml', 'To long');
    feeds.set('/to-long.xml', { status: 301, headers: { location: path } });
    const after = await refresh(ana, sub.id);
    assert.equal(after.status, 'active');
    assert.equal(after.feedUrl, `${feeds.url}/to-long.xml`);
    // In an OPML file: skipped, with the reason.
    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline text="Long one" xmlUrl="${feeds.url}${path}"/><outline text="Fine" xmlUrl="${feeds.url}/fine-after-long.xml"/></body></opml>`;
    const res = await server.client().api('POST', '/api/v1/subscriptions/opml', opml, { ...ana.auth, 'content-type': 'text/x-opml' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.added, 1);
    assert.deepEqual(res.json.skipped, [{ text: 'Long one', reason: 'the address is too long' }]);
  });

  test('a redirect to an address that is not one, and a body that is not what it says: errors in words', async () => {
    feeds.set('/bad-location', { status: 302, headers: { location: 'http://exa mple.org:99999/feed' } });
    await refused(
      `${feeds.url}/bad-location`,
      422,
      /^Could not read http:\/\/127\.0\.0\.1:\d+\/bad-location: the address is not a valid web address\.$/,
    );
    const sub = await working('/bad-location-later.xml', 'Bad location later');
    feeds.set('/bad-location-later.xml', { status: 301, headers: { location: 'http://[::1/feed' } });
    await broken(sub, /^The address is not a valid web address in the last hour\.$/);
    feeds.set('/bad-location-later.xml', {
      headers: { ...RSS, 'content-encoding': 'gzip' },
      body: rss('Not gzip', [{ title: 'x', guid: 'x' }]),
    });
    await broken(sub, /^The site could not be reached \(the answer could not be read: .+\) in the last hour\.$/);
  });
});

describe('private addresses (SSRF)', () => {
  test('a feed on a private address is refused in plain words, and never contacted', async () => {
    await refused(`${hidden.url}/feed.xml`, 422, /: the address points to a private network, which this server does not fetch from\.$/);
    await refused('http://169.254.169.254/latest/meta-data/', 422, /private network/);
    await refused('http://10.0.0.1/feed', 422, /private network/);
    await refused(`http://[::ffff:127.0.0.2]:${new URL(hidden.url).port}/feed.xml`, 422, /private network/);
    const discovered = await ana.api('POST', '/api/v1/feeds/discover', { url: `${hidden.url}/feed.xml` });
    assert.equal(discovered.status, 422);
    assert.match(discovered.json.error.message, /private network/);
    assert.deepEqual(hidden.requests, []);
  });

  test('a redirect to a private address is refused, when subscribing and when refreshing', async () => {
    feeds.set('/to-private', { status: 302, headers: { location: `${hidden.url}/feed.xml` } });
    feeds.set('/to-private-page/', {
      headers: HTML,
      body: `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="${hidden.url}/feed.xml"></head></html>`,
    });
    await refused(`${feeds.url}/to-private`, 422, /: the address points to a private network, which this server does not fetch from\.$/);
    // A page naming a private feed: following it is refused too.
    const res = await ana.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/to-private-page/` });
    assert.equal(res.status, 422, JSON.stringify(res.json));
    assert.match(res.json.error.message, /private network/);
    const sub = await working('/private-later.xml', 'Private later');
    feeds.set('/private-later.xml', { status: 301, headers: { location: `${hidden.url}/feed.xml` } });
    await broken(sub, /^The address points to a private network, which this server does not fetch from in the last hour\.$/);
    assert.equal((await subscription(ana, sub.id)).feedUrl, `${feeds.url}/private-later.xml`, 'the stored address did not move');
    assert.deepEqual(hidden.requests, []);
  });
});

describe('private addresses, with none allowed (the default)', () => {
  let strict: TestServer;
  let dee: Member;
  before(async () => {
    strict = await startTestServer({ env: {} });
    ({ dee } = await createMembers(strict, ['dee']));
  });
  after(async () => {
    await strict.close();
  });

  test('loopback by address or by name is refused, when subscribing and when refreshing, and never contacted', async () => {
    const port = new URL(feeds.url).port;
    feeds.set('/strict.xml', { headers: RSS, body: rss('Strict', [{ title: 'Loopback item', guid: 'strict-1' }]) });
    for (const url of [
      `http://127.0.0.1:${port}/strict.xml`,
      `http://localhost:${port}/strict.xml`,
      `http://[::1]:${port}/strict.xml`,
      `http://0.0.0.0:${port}/strict.xml`,
    ]) {
      const res = await dee.api('POST', '/api/v1/subscriptions', { url });
      assert.equal(res.status, 422, `${url}: ${JSON.stringify(res.json)}`);
      assert.match(res.json.error.message, /: the address points to a private network, which this server does not fetch from\.$/);
    }
    // A source someone imported (not fetched at import), refreshed in the background: an error in words.
    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline text="Strict" xmlUrl="http://localhost:${port}/strict.xml"/></body></opml>`;
    const imported = await strict.client().api('POST', '/api/v1/subscriptions/opml', opml, { ...dee.auth, 'content-type': 'text/x-opml' });
    assert.equal(imported.json.added, 1);
    await strict.services.feeds.refresher.refreshDue();
    const [sub] = (await dee.api('GET', '/api/v1/subscriptions')).json.subscriptions;
    assert.equal(sub.status, 'error');
    assert.equal(sub.problem, 'The address points to a private network, which this server does not fetch from in the last hour.');
    assert.equal(feeds.hits('/strict.xml').length, 0);
  });
});

describe('a 100,000-item feed', () => {
  let big: TestServer;
  let cy: Member;
  before(async () => {
    big = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1', FEED_MAX_BYTES: String(64 * 1024 * 1024) } });
    ({ cy } = await createMembers(big, ['cy']));
  });
  after(async () => {
    await big.close();
  });

  test('every item is stored, once, in batches', { timeout: 600_000 }, async () => {
    const count = 100_000;
    const newest = Date.now() - 60_000;
    const parts = [
      '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Huge</title><link>https://huge.example/</link>',
    ];
    for (let i = 0; i < count; i++) {
      parts.push(
        `<item><title>Item ${i}</title><link>https://huge.example/${i}</link><guid>huge-${i}</guid><pubDate>${new Date(newest - i * 60_000).toUTCString()}</pubDate><description>Text of item ${i}</description></item>`,
      );
    }
    parts.push('</channel></rss>');
    const body = Buffer.from(parts.join('\n'));
    feeds.set('/huge.xml', { headers: { ...RSS, 'content-encoding': 'gzip' }, body: gzipSync(body) });
    const statements = big.services.database.statements;
    const before = statements.count;
    const res = await cy.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/huge.xml` });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    // A few statements per batch of items, never one per item.
    const forSubscribe = statements.count - before;
    assert.ok(forSubscribe <= count / 40, `${forSubscribe} statements to subscribe to ${count} items`);
    const sub = res.json;
    assert.equal(await itemCount(big, sub.sourceId), count);
    assert.equal(sub.unread, count);
    // The river is still quick and in order; the oldest item is there.
    const page = await cy.api('GET', `/api/v1/items?scope=source:${sub.id}`);
    assert.deepEqual(
      page.json.items.slice(0, 3).map((i: Json) => i.title),
      ['Item 0', 'Item 1', 'Item 2'],
    );
    const oldest = await cy.api('GET', '/api/v1/items?q=99999');
    assert.deepEqual(
      oldest.json.items.map((i: Json) => i.title),
      ['Item 99999'],
    );
    // Refreshing the same document adds nothing, and reads what it has in batches too.
    const beforeRefresh = statements.count;
    const refreshed = await refresh(cy, sub.id);
    assert.equal(refreshed.status, 'active');
    const forRefresh = statements.count - beforeRefresh;
    assert.ok(forRefresh <= count / 40, `${forRefresh} statements to refresh ${count} items`);
    assert.equal(await itemCount(big, sub.sourceId), count);
  });
});
