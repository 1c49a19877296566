import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { BookmarksTable, BookmarkVisibility, SnapshotState } from '../db/schema.ts';
import type { BookmarkKind } from './bookmark-schemas.ts';
import { tagsOf } from './bookmark-tags.ts';

/** Bookmarks as read from the database, and as pages and the API show them. */

export interface BookmarkTag {
  slug: string;
  name: string;
}

export interface TagCount extends BookmarkTag {
  count: number;
}

export interface BookmarkView {
  id: number;
  kind: BookmarkKind;
  /** The page (for a post or an item, its page). */
  url: string | null;
  title: string;
  note: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  tags: BookmarkTag[];
  visibility: BookmarkVisibility;
  postId: number | null;
  itemId: number | null;
  snapshot: { state: SnapshotState | null; at: number | null; error: string | null };
  createdAt: number;
  updatedAt: number;
}

export interface BookmarkPage {
  bookmarks: BookmarkView[];
  nextCursor: string | null;
}

/** A bookmark's row, as read (the PostgreSQL search vector is never read back). */
export type BookmarkRow = Omit<Selectable<BookmarksTable>, 'search'>;

export const BOOKMARK_COLUMNS = [
  'id',
  'member_id',
  'post_id',
  'item_id',
  'created_at',
  'url',
  'url_key',
  'title',
  'note',
  'description',
  'image_url',
  'site_name',
  'page_text',
  'visibility',
  'snapshot_state',
  'snapshot_at',
  'snapshot_error',
  'updated_at',
] as const satisfies ReadonlyArray<keyof BookmarkRow>;

export function toView(row: BookmarkRow, tags: BookmarkTag[], baseUrl: string): BookmarkView {
  const kind: BookmarkKind = row.post_id !== null ? 'post' : row.item_id !== null ? 'item' : 'url';
  return {
    id: row.id,
    kind,
    url: row.url ?? (row.post_id !== null ? `${baseUrl}/posts/${row.post_id}` : null),
    title: row.title,
    note: row.note,
    description: row.description,
    imageUrl: row.image_url,
    siteName: row.site_name,
    tags,
    visibility: row.visibility,
    postId: row.post_id,
    itemId: row.item_id,
    snapshot: { state: row.snapshot_state, at: row.snapshot_at, error: row.snapshot_error },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Bookmarks as views, in the order of `ids` (those of other members left out when `memberId` is given). */
export async function bookmarkViews(db: Queryable, ids: number[], baseUrl: string, memberId?: number): Promise<BookmarkView[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('bookmarks')
    .select(BOOKMARK_COLUMNS)
    .where('id', 'in', ids)
    .$if(memberId !== undefined, (q) => q.where('member_id', '=', memberId!))
    .execute();
  const tags = await tagsOf(db, ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toView(row, tags.get(id) ?? [], baseUrl)] : [];
  });
}

/** Views of rows already read. */
export async function viewsOfRows(db: Queryable, rows: BookmarkRow[], baseUrl: string): Promise<BookmarkView[]> {
  const tags = await tagsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(r, tags.get(r.id) ?? [], baseUrl));
}
