import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { type BrowserSession, currentPath, launchBrowser, openContext, visit, writePngFile } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The social core end to end in a real browser, with two members in two browser contexts:
 * following from the profile page, posting, live updates (a post arriving in the other's home
 * timeline, the notification badge counting up) without reloading, replies, boosts, likes,
 * notifications, search, hashtags, content warnings and images. The tests run in order and
 * build on each other.
 */

const PASSWORD = 'correct horse battery staple';
const LIVE_MS = 5_000;
const IMAGE_ALT = 'A gradient from deep blue to gold with a white circle in the middle.';

let server: TestServer;
let browser: Browser;
let photoPath: string;
let ana: BrowserSession;
let ben: BrowserSession;
let postPath: string; // Ana's first post

const text = async (page: Page, selector: string) => (await page.locator(selector).allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();

async function signUp(page: Page, name: string, handle: string): Promise<void> {
  await visit(page, '/signup');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Email').fill(`${handle}@example.org`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  // The first member lands on Start here, the others on the guided first steps.
  await page.waitForURL((url) => url.pathname === '/' || url.pathname === '/welcome');
}

/** Opens a page whose live stream (EventSource to /live) is connected once this resolves. */
async function visitLive(page: Page, path: string): Promise<void> {
  const connected = page.waitForResponse((r) => new URL(r.url()).pathname === '/live' && r.status() === 200);
  await visit(page, path);
  await connected;
  // Reloading would clear this: the tests check it survives, i.e. updates arrived in place.
  await page.evaluate(() => Object.assign(window, { notReloaded: true }));
}

const stillSamePage = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

/**
 * Clicks a button that submits a form and waits for the page it redirects to, recognised by its
 * notice (waiting for the URL would not do: many actions come back to the page they started on).
 */
async function submit(page: Page, button: Locator, notice: string): Promise<void> {
  await button.click();
  await page.locator('main .notice', { hasText: notice }).waitFor();
}

const unreadBadge = (page: Page) => page.locator('.member-menu [data-unread]');

/** Waits until the header's unread count shows `n` (it is updated by the live stream). */
async function badgeShows(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (expected) => document.querySelector('.member-menu [data-unread]')?.textContent?.trim() === String(expected),
    n,
    { timeout: LIVE_MS },
  );
}

before(async () => {
  [server, browser, photoPath] = await Promise.all([startTestServer(), launchBrowser(), writePngFile(900, 600)]);
  ana = await openContext(browser, server);
  ben = await openContext(browser, server);
});

after(async () => {
  await ana?.context.close();
  await ben?.context.close();
  await browser?.close();
  await server?.close();
  if (photoPath) rmSync(dirname(photoPath), { recursive: true, force: true });
});

describe('the social core in a browser', () => {
  test('two members sign up and follow each other from their profile pages', async () => {
    await signUp(ana.page, 'Ana Pereira', 'ana');
    await signUp(ben.page, 'Ben Okoro', 'ben');

    await visit(ana.page, '/@ben');
    await submit(ana.page, ana.page.getByRole('button', { name: 'Follow', exact: true }), 'You now follow @ben.');
    assert.equal(currentPath(ana.page), '/@ben');
    assert.ok(await ana.page.getByRole('button', { name: 'Unfollow' }).isVisible());
    assert.match(await text(ana.page, '.profile-stats'), /\b1 follower/);

    await visit(ben.page, '/@ana');
    assert.equal(await text(ben.page, '.profile-actions .badge'), 'Follows you');
    await submit(ben.page, ben.page.getByRole('button', { name: 'Follow', exact: true }), 'You now follow @ana.');
    await ben.page.getByRole('link', { name: /1 following/ }).click();
    await ben.page.waitForURL('**/@ana/following');
    assert.match(await text(ben.page, '.people-list'), /Ben Okoro/);
  });

  test('a post with a hashtag from the /stream composer appears live in the follower’s home timeline', async () => {
    await visitLive(ben.page, '/stream');
    await visit(ana.page, '/stream');
    const first = 'Our book club starts on Thursday: first pick is a graphic novel. Who else runs one? #BookClubLife';
    await ana.page.getByLabel('Write a post').fill(first);
    // The count follows the typing; screen readers hear it once typing pauses.
    assert.equal(await text(ana.page, '[data-count-for=field-text]'), `${1000 - first.length} characters left.`);
    await ana.page.waitForFunction(
      (expected) => document.querySelector('#field-text + [aria-live]')?.textContent === expected,
      `${1000 - first.length} characters left.`,
    );
    await submit(ana.page, ana.page.getByRole('button', { name: 'Post', exact: true }), 'Your post was published.');
    assert.equal(currentPath(ana.page), '/stream');
    const mine = ana.page.locator('main article.post').first();
    assert.match(await mine.locator('.post__content').innerText(), /Our book club starts on Thursday/);
    assert.equal(await mine.locator('a.hashtag').getAttribute('href'), `${server.url}/tags/bookclublife`);
    postPath = (await mine.locator('.post__time').getAttribute('href'))!;
    assert.match(postPath, /^\/@ana\/\d+$/);

    // Ben's page, untouched since it loaded, shows the post within seconds.
    const arrived = ben.page.locator(`.timeline__list article[data-post-key^="${postPath.split('/').at(-1)}:"]`);
    await arrived.waitFor({ timeout: LIVE_MS });
    assert.ok(await stillSamePage(ben.page), 'the page was not reloaded');
    assert.match((await arrived.getAttribute('class')) ?? '', /post--new/);
    assert.match(await arrived.innerText(), /Ana Pereira[\s\S]*Our book club starts on Thursday/);
    assert.equal(await text(ben.page, '[data-live-status]'), 'New post from Ana Pereira.');
    assert.equal(
      await ben.page.locator('.timeline__list > li').first().locator('article').getAttribute('data-post-key'),
      await arrived.getAttribute('data-post-key'),
      'at the top',
    );
  });

  test('a page whose connection drops is sent, when it reconnects, the posts it missed (EventSource sends Last-Event-ID), or offered a reload when away too long', async () => {
    // Ben's browser reaches the server through a relay that the test can cut, like a network drop.
    const sockets = new Set<Socket>();
    const live: Array<string | undefined> = [];
    const relay = createNetServer((socket) => {
      const upstream = connect(Number(new URL(server.url).port), '127.0.0.1');
      // What the browser sends for its live stream, as it goes on the wire.
      socket.on('data', (chunk: Buffer) => {
        const head = chunk.toString('latin1');
        if (head.startsWith('GET /live')) live.push(/^last-event-id: *(.*)$/im.exec(head)?.[1]?.trim());
      });
      for (const [from, to] of [
        [socket, upstream],
        [upstream, socket],
      ] as const) {
        sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    const away = await openContext(browser, { ...server, url: relayUrl });
    try {
      await away.context.addCookies((await ben.context.cookies()).map((c) => ({ name: c.name, value: c.value, url: relayUrl })));
      await visitLive(away.page, '/stream');
      const member = await server.services.database.db
        .selectFrom('members')
        .innerJoin('actors', 'actors.id', 'members.actor_id')
        .select('members.id')
        .where('actors.acct', '=', 'ana')
        .executeTakeFirstOrThrow();
      const anaViewer = (await server.services.accounts.viewerForMember(member.id))!;
      const arrived = (id: number) => away.page.locator(`.timeline__list article[data-post-key^="${id}:"]`).waitFor({ timeout: LIVE_MS });
      const before = await server.services.social.posts.create(anaViewer, { text: 'Before the connection drops' });
      await arrived(before.id);
      for (const socket of sockets) socket.destroy();
      // EventSource waits `retry` (3 s) before it reconnects: this post is made while it is away.
      const missed = await server.services.social.posts.create(anaViewer, { text: 'Posted while Ben was away' });
      await arrived(missed.id);
      assert.ok(await stillSamePage(away.page), 'the page was not reloaded');
      assert.equal(live.length, 2, 'the page connected, then reconnected');
      assert.equal(live[0], undefined);
      assert.match(live[1] ?? '', /^[0-9]+$/, 'the reconnection names the last event it got');
      // Away for longer than the server keeps events: the page offers a reload (it does not reload itself).
      for (const socket of sockets) socket.destroy();
      await server.services.social.posts.create(anaViewer, { text: 'Long ago, one' });
      await server.services.social.posts.create(anaViewer, { text: 'Long ago, two' });
      await server.services.events.prune(Date.now() + 3_600_000);
      const note = away.page.locator('.timeline [data-live-reset]');
      await note.waitFor({ timeout: LIVE_MS });
      assert.match(await note.innerText(), /You were away for a while and may have missed updates\. Reload the page\./);
      assert.equal(await note.getByRole('link', { name: 'Reload the page' }).getAttribute('href'), `${relayUrl}/stream`);
      assert.ok(await stillSamePage(away.page));
      assert.equal(live.length, 3);
      assert.deepEqual(away.problems, []);
    } finally {
      await away.context.close();
      relay.close();
      for (const socket of sockets) socket.destroy();
    }
  });

  test('a reply from the thread page, a boost and a like count up the author’s badge live', async () => {
    await visitLive(ana.page, '/stream');
    assert.equal(await text(ana.page, '.member-menu [data-unread]'), '1', 'Ben’s follow');

    await ben.page.locator('.timeline__list article', { hasText: 'Our book club starts' }).locator('.post__time').click();
    await ben.page.waitForURL(`**${postPath}`);
    const reply = ben.page.getByLabel('Reply to Ana Pereira');
    assert.equal(await reply.inputValue(), '@ana ', 'the reply starts with a mention');
    await reply.fill('@ana Mine meets on Mondays at the library! We are reading Nimona. #BookClubLife');
    await submit(ben.page, ben.page.getByRole('button', { name: 'Reply', exact: true }), 'Your reply was posted.');
    // The reply's own page: Ana's post above it, as the start of the conversation.
    assert.match(currentPath(ben.page), /^\/@ben\/\d+$/);
    assert.match(await text(ben.page, '.post--focus'), /Ben Okoro[\s\S]*Replying to @ana[\s\S]*Mine meets on Mondays/);
    const original = ben.page.locator('.thread--context article');
    assert.match(await original.innerText(), /Our book club starts on Thursday/);

    await badgeShows(ana.page, 2);
    // Ana follows Ben, and the reply is to her: it comes into her timeline too.
    await ana.page.locator('.timeline__list article', { hasText: 'Mine meets on Mondays' }).waitFor({ timeout: LIVE_MS });

    await submit(ben.page, original.getByRole('button', { name: 'Boost' }), 'Boosted to your followers.');
    await badgeShows(ana.page, 3);
    await submit(ben.page, original.getByRole('button', { name: 'Like' }), 'Liked.');
    assert.equal(await original.getByRole('button', { name: /^Like/ }).getAttribute('aria-pressed'), 'true');
    assert.equal(await original.getByRole('button', { name: /^Boost/ }).getAttribute('aria-pressed'), 'true');
    await badgeShows(ana.page, 4);
    assert.ok(await stillSamePage(ana.page), 'Ana’s page was not reloaded');
    assert.match((await ana.page.locator('.member-menu [data-unread-label]').textContent()) ?? '', /\(4 unread\)/);
  });

  test('the notifications page lists the reply, boost, like and follow; the author boosts and likes the reply', async () => {
    const { page } = ana;
    await page
      .locator('.member-menu')
      .getByRole('link', { name: /Notifications/ })
      .click();
    await page.waitForURL('**/notifications');
    const items = await page.locator('.notifications > li > p:first-child').allInnerTexts();
    assert.deepEqual(
      items.map((i) => i.replace(/ · .*/s, '')),
      ['Ben Okoro liked your post', 'Ben Okoro boosted your post', 'Ben Okoro replied to your post', 'Ben Okoro followed you'],
    );
    assert.equal(await page.locator('.notification--unread').count(), 4);
    await submit(page, page.getByRole('button', { name: 'Mark all as read (4)' }), 'All notifications are marked as read.');
    assert.equal(await page.locator('.notification--unread').count(), 0);
    assert.ok(await unreadBadge(page).isHidden(), 'the badge is gone');

    // The reply is shown in full; Ana answers it with a boost and a like.
    const replyCard = page.locator('.notifications article.post', { hasText: 'Mine meets on Mondays' });
    await submit(page, replyCard.getByRole('button', { name: 'Boost' }), 'Boosted to your followers.');
    await submit(page, replyCard.getByRole('button', { name: 'Like' }), 'Liked.');
    assert.equal(currentPath(page), '/notifications');
    const card = page.locator('.notifications article.post', { hasText: 'Mine meets on Mondays' });
    assert.equal(await card.getByRole('button', { name: /^Boost/ }).getAttribute('aria-pressed'), 'true');
    assert.equal(await card.getByRole('button', { name: /^Like/ }).getAttribute('aria-pressed'), 'true');

    await visit(ben.page, '/notifications');
    const bens = (await ben.page.locator('.notifications > li > p:first-child').allInnerTexts()).map((i) => i.replace(/ · .*/s, ''));
    assert.deepEqual(bens, ['Ana Pereira liked your post', 'Ana Pereira boosted your post', 'Ana Pereira followed you']);
  });

  test('each finds the other in people search, and the hashtag in hashtag search and on its page', async () => {
    for (const [who, name] of [
      [ana, 'Ben Okoro'],
      [ben, 'Ana Pereira'],
    ] as const) {
      const { page } = who;
      await visit(page, '/search');
      const form = page.getByRole('search', { name: 'Search' });
      await form.getByLabel('Search for').fill(name.split(' ')[0]!);
      await form.getByLabel('In').selectOption({ label: 'People' });
      await form.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL((url) => url.searchParams.get('type') === 'people');
      assert.deepEqual(await page.locator('.people-grid h3').allInnerTexts(), [name]);
    }

    const { page } = ben;
    await visit(page, '/search?type=hashtags');
    await page.getByLabel('Search for').fill('bookclub');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'bookclub');
    assert.equal(await text(page, '.hashtag-list li'), '#BookClubLife 2 posts');
    await page.getByRole('link', { name: '#BookClubLife' }).click();
    await page.waitForURL('**/tags/bookclublife');
    assert.equal(await page.locator('h1').textContent(), '#BookClubLife');
    const posts = await page.locator('main article.post .post__content').allInnerTexts();
    assert.equal(posts.length, 2);
    assert.match(posts[0]!, /Mine meets on Mondays/);
    assert.match(posts[1]!, /Our book club starts on Thursday/);
  });

  test('a post with a content warning shows the warning and reveals the text when expanded', async () => {
    const { page } = ana;
    await visit(page, '/stream');
    // Home's composer is one line until it is used: the text first, then its options.
    await page.getByLabel('Write a post').fill('The twist in chapter 12: the librarian was the narrator all along.');
    await page.getByText('Content warning', { exact: true }).click();
    await page.getByLabel('Warning shown before the post').fill('Spoilers for this month’s pick');
    await submit(page, page.getByRole('button', { name: 'Post', exact: true }), 'Your post was published.');

    await visit(ben.page, '/stream');
    const post = ben.page.locator('main article.post', { hasText: 'Spoilers for this month’s pick' });
    assert.equal((await post.locator('.post__cw > summary').innerText()).trim(), 'Content warning: Spoilers for this month’s pick');
    const hidden = post.getByText('the librarian was the narrator');
    assert.ok(await hidden.isHidden(), 'the text is hidden behind the warning');
    await post.locator('.post__cw > summary').click();
    assert.ok(await hidden.isVisible(), 'expanding the warning shows the text');
    assert.equal(await post.locator('details.post__cw').getAttribute('open'), '');
  });

  test('an image post shows the image with its alt text', async () => {
    const { page } = ana;
    await visit(page, '/stream');
    await page.getByLabel('Write a post').fill('Our new reading-corner mural is finished!');
    await page.getByText('Images (up to 4)').click();
    await page.locator('#field-media-0-file').setInputFiles(photoPath);
    await page.getByLabel('Description for people who cannot see it (alt text)').first().fill(IMAGE_ALT);
    await submit(page, page.getByRole('button', { name: 'Post', exact: true }), 'Your post was published.');

    for (const [who, path] of [
      [ana, '/stream'],
      [ben, '/@ana/media'],
    ] as const) {
      await visit(who.page, path);
      const image = who.page.getByRole('img', { name: IMAGE_ALT });
      assert.equal(await image.count(), 1, `${path}: the image, named by its alt text`);
      assert.match((await image.getAttribute('src')) ?? '', /^\/media\/media\//);
      await image.scrollIntoViewIfNeeded();
      const size = await image.evaluate(async (img: HTMLImageElement) => {
        if (!img.complete) await new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
        return { width: img.naturalWidth, height: img.naturalHeight };
      });
      assert.deepEqual(size, { width: 900, height: 600 }, 'the image loads at its size');
      assert.match(await who.page.locator('main article.post', { has: image }).innerText(), /reading-corner mural/);
    }
    assert.equal(currentPath(ben.page), '/@ana/media');
    assert.deepEqual(ana.problems, []);
    assert.deepEqual(ben.problems, []);
  });
});
