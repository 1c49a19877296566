/**
 * Dates and times as people type them, read into the forms the rest of the program keeps:
 * a calendar date as YYYY-MM-DD and a wall-clock time as HH:MM (24 hours).
 *
 * Forms use <input type="date"> and <input type="time">, which send exactly those forms. A
 * browser without a picker shows a plain text box, so these also accept what people write:
 *
 * - dates: "2026-12-14", "12/14/2026", "12/14/26", "14 Dec 2026", "Dec 14, 2026",
 *   "December 14th 2026", "Wed 16 Dec 2026" (a weekday must match the date);
 * - times: "19:00", "7:30", "7pm", "7 pm", "7:30pm", "7:30 PM", "7 p.m.", "noon", "midnight".
 *
 * **Slashes are month/day/year** (the United States' order): "12/14/2026" is 14 December.
 * "14/12/2026" is refused with a message (there is no month 14) rather than guessed, and
 * every date field's hint says "month/day/year". Written-out month names are never ambiguous.
 * A bare hour from 1 to 12 without am/pm ("7") is refused as ambiguous; "19" is 19:00.
 *
 * Every failure is a sentence for the person who typed it, naming what they typed.
 */

import { z } from 'zod';

export type Parsed = { ok: true; value: string } | { ok: false; message: string };

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_NAMES = MONTHS.map((m) => m[0]!.toUpperCase() + m.slice(1));
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** What a date field's hint says (the order of slashes, and an example). */
export const DATE_HINT = 'Pick a date, or type it as month/day/year (12/14/2026), 14 Dec 2026 or 2026-12-14.';
/** What a time field's hint says. */
export const TIME_HINT = 'Pick a time, or type it as 7:30 PM, 7pm or 19:30.';
const DATE_EXAMPLES = 'month/day/year (12/14/2026), 14 Dec 2026 or 2026-12-14';
const TIME_EXAMPLES = '7:30 PM, 7pm or 19:30';

const pad2 = (n: number): string => String(n).padStart(2, '0');

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A month by its name or abbreviation ("dec", "Sept", "December"), 1–12, or 0. */
function monthNumber(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return 0;
  const index = MONTHS.findIndex((m) => m.startsWith(w) || (w === 'sept' && m === 'september'));
  return index + 1;
}

function weekdayNumber(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return -1;
  return WEEKDAYS.findIndex(
    (d) =>
      d.startsWith(w) || (w === 'tues' && d === 'tuesday') || (w === 'thur' && d === 'thursday') || (w === 'thurs' && d === 'thursday'),
  );
}

/** 0 = Sunday, for a real date. */
function weekdayOf(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDay();
}

function fullYear(text: string): number {
  const n = Number(text);
  return text.length <= 2 ? 2000 + n : n;
}

function checkDate(typed: string, year: number, month: number, day: number): Parsed {
  if (month < 1 || month > 12) {
    return { ok: false, message: `“${typed}” is not a date: there is no month ${month}. Write it as ${DATE_EXAMPLES}.` };
  }
  if (year < 1 || year > 9999) return { ok: false, message: `“${typed}” is not a date: the year should have four digits.` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return { ok: false, message: `“${typed}” is not a date: ${MONTH_NAMES[month - 1]} ${year} has ${days} days.` };
  }
  return { ok: true, value: `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}` };
}

/**
 * A calendar date as typed, read as YYYY-MM-DD. Slashed dates are month/day/year; see the
 * module comment for every accepted form.
 */
export function parseDateInput(input: string): Parsed {
  const typed = input.trim();
  if (!typed) return { ok: false, message: `Give a date, as ${DATE_EXAMPLES}.` };
  // 2026-12-14 (what a date picker sends), also 2026/12/14 and 2026.12.14
  let m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(typed);
  if (m) return checkDate(typed, Number(m[1]), Number(m[3]), Number(m[4]));
  // 12/14/2026, 12-14-2026, 12/14/26: month first
  m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$/.exec(typed);
  if (m) return checkDate(typed, fullYear(m[4]!), Number(m[1]), Number(m[3]));
  // Words: an optional weekday, then "14 Dec 2026" or "Dec 14, 2026".
  const words = typed.toLowerCase().replace(/[,]/g, ' ').split(/\s+/).filter(Boolean);
  let weekday = -1;
  if (words.length === 4 && weekdayNumber(words[0]!) >= 0) weekday = weekdayNumber(words.shift()!);
  if (words.length === 3) {
    const day = (w: string) => /^(\d{1,2})(st|nd|rd|th)?$/.exec(w)?.[1];
    const year = /^\d{4}$/.test(words[2]!) ? Number(words[2]) : Number.NaN;
    let parts: [number, number] | null = null; // month, day
    if (day(words[0]!) !== undefined && monthNumber(words[1]!) > 0) parts = [monthNumber(words[1]!), Number(day(words[0]!))];
    else if (monthNumber(words[0]!) > 0 && day(words[1]!) !== undefined) parts = [monthNumber(words[0]!), Number(day(words[1]!))];
    if (parts && !Number.isNaN(year)) {
      const result = checkDate(typed, year, parts[0], parts[1]);
      if (result.ok && weekday >= 0 && weekdayOf(year, parts[0], parts[1]) !== weekday) {
        const actual = WEEKDAYS[weekdayOf(year, parts[0], parts[1])]!;
        return {
          ok: false,
          message: `“${typed}” does not match: ${parts[1]} ${MONTH_NAMES[parts[0] - 1]} ${year} is a ${actual[0]!.toUpperCase()}${actual.slice(1)}.`,
        };
      }
      return result;
    }
  }
  return { ok: false, message: `“${typed}” is not a date we can read. Write it as ${DATE_EXAMPLES}.` };
}

/** A wall-clock time as typed, read as HH:MM (24 hours); see the module comment. */
export function parseTimeInput(input: string): Parsed {
  const typed = input.trim();
  if (!typed) return { ok: false, message: `Give a time, as ${TIME_EXAMPLES}.` };
  const t = typed.toLowerCase().replace(/\s+/g, ' ');
  if (t === 'noon' || t === 'midday') return { ok: true, value: '12:00' };
  if (t === 'midnight') return { ok: true, value: '00:00' };
  // 19:00, 19:00:00 (some pickers add seconds), 7:30 pm, 7pm, 7 p.m., 7.30pm
  const m = /^(\d{1,2})(?:[:.h](\d{2})(?::(\d{2}))?)? ?(a\.?m\.?|p\.?m\.?)?$/.exec(t);
  if (!m) return { ok: false, message: `“${typed}” is not a time we can read. Write it as ${TIME_EXAMPLES}.` };
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[4]?.[0] as 'a' | 'p' | undefined;
  if (minute > 59 || (m[3] !== undefined && Number(m[3]) > 59)) {
    return { ok: false, message: `“${typed}” is not a time: minutes go from 00 to 59.` };
  }
  if (half) {
    if (hour < 1 || hour > 12) {
      return { ok: false, message: `“${typed}” is not a time: with am or pm the hour is 1 to 12 (or write 24 hours, like 19:30).` };
    }
    hour = (hour % 12) + (half === 'p' ? 12 : 0);
  } else {
    if (hour > 23) return { ok: false, message: `“${typed}” is not a time: hours go from 0 to 23 (or 1 to 12 with am or pm).` };
    if (m[2] === undefined && hour >= 1 && hour <= 12) {
      return {
        ok: false,
        message: `“${typed}” could be morning or evening: add am or pm (${hour}pm), or write 24 hours (${hour === 12 ? '12:00 for noon' : `${pad2(hour)}:00 or ${hour + 12}:00`}).`,
      };
    }
  }
  return { ok: true, value: `${pad2(hour)}:${pad2(minute)}` };
}

/**
 * A date and a time typed together, read as { date: YYYY-MM-DD, time: HH:MM }: what a
 * datetime-local picker sends ("2026-12-14T19:00") or what people write ("12/14/2026 7pm",
 * "Dec 14, 2026 at 7:30 PM", "14 Dec 2026, 19:00").
 */
export function parseDateTimeInput(input: string): { ok: true; date: string; time: string } | { ok: false; message: string } {
  const typed = input.trim();
  const examples = '12/14/2026 7:30 PM or 2026-12-14 19:30';
  if (!typed) return { ok: false, message: `Give a date and a time, as ${examples}.` };
  const iso = /^(\d{4}-\d{1,2}-\d{1,2})T(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/i.exec(typed);
  const splits: Array<[string, string]> = iso ? [[iso[1]!, iso[2]!.slice(0, 5)]] : [];
  // Every way to cut the words in two: the date first, then the time ("at" between is fine).
  const words = typed.split(/\s+/);
  for (let i = 1; i < words.length; i++) {
    const date = words.slice(0, i).join(' ').replace(/,$/, '');
    const time = words
      .slice(i)
      .join(' ')
      .replace(/^at\s+/i, '');
    splits.push([date, time]);
  }
  let timeProblem: string | null = null;
  for (const [d, t] of splits) {
    const date = parseDateInput(d);
    if (!date.ok) continue;
    const time = parseTimeInput(t);
    if (time.ok) return { ok: true, date: date.value, time: time.value };
    timeProblem ??= time.message;
  }
  if (timeProblem) return { ok: false, message: timeProblem };
  // No readable date: when the first word is a numeric date, say what is wrong with it.
  const lead = words[0]!.replace(/,$/, '');
  if (words.length > 1 && /^\d+[-/.]\d+[-/.]\d+$/.test(lead)) {
    const date = parseDateInput(lead);
    if (!date.ok) return date;
  }
  return { ok: false, message: `“${typed}” is not a date and time we can read. Write it as ${examples}.` };
}

// ---- zod fields ------------------------------------------------------------------------------

function field(parse: (input: string) => Parsed, missing: string, description: string) {
  return z
    .string({ error: missing })
    .describe(description)
    .transform((input, ctx) => {
      const parsed = parse(input);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    });
}

/** A date field of a form or a request: typed as above, given as YYYY-MM-DD. */
export const dateInput = (missing = `Give a date, as ${DATE_EXAMPLES}.`) =>
  field(parseDateInput, missing, 'A date: YYYY-MM-DD, or as people write it (month/day/year with slashes, "14 Dec 2026", "Dec 14, 2026").');
/** A time field of a form or a request: typed as above, given as HH:MM (24 hours). */
export const timeInput = (missing = `Give a time, as ${TIME_EXAMPLES}.`) =>
  field(parseTimeInput, missing, 'A time of day: HH:MM (24 hours), or as people write it ("7pm", "7:30 PM").');
