import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { TEST_DB } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, eventually, follow, getJson, type Json, type Member, type SseEvent, SseStream } from './helpers.ts';

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
/** What a stream received after `ready`, one line per event ("post 12", "delete 12", "notifications", "reset"). */
const received = (stream: SseStream) =>
  stream.events
    .filter((e) => e.event !== 'ready')
    .map((e) =>
      e.event === 'post'
        ? `post ${JSON.parse(e.data).id ?? Number(JSON.parse(e.data).key.split(':')[0])}`
        : e.event === 'delete'
          ? `delete ${JSON.parse(e.data).id}`
          : e.event,
    );
/** The SSE ids of the events a stream received after `ready`. */
const sseIds = (stream: SseStream) => stream.events.filter((e) => e.event !== 'ready').map((e) => Number(e.id));
const cookieOf = (who: Member) => ({ cookie: [...who.web.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });

describe('live updates (Server-Sent Events)', () => {
  test('a post by someone you follow reaches your open home stream as it is made, as Post JSON', async () => {
    const stream = await SseStream.open(streamUrl('home'), ana.auth);
    try {
      const post = await bo.post('Live from the reference desk #livetag');
      // Pushed on the stream already open: the reader asks for nothing more.
      const event = await stream.nextPost(post.id);
      const data = JSON.parse(event.data);
      // Its id is its place in the event log, which a reconnecting client sends back.
      assert.match(event.id ?? '', /^[1-9][0-9]*$/);
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
      const counted = (unread: number) => (e: SseEvent) =>
        stream.events.indexOf(e) >= fresh && e.event === 'notifications' && JSON.parse(e.data).unread === unread;
      await bo.post('Hello @ana');
      await stream.next(counted(1), 1000);
      const post = await ana.post('Like this');
      assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
      await stream.next(counted(2));
      assert.equal((await ana.api('POST', '/api/v1/notifications/read')).status, 204);
      await stream.next(counted(0));
      assert.deepEqual(
        stream.data('notifications').map((d: Json) => d.unread),
        [0, 1, 2, 0],
      );
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
      for (const stream of [anonymous, follower, stranger])
        await stream.next((e) => e.event === 'delete' && JSON.parse(e.data).id === open.id);
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

describe('reconnecting with Last-Event-ID', () => {
  test('a client that reconnects gets exactly the events it missed, in order, then live ones', async () => {
    const first = await SseStream.open(streamUrl('home'), ana.auth);
    const before = await bo.post('Before the connection drops');
    await first.nextPost(before.id);
    const last = first.lastEventId!;
    first.close();
    // While ana is away: a post, one she does not follow, a deletion, a mention (post and count).
    const missed = await bo.post('Sent while ana was away');
    await cy.post('Not for ana’s home, away or not');
    assert.equal((await bo.api('DELETE', `/api/v1/posts/${before.id}`)).status, 204);
    const mention = await bo.post('Also while away, @ana');
    const again = await SseStream.open(streamUrl('home'), { ...ana.auth, 'last-event-id': last });
    try {
      await again.next((e) => e.event === 'notifications');
      const live = await bo.post('Live once more');
      await again.nextPost(live.id);
      assert.deepEqual(received(again), [
        `post ${missed.id}`,
        `delete ${before.id}`,
        `post ${mention.id}`,
        'notifications',
        `post ${live.id}`,
      ]);
      const ids = sseIds(again);
      assert.ok(ids[0]! > Number(last) && ids.every((id, i) => i === 0 || id > ids[i - 1]!), `ids grow: ${last} then ${ids}`);
    } finally {
      again.close();
    }
  });

  test('replayed events pass the same checks as live ones: each reader gets what it may see', async () => {
    const anonymous = await SseStream.open(streamUrl('local'));
    const member = await SseStream.open(`${server.url}/live?timeline=local`, cookieOf(cy));
    const mark = await bo.post('Everyone sees this one');
    await anonymous.nextPost(mark.id);
    await member.nextPost(mark.id);
    const [anonymousId, memberId] = [anonymous.lastEventId!, member.lastEventId!];
    anonymous.close();
    member.close();
    const membersOnly = await bo.post('Members only, while they were away', { visibility: 'members' });
    const open = await bo.post('Public, while they were away');
    const followersOnly = await bo.post('Followers only, then deleted', { visibility: 'followers' });
    assert.equal((await bo.api('DELETE', `/api/v1/posts/${followersOnly.id}`)).status, 204);
    const anonymousAgain = await SseStream.open(streamUrl('local'), { 'last-event-id': anonymousId });
    const memberAgain = await SseStream.open(`${server.url}/live?timeline=local`, { ...cookieOf(cy), 'last-event-id': memberId });
    try {
      const live = await bo.post('Live for both');
      await anonymousAgain.nextPost(live.id);
      await memberAgain.nextPost(live.id);
      assert.deepEqual(received(anonymousAgain), [`post ${open.id}`, `post ${live.id}`]);
      assert.deepEqual(received(memberAgain), [`post ${membersOnly.id}`, `post ${open.id}`, `post ${live.id}`]);
    } finally {
      anonymousAgain.close();
      memberAgain.close();
    }
  });

  test('a client too far behind, or with an id never sent, is told to reset, then gets live events', async () => {
    const first = await SseStream.open(streamUrl('home'), ana.auth);
    const before = await bo.post('Before a long absence');
    await first.nextPost(before.id);
    const last = first.lastEventId!;
    first.close();
    await bo.post('Too long ago to be replayed');
    await bo.post('This one too');
    // More missed events than a replay may send: too far behind.
    const events = server.services.events;
    const home = [`home:${ana.memberId}`];
    assert.equal((await events.replay(home, Number(last), { limit: 1 })).reset, true);
    assert.equal((await events.replay(home, Number(last), { limit: 2 })).reset, false);
    // The log keeps a window of time (and its newest event): pruning now keeps what was just
    // missed; pruning as an hour from now would not, it keeps only the newest event.
    await events.prune();
    assert.equal((await events.replay(home, Number(last), { limit: 2 })).reset, false);
    assert.ok((await events.prune(Date.now() + 3_600_000)) > 0);
    for (const id of [last, '999999999']) {
      const again = await SseStream.open(streamUrl('home'), { ...ana.auth, 'last-event-id': id });
      try {
        const reset = await again.next((e) => e.event === 'reset');
        const live = await bo.post(`Live after a reset from ${id}`);
        await again.nextPost(live.id);
        assert.deepEqual(received(again), ['reset', `post ${live.id}`]);
        assert.ok(Number(reset.id) >= Number(last), 'the reset carries the newest id, to continue from');
      } finally {
        again.close();
      }
    }
    // An id that is not one of ours is ignored: a fresh stream.
    const odd = await SseStream.open(streamUrl('home'), { ...ana.auth, 'last-event-id': 'yesterday' });
    try {
      const live = await bo.post('Live after an odd id');
      await odd.nextPost(live.id);
      assert.deepEqual(received(odd), [`post ${live.id}`]);
    } finally {
      odd.close();
    }
  });

  test('a process that loses its LISTEN connection sends, once it listens again, what was published meanwhile', {
    skip:
      TEST_DB !== 'postgres' &&
      'PostgreSQL only: LISTEN/NOTIFY carries events between processes there; on SQLite one process publishes and listens',
  }, async () => {
    const stream = await SseStream.open(streamUrl('home'), ana.auth);
    const admin = new pg.Client({ connectionString: server.databaseUrl });
    await admin.connect();
    const listening = async () =>
      Number(
        (
          await admin.query(
            `select count(*) as n from pg_stat_activity where datname = current_database() and query = 'listen commonroom_events'`,
          )
        ).rows[0].n,
      );
    try {
      const posted: number[] = [];
      let inTheGap = 0;
      // The server listens again a second later; a post made before that reaches it only from the log.
      for (let attempt = 0; attempt < 5 && inTheGap === 0; attempt++) {
        await eventually(async () => (await listening()) === 1, 5000, 'the server to listen');
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen commonroom_events'`,
        );
        posted.push((await bo.post(`Posted while the server may not be listening (${attempt})`)).id);
        if ((await listening()) === 0) inTheGap++;
        await stream.nextPost(posted.at(-1)!, 5000);
      }
      assert.equal(inTheGap, 1, 'one post was made while the server was not listening');
      const live = await bo.post('Live after listening again');
      await stream.nextPost(live.id);
      assert.deepEqual(received(stream), [...posted.map((id) => `post ${id}`), `post ${live.id}`]);
    } finally {
      stream.close();
      await admin.end();
    }
  });
});
