import { sql } from 'kysely';
import { csvCell } from '../chats/index.ts';
import type { Queryable } from '../db/database.ts';
import type { BookmarkVisibility } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { BOOKMARK_COLUMNS, type BookmarkRow, type BookmarkTag, type BookmarkView } from './bookmark-rows.ts';
import { NOTE_MAX, TITLE_MAX } from './bookmark-schemas.ts';
import { indexNewBookmarks, reindexBookmarks, searchText, searchVector } from './bookmark-search.ts';
import { addTags, parseTags } from './bookmark-tags.ts';
import { mergeNote, plainText } from './bookmark-text.ts';
import type { BookmarksService } from './bookmarks.ts';
import { type NetscapeEntry, NetscapeReader, type NetscapeSkip, netscapeEntry, netscapeFooter, netscapeHeader } from './netscape.ts';
import { URL_PROBLEMS } from './urls.ts';

/**
 * Bookmarks in and out: Netscape bookmark HTML (browsers, Diigo, Pinboard, Raindrop) both
 * ways, CSV and JSON out.
 *
 * An import reads the file as a stream (netscape.ts) and writes 500 bookmarks at a time, each
 * batch in one transaction with one insert statement, so a 20 MB file costs neither a DOM nor
 * 20,000 round trips. Addresses are normalised and merged as when bookmarking by hand (the
 * same address twice in the file, or one already bookmarked, is one bookmark: tags united,
 * notes joined); the exported titles and dates are kept and no page is fetched. A batch that
 * was written stays written; importing the same file again changes nothing (everything merges).
 */

/** Largest bookmark file accepted (a browser export of 20,000 bookmarks is about 5 MB). */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Bookmarks written per statement and transaction. */
export const IMPORT_BATCH = 500;
/** Imports of at least this many new bookmarks refresh PostgreSQL's statistics. */
const ANALYZE_AFTER = 1000;
/** Skipped entries listed one by one in the summary (all are counted). */
const SKIPPED_LISTED = 100;

export interface ImportSummary {
  /** New bookmarks. */
  imported: number;
  /** Entries that joined a bookmark already there (bookmarked before, or earlier in the file). */
  merged: number;
  /** Entries not imported, in all. */
  skipped: number;
  /** How many were skipped for each reason. */
  reasons: Record<string, number>;
  /** The first skipped entries, with their line in the file. */
  skippedEntries: Array<{ line: number; url: string | null; title: string; reason: string }>;
}

interface Prepared {
  line: number;
  url: string;
  key: string;
  title: string;
  note: string;
  tags: BookmarkTag[];
  visibility: BookmarkVisibility;
  createdAt: number;
  updatedAt: number;
  /** Entries of the file merged into this one (same address). */
  merges: number;
}

export class BookmarkTransfer {
  readonly #bookmarks: BookmarksService;

  constructor(bookmarks: BookmarksService) {
    this.#bookmarks = bookmarks;
  }

  /**
   * Imports a Netscape bookmark file given as a stream of bytes (a request body or an
   * uploaded file). A file that is not a bookmark export is a 422 saying what is expected;
   * one larger than IMPORT_MAX_BYTES a 413 (the HTTP layer refuses those before reading).
   */
  async importNetscape(viewer: Viewer, source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<ImportSummary> {
    const summary: ImportSummary = { imported: 0, merged: 0, skipped: 0, reasons: {}, skippedEntries: [] };
    const reader = new NetscapeReader();
    const decoder = new TextDecoder('utf-8');
    let pending: NetscapeEntry[] = [];
    let bytes = 0;
    const now = Date.now();
    const take = async (events: ReturnType<NetscapeReader['feed']>) => {
      for (const event of events) {
        if (event.kind === 'skipped') this.#skip(summary, event.skip);
        else pending.push(event.entry);
      }
      // One chunk of text can finish many bookmarks: write them IMPORT_BATCH at a time.
      while (pending.length >= IMPORT_BATCH) {
        const batch = pending.slice(0, IMPORT_BATCH);
        pending = pending.slice(IMPORT_BATCH);
        await this.#writeBatch(viewer, batch, summary, now);
      }
    };
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (bytes > IMPORT_MAX_BYTES) throw tooLargeImport();
      await take(reader.feed(decoder.decode(chunk, { stream: true })));
    }
    await take(reader.feed(decoder.decode()));
    await take(reader.end());
    if (reader.anchors === 0) {
      if (reader.sawDoctype) throw new UserError(422, 'empty_import', 'This bookmark file lists no bookmarks.');
      throw new UserError(
        422,
        'not_bookmarks',
        'This file is not a bookmark export. Export your bookmarks as an HTML file in the “Netscape bookmark” format, as browsers (Bookmarks → Export), Diigo, Pinboard and Raindrop do, and import that file.',
      );
    }
    if (pending.length) await this.#writeBatch(viewer, pending, summary, now);
    // Thousands of new rows at once: PostgreSQL's planner statistics would be stale until
    // autovacuum comes by, and searches would scan where an index serves (measured: 10× slower).
    const { database } = this.#bookmarks;
    if (database.dialect === 'postgres' && summary.imported >= ANALYZE_AFTER)
      await sql`analyze bookmarks, bookmark_tags`.execute(database.db);
    return summary;
  }

  #skip(summary: ImportSummary, skip: NetscapeSkip): void {
    summary.skipped++;
    summary.reasons[skip.reason] = (summary.reasons[skip.reason] ?? 0) + 1;
    if (summary.skippedEntries.length < SKIPPED_LISTED) {
      summary.skippedEntries.push({
        line: skip.line,
        url: skip.href ? skip.href.slice(0, 300) : null,
        title: skip.title.slice(0, 200),
        reason: skip.reason,
      });
    }
  }

  /** Checks and merges a batch in memory, then writes it in one transaction. */
  async #writeBatch(viewer: Viewer, entries: NetscapeEntry[], summary: ImportSummary, now: number): Promise<void> {
    const byKey = new Map<string, Prepared>();
    for (const entry of entries) {
      const checked = this.#bookmarks.urls.check(entry.href);
      if (!('url' in checked)) {
        this.#skip(summary, { line: entry.line, href: entry.href, title: entry.title, reason: URL_PROBLEMS[checked.problem] });
        continue;
      }
      const createdAt = entry.addDate ?? now;
      const prepared: Prepared = {
        line: entry.line,
        url: checked.url,
        key: checked.key,
        title: plainText(entry.title, TITLE_MAX),
        note: plainText(entry.note, NOTE_MAX, { lines: true }),
        tags: parseTags(entry.tags, false),
        visibility: entry.private === false ? 'public' : 'private',
        createdAt,
        updatedAt: Math.max(entry.lastModified ?? createdAt, createdAt),
        merges: 0,
      };
      const same = byKey.get(checked.key);
      if (same) mergeInto(same, prepared);
      else byKey.set(checked.key, prepared);
    }
    if (byKey.size === 0) return;
    const { db, dialect } = this.#bookmarks.database;
    const memberId = viewer.memberId;
    const counts = await db.transaction().execute(async (tx) => {
      const keys = [...byKey.keys()];
      const existing = await tx
        .selectFrom('bookmarks')
        .select(['id', 'url_key', 'title', 'note', 'visibility', 'created_at', 'updated_at'])
        .where('member_id', '=', memberId)
        .where('url_key', 'in', keys)
        .execute();
      const known = new Map(existing.map((e) => [e.url_key!, e]));
      const fresh = [...byKey.values()].filter((p) => !known.has(p.key));
      const touched: number[] = [];
      let merged = 0;
      if (fresh.length) {
        const texts = new Map(
          fresh.map((p) => [p.key, searchText({ title: p.title, note: p.note, description: null, page_text: null, url: p.url }, p.tags)]),
        );
        const inserted = await tx
          .insertInto('bookmarks')
          .values(
            fresh.map((p) => ({
              ...(dialect === 'postgres' ? { search: searchVector(texts.get(p.key)!) } : {}),
              member_id: memberId,
              post_id: null,
              item_id: null,
              url: p.url,
              url_key: p.key,
              title: p.title,
              note: p.note,
              description: null,
              image_url: null,
              site_name: null,
              page_text: null,
              visibility: p.visibility,
              snapshot_state: null,
              snapshot_at: null,
              snapshot_error: null,
              created_at: p.createdAt,
              updated_at: p.updatedAt,
            })),
          )
          .returning(['id', 'url_key'])
          .execute();
        const ids = new Map(inserted.map((r) => [r.url_key!, r.id]));
        await addTags(
          tx,
          fresh.map((p) => ({ bookmarkId: ids.get(p.key)!, memberId, visibility: p.visibility, tags: p.tags })),
        );
        await indexNewBookmarks(
          tx,
          dialect,
          inserted.map((r) => ({ id: r.id, memberId, text: texts.get(r.url_key!)! })),
        );
        merged += fresh.reduce((n, p) => n + p.merges, 0);
      }
      for (const p of byKey.values()) {
        const row = known.get(p.key);
        if (!row) continue;
        merged += 1 + p.merges;
        // An import never changes the visibility of a bookmark already there.
        await tx
          .updateTable('bookmarks')
          .set({
            title: row.title || p.title,
            note: mergeNote(row.note, p.note),
            created_at: Math.min(row.created_at, p.createdAt),
            updated_at: Math.max(row.updated_at, p.updatedAt),
          })
          .where('id', '=', row.id)
          .execute();
        await addTags(tx, [{ bookmarkId: row.id, memberId, visibility: row.visibility, tags: p.tags }]);
        touched.push(row.id);
      }
      await reindexBookmarks(tx, dialect, touched);
      return { imported: fresh.length, merged };
    });
    summary.imported += counts.imported;
    summary.merged += counts.merged;
  }

  // ---- exports ------------------------------------------------------------------------------

  /** Every bookmark of the member, newest first, a page at a time. */
  async *#all(viewer: Viewer): AsyncGenerator<BookmarkView[]> {
    const db: Queryable = this.#bookmarks.database.db;
    let after: [number, number] | null = null;
    for (;;) {
      const cursor: [number, number] | null = after;
      const rows: BookmarkRow[] = await db
        .selectFrom('bookmarks as b')
        .select(BOOKMARK_COLUMNS.map((c) => `b.${c}` as const))
        .where('b.member_id', '=', viewer.memberId)
        .$if(cursor !== null, (q) =>
          q.where((eb) =>
            eb.or([eb('b.created_at', '<', cursor![0]), eb.and([eb('b.created_at', '=', cursor![0]), eb('b.id', '<', cursor![1])])]),
          ),
        )
        .orderBy('b.created_at', 'desc')
        .orderBy('b.id', 'desc')
        .limit(1000)
        .execute();
      if (rows.length === 0) return;
      yield await this.#bookmarks.viewsOf(db, rows);
      const last: BookmarkRow = rows.at(-1)!;
      after = [last.created_at, last.id];
      if (rows.length < 1000) return;
    }
  }

  /** Netscape bookmark HTML: tags in TAGS, notes in DD, dates in seconds, PRIVATE kept. */
  async *netscape(viewer: Viewer): AsyncGenerator<string> {
    yield netscapeHeader(`Bookmarks of @${viewer.handle}`);
    for await (const page of this.#all(viewer)) {
      yield page
        .filter((b) => b.url)
        .map((b) =>
          netscapeEntry({
            url: b.url!,
            title: b.title,
            note: b.note,
            tags: b.tags.map((t) => t.name),
            private: b.visibility === 'private',
            createdAt: b.createdAt,
            updatedAt: b.updatedAt,
          }),
        )
        .join('');
    }
    yield netscapeFooter();
  }

  /** RFC 4180 CSV with a header row (CRLF line ends; tags joined by commas inside their field). */
  async *csv(viewer: Viewer): AsyncGenerator<string> {
    yield `${CSV_HEADER.join(',')}\r\n`;
    for await (const page of this.#all(viewer)) {
      yield page
        .map(
          (b) =>
            `${[
              b.url ?? '',
              b.title,
              b.note,
              b.tags.map((t) => t.name).join(', '),
              b.visibility,
              b.kind,
              new Date(b.createdAt).toISOString(),
              new Date(b.updatedAt).toISOString(),
              b.description ?? '',
              b.siteName ?? '',
            ]
              .map(csvCell)
              .join(',')}\r\n`,
        )
        .join('');
    }
  }

  /** The whole account's bookmarks as one JSON document, written as it is read. */
  async *json(viewer: Viewer, site: string): AsyncGenerator<string> {
    yield `{"format":"commonroom-bookmarks","version":1,"site":${JSON.stringify(site)},"member":${JSON.stringify(viewer.handle)},"exportedAt":${JSON.stringify(new Date().toISOString())},"bookmarks":`;
    yield* this.jsonArray(viewer);
    yield '}\n';
  }

  /** Every bookmark of the account as a JSON array, a page at a time. */
  async *jsonArray(viewer: Viewer): AsyncGenerator<string> {
    yield '[';
    let first = true;
    for await (const page of this.#all(viewer)) {
      if (page.length === 0) continue;
      yield (first ? '' : ',') + page.map((b) => JSON.stringify(bookmarkJson(b))).join(',');
      first = false;
    }
    yield ']';
  }
}

export const CSV_HEADER = ['url', 'title', 'note', 'tags', 'visibility', 'kind', 'created_at', 'updated_at', 'description', 'site_name'];

/** A bookmark as the JSON API and the JSON export show it. */
export function bookmarkJson(b: BookmarkView) {
  return {
    id: b.id,
    kind: b.kind,
    url: b.url,
    title: b.title,
    note: b.note,
    description: b.description,
    imageUrl: b.imageUrl,
    siteName: b.siteName,
    tags: b.tags.map((t) => t.name),
    visibility: b.visibility,
    postId: b.postId,
    itemId: b.itemId,
    snapshot: {
      state: b.snapshot.state,
      at: b.snapshot.at === null ? null : new Date(b.snapshot.at).toISOString(),
      error: b.snapshot.error,
    },
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
  };
}

/** Two entries of one file for the same address become one. */
function mergeInto(target: Prepared, other: Prepared): void {
  target.merges++;
  target.title ||= other.title;
  target.note = mergeNote(target.note, other.note);
  const slugs = new Set(target.tags.map((t) => t.slug));
  for (const tag of other.tags) if (!slugs.has(tag.slug)) target.tags.push(tag);
  target.tags = parseTags(
    target.tags.map((t) => t.name),
    false,
  );
  target.createdAt = Math.min(target.createdAt, other.createdAt);
  target.updatedAt = Math.max(target.updatedAt, other.updatedAt);
  if (other.visibility === 'private') target.visibility = 'private';
}

export function tooLargeImport(): UserError {
  return new UserError(
    413,
    'too_large',
    `This file is larger than ${IMPORT_MAX_BYTES / 1048576} MB, the most a bookmark import accepts. Split it (export one folder at a time) or remove old bookmarks first.`,
  );
}

/** A stream of strings as a stream of UTF-8 bytes (for a download response). */
export function textStream(parts: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await parts.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
}
