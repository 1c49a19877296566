import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClock } from '../../src/platform/clock.ts';
import { createMembers, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * "Upcoming chats" beside Home and Explore: the next chats of any series, live ones first, then
 * the soonest; none that ended or was cancelled. The server's clock is stopped at a chosen date.
 */

const clock = new TestClock();
let server: TestServer;
let host: Member;

before(async () => {
  clock.set('2026-11-20T12:00:00Z'); // a Friday
  server = await startTestServer({ clock });
  ({ host } = await createMembers(server, ['host']));
  const create = async (slug: string, body: Record<string, unknown>) => {
    const created = await host.api('POST', '/api/v1/chats', { hashtag: `#${slug}`, title: `${slug} chat`, timeZone: 'UTC', ...body });
    assert.equal(created.status, 201, JSON.stringify(created.json));
  };
  const weekly = { recurrence: { freq: 'weekly', weekday: 5 }, startDate: '2026-11-20', durationMinutes: 60 };
  await create('alpha', { ...weekly, time: '12:30' });
  await create('gamma', { ...weekly, time: '12:10' });
  await create('delta', { ...weekly, time: '12:20' });
  await create('beta', { kind: 'backchannel', recurrence: { freq: 'once' }, startDate: '2026-11-22', time: '09:00', durationMinutes: 600 });
  // Gamma starts early (live now); this week's delta is cancelled.
  assert.equal((await host.api('POST', '/api/v1/chats/gamma/2026-11-20/start')).status, 200);
  assert.equal((await host.api('POST', '/api/v1/chats/delta/2026-11-20/cancel')).status, 200);
});

after(async () => {
  await server?.close();
  clock.reset();
});

describe('upcoming chats', () => {
  test('the live chat first, then the soonest coming up, of any series; a cancelled one is left out', async () => {
    const soonest = await server.services.chats.occurrences.soonest(null, 3);
    assert.deepEqual(
      soonest.map(({ series, chat }) => `${series.hashtag} ${chat.date} ${chat.state}`),
      ['gamma 2026-11-20 live', 'alpha 2026-11-20 scheduled', 'beta 2026-11-22 scheduled'],
    );
    const more = await server.services.chats.occurrences.soonest(null, 6);
    assert.deepEqual(
      more.slice(3).map(({ series, chat }) => `${series.hashtag} ${chat.date}`),
      ['gamma 2026-11-27', 'delta 2026-11-27', 'alpha 2026-11-27'],
      'next week’s, in order of their hour',
    );
  });

  test('Home’s card names the three, each a link to its room, and all chats', async () => {
    const page = await host.web.get('/stream');
    assert.equal(page.status, 200);
    const card = page.document.querySelector('aside section[aria-labelledby="aside-chats"]');
    assert.ok(card, 'the Upcoming chats card');
    assert.equal(card.querySelector('h2')?.textContent, 'Upcoming chats');
    const links = [...card.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(links, ['/chats/gamma/2026-11-20', '/chats/alpha/2026-11-20', '/chats/beta/2026-11-22', '/chats']);
    assert.match(card.textContent ?? '', /Live now/);
  });
});
