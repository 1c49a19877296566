import { sql } from 'kysely';
import type { Ddl } from '../ddl.ts';

/** Federation (ActivityPub): key pairs, Fedify's key–value store, known instances, chat groups' followers, relays, reports. */
export async function up({ db, id }: Ddl): Promise<void> {
  // Local actors' key pairs (RSA for HTTP Signatures, Ed25519 for object proofs), as JWK.
  await db.schema
    .createTable('actor_keys')
    /** `user:<handle>`, `chat:<slug>` or `site` (the instance actor). */
    .addColumn('owner', 'text', (c) => c.notNull())
    /** `RSASSA-PKCS1-v1_5` or `Ed25519` */
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('actor_keys_pk', ['owner', 'algorithm'])
    .execute();

  // Fedify's key–value store (key caches, idempotency, circuit breaker state).
  await db.schema
    .createTable('federation_kv')
    /** The KvKey parts joined with U+001F. */
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('federation_kv_expires')
    .on('federation_kv')
    .column('expires_at')
    .where(sql.ref('expires_at'), 'is not', null)
    .execute();

  // Every remote server we have heard of: moderation (block, silence) and delivery health.
  await db.schema
    .createTable('instances')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    /** `none`, `silence` (their posts reach only people who follow them) or `block` (nothing in or out). */
    .addColumn('moderation', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('moderation_reason', 'text')
    .addColumn('software', 'text')
    .addColumn('delivered_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_delivered_at', 'bigint')
    .addColumn('last_failed_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('received_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_received_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Remote actors following a chat series' group actor.
  await db.schema
    .createTable('chat_followers')
    .addColumn('series_id', 'bigint', (c) => c.notNull().references('chat_series.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('uri', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_followers_pk', ['series_id', 'actor_id'])
    .execute();

  await id(db.schema.createTable('relays'))
    .addColumn('inbox_url', 'text', (c) => c.notNull().unique())
    /** `mastodon` (Follow of as:Public) or `litepub` (Follow of the relay actor). */
    .addColumn('style', 'text', (c) => c.notNull())
    .addColumn('actor_uri', 'text')
    /** `pending`, `accepted` or `rejected` */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('follow_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Reports about remote (or local) content; remote ones can be forwarded to their server.
  await id(db.schema.createTable('reports'))
    .addColumn('reporter_id', 'bigint', (c) => c.references('actors.id').onDelete('set null'))
    .addColumn('target_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('uri', 'text')
    .addColumn('forwarded_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reports_open').on('reports').columns(['resolved_at', 'id']).execute();

  // Likes and boosts from remote actors are undone by the id of their activity.
  await db.schema.createIndex('likes_uri').on('likes').column('uri').where(sql.ref('uri'), 'is not', null).execute();
  await db.schema.createIndex('follows_uri').on('follows').column('uri').where(sql.ref('uri'), 'is not', null).execute();
}
