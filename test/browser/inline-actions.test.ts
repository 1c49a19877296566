import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMembers, follow, type Member } from '../social/helpers.ts';
import { type BrowserSession, checkAccessibility, launchBrowser, openContext, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Acting without losing your place. Without JavaScript, Like, Boost, Bookmark, Follow and RSVP
 * are forms that come back to the same page and the same item (its anchor). With JavaScript
 * they post with fetch and the button changes in place: no reload, no jump to the top, focus
 * kept on the button in its new state ("Liked", "Bookmarked", "Following", "Going"). Reply puts
 * the cursor in the reply box. A starter kit's two buttons say what each does.
 */

let server: TestServer;
let browser: Browser;
let m: Record<'ana' | 'bo' | 'cy' | 'dee' | 'eve' | 'fay', Member>;
const posts: number[] = [];
let chatDate: string;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  m = await createMembers(server, ['ana', 'bo', 'cy', 'dee', 'eve', 'fay'] as const);
  for (let i = 1; i <= 12; i++) posts.push((await m.bo.post(`Post number ${i} about weeding the collection. #weeding`)).id);
  // Ana follows Bo, who follows Cy, Dee and Eve: they are suggested to Ana (friends of friends).
  await follow(m.ana, m.bo);
  for (const who of [m.cy, m.dee, m.eve]) await follow(m.bo, who);
  // A weekly chat with a coming occurrence, for RSVP.
  const at = utcToZoned(Date.now() + 2 * 86_400_000, 'UTC');
  chatDate = at.date;
  const created = await m.fay.api('POST', '/api/v1/chats', {
    kind: 'chat',
    hashtag: '#inlinechat',
    title: 'Inline chat',
    timeZone: 'UTC',
    recurrence: { freq: 'weekly', weekday: at.weekday },
    startDate: at.date,
    time: at.time,
    durationMinutes: 60,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Where a redirect points, anchor included (Page.location leaves the anchor out). */
const target = (page: { headers: Headers }) => page.headers.get('location') ?? '';

/** The value of the hidden `back` field of the form posting to `action` on a page. */
function backOf(document: Document, action: string): string {
  const value = document.querySelector(`form[action="${action}"] input[name=back]`)?.getAttribute('value');
  assert.ok(value, `a form to ${action} with a back field`);
  return value;
}

describe('without JavaScript: the action comes back to the same page and item', () => {
  test('Like, Boost and Bookmark come back to the post on the same page, and show their new state', async () => {
    const id = posts[3]!;
    const profile = await m.ana.web.get('/@bo');
    const back = backOf(profile.document, `/posts/${id}/bookmark`);
    assert.equal(back, '/@bo');
    for (const action of ['like', 'boost', 'bookmark']) {
      const res = await m.ana.web.post(`/posts/${id}/${action}`, { back });
      assert.equal(res.status, 303);
      assert.equal(target(res), `/@bo#post-${id}`, action);
    }
    // A back that already has an anchor is not given a second one.
    const again = await m.ana.web.post(`/posts/${id}/unlike`, { back: `/@bo?x=1#post-${posts[0]}` });
    assert.equal(target(again), `/@bo?x=1#post-${id}`);
    await m.ana.web.post(`/posts/${id}/like`, { back });
    const page = await m.ana.web.get('/@bo');
    const card = page.document.querySelector(`#post-${id}`)!;
    const buttons = [...card.querySelectorAll('.post__actions button')].map((b) => [
      b.textContent!.replace(/\s+/g, ' ').trim(),
      b.getAttribute('aria-pressed'),
    ]);
    assert.deepEqual(buttons, [
      ['Boosted 1', 'true'],
      ['Liked 1', 'true'],
      ['Bookmarked', 'true'],
    ]);
    for (const action of ['unlike', 'unboost', 'unbookmark']) await m.ana.web.post(`/posts/${id}/${action}`, { back });
  });

  test('Follow on Who to follow comes back to the same card, which now says Following', async () => {
    const page = await m.ana.web.get('/insights/suggestions');
    const back = backOf(page.document, '/@cy/follow');
    const res = await m.ana.web.post('/@cy/follow', { back });
    assert.equal(res.status, 303);
    assert.ok(target(res).startsWith('/insights/suggestions'), target(res));
    assert.ok(target(res).endsWith(`#suggestion-${m.cy.actorId}`), target(res));
    const after = await m.ana.web.get(res.location!);
    const card = after.document.getElementById(`suggestion-${m.cy.actorId}`);
    assert.ok(card, 'the followed person stays in the list, where they were');
    assert.match(card.textContent!, /Following/);
    assert.ok(card.querySelector('form[action="/@cy/unfollow"]'), 'with an Unfollow button');
    // The next Follow keeps the first one in the list too.
    const back2 = backOf(after.document, '/@dee/follow');
    const res2 = await m.ana.web.post('/@dee/follow', { back: back2 });
    const after2 = await m.ana.web.get(res2.location!);
    assert.ok(after2.document.getElementById(`suggestion-${m.cy.actorId}`));
    assert.match(after2.document.getElementById(`suggestion-${m.dee.actorId}`)!.textContent!, /Following/);
    for (const who of ['cy', 'dee']) await m.ana.web.post(`/@${who}/unfollow`, { back: '/' });
  });

  test('RSVP on a series page comes back to that chat on the series page, which says Going', async () => {
    const page = await m.ana.web.get('/chats/inlinechat');
    const action = `/chats/inlinechat/${chatDate}/rsvp`;
    const back = backOf(page.document, action);
    const res = await m.ana.web.post(action, { back, going: 'yes' });
    assert.equal(res.status, 303);
    assert.equal(target(res), `/chats/inlinechat#chat-inlinechat-${chatDate}`);
    const after = await m.ana.web.get('/chats/inlinechat');
    const item = after.document.getElementById(`chat-inlinechat-${chatDate}`);
    assert.ok(item);
    assert.match(item.textContent!, /Going/);
    assert.match(item.querySelector(`form[action="${action}"] button`)!.textContent!, /Not going/);
    // From the chat's own page, it still comes back to the chat.
    const own = await m.ana.web.get(`/chats/inlinechat/${chatDate}`);
    const res2 = await m.ana.web.post(action, { back: backOf(own.document, action), going: 'no' });
    assert.ok(res2.location?.startsWith(`/chats/inlinechat/${chatDate}`), res2.location ?? '');
  });

  test('Reply links to the post’s reply box, which has the cursor (autofocus) only when asked to reply', async () => {
    const id = posts[2]!;
    const profile = await m.ana.web.get('/@bo');
    const reply = profile.document.querySelector(`#post-${id} .post__actions a`)!;
    assert.equal(reply.textContent!.trim(), 'Reply');
    const href = reply.getAttribute('href')!;
    // No #anchor: browsers skip autofocus when the address has one (focusing scrolls to the box).
    assert.equal(href, `/@bo/${id}?reply`);
    const replyPage = await m.ana.web.get(href);
    assert.equal(replyPage.status, 200);
    assert.ok(replyPage.document.querySelector('#reply textarea[autofocus]'), 'the reply box has autofocus');
    const plain = await m.ana.web.get(`/@bo/${id}`);
    assert.ok(plain.document.querySelector('#reply textarea'));
    assert.equal(plain.document.querySelector('#reply textarea[autofocus]'), null, 'no autofocus when just reading');
  });

  test('a starter kit says what each button does: follow its people, or subscribe to its updates', async () => {
    const kit = await m.fay.api('POST', '/api/v1/curation/starter-kits', { title: 'Weeders', visibility: 'public' });
    assert.equal(kit.status, 201, JSON.stringify(kit.json));
    for (const acct of ['cy', 'dee']) {
      assert.equal((await m.fay.api('POST', `/api/v1/curation/starter-kits/${kit.json.id}/people`, { acct, note: 'Weeds.' })).status, 201);
    }
    const page = await m.eve.web.get(`/starter-kits/${kit.json.id}`);
    const labels = [...page.document.querySelectorAll('main .actions a, main .actions button')].map((e) =>
      e.textContent!.replace(/\s+/g, ' ').trim(),
    );
    assert.ok(labels.includes('Follow the 2 people…'), labels.join(' | '));
    assert.ok(labels.includes('Subscribe to this kit’s updates'), labels.join(' | '));
    assert.ok(!labels.some((l) => /^Follow (all|this)/.test(l)), labels.join(' | '));
    const form = page.document.querySelector(`form[action="/collections/${kit.json.id}/follow"]`);
    assert.ok(form);
    await m.eve.web.post(`/collections/${kit.json.id}/follow`, {});
    const subscribed = await m.eve.web.get(`/starter-kits/${kit.json.id}`);
    assert.match(subscribed.text('main .actions'), /Unsubscribe from this kit’s updates/);
  });
});

/** Marks the page so a reload would show (the mark is gone after one). */
async function mark(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { marked: boolean }).marked = true;
  });
}
async function stillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { marked?: boolean }).marked === true);
}

async function session(who: Member, options: Parameters<typeof openContext>[2] = {}): Promise<BrowserSession> {
  return openContext(browser, server, { viewport: { width: 1280, height: 800 }, ...options }, who);
}

describe('with JavaScript: the button changes in place', () => {
  test('Like, Boost and Bookmark on a long page: no reload, no jump, the new state and focus on the button', async () => {
    const s = await session(m.ana);
    const { page } = s;
    await visit(page, '/@bo');
    const id = posts[1]!; // near the bottom: the newest posts come first
    const card = page.locator(`#post-${id}`);
    await card.scrollIntoViewIfNeeded();
    await mark(page);
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 400, `the post is far down the page (scrollY ${scrolled})`);

    await card.getByRole('button', { name: 'Like', exact: true }).click();
    const liked = card.getByRole('button', { name: /^Liked/ });
    await liked.waitFor();
    assert.equal(await liked.getAttribute('aria-pressed'), 'true');
    assert.ok(await liked.evaluate((b) => b === document.activeElement), 'focus stays on the button');
    await page.locator('main .notice', { hasText: 'Liked.' }).waitFor();

    await card.getByRole('button', { name: 'Bookmark', exact: true }).click();
    await card.getByRole('button', { name: 'Bookmarked' }).waitFor();
    await card.getByRole('button', { name: 'Boost', exact: true }).click();
    await card.getByRole('button', { name: /^Boosted/ }).waitFor();
    assert.ok(await stillMarked(page), 'no reload');
    const now = await page.evaluate(() => window.scrollY);
    assert.ok(Math.abs(now - scrolled) < 200, `no jump (scrollY ${scrolled} → ${now})`);
    assert.ok(await card.isVisible());
    await checkAccessibility(page, 'a profile after acting in place');

    // And back: Unlike.
    await card.getByRole('button', { name: /^Liked/ }).click();
    await card.getByRole('button', { name: 'Like', exact: true }).waitFor();
    assert.equal(await card.getByRole('button', { name: 'Like', exact: true }).getAttribute('aria-pressed'), 'false');
    assert.ok(await stillMarked(page));
    // The state is real: a reload shows it.
    await page.reload();
    assert.equal(await page.locator(`#post-${id}`).getByRole('button', { name: 'Bookmarked' }).getAttribute('aria-pressed'), 'true');
    assert.deepEqual(s.problems, []);
    for (const action of ['unboost', 'unbookmark']) await m.ana.web.post(`/posts/${id}/${action}`, { back: '/' });
  });

  test('Follow in the directory and on Who to follow: no reload, no jump; Following with Unfollow', async () => {
    const s = await session(m.ana, { viewport: { width: 1280, height: 400 } });
    const { page } = s;
    await visit(page, '/insights/suggestions');
    const card = page.locator(`#suggestion-${m.eve.actorId}`);
    await card.scrollIntoViewIfNeeded();
    await mark(page);
    const scrolled = await page.evaluate(() => window.scrollY);
    await card.getByRole('button', { name: 'Follow Eve' }).click();
    const unfollow = card.getByRole('button', { name: 'Unfollow Eve' });
    await unfollow.waitFor();
    assert.match(await card.innerText(), /Following/);
    assert.ok(await unfollow.evaluate((b) => b === document.activeElement), 'focus on Unfollow');
    assert.ok(await stillMarked(page), 'no reload');
    assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - scrolled) < 200, 'no jump');
    await checkAccessibility(page, 'who to follow after a follow in place');
    await unfollow.click();
    await card.getByRole('button', { name: 'Follow Eve' }).waitFor();

    await visit(page, '/people');
    const person = page.locator(`#person-${m.dee.actorId}`);
    await mark(page);
    await person.getByRole('button', { name: /^Follow/ }).click();
    await person.getByRole('button', { name: /^Unfollow/ }).waitFor();
    assert.match(await person.innerText(), /Following/);
    assert.ok(await stillMarked(page), 'no reload');
    await person.getByRole('button', { name: /^Unfollow/ }).click();
    await person.getByRole('button', { name: /^Follow/ }).waitFor();
    assert.deepEqual(s.problems, []);
  });

  test('without JavaScript in the browser, Follow on Who to follow lands on the same card', async () => {
    const s = await session(m.ana, { javaScriptEnabled: false, viewport: { width: 1280, height: 400 } });
    const { page } = s;
    await visit(page, '/insights/suggestions');
    await page.locator(`#suggestion-${m.eve.actorId}`).getByRole('button', { name: 'Follow Eve' }).click();
    await page.waitForURL((url) => url.hash === `#suggestion-${m.eve.actorId}`);
    assert.match(await page.locator(`#suggestion-${m.eve.actorId}`).innerText(), /Following/);
    await m.ana.web.post('/@eve/unfollow', { back: '/' });
  });

  test('Reply puts the cursor in the reply box', async () => {
    const s = await session(m.ana);
    const { page } = s;
    const id = posts[5]!;
    // On the post's own page: the box is below, and gets the focus.
    await visit(page, `/@bo/${id}`);
    await page
      .locator('.post--focus')
      .getByRole('link', { name: /^Reply/ })
      .click();
    await page.waitForFunction(() => document.activeElement?.matches('#reply textarea'));
    // From a list: the post's page opens with the cursor in its reply box.
    await visit(page, '/@bo');
    await page
      .locator(`#post-${id}`)
      .getByRole('link', { name: /^Reply/ })
      .click();
    await page.waitForURL((url) => url.pathname === `/@bo/${id}`);
    await page.waitForFunction(() => document.activeElement?.matches('#reply textarea'));
    assert.deepEqual(s.problems, []);
  });
});
