import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClock } from '../../src/platform/clock.ts';
import { createMembers, getJson, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Chat times as people read and type them: every time names its zone, the reader's first and the
 * host's beside it; the forms take dates and times as people write them and explain the ones
 * they can't read. The clock is stopped on Friday 20 November 2026 (winter time in New York).
 */

const clock = new TestClock();
let server: TestServer;
let host: Member;
let chicago: Member;
before(async () => {
  server = await startTestServer({ env: { SITE_TIME_ZONE: 'Europe/London' }, clock });
  clock.set('2026-11-20T12:00:00Z');
  ({ host, chicago } = await createMembers(server, ['host', 'chicago']));
  for (const [member, zone] of [
    [host, 'America/New_York'],
    [chicago, 'America/Chicago'],
  ] as const) {
    const res = await member.api('PATCH', '/api/v1/profile', { timeZone: zone });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
});
after(async () => {
  clock.reset();
  await server.close();
});

describe('times people can read', () => {
  test('a series and its chats show the reader’s zone, named, and the host’s beside it', async () => {
    const created = await host.api('POST', '/api/v1/chats', {
      hashtag: '#ZoneChat',
      title: 'Zones',
      timeZone: 'America/New_York',
      recurrence: { freq: 'weekly', weekday: 3 },
      startDate: '2026-12-01',
      time: '20:00',
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.scheduleText, 'Every Wednesday at 20:00 New York time');

    // Wednesday 2 December, 20:00 in New York: 19:00 in Chicago, 01:00 on Thursday in London.
    const mine = await chicago.web.get('/chats/zonechat');
    assert.equal(mine.status, 200);
    const text = mine.text('main');
    assert.match(text, /Every Wednesday at 20:00 New York time \(19:00 Chicago time for you\)/);
    assert.match(text, /Wed 2 Dec 2026, 19:00–20:00 Chicago time \(20:00–21:00 New York time\)/);
    const start = mine.document.querySelector('main time[datetime="2026-12-03T01:00:00.000Z"]');
    assert.ok(start, 'the <time> element keeps the instant in ISO 8601');

    const hosts = (await host.web.get('/chats/zonechat')).text('main');
    assert.match(hosts, /Every Wednesday at 20:00 New York time(?! \()/);
    assert.match(hosts, /Wed 2 Dec 2026, 20:00–21:00 New York time(?! \()/, 'the host’s own zone is not repeated');

    // Signed out: the site's zone (SITE_TIME_ZONE), named.
    const anonymous = (await server.client().get('/chats/zonechat')).text('main');
    assert.match(anonymous, /Every Wednesday at 20:00 New York time \(Thu 3 Dec, 01:00 London time for you\)/);
    assert.match(anonymous, /Thu 3 Dec 2026, 01:00–02:00 London time \(Wed 2 Dec, 20:00–21:00 New York time\)/);

    const room = (await chicago.web.get('/chats/zonechat/2026-12-02')).text('main');
    assert.match(room, /Wed 2 Dec 2026, 19:00–20:00 Chicago time \(20:00–21:00 New York time\)/);
  });
});

describe('times people can type', () => {
  const form = {
    kind: 'chat',
    hashtag: '#TypedChat',
    title: 'Typed',
    description: '',
    timeZone: 'America/New_York',
    freq: 'weekly',
    weekday: '1',
    week: '1',
    durationMinutes: '60',
    questionInterval: '',
  };

  test('the series form has date and time pickers and reads what people type without one', async () => {
    const page = await host.web.get('/chats/new');
    assert.equal(page.document.querySelector('input[name=startDate]')?.getAttribute('type'), 'date');
    assert.equal(page.document.querySelector('input[name=time]')?.getAttribute('type'), 'time');
    assert.match(page.text('#field-startDate-hint'), /month\/day\/year \(12\/14\/2026\)/);

    const created = await host.web.post('/chats/new', { ...form, startDate: 'Dec 14, 2026', time: '7:30 PM' });
    assert.equal(created.status, 303, created.text('.error-summary'));
    const series = await getJson(server, host, '/api/v1/chats/typedchat');
    assert.equal(series.schedule.startDate, '2026-12-14');
    assert.equal(series.schedule.time, '19:30');
  });

  test('impossible dates and times are explained next to their fields, with what was typed kept', async () => {
    const page = await host.web.post('/chats/new', { ...form, hashtag: '#BadTimes', startDate: '13/45/2026', time: '25pm' });
    assert.equal(page.status, 422);
    assert.match(page.text('#field-startDate-error'), /“13\/45\/2026” is not a date: there is no month 13/);
    assert.match(page.text('#field-time-error'), /“25pm” is not a time: with am or pm the hour is 1 to 12/);
    assert.equal(page.document.querySelector('input[name=startDate]')?.getAttribute('value'), '13/45/2026');
    assert.equal(page.document.querySelector('input[name=time]')?.getAttribute('value'), '25pm');
  });

  test('a backchannel’s sessions take typed times in the series’ zone', async () => {
    const created = await host.api('POST', '/api/v1/chats', {
      kind: 'backchannel',
      hashtag: '#TypedConf',
      title: 'Typed conference',
      timeZone: 'America/New_York',
      recurrence: { freq: 'once' },
      startDate: '2026-12-14',
      time: '09:00',
      durationMinutes: 600,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const path = '/chats/typedconf/2026-12-14/questions';
    const page = await host.web.get(path);
    assert.equal(page.document.querySelector('input[name=startsAt]')?.getAttribute('type'), 'datetime-local');

    const bad = await host.web.post(path, { label: 'Keynote', text: 'Opening', startsAt: '12/14/2026 25pm', endsAt: '13/45/2026 7pm' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('#field-startsAt-error'), /“25pm” is not a time/);
    assert.match(bad.text('#field-endsAt-error'), /no month 13/);
    assert.equal(bad.document.querySelector('input[name=startsAt]')?.getAttribute('value'), '12/14/2026 25pm');

    const typed = await host.web.post(path, { label: 'Keynote', text: 'Opening', startsAt: '12/14/2026 10am', endsAt: '2026-12-14T11:30' });
    assert.equal(typed.status, 303, typed.text('.error-summary'));
    const room = await getJson(server, host, '/api/v1/chats/typedconf/2026-12-14/room');
    const session = room.questions.find((q: { label: string }) => q.label === 'Keynote');
    assert.equal(session.startsAt, '2026-12-14T15:00:00.000Z');
    assert.equal(session.endsAt, '2026-12-14T16:30:00.000Z');
  });
});
