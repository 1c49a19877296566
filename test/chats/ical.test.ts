import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CalendarEvent, calendar, escapeText, foldLine, unfold, utcStamp } from '../../src/chats/ical.ts';

const at = (s: string): number => Date.parse(s);
const NOW = at('2027-02-01T12:00:00Z');

const event: CalendarEvent = {
  uid: 'chat-42@commonroom.example',
  start: at('2027-03-02T01:00:00Z'),
  end: at('2027-03-02T02:00:00Z'),
  summary: '#tlchat: Genrefication',
  description: 'Q1–Q5 on shelving; bring examples',
  url: 'https://commonroom.example/chats/tlchat/2027-03-01',
  location: 'https://commonroom.example/chats/tlchat',
  status: 'CONFIRMED',
  updated: at('2027-01-15T09:30:15.123Z'),
  categories: ['tlchat', 'Libraries, school'],
};

/** Content lines after unfolding, without the final empty string. */
function contentLines(ics: string): string[] {
  return unfold(ics).split('\r\n').slice(0, -1);
}

/** The value of the first property with this name (parameters allowed), as written. */
function property(ics: string, name: string): string | undefined {
  const line = contentLines(ics).find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
  return line?.slice(line.indexOf(':') + 1);
}

/** Reverses escapeText, to check the round trip. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

describe('calendar', () => {
  const ics = calendar({ name: '#tlchat', description: 'Teacher-librarian chats', events: [event], now: NOW });

  test('has the calendar header and one event in order', () => {
    assert.deepEqual(contentLines(ics), [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Commonroom//Chats//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:#tlchat',
      'X-WR-CALDESC:Teacher-librarian chats',
      'REFRESH-INTERVAL;VALUE=DURATION:PT60M',
      'X-PUBLISHED-TTL:PT60M',
      'BEGIN:VEVENT',
      'UID:chat-42@commonroom.example',
      'DTSTAMP:20270115T093015Z',
      'DTSTART:20270302T010000Z',
      'DTEND:20270302T020000Z',
      'SUMMARY:#tlchat: Genrefication',
      'DESCRIPTION:Q1–Q5 on shelving\\; bring examples',
      'URL:https://commonroom.example/chats/tlchat/2027-03-01',
      'LOCATION:https://commonroom.example/chats/tlchat',
      'STATUS:CONFIRMED',
      'CATEGORIES:tlchat,Libraries\\, school',
      'LAST-MODIFIED:20270115T093015Z',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });

  test('uses CRLF everywhere and ends with one', () => {
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    assert.equal(ics.replace(/\r\n/g, '').includes('\n'), false);
    assert.equal(ics.replace(/\r\n/g, '').includes('\r'), false);
  });

  test('uses `now` for DTSTAMP when the event has no update time, and honours refreshMinutes', () => {
    const plain = calendar({
      name: 'x',
      refreshMinutes: 15,
      now: NOW,
      events: [{ uid: 'a', start: event.start, end: event.end, summary: 'Chat', status: 'CANCELLED' }],
    });
    assert.equal(property(plain, 'DTSTAMP'), '20270201T120000Z');
    assert.equal(property(plain, 'REFRESH-INTERVAL'), 'PT15M');
    assert.equal(property(plain, 'X-PUBLISHED-TTL'), 'PT15M');
    assert.equal(property(plain, 'STATUS'), 'CANCELLED');
    assert.equal(property(plain, 'X-WR-CALDESC'), undefined);
    assert.equal(property(plain, 'LAST-MODIFIED'), undefined);
    assert.equal(property(plain, 'DESCRIPTION'), undefined);
    assert.equal(property(plain, 'CATEGORIES'), undefined);
  });

  test('an empty calendar is still valid', () => {
    const empty = calendar({ name: 'Nothing yet', events: [], now: NOW });
    assert.equal(empty.includes('BEGIN:VEVENT'), false);
    assert.ok(empty.startsWith('BEGIN:VCALENDAR\r\n'));
    assert.ok(empty.endsWith('END:VCALENDAR\r\n'));
  });

  test('user text cannot inject properties or components', () => {
    const hostile = calendar({
      name: 'Evil\r\nX-INJECTED:1',
      now: NOW,
      events: [
        {
          uid: 'u1',
          start: event.start,
          end: event.end,
          summary: 'Topic\nEND:VEVENT\nBEGIN:VEVENT',
          url: 'https://example.com/a\r\nATTACH:evil',
          description: 'a\u0000b\u0007c\td',
        },
      ],
    });
    const lines = contentLines(hostile);
    assert.equal(lines.filter((l) => l === 'BEGIN:VEVENT').length, 1);
    assert.equal(
      lines.some((l) => l.startsWith('X-INJECTED') || l.startsWith('ATTACH')),
      false,
    );
    assert.equal(property(hostile, 'X-WR-CALNAME'), 'Evil\\nX-INJECTED:1');
    assert.equal(property(hostile, 'SUMMARY'), 'Topic\\nEND:VEVENT\\nBEGIN:VEVENT');
    assert.equal(property(hostile, 'URL'), 'https://example.com/aATTACH:evil');
    assert.equal(property(hostile, 'DESCRIPTION'), 'abc d');
  });
});

describe('escapeText', () => {
  test('escapes backslash, semicolon, comma and line breaks', () => {
    assert.equal(escapeText('a,b;c\\d\ne'), 'a\\,b\\;c\\\\d\\ne');
    assert.equal(escapeText('one\r\ntwo\rthree'), 'one\\ntwo\\nthree');
    assert.equal(escapeText('colon: fine "quotes" too'), 'colon: fine "quotes" too');
  });

  test('round-trips text without control characters', () => {
    const text = 'Q1: what; why, how?\nC:\\path\\to\\file\n\nA1 — ok 🎉';
    assert.equal(unescapeText(escapeText(text)), text);
  });
});

describe('folding', () => {
  const octets = (s: string): number => Buffer.byteLength(s, 'utf8');

  /** Every physical line fits in 75 octets and holds only whole characters. */
  function checkFolded(document: string): void {
    const physical = document.split('\r\n');
    assert.equal(physical.pop(), ''); // the final CRLF
    physical.forEach((line, i) => {
      assert.ok(octets(line) <= 75, `line ${i} has ${octets(line)} octets`);
      // A continuation (leading space) always carries at least one character of the value.
      assert.ok(line.length > 0 && line !== ' ', `line ${i} is empty`);
      // Half a surrogate pair would not survive a UTF-8 round trip.
      assert.equal(Buffer.from(line, 'utf8').toString('utf8'), line, `line ${i} splits a character`);
    });
  }

  /** The physical lines of one property: its first line and the continuations after it. */
  function physicalLines(document: string, name: string): string[] {
    const all = document.split('\r\n');
    const first = all.findIndex((l) => l.startsWith(`${name}:`));
    let last = first + 1;
    while (last < all.length && all[last]!.startsWith(' ')) last++;
    return all.slice(first, last);
  }

  test('short lines are untouched', () => {
    assert.equal(foldLine('SUMMARY:short'), 'SUMMARY:short');
    const exactly75 = `SUMMARY:${'x'.repeat(67)}`;
    assert.equal(octets(exactly75), 75);
    assert.equal(foldLine(exactly75), exactly75);
    assert.equal(foldLine(`${exactly75}y`), `${exactly75}\r\n y`);
  });

  test('ASCII lines fold at 75 octets, continuation lines included', () => {
    const line = `DESCRIPTION:${'abcdefghij'.repeat(30)}`;
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    assert.equal(physical[0]!.length, 75);
    assert.equal(physical[1]!.length, 75);
    assert.ok(physical.slice(1).every((l) => l.startsWith(' ')));
    assert.equal(unfold(folded), line);
    checkFolded(`${folded}\r\n`);
  });

  test('a summary of 100 é (two octets each) folds between characters', () => {
    const summary = 'é'.repeat(100);
    const ics = calendar({ name: 'x', now: NOW, events: [{ ...event, summary }] });
    const folded = physicalLines(ics, 'SUMMARY');
    // 8 + 200 octets: 33 é on the first line, then 37 (1 + 74 octets) per continuation.
    assert.deepEqual(
      folded.map((l) => l.length),
      [8 + 33, 1 + 37, 1 + 30],
    );
    checkFolded(ics);
    assert.equal(property(ics, 'SUMMARY'), summary);
    // "SUMMARY:" is 8 octets, leaving room for 33 é (66 octets) on the first line.
    assert.equal(folded[0], `SUMMARY:${'é'.repeat(33)}`);
  });

  test('emoji (four octets, surrogate pairs in JS) are never split', () => {
    const summary = `${'🎉'.repeat(60)}x${'👩🏽‍🏫'.repeat(10)}`;
    const ics = calendar({ name: 'x', now: NOW, events: [{ ...event, summary }] });
    checkFolded(ics);
    assert.equal(property(ics, 'SUMMARY'), summary);
    // Every physical line except the last of the property is as full as whole characters allow.
    const [first, second] = physicalLines(ics, 'SUMMARY');
    assert.equal(octets(first!), 8 + 4 * 16); // 72: a 17th emoji would make 76
    assert.equal(octets(second!), 1 + 4 * 18); // 73: a 19th would make 77
  });

  test('unfolding the whole document gives back every original value', () => {
    const description = `Line one, with; punctuation\\\n${'Ünïcödé '.repeat(40)}\n🎉 end`;
    const ics = calendar({ name: 'ñ'.repeat(80), now: NOW, events: [{ ...event, description }] });
    checkFolded(ics);
    assert.equal(unescapeText(property(ics, 'DESCRIPTION')!), description);
    assert.equal(property(ics, 'X-WR-CALNAME'), 'ñ'.repeat(80));
  });
});

describe('utcStamp', () => {
  test('formats UTC date-times without milliseconds', () => {
    assert.equal(utcStamp(at('2027-03-02T01:00:00Z')), '20270302T010000Z');
    assert.equal(utcStamp(at('1999-12-31T23:59:59.999Z')), '19991231T235959Z');
    assert.throws(() => utcStamp(Number.NaN), RangeError);
  });
});
