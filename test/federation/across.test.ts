import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMember, eventually, getJson, type Json, type Member, png, pngBlob } from '../social/helpers.ts';
import { type FederatedServer, startFederatedServers } from './support.ts';

/**
 * What posts carry between two real Commonroom servers (a.test and b.test): content warnings
 * and alt text, who sees each visibility on the other server (and that members-only posts
 * never leave theirs), members' articles, remote posts in lists and hashtag timelines, and a
 * remote answer in a chat's transcript.
 */

let servers: { a: FederatedServer; b: FederatedServer; close(): Promise<void> };
let alice: Member; // a.test
let amy: Member; // a.test, follows nobody
let bob: Member; // b.test, follows Alice
let carol: Member; // b.test, follows nobody
let dan: Member; // b.test, follows nobody; Alice writes to him directly
const WAIT = 20_000;

before(async () => {
  servers = await startFederatedServers(['a.test', 'b.test'], 76);
  alice = await createMember(servers.a.server, 'alice');
  amy = await createMember(servers.a.server, 'amy');
  bob = await createMember(servers.b.server, 'bob');
  carol = await createMember(servers.b.server, 'carol');
  dan = await createMember(servers.b.server, 'dan');
  // Bob follows Alice, and Alice follows Bob.
  assert.equal((await bob.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@alice@a.test')}`)).status, 200);
  assert.equal((await bob.api('POST', '/api/v1/people/alice@a.test/follow')).status, 200);
  assert.equal((await alice.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@bob@b.test')}`)).status, 200);
  assert.equal((await alice.api('POST', '/api/v1/people/bob@b.test/follow')).status, 200);
  // Alice's server knows Dan, so that she can mention him.
  assert.equal((await alice.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@dan@b.test')}`)).status, 200);
  await eventually(
    async () => (await bob.api('GET', '/api/v1/people/alice@a.test/relationship')).json.following === true,
    WAIT,
    'Bob’s follow to be accepted',
  );
  await eventually(
    async () => (await alice.api('GET', '/api/v1/people/bob@b.test/relationship')).json.following === true,
    WAIT,
    'Alice’s follow to be accepted',
  );
});
after(() => servers?.close());

const dbOf = (server: FederatedServer) => server.server.services.database.db;
/** The post with this text as stored on a server (by its own id there), once it arrived. */
const arrived = async (server: FederatedServer, text: string) => {
  let row: { id: number } | undefined;
  await eventually(
    async () =>
      Boolean(
        (row = await dbOf(server)
          .selectFrom('posts')
          .select('id')
          .where('text', 'like', `%${text}%`)
          .where('boost_of_id', 'is', null)
          .executeTakeFirst()),
      ),
    WAIT,
    `“${text}” reaching ${server.host}`,
  );
  return row!.id;
};
const federationIdle = async (server: FederatedServer) =>
  eventually(
    async () =>
      !(await dbOf(server)
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', ['federation.out', 'federation.deliver', 'federation.receive'])
        .where('failed_at', 'is', null)
        .executeTakeFirst()),
    WAIT,
    `${server.host} to finish its federation jobs`,
  );
const home = async (who: Member) => (await getJson(null as never, who, '/api/v1/timelines/home')).posts as Json[];

describe('between two Commonroom servers', () => {
  test('a content warning and the alt text of images arrive', async () => {
    const form = new FormData();
    form.append('file', pngBlob(await png(60, 40)), 'shelf.png');
    form.append('alt', 'A shelf of weeded books, half empty');
    const upload = await fetch('https://a.test/api/v1/media', { method: 'POST', headers: alice.auth, body: form });
    assert.equal(upload.status, 201);
    const media = (await upload.json()) as Json;
    const original = await alice.post('The weeding results are in', { contentWarning: 'Library drama', mediaIds: [media.id] });
    const id = await arrived(servers.b, 'The weeding results are in');
    const post = await getJson(null as never, bob, `/api/v1/posts/${id}`);
    assert.equal(post.contentWarning, 'Library drama');
    assert.deepEqual(
      post.media.map((m: Json) => [m.alt, m.width, m.height]),
      [['A shelf of weeded books, half empty', 60, 40]],
    );
    assert.match(post.media[0].url, /^\/media\/remote\//, 'shown through b.test’s media proxy');
    const page = await bob.web.get(`/posts/${id}`);
    assert.equal(page.status, 200);
    assert.equal(page.document.querySelector('.post__media img')?.getAttribute('alt'), 'A shelf of weeded books, half empty');
    assert.match(page.text('main'), /Library drama/);
    // That is the remote post's page (under a handle it is sent there); a member's post keeps its page under their name.
    assert.equal((await bob.web.get(`/@alice/${id}`)).location, `/posts/${id}`);
    const own = await alice.web.get(`/posts/${original.id}`);
    assert.deepEqual([own.status, own.location], [301, `/@alice/${original.id}`]);
  });

  test('each visibility reaches exactly its audience on the other server; members-only never leaves', async () => {
    await alice.post('Vis public: hello everyone');
    await alice.post('Vis followers: for my followers', { visibility: 'followers' });
    await alice.post('@dan@b.test Vis direct: just for Dan', { visibility: 'direct' });
    const members = await alice.post('Vis members: for members of a.test', { visibility: 'members' });
    const publicId = await arrived(servers.b, 'Vis public');
    const followersId = await arrived(servers.b, 'Vis followers');
    const directId = await arrived(servers.b, 'Vis direct');
    await federationIdle(servers.a);
    await federationIdle(servers.b);

    const status = async (who: Member | null, id: number) =>
      (who ? await who.api('GET', `/api/v1/posts/${id}`) : await servers.b.server.client().api('GET', `/api/v1/posts/${id}`)).status;
    // Public: everyone, signed in or not; in the follower's home timeline.
    assert.deepEqual(
      [await status(bob, publicId), await status(carol, publicId), await status(dan, publicId), await status(null, publicId)],
      [200, 200, 200, 200],
    );
    // Followers: only Bob, who follows Alice.
    assert.deepEqual(
      [await status(bob, followersId), await status(carol, followersId), await status(dan, followersId), await status(null, followersId)],
      [200, 404, 404, 404],
    );
    // Direct: only Dan, who is mentioned (and told).
    assert.deepEqual(
      [await status(bob, directId), await status(carol, directId), await status(dan, directId), await status(null, directId)],
      [404, 404, 200, 404],
    );
    await eventually(
      async () =>
        (await dan.api('GET', '/api/v1/notifications')).json.notifications.some(
          (n: Json) => n.kind === 'mention' && n.post?.id === directId,
        ),
      WAIT,
      'Dan’s mention notification',
    );
    const bobsHome = (await home(bob)).map((p) => p.id);
    assert.ok(bobsHome.includes(publicId) && bobsHome.includes(followersId), 'Bob’s home has the public and followers posts');
    assert.ok(!bobsHome.includes(directId), 'but not the one for Dan');
    const visibility = async (id: number) =>
      (await dbOf(servers.b).selectFrom('posts').select('visibility').where('id', '=', id).executeTakeFirstOrThrow()).visibility;
    assert.deepEqual(
      [await visibility(publicId), await visibility(followersId), await visibility(directId)],
      ['public', 'followers', 'direct'],
    );

    // Members-only: nothing of it on b.test, nothing sent for it; on a.test Amy reads it.
    assert.equal(
      await dbOf(servers.b).selectFrom('posts').select('id').where('text', 'like', '%Vis members%').executeTakeFirst(),
      undefined,
    );
    assert.equal((await amy.api('GET', `/api/v1/posts/${members.id}`)).status, 200);
    const sent = await dbOf(servers.a)
      .selectFrom('instances')
      .select('delivered_count')
      .where('domain', '=', 'b.test')
      .executeTakeFirstOrThrow();
    await alice.post('Vis members again: still home', { visibility: 'members' });
    await federationIdle(servers.a);
    assert.equal(
      (await dbOf(servers.a).selectFrom('instances').select('delivered_count').where('domain', '=', 'b.test').executeTakeFirstOrThrow())
        .delivered_count,
      sent.delivered_count,
      'no delivery for a members-only post',
    );
  });

  test('a followers-only post from the other server: its author’s followers here see it, other members do not', async () => {
    await bob.post('Vis from B: for my followers only', { visibility: 'followers' });
    const id = await arrived(servers.a, 'Vis from B');
    assert.equal((await alice.api('GET', `/api/v1/posts/${id}`)).status, 200);
    assert.equal((await amy.api('GET', `/api/v1/posts/${id}`)).status, 404);
    assert.ok((await home(alice)).some((p) => p.id === id));
  });

  test('a member’s blog article arrives on the other server as an article', async () => {
    const created = await alice.api('POST', '/api/v1/articles', {
      title: 'Weeding without guilt',
      summary: 'How we decide what leaves the shelves.',
      markdown: '# The rule\n\nIf nobody borrowed it in **five years**, it goes. #weeding',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const published = await alice.api('POST', `/api/v1/articles/${created.json.id}/publish`);
    assert.equal(published.status, 200, JSON.stringify(published.json));
    const id = await arrived(servers.b, 'Weeding without guilt');
    const post = await getJson(null as never, bob, `/api/v1/posts/${id}`);
    assert.match(post.html, /<strong>Weeding without guilt<\/strong>/, 'the title first');
    assert.match(post.html, /<strong>five years<\/strong>/, 'then the whole article');
    assert.equal(post.contentWarning, null, 'an article’s summary is no content warning');
    assert.match(post.html, /How we decide what leaves the shelves\./, 'its summary is shown');
    const row = await dbOf(servers.b).selectFrom('posts').select(['uri', 'url']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.uri, `https://a.test/users/alice/posts/${published.json.postId}`);
    assert.equal(row.url, published.json.url, 'it links to the article’s page on a.test');
    assert.ok(
      (await home(bob)).some((p) => p.id === id),
      'in the follower’s home timeline',
    );
  });

  test('remote posts reach lists and hashtag timelines', async () => {
    const list = await bob.api('POST', '/api/v1/lists', { name: 'School librarians' });
    assert.equal(list.status, 201, JSON.stringify(list.json));
    assert.equal((await bob.api('POST', `/api/v1/lists/${list.json.id}/members`, { handle: 'alice@a.test' })).status, 204);
    await alice.post('Our #genrefication project, week three');
    const id = await arrived(servers.b, 'Our #genrefication project');
    await eventually(
      async () => (await getJson(null as never, bob, `/api/v1/timelines/lists/${list.json.id}`)).posts.some((p: Json) => p.id === id),
      WAIT,
      'the post in Bob’s list',
    );
    const tagged = await getJson(null as never, carol, '/api/v1/timelines/tags/genrefication');
    assert.deepEqual(
      tagged.posts.map((p: Json) => p.id),
      [id],
      'on b.test’s #genrefication timeline, for Carol too',
    );
    const anonymous = await getJson(servers.b.server, null, '/api/v1/timelines/tags/genrefication');
    assert.deepEqual(
      anonymous.posts.map((p: Json) => p.id),
      [id],
    );
  });

  test('a remote answer to a chat question appears under it in the transcript', async () => {
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const created = await alice.api('POST', '/api/v1/chats', {
      hashtag: '#acrosschat',
      title: 'Across chat',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const api = `/api/v1/chats/acrosschat/${at.date}`;
    assert.equal((await alice.api('POST', `${api}/questions`, { text: 'Which book surprised you this year?' })).status, 201);
    assert.equal((await alice.api('POST', `${api}/start`)).status, 200);
    assert.equal((await alice.api('POST', `${api}/release`)).status, 200);

    // Carol, who does not follow the chat, answers by mentioning its group actor.
    assert.equal((await carol.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@acrosschat@a.test')}`)).status, 200);
    await carol.post('@acrosschat@a.test A1 A graphic novel about a bookmobile');
    await eventually(
      async () => (await getJson(null as never, alice, `${api}/room`)).questions[0].answers.length === 1,
      WAIT,
      'the answer reaching the room on a.test',
    );
    assert.equal((await alice.api('POST', `${api}/end`)).status, 200);

    const transcript = await getJson(servers.a.server, null, `${api}/transcript`);
    const [q1] = transcript.questions;
    assert.equal(q1.label, 'Q1');
    assert.match(q1.text, /Which book surprised you/);
    assert.equal(q1.answers.length, 1, 'the answer is under Q1');
    assert.match(q1.answers[0].text, /A1 A graphic novel about a bookmobile/);
    assert.equal(q1.answers[0].author.handle, 'carol@b.test');
    assert.deepEqual(
      transcript.participants.map((p: Json) => [p.handle, p.answers]),
      [['carol@b.test', 1]],
    );
  });
});
