import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dateInput, parseDateInput, parseDateTimeInput, parseTimeInput, timeInput } from '../../src/platform/dates.ts';

const ok = (value: string) => ({ ok: true, value });

describe('parseDateInput', () => {
  test('reads what a picker sends and what people type, slashes as month/day/year', () => {
    for (const typed of [
      '2026-12-14',
      '2026/12/14',
      ' 12/14/2026 ',
      '12-14-2026',
      '12/14/26',
      '14 Dec 2026',
      '14 December 2026',
      'Dec 14, 2026',
      'December 14th, 2026',
      'dec. 14 2026',
      'Mon 14 Dec 2026',
      'Monday, December 14, 2026',
    ]) {
      assert.deepEqual(parseDateInput(typed), ok('2026-12-14'), typed);
    }
    assert.deepEqual(parseDateInput('3/4/2027'), ok('2027-03-04'), 'March 4th, not 3 April');
    assert.deepEqual(parseDateInput('29 Feb 2028'), ok('2028-02-29'));
  });

  test('explains impossible and unreadable dates, naming what was typed', () => {
    const bad = (typed: string, pattern: RegExp) => {
      const result = parseDateInput(typed);
      assert.equal(result.ok, false, typed);
      if (!result.ok) assert.match(result.message, pattern, typed);
    };
    bad('13/45/2026', /“13\/45\/2026” is not a date: there is no month 13\. Write it as month\/day\/year/);
    bad('14/12/2026', /no month 14/);
    bad('2/30/2027', /February 2027 has 28 days/);
    bad('2027-02-30', /February 2027 has 28 days/);
    bad('31 Apr 2027', /April 2027 has 30 days/);
    bad('Tue 14 Dec 2026', /14 December 2026 is a Monday/);
    bad('next tuesday', /“next tuesday” is not a date we can read/);
    bad('', /Give a date/);
  });
});

describe('parseTimeInput', () => {
  test('reads 12- and 24-hour times', () => {
    const cases: Array<[string, string]> = [
      ['19:00', '19:00'],
      ['7pm', '19:00'],
      ['7 pm', '19:00'],
      ['7PM', '19:00'],
      ['7:30pm', '19:30'],
      ['7:30 PM', '19:30'],
      ['7 p.m.', '19:00'],
      ['7.30pm', '19:30'],
      ['9:05 am', '09:05'],
      ['12am', '00:00'],
      ['12 pm', '12:00'],
      ['12:30 AM', '00:30'],
      ['noon', '12:00'],
      ['midnight', '00:00'],
      ['0:15', '00:15'],
      ['19', '19:00'],
      ['19:00:00', '19:00'],
      ['7:30', '07:30'],
    ];
    for (const [typed, value] of cases) assert.deepEqual(parseTimeInput(typed), ok(value), typed);
  });

  test('explains impossible and ambiguous times', () => {
    const bad = (typed: string, pattern: RegExp) => {
      const result = parseTimeInput(typed);
      assert.equal(result.ok, false, typed);
      if (!result.ok) assert.match(result.message, pattern, typed);
    };
    bad('25pm', /“25pm” is not a time: with am or pm the hour is 1 to 12/);
    bad('13:00 pm', /with am or pm the hour is 1 to 12/);
    bad('24:00', /hours go from 0 to 23/);
    bad('7:60', /minutes go from 00 to 59/);
    bad('7', /could be morning or evening: add am or pm \(7pm\)/);
    bad('soon', /“soon” is not a time we can read/);
    bad('', /Give a time/);
  });
});

describe('parseDateTimeInput', () => {
  test('reads a datetime-local value and typed dates with times', () => {
    const cases: Array<[string, string, string]> = [
      ['2026-12-14T19:00', '2026-12-14', '19:00'],
      ['2026-12-14 19:00', '2026-12-14', '19:00'],
      ['12/14/2026 7pm', '2026-12-14', '19:00'],
      ['12/14/2026 7:30 PM', '2026-12-14', '19:30'],
      ['Dec 14, 2026 at 7:30 pm', '2026-12-14', '19:30'],
      ['14 Dec 2026, 19:00', '2026-12-14', '19:00'],
    ];
    for (const [typed, date, time] of cases) assert.deepEqual(parseDateTimeInput(typed), { ok: true, date, time }, typed);
  });

  test('explains what is wrong', () => {
    const bad = (typed: string, pattern: RegExp) => {
      const result = parseDateTimeInput(typed);
      assert.equal(result.ok, false, typed);
      if (!result.ok) assert.match(result.message, pattern, typed);
    };
    bad('12/14/2026 25pm', /“25pm” is not a time/);
    bad('13/45/2026 7pm', /no month 13/);
    bad('12/14/2026', /not a date and time we can read/);
    bad('tomorrow evening', /not a date and time we can read/);
  });
});

test('the zod fields give the normal form or the message', () => {
  assert.equal(dateInput().parse('Dec 14, 2026'), '2026-12-14');
  assert.equal(timeInput().parse('7:30 PM'), '19:30');
  const failed = timeInput().safeParse('25pm');
  assert.equal(failed.success, false);
  assert.match(failed.error?.issues[0]?.message ?? '', /25pm/);
  assert.match(dateInput('Give the first date.').safeParse(undefined).error?.issues[0]?.message ?? '', /Give the first date/);
});
