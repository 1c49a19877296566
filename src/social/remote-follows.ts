import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ActorsTable } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { SocialContext } from './context.ts';
import { countAcceptedFollow, removeFollow } from './follow-writes.ts';
import { announceNotifications, notify } from './notifications.ts';

/** A follow as federation reads it: who follows whom, its state, and the id of the Follow activity. */
export interface FollowRow {
  id: number;
  followerId: number;
  followeeId: number;
  state: 'accepted' | 'pending';
  uri: string | null;
}

/**
 * Follows between local and remote accounts, as federation sees them: what other servers tell
 * us (a Follow, an Accept, an Undo or Reject), and the follow rows and followers it needs to
 * answer and deliver.
 */
export class RemoteFollowsService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /**
   * A remote actor follows a local one: a request when the account is locked. Returns the state,
   * or null when they already follow (a repeated Follow is answered again, nothing changes).
   */
  async receiveFollow(
    followerId: number,
    followeeId: number,
    uri: string | null,
  ): Promise<{ state: 'accepted' | 'pending'; isNew: boolean }> {
    const followee = await this.#db.selectFrom('actors').select('locked').where('id', '=', followeeId).executeTakeFirstOrThrow();
    const outcome = await this.#db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('follows')
        .select('state')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .executeTakeFirst();
      if (existing) {
        await tx.updateTable('follows').set({ uri }).where('follower_id', '=', followerId).where('followee_id', '=', followeeId).execute();
        return { state: existing.state as 'accepted' | 'pending', isNew: false, notified: [] as number[] };
      }
      const blocked = await tx
        .selectFrom('blocks')
        .select('actor_id')
        .where('actor_id', '=', followeeId)
        .where('target_id', '=', followerId)
        .executeTakeFirst();
      if (blocked) throw UserError.forbidden('This account does not accept follows from you.');
      const state: 'accepted' | 'pending' = followee.locked === 1 ? 'pending' : 'accepted';
      await tx
        .insertInto('follows')
        .values({ follower_id: followerId, followee_id: followeeId, state, uri, created_at: Date.now() })
        .execute();
      if (state === 'accepted') await countAcceptedFollow(tx, followerId, followeeId);
      const notified = await notify(tx, [
        { recipientActorId: followeeId, kind: state === 'accepted' ? 'follow' : 'follow_request', actorId: followerId, postId: null },
      ]);
      return { state, isNew: true, notified };
    });
    await announceNotifications(this.#ctx, outcome.notified);
    return { state: outcome.state, isNew: outcome.isNew };
  }

  /** A remote actor accepted a local actor's follow request. */
  async receiveAccept(followerId: number, followeeId: number): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('follows')
        .set({ state: 'accepted' })
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await countAcceptedFollow(tx, followerId, followeeId);
      return true;
    });
  }

  /** A remote actor rejected a follow request, removed a follower, or undid their follow. */
  async receiveEnd(followerId: number, followeeId: number): Promise<boolean> {
    return this.#db.transaction().execute((tx) => removeFollow(this.#ctx, tx, followerId, followeeId, false));
  }

  // ---- reading and keeping follow rows (federation) ------------------------------------------

  /** The follow a Follow activity's id names. */
  async byUri(uri: string): Promise<FollowRow | undefined> {
    const [row] = await this.#rows((q) => q.where('uri', '=', uri).limit(1));
    return row;
  }

  /**
   * Follows of `followeeId` (oldest first), optionally only in one state and only by members of
   * this server (`localFollowers`): the follows a remote account's Accept or Reject answers.
   */
  async of(followeeId: number, options: { state?: 'accepted' | 'pending'; localFollowers?: boolean } = {}): Promise<FollowRow[]> {
    return this.#rows((q) =>
      q
        .where('followee_id', '=', followeeId)
        .$if(options.state !== undefined, (w) => w.where('state', '=', options.state!))
        .$if(Boolean(options.localFollowers), (w) => w.where('follower_id', 'in', (eb) => eb.selectFrom('members').select('actor_id'))),
    );
  }

  async #rows(filter: (q: ReturnType<RemoteFollowsService['query']>) => ReturnType<RemoteFollowsService['query']>): Promise<FollowRow[]> {
    const rows = await filter(this.query()).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      followerId: r.follower_id,
      followeeId: r.followee_id,
      state: r.state === 'accepted' ? 'accepted' : 'pending',
      uri: r.uri,
    }));
  }

  private query() {
    return this.#db.selectFrom('follows').select(['id', 'follower_id', 'followee_id', 'state', 'uri']);
  }

  /** Whether any member of this server follows the account (accepted). */
  async hasLocalFollowers(actorId: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom('follows')
      .innerJoin('members', 'members.actor_id', 'follows.follower_id')
      .select('follows.id')
      .where('follows.followee_id', '=', actorId)
      .where('follows.state', '=', 'accepted')
      .limit(1)
      .executeTakeFirst();
    return Boolean(row);
  }

  /**
   * The accepted followers of an account, as actors, in the order they followed; `remoteOnly`
   * keeps those on other servers (delivery), `offset`/`limit` page through them.
   */
  async followers(
    actorId: number,
    options: { remoteOnly?: boolean; offset?: number; limit?: number } = {},
  ): Promise<Array<Selectable<ActorsTable>>> {
    return this.#db
      .selectFrom('follows')
      .innerJoin('actors', 'actors.id', 'follows.follower_id')
      .selectAll('actors')
      .where('follows.followee_id', '=', actorId)
      .where('follows.state', '=', 'accepted')
      .$if(Boolean(options.remoteOnly), (q) => q.where('actors.domain', 'is not', null))
      .orderBy('follows.id')
      .$if(options.offset !== undefined, (q) => q.offset(options.offset!))
      .$if(options.limit !== undefined, (q) => q.limit(options.limit!))
      .execute();
  }

  /** The accounts an account follows (accepted), as actors, in the order it followed them. */
  async followees(actorId: number, options: { offset?: number; limit?: number } = {}): Promise<Array<Selectable<ActorsTable>>> {
    return this.#db
      .selectFrom('follows')
      .innerJoin('actors', 'actors.id', 'follows.followee_id')
      .selectAll('actors')
      .where('follows.follower_id', '=', actorId)
      .where('follows.state', '=', 'accepted')
      .orderBy('follows.id')
      .$if(options.offset !== undefined, (q) => q.offset(options.offset!))
      .$if(options.limit !== undefined, (q) => q.limit(options.limit!))
      .execute();
  }

  /** Records the id of the Follow activity sent for a member's follow of a remote account. */
  async setUri(followerId: number, followeeId: number, uri: string): Promise<void> {
    await this.#db
      .updateTable('follows')
      .set({ uri })
      .where('follower_id', '=', followerId)
      .where('followee_id', '=', followeeId)
      .execute();
  }

  /**
   * Forgets every follow from or to these accounts (an account deleted on its server, a domain
   * blocked), in the caller's transaction if given. Counts and timelines are left as they are.
   */
  async forgetAll(actorIds: number[], db: Queryable = this.#db): Promise<void> {
    if (actorIds.length === 0) return;
    await db
      .deleteFrom('follows')
      .where((eb) => eb.or([eb('follower_id', 'in', actorIds), eb('followee_id', 'in', actorIds)]))
      .execute();
  }
}
