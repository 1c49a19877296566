import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SNAPSHOT_TIMEOUT_MS } from '../../src/curation/bookmark-snapshots.ts';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { allItems, refresh, subscribe } from '../feeds/support.ts';
import { createMembers, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Bookmarks through the doors people use: the JSON API (/api/v1/curation/bookmarks), the
 * pages and forms of the Library, and the post and item buttons. Pages to snapshot are served
 * by a real web server on 127.0.0.1 (allowed with FETCH_ALLOW_PRIVATE on `server`; `guarded`
 * has no allow-list and must refuse private addresses).
 */

let server: TestServer;
let guarded: TestServer;
let site: FeedServer;
/** Accepts connections and never answers. */
let silent: Server;
let silentUrl: string;
const silentSockets = new Set<Socket>();
let ana: Member;
let bo: Member;
let cy: Member;
let eve: Member;
let fay: Member;

const ARTICLE_BODY = Array.from(
  { length: 12 },
  (_, i) =>
    `<p>Paragraph ${i + 1} of a long article about genrefication, shelving by genre and the circulation that followed in our middle school library. Students found the mystery section without asking.</p>`,
).join('\n');
const ARTICLE = `<!doctype html><html lang="en"><head><title>Fallback title</title>
  <meta property="og:title" content="Genrefication, one year on">
  <meta property="og:description" content="What happened to circulation after we shelved by genre.">
  <meta property="og:image" content="/images/shelves.jpg">
  <meta property="og:site_name" content="Library Journal Test"></head>
  <body><header>Site menu</header><article><h1>Genrefication, one year on</h1>${ARTICLE_BODY}<p>The word zymurgy appears only here.</p></article></body></html>`;

before(async () => {
  site = await FeedServer.start();
  site.set('/article', { headers: { 'content-type': 'text/html; charset=utf-8' }, body: ARTICLE });
  site.set('/plain', {
    headers: { 'content-type': 'text/html' },
    body: '<html><head><title>A plain page</title></head><body><p>Plain.</p></body></html>',
  });
  site.set('/file.pdf', { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4' });
  silent = createServer(() => {
    // Never answers: the snapshot must give up on its own.
  });
  silent.on('connection', (socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  guarded = await startTestServer();
  ({ ana, bo, cy, fay } = await createMembers(server, ['ana', 'bo', 'cy', 'fay'] as const));
  ({ eve } = await createMembers(guarded, ['eve'] as const));
});
after(async () => {
  await server.close();
  await guarded.close();
  await site.close();
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

const BASE = '/api/v1/curation/bookmarks';

async function create(member: Member, input: Record<string, unknown>, status = 201): Promise<Json> {
  const res = await member.api('POST', BASE, input);
  assert.equal(res.status, status, `@${member.handle} bookmarks ${JSON.stringify(input)}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function list(member: Member, query = ''): Promise<Json> {
  return getJson(server, member, `${BASE}${query ? `?${query}` : ''}`);
}

async function rowsOf(target: TestServer, memberId: number) {
  return target.services.database.db.selectFrom('bookmarks').selectAll().where('member_id', '=', memberId).execute();
}

describe('bookmarking an address', () => {
  test('the address is normalised; the snapshot (title, description, image, text) comes from the page in the background', async () => {
    const port = new URL(site.url).port;
    const given = `HTTP://127.0.0.1:${port}/article?utm_source=newsletter&utm_medium=email&fbclid=abc#comments`;
    const { bookmark, merged } = await create(ana, {
      url: given,
      note: 'Share with the district group.',
      tags: ['Genrefication', 'school libraries'],
    });
    assert.equal(merged, false);
    assert.equal(bookmark.url, `${site.url}/article`);
    assert.equal(bookmark.kind, 'url');
    assert.equal(bookmark.title, '', 'no title until the snapshot');
    assert.equal(bookmark.snapshot.state, 'pending');
    assert.deepEqual(bookmark.tags, ['Genrefication', 'school libraries']);
    assert.equal(bookmark.visibility, 'private');
    assert.equal(site.hits('/article').length, 0, 'nothing is fetched while bookmarking');

    assert.ok((await server.services.jobs.drain()) >= 1);
    const read = await getJson(server, ana, `${BASE}/${bookmark.id}`);
    assert.equal(read.title, 'Genrefication, one year on');
    assert.equal(read.description, 'What happened to circulation after we shelved by genre.');
    assert.equal(read.imageUrl, `${site.url}/images/shelves.jpg`);
    assert.equal(read.siteName, 'Library Journal Test');
    assert.equal(read.snapshot.state, 'ok');
    assert.ok(read.snapshot.at);
    assert.match(site.hits('/article')[0]!.headers['user-agent'] ?? '', /^Commonroom\//);
    assert.equal(site.hits('/article').length, 1, 'one fetch of the page gives the card and the text');
    // The page's own text is searchable (not only its title).
    assert.deepEqual(
      (await list(ana, 'q=zymurgy')).bookmarks.map((b: Json) => b.id),
      [bookmark.id],
    );

    // A title the member gave is kept; the snapshot fills the rest.
    const titled = await create(ana, { url: `${site.url}/plain`, title: 'My own title' });
    await server.services.jobs.drain();
    const plain = await getJson(server, ana, `${BASE}/${titled.bookmark.id}`);
    assert.equal(plain.title, 'My own title');
    assert.equal(plain.snapshot.state, 'ok');

    // Not a web page: the snapshot fails, the bookmark stays.
    const pdf = await create(ana, { url: `${site.url}/file.pdf`, title: 'The handbook' });
    await server.services.jobs.drain();
    const kept = await getJson(server, ana, `${BASE}/${pdf.bookmark.id}`);
    assert.equal(kept.snapshot.state, 'failed');
    assert.equal(kept.title, 'The handbook');
  });

  test('the same page again is merged: tags united, a new note appended once, nothing doubled', async () => {
    const first = await create(bo, { url: `${site.url}/plain?utm_campaign=x`, tags: 'one, Two', note: 'First thought.' });
    const again = await create(
      bo,
      { url: `${site.url.toUpperCase().replace('HTTP', 'http')}/plain#top`, tags: ['two', 'three'], note: 'Second thought.' },
      200,
    );
    assert.equal(again.merged, true);
    assert.equal(again.bookmark.id, first.bookmark.id);
    assert.deepEqual(again.bookmark.tags.sort(), ['one', 'Two', 'three'].sort());
    assert.equal(again.bookmark.note, 'First thought.\n\nSecond thought.');
    const third = await create(bo, { url: `${site.url}/plain`, note: 'Second thought.' }, 200);
    assert.equal(third.bookmark.note, 'First thought.\n\nSecond thought.', 'the same note is not added twice');
    assert.equal((await rowsOf(server, bo.memberId)).filter((r) => r.url === `${site.url}/plain`).length, 1);
    const tagRows = await server.services.database.db
      .selectFrom('bookmark_tags')
      .select('slug')
      .where('bookmark_id', '=', first.bookmark.id)
      .execute();
    assert.deepEqual(tagRows.map((t) => t.slug).sort(), ['one', 'three', 'two']);
    // A note on a bookmark that had none replaces the empty one.
    const bare = await create(bo, { url: `${site.url}/bare` });
    assert.equal((await create(bo, { url: `${site.url}/bare`, note: 'Now with a note.' }, 200)).bookmark.note, 'Now with a note.');
    assert.equal(bare.merged, false);
    // A merge without a visibility keeps the bookmark's own; with one, the new choice applies.
    await create(bo, { url: `${site.url}/shared-page`, visibility: 'public' });
    assert.equal((await create(bo, { url: `${site.url}/shared-page`, tags: ['later'] }, 200)).bookmark.visibility, 'public');
    assert.equal((await create(bo, { url: `${site.url}/shared-page`, visibility: 'private' }, 200)).bookmark.visibility, 'private');
    // Two requests at once still make one bookmark.
    const both = await Promise.all([
      bo.api('POST', BASE, { url: `${site.url}/race` }),
      bo.api('POST', BASE, { url: `${site.url}/race`, tags: ['raced'] }),
    ]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 201]);
    assert.equal((await rowsOf(server, bo.memberId)).filter((r) => r.url === `${site.url}/race`).length, 1);
  });

  test('addresses that are not http(s) are refused with a clear message, and nothing is stored', async () => {
    const before = (await rowsOf(server, cy.memberId)).length;
    const cases: Array<[string, RegExp]> = [
      ['javascript:alert(document.cookie)', /Only web pages \(http or https addresses\) can be bookmarked, not javascript: addresses/],
      ['ftp://files.example.org/report.pdf', /not ftp: addresses/],
      ['file:///etc/passwd', /not file: addresses/],
      ['data:text/html,<script>alert(1)</script>', /not data: addresses/],
      ['mailto:someone@example.org', /not mailto: addresses/],
      ['not an address at all', /is not a web address/],
      ['https://user:secret@example.org/', /user name or password/],
      ['', /Enter the address/],
      [`https://example.org/${'x'.repeat(2100)}`, /too long/],
    ];
    for (const [url, message] of cases) {
      const res = await cy.api('POST', BASE, { url });
      assert.equal(res.status, 422, `${url.slice(0, 40)}: ${res.status} ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error.issues[0].path, 'url');
      assert.match(res.json.error.issues[0].message, message, url.slice(0, 40));
    }
    // "example.org/page" as people type it is a web address.
    assert.equal((await create(cy, { url: 'example.org/reading-list' })).bookmark.url, 'https://example.org/reading-list');
    assert.equal((await rowsOf(server, cy.memberId)).length, before + 1);
    // The same through the form: the message next to the field, the values kept.
    const page = await cy.web.post('/bookmarks', {
      url: 'javascript:alert(1)',
      title: 'Kept title',
      note: '',
      tags: '',
      visibility: 'private',
    });
    assert.equal(page.status, 422);
    assert.match(page.text('#field-url-error'), /Only web pages/);
    assert.match(page.text('.error-summary'), /Only web pages/);
    assert.equal(page.document.querySelector('#field-title')?.getAttribute('value'), 'Kept title');
  });

  test('private and local addresses are refused up front, even before any fetch', async () => {
    const port = new URL(site.url).port;
    const before = site.requests.length;
    for (const url of [
      `${site.url}/article`,
      `http://localhost:${port}/article`,
      `http://[::1]:${port}/`,
      `http://127.1:${port}/`,
      `http://2130706433:${port}/`,
      'http://192.168.1.10/admin',
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:7f00:1]/',
      'http://printer.local/',
      'http://intranet/',
    ]) {
      const res = await eve.api('POST', BASE, { url });
      assert.equal(res.status, 422, `${url}: ${res.status} ${JSON.stringify(res.json)}`);
      assert.match(res.json.error.message + res.json.error.issues[0].message, /private or local network address/, url);
    }
    assert.equal((await rowsOf(guarded, eve.memberId)).length, 0);
    assert.equal(site.requests.length, before, 'the site never saw a request');
    // A public name that resolves to a private address is refused by the client at fetch time: the snapshot fails, the bookmark stays.
    const sneaky = await eve.api('POST', BASE, { url: `http://localtest.me:${port}/article` });
    if (sneaky.status === 201) {
      await guarded.services.jobs.drain();
      const read = await getJson(guarded, eve, `${BASE}/${sneaky.json.bookmark.id}`);
      assert.equal(read.snapshot.state, 'failed');
      assert.equal(site.requests.length, before);
    }
  });

  test('a page that never answers: the snapshot fails within its time limit and the bookmark is kept', async () => {
    const { bookmark } = await create(ana, { url: `${silentUrl}/slow-page`, title: 'Slow page', note: 'Keep me', tags: ['patience'] });
    // The snapshot gives up at its own limit, well inside the job's, so the job completes in its
    // first attempt: nothing is left to retry (checked below).
    await server.services.jobs.drain();
    const read = await getJson(server, ana, `${BASE}/${bookmark.id}`);
    assert.equal(read.snapshot.state, 'failed');
    assert.match(read.snapshot.error, new RegExp(`no complete answer within ${SNAPSHOT_TIMEOUT_MS / 1000} s|did not finish in time`));
    assert.equal(read.title, 'Slow page');
    assert.equal(read.note, 'Keep me');
    assert.deepEqual(read.tags, ['patience']);
    // The job is done, not waiting to retry forever.
    const jobs = await server.services.database.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'curation.snapshot')
      .where('failed_at', 'is', null)
      .execute();
    assert.equal(jobs.length, 0);
    // The list page says the page was not reached, and keeps the bookmark.
    const page = await ana.web.get('/bookmarks?q=slow');
    assert.match(page.text(`#bookmark-${bookmark.id}`), /page not reached/);
  });
});

describe('bookmarking posts and items', () => {
  test('a post: its text becomes the title; the Bookmark button and GET /api/v1/bookmarks work as before', async () => {
    const post = await cy.post('Genre labels that worked for us: mystery, fantasy, sports, humour. #genrefication');
    const { bookmark } = await create(ana, { postId: post.id, note: 'For the staff meeting' });
    assert.equal(bookmark.kind, 'post');
    assert.equal(bookmark.postId, post.id);
    assert.match(bookmark.title, /^Genre labels that worked for us/);
    assert.equal(bookmark.url, post.url);
    assert.match(bookmark.siteName, /@cy/);
    // The post shows as bookmarked, and the Mastodon-shaped list still returns posts only.
    assert.equal((await getJson(server, ana, `/api/v1/posts/${post.id}`)).mine.bookmarked, true);
    const legacy = await getJson(server, ana, '/api/v1/bookmarks');
    assert.ok(legacy.posts.some((p: Json) => p.id === post.id));
    assert.ok(
      legacy.posts.every((p: Json) => typeof p.text === 'string' && p.author),
      'posts, not bookmarks',
    );
    // Searching finds it by the post's words.
    assert.ok((await list(ana, 'q=humour')).bookmarks.some((b: Json) => b.id === bookmark.id));
    // Bookmarking the same post again merges.
    const again = await create(ana, { postId: post.id, tags: ['meeting'] }, 200);
    assert.equal(again.bookmark.id, bookmark.id);
    assert.equal(again.bookmark.note, 'For the staff meeting');

    // The button on the post (a form) and the post API, as before: a second press is a 409.
    const other = await cy.post('Another post worth keeping about weeding the collection');
    assert.equal((await bo.web.post(`/posts/${other.id}/bookmark`, { back: '/stream' })).status, 303);
    assert.equal((await bo.api('POST', `/api/v1/posts/${other.id}/bookmark`)).status, 409);
    const fromButton = (await list(bo, 'kind=post')).bookmarks.find((b: Json) => b.postId === other.id);
    assert.match(fromButton.title, /^Another post worth keeping/);
    assert.deepEqual(
      (await getJson(server, bo, '/api/v1/bookmarks')).posts.map((p: Json) => p.id),
      [other.id],
    );
    const page = await bo.web.get('/bookmarks');
    assert.ok(page.document.querySelector(`#post-${other.id}`), 'the bookmarks page shows the post itself');
    assert.equal((await bo.api('DELETE', `/api/v1/posts/${other.id}/bookmark`)).status, 204);
    assert.equal((await list(bo, 'kind=post')).bookmarks.length, 0);

    // A post the member may not see cannot be bookmarked; a public bookmark needs a public post.
    const hidden = await cy.post('Followers only, about a difficult patron', { visibility: 'followers' });
    const refused = await bo.api('POST', BASE, { postId: hidden.id });
    assert.equal(refused.status, 404);
    await follow(bo, cy);
    const notPublic = await bo.api('POST', BASE, { postId: hidden.id, visibility: 'public' });
    assert.equal(notPublic.status, 422);
    assert.match(notPublic.json.error.issues[0].message, /Only a bookmark of a public post can be public/);
    assert.equal((await create(bo, { postId: hidden.id })).bookmark.visibility, 'private');
  });

  test('a feed item: its title, link, summary and source; only from sources the member follows', async () => {
    const feedUrl = site.set('/feed.xml', {
      headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
      body: rss('Library blog', [
        {
          title: 'Makerspaces on a budget',
          link: `${site.url}/makerspaces`,
          guid: 'mk-1',
          description: '<p>Cardboard, tape and curiosity: a makerspace for under 100 dollars.</p>',
        },
      ]),
    });
    const sub = await subscribe(ana, feedUrl);
    await refresh(ana, sub.id);
    const [item] = await allItems(ana, `scope=source:${sub.id}`);
    const { bookmark } = await create(ana, { itemId: item.id, tags: ['makerspace'] });
    assert.equal(bookmark.kind, 'item');
    assert.equal(bookmark.itemId, item.id);
    assert.equal(bookmark.title, 'Makerspaces on a budget');
    assert.equal(bookmark.url, `${site.url}/makerspaces`);
    assert.equal(bookmark.siteName, 'Library blog');
    assert.match(bookmark.description, /Cardboard, tape and curiosity/);
    assert.ok((await list(ana, 'q=cardboard')).bookmarks.some((b: Json) => b.id === bookmark.id));
    assert.equal((await ana.api('GET', `/api/v1/items/${item.id}`)).json.bookmarked, true);
    // bo does not follow that source.
    assert.equal((await bo.api('POST', BASE, { itemId: item.id })).status, 404);
    // The item button still answers 409 the second time.
    assert.equal((await ana.api('POST', `/api/v1/items/${item.id}/bookmark`)).status, 409);
  });

  test('one thing at a time: url, postId and itemId together are refused', async () => {
    const res = await ana.api('POST', BASE, { url: 'https://example.org/', postId: 1 });
    assert.equal(res.status, 422);
    assert.match(res.json.error.message + JSON.stringify(res.json.error.issues), /one thing at a time/);
    const nothing = await ana.api('POST', BASE, { title: 'No target' });
    assert.equal(nothing.status, 422);
    const unknown = await ana.api('POST', BASE, { url: 'https://example.org/', colour: 'red' });
    assert.equal(unknown.status, 422);
  });
});

describe('tags, search, editing', () => {
  test('tags: counts, tag pages, bad tags refused; edits replace the set', async () => {
    const [x, y, z] = [
      await create(cy, { url: 'https://tags.example/one', title: 'Reading ladders', tags: ['Reading', 'Ladders'] }),
      await create(cy, { url: 'https://tags.example/two', title: 'Reading aloud', tags: ['#reading', 'aloud'] }),
      await create(cy, { url: 'https://tags.example/three', title: 'Budgets', tags: 'budget' }),
    ].map((r) => r.bookmark);
    const tags = (await getJson(server, cy, `${BASE}/tags`)).tags;
    assert.deepEqual(
      tags.find((t: Json) => t.slug === 'reading'),
      { slug: 'reading', name: 'Reading', count: 2 },
    );
    assert.deepEqual(
      (await list(cy, 'tag=reading')).bookmarks.map((b: Json) => b.id),
      [y.id, x.id],
    );
    const page = await cy.web.get('/bookmarks/tags/reading');
    assert.equal(page.status, 200);
    assert.match(page.text('h1'), /Bookmarks tagged “Reading”/);
    const shown = [...page.document.querySelectorAll('article.bookmark')].map((a) => a.id);
    assert.deepEqual(shown, [`bookmark-${y.id}`, `bookmark-${x.id}`]);
    assert.ok(!shown.includes(`bookmark-${z.id}`));
    // Tag links lead to the tag pages.
    assert.ok((await cy.web.get('/bookmarks')).document.querySelector('a[href="/bookmarks/tags/budget"]'));

    const bad = await cy.api('POST', BASE, { url: 'https://tags.example/bad', tags: ['!!!'] });
    assert.equal(bad.status, 422);
    assert.match(bad.json.error.issues[0].message, /needs letters or digits/);
    const many = await cy.api('POST', BASE, { url: 'https://tags.example/many', tags: Array.from({ length: 31 }, (_, i) => `t${i}`) });
    assert.equal(many.status, 422);
    assert.match(many.json.error.issues[0].message, /at most 30 tags/);

    const edited = await cy.api('PATCH', `${BASE}/${x.id}`, {
      tags: ['ladders', 'Levelled reading'],
      note: 'Edited note',
      title: 'Reading ladders, revised',
    });
    assert.equal(edited.status, 200);
    assert.deepEqual(edited.json.tags.sort(), ['Ladders', 'Levelled reading']);
    assert.equal(edited.json.title, 'Reading ladders, revised');
    assert.deepEqual(
      (await list(cy, 'tag=reading')).bookmarks.map((b: Json) => b.id),
      [y.id],
    );
    // Edits through the form, then delete.
    const form = await cy.web.post(`/bookmarks/${z.id}/edit`, {
      title: 'Budget tips',
      note: 'Line one\nLine two',
      tags: 'budget, money',
      visibility: 'public',
    });
    assert.equal(form.status, 303);
    const read = await getJson(server, cy, `${BASE}/${z.id}`);
    assert.deepEqual(
      [read.title, read.note, read.tags.sort(), read.visibility],
      ['Budget tips', 'Line one\nLine two', ['budget', 'money'], 'public'],
    );
    assert.equal((await cy.web.post(`/bookmarks/${z.id}/delete`, {})).status, 303);
    await getJson(server, cy, `${BASE}/${z.id}`, 404);
    assert.equal(
      (await server.services.database.db.selectFrom('bookmark_tags').select('slug').where('bookmark_id', '=', z.id).execute()).length,
      0,
    );
  });

  test('search: words in title, note, tags and description, accents folded, #tag, paging; bad searches are a 400', async () => {
    const member = bo;
    const made = [];
    for (let i = 0; i < 25; i++) {
      made.push(
        (
          await create(member, {
            url: `https://search.example/${i}`,
            title: `Storytime idea ${i}`,
            note: i % 2 ? 'Works with toddlers' : 'For the café corner',
            tags: i % 5 === 0 ? ['felt board'] : [],
          })
        ).bookmark,
      );
    }
    const ids = (page: Json) => page.bookmarks.map((b: Json) => b.id);
    const first = await list(member, 'q=storytime');
    assert.equal(first.bookmarks.length, 20);
    const second = await list(member, `q=storytime&cursor=${encodeURIComponent(first.nextCursor)}`);
    assert.equal(second.bookmarks.length, 5);
    assert.equal(second.nextCursor, null);
    assert.equal(new Set([...ids(first), ...ids(second)]).size, 25);
    assert.equal((await list(member, 'q=toddlers')).bookmarks.length, 12);
    assert.equal((await list(member, 'q=cafe')).bookmarks.length, 13, 'café is found as cafe');
    assert.equal((await list(member, 'q=CAFÉ%20corner')).bookmarks.length, 13);
    assert.deepEqual(ids(await list(member, 'q=felt')), ids(await list(member, 'q=%23feltboard')));
    assert.equal((await list(member, 'q=%23feltboard%20toddlers')).bookmarks.length, 2);
    assert.equal((await list(member, 'q=nothingmatchesthis')).bookmarks.length, 0);
    // Another member's bookmarks never match.
    assert.equal((await list(ana, 'q=storytime')).bookmarks.length, 0);
    for (const q of ['%22%22', '!!!', 'x'.repeat(301)]) {
      const res = await member.api('GET', `${BASE}?q=${q}`);
      assert.ok([400, 422].includes(res.status), `${q}: ${res.status}`);
    }
    const badCursor = await member.api('GET', `${BASE}?cursor=WyJ4Il0`);
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.json.error.code, 'invalid_cursor');
    // The page: search box, results, no results.
    const page = await member.web.get('/bookmarks?q=toddlers');
    assert.equal(page.document.querySelectorAll('article.bookmark').length, 12);
    assert.match(page.text('main'), /Matching bookmarks/);
    assert.match((await member.web.get('/bookmarks?q=zzzznothing')).text('main'), /No bookmarks match/);
    const badPage = await member.web.get('/bookmarks?q=!!!');
    assert.equal(badPage.status, 400);
    assert.match(badPage.text('.error-summary'), /Search for at least one word/);
  });
});

describe('visibility', () => {
  test('private bookmarks are seen by their owner only; public ones on the profile, for anyone', async () => {
    const secret = (await create(ana, { url: 'https://visible.example/secret', title: 'Private reading', tags: ['hidden tag'] })).bookmark;
    const shared = (
      await create(ana, {
        url: 'https://visible.example/shared',
        title: 'Shared reading',
        tags: ['open tag'],
        visibility: 'public',
        note: 'Worth it',
      })
    ).bookmark;
    // Another member and a visitor cannot read the private one by id (nor the public one through the owner-only API).
    await getJson(server, bo, `${BASE}/${secret.id}`, 404);
    assert.equal((await bo.api('PATCH', `${BASE}/${secret.id}`, { title: 'Hijacked' })).status, 404);
    assert.equal((await bo.api('DELETE', `${BASE}/${secret.id}`)).status, 404);
    await getJson(server, null, `${BASE}/${secret.id}`, 401);
    await getJson(server, null, BASE, 401);
    assert.equal((await getJson(server, ana, `${BASE}/${secret.id}`)).title, 'Private reading');
    // The public list of @ana: API and page, for a member and a visitor.
    for (const who of [bo, null]) {
      const pub = await getJson(server, who, '/api/v1/people/ana/bookmarks');
      const urls = pub.bookmarks.map((b: Json) => b.url);
      assert.ok(urls.includes('https://visible.example/shared'));
      assert.ok(!urls.includes('https://visible.example/secret'));
      assert.ok(pub.tags.some((t: Json) => t.slug === 'opentag'));
      assert.ok(!pub.tags.some((t: Json) => t.slug === 'hiddentag'), 'private tags are not listed');
      const client = who ? who.web : server.client();
      const page = await client.get('/@ana/bookmarks');
      assert.equal(page.status, 200);
      assert.ok(page.document.querySelector(`#bookmark-${shared.id}`));
      assert.equal(page.document.querySelector(`#bookmark-${secret.id}`), null);
      assert.doesNotMatch(page.html, /Private reading|hidden tag/);
      assert.equal(page.document.querySelector(`form[action="/bookmarks/${shared.id}/delete"]`), null, 'no owner actions for others');
      // Filter by tag; a private tag shows nothing.
      assert.equal((await client.get('/@ana/bookmarks?tag=opentag')).document.querySelectorAll('article.bookmark').length, 1);
      assert.equal((await client.get('/@ana/bookmarks?tag=hiddentag')).document.querySelectorAll('article.bookmark').length, 0);
      assert.equal((await getJson(server, who, '/api/v1/people/ana/bookmarks?tag=hiddentag')).bookmarks.length, 0);
      assert.ok((await client.get('/@ana')).document.querySelector('a.tag[href="/@ana/bookmarks"]'), 'the profile links to them');
    }
    // Making it private takes it off the profile (and its tags with it).
    assert.equal((await ana.api('PATCH', `${BASE}/${shared.id}`, { visibility: 'private' })).status, 200);
    assert.equal(
      (await server.client().get('/@ana')).document.querySelector('a.tag[href="/@ana/bookmarks"]'),
      null,
      'no link when nothing is public',
    );
    const now = await getJson(server, null, '/api/v1/people/ana/bookmarks');
    assert.ok(!now.bookmarks.some((b: Json) => b.id === shared.id));
    assert.ok(!now.tags.some((t: Json) => t.slug === 'opentag'));
    // A members-only profile: visitors are asked to sign in, members see the public bookmarks.
    await create(cy, { url: 'https://visible.example/cy', visibility: 'public', title: 'From cy' });
    await server.services.database.db.updateTable('members').set({ profile_visibility: 'members' }).where('id', '=', cy.memberId).execute();
    assert.equal((await server.client().get('/@cy/bookmarks')).status, 401);
    await getJson(server, null, '/api/v1/people/cy/bookmarks', 401);
    assert.ok((await getJson(server, bo, '/api/v1/people/cy/bookmarks')).bookmarks.some((b: Json) => b.title === 'From cy'));
    await server.services.database.db.updateTable('members').set({ profile_visibility: 'public' }).where('id', '=', cy.memberId).execute();
    await getJson(server, null, '/api/v1/people/nobody/bookmarks', 404);
    // The list and its pages need signing in.
    const visitor = await server.client().get('/bookmarks');
    assert.equal(visitor.status, 303);
    assert.match(visitor.location ?? '', /^\/login\?next=/);
  });

  test('a public bookmark of a post that stops being visible leaves the public list', async () => {
    const post = await cy.post('A public post about library advocacy days');
    const { bookmark } = await create(bo, { postId: post.id, visibility: 'public' });
    assert.ok((await getJson(server, null, '/api/v1/people/bo/bookmarks')).bookmarks.some((b: Json) => b.id === bookmark.id));
    assert.equal((await cy.api('DELETE', `/api/v1/posts/${post.id}`)).status, 204);
    assert.ok(!(await getJson(server, null, '/api/v1/people/bo/bookmarks')).bookmarks.some((b: Json) => b.id === bookmark.id));
    assert.ok(!(await server.client().get('/@bo/bookmarks')).html.includes('library advocacy days'));
  });
});

describe('pages', () => {
  test('the list, the add form (also prefilled, as the bookmarklet opens it), edit, import; errors next to fields', async () => {
    const empty = await fay.web.get('/bookmarks');
    assert.equal(empty.status, 200);
    assert.match(empty.text('main'), /No bookmarks yet/);
    const prefilled = await ana.web.get(
      `/bookmarks/new?url=${encodeURIComponent('https://prefill.example/page')}&title=${encodeURIComponent('A "quoted" <title>')}`,
    );
    assert.equal(prefilled.status, 200);
    assert.equal(prefilled.document.querySelector('#field-url')?.getAttribute('value'), 'https://prefill.example/page');
    assert.equal(prefilled.document.querySelector('#field-title')?.getAttribute('value'), 'A "quoted" <title>');
    const saved = await ana.web.post('/bookmarks', {
      url: 'https://prefill.example/page',
      title: 'A "quoted" <title>',
      note: 'From the bookmarklet',
      tags: 'bookmarklet, test',
      visibility: 'private',
    });
    assert.equal(saved.status, 303);
    const location = saved.headers.get('location') ?? '';
    assert.match(location, /^\/bookmarks#bookmark-\d+$/);
    const id = Number(location.split('-').at(-1));
    const listed = await ana.web.get('/bookmarks');
    assert.match(listed.text('.notice'), /Bookmark saved/);
    assert.equal(listed.text(`#bookmark-${id} h3`), 'A "quoted" <title>');
    assert.match(listed.text(`#bookmark-${id}`), /From the bookmarklet/);
    // Opening the bookmarklet again on the same page says it is already kept.
    const again = await ana.web.get(`/bookmarks/new?url=${encodeURIComponent('https://prefill.example/page#x')}`);
    assert.match(again.text('.callout'), /You bookmarked this page on/);
    const merged = await ana.web.post('/bookmarks', {
      url: 'https://prefill.example/page',
      title: '',
      note: '',
      tags: 'more',
      visibility: 'private',
    });
    assert.equal(merged.status, 303);
    assert.match((await ana.web.get('/bookmarks')).text('.notice'), /already bookmarked this page/);

    const edit = await ana.web.get(`/bookmarks/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.equal(edit.document.querySelector('#field-tags')?.getAttribute('value'), 'bookmarklet, more, test');
    const tooLong = await ana.web.post(`/bookmarks/${id}/edit`, { title: 'ok', note: '', tags: '???', visibility: 'private' });
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.text('#field-tags-error'), /needs letters or digits/);
    assert.equal((await bo.web.get(`/bookmarks/${id}/edit`)).status, 404);
    assert.equal((await bo.web.post(`/bookmarks/${id}/delete`, {})).status, 404);

    const importPage = await ana.web.get('/bookmarks/import');
    assert.equal(importPage.status, 200);
    const bookmarklet = importPage.document.querySelector('a[data-bookmarklet]')?.getAttribute('href') ?? '';
    assert.match(bookmarklet, /^javascript:/);
    assert.ok(bookmarklet.includes(`${server.url}/bookmarks/new`));
    assert.match(bookmarklet, /encodeURIComponent\(location\.href\)/);
    assert.match(bookmarklet, /encodeURIComponent\(document\.title\)/);
    for (const format of ['html', 'csv', 'json'])
      assert.ok(importPage.document.querySelector(`a[href="/bookmarks/export.${format}"]`), format);
    // The API is in the OpenAPI document, the import with both of its body types.
    const doc = await getJson(server, null, '/api/v1/openapi.json');
    for (const path of [
      '/api/v1/curation/bookmarks',
      '/api/v1/curation/bookmarks/{id}',
      '/api/v1/curation/bookmarks/tags',
      '/api/v1/curation/bookmarks/export.csv',
      '/api/v1/people/{handle}/bookmarks',
    ])
      assert.ok(doc.paths[path], path);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/curation/bookmarks/import'].post.requestBody.content).sort(), [
      'multipart/form-data',
      'text/html',
    ]);
    // A visitor is sent to sign in, and comes back to the prefilled form.
    const visitor = await server.client().get('/bookmarks/new?url=https%3A%2F%2Fx.example%2F');
    assert.equal(visitor.status, 303);
    assert.equal(visitor.location, `/login?next=${encodeURIComponent('/bookmarks/new?url=https%3A%2F%2Fx.example%2F')}`);
  });
});
