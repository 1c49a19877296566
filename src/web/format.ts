/** Dates and numbers as people read them, in the reader's own time zone. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/**
 * A zone as people say it: "New York time", "London time", "UTC". The city comes from the IANA
 * name (America/New_York), which is unambiguous and stays the same across daylight saving, unlike
 * abbreviations (Intl gives "GMT-5" for many zones, and "CST" means three different things).
 */
export function zoneName(timeZone: string): string {
  if (/^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal|Greenwich)(0|\+0|-0)?$/i.test(timeZone)) return 'UTC';
  const city = timeZone.split('/').at(-1) ?? timeZone;
  if (!timeZone.includes('/') || timeZone.startsWith('Etc/')) {
    // A fixed offset (Etc/GMT+5) or an old name (EST5EDT): say the offset Intl gives.
    const offset = formatter(timeZone, { timeZoneName: 'shortOffset' })
      .formatToParts(0)
      .find((p) => p.type === 'timeZoneName')?.value;
    return offset ?? timeZone;
  }
  return `${city.replace(/_/g, ' ')} time`;
}

/** "19:05", the wall clock alone (where the zone is named nearby). */
export function formatClock(ms: number, timeZone = 'UTC'): string {
  return formatter(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** "19:05 New York time" */
export function formatClockZoned(ms: number, timeZone = 'UTC'): string {
  return `${formatClock(ms, timeZone)} ${zoneName(timeZone)}`;
}

/** "Wed 16 Dec 2026", or "Wed 16 Dec" without the year. */
export function formatDay(ms: number, timeZone = 'UTC', withYear = true): string {
  const parts = formatter(timeZone, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')}${withYear ? ` ${part('year')}` : ''}`;
}

/** "22 Nov 2026, 14:05 New York time": every time shown names its zone. */
export function formatDateTime(ms: number, timeZone = 'UTC'): string {
  return `${formatter(timeZone, { day: 'numeric', month: 'short', year: 'numeric' }).format(ms)}, ${formatClockZoned(ms, timeZone)}`;
}

function spanParts(startMs: number, endMs: number, zone: string, withYear: boolean) {
  const sameDay = formatDay(startMs, zone) === formatDay(endMs, zone);
  return {
    day: formatDay(startMs, zone, withYear),
    start: formatClock(startMs, zone),
    end: sameDay ? formatClock(endMs, zone) : `${formatDay(endMs, zone, withYear)}, ${formatClock(endMs, zone)}`,
  };
}

/** The start ("Wed 16 Dec 2026, 19:00") and end ("20:00", or with its day when another) of a span. */
export function spanEnds(startMs: number, endMs: number, timeZone = 'UTC'): { start: string; end: string } {
  const p = spanParts(startMs, endMs, timeZone, true);
  return { start: `${p.day}, ${p.start}`, end: p.end };
}

/**
 * The same span on the host's clock, "Wed 16 Dec, 20:00–21:00 New York time" (the day only when
 * it differs from the reader's), or null when the host's clock reads the same as the reader's.
 */
export function hostSpan(startMs: number, endMs: number, timeZone: string, hostTimeZone: string | undefined): string | null {
  if (!hostTimeZone || hostTimeZone === timeZone) return null;
  const host = spanParts(startMs, endMs, hostTimeZone, false);
  const mine = spanParts(startMs, endMs, timeZone, false);
  if (host.start === mine.start && host.end === mine.end && host.day === mine.day) return null;
  return `${host.day === mine.day ? '' : `${host.day}, `}${host.start}–${host.end} ${zoneName(hostTimeZone)}`;
}

/**
 * A span in the reader's zone, and in the host's where its clock reads differently:
 * "Wed 16 Dec 2026, 19:00–20:00 Chicago time (20:00–21:00 New York time)".
 */
export function formatSpan(startMs: number, endMs: number, timeZone = 'UTC', hostTimeZone?: string): string {
  const { start, end } = spanEnds(startMs, endMs, timeZone);
  const host = hostSpan(startMs, endMs, timeZone, hostTimeZone);
  return `${start}–${end} ${zoneName(timeZone)}${host ? ` (${host})` : ''}`;
}

/** "22 November 2026" (a date alone names no zone; it is the reader's day). */
export function formatDate(ms: number, timeZone = 'UTC'): string {
  return formatter(timeZone, { day: 'numeric', month: 'long', year: 'numeric' }).format(ms);
}

/** ISO 8601 for <time datetime>. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "1 reply", "3 replies" */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
