import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, eventually, follow, getJson, SseStream, type Json, type Member, type SseEvent } from './helpers.ts';

let server: TestServer;
let ana: Member;
let bo: Member;
let cy: Member;
before(async () => {
  server = await startTestServer();
  ({ ana, bo, cy } = await createMembers(server, ['ana', 'bo', 'cy']));
  await follow(ana, bo);
  await follow(cy, ana);
});
after(() => server.close());

const streamUrl = (timeline?: string) => `${server.url}/api/v1/streaming${timeline ? `?timeline=${encodeURIComponent(timeline)}` : ''}`;
const cookieOf = (who: Member) => ({ cookie: [...who.web.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });

describe('live updates (Server-Sent Events)', () => {
  test('a post by someone you follow reaches your open home stream as it is made, as Post JSON', async () => {
    const stream = await SseStream.open(streamUrl('home'), ana.auth);
    try {
      const post = await bo.post('Live from the reference desk #livetag');
      // Pushed on the stream already open: the reader asks for nothing more.
      const event = await stream.nextPost(post.id);
      const data = JSON.parse(event.data);
      assert.equal(event.id, String(post.id));
      assert.equal(data.text, 'Live from the reference desk #livetag');
      assert.equal(data.author.handle, 'bo');
      assert.deepEqual(data.mine, { own: false, liked: false, boosted: false, bookmarked: false, pinned: false });
      // A boost by someone ana follows arrives as the boosted post, with who boosted it.
      const other = await cy.post('Something bo will boost');
      assert.equal((await bo.api('POST', `/api/v1/posts/${other.id}/boost`)).status, 204);
      const boost = JSON.parse((await stream.nextPost(other.id)).data);
      assert.equal(boost.boostedBy.actor.handle, 'bo');
      // A deletion is announced by id.
      assert.equal((await bo.api('DELETE', `/api/v1/posts/${post.id}`)).status, 204);
      const deleted = await stream.next((e) => e.event === 'delete');
      assert.deepEqual(JSON.parse(deleted.data), { id: post.id });
      // Nothing from someone ana does not follow.
      const stranger = await cy.post('Not for ana’s home');
      const own = await ana.post('Ana’s own post');
      await stream.nextPost(own.id);
      assert.ok(!stream.postIds().includes(stranger.id));
    } finally {
      stream.close();
    }
  });

  test('the notification count arrives on the stream, and goes down when read', async () => {
    // Reading what earlier tests left is announced too: wait for that before counting, or its
    // event (late on PostgreSQL's LISTEN/NOTIFY) is counted after the mention below.
    const stream = await SseStream.open(streamUrl(), ana.auth);
    try {
      assert.equal((await ana.api('POST', '/api/v1/notifications/read')).status, 204);
      await stream.next((e) => e.event === 'notifications' && JSON.parse(e.data).unread === 0, 1000);
      const fresh = stream.events.length;
      const counted = (unread: number) => (e: SseEvent) => stream.events.indexOf(e) >= fresh && e.event === 'notifications' && JSON.parse(e.data).unread === unread;
      await bo.post('Hello @ana');
      await stream.next(counted(1), 1000);
      const post = await ana.post('Like this');
      assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
      await stream.next(counted(2));
      assert.equal((await ana.api('POST', '/api/v1/notifications/read')).status, 204);
      await stream.next(counted(0));
      assert.deepEqual(stream.data('notifications').map((d: Json) => d.unread), [0, 1, 2, 0]);
      assert.deepEqual(stream.postIds(), [], 'no timeline asked for, no posts');
    } finally {
      stream.close();
    }
  });

  test('the page stream (/live) sends ready-made post HTML for local and hashtag timelines', async () => {
    const local = await SseStream.open(`${server.url}/live?timeline=local&back=%2Flocal`, cookieOf(cy));
    const tag = await SseStream.open(`${server.url}/live?timeline=tag:livetag`);
    try {
      const post = await bo.post('On the local timeline #LiveTag');
      const reply = await bo.post('A reply is not on local', { replyToId: post.id });
      const fromLocal = JSON.parse((await local.nextPost(post.id)).data);
      assert.equal(fromLocal.key, `${post.id}:`);
      assert.equal(fromLocal.author, 'Bo');
      assert.match(fromLocal.html, new RegExp(`<article class="post" id="post-${post.id}"`));
      assert.match(fromLocal.html, /On the local timeline/);
      assert.match(fromLocal.html, /name="back" value="\/local"/);
      await tag.nextPost(post.id);
      const later = await bo.post('Later, to be sure the reply was not sent');
      await local.nextPost(later.id);
      assert.ok(!local.postIds().includes(reply.id));
    } finally {
      local.close();
      tag.close();
    }
  });

  test('a deletion reaches only readers who could have seen the post', async () => {
    const anonymous = await SseStream.open(streamUrl('local'));
    const follower = await SseStream.open(streamUrl('home'), ana.auth);
    const stranger = await SseStream.open(streamUrl('local'), cy.auth);
    try {
      const hidden = await bo.post('For followers only, then gone', { visibility: 'followers' });
      const open = await bo.post('For everyone, then gone');
      assert.equal((await bo.api('DELETE', `/api/v1/posts/${hidden.id}`)).status, 204);
      assert.equal((await bo.api('DELETE', `/api/v1/posts/${open.id}`)).status, 204);
      for (const stream of [anonymous, follower, stranger]) await stream.next((e) => e.event === 'delete' && JSON.parse(e.data).id === open.id);
      assert.deepEqual(follower.data('delete'), [{ id: hidden.id }, { id: open.id }]);
      assert.deepEqual(anonymous.data('delete'), [{ id: open.id }]);
      assert.deepEqual(stranger.data('delete'), [{ id: open.id }]);
    } finally {
      for (const stream of [anonymous, follower, stranger]) stream.close();
    }
  });

  test('refused streams: home without signing in, unknown timelines, private lists', async () => {
    const list = await ana.api('POST', '/api/v1/lists', { name: 'Private', visibility: 'private' });
    const cases: Array<[string, Record<string, string>, number]> = [
      [streamUrl('home'), {}, 401],
      [streamUrl('everything'), {}, 400],
      [streamUrl('tag:'), {}, 400],
      [streamUrl('list:999999'), ana.auth, 404],
      [streamUrl(`list:${list.json.id}`), bo.auth, 404],
      // The page stream sends a signed-out browser to the sign-in page instead.
      [`${server.url}/live?timeline=home`, {}, 303],
      [`${server.url}/live?timeline=nope`, {}, 400],
    ];
    for (const [url, headers, status] of cases) {
      const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, redirect: 'manual' });
      assert.equal(res.status, status, url);
      await res.body?.cancel();
    }
    const mine = await SseStream.open(streamUrl(`list:${list.json.id}`), ana.auth);
    mine.close();
  });

  test('clients that disconnect mid-stream do not break the server; their listeners go away', async () => {
    await eventually(() => server.services.events.listenerCount === 0, 3000, 'listeners of earlier tests to go');
    const streams = [];
    for (let i = 0; i < 5; i++) streams.push(await SseStream.open(streamUrl('home'), [ana, bo, cy][i % 3]!.auth));
    const during = server.services.events.listenerCount;
    assert.equal(during, 5 * 3, 'home, post changes and notifications for each');
    // Events are flowing when the clients go away.
    const writing = (async () => {
      for (let i = 0; i < 10; i++) await bo.post(`Busy ${i} @ana`);
    })();
    await streams[0]!.next((e) => e.event === 'post');
    for (const s of streams) s.close();
    await writing;
    await eventually(() => server.services.events.listenerCount === 0, 3000, 'the listeners to be removed');
    // The server carries on: requests work, and a new stream gets new posts.
    assert.equal((await getJson(server, ana, '/api/v1/timelines/home')).posts[0].text, 'Busy 9 @ana');
    const fresh = await SseStream.open(streamUrl('home'), ana.auth);
    try {
      const post = await bo.post('After the disconnects');
      await fresh.nextPost(post.id, 1000);
    } finally {
      fresh.close();
    }
    await eventually(() => server.services.events.listenerCount === 0, 3000, 'the last listener to be removed');
  });
});
