/**
 * Time zones and recurrences for scheduled chats.
 *
 * A series is defined in its host's wall-clock time ("Tuesdays at 20:00 in New York"), so every
 * occurrence is computed as a local date + local time and only then converted to an instant. That
 * keeps the wall time fixed across daylight-saving changes while the UTC instant moves.
 *
 * Dates are handled as "day numbers" (days since 1970-01-01, proleptic Gregorian) so stepping by
 * weeks or months is plain arithmetic; only the local→UTC conversion needs the zone (via Intl).
 */

import { zoneName } from '../web/format.ts';

export type Recurrence =
  | { freq: 'once' }
  | {
      freq: 'weekly';
      interval: number /* 1 = every week, 2 = every other week, up to 4 */;
      weekday: number /* 0 = Sunday … 6 = Saturday */;
    }
  | { freq: 'monthly'; week: 1 | 2 | 3 | 4 | -1 /* -1 = last */; weekday: number };

export interface Schedule {
  recurrence: Recurrence;
  /** The first occurrence is on or after this local date (YYYY-MM-DD) in timeZone; for 'once' it is the date. Also the anchor of "every other week". */
  startDate: string;
  /** Local start time HH:MM (24 h) in timeZone. */
  time: string;
  /** IANA name, or 'UTC'. */
  timeZone: string;
  durationMinutes: number;
}

export interface Occurrence {
  /** Local date (YYYY-MM-DD) in the schedule's zone. */
  date: string;
  startsAt: number;
  endsAt: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Calendar dates

/** Validates a real calendar date written YYYY-MM-DD; returns it unchanged, or null. */
export function parseLocalDate(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return value;
}

/** Validates HH:MM or H:MM between 00:00 and 23:59; returns it as HH:MM, or null. */
export function parseLocalTime(value: string): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) return null;
  return `${pad2(hour)}:${pad2(minute)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Epoch ms of a UTC wall time. Date.UTC maps years 0–99 to 1900s, so the year is set separately. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(utcMs(year, month, day) / DAY);
}

function splitDate(date: string): [number, number, number] {
  if (parseLocalDate(date) === null) throw new RangeError(`Invalid date: ${date}`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return [year, month, day];
}

function splitTime(time: string): [number, number] {
  const normal = parseLocalTime(time);
  if (normal === null) throw new RangeError(`Invalid time: ${time}`);
  const [hour, minute] = normal.split(':').map(Number) as [number, number];
  return [hour, minute];
}

function dateOfDayNumber(days: number): string {
  const d = new Date(days * DAY);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** 0 = Sunday; 1970-01-01 (day 0) was a Thursday. */
function weekdayOfDayNumber(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------
// Time zones

/** Building a DateTimeFormat is far slower than using one, and recurrences convert many times. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * True for a zone name Intl knows ('UTC' included). Node also accepts fixed offsets such as
 * '+02:00', but they have no daylight-saving rules and aren't what a host means by "my time
 * zone", so they are rejected.
 */
export function isTimeZone(name: string): boolean {
  if (!name || /^[+-]/.test(name) || name.length > 64) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallTime(ms: number, timeZone: string): WallTime {
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type in wall) wall[part.type as keyof WallTime] = Number(part.value);
  }
  return wall;
}

/** The zone's offset from UTC at an instant, in ms (local = UTC + offset). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000; // Intl drops milliseconds
  const w = wallTime(whole, timeZone);
  return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second) - whole;
}

/**
 * Epoch ms of a local wall time in a zone. A time skipped by a spring-forward change moves
 * forward by the length of the gap (02:30 → 03:30); a time that happens twice at a fall-back
 * change takes the first, earlier instant. Throws RangeError on a bad date, time or zone.
 */
export function zonedTimeToUtc(date: string, time: string, timeZone: string): number {
  const [year, month, day] = splitDate(date);
  const [hour, minute] = splitTime(time);
  const local = utcMs(year, month, day, hour, minute);
  // The offsets in force a little before and after this wall time. Offsets are within ±14 h and
  // change at most once in a few days, so these two cover every candidate instant.
  const before = offsetAt(local - 2 * DAY, timeZone);
  const after = offsetAt(local + 2 * DAY, timeZone);
  if (before === after) return local - before; // no change nearby: the usual case
  const candidates = [local - before, local - after].filter((ms) => offsetAt(ms, timeZone) === local - ms);
  if (candidates.length > 0) return Math.min(...candidates);
  // The wall time was skipped: read it with the offset from before the change, which lands the
  // same distance past the change as the wall time was past its start.
  return local - before;
}

/** The local date (YYYY-MM-DD), time (HH:MM) and weekday (0 = Sunday) of an instant in a zone. */
export function utcToZoned(ms: number, timeZone: string): { date: string; time: string; weekday: number } {
  const w = wallTime(ms, timeZone);
  return {
    date: `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)}`,
    time: `${pad2(w.hour)}:${pad2(w.minute)}`,
    weekday: weekdayOfDayNumber(dayNumber(w.year, w.month, w.day)),
  };
}

// ---------------------------------------------------------------------------------------------
// Recurrences

/** Throws RangeError for a schedule that could not produce sensible occurrences (or would loop). */
function checkSchedule(schedule: Schedule): void {
  splitDate(schedule.startDate);
  splitTime(schedule.time);
  if (!isTimeZone(schedule.timeZone)) throw new RangeError(`Invalid time zone: ${schedule.timeZone}`);
  if (!Number.isFinite(schedule.durationMinutes) || schedule.durationMinutes < 0) {
    throw new RangeError(`Invalid duration: ${schedule.durationMinutes}`);
  }
  const r = schedule.recurrence;
  if (r.freq === 'once') return;
  if (!Number.isInteger(r.weekday) || r.weekday < 0 || r.weekday > 6) throw new RangeError(`Invalid weekday: ${r.weekday}`);
  if (r.freq === 'weekly' && (!Number.isInteger(r.interval) || r.interval < 1 || r.interval > 4)) {
    throw new RangeError(`Invalid interval: ${r.interval}`);
  }
  if (r.freq === 'monthly' && ![1, 2, 3, 4, -1].includes(r.week)) throw new RangeError(`Invalid week: ${r.week}`);
}

/** Day number of the nth (or last, n = -1) given weekday of a month. */
function nthWeekdayOfMonth(year: number, month: number, week: number, weekday: number): number {
  if (week === -1) {
    const last = dayNumber(year, month, daysInMonth(year, month));
    return last - ((weekdayOfDayNumber(last) - weekday + 7) % 7);
  }
  const first = dayNumber(year, month, 1);
  return first + ((weekday - weekdayOfDayNumber(first) + 7) % 7) + (week - 1) * 7;
}

/**
 * The occurrences whose start is in [fromMs, toMs), in order, at most `limit`. Steps straight
 * to the first candidate near fromMs, then by whole weeks or months, so a long window costs
 * only as much as the occurrences it returns.
 */
export function occurrences(schedule: Schedule, fromMs: number, toMs: number, limit = 100): Occurrence[] {
  checkSchedule(schedule);
  const result: Occurrence[] = [];
  if (!(limit > 0) || !(fromMs < toMs) || fromMs > 8.6e15) return result;

  const startDay = dayNumber(...splitDate(schedule.startDate));
  const duration = schedule.durationMinutes * MINUTE;
  const fromClamped = Math.max(fromMs, -8.6e15); // stay inside Date's range
  // Local dates more than a couple of days before fromMs cannot start at or after it.
  const fromDay = Math.floor(fromClamped / DAY) - 2;

  /** Adds the occurrence on a day; returns false once the window or the limit is exhausted. */
  const take = (day: number): boolean => {
    const date = dateOfDayNumber(day);
    const startsAt = zonedTimeToUtc(date, schedule.time, schedule.timeZone);
    if (!(startsAt < toMs)) return false;
    if (startsAt >= fromMs) result.push({ date, startsAt, endsAt: startsAt + duration });
    return result.length < limit;
  };

  const r = schedule.recurrence;
  if (r.freq === 'once') {
    take(startDay);
  } else if (r.freq === 'weekly') {
    // Every interval weeks counted from the first matching weekday on or after startDate.
    const first = startDay + ((r.weekday - weekdayOfDayNumber(startDay) + 7) % 7);
    const step = 7 * r.interval;
    const skip = Math.max(0, Math.ceil((fromDay - first) / step));
    for (let day = first + skip * step; take(day); day += step);
  } else {
    const from = new Date(Math.max(startDay, fromDay) * DAY);
    let year = from.getUTCFullYear();
    let month = from.getUTCMonth() + 1;
    for (;;) {
      const day = nthWeekdayOfMonth(year, month, r.week, r.weekday);
      // In the month of startDate the nth weekday may fall before it; that one doesn't count.
      if (day >= startDay && !take(day)) break;
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      if (year > 275_000) break; // past the end of Date's range
    }
  }
  return result;
}

/** The first occurrence starting strictly after afterMs, or null when there is none. */
export function nextOccurrence(schedule: Schedule, afterMs: number): Occurrence | null {
  return occurrences(schedule, Math.floor(afterMs) + 1, Number.POSITIVE_INFINITY, 1)[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Descriptions

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDINALS: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '-1': 'last' };

/** Plain English, e.g. "Every other Wednesday at 19:30 London time", on the host's clock. */
export function describeSchedule(schedule: Schedule): string {
  const at = `at ${parseLocalTime(schedule.time) ?? schedule.time} ${zoneName(schedule.timeZone)}`;
  const r = schedule.recurrence;
  if (r.freq === 'once') {
    const parsed = parseLocalDate(schedule.startDate);
    if (!parsed) return `Once, on ${schedule.startDate} ${at}`;
    const [year, month, day] = splitDate(parsed);
    return `Once, on ${day} ${MONTHS[month - 1]} ${year} ${at}`;
  }
  const weekday = WEEKDAYS[r.weekday] ?? `day ${r.weekday}`;
  if (r.freq === 'weekly') {
    if (r.interval === 1) return `Every ${weekday} ${at}`;
    if (r.interval === 2) return `Every other ${weekday} ${at}`;
    return `Every ${r.interval} weeks on ${weekday} ${at}`;
  }
  return `Monthly on the ${ORDINALS[String(r.week)] ?? r.week} ${weekday} ${at}`;
}
