import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  adjustActorCounts,
  isFeaturable,
  type RemoteActorValues,
  setActorLocked,
  setFeaturable,
  upsertRemoteActor,
} from '../../src/accounts/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The writes other capabilities make to people (accounts/people-writes.ts), on the database they run on.
let server: TestServer;
before(async () => {
  server = await startTestServer();
  await server.client().signup({ handle: 'counted', displayName: 'Counted' });
});
after(() => server.close());

const db = () => server.services.database.db;
const actorOf = (acct: string) => db().selectFrom('actors').selectAll().where('acct', '=', acct).executeTakeFirstOrThrow();

function remote(overrides: Partial<RemoteActorValues> = {}): RemoteActorValues {
  return {
    acct: 'ren@far.example',
    handle: 'ren',
    domain: 'far.example',
    uri: 'https://far.example/users/ren',
    url: 'https://far.example/@ren',
    inbox_url: 'https://far.example/users/ren/inbox',
    shared_inbox_url: 'https://far.example/inbox',
    display_name: 'Ren',
    bio: 'Far away.',
    avatar_url: null,
    locked: 0,
    fields: '[]',
    search_text: 'ren ren far.example',
    updated_at: 1_000,
    ...overrides,
  };
}

describe('writes to people for other capabilities', () => {
  test('adjustActorCounts adds and subtracts in the caller’s transaction, and a rollback undoes it', async () => {
    const { id } = await actorOf('counted');
    await db()
      .transaction()
      .execute(async (tx) => {
        await adjustActorCounts(tx, id, { followers: 2, following: 1, posts: 3, lastPostAt: 12_345 });
        await adjustActorCounts(tx, id, { followers: -1, posts: -1 });
      });
    let row = await actorOf('counted');
    assert.deepEqual([row.followers_count, row.following_count, row.posts_count, row.last_post_at], [1, 1, 2, 12_345]);

    await assert.rejects(
      db()
        .transaction()
        .execute(async (tx) => {
          await adjustActorCounts(tx, id, { following: 5 });
          throw new Error('rolled back');
        }),
      /rolled back/,
    );
    await adjustActorCounts(db(), id, {});
    row = await actorOf('counted');
    assert.deepEqual([row.followers_count, row.following_count, row.posts_count, row.last_post_at], [1, 1, 2, 12_345]);
  });

  test('setActorLocked sets whether new follows need approval, as social reads it', async () => {
    const { id } = await actorOf('counted');
    await setActorLocked(db(), id, true);
    assert.equal((await server.services.social.graph.actor('counted')).locked, true);
    await setActorLocked(db(), id, false);
    assert.equal((await server.services.social.graph.actor('counted')).locked, false);
  });

  test('upsertRemoteActor inserts, updates by uri, and hands a moved account’s acct to the newest document', async () => {
    const id = await upsertRemoteActor(db(), remote());
    const inserted = await actorOf('ren@far.example');
    assert.equal(inserted.id, id);
    assert.equal(inserted.created_at, 1_000);
    assert.equal(inserted.links, '[]');

    const again = await upsertRemoteActor(db(), remote({ display_name: 'Ren Again', updated_at: 2_000 }));
    assert.equal(again, id);
    const updated = await actorOf('ren@far.example');
    assert.deepEqual([updated.display_name, updated.updated_at, updated.created_at], ['Ren Again', 2_000, 1_000]);

    // The same handle@host now answers with another document (the account moved): it takes the acct over.
    const moved = await db()
      .transaction()
      .execute((tx) =>
        upsertRemoteActor(tx, remote({ uri: 'https://far.example/users/ren-2', display_name: 'Ren Moved', updated_at: 3_000 })),
      );
    assert.equal(moved, id);
    const taken = await actorOf('ren@far.example');
    assert.deepEqual([taken.uri, taken.display_name], ['https://far.example/users/ren-2', 'Ren Moved']);
    const all = await db().selectFrom('actors').select('id').where('domain', '=', 'far.example').execute();
    assert.equal(all.length, 1);
  });

  test('setFeaturable and isFeaturable', async () => {
    const member = await server.services.accounts.memberByHandle('counted');
    assert.equal(await isFeaturable(db(), member.id), true);
    await setFeaturable(db(), member.id, false);
    assert.equal(await isFeaturable(db(), member.id), false);
    await db()
      .transaction()
      .execute((tx) => setFeaturable(tx, member.id, true));
    assert.equal(await isFeaturable(db(), member.id), true);
  });
});
