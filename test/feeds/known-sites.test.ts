import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createTestCa, loopbackAddress, mapHosts, type TestCa, trustCa } from '../support/tls.ts';
import { allItems, subscribe } from './support.ts';

/**
 * Discovery of the sites whose feeds live at addresses a page does not name: a Bluesky
 * profile (bsky.app/profile/<handle> → …/rss) and YouTube channels and playlists
 * (→ /feeds/videos.xml?channel_id=…), plus a YouTube /@handle page, which names its feed.
 * bsky.app, www.youtube.com and youtube.com are played by one HTTPS server on a loopback
 * address, with a certificate from a throw-away CA (test/support/tls.ts): discovery runs
 * unchanged, at its real addresses, and nothing leaves the machine.
 */

const ADDRESS = loopbackAddress(90);
const HOSTS = ['bsky.app', 'www.youtube.com', 'youtube.com'];

let ca: TestCa;
let site: Server;
const restore: Array<() => void> = [];
const requests: string[] = [];
const routes = new Map<string, { type: string; body: string }>();
let server: TestServer;
let ana: Member;

before(async () => {
  ca = createTestCa();
  const { key, cert } = ca.issue(HOSTS);
  site = createServer({ key, cert }, (req: IncomingMessage, res: ServerResponse) => {
    const url = `https://${req.headers.host}${req.url}`;
    requests.push(url);
    const route = routes.get(url);
    if (!route) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>Not found</title>');
    res.writeHead(200, { 'content-type': route.type }).end(route.body);
  });
  await new Promise<void>((resolve, reject) => site.once('error', reject).listen(443, ADDRESS, resolve));
  restore.push(trustCa(ca.certPem));
  restore.push(mapHosts(Object.fromEntries(HOSTS.map((host) => [host, ADDRESS]))));
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: ADDRESS } });
  ({ ana } = await createMembers(server, ['ana']));
});

after(async () => {
  await server?.close();
  for (const undo of restore.reverse()) undo();
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
  ca?.cleanup();
});

const DAY = 86_400_000;
/** Bluesky writes dates without a weekday or seconds: "09 Jan 2024 15:52 +0000". */
function blueskyDate(ms: number): string {
  const d = new Date(ms);
  const month = d.toUTCString().slice(8, 11);
  return `${String(d.getUTCDate()).padStart(2, '0')} ${month} ${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} +0000`;
}

/** A Bluesky profile feed as bsky.app serves it: posts without titles, AT URIs as guids. */
function blueskyRss(handle: string, did: string, posts: Array<{ rkey: string; text: string; at: number }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<description>School librarian. Graphic novels, makerspaces, #tlchat.</description>
<link>https://bsky.app/profile/${did}</link>
<title>@${handle} - Mira Librarian</title>
${posts
  .map(
    (p) => `<item>
<link>https://bsky.app/profile/${did}/post/${p.rkey}</link>
<description>${p.text}</description>
<pubDate>${blueskyDate(p.at)}</pubDate>
<guid isPermaLink="false">at://${did}/app.bsky.feed.post/${p.rkey}</guid>
</item>`,
  )
  .join('\n')}
</channel>
</rss>`;
}

/** YouTube's dates: to the second, with an offset ("2024-01-09T16:00:03+00:00"). */
const youtubeDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');

/** A YouTube channel or playlist feed: Atom with the yt: and media: namespaces. */
function youtubeAtom(channelId: string, name: string, videos: Array<{ id: string; title: string; at: number }>, self: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="${self.replace(/&/g, '&amp;')}"/>
 <id>yt:channel:${channelId}</id>
 <yt:channelId>${channelId}</yt:channelId>
 <title>${name}</title>
 <link rel="alternate" href="https://www.youtube.com/channel/${channelId}"/>
 <author>
  <name>${name}</name>
  <uri>https://www.youtube.com/channel/${channelId}</uri>
 </author>
 <published>${youtubeDate(videos.at(-1)!.at - 300 * DAY)}</published>
${videos
  .map(
    (v) => ` <entry>
  <id>yt:video:${v.id}</id>
  <yt:videoId>${v.id}</yt:videoId>
  <yt:channelId>${channelId}</yt:channelId>
  <title>${v.title}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=${v.id}"/>
  <author>
   <name>${name}</name>
   <uri>https://www.youtube.com/channel/${channelId}</uri>
  </author>
  <published>${youtubeDate(v.at)}</published>
  <updated>${youtubeDate(v.at + DAY / 2)}</updated>
  <media:group>
   <media:title>${v.title}</media:title>
   <media:content url="https://www.youtube.com/v/${v.id}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i1.ytimg.com/vi/${v.id}/hqdefault.jpg" width="480" height="360"/>
   <media:description>${v.title}: the video's description.</media:description>
   <media:community>
    <media:starRating count="12" average="5.00" min="1" max="5"/>
    <media:statistics views="345"/>
   </media:community>
  </media:group>
 </entry>`,
  )
  .join('\n')}
</feed>`;
}

const RSS = 'text/xml; charset=utf-8';
const ATOM = 'text/xml; charset=UTF-8';
const HTML = 'text/html; charset=utf-8';

describe('Bluesky and YouTube', () => {
  test('a Bluesky profile (by handle or by DID, with or without https://) is followed through its /rss feed', async () => {
    const now = Date.now();
    const did = 'did:plc:z72i7hdynmk6r22z27h6tvur';
    const feed = blueskyRss('mira.bsky.social', did, [
      { rkey: '3kbnvlzbc2k2a', text: 'Our #tlchat tonight: makerspaces on no budget.', at: now - 2 * DAY },
      { rkey: '3kbmr6zfyoc2b', text: 'New graphic novels shelf is up &amp; the kids found it before I finished.', at: now - 3 * DAY },
    ]);
    routes.set('https://bsky.app/profile/mira.bsky.social/rss', { type: RSS, body: feed });
    routes.set(`https://bsky.app/profile/${did}/rss`, { type: RSS, body: feed });

    const found = await ana.api('POST', '/api/v1/feeds/discover', { url: 'https://bsky.app/profile/mira.bsky.social' });
    assert.equal(found.status, 200, JSON.stringify(found.json));
    assert.deepEqual(found.json.feeds, [
      { url: 'https://bsky.app/profile/mira.bsky.social/rss', title: '@mira.bsky.social - Mira Librarian', format: 'rss' },
    ]);
    assert.ok(!requests.includes('https://bsky.app/profile/mira.bsky.social'), 'the profile page itself was not needed');

    const sub = await subscribe(ana, 'bsky.app/profile/mira.bsky.social/');
    assert.equal(sub.feedUrl, 'https://bsky.app/profile/mira.bsky.social/rss');
    assert.equal(sub.title, '@mira.bsky.social - Mira Librarian');
    const items = await allItems(ana, `scope=source:${sub.id}`);
    assert.deepEqual(
      items.map((i: Json) => i.url),
      [`https://bsky.app/profile/${did}/post/3kbnvlzbc2k2a`, `https://bsky.app/profile/${did}/post/3kbmr6zfyoc2b`],
    );
    assert.match(items[0].contentHtml, /makerspaces on no budget/);
    assert.match(items[1].contentHtml, /graphic novels shelf is up &amp; the kids/);
    // Bluesky's dates (no weekday, no seconds) are read: the minute is right.
    assert.equal(Date.parse(items[0].publishedAt), Math.floor((now - 2 * DAY) / 60_000) * 60_000);

    const byDid = await ana.api('POST', '/api/v1/feeds/discover', { url: `https://bsky.app/profile/${did}` });
    assert.equal(byDid.json.feeds[0].url, `https://bsky.app/profile/${did}/rss`);
  });

  test('a YouTube channel, a playlist and a /@handle page are followed through their feeds', async () => {
    const now = Date.now();
    const channelId = 'UCsT0YIqwnpJCM-mx7-gSA4Q';
    const feedUrl = `https://www.youtube.com/feeds/videos.xml?channel_id=${channelId}`;
    const videos = [
      { id: 'dQw4w9WgXcQ', title: 'Booktalks that hook reluctant readers', at: now - DAY },
      { id: 'kJQP7kiw5Fk', title: 'Five-minute makerspace: paper circuits', at: now - 8 * DAY },
    ];
    routes.set(feedUrl, { type: ATOM, body: youtubeAtom(channelId, 'Library Makers', videos, feedUrl) });

    // Pasted without https:// and without www: the channel's feed, at www.youtube.com.
    const sub = await subscribe(ana, `youtube.com/channel/${channelId}`);
    assert.equal(sub.feedUrl, feedUrl);
    assert.equal(sub.title, 'Library Makers');
    assert.ok(!requests.some((r) => r.includes(`/channel/${channelId}`)), 'the channel page itself was not needed');
    const items = await allItems(ana, `scope=source:${sub.id}`);
    assert.deepEqual(
      items.map((i: Json) => [i.title, i.url]),
      videos.map((v) => [v.title, `https://www.youtube.com/watch?v=${v.id}`]),
    );
    assert.equal(Date.parse(items[0].publishedAt), Math.floor((now - DAY) / 1000) * 1000);

    // A playlist.
    const playlist = 'PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf';
    const playlistFeed = `https://www.youtube.com/feeds/videos.xml?playlist_id=${playlist}`;
    routes.set(playlistFeed, { type: ATOM, body: youtubeAtom(channelId, 'Storytime favourites', videos.slice(0, 1), playlistFeed) });
    const found = await ana.api('POST', '/api/v1/feeds/discover', { url: `https://www.youtube.com/playlist?list=${playlist}` });
    assert.equal(found.status, 200, JSON.stringify(found.json));
    assert.deepEqual(
      found.json.feeds.map((f: Json) => f.url),
      [playlistFeed],
    );

    // A /@handle page (not a Mastodon profile): the page names the channel's feed.
    routes.set('https://www.youtube.com/@librarymakers', {
      type: HTML,
      body: `<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8"><title>Library Makers - YouTube</title>
<link rel="canonical" href="https://www.youtube.com/channel/${channelId}">
<link rel="alternate" type="application/rss+xml" title="RSS" href="${feedUrl}">
<meta property="og:title" content="Library Makers"></head><body><div id="content"></div></body></html>`,
    });
    const handle = await ana.api('POST', '/api/v1/feeds/discover', { url: 'https://www.youtube.com/@librarymakers' });
    assert.equal(handle.status, 200, JSON.stringify(handle.json));
    assert.deepEqual(
      handle.json.feeds.map((f: Json) => [f.url, f.title]),
      [[feedUrl, 'Library Makers']],
    );
    assert.ok(!requests.includes('https://www.youtube.com/@librarymakers.rss'), 'not taken for a Mastodon profile');
  });
});
