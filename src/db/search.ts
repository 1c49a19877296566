/**
 * Full-text search helpers shared by every searchable table (posts, feed items): FTS5 on
 * SQLite, `tsvector` with the `simple` configuration on PostgreSQL.
 */

/** "Café" → "Cafe": PostgreSQL's `simple` configuration keeps accents, the FTS5 tables drop them (remove_diacritics); fold them before PostgreSQL sees text or queries so both find the same rows. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}
