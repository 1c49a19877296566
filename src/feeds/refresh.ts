import { sql, type Selectable } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import type { SourcesTable } from '../db/schema.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { fetchFeed, type FetchOutcome } from './fetch.ts';
import { ingestItems, withoutNul } from './ingest.ts';
import { applyRulesToNewItems } from './rules.ts';

/**
 * Keeps sources fresh. The `sources` table is its own queue: a refresher claims due sources
 * with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers share the work),
 * fetches them with a global and a per-host concurrency limit, and commits each source's
 * new items together with its next fetch time — only while it still holds the lease. A crash
 * lets the lease lapse and the source is fetched again; items are keyed, so nothing is lost
 * and nothing is stored twice.
 *
 * Polling adapts to how often a source publishes (15 minutes to 24 hours); errors back off
 * exponentially; Retry-After is respected; 301/308 update the stored URL; 410 stops polling.
 */

export const MIN_INTERVAL_MS = 15 * 60_000;
export const MAX_INTERVAL_MS = 24 * 3600_000;
/** How long a claim lasts: longer than any fetch (timeout) plus storing. */
const LEASE_MS = 5 * 60_000;

export type SourceRow = Selectable<SourcesTable>;

export interface RefreshOptions {
  concurrency: number;
  perHost: number;
  maxBytes: number;
  timeoutMs?: number;
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
    const gaps = recent.slice(1).map((d, i) => recent[i]! - d).sort((a, b) => a - b);
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

export class Refresher {
  readonly #database: Database;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #options: RefreshOptions;

  constructor(database: Database, http: HttpClient, logger: Logger, options: RefreshOptions) {
    this.#database = database;
    this.#http = http;
    this.#logger = logger.child({ component: 'feeds' });
    this.#options = options;
  }

  /** Claims up to `limit` due sources (ones someone follows, not gone), leased to this caller. */
  async claimDue(limit: number, now = Date.now()): Promise<SourceRow[]> {
    const { db, dialect } = this.#database;
    const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const result = await sql<SourceRow>`
      update sources set lease_until = ${now + LEASE_MS}
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
  async claim(sourceId: number, now = Date.now()): Promise<SourceRow | null> {
    const row = await this.#database.db
      .updateTable('sources')
      .set({ lease_until: now + LEASE_MS })
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

    while (!signal?.aborted) {
      if (!exhausted && queue.length < concurrency * 2) {
        const claimed = await this.claimDue(concurrency * 4);
        if (claimed.length === 0) exhausted = true;
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
    await Promise.allSettled(inFlight);
    // Claimed but not started (aborted): give them back.
    if (queue.length) await this.#database.db.updateTable('sources').set({ lease_until: null }).where('id', 'in', queue.map((s) => s.id)).execute();
    return summary;
  }

  /** Fetches one claimed source (unless discovery just did) and stores the result, if the claim still holds. */
  async refresh(source: SourceRow, signal?: AbortSignal, prefetched?: FetchOutcome): Promise<RefreshResult> {
    const outcome = prefetched ?? await fetchFeed(this.#http, source.url, { etag: source.etag, lastModified: source.last_modified }, {
      maxBytes: this.#options.maxBytes,
      ...(this.#options.timeoutMs ? { timeoutMs: this.#options.timeoutMs } : {}),
      ...(signal ? { signal } : {}),
    });
    const now = Date.now();
    const { db, dialect } = this.#database;
    return db.transaction().execute(async (tx) => {
      // Still ours? (A lapsed lease means someone else may be storing this source: write nothing.)
      const held = await tx.selectFrom('sources').select('id').where('id', '=', source.id).where('lease_until', '=', source.lease_until).executeTakeFirst();
      if (!held) return { outcome: outcome.kind, newItems: 0, stored: false };
      const base = { lease_until: null, last_fetched_at: now };
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
              status: 'active', last_status: 304, last_error: null, error_since: null, error_count: 0, last_success_at: now,
              interval_ms: interval, next_fetch_at: now + interval,
            })
            .where('id', '=', source.id)
            .execute();
          break;
        }
        case 'gone':
          await tx
            .updateTable('sources')
            .set({ ...base, status: 'gone', last_status: 410, last_error: 'the site says the feed is gone for good (410)', error_since: source.error_since ?? now, error_count: source.error_count + 1, next_fetch_at: MAX_SAFE })
            .where('id', '=', source.id)
            .execute();
          break;
        case 'error': {
          const errorCount = source.error_count + 1;
          const wait = Math.max(errorBackoff(errorCount), outcome.retryAfterMs ?? 0);
          await tx
            .updateTable('sources')
            .set({ ...base, status: 'error', last_status: outcome.status, last_error: outcome.message, error_since: source.error_since ?? now, error_count: errorCount, next_fetch_at: now + wait })
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
