import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMembers, type Member, png } from '../social/helpers.ts';
import { type BrowserSession, checkAccessibility, launchBrowser, openContext, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The live room as a new member meets it, in real browsers: the participant count follows the
 * room, the composer is ready for the next answer after a post, a phone shows the question and
 * the newest answers first with the composer docked at the bottom, avatars stay round.
 */

let server: TestServer;
let browser: Browser;
let members: { hana: Member; ana: Member; bo: Member };
let ana: BrowserSession;
const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
const roomPath = `/chats/roomtest/${at.date}`;
const api = `/api/v1/chats/roomtest/${at.date}`;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  members = await createMembers(server, ['hana', 'ana', 'bo'] as const);
  const created = await members.hana.api('POST', '/api/v1/chats', {
    hashtag: '#RoomTest',
    title: 'Room test',
    timeZone: 'UTC',
    recurrence: { freq: 'weekly', weekday: at.weekday },
    startDate: at.date,
    time: at.time,
    durationMinutes: 60,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  for (const text of ['What are you reading?', 'What do you read aloud?']) {
    assert.equal((await members.hana.api('POST', `${api}/questions`, { text })).status, 201);
  }
  assert.equal((await members.hana.api('POST', `${api}/start`)).status, 200);
  ana = await openContext(browser, server, {}, members.ana);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function live(page: Page): Promise<void> {
  await page.locator('[data-chat-room][data-live-ready]').waitFor({ state: 'attached' });
}

const participants = (page: Page) => page.locator('[data-participants]').innerText();

describe('the live room', () => {
  test('the participant count is right from the start and follows the room without reloading', async () => {
    const { page } = ana;
    await visit(page, roomPath);
    await live(page);
    assert.equal(await participants(page), '0 participants');
    assert.match(await page.locator('main').innerText(), /No posts yet/);
    await members.bo.post('Hello from Bo #RoomTest');
    await page.locator('.chat-post', { hasText: 'Hello from Bo' }).waitFor();
    await page.locator('[data-participants]', { hasText: '1 participant' }).waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /No posts yet/);
    await members.bo.post('Bo again #RoomTest');
    await page.locator('.chat-post', { hasText: 'Bo again' }).waitFor();
    assert.equal(await participants(page), '1 participant', 'the same person counts once');
    // Reloaded, the page counts the same.
    await visit(page, roomPath);
    assert.equal(await participants(page), '1 participant');
    assert.deepEqual(ana.problems.splice(0), []);
  });

  test('after posting from the room, the composer and its character count are ready for the next answer', async () => {
    const { page } = ana;
    assert.equal((await members.hana.api('POST', `${api}/release`)).status, 200);
    await page.locator('[data-current-question]', { hasText: 'Q1' }).waitFor();
    const composer = page.getByLabel('Write a post');
    await composer.fill('A1 The Hobbit, one chapter a night, with the voices #RoomTest');
    const id = await composer.getAttribute('id');
    const counter = page.locator(`[data-count-for="${id}"]`);
    const max = Number(await composer.getAttribute('data-max-chars'));
    assert.equal(await counter.innerText(), `${max - [...(await composer.inputValue())].length} characters left.`);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.locator('[data-question="1"] .chat-post', { hasText: 'The Hobbit' }).waitFor();
    for (let i = 0; i < 50 && (await composer.inputValue()) !== 'A1 \n\n#RoomTest'; i++) await page.waitForTimeout(100);
    assert.equal(await composer.inputValue(), 'A1 \n\n#RoomTest');
    assert.equal(await counter.innerText(), `${max - 'A1 \n\n#RoomTest'.length} characters left.`, 'the count is of what is in the box');
    await page.locator('[data-participants]', { hasText: '2 participants' }).waitFor();
    assert.deepEqual(ana.problems.splice(0), []);
  });

  test('avatars are round: as wide as they are tall, photos and initials alike', async () => {
    // Bo's photo is wider than tall (as a remote avatar can be); Ana has none (initials).
    const url = await server.services.kernel.storage.put('avatars', 'png', await png(120, 60));
    await server.services.kernel.database.db.updateTable('actors').set({ avatar_url: url }).where('id', '=', members.bo.actorId).execute();
    const { page } = ana;
    await visit(page, roomPath);
    const sizes = await page.locator('.chat-post .avatar').evaluateAll((els) =>
      els.map((el) => {
        const box = el.getBoundingClientRect();
        return { tag: el.tagName, width: Math.round(box.width), height: Math.round(box.height) };
      }),
    );
    assert.ok(sizes.some((s) => s.tag === 'IMG') && sizes.some((s) => s.tag === 'SPAN'), JSON.stringify(sizes));
    for (const s of sizes) {
      assert.equal(s.width, s.height, `a ${s.tag} avatar ${s.width}×${s.height}`);
      assert.ok(s.width >= 24, `a ${s.tag} avatar ${s.width}px wide`);
    }
  });

  for (const viewport of [
    { width: 390, height: 844 },
    { width: 360, height: 740 },
  ]) {
    test(`on a phone (${viewport.width}×${viewport.height}): the question and the newest answers first, the composer docked at the bottom`, async () => {
      for (let i = 1; i <= 8; i++) await members.bo.post(`A1 Bo's answer number ${i}, a longer one to fill the screen a little #RoomTest`);
      const phone = await openContext(browser, server, { viewport, isMobile: true, hasTouch: true }, members.ana);
      try {
        const { page } = phone;
        await visit(page, roomPath);
        await live(page);
        const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
        const composer = await box('.chat-room__composer');
        const question = await box('[data-current-question]');
        const newest = await box('[data-question="1"] .chat-post');
        // At the top of the page: the question, then the newest answer, above the docked composer.
        assert.ok(
          question.y + question.height <= composer.y,
          `question ${JSON.stringify(question)} above composer ${JSON.stringify(composer)}`,
        );
        // (The newest answer begins on the first screen: its author line at least is above the composer.)
        assert.ok(newest.y + 40 <= composer.y, `newest answer ${JSON.stringify(newest)} above composer ${JSON.stringify(composer)}`);
        assert.match(await page.locator('[data-question="1"] .chat-post').first().innerText(), /number 8/);
        // Docked: the composer ends at the bottom of what is visible (above the tab bar, if any), not screens down.
        const rail = await page.locator('.rail').boundingBox();
        const bottom = rail && rail.y < viewport.height ? rail.y : viewport.height;
        assert.ok(
          composer.y + composer.height <= bottom + 1 && composer.y + composer.height >= bottom - 2,
          `composer ${JSON.stringify(composer)}, bottom ${bottom}`,
        );
        assert.ok(composer.height <= viewport.height / 2, `the docked composer leaves room to read: ${composer.height}px`);
        // Scrolled to the end, the oldest post is not hidden behind it.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        const last = await page.locator('.chat-room .chat-post').last().boundingBox();
        const docked = await box('.chat-room__composer');
        assert.ok(last!.y + last!.height <= docked.y + 1, `last post ${JSON.stringify(last)} above composer ${JSON.stringify(docked)}`);
        // Nothing is wider than the phone.
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= viewport.width);
        await checkAccessibility(page, `live room on a ${viewport.width}px phone`);
        assert.deepEqual(phone.problems, []);
      } finally {
        await phone.context.close();
      }
    });
  }

  test('without JavaScript the docked composer is a plain form that posts and comes back to the room', async () => {
    const plain = await openContext(browser, server, { javaScriptEnabled: false, viewport: { width: 390, height: 844 } }, members.ana);
    try {
      const { page } = plain;
      await visit(page, roomPath);
      await page.getByLabel('Write a post').fill('A1 Posted without scripts #RoomTest');
      await Promise.all([page.waitForURL(`**${roomPath}`), page.getByRole('button', { name: 'Post', exact: true }).click()]);
      await page.locator('[data-question="1"] .chat-post', { hasText: 'Posted without scripts' }).waitFor();
    } finally {
      await plain.context.close();
    }
  });
});
