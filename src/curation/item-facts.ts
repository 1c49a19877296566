import type { Database } from '../db/database.ts';
import type { ItemExtension } from '../feeds/index.ts';
import type { BookmarksService } from './bookmarks.ts';

/**
 * What curation adds to feed items (registered with feeds from index.ts, as feeds comes
 * before curation and does not know it): which items of a page the viewer bookmarked, and the
 * item's bookmark and unbookmark buttons.
 */
export function itemBookmarks(database: Database, bookmarks: BookmarksService): ItemExtension {
  return {
    async facts(viewer, itemIds) {
      const rows = await database.db
        .selectFrom('bookmarks')
        .select('item_id')
        .where('member_id', '=', viewer.memberId)
        .where('item_id', 'in', [...itemIds])
        .execute();
      return new Map(rows.map((r) => [Number(r.item_id), { bookmarked: true }]));
    },
    actions: {
      bookmark: (viewer, itemId) => bookmarks.bookmarkItem(viewer, itemId),
      unbookmark: (viewer, itemId) => bookmarks.unbookmarkItem(viewer, itemId),
    },
  };
}
