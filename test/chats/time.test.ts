import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeSchedule,
  isTimeZone,
  nextOccurrence,
  occurrences,
  parseLocalDate,
  parseLocalTime,
  type Recurrence,
  type Schedule,
  utcToZoned,
  zonedTimeToUtc,
} from '../../src/chats/time.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const at = (s: string): number => Date.parse(s);

function schedule(recurrence: Recurrence, startDate: string, time: string, timeZone: string, durationMinutes = 60): Schedule {
  return { recurrence, startDate, time, timeZone, durationMinutes };
}

/** [local date, UTC start] pairs, which is what most assertions care about. */
function list(s: Schedule, from: string, to: string, limit?: number): Array<[string, string]> {
  return occurrences(s, at(from), at(to), limit).map((o) => [o.date, iso(o.startsAt)]);
}

describe('parseLocalDate and parseLocalTime', () => {
  test('accept real dates only', () => {
    assert.equal(parseLocalDate('2027-03-02'), '2027-03-02');
    assert.equal(parseLocalDate('2028-02-29'), '2028-02-29'); // leap year
    assert.equal(parseLocalDate('2000-02-29'), '2000-02-29'); // divisible by 400
    assert.equal(parseLocalDate('2027-02-29'), null);
    assert.equal(parseLocalDate('2100-02-29'), null); // divisible by 100 only
    assert.equal(parseLocalDate('2027-02-30'), null);
    assert.equal(parseLocalDate('2027-04-31'), null);
    assert.equal(parseLocalDate('2027-13-01'), null);
    assert.equal(parseLocalDate('2027-00-10'), null);
    assert.equal(parseLocalDate('2027-1-5'), null);
    assert.equal(parseLocalDate('2027-03-02T10:00'), null);
    assert.equal(parseLocalDate(''), null);
  });

  test('accept 00:00–23:59, normalising H:MM', () => {
    assert.equal(parseLocalTime('20:00'), '20:00');
    assert.equal(parseLocalTime('00:00'), '00:00');
    assert.equal(parseLocalTime('23:59'), '23:59');
    assert.equal(parseLocalTime('9:05'), '09:05');
    assert.equal(parseLocalTime('24:00'), null);
    assert.equal(parseLocalTime('12:60'), null);
    assert.equal(parseLocalTime('12:5'), null);
    assert.equal(parseLocalTime('123:00'), null);
    assert.equal(parseLocalTime('8pm'), null);
    assert.equal(parseLocalTime(' 20:00'), null);
  });
});

describe('isTimeZone', () => {
  test('accepts IANA names and UTC', () => {
    for (const zone of ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Etc/GMT+5']) {
      assert.equal(isTimeZone(zone), true, zone);
    }
  });

  test('rejects empty, unknown and fixed-offset names', () => {
    for (const zone of ['', 'Mars/Olympus', 'America/Gotham', '+02:00', '-05:00', '+0530', 'not a zone']) {
      assert.equal(isTimeZone(zone), false, zone);
    }
  });
});

describe('zonedTimeToUtc and utcToZoned', () => {
  test('ordinary times in both seasons', () => {
    assert.equal(iso(zonedTimeToUtc('2027-01-12', '20:00', 'America/New_York')), '2027-01-13T01:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-07-13', '20:00', 'America/New_York')), '2027-07-14T00:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-07-13', '20:00', 'Europe/London')), '2027-07-13T19:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-01-13', '19:00', 'Australia/Sydney')), '2027-01-13T08:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-07-13', '19:00', 'Australia/Sydney')), '2027-07-13T09:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-03-03', '10:00', 'UTC')), '2027-03-03T10:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-03-03', '10:00', 'Asia/Kolkata')), '2027-03-03T04:30:00.000Z');
  });

  test('a time skipped by spring-forward moves forward by the gap', () => {
    // New York, 14 March 2027: 02:00 EST jumps to 03:00 EDT.
    const ny = zonedTimeToUtc('2027-03-14', '02:30', 'America/New_York');
    assert.equal(iso(ny), '2027-03-14T07:30:00.000Z');
    assert.deepEqual(utcToZoned(ny, 'America/New_York'), { date: '2027-03-14', time: '03:30', weekday: 0 });
    // London, 28 March 2027: 01:00 GMT jumps to 02:00 BST.
    const london = zonedTimeToUtc('2027-03-28', '01:30', 'Europe/London');
    assert.equal(utcToZoned(london, 'Europe/London').time, '02:30');
    // Sydney, 3 October 2027: 02:00 AEST jumps to 03:00 AEDT.
    const sydney = zonedTimeToUtc('2027-10-03', '02:30', 'Australia/Sydney');
    assert.equal(iso(sydney), '2027-10-02T16:30:00.000Z');
    assert.equal(utcToZoned(sydney, 'Australia/Sydney').time, '03:30');
  });

  test('a time repeated by fall-back takes the earlier instant', () => {
    // New York, 7 November 2027: 01:30 happens in EDT (05:30Z) and again in EST (06:30Z).
    assert.equal(iso(zonedTimeToUtc('2027-11-07', '01:30', 'America/New_York')), '2027-11-07T05:30:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2026-11-01', '01:30', 'America/New_York')), '2026-11-01T05:30:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-10-31', '01:30', 'Europe/London')), '2027-10-31T00:30:00.000Z');
    // Sydney, 4 April 2027: 02:30 in AEDT (+11) comes before 02:30 in AEST (+10).
    assert.equal(iso(zonedTimeToUtc('2027-04-04', '02:30', 'Australia/Sydney')), '2027-04-03T15:30:00.000Z');
  });

  test('times just around a change are exact', () => {
    assert.equal(iso(zonedTimeToUtc('2027-03-14', '01:59', 'America/New_York')), '2027-03-14T06:59:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-03-14', '03:00', 'America/New_York')), '2027-03-14T07:00:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-11-07', '00:59', 'America/New_York')), '2027-11-07T04:59:00.000Z');
    assert.equal(iso(zonedTimeToUtc('2027-11-07', '02:00', 'America/New_York')), '2027-11-07T07:00:00.000Z');
  });

  test('round-trips every hour across a year in several zones', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kathmandu']) {
      for (let ms = at('2027-01-01T00:00:00Z'); ms < at('2028-01-01T00:00:00Z'); ms += 3_600_000) {
        const local = utcToZoned(ms, zone);
        const back = zonedTimeToUtc(local.date, local.time, zone);
        // A repeated wall time maps back to its first instant, exactly one hour earlier.
        assert.ok(back === ms || back === ms - 3_600_000, `${zone} ${iso(ms)} → ${iso(back)}`);
      }
    }
  });

  test('utcToZoned gives date, time and weekday in the zone', () => {
    assert.deepEqual(utcToZoned(at('2027-03-02T01:00:00Z'), 'America/New_York'), { date: '2027-03-01', time: '20:00', weekday: 1 });
    assert.deepEqual(utcToZoned(at('2027-03-02T01:00:00Z'), 'Australia/Sydney'), { date: '2027-03-02', time: '12:00', weekday: 2 });
    assert.deepEqual(utcToZoned(at('2027-03-02T23:59:59Z'), 'UTC'), { date: '2027-03-02', time: '23:59', weekday: 2 });
  });

  test('rejects invalid input', () => {
    assert.throws(() => zonedTimeToUtc('2027-02-30', '10:00', 'UTC'), RangeError);
    assert.throws(() => zonedTimeToUtc('2027-02-03', '24:00', 'UTC'), RangeError);
    assert.throws(() => zonedTimeToUtc('2027-02-03', '10:00', 'Mars/Olympus'), RangeError);
  });
});

describe('occurrences', () => {
  const tuesdaysNy = schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2026-10-01', '20:00', 'America/New_York');

  test('weekly in New York keeps 20:00 local across the November 2026 change', () => {
    assert.deepEqual(list(tuesdaysNy, '2026-10-20T00:00:00Z', '2026-11-12T00:00:00Z'), [
      ['2026-10-20', '2026-10-21T00:00:00.000Z'],
      ['2026-10-27', '2026-10-28T00:00:00.000Z'],
      ['2026-11-03', '2026-11-04T01:00:00.000Z'],
      ['2026-11-10', '2026-11-11T01:00:00.000Z'],
    ]);
  });

  test('weekly in New York across the March and November 2027 changes', () => {
    assert.deepEqual(list(tuesdaysNy, '2027-03-02T12:00:00Z', '2027-03-20T00:00:00Z'), [
      ['2027-03-02', '2027-03-03T01:00:00.000Z'],
      ['2027-03-09', '2027-03-10T01:00:00.000Z'],
      ['2027-03-16', '2027-03-17T00:00:00.000Z'],
    ]);
    const november = occurrences(tuesdaysNy, at('2027-11-01T00:00:00Z'), at('2027-11-12T00:00:00Z'));
    assert.deepEqual(
      november.map((o) => iso(o.startsAt)),
      ['2027-11-03T00:00:00.000Z', '2027-11-10T01:00:00.000Z'],
    );
    for (const o of november) {
      assert.deepEqual(utcToZoned(o.startsAt, 'America/New_York'), { date: o.date, time: '20:00', weekday: 2 });
      assert.equal(o.endsAt - o.startsAt, 60 * 60_000);
    }
  });

  test('the first occurrence is the first matching weekday on or after startDate', () => {
    const s = schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-06', '20:00', 'UTC'); // a Wednesday
    assert.equal(list(s, '2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z', 1)[0]?.[0], '2027-01-12');
    const onDay = schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-05', '20:00', 'UTC'); // a Tuesday
    assert.equal(list(onDay, '2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z', 1)[0]?.[0], '2027-01-05');
  });

  test('every other week stays anchored to startDate across DST and from any window', () => {
    const s = schedule({ freq: 'weekly', interval: 2, weekday: 2 }, '2027-01-05', '20:00', 'America/New_York');
    assert.deepEqual(list(s, '2027-02-25T00:00:00Z', '2027-04-01T00:00:00Z'), [
      ['2027-03-02', '2027-03-03T01:00:00.000Z'],
      ['2027-03-16', '2027-03-17T00:00:00.000Z'],
      ['2027-03-30', '2027-03-31T00:00:00.000Z'],
    ]);
    // Starting the window in the "off" week must not shift the series.
    assert.deepEqual(list(s, '2027-03-04T00:00:00Z', '2027-03-20T00:00:00Z'), [['2027-03-16', '2027-03-17T00:00:00.000Z']]);
    // Ten years on, still an even number of weeks from the anchor.
    const anchor = Date.UTC(2027, 0, 5);
    for (const [date] of list(s, '2036-01-01T00:00:00Z', '2036-03-01T00:00:00Z')) {
      assert.equal(((Date.parse(date) - anchor) / 86_400_000) % 14, 0, date);
    }
  });

  test('every 3 weeks in London across the March change', () => {
    const s = schedule({ freq: 'weekly', interval: 3, weekday: 3 }, '2027-03-10', '19:30', 'Europe/London');
    assert.deepEqual(list(s, '2027-03-01T00:00:00Z', '2027-04-30T00:00:00Z'), [
      ['2027-03-10', '2027-03-10T19:30:00.000Z'],
      ['2027-03-31', '2027-03-31T18:30:00.000Z'],
      ['2027-04-21', '2027-04-21T18:30:00.000Z'],
    ]);
  });

  test('Sydney: daylight saving ends in April and starts in October', () => {
    const s = schedule({ freq: 'weekly', interval: 1, weekday: 4 }, '2027-01-01', '19:00', 'Australia/Sydney');
    assert.deepEqual(list(s, '2027-03-31T00:00:00Z', '2027-04-10T00:00:00Z'), [
      ['2027-04-01', '2027-04-01T08:00:00.000Z'],
      ['2027-04-08', '2027-04-08T09:00:00.000Z'],
    ]);
    assert.deepEqual(list(s, '2027-09-29T00:00:00Z', '2027-10-08T00:00:00Z'), [
      ['2027-09-30', '2027-09-30T09:00:00.000Z'],
      ['2027-10-07', '2027-10-07T08:00:00.000Z'],
    ]);
  });

  test('a weekly time inside the spring-forward gap moves forward that week only', () => {
    const s = schedule({ freq: 'weekly', interval: 1, weekday: 0 }, '2027-03-01', '02:30', 'America/New_York');
    assert.deepEqual(list(s, '2027-03-07T00:00:00Z', '2027-03-22T00:00:00Z'), [
      ['2027-03-07', '2027-03-07T07:30:00.000Z'],
      ['2027-03-14', '2027-03-14T07:30:00.000Z'], // 03:30 EDT
      ['2027-03-21', '2027-03-21T06:30:00.000Z'], // 02:30 EDT
    ]);
  });

  test('monthly on the last Friday, in months with five and four Fridays', () => {
    const s = schedule({ freq: 'monthly', week: -1, weekday: 5 }, '2027-01-01', '12:00', 'UTC');
    assert.deepEqual(
      list(s, '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z').map(([date]) => date),
      ['2027-01-29', '2027-02-26', '2027-03-26', '2027-04-30', '2027-05-28'], // January and April have five
    );
  });

  test('monthly on the first Thursday skips one before startDate', () => {
    const s = schedule({ freq: 'monthly', week: 1, weekday: 4 }, '2027-01-10', '20:00', 'America/New_York');
    assert.deepEqual(list(s, '2026-12-01T00:00:00Z', '2027-04-30T00:00:00Z'), [
      ['2027-02-04', '2027-02-05T01:00:00.000Z'],
      ['2027-03-04', '2027-03-05T01:00:00.000Z'],
      ['2027-04-01', '2027-04-02T00:00:00.000Z'],
    ]);
  });

  test('monthly on the second and fourth weekday, across a year boundary', () => {
    const second = schedule({ freq: 'monthly', week: 2, weekday: 1 }, '2026-11-01', '09:00', 'Europe/London');
    assert.deepEqual(
      list(second, '2026-11-01T00:00:00Z', '2027-02-01T00:00:00Z').map(([date]) => date),
      ['2026-11-09', '2026-12-14', '2027-01-11'],
    );
    const fourth = schedule({ freq: 'monthly', week: 4, weekday: 0 }, '2027-01-01', '09:00', 'UTC');
    assert.deepEqual(
      list(fourth, '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z').map(([date]) => date),
      ['2027-01-24', '2027-02-28'],
    );
  });

  test('once', () => {
    const s = schedule({ freq: 'once' }, '2027-03-03', '10:00', 'UTC', 90);
    assert.deepEqual(occurrences(s, 0, at('2030-01-01T00:00:00Z')), [
      { date: '2027-03-03', startsAt: at('2027-03-03T10:00:00Z'), endsAt: at('2027-03-03T11:30:00Z') },
    ]);
    assert.deepEqual(occurrences(s, at('2027-03-03T10:00:01Z'), at('2030-01-01T00:00:00Z')), []);
  });

  test('from is inclusive, to is exclusive, limit caps the result', () => {
    const s = schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-01', '20:00', 'UTC');
    const start = at('2027-01-05T20:00:00Z');
    assert.deepEqual(
      occurrences(s, start, start + 1).map((o) => o.date),
      ['2027-01-05'],
    );
    assert.deepEqual(
      occurrences(s, start + 1, start + 7 * 86_400_000).map((o) => o.date),
      [],
    );
    assert.deepEqual(
      occurrences(s, start, start + 7 * 86_400_000 + 1).map((o) => o.date),
      ['2027-01-05', '2027-01-12'],
    );
    assert.equal(occurrences(s, start, at('2030-01-01T00:00:00Z'), 3).length, 3);
    assert.deepEqual(occurrences(s, start, at('2030-01-01T00:00:00Z'), 0), []);
    assert.deepEqual(occurrences(s, start, start), []);
    // A window entirely before startDate.
    assert.deepEqual(occurrences(s, at('2026-01-01T00:00:00Z'), at('2026-12-31T00:00:00Z')), []);
  });

  test('costs in proportion to what it returns: a ten-year window, a window centuries on', (t) => {
    const weekly = schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-01', '20:00', 'America/New_York');
    const monthly = schedule({ freq: 'monthly', week: -1, weekday: 5 }, '2027-01-01', '20:00', 'Australia/Sydney');
    const from = at('2027-01-01T00:00:00Z');
    const to = at('2037-01-01T00:00:00Z');
    // The work is converting local times to instants, each a few readings of the zone's clock.
    const zoneReadings = t.mock.method(Intl.DateTimeFormat.prototype, 'formatToParts');
    const readings = () => zoneReadings.mock.callCount();
    const weeks = occurrences(weekly, from, to, 1000);
    const weekReadings = readings();
    const months = occurrences(monthly, from, to, 1000);
    const monthReadings = readings() - weekReadings;
    assert.equal(weeks.length, 522);
    assert.equal(months.length, 120);
    // Two readings per occurrence, four where the offset changes nearby; one candidate past the window.
    assert.ok(weekReadings <= 4 * (weeks.length + 1), `${weekReadings} zone readings for ${weeks.length} occurrences`);
    assert.ok(monthReadings <= 4 * (months.length + 1), `${monthReadings} zone readings for ${months.length} occurrences`);
    // A window starting far in the future is reached directly, not by stepping from startDate
    // (about 19,000 weeks away).
    const before = readings();
    assert.equal(occurrences(weekly, at('2400-01-01T00:00:00Z'), at('2400-02-01T00:00:00Z')).length, 4);
    assert.ok(readings() - before <= 4 * 5, `${readings() - before} zone readings for 4 occurrences`);
    zoneReadings.mock.restore();
    for (let i = 1; i < weeks.length; i++) assert.ok(weeks[i]!.startsAt > weeks[i - 1]!.startsAt);
    assert.ok(weeks.every((o) => utcToZoned(o.startsAt, 'America/New_York').time === '20:00'));
  });

  test('rejects schedules that make no sense', () => {
    const bad = (s: Schedule) => assert.throws(() => occurrences(s, 0, 1), RangeError);
    bad(schedule({ freq: 'weekly', interval: 0, weekday: 2 }, '2027-01-01', '20:00', 'UTC'));
    bad(schedule({ freq: 'weekly', interval: 1, weekday: 7 }, '2027-01-01', '20:00', 'UTC'));
    bad(schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-02-30', '20:00', 'UTC'));
    bad(schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-01', '24:00', 'UTC'));
    bad(schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-01', '20:00', 'Mars/Olympus'));
  });
});

describe('nextOccurrence', () => {
  const s = schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-01', '20:00', 'America/New_York', 45);

  test('finds the next start strictly after the given instant', () => {
    assert.deepEqual(nextOccurrence(s, at('2027-03-10T00:00:00Z')), {
      date: '2027-03-09',
      startsAt: at('2027-03-10T01:00:00Z'),
      endsAt: at('2027-03-10T01:45:00Z'),
    });
    assert.equal(nextOccurrence(s, at('2027-03-10T01:00:00Z'))?.date, '2027-03-16');
    assert.equal(nextOccurrence(s, 0)?.date, '2027-01-05');
  });

  test('is null after a one-off chat', () => {
    const once = schedule({ freq: 'once' }, '2027-03-03', '10:00', 'UTC');
    assert.equal(nextOccurrence(once, at('2027-03-03T09:59:00Z'))?.date, '2027-03-03');
    assert.equal(nextOccurrence(once, at('2027-03-03T10:00:00Z')), null);
  });
});

describe('describeSchedule', () => {
  test('plain English', () => {
    const cases: Array<[Schedule, string]> = [
      [
        schedule({ freq: 'weekly', interval: 1, weekday: 2 }, '2027-01-01', '20:00', 'America/New_York'),
        'Every Tuesday at 20:00 New York time',
      ],
      [
        schedule({ freq: 'weekly', interval: 2, weekday: 3 }, '2027-01-01', '19:30', 'Europe/London'),
        'Every other Wednesday at 19:30 London time',
      ],
      [schedule({ freq: 'weekly', interval: 3, weekday: 1 }, '2027-01-01', '9:00', 'UTC'), 'Every 3 weeks on Monday at 09:00 UTC'],
      [schedule({ freq: 'monthly', week: 1, weekday: 4 }, '2027-01-01', '20:00', 'UTC'), 'Monthly on the first Thursday at 20:00 UTC'],
      [schedule({ freq: 'monthly', week: 3, weekday: 0 }, '2027-01-01', '20:00', 'UTC'), 'Monthly on the third Sunday at 20:00 UTC'],
      [
        schedule({ freq: 'monthly', week: -1, weekday: 5 }, '2027-01-01', '12:00', 'Australia/Sydney'),
        'Monthly on the last Friday at 12:00 Sydney time',
      ],
      [schedule({ freq: 'once' }, '2027-03-03', '10:00', 'UTC'), 'Once, on 3 March 2027 at 10:00 UTC'],
    ];
    for (const [s, expected] of cases) assert.equal(describeSchedule(s), expected);
  });
});
