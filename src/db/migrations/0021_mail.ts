import type { Ddl } from '../ddl.ts';

/**
 * Outgoing mail (platform/mail.ts). `mail_outbox` holds every mail from the moment it is queued:
 * a unique `idempotency_key` makes queueing the same mail twice a no-op, and `state` records
 * how far sending got (queued → sending → sent, or failed; `unknown` when a worker stopped in
 * the middle of handing it to the SMTP server, so it may have been delivered and is not sent
 * again). `send_token` names the attempt that marked it sending. `mail_bounces` lists the
 * addresses an SMTP server refused permanently (5xx): no more mail goes to them.
 */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('mail_outbox'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    /** JSON: extra headers ({"Auto-Submitted": "auto-generated"}) */
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('send_token', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('mail_outbox_state').on('mail_outbox').columns(['state', 'updated_at']).execute();
  await db.schema
    .createTable('mail_bounces')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('bounced_at', 'bigint', (c) => c.notNull())
    .execute();
}
