import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMember, type Member, PASSWORD } from '../social/helpers.ts';
import { audit, checkAccessibility, currentPath, launchBrowser, openContext, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * An instructor runs a cohort end to end in Chromium: creates it, sets the checkpoints and the
 * due date, makes an invite link; a student opens it in another browser, consents, sees the
 * checklist, follows people; the instructor sees the dashboard change and downloads the CSV.
 * Every cohort page type goes through axe (WCAG 2.2 A and AA).
 */

let server: TestServer;
let browser: Browser;
let peers: Member[];

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  const prof = await createMember(server, 'prof', { displayName: 'Mei Lin' });
  const maya = await createMember(server, 'maya', { displayName: 'Maya Cohen' });
  assert.equal((await prof.api('PATCH', '/api/v1/profile', { role: 'educator' })).status, 200);
  assert.equal((await maya.api('PATCH', '/api/v1/profile', { role: 'student' })).status, 200);
  peers = [];
  for (const [handle, role] of [
    ['tova', 'public_librarian'],
    ['rosa', 'school_librarian'],
  ] as const) {
    const peer = await createMember(server, handle);
    assert.equal((await peer.api('PATCH', '/api/v1/profile', { role })).status, 200);
    peers.push(peer);
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('cohorts in the browser', () => {
  test('an instructor runs a cohort end to end', async () => {
    const teacher = await openContext(browser, server, { acceptDownloads: true });
    const { page } = teacher;
    await signIn(page, 'prof', PASSWORD);
    await audit(teacher, '/insights/cohorts', 'cohorts list, empty');
    await page.getByRole('link', { name: 'Create a cohort' }).click();
    await checkAccessibility(page, 'new cohort');

    // A mistake first: the error summary, then the fix.
    await page.getByLabel('Name').fill('LIS 520: Build your PLN');
    // (a date picker sends only real dates: the mistake is a day already past)
    await page.getByLabel('Due date').fill(dateIn(-2));
    await page.getByRole('button', { name: 'Create cohort' }).click();
    await page.waitForSelector('.error-summary');
    await checkAccessibility(page, 'new cohort with an error');
    await page.getByLabel('Due date').fill(dateIn(21));
    await page.getByLabel('Description (optional)').fill('Build your learning network over three weeks, then write a reflection.');
    await page.getByRole('button', { name: 'Create cohort' }).click();
    await page.waitForURL(/\/insights\/cohorts\/\d+\/edit$/);
    const id = Number(/cohorts\/(\d+)\/edit/.exec(currentPath(page))![1]);
    await checkAccessibility(page, 'cohort editor');

    // The checkpoints: follow 2 people incl. 1 outside the role, reply to 1 person.
    await page.getByLabel('Include “follow people”').check();
    await page.getByLabel('At least how many people').fill('2');
    await page.getByLabel('Of them, at least how many whose role differs from the student’s').fill('1');
    await page.getByLabel('Include “reply to people”').check();
    await page.getByLabel('At least how many different people').fill('1');
    await page.getByRole('button', { name: 'Save the checkpoints' }).click();
    await page.waitForURL(`**/insights/cohorts/${id}`);
    assert.match(await page.locator('.notice').innerText(), /2 checkpoints/);
    await checkAccessibility(page, 'dashboard, no students');
    assert.match(await page.locator('main').innerText(), /No students yet/);

    // An invite link for the class.
    await page.getByLabel('How many students may use it (optional)').fill('30');
    await page.getByRole('button', { name: 'Make an invite link' }).click();
    const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
    assert.match(link, /\/insights\/cohorts\/join\//);
    await checkAccessibility(page, 'dashboard with a new invite link');

    // The student, in another browser.
    const learner = await openContext(browser, server);
    await signIn(learner.page, 'maya', PASSWORD);
    await audit(learner, new URL(link).pathname, 'join page with consent');
    assert.match(await learner.page.locator('main').innerText(), /Mei Lin never sees/);
    await learner.page.getByRole('button', { name: 'Join the cohort' }).click();
    await learner.page.waitForSelector('.error-summary');
    await checkAccessibility(learner.page, 'join page, consent missing');
    await learner.page.getByLabel('I agree that Mei Lin sees my progress').check();
    await learner.page.getByRole('button', { name: 'Join the cohort' }).click();
    await learner.page.waitForURL(`**/insights/cohorts/${id}`);
    await checkAccessibility(learner.page, 'student checklist');
    const checklist = learner.page.locator('.cohort-checklist');
    assert.match(await checklist.innerText(), /Not yet: Follow at least 2 people, including at least 1 whose role differs from yours/);
    assert.match(await learner.page.locator('main').innerText(), /0 of 2 checkpoints done/);

    // The student follows two people from their profiles.
    for (const handle of ['tova', 'rosa']) {
      await learner.page.goto(`/@${handle}`);
      await learner.page.getByRole('button', { name: 'Follow', exact: true }).click();
      await learner.page.waitForSelector('.notice');
    }
    await learner.page.goto(`/insights/cohorts/${id}`);
    assert.match(await checklist.innerText(), /Done: Follow at least 2 people[^\n]*You follow 2 of 2; 2 of 1 have a role other than yours/);
    assert.match(await learner.page.locator('main').innerText(), /1 of 2 checkpoints done/);

    // The instructor sees the dashboard change.
    await audit(teacher, `/insights/cohorts/${id}`, 'dashboard with a student');
    const table = page.locator('table', { hasText: 'Maya Cohen' });
    assert.match(
      await table.innerText(),
      /Maya Cohen[\s\S]*Done[\s\S]*2 of 2; 2 of 1 outside their role[\s\S]*Not yet[\s\S]*0 of 1[\s\S]*1 of 2/,
    );
    assert.match(
      (await page.locator('#cohort-chart-desc').textContent()) ?? '',
      /Follow 2 \(1 outside role\): 1 of 1 \(100%\); Reply to 1: 0 of 1 \(0%\)/,
    );

    // The CSV download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'lis-520-build-your-pln-progress.csv');
    const stream = await download.createReadStream();
    let csv = '';
    for await (const chunk of stream) csv += chunk;
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^handle,display_name,joined_at,Follow 2 \(1 outside role\): count,/);
    assert.match(lines[1]!, /^maya,Maya Cohen,\d{4}-\d\d-\d\dT[^,]+,2,yes,2,0,no,1,2$/);

    // The list, then the student leaves (after confirming) and is gone from the dashboard.
    await audit(learner, '/insights/cohorts', 'cohorts list, enrolled');
    await learner.page.goto(`/insights/cohorts/${id}`);
    await learner.page.getByRole('link', { name: 'Leave this cohort' }).click();
    await checkAccessibility(learner.page, 'leave confirmation');
    await learner.page.getByRole('button', { name: 'Leave this cohort' }).click();
    await learner.page.waitForURL('**/insights/cohorts');
    await page.reload();
    assert.match(await page.locator('main').innerText(), /No students yet/);
    assert.deepEqual(teacher.problems.concat(learner.problems), []);
  });
});
