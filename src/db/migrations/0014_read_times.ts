import type { Ddl } from '../ddl.ts';

/**
 * When a member read a feed item (item_states.read_at), so that insights count reading as it
 * happens: the Routine's "read" step and heat map, a learning goal's "items read", the
 * consumption stage. Reads before this migration have no time (null); "mark all read" moves a
 * subscription's read mark and records no reading.
 */
export async function up({ db }: Ddl): Promise<void> {
  await db.schema.alterTable('item_states').addColumn('read_at', 'bigint').execute();
  await db.schema.createIndex('item_states_read_at').on('item_states').columns(['member_id', 'read_at']).execute();
}
