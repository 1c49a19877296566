import type { Insertable } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ActorsTable } from '../db/schema.ts';

/**
 * The writes other capabilities make to people (actors and members), which accounts owns and
 * every capability reads. Each takes the database or the caller's transaction, so the change
 * commits together with the caller's own (a follow and its counts, a post and its author's).
 */

/** How an actor's counts change: numbers are added (negative to subtract); `lastPostAt` is set. */
export interface ActorCountsChange {
  followers?: number;
  following?: number;
  posts?: number;
  lastPostAt?: number;
}

/** Adds to an actor's follower, following and post counts and sets when they last posted (social). */
export async function adjustActorCounts(db: Queryable, actorId: number, change: ActorCountsChange): Promise<void> {
  const { followers, following, posts, lastPostAt } = change;
  if (!followers && !following && !posts && lastPostAt === undefined) return;
  await db
    .updateTable('actors')
    .set((eb) => {
      const add = (column: 'followers_count' | 'following_count' | 'posts_count', n: number) =>
        n > 0 ? eb(column, '+', n) : eb(column, '-', -n);
      return {
        ...(followers ? { followers_count: add('followers_count', followers) } : {}),
        ...(following ? { following_count: add('following_count', following) } : {}),
        ...(posts ? { posts_count: add('posts_count', posts) } : {}),
        ...(lastPostAt === undefined ? {} : { last_post_at: lastPostAt }),
      };
    })
    .where('id', '=', actorId)
    .execute();
}

/** Makes an actor's new follows into requests they approve (`locked`), or not (social). */
export async function setActorLocked(db: Queryable, actorId: number, locked: boolean): Promise<void> {
  await db
    .updateTable('actors')
    .set({ locked: locked ? 1 : 0 })
    .where('id', '=', actorId)
    .execute();
}

/** What is known of an actor on another server, from its ActivityPub document. */
export type RemoteActorValues = Required<
  Pick<
    Insertable<ActorsTable>,
    | 'acct'
    | 'handle'
    | 'url'
    | 'inbox_url'
    | 'shared_inbox_url'
    | 'display_name'
    | 'bio'
    | 'avatar_url'
    | 'locked'
    | 'fields'
    | 'search_text'
    | 'updated_at'
  >
> & { domain: string; uri: string };

/**
 * Stores a remote actor (federation): updates the row with the same `uri`, or inserts one; an
 * actor holding the same `acct` (an account that moved) gives it up to the newest document.
 * Returns the actor's id.
 */
export async function upsertRemoteActor(db: Queryable, values: RemoteActorValues): Promise<number> {
  const existing = await db.selectFrom('actors').select('id').where('uri', '=', values.uri).executeTakeFirst();
  if (existing) {
    await db.updateTable('actors').set(values).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const row = await db
    .insertInto('actors')
    .values({ ...values, links: '[]', created_at: values.updated_at })
    .onConflict((oc) => oc.column('acct').doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Whether a member may be featured in public collections and starter kits (curation). */
export async function isFeaturable(db: Queryable, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('members').select('featurable').where('id', '=', memberId).executeTakeFirstOrThrow();
  return row.featurable === 1;
}

/** Lets a member be featured in public collections and starter kits, or declines it (curation). */
export async function setFeaturable(db: Queryable, memberId: number, featurable: boolean): Promise<void> {
  await db
    .updateTable('members')
    .set({ featurable: featurable ? 1 : 0 })
    .where('id', '=', memberId)
    .execute();
}
