import { formatDateTime, isoTime } from '../../web/format.ts';

/** A moment in the reader's time zone. */
export function When({ ms, tz }: { ms: number; tz: string }) {
  return <time datetime={isoTime(ms)}>{formatDateTime(ms, tz)}</time>;
}

/** The start of a text on one line, at most `max` characters. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
