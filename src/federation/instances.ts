import { sql } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import type { InstanceModeration } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { SocialService } from '../social/index.ts';

/** A server we know, as the admin's list shows it. */
export interface Instance {
  domain: string;
  software: string | null;
  softwareVersion: string | null;
  moderation: InstanceModeration;
  reason: string | null;
  actors: number;
  delivered: number;
  failed: number;
  lastDeliveredAt: number | null;
  lastFailedAt: number | null;
  lastError: string | null;
  received: number;
  lastReceivedAt: number | null;
}

export interface InstancesDeps {
  database: Database;
  /** Read when a domain is moderated (our own domain is refused). */
  config: Pick<Config, 'baseUrl'>;
  logger: Logger;
  /** Follows across a blocked domain end (social's follows). */
  social: Pick<SocialService, 'remoteFollows'>;
  /** Told of each server we hear of, with when its NodeInfo was last asked for (server-software.ts). */
  onSeen?: (domain: string, nodeInfoAt: number | null) => Promise<void>;
}

/**
 * The servers we know (`instances`): whether the admin blocked or silenced them, and their
 * health (deliveries made and failed, activities received), for the admin's list.
 */
export class InstancesService {
  readonly #deps: InstancesDeps;
  readonly #logger: Logger;

  constructor(deps: InstancesDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'federation.outbox' });
  }

  get #db() {
    return this.#deps.database.db;
  }

  async moderation(domain: string): Promise<InstanceModeration> {
    const row = await this.#db.selectFrom('instances').select('moderation').where('domain', '=', domain.toLowerCase()).executeTakeFirst();
    return row?.moderation ?? 'none';
  }

  /** The blocked domains. */
  async blocked(): Promise<Set<string>> {
    return new Set(
      (await this.#db.selectFrom('instances').select('domain').where('moderation', '=', 'block').execute()).map((r) => r.domain),
    );
  }

  /** Notes that we heard of a server (for the admin's list of instances). */
  async seen(domain: string, received: boolean): Promise<void> {
    const now = Date.now();
    const row = await this.#db
      .insertInto('instances')
      .values({ domain: domain.toLowerCase(), created_at: now, received_count: received ? 1 : 0, last_received_at: received ? now : null })
      .onConflict((oc) =>
        oc
          .column('domain')
          .doUpdateSet(
            received
              ? (eb) => ({ received_count: eb('instances.received_count', '+', 1), last_received_at: now })
              : { domain: domain.toLowerCase() },
          ),
      )
      .returning(['domain', 'nodeinfo_at'])
      .executeTakeFirstOrThrow();
    await this.#deps.onSeen?.(row.domain, row.nodeinfo_at);
  }

  /** Every server we know, with its moderation and delivery health (the admin's list). */
  async list(): Promise<Instance[]> {
    const db = this.#db;
    const rows = await db
      .selectFrom('instances')
      .leftJoin(
        db
          .selectFrom('actors')
          .select(['domain'])
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('domain', 'is not', null)
          .groupBy('domain')
          .as('a'),
        'a.domain',
        'instances.domain',
      )
      .selectAll('instances')
      .select('a.n')
      .orderBy('instances.domain')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      domain: r.domain,
      software: r.software,
      softwareVersion: r.software_version,
      moderation: r.moderation,
      reason: r.moderation_reason,
      actors: Number(r.n ?? 0),
      delivered: r.delivered_count,
      failed: r.failed_count,
      lastDeliveredAt: r.last_delivered_at,
      lastFailedAt: r.last_failed_at,
      lastError: r.last_error,
      received: r.received_count,
      lastReceivedAt: r.last_received_at,
    }));
  }

  /**
   * Blocks (nothing in or out; follows across end) or silences a domain, or lifts it.
   * Returns the domain as stored (lower-cased, without scheme or path).
   */
  async moderate(rawDomain: string, moderation: InstanceModeration, reason: string): Promise<string> {
    const domain = rawDomain
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '');
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/.test(domain)) throw UserError.field('domain', 'Enter a domain name like example.social.');
    if (domain === new URL(this.#deps.config.baseUrl).host) throw UserError.field('domain', 'This is our own domain.');
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('instances')
        .values({ domain, moderation, moderation_reason: reason || null, created_at: Date.now() })
        .onConflict((oc) => oc.column('domain').doUpdateSet({ moderation, moderation_reason: reason || null }))
        .execute();
      if (moderation === 'block') {
        const remote = (await tx.selectFrom('actors').select('id').where('domain', '=', domain).execute()).map((r) => r.id);
        await this.#deps.social.remoteFollows.forgetAll(remote, tx);
        if (remote.length) await tx.deleteFrom('chat_followers').where('actor_id', 'in', remote).execute();
      }
    });
    return domain;
  }

  /** Records the outcome of a delivery for the admin's instance list. */
  async recordDelivery(domain: string, ok: boolean, error?: string, db: Queryable = this.#db): Promise<void> {
    const now = Date.now();
    await db
      .insertInto('instances')
      .values({
        domain,
        created_at: now,
        delivered_count: ok ? 1 : 0,
        failed_count: ok ? 0 : 1,
        last_delivered_at: ok ? now : null,
        last_failed_at: ok ? null : now,
        last_error: error?.slice(0, 500) ?? null,
      })
      .onConflict((oc) =>
        oc
          .column('domain')
          .doUpdateSet(
            ok
              ? { delivered_count: sql`instances.delivered_count + 1`, last_delivered_at: now }
              : { failed_count: sql`instances.failed_count + 1`, last_failed_at: now, last_error: error?.slice(0, 500) ?? null },
          ),
      )
      .execute();
    if (!ok) this.#logger.warn({ domain, error }, 'delivery failed');
  }
}
