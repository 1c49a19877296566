import type { Ddl } from '../ddl.ts';

/**
 * Routine (insights/routine.ts): the one thing a member's activity does not already record —
 * that they read something from today's plan (opening a feed item or a post leaves no time) —
 * and the indexes that keep the 84-day activity heat map a bounded range read per member.
 */
export async function up({ db }: Ddl): Promise<void> {
  await db.schema
    .createTable('routine_checks')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    /** The member's local date (YYYY-MM-DD) when it was done: one row per step per day. */
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('routine_checks_pk', ['member_id', 'day', 'step'])
    .execute();

  // "What did this member do between these two instants": posts (replies, boosts and chat posts
  // are posts too) and likes by time, rather than every post or like they ever made.
  await db.schema.createIndex('posts_actor_created').on('posts').columns(['actor_id', 'created_at']).execute();
  await db.schema.createIndex('likes_actor_created').on('likes').columns(['actor_id', 'created_at']).execute();
}
