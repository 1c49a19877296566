import type { Ddl } from '../ddl.ts';

/**
 * The live-event log (platform/events.ts): every event published to open Server-Sent Events
 * streams is also kept here for a few minutes, so that a client that reconnects with
 * `Last-Event-ID` is sent what it missed, whichever process it reconnects to. Ids are the SSE
 * ids; they are assigned and committed in order (see docs/timelines.md). `topics` is the
 * event's topics, each followed by a space and the whole led by one (" home:12 tag:edtech "),
 * so that "is this event on topic t" is a substring test on both databases.
 */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('live_events'))
    .addColumn('topics', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** JSON */
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
