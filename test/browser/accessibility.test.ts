import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { audit, checkAccessibility, currentPath, launchBrowser, makePng, openContext, signIn, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Every kind of page, in a real browser, through axe-core (WCAG 2.2 A and AA), plus what axe
 * cannot see: the skip link, visible focus, and phone-sized screens.
 */

const PASSWORD = 'a long enough password';

let server: TestServer;
let browser: Browser;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  // The administrator (first account) and a member with a full profile, made over HTTP.
  assert.equal((await server.client().signup({ handle: 'ada', displayName: 'Ada Lovelace' })).status, 303);
  assert.equal((await server.client().signup({ handle: 'grace', displayName: 'Grace Hopper' })).status, 303);
  const grace = await server.services.accounts.memberByHandle('grace');
  await server.services.accounts.patchProfile(grace.id, {
    role: 'school_librarian',
    organisation: 'Harbour High School',
    location: 'Halifax, Nova Scotia',
    timeZone: 'America/Halifax',
    passions: ['Graphic novels', 'Makerspaces'],
    bio: 'School librarian.\nI run a makerspace and a graphic novel club.',
    links: [{ label: 'Blog', url: 'https://grace.example.org' }],
  });
  await server.services.accounts.setPhoto(grace.id, await makePng(900, 600));
  await server.services.accounts.createInvite(null, { maxUses: 5, expiresInDays: 7, note: 'Spring cohort' });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('axe finds no serious or critical WCAG 2.2 AA problems', () => {
  test('signed-out pages', async () => {
    const visitor = await openContext(browser, server);
    const { page } = visitor;
    await audit(visitor, '/', 'home, signed out');
    await audit(visitor, '/about', 'about');
    await audit(visitor, '/stream', 'placeholder page');
    await audit(visitor, '/no-such-page', '404 page', 404);
    await audit(visitor, '/@grace', 'public profile');
    assert.ok(await page.locator('img.avatar--128').isVisible(), 'the profile has a photo');
    await audit(visitor, '/people', 'people directory');
    assert.ok((await page.locator('.people-grid > li').count()) >= 1, 'the directory lists people');
    await audit(visitor, '/people?q=nobody-by-this-name', 'people directory, no results');
    assert.match((await page.locator('main .callout').textContent()) ?? '', /No one matches/);

    await audit(visitor, '/signup', 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Error:/);
    assert.ok((await page.locator('[aria-invalid=true]').count()) >= 3, 'the empty fields are marked invalid');
    await checkAccessibility(page, 'sign-up with errors');

    await audit(visitor, '/login', 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'sign-in with errors');

    await audit(visitor, '/forgot-password', 'forgot password');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'forgot password with errors');
    await page.getByLabel('Email address').fill('grace@example.org');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.waitForSelector('[role=status]');
    await checkAccessibility(page, 'forgot password sent');

    const member = await server.services.accounts.memberByHandle('grace');
    const reset = await server.services.accounts.createPasswordReset(member.id);
    await audit(visitor, new URL(reset.url).pathname, 'reset password');
    assert.match((await page.locator('main').textContent()) ?? '', /@grace/);
  });

  test('member and administrator pages', async () => {
    const admin = await openContext(browser, server);
    const { page } = admin;
    await signIn(page, 'ada', PASSWORD);
    await audit(admin, '/', 'home, signed in');
    assert.match((await page.locator('h1').textContent()) ?? '', /^(Welcome|Start here), Ada Lovelace$/);
    // The guided first minutes, each step.
    for (const [path, name] of [
      ['/welcome', 'getting started: about you'],
      ['/welcome/people', 'getting started: people'],
      ['/welcome/chats', 'getting started: chats'],
      ['/welcome/sources', 'getting started: sources'],
      ['/welcome/post', 'getting started: first post'],
      ['/admin/starter-sources', 'starter sources (administration)'],
    ] as const)
      await audit(admin, path, name);
    await audit(admin, '/settings/profile', 'profile settings');
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByLabel('Address 1').fill('not a web address');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForSelector('.error-summary');
    assert.ok((await page.locator('[aria-invalid=true]').count()) >= 2, 'both bad fields are marked invalid');
    await checkAccessibility(page, 'profile settings with errors');
    await audit(admin, '/settings/account', 'password settings');
    await audit(admin, '/settings/tokens', 'API tokens');
    await page.getByLabel(/Token name/).fill('Reading list script');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.waitForSelector('main .notice');
    await checkAccessibility(page, 'API tokens, with a new token');
    await audit(admin, '/@grace', 'public profile, signed in');
    await audit(admin, '/admin', 'admin site settings');
    await audit(admin, '/admin/members', 'admin members');
    assert.ok((await page.locator('tbody tr').count()) >= 2);
    await audit(admin, '/admin/invites', 'admin invitations');
    assert.match((await page.locator('tbody').textContent()) ?? '', /Spring cohort/);
    // Federation: servers (one failing, one blocked), a relay and a report, as federation stores them.
    const db = server.services.database.db;
    const now = Date.now();
    for (const instance of [
      {
        domain: 'books.example',
        delivered_count: 12,
        last_delivered_at: now - 3600_000,
        received_count: 4,
        last_received_at: now - 600_000,
        created_at: now,
      },
      {
        domain: 'down.example',
        delivered_count: 1,
        failed_count: 5,
        last_delivered_at: now - 86_400_000,
        last_failed_at: now - 60_000,
        last_error: 'HTTP 503 Service Unavailable',
        created_at: now,
      },
      { domain: 'spam.example', moderation: 'block' as const, moderation_reason: 'Spam accounts', created_at: now },
    ])
      await db.insertInto('instances').values(instance).execute();
    const jo = await db
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
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('relays')
      .values({
        inbox_url: 'https://relay.example/inbox',
        style: 'mastodon',
        actor_uri: null,
        state: 'accepted',
        follow_uri: `${server.url}/relays/1`,
        created_at: now,
      })
      .execute();
    const report = await db
      .insertInto('reports')
      .values({
        reporter_id: null,
        target_id: jo.id,
        post_id: null,
        comment: 'Spam links',
        uri: null,
        forwarded_at: null,
        resolved_at: null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(admin, '/admin/federation', 'federation admin');
    // Reports: the queue, one report with its actions and notes, and the resolved ones.
    await audit(admin, '/admin/reports', 'reports queue');
    assert.match((await page.locator('.report-list').textContent()) ?? '', /Spam links/);
    await audit(admin, `/admin/reports/${report.id}`, 'a report about someone on another server');
    assert.ok(await page.getByRole('button', { name: 'Block books.example' }).isVisible());
    await page.getByRole('button', { name: 'Resolve report' }).click();
    await page.waitForSelector('main .notice');
    await audit(admin, '/admin/reports?status=resolved', 'resolved reports');
  });
});

describe('keyboard', () => {
  test('the skip link is the first thing to focus and moves focus to the main content', async () => {
    const { page } = await openContext(browser, server);
    for (const path of ['/', '/people']) {
      await visit(page, path);
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const box = el.getBoundingClientRect();
        return { text: el.textContent?.trim(), href: el.getAttribute('href'), top: box.top, bottom: box.bottom };
      });
      assert.equal(first.text, 'Skip to main content', `${path}: first focus`);
      assert.equal(first.href, '#main');
      assert.ok(first.top >= 0 && first.bottom > first.top, `${path}: the focused skip link is on screen (${JSON.stringify(first)})`);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', `${path}: focus moved to main`);
      // The next Tab continues inside the main content, not back in the header.
      await page.keyboard.press('Tab');
      assert.ok(
        await page.evaluate(() => document.querySelector('main')!.contains(document.activeElement)),
        `${path}: next Tab stays in main`,
      );
    }
  });

  test('focused links and inputs have a visible focus indicator', async () => {
    const { page } = await openContext(browser, server);
    const outline = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { tag: el.tagName, style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
      });
    const assertVisible = (o: Awaited<ReturnType<typeof outline>>, what: string) => {
      assert.notEqual(o.style, 'none', `${what}: outline style (${JSON.stringify(o)})`);
      assert.ok(o.width >= 2, `${what}: outline width ${o.width}px`);
    };

    await visit(page, '/login');
    // Keyboard focus on a link: Tab past the skip link into the header.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const link = await outline();
    assert.equal(link.tag, 'A');
    assertVisible(link, 'link in the header');
    // A link in the content area, focused by keyboard.
    await page.locator('main a[href="/signup"]').focus();
    assertVisible(await outline(), 'link in the main content');
    // An input, reached by keyboard.
    await page.getByLabel('Email or handle').focus();
    const input = await outline();
    assert.equal(input.tag, 'INPUT');
    assertVisible(input, 'text input');
    await page.keyboard.press('Tab');
    const password = await outline();
    assert.equal(password.tag, 'INPUT');
    assertVisible(password, 'password input reached with Tab');
    await page.keyboard.press('Tab');
    const button = await outline();
    assert.equal(button.tag, 'BUTTON');
    assertVisible(button, 'button reached with Tab');
  });
});

describe('phone-sized screens', () => {
  test('pages fit 375 px without horizontal scrolling, and the main navigation stays usable', async () => {
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
    const signedOut = ['/', '/signup', '/login', '/people', '/@grace', '/about', '/stream', '/no-such-page'];
    for (const path of signedOut) {
      await visit(page, path, path === '/no-such-page' ? 404 : 200);
      await fits('signed out');
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
    await page.waitForURL('**/chats');
    await signIn(page, 'ada', PASSWORD);
    for (const path of [
      '/',
      '/settings/profile',
      '/settings/tokens',
      '/people?role=school_librarian',
      '/admin',
      '/admin/members',
      '/admin/invites',
    ]) {
      await visit(page, path);
      await fits('signed in');
    }

    // Every main navigation link in the tab bar is on screen (not cut off or scrolled away), at
    // least 24×24 px (WCAG 2.5.8), and works; the places it has no room for are in the menu.
    await visit(page, '/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links = await nav.getByRole('link').all();
    assert.equal(links.length, 5);
    for (const link of links) {
      const box = await link.boundingBox();
      const name = (await link.textContent())?.trim();
      assert.ok(box, `${name} is rendered`);
      assert.ok(box.x >= 0 && box.x + box.width <= 375, `${name} is within the screen (x ${box.x}, width ${box.width})`);
      assert.ok(box.width >= 24 && box.height >= 24, `${name} is a large enough target (${box.width}×${box.height})`);
    }
    await nav.getByRole('link', { name: 'Chats' }).tap();
    await page.waitForURL('**/chats');
    assert.equal(await nav.getByRole('link', { name: 'Chats' }).getAttribute('aria-current'), 'page');
    await nav.getByRole('link', { name: 'Library' }).tap();
    await page.waitForURL('**/bookmarks');
    const menu = page.getByRole('navigation', { name: 'Account' });
    for (const [name, lands] of [['My PLN', '**/insights']]) {
      await page.locator('summary', { hasText: 'Menu' }).tap();
      const link = menu.getByRole('link', { name });
      const box = await link.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375 && box.height >= 24, `${name} in the menu (${JSON.stringify(box)})`);
      await link.tap();
      await page.waitForURL(lands!);
    }
    // The account menu is reachable too.
    await page.locator('summary', { hasText: 'Menu' }).tap();
    await menu.getByRole('link', { name: 'Settings' }).tap();
    await page.waitForURL('**/settings/profile');
    assert.deepEqual(phone.problems, []);
  });
});

describe('light and dark, on a desktop and a phone', () => {
  // Each kind of page at 1280×800 and 390×844, in the light and the dark theme (the system's
  // preference), and with the phone's menu open: the colours of both themes meet AA contrast.
  const signedOut = ['/', '/about', '/people', '/@grace', '/signup', '/login', '/offline'];
  const signedIn = [
    '/',
    '/welcome',
    '/welcome/people',
    '/stream',
    '/notifications',
    '/settings/profile',
    '/admin',
    '/chats',
    '/sources',
    '/library',
    '/insights',
  ];
  const sizes = [
    { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
    { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  ];
  for (const size of sizes) {
    for (const colorScheme of ['light', 'dark'] as const) {
      test(`${size.name}, ${colorScheme}`, async () => {
        const s = await openContext(browser, server, { ...size.options, colorScheme });
        const { page } = s;
        for (const path of signedOut) await audit(s, path, `${path}, signed out, ${size.name}, ${colorScheme}`);
        await audit(s, '/no-such-page', `404 page, ${size.name}, ${colorScheme}`, 404);
        await signIn(page, 'ada', PASSWORD);
        for (const path of signedIn) await audit(s, path, `${path}, signed in, ${size.name}, ${colorScheme}`);
        if (size.name === 'phone') {
          await page.locator('summary', { hasText: 'Menu' }).tap();
          await checkAccessibility(page, `the open menu, ${colorScheme}`);
        }
        // The theme the page shows is the one asked for.
        const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
        assert.equal(dark, colorScheme === 'dark');
        await s.context.close();
      });
    }
  }
});
