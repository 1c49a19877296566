import type { Ddl } from '../ddl.ts';

/**
 * Reports become a moderation queue (federation/reports.ts): what is wrong (a category), every
 * post concerned (with its text as it was reported), who resolved a report, and the
 * moderators' notes and actions on it.
 */
export async function up({ db, id }: Ddl): Promise<void> {
  await db.schema
    .alterTable('reports')
    /** `spam`, `harassment`, `sensitive`, `illegal` or `other` (reports from other servers say nothing: `other`). */
    .addColumn('category', 'text', (c) => c.notNull().defaultTo('other'))
    .execute();
  await db.schema
    .alterTable('reports')
    .addColumn('resolved_by', 'bigint', (c) => c.references('actors.id').onDelete('set null'))
    .execute();
  // A member's open reports about someone (duplicates are refused). The queue itself reads
  // reports_open (resolved_at, id) from 0005, for open and resolved reports alike.
  await db.schema.createIndex('reports_reporter').on('reports').columns(['reporter_id', 'target_id']).execute();

  // The posts a report is about. `text` keeps what the post said when it was reported: a post
  // deleted (or edited) since is still there for the moderators to read.
  await db.schema
    .createTable('report_posts')
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('report_posts_pk', ['report_id', 'post_id'])
    .execute();
  await db.schema.createIndex('report_posts_post').on('report_posts').column('post_id').execute();
  // Reports stored before this migration name at most one post.
  await db
    .insertInto('report_posts')
    .columns(['report_id', 'post_id', 'text'])
    .expression(
      db.selectFrom('reports').innerJoin('posts', 'posts.id', 'reports.post_id').select(['reports.id', 'reports.post_id', 'posts.text']),
    )
    .execute();

  // The history of a report: notes moderators write, and what they did (resolve, reopen,
  // forward, suspend, silence, block), each with who and when.
  await id(db.schema.createTable('report_notes'))
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('author_id', 'bigint', (c) => c.references('actors.id').onDelete('set null'))
    /** null for a note; otherwise `resolved`, `reopened`, `forwarded`, `suspended`, `silenced` or `blocked`. */
    .addColumn('action', 'text')
    /** Plain text ('' for an action without a note). */
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_notes_report').on('report_notes').columns(['report_id', 'id']).execute();
}
