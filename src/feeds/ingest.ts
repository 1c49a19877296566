import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Dialect, Queryable } from '../db/database.ts';
import { foldDiacritics } from '../db/search.ts';
import { htmlToText } from '../platform/sanitize.ts';
import type { FeedDocument, FeedItem } from './parse.ts';

/**
 * Stores a fetched document's items for a source: new items are inserted once (the dedupe key
 * is the item's id, else its link, else a hash of its content), changed items are updated in
 * place (they stay read if they were), unchanged ones cost one indexed lookup per batch.
 * Runs inside the refresh's transaction.
 */

/** Items are looked up and written this many at a time (bounded statements and memory). */
const BATCH = 200;
/** A published date later than first seen plus this is not trusted for ordering. */
const FUTURE_SLACK_MS = 10 * 60_000;
/** Text kept per item for search. */
const SEARCH_TEXT_CHARS = 20_000;

export interface IngestResult {
  inserted: number;
  updated: number;
  /** Ids and text of the new items (for keyword rules). */
  fresh: Array<{ id: number; text: string }>;
  /** Newest date among the document's items (for polling frequency). */
  dates: number[];
}

interface Row {
  dedupe_key: string;
  url: string | null;
  title: string;
  author: string | null;
  summary: string;
  content_html: string;
  image_url: string | null;
  attachments: string | null;
  tags: string | null;
  published_at: number | null;
  updated_at: number | null;
  content_hash: string;
}

/** Keys longer than this many bytes are stored as their hash (an index entry has a size limit). */
const MAX_KEY_BYTES = 1000;

/** PostgreSQL text cannot hold U+0000 (a JSON Feed can): it goes. */
export function withoutNul<T extends string | null>(text: T): T {
  return (text === null ? text : text.replace(/\u0000/g, '')) as T;
}

function dedupeKey(id: string): string {
  const key = withoutNul(id);
  return Buffer.byteLength(key) <= MAX_KEY_BYTES ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function toRow(item: FeedItem): Row {
  const publishedAt = item.date_published ? Date.parse(item.date_published) : item.date_modified ? Date.parse(item.date_modified) : null;
  const content = item.content_html ?? (item.content_text ? escapeText(item.content_text) : '');
  const row = {
    dedupe_key: dedupeKey(item.id),
    url: item.url ?? item.external_url ?? null,
    title: withoutNul((item.title ?? '').slice(0, 1000)),
    author: withoutNul(
      item.authors
        ?.map((a) => a.name)
        .filter(Boolean)
        .join(', ')
        .slice(0, 500) || null,
    ),
    summary: withoutNul(item.summary?.slice(0, 500) ?? ''),
    content_html: withoutNul(content),
    image_url: item.image ?? null,
    attachments: item.attachments?.length ? JSON.stringify(item.attachments) : null,
    tags: item.tags?.length ? JSON.stringify(item.tags.slice(0, 50)) : null,
    published_at: Number.isFinite(publishedAt) ? publishedAt : null,
    updated_at: item.date_modified ? Date.parse(item.date_modified) : null,
  };
  const hash = createHash('sha1').update(`${row.url}\u0000${row.title}\u0000${row.content_html}\u0000${row.attachments}`).digest('hex');
  return { ...row, content_hash: hash };
}

/**
 * The text of a new or changed item, extracted once: its summary when the feed gave none, and
 * what search indexes. (Items already stored unchanged never get here: most of a refresh.)
 */
function withText(row: Row): { row: Row; text: string } {
  const plain = htmlToText(row.content_html);
  const summary = row.summary || plain.slice(0, 500);
  return { row: { ...row, summary }, text: `${row.title} ${row.author ?? ''} ${plain}`.slice(0, SEARCH_TEXT_CHARS) };
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!).replace(/\n/g, '<br>');
}

export function searchText(row: { title: string; author: string | null; content_html: string }): string {
  return `${row.title} ${row.author ?? ''} ${htmlToText(row.content_html)}`.slice(0, SEARCH_TEXT_CHARS);
}

async function indexItems(db: Queryable, dialect: Dialect, items: Array<{ id: number; text: string }>): Promise<void> {
  if (!items.length) return;
  if (dialect === 'sqlite') {
    await sql`insert into source_items_fts (rowid, text) values ${sql.join(items.map((i) => sql`(${i.id}, ${i.text})`))}`.execute(db);
  } else {
    await sql`update source_items s set search = to_tsvector('simple', v.text)
                from (values ${sql.join(items.map((i) => sql`(${i.id}::bigint, ${foldDiacritics(i.text)})`))}) as v(id, text)
               where s.id = v.id`.execute(db);
  }
}

async function unindexItem(db: Queryable, dialect: Dialect, id: number): Promise<void> {
  if (dialect === 'sqlite') await sql`delete from source_items_fts where rowid = ${id}`.execute(db);
}

export async function ingestItems(
  db: Queryable,
  dialect: Dialect,
  sourceId: number,
  document: FeedDocument,
  now: number,
): Promise<IngestResult> {
  const result: IngestResult = { inserted: 0, updated: 0, fresh: [], dates: [] };
  // The same key twice in one document: the first one wins.
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const item of document.items) {
    const row = toRow(item);
    if (seen.has(row.dedupe_key)) continue;
    seen.add(row.dedupe_key);
    rows.push(row);
    if (row.published_at !== null) result.dates.push(row.published_at);
  }
  // Oldest first, so that items without dates keep the feed's order (newest at the top).
  rows.reverse();
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const existing = await db
      .selectFrom('source_items')
      .select(['id', 'dedupe_key', 'content_hash'])
      .where('source_id', '=', sourceId)
      .where(
        'dedupe_key',
        'in',
        batch.map((r) => r.dedupe_key),
      )
      .execute();
    const known = new Map(existing.map((e) => [e.dedupe_key, e]));
    const fresh = batch.filter((r) => !known.has(r.dedupe_key)).map(withText);
    if (fresh.length) {
      const values = fresh.map(({ row }, index) => ({
        ...row,
        source_id: sourceId,
        seen_at: now,
        // Never later than first seen: a far-future date would pin an item to the top forever.
        sort_at: row.published_at !== null && row.published_at <= now + FUTURE_SLACK_MS ? row.published_at : now + index - fresh.length,
      }));
      const inserted = await db
        .insertInto('source_items')
        .values(values)
        .onConflict((oc) => oc.columns(['source_id', 'dedupe_key']).doNothing())
        .returning(['id', 'dedupe_key'])
        .execute();
      const byKey = new Map(fresh.map((f) => [f.row.dedupe_key, f.text]));
      const texts = inserted.map((i) => ({ id: i.id, text: byKey.get(i.dedupe_key)! }));
      await indexItems(db, dialect, texts);
      result.inserted += texts.length;
      result.fresh.push(...texts);
    }
    for (const row of batch) {
      const before = known.get(row.dedupe_key);
      if (!before || before.content_hash === row.content_hash) continue;
      const changed = withText(row);
      const { dedupe_key: _key, published_at: _published, ...changes } = changed.row;
      await db
        .updateTable('source_items')
        .set({ ...changes, full_html: null })
        .where('id', '=', before.id)
        .execute();
      await unindexItem(db, dialect, before.id);
      await indexItems(db, dialect, [{ id: before.id, text: changed.text }]);
      result.updated++;
    }
  }
  if (result.inserted) {
    await db
      .updateTable('sources')
      .set((eb) => ({ item_count: eb('item_count', '+', result.inserted), last_item_at: now }))
      .where('id', '=', sourceId)
      .execute();
  }
  return result;
}
