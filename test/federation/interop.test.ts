import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import { createMember, eventually, type Json, type Member } from '../social/helpers.ts';
import { FakeRemote } from './remote.ts';
import { type FederatedServer, type Network, startFederatedServers } from './support.ts';

/**
 * Real activity JSON as Mastodon, Misskey, Pleroma, Pixelfed, Lemmy and GoToSocial send it
 * (fixtures/SOURCES.md says where each comes from), delivered signed to our shared inbox by a
 * stand-in for each server, and checked for what a member would see.
 */

const DIR = new URL('./fixtures/', import.meta.url).pathname;
const PLATFORMS = ['mastodon', 'misskey', 'pleroma', 'pixelfed', 'lemmy', 'gotosocial'] as const;
const EXPECTED: Record<string, { kind: string; text?: string; hashtags?: string[]; contentWarning?: string; alt?: string[] }> = JSON.parse(
  readFileSync(join(DIR, 'expected.json'), 'utf8'),
);
/** Creates first, then what refers to them; deletions last. */
const ORDER = ['post', 'follow', 'like', 'boost', 'update', 'undo', 'delete'];

let servers: { commonroom: FederatedServer; close(): Promise<void>; network: Network };
let rosa: Member;
const remotes = new Map<string, { remote: FakeRemote }>();
/** Each sending actor's key, by actor id. */
const keys = new Map<string, { keyId: string; privateKey: CryptoKey }>();

before(async () => {
  servers = await startFederatedServers(['commonroom.test'], 50, { extraHosts: PLATFORMS.map((p) => `${p}.test`) });
  rosa = await createMember(servers.commonroom.server, 'rosa');
  const first = await rosa.post('Rosa’s first post, the one the fixtures like and boost');
  assert.equal(first.id, 1, 'fixtures refer to https://commonroom.test/users/rosa/posts/1');
  for (const platform of PLATFORMS) {
    const remote = new FakeRemote(`${platform}.test`);
    await remote.start(servers.network);
    const files = readdirSync(join(DIR, platform)).map((f) => JSON.parse(readFileSync(join(DIR, platform, f), 'utf8')) as Json);
    const actors = new Map<string, Json>(files.filter((f) => f.actor).map((f) => [f.actor.id, f.actor]));
    assert.ok(actors.size > 0, `${platform}: a fixture carries the actor document`);
    for (const actor of actors.values()) {
      const pair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
      const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
      const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
      const document = JSON.parse(JSON.stringify(actor).replaceAll('{{PUBLIC_KEY_PEM}}', pem.replace(/\n/g, '\\n')));
      remote.documents.set(document.id, document);
      const keyId: string = document.publicKey.id;
      // GoToSocial's key has an address of its own (…/main-key), which answers with the actor's key part.
      if (!keyId.includes('#')) remote.documents.set(keyId, document);
      keys.set(document.id, { keyId, privateKey: pair.privateKey });
    }
    if (platform === 'pleroma')
      remote.documents.set(
        'https://pleroma.test/schemas/litepub-0.1.jsonld',
        JSON.parse(readFileSync(join(DIR, 'contexts/litepub-0.1.jsonld'), 'utf8')),
      );
    remotes.set(platform, { remote });
    // Rosa follows each sender, so their posts are wanted here.
    for (const id of actors.keys()) {
      const found = await rosa.api('GET', `/api/v1/federation/lookup?q=${encodeURIComponent(id)}`);
      assert.equal(found.status, 200, `${platform}: ${JSON.stringify(found.json)}`);
      await db()
        .insertInto('follows')
        .values({ follower_id: rosa.actorId, followee_id: found.json.id, state: 'accepted', created_at: Date.now() })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
});
after(async () => {
  for (const { remote } of remotes.values()) await remote.close();
  await servers?.close();
});

const db = () => servers.commonroom.server.services.database.db;

async function deliver(platform: string, activity: Json): Promise<void> {
  const signer = typeof activity.actor === 'string' ? activity.actor : activity.actor.id;
  const key = keys.get(signer);
  assert.ok(key, `${platform}: no actor document for ${signer}`);
  const { keyId, privateKey } = key;
  const request = new Request('https://commonroom.test/inbox', {
    method: 'POST',
    headers: { 'content-type': 'application/activity+json' },
    body: JSON.stringify(activity),
  });
  const res = await fetch(await signRequest(request, privateKey, new URL(keyId)));
  assert.ok(res.status >= 200 && res.status < 300, `${platform}: ${activity.type} → ${res.status} ${await res.text()}`);
  // Processed (received activities are jobs): none left, none failing.
  await eventually(
    async () =>
      !(await db()
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'federation.receive')
        .where('last_error', 'is', null)
        .executeTakeFirst()),
    15_000,
    `${platform} ${activity.type} to be processed`,
  );
  const failing = await db()
    .selectFrom('jobs')
    .select('last_error')
    .where('kind', '=', 'federation.receive')
    .where('last_error', 'is not', null)
    .execute();
  assert.deepEqual(failing, [], `${platform}: ${activity.type} failed`);
}

/** Rosa's first post, which the fixtures like and boost. */
const ROSA_POST = 1;
/** Its likes and boosts, as Rosa's API shows them. */
const counts = async (): Promise<{ likes: number; boosts: number }> => (await rosa.api('GET', `/api/v1/posts/${ROSA_POST}`)).json.counts;
const likeBy = (actorUri: string) =>
  db()
    .selectFrom('likes')
    .innerJoin('actors', 'actors.id', 'likes.actor_id')
    .select('likes.post_id')
    .where('actors.uri', '=', actorUri)
    .where('likes.post_id', '=', ROSA_POST)
    .executeTakeFirst();
const boostBy = (actorUri: string, postId: number) =>
  db()
    .selectFrom('posts')
    .innerJoin('actors', 'actors.id', 'posts.actor_id')
    .select(['posts.id', 'posts.uri'])
    .where('actors.uri', '=', actorUri)
    .where('posts.boost_of_id', '=', postId)
    .executeTakeFirst();
async function notified(who: Member, kind: string, actorUri: string): Promise<boolean> {
  const actor = await db().selectFrom('actors').select('acct').where('uri', '=', actorUri).executeTakeFirstOrThrow();
  const { json } = await who.api('GET', '/api/v1/notifications');
  return json.notifications.some((n: Json) => n.kind === kind && n.actor.acct === actor.acct);
}

const postsBy = async (actorUri: string) =>
  db()
    .selectFrom('posts')
    .innerJoin('actors', 'actors.id', 'posts.actor_id')
    .selectAll('posts')
    .where('actors.uri', '=', actorUri)
    .where('posts.boost_of_id', 'is', null)
    .execute();

describe('activities as fediverse servers send them', () => {
  for (const platform of PLATFORMS) {
    test(`${platform}`, async () => {
      const fixtures = readdirSync(join(DIR, platform))
        .map((file) => ({
          file,
          expected: EXPECTED[`${platform}/${file}`] ?? { kind: 'other' },
          fixture: JSON.parse(readFileSync(join(DIR, platform, file), 'utf8')) as Json,
        }))
        .sort((a, b) => ORDER.indexOf(a.expected.kind) - ORDER.indexOf(b.expected.kind));
      for (const { file, expected, fixture } of fixtures) {
        const activity = fixture.activity;
        const before = await counts();
        await deliver(platform, activity);
        const object = typeof activity.object === 'object' ? activity.object : null;
        const attributed = object?.attributedTo;
        const actorId: string =
          typeof attributed === 'string'
            ? attributed
            : (attributed?.id ?? (typeof activity.actor === 'string' ? activity.actor : activity.actor.id));
        const sender: string = typeof activity.actor === 'string' ? activity.actor : activity.actor.id;
        const label = `${platform}/${file}`;
        if (expected.kind === 'post' && expected.text) {
          const posts = await postsBy(actorId);
          const post = posts.find((p) => p.text.includes(expected.text!));
          assert.ok(
            post,
            `${label}: no stored post contains “${expected.text}” (have: ${posts.map((p) => p.text.slice(0, 60)).join(' | ')})`,
          );
          assert.ok(!/<script|onerror=/i.test(post.html), `${label}: sanitised`);
          if (expected.contentWarning) assert.equal(post.content_warning, expected.contentWarning, label);
          if (expected.hashtags) {
            const tags = (
              await db()
                .selectFrom('post_hashtags')
                .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
                .select('hashtags.slug')
                .where('post_id', '=', post.id)
                .execute()
            ).map((t) => t.slug);
            for (const tag of expected.hashtags)
              assert.ok(tags.includes(tag.toLowerCase()), `${label}: hashtag ${tag} in ${tags.join(', ')}`);
          }
          if (expected.alt) {
            const alts = (await db().selectFrom('media').select('alt').where('post_id', '=', post.id).execute()).map((m) => m.alt);
            assert.deepEqual(
              alts.filter((a) => expected.alt!.includes(a)),
              expected.alt,
              `${label}: alt texts ${JSON.stringify(alts)}`,
            );
          }
          const page = await rosa.api('GET', `/api/v1/posts/${post.id}`);
          assert.equal(page.status, post.visibility === 'direct' ? 404 : 200, `${label}: shown to rosa`);
        } else if (expected.kind === 'follow') {
          const row = await db()
            .selectFrom('follows')
            .innerJoin('actors', 'actors.id', 'follows.follower_id')
            .select('follows.state')
            .where('actors.uri', '=', actorId)
            .where('follows.followee_id', '=', rosa.actorId)
            .executeTakeFirst();
          assert.ok(row, `${label}: the follow is stored`);
        } else if (expected.kind === 'like') {
          // The like counts on Rosa's post, and she hears of it.
          assert.equal((await counts()).likes, before.likes + 1, `${label}: the like counts`);
          assert.ok(await likeBy(sender), `${label}: the like is stored`);
          assert.ok(await notified(rosa, 'like', sender), `${label}: Rosa is told of the like`);
        } else if (expected.kind === 'boost') {
          // A Lemmy community announces its member's Create: the post is the Create's object.
          const inner = object?.type === 'Create' ? object.object : null;
          const boosted = inner ? await db().selectFrom('posts').selectAll().where('uri', '=', inner.id).executeTakeFirst() : undefined;
          if (boosted && expected.text) assert.match(boosted.text, new RegExp(expected.text), label);
          if (expected.text) assert.ok(boosted, `${label}: the boosted post is read from its server and stored`);
          const postId = boosted?.id ?? ROSA_POST;
          const boost = await boostBy(sender, postId);
          assert.ok(boost, `${label}: the boost is stored`);
          assert.equal(boost.uri, activity.id, `${label}: under the Announce's id (so an Undo finds it)`);
          if (!boosted) {
            assert.equal((await counts()).boosts, before.boosts + 1, `${label}: the boost counts`);
            assert.ok(await notified(rosa, 'boost', sender), `${label}: Rosa is told of the boost`);
          } else {
            // Rosa follows the community and the author: the post is in her home timeline, boosted once.
            const home = await rosa.api('GET', '/api/v1/timelines/home');
            const entry = home.json.posts.find((p: Json) => p.id === postId);
            assert.ok(entry, `${label}: the post reaches Rosa's home timeline`);
            assert.equal(entry.counts.boosts, 1, `${label}: the boost counts`);
          }
        } else if (expected.kind === 'undo') {
          const undone: string = object?.type;
          if (undone === 'Follow') {
            const row = await db()
              .selectFrom('follows')
              .innerJoin('actors', 'actors.id', 'follows.follower_id')
              .select('follows.state')
              .where('actors.uri', '=', sender)
              .where('follows.followee_id', '=', rosa.actorId)
              .executeTakeFirst();
            assert.equal(row, undefined, `${label}: the follow is gone`);
          } else if (undone === 'Like') {
            assert.equal((await counts()).likes, before.likes - 1, `${label}: the like no longer counts`);
            assert.equal(await likeBy(sender), undefined, `${label}: the like is gone`);
          } else if (undone === 'Announce') {
            assert.equal((await counts()).boosts, before.boosts - 1, `${label}: the boost no longer counts`);
            assert.equal(await boostBy(sender, ROSA_POST), undefined, `${label}: the boost is gone`);
          } else assert.fail(`${label}: an Undo of ${undone}: the test does not know its outcome`);
        } else if (expected.kind === 'update' && expected.text) {
          const posts = await postsBy(actorId);
          assert.ok(
            posts.some((p) => p.text.includes(expected.text!) && p.edited_at !== null),
            `${label}: the edit is stored`,
          );
        } else if (expected.kind === 'delete') {
          const target = typeof activity.object === 'string' ? activity.object : activity.object.id;
          const row = await db().selectFrom('posts').select('deleted_at').where('uri', '=', target).executeTakeFirst();
          assert.ok(!row || row.deleted_at !== null, `${label}: the post is deleted`);
        }
      }
      assert.equal((await fetch('https://commonroom.test/healthz')).status, 200);
    });
  }
});
