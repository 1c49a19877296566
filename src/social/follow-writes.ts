import { adjustActorCounts } from '../accounts/index.ts';
import type { Tx } from '../db/database.ts';
import { type SocialContext, topics } from './context.ts';
import { backfill, removeAuthor } from './timelines.ts';

/** The steps every accepted or ended follow takes, local (graph.ts) or from another server (remote-follows.ts). */

/** Counts and the follower's home timeline, once a follow is accepted. */
export async function countAcceptedFollow(tx: Tx, followerId: number, followeeId: number): Promise<void> {
  await adjustActorCounts(tx, followerId, { following: 1 });
  await adjustActorCounts(tx, followeeId, { followers: 1 });
  const member = await tx.selectFrom('members').select('id').where('actor_id', '=', followerId).executeTakeFirst();
  if (member) await backfill(tx, topics.home(member.id), followeeId);
}

/**
 * Ends a follow (or a request) inside the caller's transaction: counts, the follower's home
 * timeline, the request's notification. `emit: false` when the other server told us (it needs
 * no answer). False when there was no follow.
 */
export async function removeFollow(ctx: SocialContext, tx: Tx, followerId: number, followeeId: number, emit = true): Promise<boolean> {
  const row = await tx
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .returning(['state', 'uri'])
    .executeTakeFirst();
  if (!row) return false;
  if (emit) await ctx.outbox.emit(tx, { type: 'unfollow', followerId, followeeId, followUri: row.uri });
  if (row.state === 'accepted') {
    await adjustActorCounts(tx, followerId, { following: -1 });
    await adjustActorCounts(tx, followeeId, { followers: -1 });
    const member = await tx.selectFrom('members').select('id').where('actor_id', '=', followerId).executeTakeFirst();
    if (member) await removeAuthor(tx, topics.home(member.id), followeeId);
  }
  await tx
    .deleteFrom('notifications')
    .where('kind', '=', 'follow_request')
    .where('actor_id', '=', followerId)
    .where('member_id', 'in', (eb) => eb.selectFrom('members').select('id').where('actor_id', '=', followeeId))
    .execute();
  return true;
}
