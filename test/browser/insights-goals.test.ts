import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMembers, type Member, PASSWORD } from '../social/helpers.ts';
import { audit, launchBrowser, openContext, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Learning goals in Chromium: the list (empty and with goals) and a goal's page pass axe
 * (WCAG 2.2 A and AA); a member adds a goal with tags through the form, sees an expert
 * suggested for it, adds a note, and sees the error summary when the form is wrong.
 */

let server: TestServer;
let browser: Browser;
let m: Record<'vera' | 'ann', Member>;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  m = await createMembers(server, ['vera', 'ann']);
  assert.equal((await m.vera.api('PATCH', '/api/v1/profile', { passions: ['Makerspaces'] })).status, 200);
  await m.ann.post('Our #genrefication labels are up!');
  await m.ann.post('Week two of #genrefication');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('learning goals in the browser', () => {
  test('add a goal with tags, see suggestions, add a note; every page passes axe', async () => {
    const s = await openContext(browser, server);
    await signIn(s.page, 'vera', PASSWORD);
    await audit(s, '/insights/goals', 'goals, empty');
    assert.match(await s.page.locator('main').innerText(), /No goals yet[\s\S]*Learn more about makerspaces/);

    // Too many tags: the error summary names the limit, and it passes axe too.
    await s.page.getByLabel('Goal', { exact: true }).fill('Everything at once');
    await s.page.getByLabel('Tags').fill(Array.from({ length: 12 }, (_, i) => `topic${i}`).join(', '));
    await s.page.getByRole('button', { name: 'Add the goal' }).click();
    await s.page.waitForSelector('.error-summary');
    assert.match(await s.page.locator('.error-summary').innerText(), /at most 10 tags; you gave 12/);
    assert.match(await s.page.title(), /^Error:/);
    await s.page.getByRole('link', { name: /at most 10 tags/ }).click();
    assert.equal(await s.page.evaluate(() => document.activeElement?.id), 'field-tags', 'the summary link moves to the field');
    await s.page.getByLabel('Goal', { exact: true }).fill('Genrefy the fiction');
    await s.page.getByLabel('Tags').fill('#Genrefication, signage');
    await s.page.getByRole('button', { name: 'Add the goal' }).click();
    await s.page.waitForSelector('h1:has-text("Genrefy the fiction")');
    assert.match(await s.page.locator('.notice').innerText(), /Goal “Genrefy the fiction” added/);

    const goalPath = new URL(s.page.url()).pathname;
    await audit(s, goalPath, 'a goal with suggestions');
    const experts = s.page.getByRole('list', { name: 'People to follow for this goal' });
    assert.match(await experts.innerText(), /Ann[\s\S]*Posted twice about #genrefication in the last 30 days/);
    assert.match(await s.page.locator('.goal-progress').innerText(), /Notes\s*0/);

    await s.page.getByLabel('New note').fill('Asked the aides to help with the labels.');
    await s.page.getByRole('button', { name: 'Add the note' }).click();
    await s.page.waitForSelector('.goal-notes');
    assert.match(await s.page.getByRole('list', { name: 'Notes, newest first' }).innerText(), /Asked the aides to help with the labels\./);
    assert.match(await s.page.locator('.goal-progress').innerText(), /Notes\s*1/);

    // Follow the expert from the goal: back on the goal, the count moves.
    await experts.getByRole('button', { name: 'Follow Ann' }).click();
    await s.page.waitForSelector('.notice');
    assert.equal(new URL(s.page.url()).pathname, goalPath);
    assert.match(await s.page.locator('.goal-progress').innerText(), /People followed who post about it\s*1/);

    await audit(s, '/insights/goals', 'goals, with one');
    assert.match(await s.page.locator('.goal-list').innerText(), /Genrefy the fiction[\s\S]*1 person followed/);
  });
});
