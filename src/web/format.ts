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

/** "22 Nov 2026, 14:05" in the given zone. */
export function formatDateTime(ms: number, timeZone = 'UTC'): string {
  return formatter(timeZone, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ms);
}

/** "22 November 2026" */
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
