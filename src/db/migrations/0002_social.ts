import { sql } from 'kysely';
import type { Ddl } from '../ddl.ts';

/** The social core: posts, media, hashtags, mentions, follows, likes, lists, timelines, notifications, search. */
export async function up({ db, id, dialect }: Ddl): Promise<void> {
  await db.schema
    .alterTable('actors')
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('actors')
    .addColumn('followers_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('actors')
    .addColumn('following_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('actors')
    .addColumn('posts_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('actors').addColumn('last_post_at', 'bigint').execute();

  await id(db.schema.createTable('link_cards'))
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('image_url', 'text')
    .addColumn('site_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'bigint', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('posts'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('uri', 'text', (c) => c.unique())
    .addColumn('url', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('content_warning', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('reply_to_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('reply_to_actor_id', 'bigint', (c) => c.references('actors.id').onDelete('set null'))
    .addColumn('thread_id', 'bigint')
    .addColumn('boost_of_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('card_id', 'bigint', (c) => c.references('link_cards.id').onDelete('set null'))
    .addColumn('first_url', 'text')
    .addColumn('has_media', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('local', 'integer', (c) => c.notNull())
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('boost_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('edited_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('posts_actor').on('posts').columns(['actor_id', 'id']).execute();
  await db.schema.createIndex('posts_reply_to').on('posts').columns(['reply_to_id', 'id']).execute();
  await db.schema.createIndex('posts_thread').on('posts').columns(['thread_id', 'id']).execute();
  await db.schema
    .createIndex('posts_one_boost_each')
    .on('posts')
    .columns(['boost_of_id', 'actor_id'])
    .unique()
    .where(sql.ref('boost_of_id'), 'is not', null)
    .execute();
  // The local timeline: top-level, original posts by members.
  await db.schema
    .createIndex('posts_local_timeline')
    .on('posts')
    .columns(['id'])
    .where(sql<boolean>`local = 1 and boost_of_id is null and reply_to_id is null and deleted_at is null`)
    .execute();

  await id(db.schema.createTable('post_edits'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('content_warning', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('post_edits_post').on('post_edits').columns(['post_id', 'id']).execute();

  await id(db.schema.createTable('media'))
    .addColumn('member_id', 'bigint', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('alt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_post').on('media').columns(['post_id', 'position']).execute();
  await db.schema.createIndex('media_member').on('media').columns(['member_id', 'post_id']).execute();

  await id(db.schema.createTable('hashtags'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    /** Listed (public or members-only) posts carrying it. */
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('post_hashtags')
    .addColumn('hashtag_id', 'bigint', (c) => c.notNull().references('hashtags.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    /** 1 when the post is public or members-only (it belongs on the hashtag's timeline). */
    .addColumn('listed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_hashtags_pk', ['hashtag_id', 'post_id'])
    .execute();
  await db.schema.createIndex('post_hashtags_timeline').on('post_hashtags').columns(['hashtag_id', 'listed', 'post_id']).execute();
  await db.schema.createIndex('post_hashtags_post').on('post_hashtags').column('post_id').execute();
  await db.schema.createIndex('post_hashtags_recent').on('post_hashtags').columns(['created_at', 'hashtag_id']).execute();

  await db.schema
    .createTable('mentions')
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('acct', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'bigint', (c) => c.references('actors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('mentions_pk', ['post_id', 'acct'])
    .execute();
  await db.schema.createIndex('mentions_actor').on('mentions').columns(['actor_id', 'post_id']).execute();

  await id(db.schema.createTable('follows'))
    .addColumn('follower_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('followee_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    /** `accepted` or `pending` (a follow request to a locked account). */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('uri', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('follows_pair', ['follower_id', 'followee_id'])
    .execute();
  await db.schema.createIndex('follows_followee').on('follows').columns(['followee_id', 'state', 'follower_id']).execute();

  await db.schema
    .createTable('hashtag_follows')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('hashtag_id', 'bigint', (c) => c.notNull().references('hashtags.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('hashtag_follows_pk', ['member_id', 'hashtag_id'])
    .execute();
  await db.schema.createIndex('hashtag_follows_tag').on('hashtag_follows').columns(['hashtag_id', 'member_id']).execute();

  for (const table of ['blocks', 'mutes'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
      .addColumn('target_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['actor_id', 'target_id'])
      .execute();
    await db.schema.createIndex(`${table}_target`).on(table).columns(['target_id', 'actor_id']).execute();
  }

  await db.schema
    .createTable('likes')
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('uri', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('likes_pk', ['post_id', 'actor_id'])
    .execute();
  await db.schema.createIndex('likes_actor').on('likes').columns(['actor_id', 'post_id']).execute();

  await db.schema
    .createTable('pins')
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pins_pk', ['actor_id', 'post_id'])
    .execute();

  // Bookmarks belong to curation; they start with posts and later hold links and feed items too.
  await id(db.schema.createTable('bookmarks'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bookmarks_member_post').on('bookmarks').columns(['member_id', 'post_id']).unique().execute();

  await id(db.schema.createTable('lists'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** `private` or `public` (shared: anyone can see who is on it). */
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lists_member').on('lists').columns(['member_id', 'id']).execute();
  await db.schema
    .createTable('list_members')
    .addColumn('list_id', 'bigint', (c) => c.notNull().references('lists.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'actor_id'])
    .execute();
  await db.schema.createIndex('list_members_actor').on('list_members').columns(['actor_id', 'list_id']).execute();

  // Fan-out on write: each home and list timeline is a bounded list of entries, newest first.
  await db.schema
    .createTable('timeline_entries')
    /** `home:<member id>` or `list:<list id>` */
    .addColumn('feed', 'text', (c) => c.notNull())
    /** Order key: the id of the post or boost that brought the entry. */
    .addColumn('sort_id', 'bigint', (c) => c.notNull())
    /** The post shown (for a boost, the boosted post). */
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('boost_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    // One entry per post and timeline. Keyed post first: fan-out writes all of a post's entries
    // at once, so they land side by side in this index instead of one scattered page per
    // follower (only timeline_entries_page is written feed by feed), and deleting a post's
    // entries uses it too. Measured with bench/timeline.ts: half the pages written per fan-out.
    .addPrimaryKeyConstraint('timeline_entries_pk', ['post_id', 'feed'])
    .execute();
  await db.schema.createIndex('timeline_entries_page').on('timeline_entries').columns(['feed', 'sort_id']).execute();
  // Most entries are not boosts: index only those that are.
  await db.schema
    .createIndex('timeline_entries_boost')
    .on('timeline_entries')
    .column('boost_id')
    .where(sql.ref('boost_id'), 'is not', null)
    .execute();

  await id(db.schema.createTable('notifications'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    /** mention, reply, follow, follow_request, boost, like */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema.createIndex('notifications_member').on('notifications').columns(['member_id', 'id']).execute();
  await db.schema.createIndex('notifications_unread').on('notifications').columns(['member_id', 'read_at']).execute();

  // Full-text search over posts: FTS5 on SQLite, tsvector + GIN on PostgreSQL (see social/search.ts).
  if (dialect === 'sqlite') {
    await sql`create virtual table posts_fts using fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
  } else {
    await sql`alter table posts add column search tsvector`.execute(db);
    await sql`create index posts_search on posts using gin (search)`.execute(db);
  }
}
