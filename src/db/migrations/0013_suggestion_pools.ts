import type { Ddl } from '../ddl.ts';

/**
 * Who to follow: the best-known people of each passion, role and place, ranked by the
 * insights.pools job (src/insights/pools.ts) so that a suggestion reads a hundred ready rows
 * per passion instead of sorting every holder by followers on each request.
 */
export async function up({ db }: Ddl): Promise<void> {
  await db.schema
    .createTable('suggestion_pools')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('suggestion_pools_pk', ['kind', 'key', 'rank'])
    .execute();
}
