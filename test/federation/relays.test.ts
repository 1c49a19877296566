import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signJsonLd, signRequest } from '@fedify/fedify';
import { getDocumentLoader } from '@fedify/vocab-runtime';
import { createMember, eventually, getJson, type Json, type Member } from '../social/helpers.ts';
import { TestRelay } from './relay.ts';
import { FakeRemote } from './remote.ts';
import { type FederatedServer, type Network, startFederatedServers } from './support.ts';

/**
 * Relays, end to end: two Commonroom servers and a small relay on loopback (relay.ts). a.test's
 * administrator subscribes on the admin page (LitePub style), b.test's through the API
 * (Mastodon style). The relay accepts both; each server's public posts reach the relay and,
 * through it, the other server, where they land in hashtag timelines though nobody there
 * follows their authors.
 */

let servers: { a: FederatedServer; b: FederatedServer; close(): Promise<void>; network: Network };
let relay: TestRelay;
let evil: FakeRemote;
let ada: Member; // a.test's administrator
let ben: Member; // b.test's administrator
let bea: Member;
const WAIT = 20_000;
const INBOX = 'https://relay.test/inbox';

before(async () => {
  servers = await startFederatedServers(['a.test', 'b.test'], 72, { extraHosts: ['relay.test', 'evil.test'] });
  relay = new TestRelay();
  await relay.start(servers.network);
  evil = new FakeRemote('evil.test');
  await evil.start(servers.network);
  ada = await createMember(servers.a.server, 'ada');
  ben = await createMember(servers.b.server, 'ben');
  bea = await createMember(servers.b.server, 'bea');
});
after(async () => {
  await evil?.close();
  await relay?.close();
  await servers?.close();
});

const relaysOf = async (admin: Member) => (await getJson(null as never, admin, '/api/v1/admin/relays')) as Json[];
const federationJobs = async (server: FederatedServer) =>
  Number(
    (
      await server.server.services.database.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', 'in', ['federation.out', 'federation.deliver', 'federation.receive'])
        .where('failed_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );
const tagTimeline = async (who: Member, tag: string) =>
  (await getJson(null as never, who, `/api/v1/timelines/tags/${tag}`)).posts as Json[];

describe('relays', () => {
  test('an administrator subscribes on the admin page (LitePub): the relay accepts, and its follow back is accepted', async () => {
    const added = await ada.web.post('/admin/federation/relays', { inboxUrl: INBOX, style: 'litepub' });
    assert.equal(added.status, 303);
    await eventually(async () => (await relaysOf(ada))[0]?.state === 'accepted', WAIT, 'the relay’s Accept reaching a.test');
    const follow = relay.from('a.test', 'Follow')[0]!;
    assert.equal(follow.actor, 'https://a.test/users/site.actor', 'the server’s own actor subscribes');
    assert.equal(follow.object, relay.actorId, 'LitePub style: a Follow of the relay’s actor');
    assert.equal(relay.subscribers.get('https://a.test/users/site.actor')?.style, 'litepub');
    const page = await ada.web.get('/admin/federation');
    const row = [...page.document.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes(INBOX));
    assert.match(row?.textContent ?? '', /LitePub\s*Subscribed/, 'the admin page says the relay accepted');
    // The relay follows the subscriber back (as Pleroma's relay does): the server accepts.
    await eventually(
      () => relay.subscribers.get('https://a.test/users/site.actor')?.followedBack === true,
      WAIT,
      'a.test accepting the relay’s Follow',
    );
  });

  test('an administrator subscribes through the API (Mastodon style): a Follow of Public, accepted', async () => {
    const added = await ben.api('POST', '/api/v1/admin/relays', { inboxUrl: INBOX, style: 'mastodon' });
    assert.equal(added.status, 204, JSON.stringify(added.json));
    await eventually(async () => (await relaysOf(ben))[0]?.state === 'accepted', WAIT, 'the relay’s Accept reaching b.test');
    const follow = relay.from('b.test', 'Follow')[0]!;
    assert.equal(follow.actor, 'https://b.test/users/site.actor');
    assert.equal(follow.object, 'https://www.w3.org/ns/activitystreams#Public');
    assert.equal(relay.subscribers.get('https://b.test/users/site.actor')?.style, 'mastodon');
  });

  test('public posts reach the relay, signed; replies and posts for followers, the people mentioned or members do not', async () => {
    const quiet = await ada.post('Only for my followers', { visibility: 'followers' });
    await ada.post('Only for members of this server #relaytest', { visibility: 'members' });
    await ada.post('A public reply to myself', { replyToId: quiet.id });
    const loud = await ada.post('Hello relay readers #relaytest');
    await eventually(() => relay.from('a.test', 'Create').length > 0, WAIT, 'the post reaching the relay');
    await eventually(async () => (await federationJobs(servers.a)) === 0, WAIT, 'a.test to finish delivering');
    const creates = relay.from('a.test', 'Create');
    assert.deepEqual(
      creates.map((c) => (c.object as Json).id),
      [`https://a.test/users/ada/posts/${loud.id}`],
      'only the public top-level post',
    );
    const signer = relay.received.find((r) => r.activity === creates[0])!.keyId;
    assert.match(signer, /^https:\/\/a\.test\/users\/ada#/, 'signed by its author’s key');
    // Mastodon-style relays forward it as it is: it carries its author's signature (LD signature, object proof).
    assert.ok(creates[0]!.signature || creates[0]!.proof, 'the Create carries a signature of its own');
  });

  test('a post relayed to a Mastodon-style subscriber (the Create forwarded as it came) lands in its hashtag timeline', async () => {
    await eventually(
      async () => (await tagTimeline(bea, 'relaytest')).some((p) => p.text.includes('Hello relay readers')),
      WAIT,
      'the relayed post on b.test’s #relaytest timeline',
    );
    const [post] = (await tagTimeline(bea, 'relaytest')).filter((p) => p.text.includes('Hello relay readers'));
    assert.equal(post.author.acct, 'ada@a.test');
    assert.equal(post.boostedBy, null, 'a relay is no booster');
    assert.equal((await tagTimeline(bea, 'relaytest')).length, 1, 'the members-only post stayed home');
  });

  test('a post relayed to a LitePub-style subscriber (the relay’s Announce) lands in its hashtag timeline', async () => {
    await bea.post('Greetings from b.test to the relay #relaytest');
    await eventually(
      async () => (await tagTimeline(ada, 'relaytest')).some((p) => p.text.includes('Greetings from b.test')),
      WAIT,
      'the relayed post on a.test’s #relaytest timeline',
    );
    const post = (await tagTimeline(ada, 'relaytest')).find((p) => p.text.includes('Greetings from b.test'));
    assert.equal(post.author.acct, 'bea@b.test');
    assert.equal(post.boostedBy, null, 'a relay is no booster');
    assert.equal(post.counts.boosts, 0);
  });

  test('a silenced server’s posts are not taken from the relay', async () => {
    assert.equal((await ada.api('PUT', '/api/v1/admin/instances/b.test', { moderation: 'silence', reason: 'testing' })).status, 204);
    const announced = relay.received.length;
    await bea.post('Quietly from b.test #relaytest');
    await eventually(() => relay.received.length > announced, WAIT, 'the post reaching the relay');
    await eventually(
      async () => (await federationJobs(servers.b)) === 0 && (await federationJobs(servers.a)) === 0,
      WAIT,
      'both servers to finish',
    );
    assert.ok(!(await tagTimeline(ada, 'relaytest')).some((p) => p.text.includes('Quietly')));
    assert.equal((await ada.api('PUT', '/api/v1/admin/instances/b.test', { moderation: 'none', reason: '' })).status, 204);
  });

  test('a forwarded Create is taken as relayed only under a subscribed relay’s valid signature', async () => {
    // Someone nobody on b.test follows signs a public post of their own (as a relay would forward it)…
    const mallory = await evil.actor('mallory');
    const loader = getDocumentLoader({ allowPrivateAddress: true });
    const create = async (n: number) =>
      signJsonLd(
        {
          '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
          id: `${mallory.id}/statuses/${n}/activity`,
          type: 'Create',
          actor: mallory.id,
          to: ['https://www.w3.org/ns/activitystreams#Public'],
          object: {
            id: `${mallory.id}/statuses/${n}`,
            type: 'Note',
            attributedTo: mallory.id,
            content: `<p>Buy now #relaytest (${n})</p>`,
            to: ['https://www.w3.org/ns/activitystreams#Public'],
            published: new Date().toISOString(),
          },
        },
        mallory.privateKey,
        new URL(mallory.keyId),
        { contextLoader: loader },
      );
    // …and delivers it under its own signature, then under one claiming to be the relay's key.
    assert.equal((await FakeRemote.send('https://b.test/inbox', await create(1), mallory)).status, 202);
    const forged = new Request('https://b.test/inbox', {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json' },
      body: JSON.stringify(await create(2)),
    });
    const res = await fetch(await signRequest(forged, mallory.privateKey, new URL(`${relay.actorId}#main-key`)));
    assert.ok(res.status === 202 || res.status === 401, `${res.status}`);
    await eventually(async () => (await federationJobs(servers.b)) === 0, WAIT, 'b.test to process them');
    const kept = await servers.b.server.services.database.db
      .selectFrom('posts')
      .select('uri')
      .where('uri', 'like', `${mallory.id}/%`)
      .execute();
    assert.deepEqual(kept, [], 'neither is kept');
  });

  test('unsubscribing on the admin page: the relay hears the Undo, and hears nothing more', async () => {
    const [subscription] = await relaysOf(ada);
    const removed = await ada.web.post(`/admin/federation/relays/${subscription.id}/remove`, {});
    assert.equal(removed.status, 303);
    await eventually(() => !relay.subscribers.has('https://a.test/users/site.actor'), WAIT, 'the Undo reaching the relay');
    const undo = relay.from('a.test', 'Undo')[0]!;
    assert.equal((undo.object as Json).id, relay.from('a.test', 'Follow')[0]!.id, 'the Undo names the Follow');
    const before = relay.from('a.test', 'Create').length;
    await ada.post('After unsubscribing #relaytest');
    await eventually(async () => (await federationJobs(servers.a)) === 0, WAIT, 'a.test to finish');
    assert.equal(relay.from('a.test', 'Create').length, before, 'nothing more is sent to the relay');
    assert.deepEqual(relay.refused, [], 'every request to the relay was signed');
  });
});
