import type { ItemExtension } from '../feeds/index.ts';
import type { BookmarksService } from './bookmarks.ts';

/**
 * What curation adds to feed items (registered with feeds from index.ts, as feeds comes
 * before curation and does not know it): which items of a page the viewer bookmarked, and the
 * item's bookmark and unbookmark buttons.
 */
export function itemBookmarks(bookmarks: BookmarksService): ItemExtension {
  return {
    async facts(viewer, itemIds) {
      const ids = await bookmarks.bookmarkedAmong(bookmarks.database.db, viewer.memberId, 'item_id', [...itemIds]);
      return new Map([...ids].map((id) => [id, { bookmarked: true }]));
    },
    actions: {
      bookmark: (viewer, itemId) => bookmarks.bookmarkItem(viewer, itemId),
      unbookmark: (viewer, itemId) => bookmarks.unbookmarkItem(viewer, itemId),
    },
  };
}
