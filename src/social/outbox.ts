import type { Tx } from '../db/database.ts';

/**
 * What local actors did that other servers may need to hear about. The social services emit
 * these inside the transaction that makes the change, so federation can queue the delivery
 * atomically with it: a crash never loses one, and a rolled-back change never sends one.
 */
export type SocialActivity =
  | { type: 'post'; postId: number }
  | { type: 'edit'; postId: number }
  /** The post row is kept (as a tombstone) but emptied: who saw it travels with the event. */
  | { type: 'delete'; postId: number; actorId: number; visibility: string; mentionedActorIds: number[] }
  | { type: 'boost'; boostId: number; postId: number; actorId: number }
  | { type: 'unboost'; boostId: number; postId: number; actorId: number }
  | { type: 'like'; postId: number; actorId: number }
  | { type: 'unlike'; postId: number; actorId: number }
  | { type: 'follow'; followerId: number; followeeId: number }
  | { type: 'unfollow'; followerId: number; followeeId: number; followUri: string | null }
  | { type: 'accept'; followerId: number; followeeId: number; followUri: string | null }
  | { type: 'reject'; followerId: number; followeeId: number; followUri: string | null }
  /** A member's profile (name, bio, photo, role, passions, links) changed. */
  | { type: 'profile'; actorId: number }
  /** A public post joined a live chat (a question, or an answer): the series' group actor boosts it. */
  | { type: 'chat'; seriesId: number; postId: number };

export type ActivityListener = (tx: Tx, activity: SocialActivity) => Promise<void>;

export class Outbox {
  readonly #listeners: ActivityListener[] = [];

  listen(listener: ActivityListener): void {
    this.#listeners.push(listener);
  }

  async emit(tx: Tx, activity: SocialActivity): Promise<void> {
    for (const listener of this.#listeners) await listener(tx, activity);
  }
}
