import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '@fedify/fedify';
import { createMember, eventually, type Member } from '../social/helpers.ts';
import { type FakeActor, FakeRemote } from './remote.ts';
import { type FederatedServer, startFederatedServers } from './support.ts';

/** What a hostile or broken server may send or do: refused or retried, logged, nothing lost, nothing crashes. */

let servers: { a: FederatedServer; close(): Promise<void> } & { network: import('./support.ts').Network };
let alice: Member;
const evil = new FakeRemote('evil.test');
const dead = new FakeRemote('dead.test');
let mallory: FakeActor;
let zed: FakeActor;
const INBOX = 'https://a.test/inbox';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
let n = 0;

before(async () => {
  // Deliveries time out after 2 s here (10 s by default), so the "never answers" case is quick.
  servers = await startFederatedServers(['a.test'], 40, { extraHosts: ['evil.test', 'dead.test'], env: { FEDERATION_TIMEOUT: '2' } });
  await evil.start(servers.network);
  await dead.start(servers.network);
  alice = await createMember(servers.a.server, 'alice');
  mallory = await evil.actor('mallory');
  zed = await dead.actor('zed');
});
after(async () => {
  await evil.close();
  await dead.close();
  await servers?.close();
});

const db = () => servers.a.server.services.database.db;
const remotePosts = async () => (await db().selectFrom('posts').select('text').where('local', '=', 0).execute()).map((p) => p.text);

function create(actor: FakeActor, text: string, objectId?: string) {
  const id = objectId ?? `${actor.id}/statuses/${++n}`;
  return {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${id}/activity`,
    type: 'Create',
    actor: actor.id,
    to: [PUBLIC],
    object: {
      id,
      type: 'Note',
      attributedTo: actor.id,
      to: [PUBLIC],
      cc: ['https://a.test/users/alice'],
      content: `<p>${text}</p>`,
      tag: [{ type: 'Mention', href: 'https://a.test/users/alice', name: '@alice@a.test' }],
    },
  };
}

describe('bad input from other servers', () => {
  test('a signed post that mentions a member is accepted (the baseline)', async () => {
    const res = await FakeRemote.send(INBOX, create(mallory, 'baseline hello'), mallory);
    assert.equal(res.status, 202);
    await eventually(async () => (await remotePosts()).includes('baseline hello'), 15_000, 'the post to be stored');
  });

  test('unsigned and badly signed requests are refused with 401', async () => {
    assert.equal((await FakeRemote.send(INBOX, create(mallory, 'unsigned'), null)).status, 401);
    const impostor = { ...mallory, privateKey: (await evil.actor('other')).privateKey };
    assert.equal((await FakeRemote.send(INBOX, create(mallory, 'forged'), impostor)).status, 401);
    await new Promise((r) => setTimeout(r, 1500));
    const texts = await remotePosts();
    assert.ok(!texts.includes('unsigned') && !texts.includes('forged'));
  });

  test('a replayed request is processed once', async () => {
    const body = JSON.stringify(create(mallory, 'said once'));
    const signed = await signRequest(
      new Request(INBOX, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body }),
      mallory.privateKey,
      new URL(mallory.keyId),
    );
    const headers = Object.fromEntries(signed.headers);
    for (let i = 0; i < 3; i++) assert.ok([202, 200].includes((await fetch(INBOX, { method: 'POST', headers, body })).status));
    await eventually(async () => (await remotePosts()).includes('said once'), 15_000, 'the post');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await remotePosts()).filter((t) => t === 'said once').length, 1);
  });

  test('an actor cannot create, edit or delete objects of another server', async () => {
    const res = await FakeRemote.send(INBOX, create(mallory, 'not mine', 'https://a.test/users/alice/posts/999999'), mallory);
    assert.ok(res.status < 500);
    const local = await db()
      .insertInto('posts')
      .values({
        actor_id: alice.actorId,
        text: 'alice original',
        html: '<p>alice original</p>',
        visibility: 'public',
        local: 1,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const del = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${mallory.id}#delete-${++n}`,
      type: 'Delete',
      actor: mallory.id,
      object: `https://a.test/users/alice/posts/${local.id}`,
    };
    assert.equal((await FakeRemote.send(INBOX, del, mallory)).status, 202);
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(!(await remotePosts()).includes('not mine'));
    const still = await db().selectFrom('posts').select(['text', 'deleted_at']).where('id', '=', local.id).executeTakeFirstOrThrow();
    assert.equal(still.deleted_at, null);
  });

  test('a reply to a post we lack: its parents are read (a few levels), and a loop of replies ends', async () => {
    const note = (id: string, text: string, inReplyTo: string | null) => ({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id,
      type: 'Note',
      attributedTo: mallory.id,
      to: [PUBLIC],
      content: `<p>${text}</p>`,
      inReplyTo,
    });
    const [grand, parent] = [`${mallory.id}/statuses/grand`, `${mallory.id}/statuses/parent`];
    evil.documents.set(grand, note(grand, 'the grandparent', null));
    evil.documents.set(parent, note(parent, 'the parent', grand));
    const reply = create(mallory, 'the reply that mentions alice');
    assert.equal((await FakeRemote.send(INBOX, { ...reply, object: { ...reply.object, inReplyTo: parent } }, mallory)).status, 202);
    const row = (text: string) =>
      db().selectFrom('posts').select(['id', 'reply_to_id', 'thread_id']).where('text', '=', text).executeTakeFirst();
    await eventually(async () => Boolean(await row('the reply that mentions alice')), 15_000, 'the reply to be stored');
    const [g, p, r] = [await row('the grandparent'), await row('the parent'), await row('the reply that mentions alice')];
    assert.ok(g && p && r, 'the parent and grandparent were read and stored');
    assert.equal(p.reply_to_id, g.id);
    assert.equal(r.reply_to_id, p.id);
    assert.equal(r.thread_id, g.id, 'one thread, from its first post');

    // Two posts answering each other: each is read once and the reading stops.
    const [x, y] = [`${mallory.id}/statuses/loop-x`, `${mallory.id}/statuses/loop-y`];
    evil.documents.set(x, note(x, 'loop x', y));
    evil.documents.set(y, note(y, 'loop y', x));
    const looped = create(mallory, 'answering the loop');
    assert.equal((await FakeRemote.send(INBOX, { ...looped, object: { ...looped.object, inReplyTo: x } }, mallory)).status, 202);
    await eventually(async () => Boolean(await row('answering the loop')), 15_000, 'the reply to the loop to be stored');
    assert.deepEqual((await remotePosts()).filter((t) => t.startsWith('loop')).sort(), ['loop x', 'loop y']);
  });

  test('10 MB payloads, deep nesting, cyclic references and unknown types', async () => {
    const huge = await FakeRemote.send(INBOX, null, mallory, {
      body: JSON.stringify({ ...create(mallory, 'x'), padding: 'x'.repeat(10 * 1024 * 1024) }),
    });
    assert.equal(huge.status, 413);
    let deep: unknown = { type: 'Note' };
    for (let i = 0; i < 1000; i++) deep = { object: deep };
    const nested = await FakeRemote.send(INBOX, { ...create(mallory, 'deep'), object: deep }, mallory);
    assert.equal(nested.status, 400);
    assert.match(await nested.text(), /nest/);
    const cyclicId = `${mallory.id}/statuses/cycle`;
    const cyclic = create(mallory, 'cyclic', cyclicId);
    Object.assign(cyclic.object, {
      inReplyTo: cyclicId,
      context: cyclicId,
      replies: { id: `${cyclicId}/replies`, type: 'Collection', first: `${cyclicId}/replies` },
    });
    assert.equal((await FakeRemote.send(INBOX, cyclic, mallory)).status, 202);
    const unknown = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${mallory.id}#wobble`,
      type: 'Wobble',
      actor: mallory.id,
      object: 'https://a.test/users/alice',
    };
    assert.ok((await FakeRemote.send(INBOX, unknown, mallory)).status < 500);
    await eventually(async () => (await remotePosts()).includes('cyclic'), 15_000, 'the cyclic post to be stored once');
    assert.equal((await fetch('https://a.test/healthz')).status, 200);
  });

  test('a server that answers 500 or redirects in a loop: the delivery is retried, the others go on, nothing is lost', async () => {
    // zed (on dead.test) follows alice, so alice's posts are delivered there.
    const follow = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${zed.id}#follow-1`,
      type: 'Follow',
      actor: zed.id,
      object: 'https://a.test/users/alice',
    };
    assert.equal((await FakeRemote.send(INBOX, follow, zed)).status, 202);
    await eventually(() => dead.received.some((r) => r.body.includes('"Accept"')), 15_000, 'the Accept to reach dead.test');
    for (const behaviour of ['error', 'redirect-loop', 'hang'] as const) {
      dead.behaviour = behaviour;
      const before = dead.received.length;
      await alice.post(`while dead.test is ${behaviour}`);
      await eventually(
        async () => {
          const job = await db()
            .selectFrom('jobs')
            .select(['last_error', 'attempts'])
            .where('kind', '=', 'federation.deliver')
            .where('last_error', 'is not', null)
            .executeTakeFirst();
          return Boolean(job) && dead.received.length > before;
        },
        20_000,
        `a failed delivery (${behaviour}) to be kept for retry`,
      );
      const job = await db()
        .selectFrom('jobs')
        .select(['id', 'last_error', 'failed_at', 'run_at'])
        .where('kind', '=', 'federation.deliver')
        .where('last_error', 'is not', null)
        .executeTakeFirstOrThrow();
      assert.equal(job.failed_at, null, 'it will be tried again');
      assert.ok(job.run_at > Date.now(), 'later, with backoff');
      assert.match(job.last_error!, { error: /500/, 'redirect-loop': /redirect/i, hang: /no complete answer within 2 s/ }[behaviour]);
      // The server recovers: the retry delivers, and the job is gone.
      dead.behaviour = 'ok';
      await db().updateTable('jobs').set({ run_at: Date.now() }).where('id', '=', job.id).execute();
      await eventually(
        async () => !(await db().selectFrom('jobs').select('id').where('id', '=', job.id).executeTakeFirst()),
        20_000,
        'the retry to succeed',
      );
      assert.ok(dead.received.some((r) => r.body.includes(`while dead.test is ${behaviour}`)));
    }
    const [instance] = (await servers.a.server.services.federation.instances.list()).filter((i) => i.domain === 'dead.test');
    assert.ok(instance && instance.failed >= 3 && instance.delivered >= 4, JSON.stringify(instance));
  });

  test('a server failing again and again: its circuit opens and deliveries wait without counting as delivered', async () => {
    dead.behaviour = 'error';
    const failedBefore = (await servers.a.server.services.federation.instances.list()).find((i) => i.domain === 'dead.test')!.failed;
    // Fedify opens a host's circuit after 5 failures within 10 minutes.
    for (let i = 1; i <= 5; i++) {
      const before = dead.received.length;
      await alice.post(`failing ${i}`);
      await eventually(() => dead.received.length > before, 15_000, `failing delivery ${i} to be tried`);
    }
    const held = async () =>
      (await db().selectFrom('jobs').select('payload').where('kind', '=', 'federation.deliver').execute()).filter(
        (j) => JSON.parse(j.payload).circuitHeld === true,
      ).length;
    await eventually(async () => (await held()) >= 1, 15_000, 'the fifth failure to be held by the open circuit');
    const received = dead.received.length;
    const stats = (await servers.a.server.services.federation.instances.list()).find((i) => i.domain === 'dead.test')!;
    await alice.post('while the circuit is open');
    await eventually(async () => (await held()) >= 2, 15_000, 'the next post to be held, not sent');
    assert.equal(dead.received.length, received, 'nothing is sent to a host whose circuit is open');
    const after = (await servers.a.server.services.federation.instances.list()).find((i) => i.domain === 'dead.test')!;
    assert.equal(after.delivered, stats.delivered, 'a held delivery is not counted as delivered');
    assert.equal(after.failed, failedBefore + 5, 'each of the five sent attempts counted as failed');
    dead.behaviour = 'ok';
  });

  test('an inbox at a private address is refused for good, without a request', async () => {
    const sneaky = await evil.actor('sneaky', { inbox: 'https://169.254.169.254/latest/inbox', endpoints: {} });
    const follow = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${sneaky.id}#follow`,
      type: 'Follow',
      actor: sneaky.id,
      object: 'https://a.test/users/alice',
    };
    assert.equal((await FakeRemote.send(INBOX, follow, sneaky)).status, 202);
    await eventually(
      async () => {
        const jobs = await db()
          .selectFrom('jobs')
          .select(['payload', 'failed_at', 'last_error'])
          .where('kind', '=', 'federation.deliver')
          .where('failed_at', 'is not', null)
          .execute();
        return jobs.some((j) => j.payload.includes('169.254.169.254') && /private address/.test(j.last_error ?? ''));
      },
      15_000,
      'the Accept to the private inbox to fail permanently',
    );
  });

  test('a blocked domain is not heard and not delivered to', async () => {
    await servers.a.server.services.federation.instances.moderate('evil.test', 'block', 'spam');
    assert.equal((await FakeRemote.send(INBOX, create(mallory, 'after the block'), mallory)).status < 500, true);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!(await remotePosts()).includes('after the block'));
  });
});
