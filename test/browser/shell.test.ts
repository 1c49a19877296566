import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchBrowser, openContext, signIn, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The app shell in a real browser: the phone's top bar and tab bar, the tablet's, the desktop's
 * rail; the light and dark themes (from the system, or chosen with a form that needs no
 * script); the web app manifest and its icons; the service worker, which shows /offline when
 * the network is gone and never serves a private page from its cache.
 */

const PASSWORD = 'a long enough password';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const NARROW = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

let server: TestServer;
let browser: Browser;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  assert.equal((await server.client().signup({ handle: 'ada', displayName: 'Ada Lovelace' })).status, 303);
  assert.equal((await server.client().signup({ handle: 'grace', displayName: 'Grace Hopper' })).status, 303);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The page's width beyond the screen (0 when nothing scrolls sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The computed background colour of the page, as [r, g, b]. */
async function background(page: Page): Promise<number[]> {
  const colour = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  return (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
}
const isDark = (rgb: number[]) => rgb.length === 3 && rgb.every((v) => v < 60);
const isLight = (rgb: number[]) => rgb.length === 3 && rgb.every((v) => v > 200);

describe('the shell at each size', () => {
  test('a phone shows a slim top bar and a bottom tab bar of five; the menu holds the rest', async () => {
    const phone = await openContext(browser, server, PHONE);
    const { page } = phone;
    await signIn(page, 'ada', PASSWORD);
    await visit(page, '/stream');
    const tabs = page.getByRole('navigation', { name: 'Main' });
    const box = await tabs.boundingBox();
    assert.ok(box, 'the tab bar is shown');
    assert.ok(Math.abs(box.y + box.height - 844) <= 1, `the tab bar sits at the bottom of the screen (${JSON.stringify(box)})`);
    const links = await tabs.getByRole('link').all();
    assert.equal(links.length, 5, 'five places in the tab bar');
    for (const link of links) {
      const b = await link.boundingBox();
      assert.ok(
        b && b.x >= 0 && b.x + b.width <= 390 && b.width >= 44 && b.height >= 44,
        `${await link.textContent()}: ${JSON.stringify(b)}`,
      );
    }
    // The rail's member menu is not shown; the top bar's menu is, closed.
    assert.equal(await page.locator('.member-menu').isVisible(), false);
    const topBar = await page.locator('.topbar').boundingBox();
    assert.ok(topBar && topBar.y === 0 && topBar.height <= 60, `the top bar is slim (${JSON.stringify(topBar)})`);
    assert.equal(await page.getByRole('navigation', { name: 'Account' }).count(), 0, 'the menu starts closed');

    // The menu opens without script help (a disclosure) and holds the places the tab bar has no room for.
    await openMenu(page);
    const menu = page.getByRole('navigation', { name: 'Account' });
    for (const name of ['Settings', 'My PLN', 'Admin']) assert.ok(await menu.getByRole('link', { name }).isVisible(), name);
    assert.ok(await menu.getByRole('button', { name: 'Sign out' }).isVisible());
    assert.ok(await menu.getByRole('button', { name: 'Dark' }).isVisible());
    assert.ok(await menu.getByRole('link', { name: /@ada/ }).isVisible(), 'her profile');
    await menu.getByRole('link', { name: 'My PLN' }).click();
    await page.waitForURL('**/insights');
    assert.deepEqual(phone.problems, []);
  });

  test('nothing scrolls sideways on a 360 px screen, signed out or in, menu open or closed', async () => {
    const narrow = await openContext(browser, server, NARROW);
    const { page } = narrow;
    const paths = ['/', '/stream', '/people', '/@grace', '/chats', '/sources', '/library', '/insights', '/about', '/login', '/signup'];
    for (const path of paths) {
      await visit(page, path);
      assert.equal(await overflow(page), 0, `signed out: ${path}`);
    }
    await openMenu(page);
    assert.equal(await overflow(page), 0, 'signed out, menu open');
    await signIn(page, 'ada', PASSWORD);
    for (const path of [...paths.slice(0, -2), '/notifications', '/settings/profile', '/admin', '/admin/members']) {
      await visit(page, path);
      assert.equal(await overflow(page), 0, `signed in: ${path}`);
    }
    await openMenu(page);
    assert.equal(await overflow(page), 0, 'signed in, menu open');
    const panel = await page.locator('.menu__panel').boundingBox();
    assert.ok(panel && panel.x >= 0 && panel.x + panel.width <= 360, `the open menu is on screen (${JSON.stringify(panel)})`);
    assert.deepEqual(narrow.problems, []);
  });

  test('a tablet has every place in the tab bar', async () => {
    const tablet = await openContext(browser, server, { viewport: { width: 820, height: 1180 }, hasTouch: true });
    await visit(tablet.page, '/people');
    const links = await tablet.page.getByRole('navigation', { name: 'Main' }).getByRole('link').all();
    assert.equal(links.length, 6);
    assert.equal(await overflow(tablet.page), 0);
  });

  test('a desktop shows the navigation rail on the left, with the member menu', async () => {
    const desktop = await openContext(browser, server, DESKTOP);
    const { page } = desktop;
    await signIn(page, 'ada', PASSWORD);
    await visit(page, '/people');
    const rail = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    const main = await page.locator('main').boundingBox();
    assert.ok(rail && main, 'the rail and the main column are shown');
    assert.ok(rail.x + rail.width <= main.x, `the rail is left of the main column (${JSON.stringify({ rail, main })})`);
    assert.ok(rail.height > 6 * 40, `the rail lists the places one under the other (${rail.height}px)`);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count(), 6);
    assert.equal(await page.locator('.topbar').isVisible(), false, 'no top bar');
    const account = page.getByRole('navigation', { name: 'Account' });
    assert.ok(await account.getByRole('link', { name: 'Settings' }).isVisible());
    assert.ok(await account.getByRole('button', { name: 'Sign out' }).isVisible());
    assert.equal(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).getAttribute('aria-current'),
      'page',
    );
    // The rail stays in view while the page scrolls.
    await page.evaluate(() => {
      document.querySelector('main')!.append(Object.assign(document.createElement('div'), { style: 'height:3000px' }));
      window.scrollTo(0, 2000);
    });
    const scrolled = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
    assert.ok(scrolled && scrolled.y >= 0 && scrolled.y < 200, `the rail is sticky (${JSON.stringify(scrolled)})`);
    assert.equal(await overflow(page), 0);
    assert.deepEqual(desktop.problems, []);
  });
});

describe('navigation and titles', () => {
  test('Groups is not in the navigation until groups exist, signed out or in; its page still answers', async () => {
    const desktop = await openContext(browser, server, DESKTOP);
    const { page } = desktop;
    const hrefs = async () =>
      page.locator('nav a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    await visit(page, '/');
    assert.ok((await hrefs()).includes('/people'), 'the navigation is there');
    assert.ok(!(await hrefs()).includes('/groups'), `signed out: ${(await hrefs()).join(' ')}`);
    await signIn(page, 'ada', PASSWORD);
    await visit(page, '/stream');
    assert.ok(!(await hrefs()).includes('/groups'), `signed in: ${(await hrefs()).join(' ')}`);
    await visit(page, '/groups');
    assert.match(await page.title(), /^Groups · /);
    assert.deepEqual(desktop.problems, []);
  });

  test('a member’s stream is titled Home, and the front page has a title of its own', async () => {
    const desktop = await openContext(browser, server, DESKTOP);
    const { page } = desktop;
    await signIn(page, 'grace', PASSWORD);
    await visit(page, '/stream');
    const stream = await page.title();
    assert.match(stream, /^Home · /);
    await visit(page, '/');
    const front = await page.title();
    assert.notEqual(front.split(' · ')[0], stream.split(' · ')[0], `the front page is titled "${front}", the stream "${stream}"`);
    assert.doesNotMatch(front, /^Home\b/);
    assert.deepEqual(desktop.problems, []);
  });

  test('each main place is named alike in the navigation, the page title and the heading: Home, Explore, My PLN', async () => {
    const desktop = await openContext(browser, server, DESKTOP);
    const { page } = desktop;
    await signIn(page, 'grace', PASSWORD);
    const main = page.getByRole('navigation', { name: 'Main' });
    for (const [name, path] of [
      ['Home', '/stream'],
      ['Explore', '/people'],
      ['My PLN', '/insights'],
    ] as const) {
      await visit(page, '/');
      await main.getByRole('link', { name, exact: true }).click();
      await page.waitForURL((url) => url.pathname === path);
      assert.equal((await page.title()).split(' · ')[0], name, `${path}: the title`);
      assert.equal((await page.locator('main h1').first().textContent())?.trim(), name, `${path}: the heading`);
      assert.equal(await main.getByRole('link', { name, exact: true }).getAttribute('aria-current'), 'page', `${path}: the current place`);
    }
    assert.equal(await main.getByRole('link', { name: /Stream|Insights|People/ }).count(), 0, 'no old names');
    assert.deepEqual(desktop.problems, []);
  });
});

describe('themes', () => {
  test('the system’s dark preference gives the dark theme, and light the light one', async () => {
    for (const [colorScheme, check] of [
      ['dark', isDark],
      ['light', isLight],
    ] as const) {
      const s = await openContext(browser, server, { ...DESKTOP, colorScheme });
      await visit(s.page, '/people');
      const bg = await background(s.page);
      assert.ok(check(bg), `${colorScheme}: body background ${bg}`);
      assert.equal(await s.page.locator('html').getAttribute('data-theme'), null);
      await s.context.close();
    }
  });

  test('a chosen theme overrides the system’s, set with a form that needs no script, and kept in a cookie', async () => {
    // Without JavaScript, on a system that prefers light.
    const s = await openContext(browser, server, { ...DESKTOP, colorScheme: 'light', javaScriptEnabled: false });
    const { page } = s;
    await signIn(page, 'grace', PASSWORD);
    await visit(page, '/people?q=ada');
    const account = page.getByRole('navigation', { name: 'Account' });
    assert.equal(await account.getByRole('button', { name: 'System' }).getAttribute('aria-pressed'), 'true');
    await account.getByRole('button', { name: 'Dark' }).click();
    // Back on the same page, dark.
    await page.waitForURL((url) => url.pathname === '/people' && url.search === '?q=ada');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    assert.ok(isDark(await background(page)), `dark chosen: ${await background(page)}`);
    assert.equal(await account.getByRole('button', { name: 'Dark' }).getAttribute('aria-pressed'), 'true');
    const cookie = (await s.context.cookies()).find((c) => c.name === 'cr_theme');
    assert.equal(cookie?.value, 'dark');
    // Kept for the next pages.
    await visit(page, '/stream');
    assert.ok(isDark(await background(page)));
    assert.equal(await page.locator('meta[name="theme-color"]').count(), 1, 'one theme colour, the chosen theme’s');
    // Back to the system's choice: the cookie goes.
    await account.getByRole('button', { name: 'System' }).click();
    await page.waitForURL('**/stream');
    assert.equal(await page.locator('html').getAttribute('data-theme'), null);
    assert.ok(isLight(await background(page)));
    assert.equal(
      (await s.context.cookies()).find((c) => c.name === 'cr_theme'),
      undefined,
    );
    await s.context.close();

    // Light chosen on a system that prefers dark (here with the cookie set directly).
    const d = await openContext(browser, server, { ...DESKTOP, colorScheme: 'dark' });
    await d.context.addCookies([{ name: 'cr_theme', value: 'light', url: server.url }]);
    await visit(d.page, '/people');
    assert.equal(await d.page.locator('html').getAttribute('data-theme'), 'light');
    assert.ok(isLight(await background(d.page)), `light chosen: ${await background(d.page)}`);
    // An unknown value is the system's choice.
    await d.context.addCookies([{ name: 'cr_theme', value: 'purple', url: server.url }]);
    await visit(d.page, '/people');
    assert.equal(await d.page.locator('html').getAttribute('data-theme'), null);
    assert.ok(isDark(await background(d.page)));
  });

  test('the theme form goes back only to a page of this site', async () => {
    const client = server.client();
    await client.get('/');
    const response = await client.post('/theme', { theme: 'dark', back: 'https://evil.example/' });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/');
  });
});

describe('installable', () => {
  test('the manifest names the site, starts at the stream, and its icons are there at their sizes', async () => {
    await server.services.kernel.settings.update({ siteName: 'Harbour Librarians Network' });
    const client = server.client();
    const response = await client.fetch('/manifest.webmanifest');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/manifest\+json/);
    const manifest = JSON.parse(await response.text());
    assert.equal(manifest.name, 'Harbour Librarians Network');
    assert.equal(manifest.short_name, 'Harbour');
    assert.equal(manifest.start_url, '/stream');
    assert.equal(manifest.scope, '/');
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
    assert.match(manifest.background_color, /^#[0-9a-f]{6}$/);
    const sizes = new Map<string, string>();
    for (const icon of manifest.icons) {
      const file = await client.fetch(icon.src);
      assert.equal(file.status, 200, icon.src);
      assert.equal(file.headers.get('content-type'), icon.type, icon.src);
      if (icon.type === 'image/png') {
        const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
        assert.equal(`${meta.width}x${meta.height}`, icon.sizes, icon.src);
      }
      sizes.set(`${icon.sizes} ${icon.purpose}`, icon.type);
    }
    assert.equal(sizes.get('any any'), 'image/svg+xml');
    assert.equal(sizes.get('192x192 any'), 'image/png');
    assert.equal(sizes.get('512x512 any'), 'image/png');
    assert.equal(sizes.get('512x512 maskable'), 'image/png');
    // Every page links it, with a theme colour for each scheme.
    const page = await client.get('/people');
    assert.equal(page.status, 200);
    assert.match(page.html, /<link rel="manifest" href="\/manifest.webmanifest"/);
    assert.match(page.html, /<meta name="theme-color" media="\(prefers-color-scheme: light\)"/);
    assert.match(page.html, /<meta name="theme-color" media="\(prefers-color-scheme: dark\)"/);
    await server.services.kernel.settings.update({ siteName: 'Commonroom' });
  });

  test('the service worker registers, shows /offline without network, and never serves a private page from its cache', async () => {
    const s = await openContext(browser, server, PHONE);
    const { page, context } = s;
    await signIn(page, 'ada', PASSWORD);
    await visit(page, '/settings/profile');
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Ada Lovelace');
    // The worker is installed and controls the page after a reload.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await visit(page, '/settings/profile');
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), `${server.url}/sw.js`);
    // What it keeps: the static assets and the offline page, nothing else.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls.sort();
    });
    assert.deepEqual(cached, ['/assets/app.css', '/assets/app.js', '/assets/icon.svg', '/offline']);

    await context.setOffline(true);
    // A private page visited a moment ago is not shown from a cache: the offline page is.
    const response = await page.goto('/settings/profile');
    assert.equal(currentUrlPath(page), '/settings/profile');
    assert.equal(await page.locator('h1').textContent(), 'You are offline');
    assert.equal(await page.getByLabel('Name', { exact: true }).count(), 0, 'no trace of the profile form');
    assert.doesNotMatch(await page.content(), /Ada Lovelace|@ada|_csrf/, 'the offline page says nothing about who is signed in');
    assert.ok(response === null || response.fromServiceWorker(), 'answered by the service worker');
    // Styled from the cache.
    assert.ok(await page.evaluate(() => getComputedStyle(document.body).margin === '0px'), 'the stylesheet came from the cache');
    await visit(page, '/stream').catch(() => undefined);
    assert.equal(await page.locator('h1').textContent(), 'You are offline');

    // Back online, pages come from the server again.
    await context.setOffline(false);
    await visit(page, '/settings/profile');
    assert.equal(await page.locator('h1').textContent(), 'Your profile');
    assert.deepEqual(s.problems, []);
  });

  test('the worker is served from the root with its scope, and names the current assets', async () => {
    const response = await server.client().fetch('/sw.js');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(response.headers.get('service-worker-allowed'), '/');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const body = await response.text();
    const page = await server.client().get('/');
    const css = page.html.match(/href="(\/assets\/app\.css\?v=[0-9a-f]+)"/)?.[1];
    assert.ok(css && body.includes(JSON.stringify(css)), 'the worker keeps the stylesheet the pages link');
    assert.doesNotMatch(body, /\/api|\/live/);
  });
});

/** Opens the top bar's menu, as a finger would. */
async function openMenu(page: Page): Promise<void> {
  await page.locator('summary', { hasText: 'Menu' }).click();
}

function currentUrlPath(page: Page): string {
  return new URL(page.url()).pathname;
}
