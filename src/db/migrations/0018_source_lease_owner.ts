import type { Ddl } from '../ddl.ts';

/**
 * Who holds a source's lease (sources.lease_owner): a token new for each claim. A refresher
 * renews its leases while it works (so they can be short, and a crashed worker's sources come
 * back within a minute), and stores a fetch only while the source still carries its token.
 */
export async function up({ db }: Ddl): Promise<void> {
  await db.schema.alterTable('sources').addColumn('lease_owner', 'text').execute();
}
