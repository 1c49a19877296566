import type { Ddl } from '../ddl.ts';

/**
 * Who to follow (insights/suggestions.ts): suggestions a member dismissed, and the indexes
 * that keep ranking bounded at 100,000 members and 5,000,000 follows (bench/recommend.ts).
 */
export async function up({ db }: Ddl): Promise<void> {
  await db.schema
    .createTable('suggestion_dismissals')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('suggestion_dismissals_pk', ['member_id', 'actor_id'])
    .execute();

  // Friends of friends: "the N most recent follows of this followee" walks this index backwards
  // and reads nothing else (follows_pair has neither state nor order, so each row would cost
  // a table lookup and the whole list a sort).
  await db.schema.createIndex('follows_follower').on('follows').columns(['follower_id', 'state', 'id', 'followee_id']).execute();
  // Cold start: the most recently active people with a given role, without scanning actors.
  await db.schema.createIndex('actors_role_active').on('actors').columns(['role', 'last_post_at']).execute();
}
