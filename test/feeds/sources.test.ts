import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer, rss } from './feed-server.ts';

let server: TestServer;
let feeds: FeedServer;
let ana: Member;
let bo: Member;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  ({ ana, bo } = await createMembers(server, ['ana', 'bo']));
});
after(async () => {
  await server.close();
  await feeds.close();
});

/** Day `n` of the thirty days up to now (day(30) is now), as a feed writes dates: recent items, whenever the tests run. */
const day = (n: number) => new Date(Date.now() - (30 - n) * 86_400_000).toUTCString();

describe('subscribing and reading', () => {
  test('subscribe by site URL (discovery through <link rel=alternate>), items in the river, fetched once for two members', async () => {
    const feedUrl = feeds.set('/blog/feed.xml', {
      headers: { 'content-type': 'application/rss+xml', etag: '"v1"' },
      body: rss('School Library Blog', [
        { title: 'Genrefication, a year on', link: 'https://blog.example/genrefication', date: day(20) },
        { title: 'Banned books week', link: 'https://blog.example/banned', date: day(18) },
      ]),
    });
    feeds.set('/blog/', {
      headers: { 'content-type': 'text/html' },
      body: `<!doctype html><html><head><title>Blog</title><link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml"></head><body>Hi</body></html>`,
    });
    const subscribed = await ana.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/blog/`, folder: 'Libraries' });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.json));
    assert.equal(subscribed.json.feedUrl, feedUrl);
    assert.equal(subscribed.json.title, 'School Library Blog');
    assert.equal(subscribed.json.folder.name, 'Libraries');
    assert.equal(subscribed.json.unread, 2);
    assert.equal(subscribed.json.status, 'active');
    const river = await ana.api('GET', '/api/v1/items');
    assert.deepEqual(
      river.json.items.map((i: Json) => i.title),
      ['Genrefication, a year on', 'Banned books week'],
    );
    assert.equal(river.json.items[0].source.title, 'School Library Blog');
    // bo follows the feed itself: the same source, no new fetch.
    const before = feeds.hits('/blog/feed.xml').length;
    const second = await bo.api('POST', '/api/v1/subscriptions', { url: feedUrl });
    assert.equal(second.status, 201);
    assert.equal(second.json.sourceId, subscribed.json.sourceId);
    assert.equal(feeds.hits('/blog/feed.xml').length, before);
    assert.equal((await bo.api('POST', '/api/v1/subscriptions', { url: feedUrl })).status, 409);
  });

  test('read, star, mark all read, search', async () => {
    const river = await ana.api('GET', '/api/v1/items');
    const [first, second] = river.json.items;
    assert.equal((await ana.api('POST', `/api/v1/items/${first.id}/read`)).status, 204);
    assert.equal((await ana.api('POST', `/api/v1/items/${second.id}/star`)).status, 204);
    const unread = await ana.api('GET', '/api/v1/items?unread=true');
    assert.deepEqual(
      unread.json.items.map((i: Json) => i.id),
      [second.id],
    );
    const starred = await ana.api('GET', '/api/v1/items?scope=starred');
    assert.deepEqual(
      starred.json.items.map((i: Json) => i.id),
      [second.id],
    );
    const found = await ana.api('GET', '/api/v1/items?q=genrefication');
    assert.deepEqual(
      found.json.items.map((i: Json) => i.id),
      [first.id],
    );
    assert.equal((await ana.api('POST', '/api/v1/items/mark-read', { scope: 'all' })).status, 204);
    assert.equal((await ana.api('GET', '/api/v1/items?unread=true')).json.items.length, 0);
    assert.equal((await ana.api('POST', `/api/v1/items/${first.id}/read`)).status, 204);
    assert.equal((await ana.api('DELETE', `/api/v1/items/${first.id}/read`)).status, 204);
    assert.deepEqual(
      (await ana.api('GET', '/api/v1/items?unread=true')).json.items.map((i: Json) => i.id),
      [first.id],
    );
    // bo's marks are his own.
    assert.equal((await bo.api('GET', '/api/v1/items?unread=true')).json.items.length, 2);
  });

  test('refresh: conditional GET, new items once, 404 in plain words, retry', async () => {
    const subs = (await ana.api('GET', '/api/v1/subscriptions')).json.subscriptions;
    const sub = subs[0];
    feeds.set('/blog/feed.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(500).end();
    });
    let refreshed = await ana.api('POST', `/api/v1/subscriptions/${sub.id}/refresh`);
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.json.status, 'active');
    feeds.set('/blog/feed.xml', { status: 404, headers: { 'content-type': 'text/html' }, body: 'gone' });
    refreshed = await ana.api('POST', `/api/v1/subscriptions/${sub.id}/refresh`);
    assert.equal(refreshed.json.status, 'error');
    assert.match(refreshed.json.problem, /The site answered 404 \(not found\) in the last hour\./);
    feeds.set('/blog/feed.xml', {
      body: rss('School Library Blog', [
        { title: 'New: makerspace', link: 'https://blog.example/maker', date: day(21) },
        { title: 'Genrefication, a year on', link: 'https://blog.example/genrefication', date: day(20) },
      ]),
    });
    refreshed = await ana.api('POST', `/api/v1/subscriptions/${sub.id}/refresh`);
    assert.equal(refreshed.json.status, 'active');
    assert.equal(refreshed.json.problem, null);
    const river = await ana.api('GET', '/api/v1/items');
    assert.deepEqual(
      river.json.items.map((i: Json) => i.title),
      ['New: makerspace', 'Genrefication, a year on', 'Banned books week'],
    );
  });
});
