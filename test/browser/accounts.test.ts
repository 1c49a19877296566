import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PHOTO_SIZE } from '../../src/accounts/photos.ts';
import { type BrowserSession, currentPath, launchBrowser, openContext, visit, writePngFile } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Accounts end to end in a real browser: sign-up, profile with photo, the directory, suspension,
 * signing out and in. The tests run in order and build on each other.
 */

const PASSWORD = 'correct horse battery staple';

let server: TestServer;
let browser: Browser;
let photoPath: string;
let ada: BrowserSession; // the first member, so the administrator
let grace: BrowserSession;

const text = async (page: Page, selector: string) => (await page.locator(selector).allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();

async function signUp(page: Page, fields: { name: string; handle: string; email: string }): Promise<void> {
  await visit(page, '/signup');
  await page.getByLabel('Your name').fill(fields.name);
  await page.getByLabel('Handle').fill(fields.handle);
  await page.getByLabel('Email').fill(fields.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  // The first member lands on Start here (the server's setup), everyone else on the guided first steps.
  await page.waitForURL((url) => url.pathname === '/' || url.pathname === '/welcome');
}

before(async () => {
  [server, browser, photoPath] = await Promise.all([startTestServer(), launchBrowser(), writePngFile(900, 600)]);
  // Ada's browser is in Lisbon: sign-up picks up its time zone.
  ada = await openContext(browser, server, { timezoneId: 'Europe/Lisbon' });
  grace = await openContext(browser, server, { timezoneId: 'America/Halifax' });
});

after(async () => {
  await ada?.context.close();
  await grace?.context.close();
  await browser?.close();
  await server?.close();
  if (photoPath) rmSync(dirname(photoPath), { recursive: true, force: true });
});

describe('accounts in a browser', () => {
  test('the first member signs up through the form and becomes the administrator', async () => {
    const { page } = ada;
    await visit(page, '/');
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Join' }).click();
    await page.waitForURL('**/signup');
    assert.match(await text(page, 'main .callout'), /first person here.*administrator/);
    await signUp(page, { name: 'Ada Lovelace', handle: 'ada', email: 'ada@example.org' });

    assert.equal(currentPath(page), '/');
    assert.equal(await page.locator('h1').textContent(), 'Welcome, Ada Lovelace');
    assert.match(await text(page, '#setup-title'), /^Set up /);
    await visit(page, '/settings/profile');
    assert.equal(await page.locator('h1').textContent(), 'Your profile');
    const account = page.getByRole('navigation', { name: 'Account' });
    assert.ok(await account.getByRole('link', { name: 'Admin' }).isVisible(), 'the first member is the administrator');
    assert.match((await account.textContent()) ?? '', /@ada/);
    // app.js filled in the browser's time zone at sign-up.
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Lisbon');
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Ada Lovelace');
  });

  test('edits the profile, with a photo, and sees it on the public profile', async () => {
    const { page } = ada;
    await visit(page, '/settings/profile');
    assert.equal(await page.locator('main img.avatar').count(), 0, 'no photo yet');
    await page.getByLabel(/^Photo/).setInputFiles(photoPath);
    await page.getByLabel(/^Role\b/).selectOption({ label: 'Public librarian' });
    await page.getByLabel('Organisation').fill('Lisbon City Library');
    await page.getByLabel('Location').fill('Lisbon, Portugal');
    await page.getByLabel('Time zone').selectOption('Atlantic/Azores');
    await page.getByLabel('Passions').fill('Graphic novels, Makerspaces');
    await page.getByLabel('About you').fill('Public librarian.\nI run the comics collection.');
    await page.getByLabel('Label 1').fill('Blog');
    await page.getByLabel('Address 1').fill('https://ada.example.org/blog');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForURL('**/settings/profile');

    assert.equal(await text(page, 'main .notice'), 'Your profile was saved.');
    assert.equal(await page.locator('.error-summary').count(), 0);
    assert.match((await page.locator('main img.avatar').getAttribute('src')) ?? '', /^\/media\/avatars\//);
    assert.ok(await page.getByLabel('Remove my photo').isVisible());
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'Atlantic/Azores');
    assert.equal(await page.getByLabel('Passions').inputValue(), 'Graphic novels, Makerspaces');

    // Through the link on the settings page, as the member would.
    await page.getByRole('main').getByRole('link', { name: '@ada' }).click();
    await page.waitForURL('**/@ada');
    assert.equal(await page.locator('h1').textContent(), 'Ada Lovelace');
    const photo = page.locator('.profile-head img.avatar');
    assert.match((await photo.getAttribute('src')) ?? '', /^\/media\/avatars\/.+/);
    await photo.scrollIntoViewIfNeeded();
    const size = await photo.evaluate(async (img: HTMLImageElement) => {
      if (!img.complete) await new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
      return { width: img.naturalWidth, height: img.naturalHeight };
    });
    // The 900×600 upload was cropped square and scaled down.
    assert.deepEqual(size, { width: PHOTO_SIZE, height: PHOTO_SIZE });
    assert.match(await text(page, '.profile-head'), /Public librarian at Lisbon City Library/);
    assert.deepEqual(await page.locator('section[aria-labelledby=passions-heading] .tag').allTextContents(), [
      'Graphic novels',
      'Makerspaces',
    ]);
    const facts = await text(page, '.profile-facts');
    assert.match(facts, /Location Lisbon, Portugal/);
    assert.match(facts, /Time zone Atlantic\/Azores/);
    assert.match(facts, /Blog ada\.example\.org\/blog/);
    assert.equal(await page.getByRole('link', { name: 'ada.example.org/blog' }).getAttribute('href'), 'https://ada.example.org/blog');
    assert.equal(await page.locator('.bio').textContent(), 'Public librarian.\nI run the comics collection.');
    // The header's own avatar is the photo too.
    assert.match((await page.locator('.member-menu img.avatar').getAttribute('src')) ?? '', /^\/media\/avatars\//);
    assert.deepEqual(ada.problems, []);
  });

  test('a second member signs up; the first finds them by role and by passion', async () => {
    const { page } = grace;
    await signUp(page, { name: 'Grace Hopper', handle: 'grace', email: 'grace@example.org' });
    assert.equal(currentPath(page), '/welcome');
    assert.match(await text(page, 'main .notice'), /A few short steps/);
    await visit(page, '/settings/profile');
    assert.equal(
      await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin' }).count(),
      0,
      'only the first member is an administrator',
    );
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'America/Halifax');
    await page.getByLabel(/^Role\b/).selectOption({ label: 'School librarian' });
    await page.getByLabel('Passions').fill('Makerspaces, Robotics');
    await page.getByLabel('Location').fill('Halifax, Nova Scotia');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForURL('**/settings/profile');
    assert.equal(await text(page, 'main .notice'), 'Your profile was saved.');

    const people = ada.page;
    await people.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).click();
    await people.waitForURL('**/people');
    const names = () => people.locator('.people-grid h3').allTextContents();
    assert.deepEqual(await names(), ['Grace Hopper'], 'everyone but herself, newest first');
    // (Who to follow, beside the directory, may suggest her too: the card is the one in the main column.)
    assert.ok(await people.locator('main').getByRole('button', { name: 'Follow Grace Hopper' }).isVisible(), 'a Follow button on the card');

    const filters = people.getByRole('search', { name: 'Filter people' });
    await filters.getByLabel('Role').selectOption({ label: 'School librarian' });
    await filters.getByRole('button', { name: 'Filter' }).click();
    await people.waitForURL('**/people?*');
    assert.equal(new URL(people.url()).searchParams.get('role'), 'school_librarian');
    assert.equal(await people.locator('#results-heading').textContent(), 'Matching people');
    assert.deepEqual(await names(), ['Grace Hopper']);
    assert.equal(await filters.getByLabel('Role').inputValue(), 'school_librarian', 'the filter keeps its value');

    await filters.getByLabel('Role').selectOption('');
    await filters.getByLabel('Passion').fill('robotics');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await people.waitForURL((url) => url.searchParams.get('passion') === 'robotics');
    assert.deepEqual(await names(), ['Grace Hopper']);

    await filters.getByLabel('Passion').fill('Graphic novels');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await people.waitForURL((url) => url.searchParams.get('passion') === 'Graphic novels');
    assert.deepEqual(await names(), [], 'only Ada has it, and she is not shown herself');
    assert.match(await text(people, 'main .callout'), /^No one matches those filters yet/);

    // A shared passion from the popular list finds the other one who has it.
    await people
      .getByRole('link', { name: /^Makerspaces/ })
      .first()
      .click();
    await people.waitForURL((url) => url.searchParams.get('passion') === 'makerspaces');
    assert.deepEqual(await names(), ['Grace Hopper']);

    await people.locator('main').getByRole('link', { name: 'Grace Hopper' }).click();
    await people.waitForURL('**/@grace');
    assert.equal(await people.locator('h1').textContent(), 'Grace Hopper');
    assert.match(await text(people, '.profile-head'), /School librarian/);
    assert.deepEqual(await people.locator('section[aria-labelledby=passions-heading] .tag').allTextContents(), ['Makerspaces', 'Robotics']);
    assert.equal(await people.getByRole('link', { name: 'Edit your profile' }).count(), 0, 'not their own profile');
  });

  test('the administrator suspends the second member, who is signed out on their next page', async () => {
    const { page } = ada;
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL('**/admin');
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Members' }).click();
    await page.waitForURL('**/admin/members');
    assert.equal(await page.getByRole('button', { name: 'Suspend @ada' }).count(), 0, 'no one can suspend themselves');
    await page.getByLabel('Reason for suspending @grace').fill('Testing suspension');
    let confirmation = '';
    page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Suspend @grace' }).click();
    await page.waitForURL('**/admin/members?*');
    assert.match(confirmation, /Suspend @grace\? They will be signed out everywhere\./);
    assert.equal(await text(page, 'main .notice'), '@grace is suspended and was signed out everywhere.');
    const row = page.locator('tbody tr', { hasText: '@grace' });
    assert.match(await text(page, 'tbody tr:has-text("@grace") .status'), /^Suspended \d{4}-\d{2}-\d{2}: Testing suspension$/);
    assert.ok(await row.getByRole('button', { name: 'Unsuspend @grace' }).isVisible());

    // Grace's next page load finds her signed out.
    await grace.page.reload();
    const account = grace.page.getByRole('navigation', { name: 'Account' });
    assert.ok(await account.getByRole('link', { name: 'Sign in' }).isVisible());
    assert.doesNotMatch((await account.textContent()) ?? '', /@grace/);
    await grace.page.goto('/settings/profile');
    assert.equal(currentPath(grace.page), '/login?next=%2Fsettings%2Fprofile');
    // And cannot sign back in.
    await grace.page.getByLabel('Email or handle').fill('grace');
    await grace.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await grace.page.getByRole('button', { name: 'Sign in' }).click();
    await grace.page.waitForSelector('.error-summary');
    assert.match(await text(grace.page, '.error-summary'), /suspended: Testing suspension/);
    // Her profile is gone from the directory.
    await visit(page, '/people');
    assert.deepEqual(await page.locator('.people-grid h3').allTextContents(), []);
    assert.match(await text(page, 'main .callout'), /^No one else has joined yet\./);
  });

  test('signs out and back in through the forms', async () => {
    const { page } = ada;
    await page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const account = page.getByRole('navigation', { name: 'Account' });
    assert.ok(await account.getByRole('link', { name: 'Sign in' }).isVisible());
    assert.equal(await account.getByRole('button', { name: 'Sign out' }).count(), 0);

    // A members-only page sends her to sign in, then back.
    await page.goto('/settings/account');
    assert.equal(currentPath(page), '/login?next=%2Fsettings%2Faccount');
    await page.getByLabel('Email or handle').fill('ada@example.org');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('.error-summary');
    assert.match(await text(page, '.error-summary'), /do not match/);
    assert.match(await page.title(), /^Error: Sign in/);
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary', 'focus moves to the error summary');
    assert.equal(await page.getByLabel('Email or handle').inputValue(), 'ada@example.org', 'what she typed is kept');

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/settings/account');
    assert.equal(await page.locator('h1').textContent(), 'Password');
    assert.match((await account.textContent()) ?? '', /@ada/);
    assert.deepEqual(ada.problems, []);
  });
});
