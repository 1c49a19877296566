import { sql } from 'kysely';
import type { Ddl } from '../ddl.ts';

/**
 * Bookmarks of anything (curation): a web address, a post or a feed item, with a title, a
 * note, tags, a visibility and a snapshot of the page; tags in their own table; full-text
 * search (FTS5 on SQLite, tsvector + GIN on PostgreSQL). Bookmarks of posts and items made
 * before this migration stay as they are and get their title from the post or item.
 */
export async function up({ db, dialect }: Ddl): Promise<void> {
  const columns: Array<[name: string, type: 'text' | 'bigint', notNullDefault?: string | number]> = [
    /** The page: the normal form of a bookmarked address, or the page of the post or item. */
    ['url', 'text'],
    /** Dedupe key of address bookmarks (the normal form, hashed when very long); null for posts and items. */
    ['url_key', 'text'],
    ['title', 'text', ''],
    ['note', 'text', ''],
    ['description', 'text'],
    ['image_url', 'text'],
    ['site_name', 'text'],
    /** Readable text of the page (capped), for search. */
    ['page_text', 'text'],
    /** `private` (only the member) or `public` (on their profile, for anyone). */
    ['visibility', 'text', 'private'],
    /** `pending`, `ok`, `failed`, or null when no snapshot is taken (imports, posts, items). */
    ['snapshot_state', 'text'],
    ['snapshot_at', 'bigint'],
    ['snapshot_error', 'text'],
    ['updated_at', 'bigint', 0],
  ];
  for (const [name, type, fallback] of columns) {
    await db.schema
      .alterTable('bookmarks')
      .addColumn(name, type, (c) => (fallback === undefined ? c : c.notNull().defaultTo(fallback)))
      .execute();
  }
  await sql`update bookmarks set updated_at = created_at`.execute(db);
  await db.schema.createIndex('bookmarks_member_url').on('bookmarks').columns(['member_id', 'url_key']).unique().execute();
  // A member's bookmarks, newest first (imports keep their dates, so ids are not in date order).
  await db.schema.createIndex('bookmarks_member_created').on('bookmarks').columns(['member_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('bookmark_tags')
    .addColumn('bookmark_id', 'bigint', (c) => c.notNull().references('bookmarks.id').onDelete('cascade'))
    /** The bookmark's owner and visibility, copied so both tag pages read one index (no foreign key: the bookmark's own goes first). */
    .addColumn('member_id', 'bigint', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    /** Lower-case letters and digits, as hashtags and passions. */
    .addColumn('slug', 'text', (c) => c.notNull())
    /** As the member wrote it ("Graphic novels"). */
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bookmark_tags_pk', ['bookmark_id', 'slug'])
    .execute();
  // A member's bookmarks with a tag, and the tag list with counts.
  await db.schema.createIndex('bookmark_tags_member').on('bookmark_tags').columns(['member_id', 'slug', 'bookmark_id']).execute();
  // Public bookmarks with a tag, across members.
  await db.schema
    .createIndex('bookmark_tags_public')
    .on('bookmark_tags')
    .columns(['slug', 'bookmark_id'])
    .where(sql.ref('public'), '=', 1)
    .execute();

  if (dialect === 'sqlite') {
    // `owner` (m<member id>) narrows a search to one member inside the index itself.
    await sql`create virtual table bookmarks_fts using fts5(owner, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
  } else {
    await sql`alter table bookmarks add column search tsvector`.execute(db);
    await sql`create index bookmarks_search on bookmarks using gin (search)`.execute(db);
  }

  // Bookmarks of posts and items made before: their title, address and search entry.
  const old = await sql<{
    id: number;
    member_id: number;
    post_text: string | null;
    post_url: string | null;
    item_title: string | null;
    item_url: string | null;
  }>`
    select b.id, b.member_id, p.text as post_text, p.url as post_url, i.title as item_title, i.url as item_url
      from bookmarks b
      left join posts p on p.id = b.post_id
      left join source_items i on i.id = b.item_id`.execute(db);
  for (const row of old.rows) {
    const text = (row.item_title ?? row.post_text ?? '').replace(/\s+/g, ' ').trim();
    const title = text.length > 120 ? `${text.slice(0, 119)}…` : text;
    await sql`update bookmarks set title = ${title}, url = ${row.item_url ?? row.post_url} where id = ${row.id}`.execute(db);
    const searchable = `${title} ${row.post_text ?? ''}`.normalize('NFD').replace(/\p{M}/gu, '');
    if (dialect === 'sqlite')
      await sql`insert into bookmarks_fts (rowid, owner, text) values (${row.id}, ${`m${row.member_id}`}, ${searchable})`.execute(db);
    else await sql`update bookmarks set search = to_tsvector('simple', ${searchable}) where id = ${row.id}`.execute(db);
  }
}
