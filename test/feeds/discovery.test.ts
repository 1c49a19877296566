import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer, rss } from './feed-server.ts';
import { allItems, atom, subscribe } from './support.ts';

/**
 * From what a member pastes to the feed behind it: Mastodon profiles and tags, pages naming
 * one or several feeds (the member chooses), JSON Feed and Atom, the usual feed paths.
 */

let server: TestServer;
let feeds: FeedServer;
let ana: Member;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  ({ ana } = await createMembers(server, ['ana']));
});
after(async () => {
  await server.close();
  await feeds.close();
});

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const ATOM = { 'content-type': 'application/atom+xml; charset=utf-8' };
const JSON_FEED = { 'content-type': 'application/feed+json' };

const page = (head: string, base = '') =>
  `<!doctype html><html><head><title>A page</title>${base}${head}</head><body><p>Hello</p></body></html>`;

function jsonFeed(title: string, items: Array<{ id: string; title: string }>): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title,
    home_page_url: 'https://json.example/',
    items: items.map((i) => ({ ...i, content_text: `${i.title}, the text`, date_published: '2026-11-01T10:00:00Z' })),
  });
}

describe('discovery', () => {
  test('a Mastodon profile /@user is followed through /@user.rss; a tag page through /tags/x.rss', async () => {
    feeds.set('/@librarian', { headers: HTML, body: page('') });
    feeds.set('/@librarian.rss', {
      headers: RSS,
      body: rss('Librarian (@librarian@social.example)', [
        { title: 'A toot', link: 'https://social.example/@librarian/1', guid: 'https://social.example/@librarian/1' },
      ]),
    });
    const sub = await subscribe(ana, `${feeds.url}/@librarian`);
    assert.equal(sub.feedUrl, `${feeds.url}/@librarian.rss`);
    assert.equal(sub.title, 'Librarian (@librarian@social.example)');
    assert.equal(feeds.hits('/@librarian').length, 0, 'the profile page itself was not needed');
    assert.deepEqual(
      (await allItems(ana, `scope=source:${sub.id}`)).map((i: Json) => i.title),
      ['A toot'],
    );
    feeds.set('/tags/tlchat.rss', { headers: RSS, body: rss('#tlchat', [{ title: 'Tagged', guid: 'tag-1' }]) });
    const tag = await subscribe(ana, `${feeds.url}/tags/tlchat`);
    assert.equal(tag.feedUrl, `${feeds.url}/tags/tlchat.rss`);
    // The same profile pasted again is the same source.
    const again = await ana.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/@librarian` });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'already_subscribed');
  });

  test('an /@user page on a site with no /@user.rss is read for the feeds it names', async () => {
    feeds.set('/@writer', {
      headers: HTML,
      body: page('<link rel="alternate" type="application/rss+xml" title="Writer" href="/feed/@writer">'),
    });
    feeds.set('/feed/@writer', { headers: RSS, body: rss('Writer on a blog platform', [{ title: 'An essay', guid: 'essay-1' }]) });
    const sub = await subscribe(ana, `${feeds.url}/@writer`);
    assert.equal(sub.feedUrl, `${feeds.url}/feed/@writer`);
    assert.equal(sub.title, 'Writer on a blog platform');
  });

  test('a page naming several feeds: 409 choose_feed with the choices; subscribing to one of them works', async () => {
    feeds.set('/multi/', {
      headers: HTML,
      body: page(`
        <link rel="alternate" type="application/rss+xml" title="Posts (RSS)" href="posts.rss">
        <link rel="alternate" type="application/atom+xml" title="Posts (Atom)" href="https://elsewhere.invalid/atom.xml">
        <link rel="alternate" type="application/feed+json" title="Posts (JSON)" href="/multi/feed.json">
        <link rel="alternate" type="application/rss+xml" title="Comments" href="comments.rss">
        <link rel="alternate" type="application/rss+xml" title="Posts again" href="posts.rss">
        <link rel="stylesheet" type="text/css" href="style.css">
        <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
        <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">`),
    });
    feeds.set('/multi/posts.rss', { headers: RSS, body: rss('Multi posts', [{ title: 'Post one', guid: 'multi-1' }]) });
    feeds.set('/multi/feed.json', { headers: JSON_FEED, body: jsonFeed('Multi JSON', [{ id: 'j-1', title: 'JSON one' }]) });
    const res = await ana.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/multi/` });
    assert.equal(res.status, 409, JSON.stringify(res.json));
    assert.equal(res.json.error.code, 'choose_feed');
    assert.equal(res.json.error.message, 'This page offers 4 feeds: choose one.');
    assert.deepEqual(res.json.choices, [
      { url: `${feeds.url}/multi/posts.rss`, title: 'Posts (RSS)', format: 'rss' },
      { url: 'https://elsewhere.invalid/atom.xml', title: 'Posts (Atom)', format: 'atom' },
      { url: `${feeds.url}/multi/feed.json`, title: 'Posts (JSON)', format: 'json' },
      { url: `${feeds.url}/multi/comments.rss`, title: 'Comments', format: 'rss' },
    ]);
    assert.equal(
      (await ana.api('GET', '/api/v1/subscriptions')).json.subscriptions.filter((s: Json) => s.feedUrl.includes('/multi/')).length,
      0,
      'nothing followed yet',
    );
    // The discovery endpoint lists the same.
    const discovered = await ana.api('POST', '/api/v1/feeds/discover', { url: `${feeds.url}/multi/` });
    assert.equal(discovered.status, 200);
    assert.deepEqual(discovered.json.feeds, res.json.choices);
    // Choose: the JSON one, then the RSS one.
    const json = await subscribe(ana, res.json.choices[2].url);
    assert.equal(json.feedUrl, `${feeds.url}/multi/feed.json`);
    assert.equal(json.title, 'Multi JSON');
    const posts = await subscribe(ana, res.json.choices[0].url, { folder: 'Chosen' });
    assert.equal(posts.title, 'Multi posts');
    assert.equal(posts.folder.name, 'Chosen');
    assert.deepEqual(
      (await allItems(ana, `scope=source:${posts.id}`)).map((i: Json) => i.title),
      ['Post one'],
    );
  });

  test('JSON Feed and Atom are found through a page, at their own address, and at the usual paths', async () => {
    // Through <link rel="alternate">, relative to <base href>.
    feeds.set('/jsonsite/', {
      headers: HTML,
      body: page('<link rel="alternate" type="application/feed+json" title="JSON" href="feeds/all.json">', '<base href="/jsonsite/v2/">'),
    });
    feeds.set('/jsonsite/v2/feeds/all.json', { headers: JSON_FEED, body: jsonFeed('JSON site', [{ id: 'js-1', title: 'From JSON' }]) });
    const viaPage = await subscribe(ana, `${feeds.url}/jsonsite/`);
    assert.equal(viaPage.feedUrl, `${feeds.url}/jsonsite/v2/feeds/all.json`);
    assert.equal(viaPage.title, 'JSON site');
    assert.deepEqual(
      (await allItems(ana, `scope=source:${viaPage.id}`)).map((i: Json) => i.title),
      ['From JSON'],
    );

    feeds.set('/atomsite/', { headers: HTML, body: page('<link rel="alternate" type="application/atom+xml" href="/atomsite/atom.xml">') });
    feeds.set('/atomsite/atom.xml', {
      headers: ATOM,
      body: atom('Atom site', [{ id: 'urn:a:1', title: 'From Atom', link: 'https://atom.example/1', updated: '2026-11-02T10:00:00Z' }]),
    });
    const atomSub = await subscribe(ana, `${feeds.url}/atomsite/`);
    assert.equal(atomSub.feedUrl, `${feeds.url}/atomsite/atom.xml`);
    assert.equal(atomSub.title, 'Atom site');
    const [entry] = await allItems(ana, `scope=source:${atomSub.id}`);
    assert.equal(entry.title, 'From Atom');
    assert.equal(entry.url, 'https://atom.example/1');

    // Their own addresses, served with a vague content type.
    feeds.set('/direct.json', {
      headers: { 'content-type': 'application/json' },
      body: jsonFeed('Direct JSON', [{ id: 'd-1', title: 'Direct' }]),
    });
    feeds.set('/direct.atom', {
      headers: { 'content-type': 'text/xml' },
      body: atom('Direct Atom', [
        { id: 'urn:d:1', title: 'Direct entry', link: 'https://atom.example/d', updated: '2026-11-03T10:00:00Z' },
      ]),
    });
    assert.equal((await subscribe(ana, `${feeds.url}/direct.json`)).title, 'Direct JSON');
    assert.equal((await subscribe(ana, `${feeds.url}/direct.atom`)).title, 'Direct Atom');

    // A page naming nothing, on a site with a feed at a usual path.
    feeds.set('/', { headers: HTML, body: page('') });
    feeds.set('/feed.json', { headers: JSON_FEED, body: jsonFeed('Usual path JSON', [{ id: 'u-1', title: 'Found at /feed.json' }]) });
    const usual = await subscribe(ana, `${feeds.url}/`);
    assert.equal(usual.feedUrl, `${feeds.url}/feed.json`);
    assert.equal(usual.title, 'Usual path JSON');
  });

  test('a page naming one feed that is broken says so at once, and follows nothing', async () => {
    feeds.set('/brokenlink/', {
      headers: HTML,
      body: page('<link rel="alternate" type="application/rss+xml" href="/brokenlink/missing.xml">'),
    });
    const res = await ana.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/brokenlink/` });
    assert.equal(res.status, 422, JSON.stringify(res.json));
    assert.equal(
      res.json.error.message,
      `Could not read the feed ${feeds.url}/brokenlink/ names (${feeds.url}/brokenlink/missing.xml): the site answered 404 (not found).`,
    );
    assert.ok(!(await ana.api('GET', '/api/v1/subscriptions')).json.subscriptions.some((s: Json) => s.feedUrl.includes('/brokenlink/')));
  });
});
