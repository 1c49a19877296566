import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClockZoned, formatDateTime, formatSpan, hostSpan, zoneName } from '../../src/web/format.ts';

// Wednesday 16 December 2026, 20:00 in New York (winter time, UTC-5).
const start = Date.parse('2026-12-17T01:00:00Z');
const hour = 3_600_000;

test('a zone is named by its city, never by an abbreviation Intl may print as GMT-5', () => {
  assert.equal(zoneName('America/New_York'), 'New York time');
  assert.equal(zoneName('America/Argentina/Buenos_Aires'), 'Buenos Aires time');
  assert.equal(zoneName('UTC'), 'UTC');
  assert.equal(zoneName('Etc/UTC'), 'UTC');
  assert.equal(zoneName('Etc/GMT+5'), 'GMT-5');
});

test('every time shown names its zone', () => {
  assert.equal(formatDateTime(start, 'America/New_York'), '16 Dec 2026, 20:00 New York time');
  assert.equal(formatDateTime(start, 'UTC'), '17 Dec 2026, 01:00 UTC');
  assert.equal(formatClockZoned(start, 'Europe/London'), '01:00 London time');
});

test('a span on the reader’s clock, and the host’s beside it where it reads differently', () => {
  assert.equal(
    formatSpan(start, start + hour, 'America/Chicago', 'America/New_York'),
    'Wed 16 Dec 2026, 19:00–20:00 Chicago time (20:00–21:00 New York time)',
  );
  assert.equal(
    formatSpan(start, start + hour, 'Europe/London', 'America/New_York'),
    'Thu 17 Dec 2026, 01:00–02:00 London time (Wed 16 Dec, 20:00–21:00 New York time)',
  );
  assert.equal(formatSpan(start, start + hour, 'America/New_York', 'America/New_York'), 'Wed 16 Dec 2026, 20:00–21:00 New York time');
  assert.equal(hostSpan(start, start + hour, 'America/Detroit', 'America/New_York'), null, 'the same clock is not said twice');
  assert.equal(formatSpan(start, start + 30 * hour, 'America/New_York'), 'Wed 16 Dec 2026, 20:00–Fri 18 Dec 2026, 02:00 New York time');
});
