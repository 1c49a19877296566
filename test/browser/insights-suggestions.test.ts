import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMembers, follow, type Member, PASSWORD } from '../social/helpers.ts';
import { audit, launchBrowser, openContext, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Who to follow in Chromium: the page passes axe (WCAG 2.2 A and AA) with suggestions and
 * with its empty state, and the Follow and Dismiss buttons work.
 */

let server: TestServer;
let browser: Browser;
let m: Record<'vera' | 'ann' | 'dee' | 'ivy' | 'solo', Member>;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  m = await createMembers(server, ['vera', 'ann', 'dee', 'ivy', 'solo']);
  assert.equal((await m.vera.api('PATCH', '/api/v1/profile', { role: 'school_librarian', passions: ['Genrefication'] })).status, 200);
  assert.equal(
    (await m.ivy.api('PATCH', '/api/v1/profile', { role: 'public_librarian', location: 'Dayton, Ohio', passions: ['Genrefication'] }))
      .status,
    200,
  );
  await follow(m.vera, m.ann);
  await follow(m.ann, m.dee);
  await follow(m.ann, m.ivy);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('who to follow in the browser', () => {
  test('the page with suggestions passes axe, and Follow and Dismiss work', async () => {
    const s = await openContext(browser, server);
    await signIn(s.page, 'vera', PASSWORD);
    await audit(s, '/insights/suggestions', 'who to follow, with suggestions');
    const cards = s.page.locator('.suggestions > li');
    assert.equal(await cards.count(), 2);
    assert.match(await cards.first().innerText(), /Ivy[\s\S]*1 person you follow follows them[\s\S]*Shares your passion: Genrefication/);

    await s.page.getByRole('button', { name: 'Follow Ivy' }).click();
    await s.page.waitForSelector('.notice');
    assert.match(await s.page.locator('.notice').innerText(), /You now follow @ivy/);
    await s.page.getByRole('button', { name: 'Dismiss Dee' }).click();
    await s.page.waitForFunction(() => /Dee will not be suggested again/.test(document.querySelector('.notice')?.textContent ?? ''));
    assert.equal(await s.page.getByRole('button', { name: 'Dismiss Dee' }).count(), 0);
    await audit(s, '/insights/suggestions', 'who to follow, after following and dismissing');
  });

  test('a member with nothing to go on is offered the members here, saying who they are', async () => {
    const s = await openContext(browser, server);
    await signIn(s.page, 'solo', PASSWORD);
    await audit(s, '/insights/suggestions', 'who to follow, nothing to go on');
    const text = await s.page.locator('.suggestions').innerText();
    assert.match(text, /Vera[\s\S]*A school librarian here/);
    assert.match(text, /Ivy[\s\S]*A public librarian here/);
  });

  test('the empty state passes axe: a lone member on a new server', async () => {
    const lone = await startTestServer();
    try {
      await createMembers(lone, ['hermit']);
      const s = await openContext(browser, lone);
      await signIn(s.page, 'hermit', PASSWORD);
      await audit(s, '/insights/suggestions', 'who to follow, no one else here');
      assert.match(await s.page.locator('main').innerText(), /No suggestions yet/);
      await s.context.close();
    } finally {
      await lone.close();
    }
  });
});
