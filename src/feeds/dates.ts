/**
 * Dates as feeds write them: RFC 822 and its many variants (RSS), ISO 8601 / RFC 3339 and
 * W3C-DTF (Atom, Dublin Core, JSON Feed), and the odd formats seen in the wild. Times without
 * a zone are taken as UTC. Returns epoch milliseconds, or null when there is no date to be had.
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  sept: 8,
  oct: 9,
  nov: 10,
  dec: 11,
  january: 0,
  february: 1,
  march: 2,
  april: 3,
  june: 5,
  july: 6,
  august: 7,
  september: 8,
  october: 9,
  november: 10,
  december: 11,
};

/** Offsets in minutes of the zone names RFC 822 and real feeds use. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  ast: -240,
  adt: -180,
  akst: -540,
  akdt: -480,
  hst: -600,
  bst: 60,
  ist: 330,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  wet: 0,
  west: 60,
  jst: 540,
  kst: 540,
  aest: 600,
  aedt: 660,
  acst: 570,
  awst: 480,
  nzst: 720,
  nzdt: 780,
  // Military single letters (RFC 822 got their signs backwards; like most parsers, follow the letters' real meaning).
  a: 60,
  b: 120,
  c: 180,
  d: 240,
  e: 300,
  f: 360,
  g: 420,
  h: 480,
  i: 540,
  k: 600,
  l: 660,
  m: 720,
  n: -60,
  o: -120,
  p: -180,
  q: -240,
  r: -300,
  s: -360,
  t: -420,
  u: -480,
  v: -540,
  w: -600,
  x: -660,
  y: -720,
};

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0, offsetMinutes = 0): number | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 61) return null;
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms) - offsetMinutes * 60_000;
  return Number.isFinite(time) ? time : null;
}

function fullYear(year: string): number {
  const y = Number(year);
  if (year.length === 2) return y < 50 ? 2000 + y : 1900 + y;
  if (year.length === 3) return 1900 + y;
  return y;
}

function zoneOffset(zone: string | undefined): number | null {
  if (!zone) return 0;
  const numeric = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3] ?? 0));
  const named = ZONES[zone.toLowerCase()];
  return named ?? null;
}

const ISO = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T\s](\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const ISO_ORDINAL = /^(\d{4})-?(\d{3})(?:T(\d{2}):?(\d{2})(?::?(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
// "Wed, 31 Dec 2003 10:14:55 GMT", "31 Dec 03 10:14 +0100", "Wed, 31 December 2003 10:14:55 -0500"
const RFC822 =
  /^(?:[a-z]{2,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]{3,9})\.?[\s-]+(\d{2,4})(?:[\s,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([ap]m))?)?(?:\s*\(?([a-z]{1,5}|[+-]\d{2}:?\d{2})\)?)?$/i;
// "Wed Dec 31 10:14:55 2003", "December 31, 2003 10:14 PM EST", "Dec 31 2003"
const MONTH_FIRST =
  /^(?:[a-z]{2,9},?\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:(\d{4})\s+)?(?:(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([ap]m))?)?\s*(?:([a-z]{1,5}|[+-]\d{2}:?\d{2})\s*)?(\d{4})?$/i;

export function parseDate(input: string | null | undefined): number | null {
  if (!input) return null;
  const text = input.trim().replace(/\s+/g, ' ');
  if (!text) return null;

  let m = ISO.exec(text);
  if (m) {
    const offset = zoneOffset(m[8]);
    if (offset === null) return null;
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return utc(
      Number(m[1]),
      m[2] ? Number(m[2]) - 1 : 0,
      m[3] ? Number(m[3]) : 1,
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      ms,
      offset,
    );
  }
  m = ISO_ORDINAL.exec(text);
  if (m) {
    const offset = zoneOffset(m[6]);
    if (offset === null) return null;
    const start = Date.UTC(Number(m[1]), 0, 1) + (Number(m[2]) - 1) * 86_400_000;
    return start + (Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0) - offset) * 60_000 + Number(m[5] ?? 0) * 1000;
  }
  m = RFC822.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    const offset = zoneOffset(m[8]);
    if (month === undefined || offset === null) return null;
    return utc(fullYear(m[3]!), month, Number(m[1]), hour12(m[4], m[7]), Number(m[5] ?? 0), Number(m[6] ?? 0), 0, offset);
  }
  m = MONTH_FIRST.exec(text);
  if (m && (m[3] || m[9])) {
    const month = MONTHS[m[1]!.toLowerCase()];
    const offset = zoneOffset(m[8]);
    if (month === undefined || offset === null) return null;
    return utc(Number(m[3] ?? m[9]), month, Number(m[2]), hour12(m[4], m[7]), Number(m[5] ?? 0), Number(m[6] ?? 0), 0, offset);
  }
  // Last resort: the JavaScript parser, with UTC for zone-less times.
  const fallback = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$|GMT|UTC/.test(text) ? text : `${text} UTC`);
  return Number.isFinite(fallback) ? fallback : null;
}

function hour12(hour: string | undefined, meridiem: string | undefined): number {
  let h = Number(hour ?? 0);
  if (meridiem) {
    const pm = meridiem.toLowerCase() === 'pm';
    if (pm && h < 12) h += 12;
    if (!pm && h === 12) h = 0;
  }
  return h;
}
