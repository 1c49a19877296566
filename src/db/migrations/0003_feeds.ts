import { sql } from 'kysely';
import type { Ddl } from '../ddl.ts';

/** Sources (feeds), their items, members' subscriptions, folders, read/star state, keyword rules. */
export async function up({ db, id, dialect }: Ddl): Promise<void> {
  // One row per feed URL, however many members follow it: it is fetched once.
  await id(db.schema.createTable('sources'))
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('site_url', 'text')
    .addColumn('description', 'text')
    .addColumn('icon_url', 'text')
    .addColumn('format', 'text')
    /** `active`, `error` (still polled, with backoff) or `gone` (410: no longer polled). */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('error_since', 'bigint')
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_fetched_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_item_at', 'bigint')
    .addColumn('interval_ms', 'bigint', (c) => c.notNull())
    .addColumn('next_fetch_at', 'bigint', (c) => c.notNull())
    /** Claimed by a refresher until then (a crash lets the claim lapse). */
    .addColumn('lease_until', 'bigint')
    .addColumn('subscriber_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sources_due').on('sources').columns(['next_fetch_at']).execute();

  await id(db.schema.createTable('source_items'))
    .addColumn('source_id', 'bigint', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    /** The item's id, else its link, else a hash of its content: the same item is stored once. */
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('author', 'text')
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('image_url', 'text')
    /** JSON: [{ url, mime_type, size_in_bytes?, duration_in_seconds? }] */
    .addColumn('attachments', 'text')
    /** JSON: ["tag", …] */
    .addColumn('tags', 'text')
    .addColumn('published_at', 'bigint')
    .addColumn('updated_at', 'bigint')
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    /** Order key: the published date, never later than when first seen (far-future dates are not trusted). */
    .addColumn('sort_at', 'bigint', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    /** Full article extracted on demand ("load full article"), sanitised. */
    .addColumn('full_html', 'text')
    .execute();
  await db.schema.createIndex('source_items_key').on('source_items').columns(['source_id', 'dedupe_key']).unique().execute();
  await db.schema.createIndex('source_items_river').on('source_items').columns(['source_id', 'sort_at', 'id']).execute();
  // Unread counts: the items of a source above its read mark.
  await db.schema.createIndex('source_items_source_id').on('source_items').columns(['source_id', 'id']).execute();

  await id(db.schema.createTable('folders'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('folders_member_name').on('folders').columns(['member_id', 'name']).unique().execute();

  await id(db.schema.createTable('subscriptions'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('source_id', 'bigint', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.references('folders.id').onDelete('set null'))
    /** The member's own name for the source (null: the feed's title). */
    .addColumn('title', 'text')
    /** Items up to this id are read ("mark all read"), unless marked unread one by one. */
    .addColumn('read_up_to_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_member_source').on('subscriptions').columns(['member_id', 'source_id']).unique().execute();
  await db.schema.createIndex('subscriptions_source').on('subscriptions').columns(['source_id']).execute();

  // A member's marks on one item; absent means "unread unless up to read_up_to_id".
  await db.schema
    .createTable('item_states')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('item_id', 'bigint', (c) => c.notNull().references('source_items.id').onDelete('cascade'))
    /** 1 read, 0 unread (overrides read_up_to_id), null: follow read_up_to_id. */
    .addColumn('read', 'integer')
    .addColumn('starred_at', 'bigint')
    /** Hidden by a mute rule. */
    .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('item_states_pk', ['member_id', 'item_id'])
    .execute();
  await db.schema.createIndex('item_states_starred').on('item_states').columns(['member_id', 'starred_at']).execute();

  await id(db.schema.createTable('keyword_rules'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    /** One of these two, or neither: every source. */
    .addColumn('source_id', 'bigint', (c) => c.references('sources.id').onDelete('cascade'))
    .addColumn('folder_id', 'bigint', (c) => c.references('folders.id').onDelete('cascade'))
    .addColumn('keyword', 'text', (c) => c.notNull())
    /** `mute` or `star` */
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('keyword_rules_member').on('keyword_rules').columns(['member_id']).execute();

  // Bookmarks of feed items, next to bookmarks of posts.
  await db.schema
    .alterTable('bookmarks')
    .addColumn('item_id', 'bigint', (c) => c.references('source_items.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('bookmarks_member_item').on('bookmarks').columns(['member_id', 'item_id']).unique().execute();

  // Full-text search over items: FTS5 on SQLite, tsvector + GIN on PostgreSQL (as for posts).
  if (dialect === 'sqlite') {
    await sql`create virtual table source_items_fts using fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
  } else {
    await sql`alter table source_items add column search tsvector`.execute(db);
    await sql`create index source_items_search on source_items using gin (search)`.execute(db);
  }
}
