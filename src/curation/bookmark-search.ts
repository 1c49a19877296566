import { type Expression, type SqlBool, sql } from 'kysely';
import { passionSlug } from '../accounts/index.ts';
import type { Database, Queryable } from '../db/database.ts';
import { foldDiacritics } from '../db/search.ts';
import { UserError } from '../platform/errors.ts';
import type { BookmarkRow, BookmarkTag } from './bookmark-rows.ts';
import { NOTE_MAX, PAGE_TEXT_MAX } from './bookmark-schemas.ts';
import { tagsOf } from './bookmark-tags.ts';

/**
 * Searching bookmarks: title, note, description, tag names and page text. FTS5 on SQLite (a
 * contentless `bookmarks_fts` table whose `owner` column narrows each search to one member
 * inside the index), `tsvector` + GIN on PostgreSQL (accents folded first, as for posts).
 */

/** What search reads: title, note, description, tags and page text. */
export function searchText(row: Pick<BookmarkRow, 'title' | 'note' | 'description' | 'page_text' | 'url'>, tags: BookmarkTag[]): string {
  return [row.title, row.note, row.description ?? '', tags.map((t) => t.name).join(' '), row.page_text ?? '']
    .join(' \n')
    .slice(0, PAGE_TEXT_MAX + NOTE_MAX + 2000);
}

/** Rewrites the search entries of these bookmarks from their rows and tags (call inside the write's transaction). */
export async function reindexBookmarks(db: Queryable, dialect: Database['dialect'], ids: number[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = await db
      .selectFrom('bookmarks')
      .select(['id', 'member_id', 'title', 'note', 'description', 'page_text', 'url'])
      .where('id', 'in', chunk)
      .execute();
    if (rows.length === 0) continue;
    const tags = await tagsOf(
      db,
      rows.map((r) => r.id),
    );
    const entries = rows.map((r) => ({ id: r.id, owner: `m${r.member_id}`, text: searchText(r, tags.get(r.id) ?? []) }));
    if (dialect === 'sqlite') {
      await sql`delete from bookmarks_fts where rowid in (${sql.join(entries.map((e) => e.id))})`.execute(db);
      await sql`insert into bookmarks_fts (rowid, owner, text) values ${sql.join(entries.map((e) => sql`(${e.id}, ${e.owner}, ${e.text})`))}`.execute(
        db,
      );
    } else {
      await sql`update bookmarks b set search = to_tsvector('simple', v.text)
                  from (values ${sql.join(entries.map((e) => sql`(${e.id}::bigint, ${foldDiacritics(e.text)})`))}) as v(id, text)
                 where b.id = v.id`.execute(db);
    }
  }
}

/**
 * The search entries of new bookmarks whose text is known (imports): on SQLite rows of
 * bookmarks_fts; on PostgreSQL nothing here — the vector goes in with the row (`searchVector`),
 * so each row is written once.
 */
export async function indexNewBookmarks(
  db: Queryable,
  dialect: Database['dialect'],
  entries: Array<{ id: number; memberId: number; text: string }>,
): Promise<void> {
  if (dialect !== 'sqlite' || entries.length === 0) return;
  for (let start = 0; start < entries.length; start += 500) {
    const chunk = entries.slice(start, start + 500);
    await sql`insert into bookmarks_fts (rowid, owner, text) values ${sql.join(chunk.map((e) => sql`(${e.id}, ${`m${e.memberId}`}, ${e.text})`))}`.execute(
      db,
    );
  }
}

/** The `search` column's value for a new row on PostgreSQL. */
export function searchVector(text: string) {
  return sql<string>`to_tsvector('simple', ${foldDiacritics(text)})`;
}

export async function unindexBookmarks(db: Queryable, dialect: Database['dialect'], ids: number[]): Promise<void> {
  if (dialect === 'sqlite' && ids.length) await sql`delete from bookmarks_fts where rowid in (${sql.join(ids)})`.execute(db);
}

/** Words of a search; `#tag` words become tag filters. A search with neither is a 400. */
export function parseSearch(input: string): { words: string[]; tags: string[] } {
  const text = input.trim();
  if (text.length > 300) throw UserError.field('q', 'The search is too long: keep it under 300 characters.', 400, 'invalid_query');
  const tags = [...text.matchAll(/#([\p{L}\p{N}_-]+)/gu)].map((m) => passionSlug(m[1]!)).filter(Boolean);
  const words =
    text
      .replace(/#[\p{L}\p{N}_-]+/gu, ' ')
      .match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)
      ?.slice(0, 10) ?? [];
  if (!words.length && !tags.length) throw UserError.field('q', 'Search for at least one word.', 400, 'invalid_query');
  return { words, tags };
}

/** The condition "bookmark `b` of this member matches every word". */
export function matchWords(memberId: number, words: string[], dialect: Database['dialect']): Expression<SqlBool> {
  if (dialect === 'sqlite') {
    const match = `owner : "m${memberId}" AND text : (${words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ')})`;
    return sql<SqlBool>`b.id in (select rowid from bookmarks_fts where bookmarks_fts match ${match})`;
  }
  return sql<SqlBool>`b.search @@ (${sql.join(
    words.map((w) => sql`plainto_tsquery('simple', ${foldDiacritics(w)})`),
    sql` && `,
  )})`;
}
