import { type FollowState, passionSlug, setActorLocked } from '../accounts/index.ts';
import type { Tx } from '../db/database.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type SocialContext, topics } from './context.ts';
import { countAcceptedFollow, removeFollow } from './follow-writes.ts';
import { ACTOR_SUMMARY_COLUMNS, type ActorSummary, actorSummary } from './hydrate.ts';
import { announceNotifications, notify } from './notifications.ts';
import { removeAuthor } from './timelines.ts';

export interface Relationship {
  following: boolean;
  requested: boolean;
  followedBy: boolean;
  muting: boolean;
  blocking: boolean;
  blockedBy: boolean;
}

export interface ActorProfile extends ActorSummary {
  locked: boolean;
  followers: number;
  following: number;
  posts: number;
}

/** Who follows whom: follows and follow requests, mutes, blocks, followed hashtags. */
export class GraphService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /** An actor by `handle` (member) or `handle@host` (remote), with counts; 404 when unknown or suspended. */
  async actor(acct: string): Promise<ActorProfile> {
    const key = acct.replace(/^@/, '').toLowerCase();
    const row = await this.#db
      .selectFrom('actors')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select([
        ...ACTOR_SUMMARY_COLUMNS,
        'actors.locked',
        'actors.followers_count',
        'actors.following_count',
        'actors.posts_count',
        'members.suspended_at',
      ])
      .where('actors.acct', '=', key)
      .executeTakeFirst();
    if (!row || row.suspended_at) throw UserError.notFound(`There is no one called @${key} here.`);
    return {
      ...actorSummary(row, this.#ctx.config.baseUrl),
      locked: row.locked === 1,
      followers: row.followers_count,
      following: row.following_count,
      posts: row.posts_count,
    };
  }

  async relationship(viewer: Viewer, actorId: number): Promise<Relationship> {
    const me = viewer.actorId;
    const [out, back, mute, block, blockedBy] = await Promise.all([
      this.#db.selectFrom('follows').select('state').where('follower_id', '=', me).where('followee_id', '=', actorId).executeTakeFirst(),
      this.#db.selectFrom('follows').select('state').where('follower_id', '=', actorId).where('followee_id', '=', me).executeTakeFirst(),
      this.#db.selectFrom('mutes').select('actor_id').where('actor_id', '=', me).where('target_id', '=', actorId).executeTakeFirst(),
      this.#db.selectFrom('blocks').select('actor_id').where('actor_id', '=', me).where('target_id', '=', actorId).executeTakeFirst(),
      this.#db.selectFrom('blocks').select('actor_id').where('actor_id', '=', actorId).where('target_id', '=', me).executeTakeFirst(),
    ]);
    return {
      following: out?.state === 'accepted',
      requested: out?.state === 'pending',
      followedBy: back?.state === 'accepted',
      muting: Boolean(mute),
      blocking: Boolean(block),
      blockedBy: Boolean(blockedBy),
    };
  }

  /** Follows someone; a locked account gets a follow request instead. Returns the new state. */
  async follow(viewer: Viewer, acct: string): Promise<'accepted' | 'pending'> {
    const target = await this.actor(acct);
    if (target.id === viewer.actorId) throw UserError.field('handle', 'You cannot follow yourself.', 422, 'self_follow');
    const relation = await this.relationship(viewer, target.id);
    if (relation.blocking) throw UserError.forbidden(`You blocked @${target.acct}; unblock them first.`);
    if (relation.blockedBy) throw UserError.forbidden(`You cannot follow @${target.acct}.`);
    if (relation.following) throw new UserError(409, 'already_following', `You already follow @${target.acct}.`);
    if (relation.requested)
      throw new UserError(409, 'already_requested', `You already asked to follow @${target.acct}; they have not answered yet.`);
    // A remote account answers with Accept (or Reject): until then the follow is a request.
    const state = target.locked || !target.local ? 'pending' : 'accepted';
    const notified = await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('follows')
        .values({ follower_id: viewer.actorId, followee_id: target.id, state, created_at: Date.now() })
        .execute();
      if (state === 'accepted') await countAcceptedFollow(tx, viewer.actorId, target.id);
      await this.#ctx.outbox.emit(tx, { type: 'follow', followerId: viewer.actorId, followeeId: target.id });
      return notify(tx, [
        { recipientActorId: target.id, kind: state === 'accepted' ? 'follow' : 'follow_request', actorId: viewer.actorId, postId: null },
      ]);
    });
    await announceNotifications(this.#ctx, notified);
    return state;
  }

  /** Stops following (or withdraws a request). */
  async unfollow(viewer: Viewer, acct: string): Promise<void> {
    const target = await this.actor(acct);
    await this.#db.transaction().execute(async (tx) => {
      const removed = await removeFollow(this.#ctx, tx, viewer.actorId, target.id);
      if (!removed) throw new UserError(409, 'not_following', `You do not follow @${target.acct}.`);
    });
  }

  /**
   * Stops following inside the caller's transaction, so another change can go with it (My PLN's
   * "move to a list" adds to the list and unfollows as one). False when there was no follow.
   */
  async unfollowIn(tx: Tx, viewer: Viewer, actorId: number): Promise<boolean> {
    return removeFollow(this.#ctx, tx, viewer.actorId, actorId);
  }

  async followRequests(viewer: Viewer): Promise<ActorSummary[]> {
    const rows = await this.#db
      .selectFrom('follows')
      .innerJoin('actors', 'actors.id', 'follows.follower_id')
      .select([
        'actors.id',
        'actors.handle',
        'actors.acct',
        'actors.domain',
        'actors.display_name',
        'actors.avatar_url',
        'actors.url',
        'actors.role',
        'actors.role_other',
      ])
      .where('follows.followee_id', '=', viewer.actorId)
      .where('follows.state', '=', 'pending')
      .orderBy('follows.id')
      .limit(200)
      .execute();
    return rows.map((r) => actorSummary(r, this.#ctx.config.baseUrl));
  }

  /** Accepts or rejects a follow request from `acct`. */
  async answerRequest(viewer: Viewer, acct: string, accept: boolean): Promise<void> {
    const requester = await this.actor(acct);
    const notified = await this.#db.transaction().execute(async (tx) => {
      const pending = await tx
        .selectFrom('follows')
        .select(['id', 'uri'])
        .where('follower_id', '=', requester.id)
        .where('followee_id', '=', viewer.actorId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (!pending) throw UserError.notFound(`@${requester.acct} has no follow request waiting.`);
      await tx
        .deleteFrom('notifications')
        .where('kind', '=', 'follow_request')
        .where('actor_id', '=', requester.id)
        .where('member_id', '=', viewer.memberId)
        .execute();
      const answer = { followerId: requester.id, followeeId: viewer.actorId, followUri: pending.uri };
      await this.#ctx.outbox.emit(tx, { type: accept ? 'accept' : 'reject', ...answer });
      if (!accept) {
        await tx.deleteFrom('follows').where('id', '=', pending.id).execute();
        return [];
      }
      await tx.updateTable('follows').set({ state: 'accepted' }).where('id', '=', pending.id).execute();
      await countAcceptedFollow(tx, requester.id, viewer.actorId);
      return notify(tx, [{ recipientActorId: viewer.actorId, kind: 'follow', actorId: requester.id, postId: null }]);
    });
    await announceNotifications(this.#ctx, notified);
  }

  /** Locking an account makes new follows into requests; unlocking accepts the waiting ones. */
  async setLocked(viewer: Viewer, locked: boolean): Promise<void> {
    await setActorLocked(this.#db, viewer.actorId, locked);
    if (!locked) {
      for (const requester of await this.followRequests(viewer)) await this.answerRequest(viewer, requester.acct, true);
    }
  }

  async isLocked(viewer: Viewer): Promise<boolean> {
    const row = await this.#db.selectFrom('actors').select('locked').where('id', '=', viewer.actorId).executeTakeFirstOrThrow();
    return row.locked === 1;
  }

  async mute(viewer: Viewer, acct: string): Promise<void> {
    const target = await this.actor(acct);
    if (target.id === viewer.actorId) throw UserError.field('handle', 'You cannot mute yourself.', 422, 'self_mute');
    const inserted = await this.#db
      .insertInto('mutes')
      .values({ actor_id: viewer.actorId, target_id: target.id, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['actor_id', 'target_id']).doNothing())
      .returning('target_id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_muted', `You already muted @${target.acct}.`);
  }

  async unmute(viewer: Viewer, acct: string): Promise<void> {
    const target = await this.actor(acct);
    const removed = await this.#db
      .deleteFrom('mutes')
      .where('actor_id', '=', viewer.actorId)
      .where('target_id', '=', target.id)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_muted', `You have not muted @${target.acct}.`);
  }

  /** Blocks someone: follows both ways end, and neither sees the other's posts. */
  async block(viewer: Viewer, acct: string): Promise<void> {
    const target = await this.actor(acct);
    if (target.id === viewer.actorId) throw UserError.field('handle', 'You cannot block yourself.', 422, 'self_block');
    await this.#db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('blocks')
        .values({ actor_id: viewer.actorId, target_id: target.id, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['actor_id', 'target_id']).doNothing())
        .returning('target_id')
        .executeTakeFirst();
      if (!inserted) throw new UserError(409, 'already_blocked', `You already blocked @${target.acct}.`);
      await removeFollow(this.#ctx, tx, viewer.actorId, target.id);
      await removeFollow(this.#ctx, tx, target.id, viewer.actorId);
      await removeAuthor(tx, topics.home(viewer.memberId), target.id);
      const member = await tx.selectFrom('members').select('id').where('actor_id', '=', target.id).executeTakeFirst();
      if (member) await removeAuthor(tx, topics.home(member.id), viewer.actorId);
    });
  }

  async unblock(viewer: Viewer, acct: string): Promise<void> {
    const target = await this.actor(acct);
    const removed = await this.#db
      .deleteFrom('blocks')
      .where('actor_id', '=', viewer.actorId)
      .where('target_id', '=', target.id)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_blocked', `You have not blocked @${target.acct}.`);
  }

  /** Accepted followers (`followers`) or followees (`following`) of an actor, newest first. */
  async connections(
    actorId: number,
    direction: 'followers' | 'following',
    cursor?: string,
  ): Promise<{ people: ActorSummary[]; nextCursor: string | null }> {
    const limit = 40;
    const [mine, other] = direction === 'followers' ? (['followee_id', 'follower_id'] as const) : (['follower_id', 'followee_id'] as const);
    let query = this.#db
      .selectFrom('follows')
      .innerJoin('actors', 'actors.id', `follows.${other}`)
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select(['follows.id as follow_id', ...ACTOR_SUMMARY_COLUMNS])
      .where(`follows.${mine}`, '=', actorId)
      .where('follows.state', '=', 'accepted')
      .where('members.suspended_at', 'is', null);
    if (cursor) query = query.where('follows.id', '<', decodeCursor(cursor, ['number'])[0]);
    const rows = await query
      .orderBy('follows.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    return {
      people: page.map((r) => actorSummary(r, this.#ctx.config.baseUrl)),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.follow_id]) : null,
    };
  }

  // ---- relationships, batched (for other capabilities: curation, chats, live updates) ----------

  /** Whether `followerId` follows `followeeId` (accepted). */
  async isFollowing(followerId: number, followeeId: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom('follows')
      .select('id')
      .where('follower_id', '=', followerId)
      .where('followee_id', '=', followeeId)
      .where('state', '=', 'accepted')
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Of these accounts, those `followerId` follows or asked to follow, with the state of each, in one query. */
  async followStates(followerId: number, followeeIds: number[]): Promise<Map<number, 'accepted' | 'pending'>> {
    if (followeeIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('follows')
      .select(['followee_id', 'state'])
      .where('follower_id', '=', followerId)
      .where('followee_id', 'in', [...new Set(followeeIds)])
      .execute();
    return new Map(rows.map((r) => [r.followee_id, r.state === 'accepted' ? 'accepted' : 'pending']));
  }

  /**
   * The viewer's follow state towards each of these accounts, as the directory's cards show it:
   * following, requested, or a block between them (either way); in two queries.
   */
  async followStatesFor(viewer: Viewer, actorIds: readonly number[]): Promise<Map<number, FollowState>> {
    const ids = [...actorIds];
    const [follows, blocked] = await Promise.all([this.followStates(viewer.actorId, ids), this.blockedBetween(viewer.actorId, ids)]);
    const states = new Map<number, FollowState>();
    for (const [id, state] of follows) states.set(id, state === 'accepted' ? 'following' : 'requested');
    for (const id of blocked) states.set(id, 'blocked');
    return states;
  }

  /** Everyone `followerId` follows; with `pending`, also those they asked to follow. */
  async followeeIds(followerId: number, options: { pending?: boolean } = {}): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('follows')
      .select('followee_id')
      .where('follower_id', '=', followerId)
      .$if(!options.pending, (q) => q.where('state', '=', 'accepted'))
      .orderBy('id')
      .execute();
    return rows.map((r) => r.followee_id);
  }

  /** Of these accounts, those with a block between them and `actorId` (either way), in one query. */
  async blockedBetween(actorId: number, otherIds: number[]): Promise<Set<number>> {
    if (otherIds.length === 0) return new Set();
    const ids = [...new Set(otherIds)];
    const rows = await this.#db
      .selectFrom('blocks')
      .select(['actor_id', 'target_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('actor_id', '=', actorId), eb('target_id', 'in', ids)]),
          eb.and([eb('target_id', '=', actorId), eb('actor_id', 'in', ids)]),
        ]),
      )
      .execute();
    return new Set(rows.map((r) => (r.actor_id === actorId ? r.target_id : r.actor_id)));
  }

  /** The accounts a reader does not want to see (muted, blocked) or who blocked them. */
  async silencedFor(actorId: number): Promise<Set<number>> {
    const rows = await this.#db
      .selectFrom('blocks')
      .select('target_id')
      .where('actor_id', '=', actorId)
      .union(this.#db.selectFrom('mutes').select('target_id').where('actor_id', '=', actorId))
      .union(this.#db.selectFrom('blocks').select('actor_id as target_id').where('target_id', '=', actorId))
      .execute();
    return new Set(rows.map((r) => r.target_id));
  }

  // ---- hashtags ----------------------------------------------------------------------------

  async followHashtag(viewer: Viewer, tag: string): Promise<void> {
    const hashtag = await this.#hashtag(tag, true);
    const inserted = await this.#db
      .insertInto('hashtag_follows')
      .values({ member_id: viewer.memberId, hashtag_id: hashtag.id, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'hashtag_id']).doNothing())
      .returning('hashtag_id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_following', `You already follow #${hashtag.name}.`);
  }

  async unfollowHashtag(viewer: Viewer, tag: string): Promise<void> {
    const hashtag = await this.#hashtag(tag, false);
    const removed = await this.#db
      .deleteFrom('hashtag_follows')
      .where('member_id', '=', viewer.memberId)
      .where('hashtag_id', '=', hashtag.id)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_following', `You do not follow #${hashtag.name}.`);
  }

  async followedHashtags(viewer: Viewer): Promise<Array<{ slug: string; name: string }>> {
    return this.#db
      .selectFrom('hashtag_follows')
      .innerJoin('hashtags', 'hashtags.id', 'hashtag_follows.hashtag_id')
      .select(['hashtags.slug', 'hashtags.name'])
      .where('hashtag_follows.member_id', '=', viewer.memberId)
      .orderBy('hashtags.slug')
      .execute();
  }

  async followsHashtag(viewer: Viewer, slug: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('hashtag_follows')
      .innerJoin('hashtags', 'hashtags.id', 'hashtag_follows.hashtag_id')
      .select('hashtags.id')
      .where('hashtag_follows.member_id', '=', viewer.memberId)
      .where('hashtags.slug', '=', slug)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** A hashtag by name or slug; following creates it (you may follow a tag before anyone uses it). */
  async #hashtag(tag: string, create: boolean): Promise<{ id: number; name: string }> {
    const name = tag.replace(/^#/, '').trim();
    const slug = passionSlug(name);
    if (!slug || slug.length > 100) throw UserError.field('tag', 'A hashtag needs letters or digits, like #tlchat.');
    if (create) {
      await this.#db
        .insertInto('hashtags')
        .values({ slug, name, created_at: Date.now() })
        .onConflict((oc) => oc.column('slug').doNothing())
        .execute();
    }
    const row = await this.#db.selectFrom('hashtags').select(['id', 'name']).where('slug', '=', slug).executeTakeFirst();
    if (!row) throw UserError.notFound(`No one has used #${name} yet.`);
    return row;
  }
}
