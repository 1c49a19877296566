import type { Viewer } from '../accounts/service.ts';
import type { Database } from '../db/database.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import { hydratePosts, type PostView } from '../social/hydrate.ts';
import { visibleTo } from '../social/visibility.ts';

/** Private bookmarks of posts and feed items; links join them with curation. */
export class BookmarksService {
  readonly #database: Database;
  readonly #baseUrl: string;

  constructor(database: Database, baseUrl: string) {
    this.#database = database;
    this.#baseUrl = baseUrl;
  }

  async bookmarkPost(viewer: Viewer, postId: number): Promise<void> {
    const db = this.#database.db;
    const visible = await db
      .selectFrom('posts')
      .select('id')
      .where('id', '=', postId)
      .where('boost_of_id', 'is', null)
      .where(visibleTo({ memberId: viewer.memberId, actorId: viewer.actorId }, 'posts'))
      .executeTakeFirst();
    if (!visible) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
    const inserted = await db
      .insertInto('bookmarks')
      .values({ member_id: viewer.memberId, post_id: postId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'post_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_bookmarked', 'You already bookmarked this post.');
  }

  async unbookmarkPost(viewer: Viewer, postId: number): Promise<void> {
    const removed = await this.#database.db.deleteFrom('bookmarks').where('member_id', '=', viewer.memberId).where('post_id', '=', postId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_bookmarked', 'This post is not in your bookmarks.');
  }

  /** Bookmarks a feed item (the caller checked the member may see it). */
  async bookmarkItem(viewer: Viewer, itemId: number): Promise<void> {
    const inserted = await this.#database.db
      .insertInto('bookmarks')
      .values({ member_id: viewer.memberId, post_id: null, item_id: itemId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'item_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_bookmarked', 'You already bookmarked this item.');
  }

  async unbookmarkItem(viewer: Viewer, itemId: number): Promise<void> {
    const removed = await this.#database.db.deleteFrom('bookmarks').where('member_id', '=', viewer.memberId).where('item_id', '=', itemId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_bookmarked', 'This item is not in your bookmarks.');
  }

  async bookmarkedPosts(viewer: Viewer, cursor?: string): Promise<{ posts: PostView[]; nextCursor: string | null }> {
    const limit = 20;
    let query = this.#database.db.selectFrom('bookmarks').select(['id', 'post_id']).where('member_id', '=', viewer.memberId).where('post_id', 'is not', null);
    if (cursor) query = query.where('id', '<', decodeCursor(cursor, ['number'])[0]);
    const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const posts = await hydratePosts(this.#database.db, this.#baseUrl, { memberId: viewer.memberId, actorId: viewer.actorId }, page.map((r) => ({ postId: r.post_id! })));
    return { posts, nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null };
  }
}
