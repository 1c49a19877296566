/**
 * A small iCalendar (RFC 5545) writer for chat calendars that people subscribe to.
 *
 * Times are always written in UTC (the trailing Z), so no VTIMEZONE blocks are needed: calendar
 * apps show each chat in the subscriber's own zone, and the host's zone only matters when the
 * occurrences are computed (see time.ts).
 */

export interface CalendarEvent {
  uid: string;
  start: number;
  end: number;
  summary: string;
  description?: string;
  url?: string;
  location?: string;
  status?: 'CONFIRMED' | 'CANCELLED';
  /** Epoch ms of the last change; written as DTSTAMP and LAST-MODIFIED. */
  updated?: number;
  categories?: string[];
}

export interface CalendarOptions {
  name: string;
  description?: string;
  events: CalendarEvent[];
  /** How often subscribers should refresh (REFRESH-INTERVAL and X-PUBLISHED-TTL); default 60. */
  refreshMinutes?: number;
  /** The DTSTAMP of events without `updated`; defaults to the current time. */
  now?: number;
}

const CRLF = '\r\n';
/** RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_OCTETS = 75;

/** The whole VCALENDAR document, CRLF line endings, long lines folded. */
export function calendar(options: CalendarOptions): string {
  const now = options.now ?? Date.now();
  const refresh = Math.max(1, Math.round(options.refreshMinutes ?? 60));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Commonroom//Chats//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
  ];
  if (options.description) lines.push(`X-WR-CALDESC:${escapeText(options.description)}`);
  lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${refresh}M`, `X-PUBLISHED-TTL:PT${refresh}M`);

  for (const event of options.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${utcStamp(event.updated ?? now)}`,
      `DTSTART:${utcStamp(event.start)}`,
      `DTEND:${utcStamp(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
    if (event.url) lines.push(`URL:${cleanUri(event.url)}`);
    if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
    if (event.status) lines.push(`STATUS:${event.status}`);
    const categories = (event.categories ?? []).filter((c) => c.length > 0);
    if (categories.length > 0) lines.push(`CATEGORIES:${categories.map(escapeText).join(',')}`);
    if (event.updated !== undefined) lines.push(`LAST-MODIFIED:${utcStamp(event.updated)}`);
    lines.push('END:VEVENT');
  }

  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** A UTC DATE-TIME such as 20270302T010000Z (seconds kept, milliseconds dropped). */
export function utcStamp(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid time: ${ms}`);
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks written
 * as \n. Other control characters cannot appear in a content line, so CR is dropped, a tab
 * becomes a space and the rest are removed. Lone surrogates are replaced so the output is
 * valid UTF-8.
 */
export function escapeText(value: string): string {
  return value
    .toWellFormed()
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** A URI value isn't escaped like TEXT, but it must not be able to break out of its line. */
function cleanUri(value: string): string {
  return value.toWellFormed().replace(/[\u0000-\u0020\u007f]/g, (c) => (c === ' ' ? '%20' : ''));
}

/**
 * Folds a content line into chunks of at most 75 UTF-8 octets; each continuation starts with a
 * single space, which counts towards its 75. A character is never split across lines, since
 * some clients decode each physical line on its own.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

/** Reverses foldLine over a whole document (RFC 5545 §3.1 "unfolding"). */
export function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
