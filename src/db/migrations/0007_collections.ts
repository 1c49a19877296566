import { sql } from 'kysely';
import type { Ddl } from '../ddl.ts';

/**
 * Collections and starter kits: ordered, annotated sets of links, bookmarks, posts, sources and
 * people; their collaborators and followers; the member setting to decline being featured; the
 * collection a notification is about.
 */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('collections'))
    .addColumn('owner_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    /** `collection` or `starter_kit` (a collection of people to follow). */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** `private` (owner and collaborators), `members` (signed-in members) or `public`. */
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // "Mine": a member's collections (or kits), recently changed first.
  await db.schema.createIndex('collections_owner').on('collections').columns(['owner_id', 'kind', 'updated_at', 'id']).execute();
  // Browsing the public (or members') kits and collections, recently changed first.
  await db.schema.createIndex('collections_listed').on('collections').columns(['kind', 'visibility', 'updated_at', 'id']).execute();

  await id(db.schema.createTable('collection_entries'))
    .addColumn('collection_id', 'bigint', (c) => c.notNull().references('collections.id').onDelete('cascade'))
    /** 1, 2, 3 … in the order the collection shows them. */
    .addColumn('position', 'integer', (c) => c.notNull())
    /** `link`, `bookmark`, `post`, `source` or `person`; exactly one target column is set to match. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('bookmark_id', 'bigint', (c) => c.references('bookmarks.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('source_id', 'bigint', (c) => c.references('sources.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.references('actors.id').onDelete('cascade'))
    /** A link's title (any entry may carry one to override the target's). */
    .addColumn('title', 'text')
    /** The annotation: why this is here. Plain text. */
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('added_by', 'bigint', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // A collection's entries in order (its page, export and feeds; counts and duplicate checks use the prefix).
  await db.schema.createIndex('collection_entries_order').on('collection_entries').columns(['collection_id', 'position', 'id']).execute();
  // Deleting a post, source, person or bookmark removes the entries pointing to it without a table scan.
  for (const column of ['bookmark_id', 'post_id', 'source_id', 'actor_id']) {
    await db.schema
      .createIndex(`collection_entries_${column}`)
      .on('collection_entries')
      .column(column)
      .where(sql.ref(column), 'is not', null)
      .execute();
  }

  await db.schema
    .createTable('collection_collaborators')
    .addColumn('collection_id', 'bigint', (c) => c.notNull().references('collections.id').onDelete('cascade'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('collection_collaborators_pk', ['collection_id', 'member_id'])
    .execute();
  // "Collaborating": the collections a member helps with.
  await db.schema
    .createIndex('collection_collaborators_member')
    .on('collection_collaborators')
    .columns(['member_id', 'collection_id'])
    .execute();

  await db.schema
    .createTable('collection_follows')
    .addColumn('collection_id', 'bigint', (c) => c.notNull().references('collections.id').onDelete('cascade'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('collection_follows_pk', ['collection_id', 'member_id'])
    .execute();
  // "Followed": the collections a member follows, most recent first.
  await db.schema.createIndex('collection_follows_member').on('collection_follows').columns(['member_id', 'created_at']).execute();

  /** 0 when the member declined to be featured in public starter kits and collections. */
  await db.schema
    .alterTable('members')
    .addColumn('featurable', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .alterTable('notifications')
    .addColumn('collection_id', 'bigint', (c) => c.references('collections.id').onDelete('cascade'))
    .execute();
  await db.schema
    .createIndex('notifications_collection')
    .on('notifications')
    .column('collection_id')
    .where(sql.ref('collection_id'), 'is not', null)
    .execute();
}
