import type { Ddl } from '../ddl.ts';

/**
 * What other servers tell about themselves and their people: a remote actor's profile fields
 * (`PropertyValue` attachments: website, pronouns …, as sanitised HTML), and each server's
 * software and version from its NodeInfo, with when we last asked for it.
 */
export async function up({ db }: Ddl): Promise<void> {
  await db.schema
    .alterTable('actors')
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('instances').addColumn('software_version', 'text').execute();
  await db.schema.alterTable('instances').addColumn('nodeinfo_at', 'bigint').execute();
}
