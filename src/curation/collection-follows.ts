import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type CollectionAccess, type CollectionSummary, visibleCollection } from './collection-access.ts';
import { noun } from './collection-schemas.ts';

/**
 * Following a shared collection or kit: its new entries reach the follower's notifications
 * (collection-entries.ts sends them). A private collection cannot be followed, nor one's own.
 */

export interface FollowsDeps {
  database: Database;
  access: CollectionAccess;
}

export class CollectionFollowsService {
  readonly #deps: FollowsDeps;

  constructor(deps: FollowsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  async follow(viewer: Viewer, id: number): Promise<void> {
    const { summary, role } = await this.#deps.access.check(viewer, id);
    if (summary.visibility === 'private')
      throw new UserError(
        422,
        'private_collection',
        `A private ${noun(summary.kind)} cannot be followed; its owner can share it with members or everyone.`,
      );
    if (role === 'owner')
      throw new UserError(422, 'own_collection', `This is your own ${noun(summary.kind)}: you see every new entry already.`);
    const inserted = await this.#db
      .insertInto('collection_follows')
      .values({ collection_id: id, member_id: viewer.memberId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['collection_id', 'member_id']).doNothing())
      .returning('member_id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_following', `You already follow this ${noun(summary.kind)}.`);
  }

  async unfollow(viewer: Viewer, id: number): Promise<void> {
    const { summary } = await this.#deps.access.check(viewer, id);
    const removed = await this.#db
      .deleteFrom('collection_follows')
      .where('collection_id', '=', id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_following', `You do not follow this ${noun(summary.kind)}.`);
  }

  /** Whether the member follows the collection. */
  async isFollowing(viewer: Viewer, id: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom('collection_follows')
      .select('member_id')
      .where('collection_id', '=', id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Collections the member follows (still visible to them), last followed first. */
  async list(viewer: Viewer): Promise<CollectionSummary[]> {
    const access = this.#deps.access;
    const rows = await access
      .query()
      .innerJoin('collection_follows as f', 'f.collection_id', 'collections.id')
      .where('f.member_id', '=', viewer.memberId)
      .where('owner_member.suspended_at', 'is', null)
      .where(visibleCollection(viewer))
      .orderBy('f.created_at', 'desc')
      .limit(500)
      .execute();
    return rows.map((r) => access.summary(r));
  }
}
