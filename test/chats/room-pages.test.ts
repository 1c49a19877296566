import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { TestClock } from '../../src/platform/clock.ts';
import { createMembers, getJson, type Json, type Member } from '../social/helpers.ts';
import type { Page } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The chat pages as a new member meets them, without JavaScript: which buttons the room offers
 * and when (the server's clock decides, set by the test), what an early "Start" answers, and
 * whether what the pages say about questions is what happens.
 */

const clock = new TestClock();
let server: TestServer;
let host: Member;
let ana: Member;
before(async () => {
  server = await startTestServer({ clock });
  ({ host, ana } = await createMembers(server, ['host', 'ana']));
});
after(() => server.close());

/** A weekly chat whose first occurrence starts `inMinutes` from now (UTC), with `questions` prepared. */
async function weeklyChat(
  slug: string,
  options: { inMinutes?: number; questions?: number; interval?: number } = {},
): Promise<{ chat: Json; base: string; api: string }> {
  const at = utcToZoned(Date.now() + (options.inMinutes ?? 30) * 60_000, 'UTC');
  const created = await host.api('POST', '/api/v1/chats', {
    hashtag: `#${slug}`,
    title: `${slug} chat`,
    timeZone: 'UTC',
    recurrence: { freq: 'weekly', weekday: at.weekday },
    startDate: at.date,
    time: at.time,
    durationMinutes: 60,
    ...(options.interval ? { questionInterval: options.interval } : {}),
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const api = `/api/v1/chats/${slug}/${at.date}`;
  for (let i = 1; i <= (options.questions ?? 0); i++) {
    const q = await host.api('POST', `${api}/questions`, { text: `Question number ${i}?` });
    assert.equal(q.status, 201, JSON.stringify(q.json));
  }
  const { chat } = await getJson(server, host, api);
  return { chat, base: `/chats/${slug}/${at.date}`, api };
}

const buttons = (page: Page) => [...page.document.querySelectorAll('main button')].map((b) => b.textContent!.trim());
const links = (page: Page) => [...page.document.querySelectorAll('main a')].map((a) => a.getAttribute('href'));

describe('the room’s buttons', () => {
  test('“Start the chat now” is offered to moderators only when the chat is close; an early start explains itself and leads back', async (t) => {
    t.after(() => clock.reset());
    const { chat, base, api } = await weeklyChat('startchat');
    const startsAt = Date.parse(chat.startsAt);

    // Two days early: no button, and a start that still comes is refused with a way back.
    clock.set(startsAt - 2 * 86_400_000);
    let page = await host.web.get(base);
    assert.equal(page.status, 200);
    assert.ok(!buttons(page).includes('Start the chat now'), buttons(page).join(' | '));
    const early = await host.web.post(`${base}/start`, {});
    assert.equal(early.status, 409);
    assert.match(early.text('main'), /early|before/i);
    assert.ok(links(early).includes(base), `a link back to the chat: ${links(early).join(' ')}`);
    const earlyApi = await host.api('POST', `${api}/start`);
    assert.equal(earlyApi.status, 409);
    assert.equal(earlyApi.json.error.code, 'too_early');

    // Ten minutes before: the host may open the room; a member who does not run it may not.
    clock.set(startsAt - 10 * 60_000);
    page = await host.web.get(base);
    assert.ok(buttons(page).includes('Start the chat now'), buttons(page).join(' | '));
    assert.ok(!buttons(await ana.web.get(base)).includes('Start the chat now'));
    // Due (the timer has not run yet): still offered.
    clock.set(startsAt + 60_000);
    assert.ok(buttons(await host.web.get(base)).includes('Start the chat now'));
    const started = await host.web.post(`${base}/start`, {});
    assert.equal(started.status, 303);
    // Started: a second start explains itself and leads back to the room too.
    const again = await host.web.post(`${base}/start`, {});
    assert.equal(again.status, 409);
    assert.ok(links(again).includes(base), links(again).join(' '));
  });

  test('while the chat is live, and after it ended, the room offers no “I’ll be there”', async (t) => {
    t.after(() => clock.reset());
    const { base, api } = await weeklyChat('rsvpchat', { questions: 1 });
    assert.ok(buttons(await ana.web.get(base)).includes('I’ll be there'), 'offered before the chat');
    assert.equal((await host.api('POST', `${api}/start`)).status, 200);
    const live = await ana.web.get(base);
    assert.equal(live.text('[data-chat-state]'), 'Live now');
    assert.ok(!buttons(live).some((b) => /I’ll be there|Not going/.test(b)), buttons(live).join(' | '));
    const listed = [...(await ana.web.get('/chats/rsvpchat')).document.querySelectorAll('.chat-list li')].find((li) =>
      li.querySelector(`a[href="${base}"]`),
    );
    assert.ok(listed, 'the live chat is listed on the series page');
    assert.equal(listed.querySelector('button'), null, 'with no RSVP button');
    assert.equal((await host.api('POST', `${api}/end`)).status, 200);
    assert.ok(!buttons(await ana.web.get(base)).some((b) => /I’ll be there|Not going/.test(b)));
  });

  test('a live room with no posts yet shows no empty “Posts” list, but says what to do', async () => {
    const { base, api } = await weeklyChat('emptychat');
    assert.equal((await host.api('POST', `${api}/start`)).status, 200);
    const page = await ana.web.get(base);
    const headings = [...page.document.querySelectorAll('main h2')].filter((h) => !h.closest('[hidden]')).map((h) => h.textContent!.trim());
    assert.ok(!headings.includes('Posts'), headings.join(' | '));
    assert.ok(page.document.querySelector('[data-question="0"]')?.hasAttribute('hidden'), 'the empty list is not shown');
    assert.match(page.text('main'), /No posts yet/);
    // Once someone posts, the posts are there under their heading.
    await ana.post(`Hello from Ana #emptychat`);
    const after = await ana.web.get(base);
    assert.match(after.text('[data-question="0"]'), /Hello from Ana/);
    assert.ok(!after.document.querySelector('[data-question="0"]')?.hasAttribute('hidden'));
    assert.doesNotMatch(after.text('main'), /No posts yet/);
    assert.equal(after.text('[data-participants]'), '1 participant');
  });
});

describe('what the pages promise', () => {
  test('after creating a series, the page really has a way to prepare the questions of its first chat', async () => {
    const at = utcToZoned(Date.now() + 3 * 86_400_000, 'UTC');
    const created = await host.web.post('/chats/new', {
      kind: 'chat',
      hashtag: '#PrepChat',
      title: 'Prep chat',
      description: '',
      timeZone: 'UTC',
      freq: 'weekly',
      weekday: String(at.weekday),
      week: '1',
      startDate: at.date,
      time: at.time,
      durationMinutes: '60',
      questionInterval: '',
    });
    assert.equal(created.status, 303);
    const page = await host.web.get(created.location!);
    assert.match(page.text('.notice'), /Prepare the questions/);
    const prepare = page.document.querySelector(`main a[href="/chats/prepchat/${at.date}/questions"]`);
    assert.ok(prepare, `a link to the first chat's questions: ${links(page).join(' ')}`);
    // Only the people who run it are offered that.
    assert.equal((await ana.web.get('/chats/prepchat')).document.querySelector('main a[href$="/questions"]'), null);
  });

  test('the room says questions come every N minutes only while the timer will ask them; the prepare page agrees', async (t) => {
    t.after(() => clock.reset());
    const { chat, base, api } = await weeklyChat('pacechat', { questions: 1, interval: 8 });
    const prepare = await host.web.get(`${base}/questions`);
    assert.equal(prepare.document.querySelector('input[name=questionInterval]')?.getAttribute('value'), '8');
    assert.match(prepare.text('main'), /Q1 is asked at the start/);
    assert.match((await ana.web.get(base)).text('main'), /a question every 8 minutes/);

    // Started: Q1 goes out at once; with nothing left to ask the timer stops, and the room no longer promises more.
    clock.set(Date.parse(chat.startsAt));
    assert.equal((await host.api('POST', `${api}/start`)).status, 200);
    const state = await getJson(server, null, api);
    assert.ok(state.questions[0].releasedAt, 'Q1 was asked at the start');
    const room = await ana.web.get(base);
    assert.doesNotMatch(room.text('main'), /every 8 minutes/);
    // The moderator is told how the next questions go out.
    assert.match((await host.web.get(base)).text('main'), /ask each question with the “Ask” button|no questions left/i);

    // A question added now is asked by the timer: the clock starts again, and the room says so.
    assert.equal((await host.api('POST', `${api}/questions`, { text: 'One more?' })).status, 201);
    assert.match((await ana.web.get(base)).text('main'), /a question every 8 minutes/);
    await server.services.chats.timer.tick(Date.parse(chat.startsAt) + 9 * 60_000);
    assert.ok((await getJson(server, null, api)).questions[1].releasedAt, 'Q2 was asked by the timer');
  });
});
