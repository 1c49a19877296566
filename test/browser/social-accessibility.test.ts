import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, loadDemo } from '../../src/app/demo/demo.ts';
import { audit, checkAccessibility, currentPath, launchBrowser, makePng, openContext, signIn, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Every page of the social core, filled with the demo community (threads, lists, warnings,
 * images, link previews, trending hashtags), through axe-core (WCAG 2.2 A and AA), and the
 * busiest ones on a phone-sized screen.
 */

let server: TestServer;
let browser: Browser;
/** The demo's four-reply-deep conversation, and a plain post of Rosa's to edit. */
let threadPath: string;
let ownPostId: number;
let listId: number;

const postIdOf = async (text: string) =>
  (await server.services.database.db.selectFrom('posts').select('id').where('text', 'like', `${text}%`).executeTakeFirstOrThrow()).id;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  await loadDemo(server.services);
  threadPath = `/@mslibrarian/${await postIdOf('Genrefication, year one, the honest version')}`;
  ownPostId = await postIdOf('Hello! Solo elementary librarian');
  listId = (
    await server.services.database.db
      .selectFrom('lists')
      .select('id')
      .where('name', '=', 'School library advocacy')
      .executeTakeFirstOrThrow()
  ).id;
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('social pages pass axe (no serious or critical WCAG 2.2 AA problems)', () => {
  test('signed out: local timeline, hashtag, thread, profile tabs and a shared list', async () => {
    const visitor = await openContext(browser, server);
    await audit(visitor, '/local', 'local timeline, signed out');
    await audit(visitor, '/tags/tlchat', 'hashtag page, signed out');
    await audit(visitor, threadPath, 'thread, signed out');
    await audit(visitor, '/@mslibrarian', 'profile with featured post and shared list, signed out');
    await audit(visitor, `/lists/${listId}`, 'shared list, signed out');
    await audit(visitor, '/search?q=genrefication', 'post search, signed out');
  });

  test('signed in: timelines, threads, composing, editing, notifications, lists, bookmarks, search, settings', async () => {
    const rosa = await openContext(browser, server);
    const { page } = rosa;
    await signIn(page, 'mslibrarian', DEMO_PASSWORD);

    await audit(rosa, '/stream', 'home timeline with composer');
    assert.ok((await page.locator('main article.post').count()) >= 10, 'the home timeline has posts');
    assert.ok(await page.getByLabel('Write a post').isVisible());
    await audit(rosa, '/local', 'local timeline with trending sidebar');
    assert.ok((await page.locator('.trending li').count()) >= 5, 'trending hashtags');
    await audit(rosa, '/tags/tlchat', 'hashtag page with composer');
    await audit(rosa, threadPath, 'thread with replies and reply form');
    assert.equal(await page.locator('.thread__reply').count(), 4);

    // Content warnings, expanded.
    await visit(page, '/local');
    const warning = page.locator('details.post__cw').first();
    await warning.locator('summary').click();
    await checkAccessibility(page, 'local timeline with a content warning expanded');

    await audit(rosa, '/compose', 'new post');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Error:/);
    assert.equal(await page.getByLabel('Write a post').getAttribute('aria-invalid'), 'true');
    await checkAccessibility(page, 'new post with errors');
    // An image posted without a description still gives its link a name.
    await page.getByText('Images (up to 4)').click();
    await page.locator('#field-media-0-file').setInputFiles({ name: 'shelf.png', mimeType: 'image/png', buffer: await makePng(600, 400) });
    await page.getByLabel('Write a post').fill('New shelf labels are up!');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.locator('main .notice', { hasText: 'Your post was published.' }).waitFor();
    await checkAccessibility(page, 'home timeline with an image without alt text');

    await audit(rosa, `/posts/${ownPostId}/edit`, 'edit a post');
    await page.getByLabel('Text').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'edit a post, with errors');
    await page
      .getByLabel('Text')
      .fill('Hello! Solo elementary librarian in Austin, and the proud owner of a label maker. #genrefication #tlchat');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`**/@mslibrarian/${ownPostId}`);
    await audit(rosa, `/posts/${ownPostId}/history`, 'edit history');
    assert.equal(await page.locator('.history > li').count(), 2);

    await audit(rosa, '/notifications', 'notifications');
    assert.ok((await page.locator('.notifications > li').count()) >= 5);
    await audit(rosa, '/notifications?kind=reply', 'notifications, replies only');
    await audit(rosa, '/lists', 'lists');
    assert.ok((await page.locator('.list-cards li').count()) >= 1);
    await audit(rosa, `/lists/${listId}`, 'own list with its people and settings');
    await page.getByText('List settings').click();
    await checkAccessibility(page, 'own list, settings open');

    await audit(rosa, '/bookmarks', 'bookmarks, empty');
    await visit(page, threadPath);
    await page.locator('.post--focus').getByRole('button', { name: 'Bookmark' }).click();
    await page.waitForSelector('main .notice');
    await audit(rosa, '/bookmarks', 'bookmarks with a post');
    assert.equal(await page.locator('main article.post').count(), 1);

    await audit(rosa, '/search', 'search, empty');
    await audit(rosa, '/search?q=genrefication&type=posts', 'search: posts');
    assert.ok((await page.locator('main article.post').count()) >= 2);
    await audit(rosa, '/search?q=librarian&type=people', 'search: people');
    assert.ok((await page.locator('.people-grid > li').count()) >= 2);
    await audit(rosa, '/search?q=tl&type=hashtags', 'search: hashtags');
    assert.ok((await page.locator('.hashtag-list li').count()) >= 1);
    await audit(rosa, `/search?${new URLSearchParams({ q: '"unclosed' })}`, 'search with an error', 400);
    assert.ok(await page.locator('.error-summary').isVisible());

    await audit(rosa, '/follow-requests', 'follow requests, none waiting');
    await audit(rosa, '/settings/privacy', 'privacy settings');
    await audit(rosa, '/@mslibrarian', 'own profile: featured post, shared lists, posts');
    await audit(rosa, '/@mslibrarian/with-replies', 'profile: posts and replies');
    await audit(rosa, '/@mslibrarian/media', 'profile: media');
    assert.equal(await page.locator('main .post__media img[alt^="Bar chart"]').count(), 1, 'the chart, with its description');
    assert.equal(await page.getByRole('link', { name: 'Image 1, no description' }).count(), 1, 'the image without one');
    await audit(rosa, '/@ellen_k12', 'someone else’s profile, with follow buttons');
    await audit(rosa, '/@ellen_k12/report', 'report a person');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'report a person, with errors');
    await page.getByLabel(/^Spam/).check();
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL(/\/reports\/\d+$/);
    await checkAccessibility(page, 'report sent');
    await audit(rosa, `/posts/${await postIdOf('@lis_student_maya @mslibrarian Data AND sharks')}/report`, 'report a post');
    await audit(rosa, '/@mslibrarian/followers', 'followers');
    await audit(rosa, '/@mslibrarian/following', 'following');

    // Someone from another server whose post reached us (stored as federation stores them).
    const db = server.services.database.db;
    const now = Date.now();
    const remote = await db
      .insertInto('actors')
      .values({
        acct: 'jo@books.example',
        handle: 'jo',
        domain: 'books.example',
        uri: 'https://books.example/users/jo',
        url: 'https://books.example/@jo',
        display_name: 'Jo Reads',
        bio: 'Public librarian on another server.',
        avatar_url: null,
        links: '[]',
        search_text: 'jo',
        created_at: now - 3600_000,
        updated_at: now,
        fields: JSON.stringify([
          { name: 'Website', value: '<a href="https://jo.example/" rel="nofollow noopener noreferrer ugc">jo.example</a>' },
          { name: 'Pronouns', value: 'she/her' },
        ]),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.services.social.remotePosts.receive(remote.id, {
      uri: 'https://books.example/users/jo/statuses/1',
      url: 'https://books.example/@jo/1',
      text: 'Hello from the fediverse #tlchat',
      html: '<p>Hello from the fediverse <a href="https://books.example/tags/tlchat" class="hashtag" rel="tag">#tlchat</a></p>',
      contentWarning: null,
      visibility: 'public',
      replyToId: null,
      hashtags: [{ name: 'tlchat', slug: 'tlchat' }],
      mentions: [],
      media: [],
      createdAt: now - 60_000,
    });
    await audit(rosa, `/search?${new URLSearchParams({ q: '@jo@books.example' })}`, 'someone on another server, found by their address');
    assert.equal(currentPath(page), '/@jo@books.example');
    assert.ok(await page.getByText('Hello from the fediverse').isVisible());
    assert.ok(await page.getByRole('link', { name: 'jo.example' }).isVisible(), 'their profile fields');
    assert.ok(await page.getByRole('button', { name: 'Follow' }).isVisible());
  });

  test('a locked account answering a follow request', async () => {
    const kwame = await openContext(browser, server);
    await signIn(kwame.page, 'kwame_sw', DEMO_PASSWORD);
    await audit(kwame, '/follow-requests', 'follow requests, one waiting');
    assert.ok(await kwame.page.getByRole('button', { name: 'Accept' }).isVisible());
    await audit(kwame, '/settings/privacy', 'privacy settings, locked account');
  });
});

describe('social pages on a phone-sized screen', () => {
  test('the home timeline, a thread, the local timeline and a hashtag fit 375 px without horizontal scrolling', async () => {
    const phone = await openContext(browser, server, {
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const { page } = phone;
    const fits = async (label: string) => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 376, `${label} (${currentPath(page)}) is ${width}px wide on a 375px screen`);
    };
    await signIn(page, 'mslibrarian', DEMO_PASSWORD);
    for (const path of ['/stream', threadPath, '/local', '/tags/tlchat', '/notifications', `/lists/${listId}`, '/@mslibrarian/media']) {
      await visit(page, path);
      await fits('signed in');
    }
    // With every content warning and image section open, too.
    await visit(page, '/compose');
    for (const summary of await page.locator('main details > summary').all()) await summary.tap();
    await fits('composer, all sections open');
    assert.deepEqual(phone.problems, []);
  });
});
