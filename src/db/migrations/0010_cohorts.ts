import type { Ddl } from '../ddl.ts';

/**
 * Cohorts (insights/cohorts.ts): an instructor's course group, its PLN assignment as a list of
 * checkpoints, invite links (only their hash is stored) and the students who joined with
 * consent. Leaving deletes the student's row, so their progress disappears at once.
 */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('cohorts'))
    .addColumn('instructor_member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** The due date as the instructor wrote it (YYYY-MM-DD, in their time zone). */
    .addColumn('due_date', 'text', (c) => c.notNull())
    /** The end of that day in the instructor's time zone (epoch ms): editing stops after it. */
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cohorts_instructor').on('cohorts').columns(['instructor_member_id', 'id']).execute();

  // One row per checkpoint of the assignment: a fixed kind with small integer parameters.
  await id(db.schema.createTable('cohort_checkpoints'))
    .addColumn('cohort_id', 'bigint', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    /** `follow`, `join_chat`, `reply`, `article`, `stage`, `bookmarks` or `collection`. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** How many (people, chats, articles …); for `stage`, the stage's index (1 = connection). */
    .addColumn('target', 'integer', (c) => c.notNull())
    /** `follow` only: how many of them must have a role other than the student's. */
    .addColumn('outside_role', 'integer')
    .addUniqueConstraint('cohort_checkpoints_kind', ['cohort_id', 'kind'])
    .execute();

  await id(db.schema.createTable('cohort_invites'))
    .addColumn('cohort_id', 'bigint', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    /** SHA-256 of the link's random token; the token itself is shown once and never stored. */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    /** Null: any number of students may use it until it expires. */
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cohort_invites_cohort').on('cohort_invites').columns(['cohort_id', 'id']).execute();

  // The primary key makes joining twice impossible, even for two requests at the same moment.
  await db.schema
    .createTable('cohort_students')
    .addColumn('cohort_id', 'bigint', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('invite_id', 'bigint', (c) => c.references('cohort_invites.id').onDelete('set null'))
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('consented_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cohort_students_pk', ['cohort_id', 'member_id'])
    .execute();
  await db.schema.createIndex('cohort_students_member').on('cohort_students').column('member_id').execute();
}
