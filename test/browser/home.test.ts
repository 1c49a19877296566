import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, loadDemo } from '../../src/app/demo/demo.ts';
import { launchBrowser, openContext, signIn, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Home (/stream) with the demo community: posts on the first screen of a phone and of a desktop
 * (the composer is one line until it is used, and still posts without script), and the context
 * column beside it on a desktop (who to follow, upcoming chats, trending hashtags).
 */

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const NARROW = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

let server: TestServer;
let browser: Browser;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  await loadDemo(server.services);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The top of the first post card, and the height of the screen it must start on (above a phone's tab bar). */
async function firstPostTop(page: Page): Promise<{ top: number; bottom: number }> {
  return page.evaluate(() => {
    const post = document.querySelector('main article.post')!.getBoundingClientRect();
    const tabBar = document.querySelector('.shell__nav nav.rail')!.getBoundingClientRect();
    const phone = tabBar.top > window.innerHeight / 2;
    return { top: post.top, bottom: phone ? tabBar.top : window.innerHeight };
  });
}

describe('Home shows posts first', () => {
  for (const [name, size] of [
    ['a phone (390×844)', PHONE],
    ['a small phone (360×740)', NARROW],
    ['a desktop (1280×800)', DESKTOP],
  ] as const) {
    test(`on ${name}, the first post card starts on the first screen, under a one-line composer`, async () => {
      const s = await openContext(browser, server, size);
      const { page } = s;
      await signIn(page, 'mslibrarian', DEMO_PASSWORD);
      await visit(page, '/stream');
      const { top, bottom } = await firstPostTop(page);
      assert.ok(top >= 0 && top + 48 <= bottom, `the first post starts at ${top}px, the screen ends at ${bottom}px`);
      const field = page.getByLabel('Write a post');
      assert.equal(await field.getAttribute('placeholder'), 'What are you learning today?');
      const box = await field.boundingBox();
      assert.ok(box && box.height <= 48, `the composer is one line (${JSON.stringify(box)})`);
      assert.equal(await page.getByRole('button', { name: 'Post', exact: true }).isVisible(), false, 'its options wait');
      // Used, it opens: the options and the Post button.
      await field.focus();
      assert.ok(await page.getByRole('button', { name: 'Post', exact: true }).isVisible(), 'focused, it shows the Post button');
      assert.ok(await page.getByLabel('Who can see it').isVisible());
      assert.ok(((await field.boundingBox())?.height ?? 0) > 60, 'focused, the field grows');
      assert.deepEqual(s.problems, []);
      await s.context.close();
    });
  }

  test('without JavaScript, the one-line composer opens and posts', async () => {
    const s = await openContext(browser, server, { ...PHONE, javaScriptEnabled: false });
    const { page } = s;
    await signIn(page, 'mslibrarian', DEMO_PASSWORD);
    await visit(page, '/stream');
    await page.getByLabel('Write a post').fill('Trying the new shelf talkers this week. #BookDisplays');
    await page.getByText('Content warning', { exact: true }).click();
    await page.getByLabel('Warning shown before the post').fill('Shelf talk');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.locator('main .notice', { hasText: 'Your post was published.' }).waitFor();
    const first = page.locator('main article.post').first();
    assert.match(await first.innerText(), /Shelf talk/);
    await s.context.close();
  });
});

describe('the context column', () => {
  test('on a desktop, Home has a right-hand column: who to follow (with Follow buttons), upcoming chats, trending hashtags', async () => {
    const s = await openContext(browser, server, DESKTOP);
    const { page } = s;
    await signIn(page, 'mslibrarian', DEMO_PASSWORD);
    await visit(page, '/stream');
    const aside = page.getByRole('complementary');
    const [main, column] = [await page.locator('main').boundingBox(), await aside.boundingBox()];
    assert.ok(main && column, 'the main column and the context column are shown');
    assert.ok(
      column.x >= main.x + main.width && column.x + column.width <= 1280,
      `beside the main column (${JSON.stringify({ main, column })})`,
    );
    assert.ok(column.y < 100, 'at the top of the page');
    const headings = await aside.getByRole('heading', { level: 2 }).allInnerTexts();
    // A demo member who has not done every first step also sees Getting started, first.
    assert.deepEqual(
      headings.filter((h) => h !== 'Getting started'),
      ['Who to follow', 'Upcoming chats', 'Trending this week'],
    );
    assert.ok(!headings.includes('Getting started') || headings[0] === 'Getting started');

    const people = aside.getByRole('region', { name: 'Who to follow' });
    const follows = people.getByRole('button', { name: /^Follow / });
    assert.equal(await follows.count(), 3, 'three suggestions, each with a Follow button');
    const name = ((await follows.first().innerText()).replace(/^Follow\s*/, '') || (await follows.first().textContent()) || '').trim();
    const chats = aside.getByRole('region', { name: 'Upcoming chats' });
    const chatLinks = await chats
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    assert.ok(chatLinks.length >= 2 && chatLinks.length <= 4, `up to three chats and "All chats": ${chatLinks.join(' ')}`);
    assert.ok(
      chatLinks.slice(0, -1).every((href) => /^\/chats\/[^/]+\/\d{4}-\d{2}-\d{2}$/.test(href)),
      chatLinks.join(' '),
    );
    assert.equal(chatLinks.at(-1), '/chats');
    const tags = await aside.getByRole('region', { name: 'Trending this week' }).locator('.trending a').count();
    assert.ok(tags >= 1 && tags <= 5, `trending hashtags (${tags})`);

    // Follow from the card: back on Home, and that person is no longer suggested.
    await follows.first().click();
    await page.waitForURL((url) => url.pathname === '/stream');
    assert.match(await page.locator('main .notice').innerText(), /You now follow|requested/i);
    assert.ok(!(await people.innerText()).includes(name), `${name} is no longer suggested`);
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });

  test('Explore (the directory) and the local timeline have the same column; a visitor sees it without Who to follow', async () => {
    const s = await openContext(browser, server, DESKTOP);
    const { page } = s;
    for (const path of ['/people', '/local']) {
      await visit(page, path);
      assert.deepEqual(await page.getByRole('complementary').getByRole('heading', { level: 2 }).allInnerTexts(), [
        'Upcoming chats',
        'Trending this week',
      ]);
    }
    await signIn(page, 'mslibrarian', DEMO_PASSWORD);
    await visit(page, '/people');
    assert.equal(await page.getByRole('complementary').getByRole('heading', { name: 'Who to follow' }).count(), 1);
    assert.deepEqual(s.problems, []);
    await s.context.close();
  });

  test('on a phone, the column comes after the posts, not before', async () => {
    const s = await openContext(browser, server, PHONE);
    const { page } = s;
    await signIn(page, 'mslibrarian', DEMO_PASSWORD);
    await visit(page, '/stream');
    const order = await page.evaluate(() => {
      const aside = document.querySelector('aside.shell__aside')!.getBoundingClientRect();
      const posts = [...document.querySelectorAll('main article.post')].map((p) => p.getBoundingClientRect().bottom);
      return { asideTop: aside.top + window.scrollY, lastPost: Math.max(...posts) + window.scrollY };
    });
    assert.ok(order.asideTop >= order.lastPost, `the column starts below the last post (${JSON.stringify(order)})`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'nothing scrolls sideways');
    await s.context.close();
  });
});
