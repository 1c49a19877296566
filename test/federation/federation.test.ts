import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMember, eventually, getJson, type Json, type Member } from '../social/helpers.ts';
import { type FederatedServer, startFederatedServers } from './support.ts';

/**
 * Two Commonroom servers, a.test and b.test, each on its own loopback address on port 443 with
 * a certificate from a certificate authority this test makes, federating over real HTTPS with
 * signed requests and durable delivery jobs: the "done when".
 */

let servers: { a: FederatedServer; b: FederatedServer; close(): Promise<void> };
let alice: Member;
let bob: Member;
let carol: Member;
const WAIT = 20_000;

before(async () => {
  servers = await startFederatedServers(['a.test', 'b.test'], 30);
  alice = await createMember(servers.a.server, 'alice');
  bob = await createMember(servers.b.server, 'bob');
  carol = await createMember(servers.b.server, 'carol');
});
after(() => servers?.close());

const home = async (who: Member) => (await getJson(null as never, who, '/api/v1/timelines/home')) as { posts: Json[] };
const findRemote = async (who: Member, text: string) => (await home(who)).posts.find((p: Json) => p.text.includes(text));

describe('federation between two servers', () => {
  test('WebFinger, actor documents and NodeInfo are served', async () => {
    const finger = await fetch('https://a.test/.well-known/webfinger?resource=acct:alice@a.test');
    assert.equal(finger.status, 200);
    const jrd = (await finger.json()) as Json;
    const self = jrd.links.find((l: Json) => l.rel === 'self');
    assert.equal(self.href, 'https://a.test/users/alice');
    const actor = (await (await fetch(self.href, { headers: { accept: 'application/activity+json' } })).json()) as Json;
    assert.equal(actor.type, 'Person');
    assert.equal(actor.preferredUsername, 'alice');
    assert.match(actor.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/);
    assert.equal(actor.endpoints.sharedInbox, 'https://a.test/inbox');
    const page = await fetch(self.href, { headers: { accept: 'text/html' } });
    assert.notEqual(page.status, 200, 'HTML readers of /users/alice are not given the JSON');
    const nodeinfo = (await (await fetch('https://a.test/nodeinfo/2.1')).json()) as Json;
    assert.equal(nodeinfo.software.name, 'commonroom');
    assert.deepEqual(nodeinfo.protocols, ['activitypub']);
  });

  test('follow across servers, post, reply, like, boost, edit, delete, undo', async () => {
    const found = await alice.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@bob@b.test')}`);
    assert.equal(found.status, 200, JSON.stringify(found.json));
    assert.equal(found.json.acct, 'bob@b.test');
    const follow = await alice.api('POST', '/api/v1/people/bob@b.test/follow');
    assert.equal(follow.status, 200, JSON.stringify(follow.json));
    assert.equal(follow.json.state, 'pending', 'a remote follow waits for the Accept');
    await eventually(
      async () => (await alice.api('GET', '/api/v1/people/bob@b.test/relationship')).json.following === true,
      WAIT,
      'B accepting the follow',
    );
    await eventually(
      async () => (await bob.api('GET', '/api/v1/people/alice@a.test/relationship')).json.followedBy === true,
      WAIT,
      'B knowing its follower',
    );

    // Bob posts; it reaches Alice's home timeline on A.
    const original = await bob.post('Hello from B about #genrefication');
    await eventually(async () => Boolean(await findRemote(alice, 'Hello from B')), WAIT, 'the post reaching A');
    const remote = await findRemote(alice, 'Hello from B');
    assert.equal(remote.author.acct, 'bob@b.test');
    assert.equal(remote.visibility, 'public');

    // Alice replies; Bob sees the reply in the thread on B and is notified.
    const reply = await alice.post('@bob@b.test Welcome! Here is what we did.', { replyToId: remote.id });
    await eventually(
      async () => (await getJson(null as never, bob, `/api/v1/posts/${original.id}/thread`)).descendants.length === 1,
      WAIT,
      'the reply reaching B',
    );
    const thread = await getJson(null as never, bob, `/api/v1/posts/${original.id}/thread`);
    assert.equal(thread.descendants[0].author.acct, 'alice@a.test');
    assert.match(thread.descendants[0].text, /Welcome!/);
    const remoteReply = thread.descendants[0];
    await eventually(
      async () => (await bob.api('GET', '/api/v1/notifications')).json.notifications?.some((n: Json) => n.kind === 'reply') ?? false,
      WAIT,
      'the reply notification',
    );

    // Bob likes and boosts the reply; A counts them and tells Alice.
    assert.equal((await bob.api('POST', `/api/v1/posts/${remoteReply.id}/like`)).status, 204);
    assert.equal((await bob.api('POST', `/api/v1/posts/${remoteReply.id}/boost`)).status, 204);
    await eventually(
      async () => {
        const post = await getJson(null as never, alice, `/api/v1/posts/${reply.id}`);
        return post.counts.likes === 1 && post.counts.boosts === 1;
      },
      WAIT,
      'the like and boost reaching A',
    );

    // Undo the like.
    assert.equal((await bob.api('DELETE', `/api/v1/posts/${remoteReply.id}/like`)).status, 204);
    await eventually(
      async () => (await getJson(null as never, alice, `/api/v1/posts/${reply.id}`)).counts.likes === 0,
      WAIT,
      'the Undo Like reaching A',
    );

    // Bob edits, then deletes his post.
    assert.equal((await bob.api('PATCH', `/api/v1/posts/${original.id}`, { text: 'Hello from B, edited #genrefication' })).status, 200);
    await eventually(
      async () => (await getJson(null as never, alice, `/api/v1/posts/${remote.id}`)).text.includes('edited'),
      WAIT,
      'the edit reaching A',
    );
    assert.equal((await bob.api('DELETE', `/api/v1/posts/${original.id}`)).status, 204);
    await eventually(async () => (await alice.api('GET', `/api/v1/posts/${remote.id}`)).status === 404, WAIT, 'the deletion reaching A');

    // Alice unfollows: B forgets the follower.
    assert.equal((await alice.api('DELETE', '/api/v1/people/bob@b.test/follow')).status, 204);
    await eventually(
      async () => (await bob.api('GET', '/api/v1/people/alice@a.test/relationship')).json.followedBy === false,
      WAIT,
      'the Undo Follow reaching B',
    );
  });

  test('in the web pages: find someone by their address, see their recent posts, follow them', async () => {
    await carol.post('Carol’s earlier post about #makerspaces');
    const dana = await createMember(servers.a.server, 'dana');
    const search = await dana.web.get(`/search?q=${encodeURIComponent('@carol@b.test')}`);
    assert.equal(search.status, 303);
    assert.equal(search.location, '/@carol@b.test');
    const profile = await dana.web.get('/@carol@b.test');
    assert.equal(profile.status, 200);
    assert.equal(profile.text('h1'), 'Carol');
    assert.match(profile.text('.profile-head'), /On b\.test/);
    // Her recent posts are read from her outbox in the background.
    await eventually(
      async () => (await dana.web.get('/@carol@b.test')).text('main').includes('Carol’s earlier post'),
      WAIT,
      'the backfilled post on her profile',
    );
    const followed = await dana.web.post('/@carol@b.test/follow', { back: '/@carol@b.test' });
    assert.equal(followed.status, 303);
    await eventually(
      async () => (await dana.web.get('/@carol@b.test')).text('.profile-actions').includes('Unfollow'),
      WAIT,
      'the follow to be accepted',
    );

    const unknown = await dana.web.get(`/search?q=${encodeURIComponent('@nobody@b.test')}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.text('.error-summary'), /b\.test has no one called @nobody/);
    const anonymous = await fetch('https://a.test/@nobody@b.test');
    assert.equal(anonymous.status, 404, 'visitors cannot make the server look people up');
    const own = await dana.web.get(`/search?q=${encodeURIComponent('@alice@a.test')}`);
    assert.equal(own.location, '/@alice', 'our own addresses go to the local profile');
  });

  test('a profile edit reaches followers on other servers (Update of the Person)', async () => {
    // Dana (a.test) follows Carol (b.test) since the test before.
    const patched = await carol.api('PATCH', '/api/v1/profile', { displayName: 'Carol Maker', bio: 'Makerspaces in school libraries.' });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    const db = servers.a.server.services.database.db;
    await eventually(
      async () =>
        (await db.selectFrom('actors').select('display_name').where('acct', '=', 'carol@b.test').executeTakeFirst())?.display_name ===
        'Carol Maker',
      WAIT,
      'the new name on a.test',
    );
    const row = await db.selectFrom('actors').select('bio').where('acct', '=', 'carol@b.test').executeTakeFirstOrThrow();
    assert.equal(row.bio, 'Makerspaces in school libraries.');
  });

  test('a report forwarded to the account’s server reaches its moderation queue with every post', async () => {
    // Dana (a.test) follows Carol (b.test) since the tests before.
    const first = await carol.post('Buy my makerspace kits, link in bio');
    const second = await carol.post('Last chance: buy my makerspace kits');
    const dana = await createMember(servers.a.server, 'dana2');
    const kits = async () =>
      (await getJson(null as never, dana, '/api/v1/people/carol@b.test/posts')).posts.filter((p: Json) =>
        p.text.includes('makerspace kits'),
      );
    await eventually(async () => (await kits()).length === 2, WAIT, 'Carol’s two posts reaching A');
    const onA = await kits();
    const sent = await dana.api('POST', '/api/v1/reports', {
      postIds: onA.map((p: Json) => p.id),
      category: 'spam',
      comment: 'Selling in every post',
      forward: true,
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    assert.equal(sent.json.forwarded, true);

    let received: Awaited<ReturnType<typeof servers.b.server.services.federation.reports.list>>['reports'][number] | undefined;
    await eventually(
      async () => {
        received = (await servers.b.server.services.federation.reports.list('open')).reports.find(
          (r) => r.comment === 'Selling in every post',
        );
        return Boolean(received);
      },
      WAIT,
      'the Flag reaching B',
    );
    assert.equal(received!.target.acct, 'carol');
    assert.deepEqual([...received!.postIds].sort(), [first.id, second.id].sort(), 'both posts, as B knows them');
    assert.equal(received!.fromRemote, true);
    assert.match(received!.reporter?.acct ?? '', /@a\.test$/, 'from the server, not from Dana');
  });

  test('a locked account answers a follow request from another server', async () => {
    assert.equal((await carol.api('PATCH', '/api/v1/privacy', { locked: true })).status, 200);
    assert.equal((await alice.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('https://b.test/users/carol')}`)).status, 200);
    assert.equal((await alice.api('POST', '/api/v1/people/carol@b.test/follow')).json.state, 'pending');
    await eventually(
      async () => (await carol.api('GET', '/api/v1/follow-requests')).json.people?.some((p: Json) => p.acct === 'alice@a.test') ?? false,
      WAIT,
      'the request reaching B',
    );
    // Not accepted yet: still pending on A.
    assert.equal((await alice.api('GET', '/api/v1/people/carol@b.test/relationship')).json.requested, true);
    assert.equal((await carol.api('POST', '/api/v1/follow-requests/alice@a.test/accept')).status, 204);
    await eventually(
      async () => (await alice.api('GET', '/api/v1/people/carol@b.test/relationship')).json.following === true,
      WAIT,
      'the Accept reaching A',
    );
  });

  test('a remote participant follows a chat series’ group actor and answers in the live chat', async () => {
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const created = await alice.api('POST', '/api/v1/chats', {
      hashtag: '#fedchat',
      title: 'Fed chat',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const api = `/api/v1/chats/fedchat/${at.date}`;
    assert.equal((await alice.api('POST', `${api}/questions`, { text: 'What did you read this week?' })).status, 201);

    // From B, Bob finds the group @fedchat@a.test and follows it.
    const group = await bob.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@fedchat@a.test')}`);
    assert.equal(group.status, 200, JSON.stringify(group.json));
    assert.equal((await bob.api('POST', '/api/v1/people/fedchat@a.test/follow')).status, 200);
    await eventually(
      async () => (await bob.api('GET', '/api/v1/people/fedchat@a.test/relationship')).json.following === true,
      WAIT,
      'the group accepting',
    );

    // The chat starts and Q1 is asked: the group boosts it to Bob's home timeline on B.
    assert.equal((await alice.api('POST', `${api}/start`)).status, 200);
    assert.equal((await alice.api('POST', `${api}/release`)).status, 200);
    await eventually(async () => Boolean(await findRemote(bob, 'What did you read')), WAIT, 'Q1 reaching B through the group');

    // Bob answers by mentioning the group: A links the answer to Q1 in the room.
    await bob.post('@fedchat@a.test A1 A great picture book about libraries');
    await eventually(
      async () => {
        const room = await getJson(null as never, alice, `${api}/room`);
        return room.questions[0].answers.some(
          (a: Json) => a.text?.includes('great picture book') || a.post?.text?.includes('great picture book'),
        );
      },
      WAIT,
      'the answer reaching the room on A',
    );
  });
});
