import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMembers, type Member } from '../social/helpers.ts';
import { audit, type BrowserSession, checkAccessibility, launchBrowser, openContext, visit, writePngFile } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * A weekly hashtag chat end to end in real browsers: the host schedules it with the form and
 * prepares six questions; a member says she will come and subscribes to its calendar; at the
 * hour the room runs live in two browsers with timed questions (the timer is driven with the
 * chat's own clock), answers and highlights arrive without reloading; afterwards the page is the
 * transcript and its four downloads are right. Every page type goes through axe-core. The tests
 * run in order and build on each other.
 */

let server: TestServer;
let browser: Browser;
let members: { hana: Member; ana: Member; bo: Member };
let host: BrowserSession;
let ana: BrowserSession;
/** The first chat: local date (UTC) and start time. */
const first = utcToZoned(Date.now() + 20 * 60_000, 'UTC');
const roomPath = `/chats/readaloud/${first.date}`;
let startsAt: number;

async function notice(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('main .notice', { hasText: text }).waitFor();
}

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  members = await createMembers(server, ['hana', 'ana', 'bo'] as const);
  host = await openContext(browser, server, {}, members.hana);
  ana = await openContext(browser, server, {}, members.ana);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

describe('a weekly chat in the browser', () => {
  test('the host schedules a weekly chat with the form; a mistake is explained next to its field', async () => {
    const { page } = host;
    await visit(page, '/chats/new');
    await checkAccessibility(page, 'new series form');
    await page.getByLabel('Hashtag').fill('#ReadAloud');
    await page.getByLabel('Title').fill('Read-aloud chat');
    await page.getByLabel('Description').fill('Librarians and teachers on reading aloud to every age.');
    await page.getByLabel('Time zone of the host').selectOption('UTC');
    await page.getByLabel('How often').selectOption('weekly');
    await page.getByLabel('Day of the week').selectOption(String(first.weekday));
    await page.getByLabel('First date').fill(first.date);
    await page.getByLabel('Start time').fill(first.time);
    // (the date and time pickers send only real values: the mistake is elsewhere)
    await page.getByLabel('Minutes between questions').fill('0');
    await page.getByRole('button', { name: 'Create the series' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Error:/);
    await checkAccessibility(page, 'new series form with an error');
    await page.getByLabel('Minutes between questions').fill('8');
    await page.getByRole('button', { name: 'Create the series' }).click();
    await notice(page, 'Read-aloud chat is scheduled');
    assert.equal(new URL(page.url()).pathname, '/chats/readaloud');
    assert.match(await page.locator('main').innerText(), /Every \w+day at \d\d:\d\d UTC/);
    await checkAccessibility(page, 'series page');
  });

  test('the host prepares six questions, one with an image', async () => {
    const { page } = host;
    await visit(page, `${roomPath}/questions`);
    const image = await writePngFile(400, 300);
    for (let n = 1; n <= 6; n++) {
      await page
        .getByLabel('Question', { exact: true })
        .fill(
          `Question ${n}: what do you read aloud to ${['toddlers', 'first graders', 'teens', 'adults', 'families', 'yourself'][n - 1]}?`,
        );
      if (n === 2) {
        await page.locator('#field-image').setInputFiles(image);
        await page.getByLabel('Image description (alt text)').fill('A pile of picture books on a carpet');
      }
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await notice(page, 'Question added.');
    }
    assert.equal(await page.locator('.question-list li').count(), 6);
    await checkAccessibility(page, 'questions page');
  });

  test('a member says she will come and subscribes to the chat’s calendar', async () => {
    const { page } = ana;
    await visit(page, '/chats');
    await checkAccessibility(page, 'chats home');
    await page.getByRole('link', { name: 'Read-aloud chat' }).click();
    await page.getByRole('button', { name: 'I’ll be there' }).first().click();
    await notice(page, 'See you there');
    const ics = await page.request.get('/chats/readaloud/calendar.ics');
    assert.equal(ics.status(), 200);
    const text = await ics.text();
    assert.match(text, /BEGIN:VEVENT\r\n/);
    assert.match(text, /SUMMARY:#ReadAloud: Read-aloud chat/);
    await visit(page, '/chats/mine');
    await checkAccessibility(page, 'my chats');
    const mine = await page.getByRole('link', { name: 'your chats calendar' }).getAttribute('href');
    const own = await page.request.get(new URL(mine!).pathname);
    assert.equal((await own.text()).match(/BEGIN:VEVENT/g)?.length, 1);
  });

  test('at the hour the room runs live in two browsers: timed questions, answers and highlights arrive without reloading', async () => {
    const chat = (await server.services.chats.occurrences.get(null, 'readaloud', first.date)).chat;
    startsAt = chat.startsAt;
    // The reminder goes out a quarter of an hour before; the chat starts at its hour with Q1.
    await server.services.chats.timer.tick(startsAt - 10 * 60_000);
    await server.services.chats.timer.tick(startsAt);
    await visit(host.page, roomPath);
    await visit(ana.page, roomPath);
    for (const s of [host, ana]) {
      await s.page.locator('[data-chat-room][data-live-ready]').waitFor({ state: 'attached' });
      await s.page.locator('[data-chat-state]', { hasText: 'Live now' }).waitFor();
      assert.match(await s.page.locator('[data-current-question]').innerText(), /Q1 Question 1/);
    }
    await checkAccessibility(ana.page, 'live room (participant)');
    await checkAccessibility(host.page, 'live room (host)');
    const reminders = (await members.ana.api('GET', '/api/v1/notifications?kind=chat_reminder')).json.notifications;
    assert.equal(reminders.length, 1, 'Ana, who said she would come, was reminded once');

    // Ana answers from the prefilled composer; the host sees it under Q1 without reloading.
    const composer = ana.page.getByLabel('Write a post');
    assert.equal(await composer.inputValue(), 'A1 \n\n#ReadAloud');
    await composer.fill('A1 Brown Bear, Brown Bear, every single day #readaloud');
    await ana.page.getByRole('button', { name: 'Post', exact: true }).click();
    const answer = host.page.locator('[data-question="1"] .chat-post', { hasText: 'Brown Bear' });
    await answer.waitFor();
    await answer.getByText('New participant').waitFor();
    // The host's room can show the answer before Ana's page has had the answer to its own request.
    for (let i = 0; i < 50 && (await composer.inputValue()) !== 'A1 \n\n#ReadAloud'; i++) await ana.page.waitForTimeout(100);
    assert.equal(await composer.inputValue(), 'A1 \n\n#ReadAloud', 'the composer is ready for the next answer');
    // Bo answers through the API; both rooms show it.
    await members.bo.post('a1) Knuffle Bunny for the giggles #readaloud');
    await ana.page.locator('[data-question="1"] .chat-post', { hasText: 'Knuffle Bunny' }).waitFor();

    // The host highlights Ana's answer with the tools that came with the live post.
    await Promise.all([host.page.waitForEvent('load'), answer.getByRole('button', { name: 'Highlight' }).click()]);
    await ana.page.locator('[data-question="1"] .chat-post--highlighted', { hasText: 'Brown Bear' }).waitFor();
    await host.page.locator('[data-chat-room][data-live-ready]').waitFor({ state: 'attached' });

    // Eight minutes later (the chat's clock) Q2 is asked by itself, image and all.
    await server.services.chats.timer.tick(startsAt + 8 * 60_000);
    for (const s of [host, ana]) {
      await s.page.locator('[data-current-question]', { hasText: 'Q2' }).waitFor();
      await s.page.locator('[data-question="2"] img[alt="A pile of picture books on a carpet"]').waitFor();
    }
    assert.equal(await composer.inputValue(), 'A2 \n\n#ReadAloud');
    await composer.fill('A2 Elephant and Piggie, with voices #readaloud');
    await ana.page.getByRole('button', { name: 'Post', exact: true }).click();
    await host.page.locator('[data-question="2"] .chat-post', { hasText: 'Elephant and Piggie' }).waitFor();
    assert.deepEqual(ana.problems.splice(0), []);
    assert.deepEqual(host.problems.splice(0), []);
  });

  test('the host ends the chat; the page becomes the transcript, and its four downloads are right', async () => {
    host.page.once('dialog', (dialog) => void dialog.accept());
    await host.page.getByRole('button', { name: 'End the chat' }).click();
    await notice(host.page, 'The chat has ended');
    await ana.page.locator('[data-chat-state]', { hasText: 'Ended' }).waitFor();
    await visit(ana.page, roomPath);
    const main = await ana.page.locator('main').innerText();
    assert.match(main, /3 posts, 3 answers, 2 participants, 1 highlighted answer/);
    assert.match(main, /Q1 Question 1/);
    await checkAccessibility(ana.page, 'transcript');

    const download = async (format: string) => {
      const res = await ana.page.request.get(`${roomPath}/transcript.${format}`);
      assert.equal(res.status(), 200, format);
      assert.match(res.headers()['content-disposition'] ?? '', new RegExp(`filename="readaloud-${first.date}\\.${format}"`));
      return res.text();
    };
    const md = await download('md');
    assert.match(md, /Q1/);
    assert.match(md, /Brown Bear, Brown Bear/);
    assert.match(md, /Highlighted|⭐/);
    const csv = (await download('csv')).trim().split('\r\n');
    assert.equal(csv.length, 4);
    assert.ok(csv.some((row) => row.startsWith('Q2,') && row.includes('Elephant and Piggie')));
    const json = JSON.parse(await download('json'));
    assert.deepEqual(
      json.questions.map((q: { answers: unknown[] }) => q.answers.length),
      [2, 1, 0, 0, 0, 0],
    );
    const html = await download('html');
    // As a file opened on its own: a blank page, not under the site's Content-Security-Policy.
    const offline = await ana.context.newPage();
    await offline.setContent(html);
    await checkAccessibility(offline, 'downloaded HTML transcript');
    assert.equal(await offline.locator('script').count(), 0);
    await offline.close();

    await audit(ana, '/@ana/chats', 'chat history');
    assert.match(await ana.page.locator('main').innerText(), /Brown Bear/);
    await audit(host, '/chats/readaloud/manage', 'manage series');
  });
});
