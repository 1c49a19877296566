import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMember, follow, type Member, PASSWORD } from '../social/helpers.ts';
import { audit, checkAccessibility, launchBrowser, openContext, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * My PLN in a real browser, through axe-core (WCAG 2.2 A and AA): for a brand-new member (the
 * empty states) and for an active one (charts, tables, a diversity nudge, a quiet follow with
 * its unfollow button, and a conversation both ways). Unfollowing from the page works.
 */

let server: TestServer;
let browser: Browser;
let active: Member;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  await createMember(server, 'brandnew', { displayName: 'Brand New' });
  active = await createMember(server, 'active', { displayName: 'Active Member' });
  const peers: Member[] = [];
  for (const handle of ['sam', 'sue', 'sid', 'sal', 'sky']) {
    const peer = await createMember(server, handle);
    assert.equal((await peer.api('PATCH', '/api/v1/profile', { role: 'school_librarian', location: 'Leeds' })).status, 200);
    await follow(active, peer);
    peers.push(peer);
  }
  await follow(peers[0]!, active);
  // One of them joined long ago and has not posted since (time passing, not a request).
  await server.services.database.db
    .updateTable('actors')
    .set({ created_at: Date.now() - 200 * 86_400_000 })
    .where('id', '=', peers[4]!.actorId)
    .execute();
  const question = await peers[0]!.post('What is everyone reading? #tlchat');
  const answer = await active.post('Graphic novels, mostly.', { replyToId: question.id });
  await peers[0]!.post('Same here!', { replyToId: answer.id });
  await active.post('A list of makerspace ideas: https://example.org/makerspace #makerspace');

  // Someone tidying their network: a quiet person to move to a list, and a routine with a streak.
  const mover = await createMember(server, 'mover', { displayName: 'Mo Mover' });
  const quietOne = await createMember(server, 'quietone', { displayName: 'Quiet One' });
  await follow(mover, quietOne);
  await server.services.database.db
    .updateTable('actors')
    .set({ created_at: Date.now() - 200 * 86_400_000 })
    .where('id', '=', quietOne.actorId)
    .execute();
  assert.equal((await mover.api('POST', '/api/v1/lists', { name: 'Now and then' })).status, 201);
  const since = Date.now() - 1;
  await mover.post('A post from yesterday');
  await server.services.database.db
    .updateTable('posts')
    .set({ created_at: Date.now() - 86_400_000 })
    .where('actor_id', '=', mover.actorId)
    .where('created_at', '>=', since)
    .execute();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a brand-new member sees zeros, a first step and empty states', async () => {
  const s = await openContext(browser, server);
  await signIn(s.page, 'brandnew', PASSWORD);
  await audit(s, '/insights', 'My PLN, brand-new member');
  assert.match(await s.page.locator('#next-step').innerText(), /Start small/);
  assert.equal(await s.page.getByRole('img', { name: /Stage scores/ }).count(), 1);
});

test('an active member sees charts with tables, and unfollows a quiet person from the page', async () => {
  const s = await openContext(browser, server);
  await signIn(s.page, 'active', PASSWORD);
  await audit(s, '/insights', 'My PLN, active member');
  const { page } = s;
  await page.locator('details.chart-numbers', { hasText: 'Roles of the people you follow' }).locator('summary').click();
  await page.getByRole('table', { name: /Roles of the people you follow/ }).waitFor();
  assert.match(await page.locator('#diversity-nudge').innerText(), /100% of the people you follow are school librarians —/);
  assert.equal(
    await page
      .getByRole('table', { name: /People you exchanged replies/ })
      .getByRole('link', { name: 'Sam' })
      .count(),
    1,
  );
  await page.getByRole('button', { name: 'Unfollow Sky' }).click();
  await page.waitForURL((url) => url.pathname === '/insights');
  assert.equal(await page.getByRole('button', { name: 'Unfollow Sky' }).count(), 0);
  assert.match(await page.locator('main').innerText(), /Everyone you follow has posted in the last 90 days/);
});

test('My PLN is short on a 1280×800 screen: the numbers behind each chart are one click away, in tables', async (t) => {
  const s = await openContext(browser, server, { viewport: { width: 1280, height: 800 } });
  await signIn(s.page, 'active', PASSWORD);
  await audit(s, '/insights', 'My PLN, numbers folded');
  const { page } = s;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  t.diagnostic(`My PLN height at 1280×800: ${height} px`);
  // It was 3,232 px, every chart followed by the same numbers as a visible table (2,433 px since).
  assert.ok(height < 2600, `My PLN is ${height} px tall`);
  // Each chart's table is behind a "Show the numbers" of its own, named after the chart.
  const toggles = page.locator('main details.chart-numbers > summary');
  const names = await toggles.evaluateAll((list) => list.map((e) => e.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
  assert.equal(names.length, 3, names.join(' | '));
  assert.ok(
    names.every((n) => n.startsWith('Show the numbers')),
    names.join(' | '),
  );
  assert.equal(new Set(names).size, 3, `each toggle has its own accessible name: ${names.join(' | ')}`);
  assert.equal(await page.getByRole('table', { name: /Roles of the people you follow/ }).count(), 0, 'folded away');
  for (let i = 0; i < 3; i++) await toggles.nth(i).click();
  await page.getByRole('table', { name: /Stage scores/ }).waitFor();
  await page.getByRole('table', { name: /Roles of the people you follow/ }).waitFor();
  await page.getByRole('table', { name: /Your network by role/ }).waitFor();
  await checkAccessibility(page, 'My PLN, numbers shown');
  assert.deepEqual(s.problems, []);
});

test('on a phone-sized screen the page passes the audit too', async () => {
  const s = await openContext(browser, server, {
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await signIn(s.page, 'active', PASSWORD);
  await audit(s, '/insights', 'My PLN on a phone');
  const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'the page itself does not scroll sideways (charts scroll inside their box)');
});

test('Routine passes the audit for a brand-new member and for an active one', async () => {
  const s = await openContext(browser, server);
  await signIn(s.page, 'brandnew', PASSWORD);
  await audit(s, '/insights/routine', 'Routine, brand-new member');
  assert.match(await s.page.locator('#heatmap-empty').innerText(), /Nothing here yet/);
  assert.equal(await s.page.getByRole('img', { name: /Activity per day, last 12 weeks/ }).count(), 1);

  const t = await openContext(browser, server);
  await signIn(t.page, 'active', PASSWORD);
  await audit(t, '/insights/routine', 'Routine, active member');
  await t.page.getByText('The same as a table').click();
  await t.page.getByRole('table', { name: /Things done per day/ }).waitFor();
  await audit(t, '/insights/routine', 'Routine, active member, table open');
  assert.match(await t.page.locator('#streak').innerText(), /1 day in a row including today/);
});

test('My PLN with the network picture passes the audit, and "Move to a list" moves a quiet person', async () => {
  const s = await openContext(browser, server);
  await signIn(s.page, 'mover', PASSWORD);
  await audit(s, '/insights', 'My PLN with the network picture');
  const { page } = s;
  assert.equal(await page.getByRole('img', { name: /Your network by role/ }).count(), 1);
  await page.locator('details.chart-numbers', { hasText: 'Your network by role' }).locator('summary').click();
  await page.getByRole('table', { name: /Your network by role/ }).waitFor();
  assert.match(await page.locator('#routine-card').innerText(), /Streak: 1 day in a row/);

  await page.getByText('Move to a list').click();
  await page.getByLabel('List for Quiet One').selectOption({ label: 'Now and then' });
  await page.getByRole('button', { name: 'Move Quiet One to the list and unfollow' }).click();
  await page.waitForURL((url) => url.pathname === '/insights');
  assert.match(await page.locator('main').innerText(), /Quiet One is on your list “Now and then” now/);
  assert.match(await page.locator('main').innerText(), /Everyone you follow has posted in the last 90 days/);
  await audit(s, '/insights', 'My PLN after the move');
});
