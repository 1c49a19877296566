import type { Queryable } from '../db/database.ts';

/** Changes to an actor's counters: deltas (+1, -1) for the counts, the time of its newest post. */
export interface ActorCountChange {
  followers?: number;
  following?: number;
  posts?: number;
  lastPostAt?: number;
}

/**
 * Moves an actor's follower, following and post counts (inside the caller's transaction, with
 * the change they count). `actors` is accounts' table: other capabilities write it only here.
 */
export async function adjustActorCounts(tx: Queryable, actorId: number, change: ActorCountChange): Promise<void> {
  const { followers = 0, following = 0, posts = 0, lastPostAt } = change;
  if (!followers && !following && !posts && lastPostAt === undefined) return;
  await tx
    .updateTable('actors')
    .set((eb) => ({
      ...(followers ? { followers_count: eb('followers_count', '+', followers) } : {}),
      ...(following ? { following_count: eb('following_count', '+', following) } : {}),
      ...(posts ? { posts_count: eb('posts_count', '+', posts) } : {}),
      ...(lastPostAt !== undefined ? { last_post_at: lastPostAt } : {}),
    }))
    .where('id', '=', actorId)
    .execute();
}

/** Whether new follows of the actor wait for its approval. */
export async function setActorLocked(db: Queryable, actorId: number, locked: boolean): Promise<void> {
  await db
    .updateTable('actors')
    .set({ locked: locked ? 1 : 0 })
    .where('id', '=', actorId)
    .execute();
}
