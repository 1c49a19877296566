import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyRequest } from '@fedify/fedify';
import { preloadedContexts, type RemoteDocument } from '@fedify/vocab-runtime';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMember, eventually, type Json, type Member } from '../social/helpers.ts';
import { type FakeActor, FakeRemote } from './remote.ts';
import { type FederatedServer, type Network, startFederatedServers } from './support.ts';

/**
 * Another server that, like GoToSocial (always) and Mastodon in secure mode, answers 401 to
 * unsigned requests for its actors, posts and collections: WebFinger and NodeInfo stay open, as
 * they do there. It verifies each signature against the key our instance actor publishes. A
 * member finds someone there, reads their posts, profile fields and pinned posts, follows them
 * and reads a thread; what we send (our Person, its featured collection, Announces) is checked
 * in the shapes such servers read; failed lookups say what went wrong.
 */

let servers: { a: FederatedServer; close(): Promise<void>; network: Network };
let alice: Member;
let gil: FakeActor;
const strict = new FakeRemote('strict.test');
const SITE_ACTOR = 'https://a.test/users/site.actor';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
const GIL = 'https://strict.test/users/gil';
const WAIT = 20_000;
/** Who signed each guarded GET the strict server answered, and the ones it refused. */
const signers: string[] = [];
const refused: string[] = [];

/** Fetches documents from our server (the key behind a signature) the way a peer does. */
async function peerLoader(url: string): Promise<RemoteDocument> {
  if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
  const response = await fetch(url, { headers: { accept: 'application/activity+json' } });
  return { contextUrl: null, document: await response.json(), documentUrl: response.url };
}

const note = (n: number, text: string, extra: Record<string, unknown> = {}) => ({
  '@context': 'https://www.w3.org/ns/activitystreams',
  id: `${GIL}/statuses/${n}`,
  type: 'Note',
  attributedTo: GIL,
  to: [PUBLIC],
  cc: [`${GIL}/followers`],
  content: `<p>${text}</p>`,
  published: new Date(Date.UTC(2025, 0, n)).toISOString(),
  ...extra,
});

before(async () => {
  servers = await startFederatedServers(['a.test'], 60, { extraHosts: ['strict.test', 'down.test'] });
  await strict.start(servers.network);
  strict.guard = async (request) => {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/.well-known/') || path.startsWith('/nodeinfo/')) return null;
    // An account whose server will not show it to us, whoever asks.
    if (path.startsWith('/users/hidden')) return 401;
    const key = await verifyRequest(request, { documentLoader: peerLoader, contextLoader: peerLoader, timeWindow: { hours: 1 } }).catch(
      () => null,
    );
    if (!key) {
      refused.push(`${path} (${request.headers.has('signature') ? 'bad signature' : 'unsigned'})`);
      return 401;
    }
    signers.push(key.ownerId?.href ?? key.id?.href ?? '?');
    return null;
  };
  alice = await createMember(servers.a.server, 'alice');

  gil = await strict.actor('gil', {
    '@context': [
      'https://www.w3.org/ns/activitystreams',
      'https://w3id.org/security/v1',
      {
        schema: 'http://schema.org#',
        PropertyValue: 'schema:PropertyValue',
        value: 'schema:value',
        toot: 'http://joinmastodon.org/ns#',
        featured: { '@id': 'toot:featured', '@type': '@id' },
      },
    ],
    name: 'Gil',
    summary: '<p>Zines and book clubs.</p>',
    outbox: `${GIL}/outbox`,
    featured: `${GIL}/collections/featured`,
    attachment: [
      { type: 'PropertyValue', name: 'Pronouns', value: 'they/them' },
      { type: 'PropertyValue', name: 'Website', value: '<a href="https://gil.example/" rel="me">gil.example</a><script>alert(1)</script>' },
      { type: 'PropertyValue', name: 'Tricks', value: '<a href="javascript:alert(1)" onclick="alert(2)">click</a>' },
    ],
  });
  await strict.actor('hidden');
  const first = note(1, 'Gil’s first post about #zines');
  const pinned = note(2, 'Gil’s pinned post about book clubs');
  strict.documents.set(first.id, first);
  strict.documents.set(pinned.id, pinned);
  strict.documents.set(`${GIL}/statuses/3`, note(3, 'Gil’s question: how do you weed a zine library?'));
  // The outbox's first page holds Creates whose posts are given by id (each is fetched).
  strict.documents.set(`${GIL}/outbox`, {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${GIL}/outbox`,
    type: 'OrderedCollection',
    totalItems: 2,
    first: {
      id: `${GIL}/outbox/page`,
      type: 'OrderedCollectionPage',
      partOf: `${GIL}/outbox`,
      orderedItems: [first, pinned].map((n) => ({ id: `${n.id}/activity`, type: 'Create', actor: GIL, to: [PUBLIC], object: n.id })),
    },
  });
  // As GoToSocial serves it: the pinned posts by their ids.
  strict.documents.set(`${GIL}/collections/featured`, {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${GIL}/collections/featured`,
    type: 'OrderedCollection',
    totalItems: 1,
    orderedItems: [pinned.id],
  });
  strict.documents.set('https://strict.test/.well-known/nodeinfo', {
    links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: 'https://strict.test/nodeinfo/2.0' }],
  });
  strict.documents.set('https://strict.test/nodeinfo/2.0', {
    version: '2.0',
    software: { name: 'gotosocial', version: '0.19.1' },
    protocols: ['activitypub'],
    services: { inbound: [], outbound: [] },
    openRegistrations: false,
    usage: { users: { total: 3 }, localPosts: 12 },
    metadata: { nodeName: 'Strict' },
  });
});
after(async () => {
  await strict.close();
  await servers?.close();
});

const db = () => servers.a.server.services.database.db;
const inbox = (type: string, actor?: string) =>
  strict.received.map((r) => JSON.parse(r.body) as Json).filter((a) => a.type === type && (!actor || a.actor === actor));

describe('a server that requires signed fetches', () => {
  test('a member finds someone there: the lookup and the backfill of their posts are signed by our instance actor', async () => {
    const found = await alice.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent('@gil@strict.test')}`);
    assert.equal(found.status, 200, JSON.stringify(found.json));
    assert.equal(found.json.acct, 'gil@strict.test');
    await eventually(
      async () => (await alice.web.get('/@gil@strict.test')).text('main').includes('Gil’s first post'),
      WAIT,
      'the backfilled post on their profile',
    );
    assert.deepEqual(refused, [], 'no fetch was refused');
    assert.ok(signers.length >= 3, `the actor, outbox and posts were fetched signed (${signers.length})`);
    assert.deepEqual([...new Set(signers)], [SITE_ACTOR], 'every fetch is signed with the instance actor’s key');
  });

  test('their profile fields are stored and shown, sanitised', async () => {
    const page = await alice.web.get('/@gil@strict.test');
    const facts = page.document.querySelector('.profile-facts');
    assert.ok(facts, 'the profile has its fields');
    assert.match(facts.textContent ?? '', /Pronouns\s*they\/them/);
    const link = [...facts.querySelectorAll('a')].find((a) => a.textContent === 'gil.example');
    assert.ok(link, 'the website is a link');
    assert.equal(link.getAttribute('href'), 'https://gil.example/');
    assert.match(link.getAttribute('rel') ?? '', /nofollow/);
    assert.match(link.getAttribute('rel') ?? '', /noopener/);
    assert.ok(!/<script|javascript:|onclick/i.test(facts.innerHTML), `sanitised: ${facts.innerHTML}`);
  });

  test('their pinned posts (featured collection) show on their profile', async () => {
    await eventually(
      async () => (await alice.web.get('/@gil@strict.test')).document.querySelector('#featured-heading') !== null,
      WAIT,
      'the featured section',
    );
    const page = await alice.web.get('/@gil@strict.test');
    const featured = page.document.querySelector('#featured-heading')!.closest('section')!;
    assert.match(featured.textContent ?? '', /Gil’s pinned post about book clubs/);
    assert.deepEqual(refused, []);
  });

  test('following them, and a reply whose parent we lack, delivered to a member’s own inbox', async () => {
    const follow = await alice.api('POST', '/api/v1/people/gil@strict.test/follow');
    assert.equal(follow.status, 200, JSON.stringify(follow.json));
    await eventually(async () => inbox('Follow').length === 1, WAIT, 'the Follow reaching strict.test');
    const followId = inbox('Follow')[0].id;
    const accept = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${GIL}#accepts/1`,
      type: 'Accept',
      actor: GIL,
      object: followId,
    };
    assert.equal((await FakeRemote.send('https://a.test/users/alice/inbox', accept, gil)).status, 202);
    await eventually(
      async () => (await alice.api('GET', '/api/v1/people/gil@strict.test/relationship')).json.following === true,
      WAIT,
      'the Accept',
    );

    const reply = note(4, 'Start with the ones nobody borrowed', { inReplyTo: `${GIL}/statuses/3` });
    const create = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${reply.id}/activity`,
      type: 'Create',
      actor: GIL,
      to: [PUBLIC],
      object: reply,
    };
    assert.equal((await FakeRemote.send('https://a.test/users/alice/inbox', create, gil)).status, 202);
    await eventually(
      async () => Boolean(await db().selectFrom('posts').select('id').where('uri', '=', reply.id).executeTakeFirst()),
      WAIT,
      'the reply',
    );
    const parent = await db().selectFrom('posts').select(['id', 'text']).where('uri', '=', `${GIL}/statuses/3`).executeTakeFirst();
    assert.ok(parent, 'the parent was read from strict.test');
    const thread = await alice.api('GET', `/api/v1/posts/${parent.id}/thread`);
    assert.equal(thread.status, 200);
    assert.match(thread.json.descendants[0].text, /nobody borrowed/);
    assert.deepEqual(refused, []);
    assert.deepEqual([...new Set(signers)], [SITE_ACTOR]);
  });

  test('a failed lookup says what happened: no such account, refused, unreachable', async () => {
    const lookup = (q: string) => alice.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent(q)}`);
    const nobody = await lookup('@nobody@strict.test');
    assert.equal(nobody.status, 404);
    assert.match(nobody.json.error.message, /strict\.test has no one called @nobody/);

    const hidden = await lookup('@hidden@strict.test');
    assert.equal(hidden.status, 502, JSON.stringify(hidden.json));
    assert.equal(hidden.json.error.code, 'refused');
    assert.match(hidden.json.error.message, /strict\.test refused/);
    assert.match(hidden.json.error.message, /401/);
    const page = await alice.web.get(`/search?q=${encodeURIComponent('@hidden@strict.test')}`);
    assert.equal(page.status, 502);
    assert.match(page.text('main'), /strict\.test refused/);
    assert.doesNotMatch(page.text('main'), /not a person or group/);

    const gone = await lookup('https://strict.test/users/gone');
    assert.equal(gone.status, 404, JSON.stringify(gone.json));
    assert.match(gone.json.error.message, /strict\.test has no such account/);

    const down = await lookup('@someone@down.test');
    assert.equal(down.status, 502, JSON.stringify(down.json));
    assert.equal(down.json.error.code, 'unreachable');
    assert.match(down.json.error.message, /Could not reach down\.test/);

    const post = await lookup(`${GIL}/statuses/1`);
    assert.equal(post.status, 404);
    assert.match(post.json.error.message, /not a person or group/);
  });
});

describe('what we send, as such servers read it', () => {
  test('our Person carries the role and links as PropertyValue fields, passions as slug hashtags, and a featured collection', async () => {
    const patched = await alice.api('PATCH', '/api/v1/profile', {
      role: 'school_librarian',
      passions: ['Graphic novels', 'Storytime'],
      links: [{ label: 'Blog', url: 'https://alice.example/blog' }],
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    const shown = await alice.post('Featured: our zine library');
    assert.equal((await alice.api('POST', `/api/v1/posts/${shown.id}/pin`)).status, 204);
    const hidden = await alice.post('Pinned for followers only', { visibility: 'followers' });
    assert.equal((await alice.api('POST', `/api/v1/posts/${hidden.id}/pin`)).status, 204);

    const person = (await (await fetch('https://a.test/users/alice', { headers: { accept: 'application/activity+json' } })).json()) as Json;
    const fields = new Map<string, string>(
      (person.attachment as Json[]).filter((a) => a.type === 'PropertyValue').map((a) => [a.name, a.value]),
    );
    assert.equal(fields.get('Role'), 'School librarian');
    assert.match(fields.get('Blog') ?? '', /<a href="https:\/\/alice\.example\/blog" rel="me[^"]*"/);
    assert.doesNotMatch(fields.get('Passions') ?? '', /#Graphic novels/);
    assert.match(fields.get('Passions') ?? '', /#graphicnovels/);
    // Fedify's Person context does not define the term Hashtag, so it is written as its compact IRI.
    const hashtags = (person.tag as Json[]).filter((t) => t.type === 'Hashtag' || t.type === 'as:Hashtag').map((t) => t.name);
    assert.deepEqual(hashtags, ['#graphicnovels', '#storytime']);

    assert.equal(typeof person.featured, 'string', 'the actor names its featured collection');
    const featured = (await (await fetch(person.featured, { headers: { accept: 'application/activity+json' } })).json()) as Json;
    assert.equal(featured.type, 'OrderedCollection');
    assert.equal(featured.totalItems, 1, 'only public pinned posts');
    const items = featured.orderedItems as Json[];
    assert.equal(items.length, 1);
    assert.equal(items[0].id, `https://a.test/users/alice/posts/${shown.id}`);
    assert.match(items[0].content, /our zine library/);
  });

  test('boosts and the chat group’s redistribution carry a published date', async () => {
    const gilsPost = await db().selectFrom('posts').select('id').where('uri', '=', `${GIL}/statuses/1`).executeTakeFirstOrThrow();
    assert.equal((await alice.api('POST', `/api/v1/posts/${gilsPost.id}/boost`)).status, 204);
    await eventually(async () => inbox('Announce', 'https://a.test/users/alice').length === 1, WAIT, 'the boost reaching strict.test');
    const boost = inbox('Announce', 'https://a.test/users/alice')[0];
    assert.ok(boost.published && !Number.isNaN(Date.parse(boost.published)), `published: ${boost.published}`);

    // Gil follows a chat series' group; Q1 is boosted by the group to them.
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const created = await alice.api('POST', '/api/v1/chats', {
      hashtag: '#zinechat',
      title: 'Zine chat',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const group = 'https://a.test/users/chat.zinechat';
    const followGroup = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${GIL}#follows/zinechat`,
      type: 'Follow',
      actor: GIL,
      object: group,
    };
    assert.equal((await FakeRemote.send('https://a.test/inbox', followGroup, gil)).status, 202);
    await eventually(async () => inbox('Accept', group).length === 1, WAIT, 'the group accepting');
    const api = `/api/v1/chats/zinechat/${at.date}`;
    assert.equal((await alice.api('POST', `${api}/questions`, { text: 'Which zine changed your mind?' })).status, 201);
    assert.equal((await alice.api('POST', `${api}/start`)).status, 200);
    assert.equal((await alice.api('POST', `${api}/release`)).status, 200);
    await eventually(async () => inbox('Announce', group).length === 1, WAIT, 'the group’s Announce');
    const share = inbox('Announce', group)[0];
    assert.ok(share.published && !Number.isNaN(Date.parse(share.published)), `published: ${share.published}`);
  });

  test('each server’s software and version (NodeInfo) are recorded and shown to the administrator', async () => {
    await eventually(
      async () =>
        (await db().selectFrom('instances').select('software').where('domain', '=', 'strict.test').executeTakeFirst())?.software ===
        'gotosocial',
      WAIT,
      'NodeInfo read',
    );
    const api = await alice.api('GET', '/api/v1/admin/instances');
    assert.equal(api.status, 200);
    const row = (api.json as Json[]).find((i) => i.domain === 'strict.test');
    assert.equal(row.software, 'gotosocial');
    assert.equal(row.softwareVersion, '0.19.1');
    const page = await alice.web.get('/admin/federation');
    const tr = [...page.document.querySelectorAll('tbody tr')].find((r) => r.textContent?.includes('strict.test'));
    assert.match(tr?.textContent ?? '', /gotosocial 0\.19\.1/);
  });
});
