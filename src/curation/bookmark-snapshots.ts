import { sql } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import { readableOfPage } from '../feeds/index.ts';
import type { JobContext, Jobs } from '../jobs/jobs.ts';
import { UserError } from '../platform/errors.ts';
import { FetchError, type FetchOptions, type FetchResult, HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { htmlToText } from '../platform/sanitize.ts';
import { type CardData, cardOfPage } from '../social/index.ts';
import type { JobSpec } from '../web/capability.ts';
import { DESCRIPTION_MAX, PAGE_TEXT_MAX, TITLE_MAX } from './bookmark-schemas.ts';
import { reindexBookmarks } from './bookmark-search.ts';
import { plainText } from './bookmark-text.ts';

/** A snapshot gives up after this long, answered or not (both fetches together). */
export const SNAPSHOT_TIMEOUT_MS = 10_000;
export const SNAPSHOT_JOB = 'curation.snapshot';
/** Largest page read for a snapshot's readable text. */
const SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024;

export interface BookmarkSnapshotsDeps {
  database: Database;
  http: HttpClient;
  jobs: Jobs;
  logger: Logger;
  /** How long a snapshot may take (tests and benchmarks shorten it). */
  timeoutMs?: number;
}

/**
 * Snapshots of bookmarked pages: a job fetches the page's title, description, preview image and
 * readable text through the SSRF-guarded client, with a time limit; a page that never answers
 * fails the snapshot and leaves the bookmark as it was (the job does not retry fetches).
 */
export class BookmarkSnapshots {
  readonly #database: Database;
  readonly #http: HttpClient;
  readonly #jobs: Jobs;
  readonly #logger: Logger;
  readonly #timeoutMs: number;

  constructor(deps: BookmarkSnapshotsDeps) {
    this.#database = deps.database;
    this.#http = deps.http;
    this.#jobs = deps.jobs;
    this.#logger = deps.logger;
    this.#timeoutMs = deps.timeoutMs ?? SNAPSHOT_TIMEOUT_MS;
  }

  /** The snapshot job (declared by index.ts `jobs`). */
  get job(): JobSpec {
    return {
      kind: SNAPSHOT_JOB,
      run: (payload: { bookmarkId: number }, ctx) => this.#snapshot(payload.bookmarkId, ctx),
      options: { maxAttempts: 2, timeoutMs: this.#timeoutMs + 15_000 },
    };
  }

  /** Marks the bookmark's snapshot pending and queues it, in the bookmark's transaction (once per bookmark). */
  async queue(tx: Queryable, bookmarkId: number): Promise<void> {
    await tx.updateTable('bookmarks').set({ snapshot_state: 'pending', snapshot_error: null }).where('id', '=', bookmarkId).execute();
    await this.#jobs.enqueue(SNAPSHOT_JOB, { bookmarkId }, { tx, dedupeKey: `${SNAPSHOT_JOB}:${bookmarkId}` });
  }

  /**
   * The `curation.snapshot` job: title, description, preview image and readable text of the
   * page, fetched through the guarded client within the time limit. Idempotent: it only ever
   * writes what it fetched, and fills the title only when the member left it empty.
   */
  async #snapshot(bookmarkId: number, ctx: JobContext): Promise<void> {
    const db = this.#database.db;
    const row = await db.selectFrom('bookmarks').select(['id', 'url', 'url_key', 'title']).where('id', '=', bookmarkId).executeTakeFirst();
    if (!row?.url || !row.url_key) return ctx.complete();
    const http = new DeadlineClient(this.#http, AbortSignal.any([ctx.signal, AbortSignal.timeout(this.#timeoutMs)]));
    // One fetch of the page gives both its card (title, description, image) and its readable text.
    let card: CardData | null = null;
    let page: FetchResult | null = null;
    let problem: string | null = null;
    try {
      page = await http.fetch(row.url, {
        headers: { accept: 'text/html,application/xhtml+xml' },
        maxBytes: SNAPSHOT_MAX_BYTES,
        timeoutMs: this.#timeoutMs,
      });
      card = await cardOfPage(http, page);
      if (!card) problem = page.status === 200 ? 'the page has no title (it may not be a web page)' : `the page answered ${page.status}`;
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      problem = error.message;
    }
    let pageText: string | null = null;
    if (card && page) {
      try {
        pageText = plainText(htmlToText(readableOfPage(page)), PAGE_TEXT_MAX) || null;
      } catch (error) {
        // No readable article: the title and description are enough.
        if (!(error instanceof UserError)) throw error;
      }
    }
    const now = Date.now();
    if (problem) this.#logger.info({ bookmarkId, url: row.url, problem }, 'bookmark snapshot failed');
    await ctx.complete(async (tx) => {
      await tx
        .updateTable('bookmarks')
        .set(
          card
            ? {
                title: sql<string>`case when title = '' then ${plainText(card.title, TITLE_MAX)} else title end`,
                description: plainText(card.description, DESCRIPTION_MAX) || null,
                image_url: card.imageUrl,
                site_name: plainText(card.siteName, 200) || null,
                page_text: pageText,
                snapshot_state: 'ok',
                snapshot_at: now,
                snapshot_error: null,
              }
            : { snapshot_state: 'failed', snapshot_at: now, snapshot_error: plainText(problem, 300) },
        )
        .where('id', '=', bookmarkId)
        .execute();
      await reindexBookmarks(tx, this.#database.dialect, [bookmarkId]);
    });
  }
}

/**
 * The guarded client with one deadline over several fetches (a snapshot reads the page's card,
 * then its article): every fetch gets the shared signal as well as its own time limit.
 */
class DeadlineClient extends HttpClient {
  readonly #inner: HttpClient;
  readonly #signal: AbortSignal;

  constructor(inner: HttpClient, signal: AbortSignal) {
    super({ userAgent: inner.userAgent });
    this.#inner = inner;
    this.#signal = signal;
  }

  override fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    return this.#inner.fetch(url, { ...options, signal: options.signal ? AbortSignal.any([options.signal, this.#signal]) : this.#signal });
  }
}
