import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseOpml } from 'feedsmith';
import { type ApiResult, createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer, rss } from './feed-server.ts';
import { subscribe } from './support.ts';

/**
 * OPML in and out: folders kept, importing twice adds nothing, a thousand sources import at
 * once without a single fetch, an export imports again as it was, and what is not OPML is
 * refused with a reason.
 */

let server: TestServer;
let feeds: FeedServer;
let ana: Member;
let bo: Member;
let cy: Member;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  ({ ana, bo, cy } = await createMembers(server, ['ana', 'bo', 'cy']));
});
after(async () => {
  await server.close();
  await feeds.close();
});

function importOpml(member: Member, body: string | Buffer, contentType = 'text/x-opml'): Promise<ApiResult> {
  return server.client().api('POST', '/api/v1/subscriptions/opml', body as string, { ...member.auth, 'content-type': contentType });
}

async function exportOpml(member: Member): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${server.url}/api/v1/subscriptions/opml`, { headers: member.auth });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const opml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
${body}
</body></opml>`;

async function subscriptionsOf(member: Member): Promise<{ subscriptions: Json[]; folders: Json[] }> {
  return (await member.api('GET', '/api/v1/subscriptions')).json;
}

describe('OPML import', () => {
  test('folders are kept, nothing is fetched, odd entries are skipped with a reason, a second import adds nothing', async () => {
    const file = opml(`
  <outline text="Libraries" title="Libraries">
    <outline type="rss" text="Library A" xmlUrl="https://library-a.example/feed.xml" htmlUrl="https://library-a.example/"/>
    <outline type="rss" text="Library B" xmlUrl="https://library-b.example/rss"/>
    <outline text="Nested">
      <outline type="rss" text="Deep one" xmlUrl="https://deep.example/atom.xml"/>
    </outline>
  </outline>
  <outline text="Teaching">
    <outline type="rss" title="Teacher blog" text="ignored text" xmlUrl="https://teacher.example/feed"/>
    <outline type="rss" text="Not the web" xmlUrl="ftp://files.example/feed"/>
    <outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>
  </outline>
  <outline type="rss" text="Loose" xmlUrl="https://loose.example/index.xml"/>
  <outline type="rss" text="Loose twice" xmlUrl="https://loose.example/index.xml"/>`);
    const before = feeds.requests.length;
    const res = await importOpml(ana, file);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.added, 5);
    assert.equal(res.json.alreadyFollowed, 0);
    assert.deepEqual(res.json.folders.sort(), ['Libraries', 'Teaching']);
    assert.deepEqual(res.json.skipped, [
      { text: 'Not the web', reason: 'not an http or https address' },
      { text: 'Script', reason: 'not an http or https address' },
    ]);
    assert.equal(feeds.requests.length, before, 'nothing fetched');
    const { subscriptions, folders } = await subscriptionsOf(ana);
    const byUrl = new Map(subscriptions.map((s: Json) => [s.feedUrl, s]));
    assert.equal(byUrl.get('https://library-a.example/feed.xml').folder.name, 'Libraries');
    assert.equal(byUrl.get('https://deep.example/atom.xml').folder.name, 'Libraries', 'nested folders flatten to the outer one');
    assert.equal(byUrl.get('https://teacher.example/feed').folder.name, 'Teaching');
    assert.equal(byUrl.get('https://teacher.example/feed').title, 'Teacher blog');
    assert.equal(byUrl.get('https://loose.example/index.xml').folder, null);
    for (const s of subscriptions) assert.equal(s.status, 'pending', `${s.feedUrl} waits for the background fetch`);
    assert.deepEqual(
      folders.map((f: Json) => f.name),
      ['Libraries', 'Teaching'],
    );

    const again = await importOpml(ana, file);
    assert.equal(again.status, 200);
    assert.equal(again.json.added, 0);
    assert.equal(again.json.alreadyFollowed, 5);
    assert.equal((await subscriptionsOf(ana)).subscriptions.length, 5);
    assert.equal((await subscriptionsOf(ana)).folders.length, 2);
  });

  test('a thousand sources import in a few statements, without fetching anything', async () => {
    const outlines: string[] = [];
    for (let f = 0; f < 10; f++) {
      outlines.push(`<outline text="Folder ${f}">`);
      for (let i = 0; i < 100; i++) outlines.push(`<outline type="rss" text="Source ${f}-${i}" xmlUrl="${feeds.url}/bulk/${f}/${i}.xml"/>`);
      outlines.push('</outline>');
    }
    const before = feeds.requests.length;
    const statementsBefore = server.services.database.statements.count;
    const res = await importOpml(bo, opml(outlines.join('\n')));
    const statements = server.services.database.statements.count - statementsBefore;
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.added, 1000);
    assert.equal(res.json.folders.length, 10);
    // A couple per folder and a few per batch of sources (and the request's own), never one per source.
    assert.ok(statements <= 100, `${statements} statements for 1,000 sources in 10 folders`);
    assert.equal(feeds.requests.length, before, 'nothing fetched');
    const { subscriptions, folders } = await subscriptionsOf(bo);
    assert.equal(subscriptions.length, 1000);
    assert.deepEqual(
      folders.map((f: Json) => f.name),
      Array.from({ length: 10 }, (_, f) => `Folder ${f}`),
    );
    const again = await importOpml(bo, opml(outlines.join('\n')));
    assert.equal(again.json.added, 0);
    assert.equal(again.json.alreadyFollowed, 1000);
  });

  test('what is not OPML is refused with a reason: 422 (413 when too large)', async () => {
    const cases: Array<[string, string | Buffer, number, string, RegExp]> = [
      ['garbage', 'this is not xml at all', 422, 'invalid_opml', /^This file is not OPML/],
      [
        'truncated',
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="x" xmlUrl="https://x.example/f',
        422,
        'invalid_opml',
        /^This file is not OPML/,
      ],
      ['an RSS feed', rss('Not OPML', [{ title: 'x', guid: 'x' }]), 422, 'invalid_opml', /^This file is not OPML/],
      ['JSON', '{"opml": true}', 422, 'invalid_opml', /^This file is not OPML/],
      [
        'binary',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe]),
        422,
        'invalid_opml',
        /^This file is not OPML/,
      ],
      ['empty', '', 422, 'invalid_opml', /^This file is not OPML/],
      ['no sources', opml('<outline text="Empty folder"></outline>'), 422, 'empty_opml', /^This OPML file lists no sources\.$/],
    ];
    for (const [name, body, status, code, message] of cases) {
      const res = await importOpml(cy, body);
      assert.equal(res.status, status, `${name}: ${res.status} ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error.code, code, name);
      assert.match(res.json.error.message, message, name);
    }
    const many = Array.from({ length: 10_001 }, (_, i) => `<outline type="rss" text="s${i}" xmlUrl="https://many.example/${i}"/>`).join('');
    const tooMany = await importOpml(cy, opml(many));
    assert.equal(tooMany.status, 413);
    assert.match(tooMany.json.error.message, /more than 10000 sources/);
    const huge = await importOpml(
      cy,
      opml(`<!-- ${'x'.repeat(5 * 1024 * 1024)} --><outline type="rss" text="x" xmlUrl="https://x.example/f"/>`),
    );
    assert.equal(huge.status, 413);
    assert.match(huge.json.error.message, /larger than 5 MB/);
    assert.equal((await subscriptionsOf(cy)).subscriptions.length, 0, 'nothing imported');
  });

  test('entities in an OPML DOCTYPE are never expanded or fetched', async () => {
    const levels = ['<!ENTITY a0 "aaaaaaaaaaaaaaaaaaaa">'];
    for (let i = 1; i <= 8; i++) levels.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`);
    feeds.set('/opml-xxe', { headers: { 'content-type': 'text/plain' }, body: 'SECRET' });
    const file = `<?xml version="1.0"?>
<!DOCTYPE opml [
  ${levels.join('\n  ')}
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY ext SYSTEM "${feeds.url}/opml-xxe">
]>
<opml version="2.0"><head><title>&a8;</title></head><body>
<outline text="Laughs &a8; &xxe; &ext;" type="rss" xmlUrl="https://laughs-opml.example/feed"/>
</body></opml>`;
    const res = await importOpml(cy, file);
    assert.ok(res.status === 200 || res.status === 422, JSON.stringify(res.json));
    const json = JSON.stringify(res.json) + JSON.stringify(await subscriptionsOf(cy));
    assert.ok(json.length < 10_000, 'nothing expanded');
    assert.doesNotMatch(json, /root:.*:0:0|SECRET|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/);
    assert.equal(feeds.hits('/opml-xxe').length, 0);
  });
});

describe('OPML export', () => {
  test("every source in its folder, with the member's own names; the export imports again as it was", async () => {
    feeds.set('/export/a.xml', { body: rss('Export A', [{ title: 'a', guid: 'a' }]) });
    feeds.set('/export/b.xml', { body: rss('Export B & Co', [{ title: 'b', guid: 'b' }]) });
    feeds.set('/export/c.xml', { body: rss('Export C', [{ title: 'c', guid: 'c' }]) });
    const [dee] = Object.values(await createMembers(server, ['dee']));
    const eve = (await createMembers(server, ['eve'])).eve;
    await subscribe(dee!, `${feeds.url}/export/a.xml`, { folder: 'Reading <room>' });
    await subscribe(dee!, `${feeds.url}/export/b.xml`, { folder: 'Reading <room>', title: 'Bee "quoted"' });
    await subscribe(dee!, `${feeds.url}/export/c.xml`);
    const exported = await exportOpml(dee!);
    assert.equal(exported.status, 200);
    assert.match(exported.type ?? '', /^text\/x-opml/);
    assert.match(exported.text, /<opml version="2\.0">/);
    assert.match(exported.text, /<outline text="Reading &lt;room&gt;"/);
    assert.ok(exported.text.includes(`xmlUrl="${feeds.url}/export/a.xml"`));
    const before = feeds.requests.length;
    const imported = await importOpml(eve, exported.text);
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
    assert.equal(imported.json.added, 3);
    assert.deepEqual(imported.json.folders, ['Reading <room>']);
    assert.deepEqual(imported.json.skipped, []);
    assert.equal(feeds.requests.length, before, 'the sources were known: nothing fetched');
    const mine = (await subscriptionsOf(dee!)).subscriptions.map((s: Json) => [s.feedUrl, s.title, s.folder?.name ?? null]).sort();
    const theirs = (await subscriptionsOf(eve)).subscriptions.map((s: Json) => [s.feedUrl, s.title, s.folder?.name ?? null]).sort();
    assert.deepEqual(theirs, mine);
    assert.deepEqual(mine, [
      [`${feeds.url}/export/a.xml`, 'Export A', 'Reading <room>'],
      [`${feeds.url}/export/b.xml`, 'Bee "quoted"', 'Reading <room>'],
      [`${feeds.url}/export/c.xml`, 'Export C', null],
    ]);
    // Importing one's own export changes nothing.
    const own = await importOpml(dee!, exported.text);
    assert.equal(own.json.added, 0);
    assert.equal(own.json.alreadyFollowed, 3);
    // Anonymous: 401.
    assert.equal((await fetch(`${server.url}/api/v1/subscriptions/opml`)).status, 401);
  });

  test('a member with no sources downloads a valid, empty OPML document (not an error page), from the page and the API', async () => {
    const { fay } = await createMembers(server, ['fay']);
    for (const res of [
      await fay.web.fetch('/sources/export.opml'),
      await fetch(`${server.url}/api/v1/subscriptions/opml`, { headers: fay.auth }),
    ]) {
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 300));
      assert.match(res.headers.get('content-type') ?? '', /^text\/x-opml/);
      assert.match(text, /^<\?xml version="1\.0" encoding="utf-8"\?>/);
      assert.match(text, /<opml version="2\.0">/);
      const document = parseOpml(text);
      assert.match(document.head?.title ?? '', /^Fay — sources on /);
      assert.deepEqual(document.body?.outlines ?? [], []);
      // The project's import reads it as OPML that lists no sources (not "this file is not OPML").
      const imported = await importOpml(fay, text);
      assert.equal(imported.status, 422, JSON.stringify(imported.json));
      assert.equal(imported.json.error.code, 'empty_opml');
    }
  });
});
