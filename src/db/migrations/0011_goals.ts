import type { Ddl } from '../ddl.ts';

/**
 * Learning goals (insights/goals.ts): a member's named goals, their tags (hashtag/passion slugs)
 * and the dated notes of each goal's journal.
 */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('goals'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    /** Plain text, '' when none. */
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** `active`, `achieved` or `archived`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('achieved_at', 'bigint')
    .execute();
  // A member's goals by status, newest first; the active-goal limit counts on the prefix.
  await db.schema.createIndex('goals_member').on('goals').columns(['member_id', 'status', 'id']).execute();

  await db.schema
    .createTable('goal_tags')
    .addColumn('goal_id', 'bigint', (c) => c.notNull().references('goals.id').onDelete('cascade'))
    /** Normalised like hashtags and passions (accounts/validation.ts passionSlug), so it matches both. */
    .addColumn('slug', 'text', (c) => c.notNull())
    /** As the member wrote it. */
    .addColumn('name', 'text', (c) => c.notNull())
    /** 0, 1, 2 … in the order written. */
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('goal_tags_pk', ['goal_id', 'slug'])
    .execute();

  await id(db.schema.createTable('goal_notes'))
    .addColumn('goal_id', 'bigint', (c) => c.notNull().references('goals.id').onDelete('cascade'))
    /** Plain text. */
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // A goal's journal, newest first.
  await db.schema.createIndex('goal_notes_goal').on('goal_notes').columns(['goal_id', 'id']).execute();

  // Source suggestions look at the most-subscribed sources first, without scanning them all.
  await db.schema.createIndex('sources_popular').on('sources').columns(['subscriber_count', 'id']).execute();
}
