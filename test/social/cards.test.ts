import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { countRows, createMember, getJson, type Member } from './helpers.ts';

/**
 * Link preview cards, fetched by the `social.card` job from a real web server on 127.0.0.1.
 * Loopback is a private address: the fetch is allowed only with FETCH_ALLOW_PRIVATE.
 */
let site: Server;
let siteUrl: string;
const requests: Array<{ path: string; userAgent: string | undefined }> = [];

const PAGES: Record<string, { type: string; body: string }> = {
  '/article': {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>Fallback title</title>
      <meta property="og:title" content="Genrefication, one year on">
      <meta property="og:description" content="What happened to circulation after we shelved by genre.">
      <meta property="og:image" content="/images/shelves.jpg">
      <meta property="og:site_name" content="Library Journal Test"></head><body>Hello</body></html>`,
  },
  '/plain-title': {
    type: 'text/html',
    body: '<html><head><title>  Only a title  </title><meta name="description" content="Plain description"></head></html>',
  },
  '/oembed-page': {
    type: 'text/html',
    body: `<html><head><meta property="og:title" content="A video"><link rel="alternate" type="application/json+oembed" href="/oembed.json"></head></html>`,
  },
  '/oembed.json': {
    type: 'application/json',
    body: JSON.stringify({ title: 'ignored', thumbnail_url: 'https://cdn.example/thumb.jpg', provider_name: 'VideoSite' }),
  },
  '/untitled': { type: 'text/html', body: '<html><head></head><body>No title at all</body></html>' },
  '/data.json': { type: 'application/json', body: '{"title":"not a page"}' },
  '/other': { type: 'text/html', body: '<html><head><meta property="og:title" content="The other page"></head></html>' },
};

let allowed: TestServer;
let guarded: TestServer;
let ana: Member;
let bo: Member;
before(async () => {
  site = createServer((req: IncomingMessage, res) => {
    requests.push({ path: req.url ?? '', userAgent: req.headers['user-agent'] });
    const page = PAGES[req.url ?? ''];
    if (!page) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': page.type }).end(page.body);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  allowed = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1/32' } });
  guarded = await startTestServer();
  ana = await createMember(allowed, 'ana');
  bo = await createMember(guarded, 'bo');
});
after(async () => {
  await allowed.close();
  await guarded.close();
  await new Promise((resolve) => site.close(resolve));
});

const fetched = (path: string) => requests.filter((r) => r.path === path).length;

describe('link preview cards', () => {
  test('a post with a link gets a card (title, description, image, site) once the social.card job runs', async () => {
    const post = await ana.post(`Worth reading: ${siteUrl}/article and ${siteUrl}/other`);
    assert.equal(post.card, null, 'no card before the job');
    assert.equal(fetched('/article'), 0, 'nothing is fetched while posting');
    assert.ok((await allowed.services.jobs.drain()) >= 1);
    const read = await getJson(allowed, null, `/api/v1/posts/${post.id}`);
    assert.deepEqual(read.card, {
      url: `${siteUrl}/article`,
      title: 'Genrefication, one year on',
      description: 'What happened to circulation after we shelved by genre.',
      imageUrl: `${siteUrl}/images/shelves.jpg`,
      siteName: 'Library Journal Test',
    });
    assert.equal(fetched('/article'), 1);
    assert.equal(fetched('/other'), 0, 'only the first link gets a card');
    // An honest User-Agent naming the software and the site (the test server's address is only known after it starts).
    assert.match(requests.find((r) => r.path === '/article')!.userAgent!, /^Commonroom\/\d+\.\d+\.\d+ \(\+https?:\/\/\S+\)$/);

    const page = await allowed.client().get(`/@ana/${post.id}`);
    const card = page.document.querySelector(`#post-${post.id} a.card`);
    assert.ok(card, 'the post page shows the card');
    assert.equal(card.getAttribute('href'), `${siteUrl}/article`);
    assert.equal(card.querySelector('strong')?.textContent, 'Genrefication, one year on');

    // The same link again reuses the card without fetching.
    const again = await ana.post(`Again: ${siteUrl}/article`);
    await allowed.services.jobs.drain();
    assert.equal((await getJson(allowed, null, `/api/v1/posts/${again.id}`)).card.title, 'Genrefication, one year on');
    assert.equal(fetched('/article'), 1);
  });

  test('fallbacks: <title> and meta description; oEmbed for a missing image; no card without a title or for non-HTML', async () => {
    const plain = await ana.post(`${siteUrl}/plain-title`);
    const video = await ana.post(`${siteUrl}/oembed-page`);
    const untitled = await ana.post(`${siteUrl}/untitled`);
    const json = await ana.post(`${siteUrl}/data.json`);
    const missing = await ana.post(`${siteUrl}/missing`);
    await allowed.services.jobs.drain();
    const card = async (id: number) => (await getJson(allowed, null, `/api/v1/posts/${id}`)).card;
    assert.deepEqual(await card(plain.id), {
      url: `${siteUrl}/plain-title`,
      title: 'Only a title',
      description: 'Plain description',
      imageUrl: null,
      siteName: '127.0.0.1',
    });
    assert.deepEqual(await card(video.id), {
      url: `${siteUrl}/oembed-page`,
      title: 'A video',
      description: null,
      imageUrl: 'https://cdn.example/thumb.jpg',
      siteName: 'VideoSite',
    });
    for (const post of [untitled, json, missing]) assert.equal(await card(post.id), null);
    assert.equal(fetched('/oembed.json'), 1);
    assert.equal(await countRows(allowed, 'link_cards', ['status', 'failed']), 3);
  });

  test('editing the link replaces the card; deleting the post before the job fetches nothing', async () => {
    const post = await ana.post(`${siteUrl}/article`);
    await allowed.services.jobs.drain();
    assert.equal((await getJson(allowed, null, `/api/v1/posts/${post.id}`)).card.title, 'Genrefication, one year on');
    const edited = await ana.api('PATCH', `/api/v1/posts/${post.id}`, { text: `Changed my mind: ${siteUrl}/other` });
    assert.equal(edited.status, 200);
    assert.equal(edited.json.card, null, 'the old card no longer describes the post');
    await allowed.services.jobs.drain();
    assert.equal((await getJson(allowed, null, `/api/v1/posts/${post.id}`)).card.title, 'The other page');
    const noLink = await ana.api('PATCH', `/api/v1/posts/${post.id}`, { text: 'No link any more' });
    assert.equal(noLink.json.card, null);

    const before = requests.length;
    const gone = await ana.post(`${siteUrl}/plain-title?deleted`);
    assert.equal((await ana.api('DELETE', `/api/v1/posts/${gone.id}`)).status, 204);
    await allowed.services.jobs.drain();
    assert.equal(requests.length, before);
  });

  test('without the allow-list a loopback link is refused: no card, and the site never sees a request', async () => {
    const before = requests.length;
    const port = (site.address() as AddressInfo).port;
    const links = [
      `${siteUrl}/article`,
      `http://localhost:${port}/article`,
      `http://[::1]:${port}/article`,
      `http://127.1:${port}/article`,
    ];
    const ids = [];
    for (const link of links) ids.push((await bo.post(`Sneaky ${link}`)).id);
    // Each post also queues its (here empty) federation delivery job.
    assert.ok((await guarded.services.jobs.drain()) >= links.length);
    assert.equal(
      (await guarded.services.database.db.selectFrom('jobs').select('id').where('kind', '=', 'social.card').execute()).length,
      0,
    );
    for (const id of ids) assert.equal((await getJson(guarded, null, `/api/v1/posts/${id}`)).card, null);
    assert.equal(requests.length, before, `the site saw ${JSON.stringify(requests.slice(before))}`);
    const rows = await guarded.services.database.db.selectFrom('link_cards').select(['url', 'status']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => r.status),
      links.map(() => 'failed'),
    );
  });
});
