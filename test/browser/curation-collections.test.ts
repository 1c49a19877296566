import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMembers, getJson, type Member, PASSWORD } from '../social/helpers.ts';
import {
  audit,
  type BrowserSession,
  checkAccessibility,
  currentPath,
  launchBrowser,
  openContext,
  signIn,
  visit,
} from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Collections and starter kits in Chromium: a member builds a public collection and a starter
 * kit through the pages; another member opens the kit, sees the preview and follows in one
 * click; every page type passes axe (WCAG 2.2 A and AA), signed in and signed out.
 */

let server: TestServer;
let browser: Browser;
/** Rosa's browser, signed in by the first test and used again by the second. */
let rosa: BrowserSession;
let m: Record<'rosa' | 'tova' | 'grace' | 'ben', Member>;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  m = await createMembers(server, ['rosa', 'tova', 'grace', 'ben']);
  for (const [who, role, location] of [
    [m.tova, 'public_librarian', 'Dayton, Ohio'],
    [m.grace, 'social_worker', 'Accra, Ghana'],
  ] as const) {
    assert.equal((await who.api('PATCH', '/api/v1/profile', { role, location })).status, 200);
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('collections and starter kits in the browser', () => {
  let collectionPath: string;
  let kitPath: string;

  test('a member builds a public collection through the pages', async () => {
    rosa = await openContext(browser, server);
    const { page } = rosa;
    await signIn(page, 'rosa', PASSWORD);
    await audit(rosa, '/collections', 'collections index, signed in');

    // A form sent without a title says so, and keeps focus on the problem.
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Error:/);
    await checkAccessibility(page, 'collections index with an error');

    await page.getByLabel('Title').fill('Genrefication: how-tos');
    await page.getByLabel('Description').fill('What worked for us, in order.');
    await page.getByLabel('Everyone').check();
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.waitForURL(/\/collections\/\d+$/);
    collectionPath = currentPath(page);
    await checkAccessibility(page, 'new empty collection with add forms');

    const linkForm = page.locator('details', { has: page.locator('summary', { hasText: 'A link' }) });
    await linkForm.locator('summary').click();
    await linkForm.getByLabel('Address').fill('https://example.org/guide');
    await linkForm.getByLabel('Title').fill('The genrefication guide');
    await linkForm.getByLabel('Note').fill('Start here: the whole process in ten steps.');
    await linkForm.getByRole('button', { name: 'Add' }).click();
    await page.waitForSelector('.collection-entries');
    assert.match(await page.locator('.notice').innerText(), /Added “The genrefication guide”/);

    // A bad address is refused next to the field.
    const again = page.locator('details', { has: page.locator('summary', { hasText: 'A link' }) });
    await again.locator('summary').click();
    await again.getByLabel('Address').fill('javascript:alert(1)');
    await again.getByRole('button', { name: 'Add' }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await page.locator('.error-summary').innerText(), /Only web addresses/);
    await checkAccessibility(page, 'collection with an add-form error');

    const personForm = page.locator('details', { has: page.locator('summary', { hasText: 'A person' }) });
    await personForm.locator('summary').click();
    await personForm.getByLabel('Handle').fill('tova');
    await personForm.getByLabel('Why they are worth following').fill('Honest write-ups of every teen programme.');
    await personForm.getByRole('button', { name: 'Add' }).click();
    await page.waitForURL((url) => url.pathname === collectionPath);
    assert.equal(await page.locator('.collection-entries > li').count(), 2);

    // Reorder with the buttons, then edit a note.
    await page.getByRole('button', { name: 'Move up: Tova' }).click();
    await page.waitForURL((url) => url.pathname === collectionPath);
    assert.match(await page.locator('.collection-entries > li').first().innerText(), /Tova/);
    const first = page.locator('.collection-entries > li').first();
    await first.locator('summary', { hasText: 'Edit note' }).click();
    await checkAccessibility(page, 'collection with an entry being edited');
    await first.getByLabel('Note').fill('Honest write-ups of every teen programme, numbers included.');
    await first.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => url.pathname === collectionPath);
    assert.match(await page.locator('.collection-entries').innerText(), /numbers included/);
    await audit(rosa, collectionPath, 'collection with entries, owner');
    await audit(rosa, `${collectionPath}/edit`, 'collection settings');
    await page.getByLabel('Add a collaborator by handle').fill('grace');
    await page.getByRole('button', { name: 'Add collaborator' }).click();
    await page.waitForURL((url) => url.pathname === `${collectionPath}/edit`);
    await checkAccessibility(page, 'collection settings with a collaborator');
  });

  test('a member builds a starter kit through the pages', async () => {
    const { page } = rosa;
    await audit(rosa, '/starter-kits', 'starter kits index, signed in');
    await page.getByLabel('Title').fill('Public librarians and social workers to follow');
    await page.getByLabel('Everyone').check();
    await page.getByRole('button', { name: 'Create starter kit' }).click();
    await page.waitForURL(/\/starter-kits\/\d+$/);
    kitPath = currentPath(page);
    await checkAccessibility(page, 'new empty starter kit');
    for (const [handle, note] of [
      ['tova', 'Teen services with graphic novels and a makerspace.'],
      ['grace', 'Child welfare and telehealth, clearly explained.'],
    ]) {
      await page.getByLabel('Handle').fill(handle!);
      await page.getByLabel('Why they are worth following').fill(note!);
      await page.getByRole('button', { name: 'Add person' }).click();
      await page.waitForURL((url) => url.pathname === kitPath);
    }
    assert.equal(await page.locator('.collection-entries > li').count(), 2);
    await audit(rosa, kitPath, 'starter kit with people, owner');
  });

  test('another member opens the kit, sees what it adds, and follows in one click', async () => {
    const ben = await openContext(browser, server);
    const { page } = ben;
    await signIn(page, 'ben', PASSWORD);
    await audit(ben, kitPath, 'starter kit, another member');
    await page.getByRole('link', { name: 'Follow the 2 people…' }).click();
    await page.waitForURL((url) => url.pathname === `${kitPath}/follow`);
    await checkAccessibility(page, 'follow-all preview');
    assert.match(await page.locator('main').innerText(), /adds 2 new people/);
    assert.match(await page.locator('main').innerText(), /Roles no one you follow has: Public librarian \(1\), Social worker \(1\)/);
    assert.equal(await page.getByRole('checkbox').count(), 2);
    assert.ok(await page.getByRole('checkbox', { name: /Tova/ }).isChecked());
    await page.getByRole('button', { name: 'Follow the ticked people' }).click();
    await page.waitForURL((url) => url.pathname === kitPath);
    assert.match(await page.locator('.notice').innerText(), /You now follow 2 more people/);
    assert.equal((await getJson(server, m.ben, '/api/v1/people/tova/relationship')).following, true);
    assert.equal((await getJson(server, m.ben, '/api/v1/people/grace/relationship')).following, true);
    await checkAccessibility(page, 'starter kit after following');
    // Nothing left to follow: the preview says so.
    await audit(ben, `${kitPath}/follow`, 'follow-all preview, everyone followed');
    assert.match(await page.locator('main').innerText(), /You already follow everyone/);
    // Following the collection from its page.
    await visit(page, collectionPath);
    await page.getByRole('button', { name: 'Follow this collection' }).click();
    await page.waitForURL((url) => url.pathname === collectionPath);
    assert.equal(await page.getByRole('button', { name: 'Unfollow this collection' }).count(), 1);
    await audit(ben, '/collections', 'collections index with a followed collection');
  });

  test('the person added is notified; the privacy setting is a labelled checkbox', async () => {
    const tova = await openContext(browser, server);
    await signIn(tova.page, 'tova', PASSWORD);
    await audit(tova, '/notifications', 'notifications with kit_added');
    assert.match(await tova.page.locator('.notifications').innerText(), /Rosa added you to a starter kit/);
    await audit(tova, '/settings/privacy', 'privacy settings with the featuring checkbox');
    const box = tova.page.getByLabel('Others may feature me in public starter kits and collections');
    assert.ok(await box.isChecked());
    await box.uncheck();
    await tova.page.getByRole('button', { name: 'Save' }).click();
    await tova.page.waitForURL((url) => url.pathname === '/settings/privacy');
    assert.equal(await tova.page.getByLabel('Others may feature me in public starter kits and collections').isChecked(), false);
  });

  test('signed out: a public collection and kit render, with their lists', async () => {
    const visitor = await openContext(browser, server);
    await audit(visitor, collectionPath, 'public collection, signed out');
    assert.match(await visitor.page.locator('main').innerText(), /The genrefication guide/);
    assert.equal(await visitor.page.locator('form[action$="/entries"]').count(), 0);
    await audit(visitor, kitPath, 'public starter kit, signed out');
    await audit(visitor, '/collections', 'collections index, signed out');
    await audit(visitor, '/starter-kits', 'starter kits index, signed out');
    // Following its people asks a visitor to sign in first, and comes back to the preview.
    await visitor.page.getByRole('link', { name: /Public librarians and social workers/ }).click();
    await visitor.page.waitForURL((url) => url.pathname === kitPath);
    // (Tova asked not to be featured any more: one person is left to follow.)
    await visitor.page.getByRole('link', { name: 'Follow the 1 person…' }).click();
    await visitor.page.waitForURL((url) => url.pathname === '/login');
    assert.equal(new URL(visitor.page.url()).searchParams.get('next'), `${kitPath}/follow`);
  });
});
