import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { audit, checkAccessibility, currentPath, launchBrowser, openContext, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Bookmarks in Chromium: a member bookmarks a post, a feed item and a web page through the
 * pages (the page's snapshot comes from a real web server on 127.0.0.1), and every kind of
 * bookmarks page passes axe-core (WCAG 2.2 A and AA): the list with and without entries,
 * search results, the add form (prefilled, and with errors), editing, a tag, import (with a
 * summary and with an error) and export, and a member's public bookmarks seen by a visitor.
 */

let server: TestServer;
let site: FeedServer;
let browser: Browser;
let ana: Member;
let bo: Member;
let cy: Member;
let postId: number;
let itemId: number;

before(async () => {
  [server, site, browser] = await Promise.all([
    startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } }),
    FeedServer.start(),
    launchBrowser(),
  ]);
  ({ ana, bo, cy } = await createMembers(server, ['ana', 'bo', 'cy'] as const));
  site.set('/guide', {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html lang="en"><head><title>Fallback</title><meta property="og:title" content="A guide to weeding the collection"><meta property="og:description" content="CREW method, step by step."></head><body><article><h1>Weeding</h1><p>${'Weeding keeps the collection fresh and trusted. '.repeat(20)}</p></article></body></html>`,
  });
  site.set('/feed.xml', {
    headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
    body: rss('School Library Blog', [
      { title: 'Makerspaces on a budget', link: `${site.url}/makerspaces`, guid: 'mk', description: '<p>Cardboard and curiosity.</p>' },
    ]),
  });
  postId = (await bo.post('Our genrefication numbers after one year: fiction loans up 30%. #genrefication')).id;
  const sub = await ana.api('POST', '/api/v1/subscriptions', { url: `${site.url}/feed.xml` });
  assert.equal(sub.status, 201, JSON.stringify(sub.json));
  assert.equal((await ana.api('POST', `/api/v1/subscriptions/${sub.json.id}/refresh`)).status, 200);
  itemId = ((await ana.api('GET', '/api/v1/items?scope=all')).json.items as Json[]).find((i) => i.title === 'Makerspaces on a budget').id;
});

after(async () => {
  await browser?.close();
  await server?.close();
  await site?.close();
});

describe('bookmarks in the browser', () => {
  test('bookmark a post, a feed item and a web page through the pages', async () => {
    const s = await openContext(browser, server, {}, ana);
    const { page } = s;

    // A post: the Bookmark button on its page.
    await visit(page, `/@bo/${postId}`);
    await page.locator('.post--focus').getByRole('button', { name: 'Bookmark' }).click();
    await page.waitForSelector('main .notice');
    assert.match(await page.locator('main .notice').innerText(), /Saved to your bookmarks/);
    assert.equal(await page.locator('.post--focus').getByRole('button', { name: 'Bookmark' }).getAttribute('aria-pressed'), 'true');

    // A feed item: the Bookmark button in the reader.
    await visit(page, `/sources/items/${itemId}`);
    await page.getByRole('button', { name: 'Bookmark' }).first().click();
    await page.waitForURL((url) => url.pathname.startsWith('/sources/items/'));
    assert.equal(await page.getByRole('button', { name: 'Bookmark' }).first().getAttribute('aria-pressed'), 'true');

    // A web page: the form on the bookmarks page.
    await visit(page, '/bookmarks');
    await page.getByText('Add a bookmark').click();
    await page.getByLabel('Address (URL)').fill(`${site.url}/guide?utm_source=newsletter`);
    await page.getByLabel('Note (optional)').fill('For the weeding day in June.');
    await page.getByLabel('Tags (optional)').fill('weeding, collection development');
    await page.getByLabel(/^Public/).check();
    await page.getByRole('button', { name: 'Save bookmark' }).click();
    await page.waitForURL((url) => url.pathname === '/bookmarks');
    assert.match(await page.locator('main .notice').innerText(), /Bookmark saved/);
    assert.equal(new URL(page.url()).hash.startsWith('#bookmark-'), true);

    // The snapshot runs in the background; then the page's own title shows.
    assert.ok((await server.services.jobs.drain()) >= 1);
    await visit(page, '/bookmarks');
    const entries = page.locator('main article.bookmark');
    assert.equal(await entries.count(), 3);
    const titles = await page.locator('main article.bookmark h3').allInnerTexts();
    assert.ok(titles.includes('A guide to weeding the collection'), titles.join(' | '));
    assert.ok(titles.includes('Makerspaces on a budget'), titles.join(' | '));
    assert.ok(
      titles.some((t) => t.startsWith('Our genrefication numbers')),
      titles.join(' | '),
    );
    assert.equal(await page.locator('main article.bookmark article.post').count(), 1, 'the bookmarked post is shown in full');
    const guide = page.locator('main article.bookmark', { hasText: 'A guide to weeding' });
    assert.match(await guide.innerText(), /Public/);
    assert.match(await guide.innerText(), /For the weeding day in June/);
    assert.equal(await guide.locator('h3 a').getAttribute('href'), `${site.url}/guide`);

    // The tag link leads to the tag's page.
    await guide.getByRole('link', { name: 'collection development' }).click();
    await page.waitForURL((url) => url.pathname === '/bookmarks/tags/collectiondevelopment');
    assert.equal(await page.locator('main article.bookmark').count(), 1);

    // Search.
    await visit(page, '/bookmarks');
    await page.getByLabel('Search your bookmarks').fill('cardboard');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'cardboard');
    assert.deepEqual(await page.locator('main article.bookmark h3').allInnerTexts(), ['Makerspaces on a budget']);
    assert.deepEqual(s.problems, []);
  });

  test('every kind of bookmarks page passes axe', async () => {
    const empty = await openContext(browser, server, {}, cy);
    await audit(empty, '/bookmarks', 'bookmarks, empty');
    assert.equal(await empty.page.locator('main details[open] #field-url').count(), 1, 'with no bookmarks yet, the add form is open');

    const s = await openContext(browser, server, {}, ana);
    const { page } = s;
    await audit(s, '/bookmarks', 'bookmarks with a post, an item and a page');
    await audit(s, '/bookmarks?q=weeding', 'search results');
    await audit(s, '/bookmarks?q=tuba', 'search without results');
    await audit(s, '/bookmarks?kind=post&visibility=private', 'filtered by kind and visibility');
    await audit(s, '/bookmarks?q=!!!', 'a search that is not one', 400);
    await audit(
      s,
      `/bookmarks/new?url=${encodeURIComponent('https://example.org/an-article')}&title=${encodeURIComponent('An article')}`,
      'add form, prefilled by the bookmarklet',
    );
    assert.equal(await page.getByLabel('Address (URL)').inputValue(), 'https://example.org/an-article');
    assert.equal(await page.getByLabel('Title (optional)').inputValue(), 'An article');
    await audit(s, `/bookmarks/new?url=${encodeURIComponent(`${site.url}/guide`)}`, 'add form for a page already bookmarked');

    // The form with errors: the summary and the message next to the field.
    await page.getByLabel('Address (URL)').fill('javascript:alert(1)');
    await page.getByLabel('Tags (optional)').fill('???');
    await page.getByRole('button', { name: 'Save bookmark' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'add form with errors');
    assert.match(await page.locator('.error-summary').innerText(), /cannot be a tag|Only web pages/);
    assert.match(await page.title(), /^Error:/);

    const id = (
      await server.services.database.db
        .selectFrom('bookmarks')
        .select('id')
        .where('member_id', '=', ana.memberId)
        .where('url', '=', `${site.url}/guide`)
        .executeTakeFirstOrThrow()
    ).id;
    await audit(s, `/bookmarks/${id}/edit`, 'edit form');
    await page.getByLabel('Title (optional)').fill('x'.repeat(10));
    await page.getByLabel('Tags (optional)').fill('!!!');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'edit form with errors');
    await audit(s, '/bookmarks/tags/weeding', 'a tag page');
    await audit(s, '/bookmarks/import', 'import, export and the bookmarklet');
    assert.match((await page.locator('a[data-bookmarklet]').getAttribute('href')) ?? '', /^javascript:/);

    // An import with a summary (some entries skipped), then one that is not a bookmark file.
    const dir = mkdtempSync(join(tmpdir(), 'commonroom-bookmarks-'));
    const good = join(dir, 'bookmarks.html');
    writeFileSync(
      good,
      `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>Reading</H3>\n<DL><p>\n<DT><A HREF="https://imported.example/one" ADD_DATE="1600000000" TAGS="imported">One</A>\n<DD>A note\n<DT><A HREF="javascript:void(0)">A bookmarklet</A>\n</DL><p>\n</DL><p>\n`,
    );
    await page.getByLabel('Bookmark file (.html)').setInputFiles(good);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForSelector('#import-result');
    await checkAccessibility(page, 'import summary');
    assert.match(await page.locator('[role=status]').innerText(), /1 new bookmark/);
    const bad = join(dir, 'notes.html');
    writeFileSync(bad, '<html><body><p>Just a page</p></body></html>');
    await page.getByLabel('Bookmark file (.html)').setInputFiles(bad);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'import error');
    assert.match(await page.locator('#field-file-error').innerText(), /not a bookmark export/);

    // The export downloads.
    const download = page.waitForEvent('download');
    await visit(page, '/bookmarks/import');
    await page.getByRole('link', { name: 'HTML bookmark file' }).click();
    assert.match((await download).suggestedFilename(), /^bookmarks-ana\.html$/);

    // A visitor sees the public bookmarks on the profile.
    const visitor = await openContext(browser, server);
    await audit(visitor, '/@ana/bookmarks', 'public bookmarks, signed out');
    assert.equal(await visitor.page.locator('main article.bookmark').count(), 1);
    await audit(visitor, '/@ana/bookmarks?tag=weeding', 'public bookmarks with a tag, signed out');
    await audit(visitor, '/@cy/bookmarks', 'no public bookmarks, signed out');

    // The list on a phone.
    const phone = await openContext(browser, server, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }, ana);
    await audit(phone, '/bookmarks', 'bookmarks on a phone');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    assert.equal(currentPath(phone.page), '/bookmarks');
  });
});
