import { NOTE_MAX } from './bookmark-schemas.ts';

/** Text as bookmarks keep it: safe for both databases, and notes that join without repeating. */

/** Text safe for both databases: no NUL or other control characters (line breaks stay), trimmed, capped. */
export function plainText(text: string | null | undefined, max: number, options: { lines?: boolean } = {}): string {
  if (!text) return '';
  let clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  clean = options.lines ? clean.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : clean.replace(/\s+/g, ' ');
  clean = clean.trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A new note joins the old one: it replaces an empty one, is appended otherwise, and is never added twice. */
export function mergeNote(existing: string, incoming: string): string {
  const next = incoming.trim();
  if (!next) return existing;
  if (!existing.trim()) return next;
  if (existing.includes(next)) return existing;
  return plainText(`${existing}\n\n${next}`, NOTE_MAX, { lines: true });
}

/** The beginning of a text on one line. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
