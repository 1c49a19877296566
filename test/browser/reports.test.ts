import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMembers, follow, type Json, type Member } from '../social/helpers.ts';
import { audit, checkAccessibility, currentPath, launchBrowser, openContext } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Reports in Chromium: a member reports a post from its card and a person from their profile;
 * the administrator finds both in the queue, reads the posts (a followers-only one too), adds a
 * note and resolves one. Every page on the way passes axe (WCAG 2.2 A and AA), also with
 * errors, and fits a phone.
 */

let server: TestServer;
let browser: Browser;
let m: Record<'ada' | 'lee' | 'mo', Member>;
let followersOnly: Json;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  m = await createMembers(server, ['ada', 'lee', 'mo']);
  await follow(m.mo, m.lee);
  await m.lee.post('Buy cheap followers at spam.example');
  followersOnly = await m.lee.post('Followers only: more of the same', { visibility: 'followers', contentWarning: 'Ads' });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('reports in the browser', () => {
  test('a member reports a post from its card, then the person from their profile', async () => {
    const mo = await openContext(browser, server, {}, m.mo);
    const { page } = mo;
    await audit(mo, '/stream', 'home timeline with Report links');
    const card = page.locator('article.post', { hasText: 'Buy cheap followers' });
    await card.getByRole('link', { name: 'Report' }).click();
    await page.waitForURL('**/report');
    assert.equal(await page.locator('h1').innerText(), 'Report @lee');
    await checkAccessibility(page, 'report a post');
    assert.equal(await page.getByRole('checkbox', { name: /Buy cheap followers/ }).isChecked(), true, 'the post is ticked');
    assert.equal(await page.getByRole('checkbox', { name: /Content warning: Ads/ }).isChecked(), false, 'the others are offered');

    // Sent without saying what is wrong: the form comes back with the error.
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Error:/);
    assert.match(await page.locator('.error-summary').innerText(), /Choose what is wrong/);
    await checkAccessibility(page, 'report a post, with errors');
    assert.equal(await page.getByRole('checkbox', { name: /Buy cheap followers/ }).isChecked(), true, 'the ticks are kept');

    await page.getByLabel(/^Spam/).check();
    await page.getByRole('checkbox', { name: /Content warning: Ads/ }).check();
    await page.getByLabel(/Anything else the moderators should know/).fill('Selling followers in every post.');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL(/\/reports\/\d+$/);
    assert.match(await page.locator('main .notice').innerText(), /Thank you/);
    assert.match(await page.locator('.report-facts').innerText(), /Open: the moderators have not dealt with it yet/);
    await checkAccessibility(page, 'report sent');
    assert.deepEqual(mo.problems.splice(0), []);

    await audit(mo, '/@lee', 'profile with a Report link');
    await page.locator('.profile-actions').getByRole('link', { name: 'Report' }).click();
    await page.waitForURL(/\/@lee\/report$/);
    await page.getByLabel(/^Harassment or hate/).check();
    await page.getByLabel(/Anything else the moderators should know/).fill('Keeps messaging me after I asked them to stop.');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL(/\/reports\/\d+$/);
    assert.match(await page.locator('.report-facts').innerText(), /Harassment or hate/);
    // Muting them while waiting, from the confirmation.
    await page.getByRole('button', { name: 'Mute @lee' }).click();
    await page.waitForSelector('main .notice');
    assert.match(await page.locator('main .notice').innerText(), /You muted @lee/);
    assert.match(currentPath(page), /^\/reports\/\d+$/);
    assert.deepEqual(mo.problems.splice(0), []);
  });

  test('someone on another server: the form offers to forward the report', async () => {
    const db = server.services.database.db;
    const now = Date.now();
    await db
      .insertInto('actors')
      .values({
        acct: 'jo@books.example',
        handle: 'jo',
        domain: 'books.example',
        uri: 'https://books.example/users/jo',
        url: 'https://books.example/@jo',
        inbox_url: 'https://books.example/users/jo/inbox',
        display_name: 'Jo Reads',
        bio: '',
        avatar_url: null,
        links: '[]',
        search_text: 'jo',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const mo = await openContext(browser, server, {}, m.mo);
    await audit(mo, '/@jo@books.example/report', 'report someone on another server');
    assert.ok(await mo.page.getByLabel('Also send the report to books.example').isVisible());
  });

  test('the administrator reads the report, adds a note and resolves it', async () => {
    const ada = await openContext(browser, server, {}, m.ada);
    const { page } = ada;
    await audit(ada, '/admin/reports', 'reports queue');
    const cards = page.locator('.report-list article');
    assert.equal(await cards.count(), 2);
    assert.match(await cards.first().innerText(), /Harassment or hate, about @lee/, 'newest first');
    await cards.nth(1).getByRole('link').first().click();
    await page.waitForURL(/\/admin\/reports\/\d+$/);
    await checkAccessibility(page, 'a report');
    assert.match(await page.locator('main ol').first().innerText(), /Buy cheap followers/);
    // The followers-only post, behind its content warning.
    await page.locator('details.post__cw summary').click();
    assert.ok(await page.getByText('Followers only: more of the same').isVisible(), 'the administrator reads the followers-only post');
    await checkAccessibility(page, 'a report, content warning open');

    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'a report, note with errors');
    await page.getByLabel('Add a note').fill('Second report about these ads this month.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.report-notes li', { hasText: 'Second report about these ads' }).waitFor();
    assert.match(await page.locator('.report-notes li').last().innerText(), /@ada/);

    await page.getByLabel(/Note on how it was resolved/).fill('Asked Lee to stop; the posts are gone.');
    await page.getByRole('button', { name: 'Resolve report' }).click();
    await page.waitForURL('**/admin/reports');
    assert.match(await page.locator('main .notice').innerText(), /is resolved/);
    assert.equal(await cards.count(), 1);
    await page.getByRole('link', { name: 'Resolved' }).click();
    await page.waitForURL('**/admin/reports?status=resolved');
    await checkAccessibility(page, 'resolved reports');
    assert.match(await cards.first().innerText(), /Resolved by @ada/);
    const followersOnlyReported = await server.services.database.db
      .selectFrom('report_posts')
      .select('report_id')
      .where('post_id', '=', followersOnly.id)
      .executeTakeFirstOrThrow();
    assert.ok(
      (
        await server.services.database.db
          .selectFrom('reports')
          .select('resolved_at')
          .where('id', '=', followersOnlyReported.report_id)
          .executeTakeFirstOrThrow()
      ).resolved_at,
    );
    assert.deepEqual(ada.problems.splice(0), []);
  });

  test('the report pages fit a phone', async () => {
    const phone = await openContext(
      browser,
      server,
      { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      m.ada,
    );
    const report = await server.services.database.db.selectFrom('reports').select('id').orderBy('id').executeTakeFirstOrThrow();
    for (const path of ['/admin/reports', `/admin/reports/${report.id}`, `/@lee/report`]) {
      await phone.page.goto(path);
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 376, `${path} is ${width}px wide on a 375px screen`);
    }
  });
});
