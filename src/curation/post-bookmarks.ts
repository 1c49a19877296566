import type { PostExtension } from '../social/index.ts';
import type { BookmarksService } from './bookmarks.ts';

/**
 * What curation adds to the posts social shows (registered with social's post extensions from
 * index.ts, as social comes before curation and does not know it): which posts of a page the
 * reader bookmarked.
 */
export function postBookmarks(bookmarks: BookmarksService): PostExtension {
  return {
    bookmarked: (db, reader, postIds) => bookmarks.bookmarkedAmong(db, reader.memberId, 'post_id', postIds),
  };
}
