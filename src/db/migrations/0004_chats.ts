import type { Ddl } from '../ddl.ts';

/** Chats and backchannels: series, occurrences, questions (or sessions), chat posts, RSVPs. */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('chat_series'))
    /** In URLs: /chats/<slug>. */
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    /** `chat` (numbered questions) or `backchannel` (named sessions over a time window). */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The hashtag's slug (lower case, no #): posts carrying it during a live chat belong to it. */
    .addColumn('hashtag', 'text', (c) => c.notNull())
    /** The hashtag as the host spells it (#TLChat). */
    .addColumn('hashtag_name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    /** JSON: { freq: 'once' } | { freq: 'weekly', interval, weekday } | { freq: 'monthly', week, weekday } */
    .addColumn('recurrence', 'text', (c) => c.notNull())
    /** Local date (YYYY-MM-DD) of the first occurrence, and local start time (HH:MM). */
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    /** Default minutes between timed questions; null: released by hand. */
    .addColumn('question_interval', 'integer')
    .addColumn('owner_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_series_hashtag').on('chat_series').column('hashtag').execute();

  await db.schema
    .createTable('chat_moderators')
    .addColumn('series_id', 'bigint', (c) => c.notNull().references('chat_series.id').onDelete('cascade'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    /** `host` or `moderator` */
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_moderators_pk', ['series_id', 'member_id'])
    .execute();
  await db.schema.createIndex('chat_moderators_member').on('chat_moderators').columns(['member_id', 'series_id']).execute();

  await id(db.schema.createTable('chats'))
    .addColumn('series_id', 'bigint', (c) => c.notNull().references('chat_series.id').onDelete('cascade'))
    /** Local date in the series' time zone: /chats/<series>/<date>. */
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull().defaultTo(''))
    /** `scheduled`, `live`, `ended` or `cancelled` */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    /** Minutes between timed questions (null: by hand), and when the next one is due. */
    .addColumn('question_interval', 'integer')
    .addColumn('next_release_at', 'bigint')
    .addColumn('reminded_at', 'bigint')
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('chats_series_date', ['series_id', 'date'])
    .execute();
  await db.schema.createIndex('chats_state').on('chats').columns(['state', 'starts_at']).execute();
  await db.schema.createIndex('chats_series_starts').on('chats').columns(['series_id', 'starts_at']).execute();

  await id(db.schema.createTable('chat_questions'))
    .addColumn('chat_id', 'bigint', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    /** A backchannel's session name; empty for a chat's numbered question. */
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('image_url', 'text')
    .addColumn('image_alt', 'text')
    /** A backchannel session's time window. */
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('released_at', 'bigint')
    /** The post that asked it, once released. */
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('chat_questions_number', ['chat_id', 'number'])
    .execute();
  await db.schema.createIndex('chat_questions_post').on('chat_questions').column('post_id').execute();

  await db.schema
    .createTable('chat_posts')
    .addColumn('chat_id', 'bigint', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    /** The question (or session) it answers, when it says or replies to one. */
    .addColumn('question_id', 'bigint', (c) => c.references('chat_questions.id').onDelete('set null'))
    /** The author's first chat in this series: hosts welcome them. */
    .addColumn('first_time', 'integer', (c) => c.notNull())
    .addColumn('highlighted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_posts_pk', ['chat_id', 'post_id'])
    .execute();
  await db.schema.createIndex('chat_posts_actor').on('chat_posts').columns(['actor_id', 'chat_id']).execute();
  await db.schema.createIndex('chat_posts_post').on('chat_posts').column('post_id').execute();

  await db.schema
    .createTable('chat_rsvps')
    .addColumn('chat_id', 'bigint', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_rsvps_pk', ['chat_id', 'member_id'])
    .execute();
  await db.schema.createIndex('chat_rsvps_member').on('chat_rsvps').columns(['member_id', 'chat_id']).execute();

  // Reminders ("#tlchat starts in 15 minutes") are notifications about a chat.
  await db.schema
    .alterTable('notifications')
    .addColumn('chat_id', 'bigint', (c) => c.references('chats.id').onDelete('cascade'))
    .execute();
}
