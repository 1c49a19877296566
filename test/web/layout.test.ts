import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { parseHTML } from 'linkedom';
import type { NavEntry } from '../../src/web/capability.ts';
import type { AppEnv } from '../../src/web/context.ts';
import { renderPage } from '../../src/web/layout.tsx';

/**
 * The layout on its own (no database): the optional context column, the places' icons, and
 * the tab bar of five, with the other places in the menu.
 */

const NAV: NavEntry[] = [
  { href: '/stream', label: 'Home', order: 10, icon: 'home' },
  { href: '/people', label: 'Explore', order: 20, icon: 'people' },
  { href: '/sources', label: 'Sources', order: 30, icon: 'rss' },
  { href: '/chats', label: 'Chats', order: 40, icon: 'chats' },
  { href: '/library', label: 'Library', order: 50, icon: 'library' },
  { href: '/insights', label: 'My PLN', order: 60, icon: 'no-such-icon' },
  { href: '/groups', label: 'Groups', order: 70 },
];

function app(aside?: string) {
  const hono = new Hono<AppEnv>();
  hono.use(async (c, next) => {
    c.set('site', { siteName: 'Harbour', siteDescription: 'A test site' } as AppEnv['Variables']['site']);
    c.set('nav', NAV);
    c.set('viewer', null);
    c.set('csrf', 'token');
    await next();
  });
  hono.get('/people', (c) => renderPage(c, { title: 'People', ...(aside === undefined ? {} : { aside }) }, 'The directory'));
  return hono;
}

async function page(aside?: string): Promise<Document> {
  const response = await app(aside).request('/people');
  assert.equal(response.status, 200);
  return parseHTML(await response.text()).document;
}

describe('the layout', () => {
  test('a page with an aside shows it in a complementary landmark after the main content', async () => {
    const document = await page('Who to follow');
    const aside = document.querySelector('aside');
    assert.ok(aside, 'an aside');
    assert.equal(aside.getAttribute('aria-label'), 'Related');
    assert.equal(aside.textContent, 'Who to follow');
    assert.equal(aside.previousElementSibling?.tagName, 'MAIN');
    assert.match(document.querySelector('.shell')?.getAttribute('class') ?? '', /shell--aside/);
  });

  test('a page without one has no aside and the whole width', async () => {
    const document = await page();
    assert.equal(document.querySelector('aside'), null);
    assert.equal(document.querySelector('.shell')?.getAttribute('class'), 'shell');
  });

  test('each place has its icon (a neutral dot when it names none or an unknown one), the first five are the tab bar', async () => {
    const document = await page();
    const items = [...document.querySelectorAll('nav[aria-label="Main"] li')];
    assert.deepEqual(
      items.map((li) => li.textContent?.trim()),
      NAV.map((n) => n.label),
    );
    assert.deepEqual(
      items.map((li) => li.getAttribute('class')),
      [...Array(5).fill('rail__item'), 'rail__item rail__item--extra', 'rail__item rail__item--extra'],
    );
    const path = (i: number) => items[i]!.querySelector('svg path')?.getAttribute('d');
    assert.notEqual(path(0), path(1), 'home and people differ');
    assert.equal(path(5), path(6), 'an unknown name and no name draw the same default');
    for (const svg of document.querySelectorAll('nav svg')) assert.equal(svg.getAttribute('aria-hidden'), 'true');
    assert.equal(document.querySelector('nav[aria-label="Main"] a[href="/people"]')?.getAttribute('aria-current'), 'page');
    // The places the tab bar has no room for are in the menu too.
    const menu = [...document.querySelectorAll('.menu__panel .menu__extra a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(menu, ['/insights', '/groups']);
  });
});
