import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import type { SourcesTable } from '../db/schema.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { type FetchOutcome, fetchFeed } from './fetch.ts';
import { ingestItems, withoutNul } from './ingest.ts';
import { applyRulesToNewItems } from './rule-matching.ts';

/**
 * Keeps sources fresh. The `sources` table is its own queue: a refresher claims due sources
 * with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers share the work),
 * fetches them with a global and a per-host concurrency limit, and commits each source's
 * new items together with its next fetch time — only while it still holds the lease. Each
 * claim writes a token of its own (`lease_owner`); a lease is short (SOURCE_LEASE_MS) and the
 * refresher renews the leases of every source it holds — waiting, fetching or storing — every
 * third of that while it lives. A crash lets the leases lapse within a minute and the sources
 * are fetched again; items are keyed, so nothing is lost and nothing is stored twice.
 *
 * Polling adapts to how often a source publishes (15 minutes to 24 hours); errors back off
 * exponentially; Retry-After is respected; 301/308 update the stored URL; 410 stops polling.
 */

export const MIN_INTERVAL_MS = 15 * 60_000;
export const MAX_INTERVAL_MS = 24 * 3600_000;
/** How long a claim lasts unless renewed (the refresher renews it every third of that while it holds the source). */
export const SOURCE_LEASE_MS = 60_000;

export type SourceRow = Selectable<SourcesTable>;

export interface RefreshOptions {
  concurrency: number;
  perHost: number;
  maxBytes: number;
  timeoutMs?: number;
  /** How long a claim lasts unless renewed (SOURCE_LEASE_MS; tests shorten it to see renewals). */
  leaseMs?: number;
  /** When sources are due and leases end (tests move it on, e.g. past a dead worker's leases). */
  clock?: { now(): number };
}

export interface RefreshSummary {
  fetched: number;
  newItems: number;
  notModified: number;
  errors: number;
}

export interface RefreshResult {
  outcome: FetchOutcome['kind'];
  newItems: number;
  /** False when another refresher took the source meanwhile (nothing was written). */
  stored: boolean;
}

const clamp = (ms: number) => Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(ms)));

/** About half the typical gap between a source's recent items: a daily blog is checked twice a day. */
export function pollingInterval(dates: number[], previousMs: number, foundNew: boolean): number {
  const recent = [...new Set(dates)].sort((a, b) => b - a).slice(0, 11);
  if (recent.length >= 3) {
    const gaps = recent
      .slice(1)
      .map((d, i) => recent[i]! - d)
      .sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    return clamp(median / 2);
  }
  // Too few dates to tell: ease off while nothing new comes.
  return clamp(foundNew ? previousMs : previousMs * 1.5);
}

/** 15 min, 30 min, 1 h, … up to 24 h. */
export function errorBackoff(errorCount: number): number {
  return clamp(MIN_INTERVAL_MS * 2 ** Math.max(0, errorCount - 1));
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

export interface RefreshDeps {
  database: Database;
  http: HttpClient;
  logger: Logger;
  /** Fetch limits (kept, not copied: a test may shorten `timeoutMs`). */
  options: RefreshOptions;
}

export class RefreshService {
  readonly #database: Database;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #options: RefreshOptions;
  /** Sources this refresher is working on (waiting, fetching, storing): id → the token of its claim. */
  readonly #holding = new Map<number, string>();
  #renewal: NodeJS.Timeout | null = null;

  constructor(deps: RefreshDeps) {
    this.#database = deps.database;
    this.#http = deps.http;
    this.#logger = deps.logger.child({ component: 'feeds' });
    this.#options = deps.options;
  }

  get #leaseMs(): number {
    return this.#options.leaseMs ?? SOURCE_LEASE_MS;
  }

  #now(): number {
    return this.#options.clock?.now() ?? Date.now();
  }

  /** Claims up to `limit` due sources (ones someone follows, not gone), leased to this caller. */
  async claimDue(limit: number, now = this.#now()): Promise<SourceRow[]> {
    const { db, dialect } = this.#database;
    const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const result = await sql<SourceRow>`
      update sources set lease_until = ${now + this.#leaseMs}, lease_owner = ${randomUUID()}
       where id in (
         select id from sources
          where next_fetch_at <= ${now} and status <> 'gone' and subscriber_count > 0
            and (lease_until is null or lease_until < ${now})
          order by next_fetch_at
          limit ${limit}
          ${lock})
      returning *`.execute(db);
    return result.rows;
  }

  /** Claims one source now, whether due or not (subscribe, retry); null when someone else holds it. */
  async claim(sourceId: number, now = this.#now()): Promise<SourceRow | null> {
    const row = await this.#database.db
      .updateTable('sources')
      .set({ lease_until: now + this.#leaseMs, lease_owner: randomUUID() })
      .where('id', '=', sourceId)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Refreshes every due source (claiming in batches) until none is left or `signal` aborts. */
  async refreshDue(signal?: AbortSignal): Promise<RefreshSummary> {
    const summary: RefreshSummary = { fetched: 0, newItems: 0, notModified: 0, errors: 0 };
    const { concurrency, perHost } = this.#options;
    const queue: SourceRow[] = [];
    const inFlight = new Set<Promise<void>>();
    const perHostCount = new Map<string, number>();
    let exhausted = false;

    const start = (source: SourceRow) => {
      const host = hostOf(source.url);
      perHostCount.set(host, (perHostCount.get(host) ?? 0) + 1);
      const task = this.refresh(source, signal)
        .then((result) => {
          summary.fetched++;
          summary.newItems += result.newItems;
          if (result.outcome === 'not_modified') summary.notModified++;
          if (result.outcome === 'error') summary.errors++;
        })
        .catch((error: unknown) => {
          summary.errors++;
          this.#logger.error({ err: error, source: source.id }, 'feed refresh failed');
        })
        .finally(() => {
          perHostCount.set(host, perHostCount.get(host)! - 1);
          inFlight.delete(task);
        });
      inFlight.add(task);
    };

    try {
      while (!signal?.aborted) {
        if (!exhausted && queue.length < concurrency * 2) {
          const claimed = await this.claimDue(concurrency * 4);
          if (claimed.length === 0) exhausted = true;
          // Waiting in the queue (for a slot, for their host) does not let their leases lapse.
          this.#hold(claimed);
          queue.push(...claimed);
        }
        // Start what the limits allow: skip sources whose host is busy, keep them queued.
        for (let i = 0; i < queue.length && inFlight.size < concurrency; ) {
          const host = hostOf(queue[i]!.url);
          if ((perHostCount.get(host) ?? 0) < perHost) start(queue.splice(i, 1)[0]!);
          else i++;
        }
        if (inFlight.size === 0) {
          if (exhausted && queue.length === 0) break;
          continue;
        }
        await Promise.race(inFlight);
      }
    } finally {
      await Promise.allSettled(inFlight);
      // Claimed but not started (aborted, or the database failed us): give them back.
      for (const source of queue) this.#unhold(source);
      if (queue.length) {
        await this.#database.db
          .updateTable('sources')
          .set({ lease_until: null, lease_owner: null })
          .where(
            'id',
            'in',
            queue.map((s) => s.id),
          )
          .where('lease_owner', 'in', [...new Set(queue.map((s) => s.lease_owner ?? ''))])
          .execute();
      }
    }
    return summary;
  }

  /** Keeps the leases of these claimed sources renewed until each is unheld. */
  #hold(sources: SourceRow[]): void {
    for (const source of sources) if (source.lease_owner) this.#holding.set(source.id, source.lease_owner);
    this.#scheduleRenewal();
  }

  #unhold(source: SourceRow): void {
    if (this.#holding.get(source.id) === source.lease_owner) this.#holding.delete(source.id);
  }

  /** One renewal timer at a time, while anything is held. */
  #scheduleRenewal(): void {
    if (this.#renewal || this.#holding.size === 0) return;
    this.#renewal = setTimeout(() => {
      void this.renewLeases().finally(() => {
        this.#renewal = null;
        this.#scheduleRenewal();
      });
    }, this.#leaseMs / 3);
    // Nothing to keep the process alive for: whoever holds a source is awaiting its refresh.
    this.#renewal.unref();
  }

  /** Moves the lease of every source this refresher holds one lease on from now; returns how many. */
  async renewLeases(): Promise<number> {
    const ids = [...this.#holding.keys()];
    if (ids.length === 0) return 0;
    try {
      // By id (the primary key; a few dozen at most), and only where our claim's token still is.
      const renewed = await this.#database.db
        .updateTable('sources')
        .set({ lease_until: this.#now() + this.#leaseMs })
        .where('id', 'in', ids)
        .where('lease_owner', 'in', [...new Set(this.#holding.values())])
        .executeTakeFirst();
      return Number(renewed.numUpdatedRows);
    } catch (error) {
      // The database may be briefly away: the next turn tries again, well before the leases end.
      this.#logger.warn({ error: (error as Error).message }, 'could not renew source leases');
      return 0;
    }
  }

  /** Fetches one claimed source (unless discovery just did) and stores the result, if the claim still holds. */
  async refresh(source: SourceRow, signal?: AbortSignal, prefetched?: FetchOutcome): Promise<RefreshResult> {
    this.#hold([source]);
    try {
      return await this.#refresh(source, signal, prefetched);
    } finally {
      this.#unhold(source);
    }
  }

  async #refresh(source: SourceRow, signal?: AbortSignal, prefetched?: FetchOutcome): Promise<RefreshResult> {
    const outcome =
      prefetched ??
      (await fetchFeed(
        this.#http,
        source.url,
        { etag: source.etag, lastModified: source.last_modified },
        {
          maxBytes: this.#options.maxBytes,
          ...(this.#options.timeoutMs ? { timeoutMs: this.#options.timeoutMs } : {}),
          ...(signal ? { signal } : {}),
        },
      ));
    const now = this.#now();
    const { db, dialect } = this.#database;
    return db.transaction().execute(async (tx) => {
      // Still ours? (Another claim's token means someone else may be storing this source: write nothing.)
      const held =
        source.lease_owner === null
          ? undefined
          : await tx
              .selectFrom('sources')
              .select('id')
              .where('id', '=', source.id)
              .where('lease_owner', '=', source.lease_owner)
              .executeTakeFirst();
      if (!held) return { outcome: outcome.kind, newItems: 0, stored: false };
      const base = { lease_until: null, lease_owner: null, last_fetched_at: now };
      let newItems = 0;
      switch (outcome.kind) {
        case 'ok': {
          const ingest = await ingestItems(tx, dialect, source.id, outcome.document, now);
          newItems = ingest.inserted;
          if (ingest.fresh.length) await applyRulesToNewItems(tx, source.id, ingest.fresh);
          const interval = pollingInterval(ingest.dates, source.interval_ms, ingest.inserted > 0);
          const doc = outcome.document;
          await tx
            .updateTable('sources')
            .set({
              ...base,
              ...(outcome.movedTo && outcome.movedTo !== source.url ? await movedUrl(tx, outcome.movedTo) : {}),
              title: withoutNul(doc.title) || source.title,
              site_url: doc.home_page_url ?? source.site_url,
              description: withoutNul(doc.description ?? null),
              icon_url: doc.icon ?? doc.favicon ?? source.icon_url,
              format: `${doc._commonroom.format}${doc._commonroom.format_version ? ` ${doc._commonroom.format_version}` : ''}`,
              status: 'active',
              etag: outcome.etag,
              last_modified: outcome.lastModified,
              last_status: 200,
              last_error: null,
              error_since: null,
              error_count: 0,
              last_success_at: now,
              interval_ms: interval,
              next_fetch_at: now + interval,
            })
            .where('id', '=', source.id)
            .execute();
          break;
        }
        case 'not_modified': {
          const interval = pollingInterval([], source.interval_ms, false);
          await tx
            .updateTable('sources')
            .set({
              ...base,
              ...(outcome.movedTo && outcome.movedTo !== source.url ? await movedUrl(tx, outcome.movedTo) : {}),
              status: 'active',
              last_status: 304,
              last_error: null,
              error_since: null,
              error_count: 0,
              last_success_at: now,
              interval_ms: interval,
              next_fetch_at: now + interval,
            })
            .where('id', '=', source.id)
            .execute();
          break;
        }
        case 'gone':
          await tx
            .updateTable('sources')
            .set({
              ...base,
              status: 'gone',
              last_status: 410,
              last_error: 'the site says the feed is gone for good (410)',
              error_since: source.error_since ?? now,
              error_count: source.error_count + 1,
              next_fetch_at: MAX_SAFE,
            })
            .where('id', '=', source.id)
            .execute();
          break;
        case 'error': {
          const errorCount = source.error_count + 1;
          const wait = Math.max(errorBackoff(errorCount), outcome.retryAfterMs ?? 0);
          await tx
            .updateTable('sources')
            .set({
              ...base,
              status: 'error',
              last_status: outcome.status,
              last_error: outcome.message,
              error_since: source.error_since ?? now,
              error_count: errorCount,
              next_fetch_at: now + wait,
            })
            .where('id', '=', source.id)
            .execute();
          break;
        }
      }
      return { outcome: outcome.kind, newItems, stored: true };
    });
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The new URL after a permanent redirect, unless another source already has it (then keep ours). */
async function movedUrl(tx: Queryable, url: string): Promise<{ url?: string }> {
  if (url.length > 2000) return {}; // too long to be a source's address (a unique key)
  const taken = await tx.selectFrom('sources').select('id').where('url', '=', url).executeTakeFirst();
  return taken ? {} : { url };
}
