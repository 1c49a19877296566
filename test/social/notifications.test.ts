import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, follow, getJson, type Json, type Member } from './helpers.ts';

let server: TestServer;
let m: Record<'ana' | 'bo' | 'cy' | 'dee', Member>;
before(async () => {
  server = await startTestServer();
  m = await createMembers(server, ['ana', 'bo', 'cy', 'dee']);
});
after(() => server.close());

const unread = async (who: Member) => (await getJson(server, who, '/api/v1/notifications/unread')).unread as number;
const summary = (page: Json) => page.notifications.map((n: Json) => `${n.kind}:${n.actor.handle}${n.post ? `:${n.post.id}` : ''}`);

describe('notifications', () => {
  test('mentions, replies, follows, follow requests, boosts and likes each notify once, newest first', async () => {
    const { ana, bo, cy, dee } = m;
    const post = await ana.post('Notify me');
    const mention = await bo.post('Hello @ana');
    // A reply that also mentions the author is one notification (a reply), not two.
    const reply = await cy.post('@ana replying', { replyToId: post.id });
    await follow(dee, ana);
    assert.equal((await bo.api('POST', `/api/v1/posts/${post.id}/boost`)).status, 204);
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
    // Undoing and redoing a like does not notify again.
    assert.equal((await cy.api('DELETE', `/api/v1/posts/${post.id}/like`)).status, 204);
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
    // Your own actions never notify you.
    assert.equal((await ana.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
    await ana.post('Replying to myself', { replyToId: post.id });
    assert.equal((await ana.api('PATCH', '/api/v1/privacy', { locked: true })).status, 200);
    assert.equal((await cy.api('POST', '/api/v1/people/ana/follow')).json.state, 'pending');

    const all = await getJson(server, ana, '/api/v1/notifications');
    assert.deepEqual(summary(all), [
      'follow_request:cy',
      `like:cy:${post.id}`,
      `boost:bo:${post.id}`,
      'follow:dee',
      `reply:cy:${reply.id}`,
      `mention:bo:${mention.id}`,
    ]);
    assert.ok(all.notifications.every((n: Json) => n.read === false && typeof n.createdAt === 'string'));
    assert.equal(await unread(ana), 6);
    assert.equal((await ana.api('PATCH', '/api/v1/privacy', { locked: false })).status, 200);
  });

  test('filter by kind (API and page); an unknown kind is refused', async () => {
    const { ana } = m;
    assert.deepEqual(
      summary(await getJson(server, ana, '/api/v1/notifications?kind=like')).map((s: string) => s.split(':')[0]),
      ['like'],
    );
    assert.deepEqual(
      summary(await getJson(server, ana, '/api/v1/notifications?kind=follow')).map((s: string) => s.split(':').slice(0, 2).join(':')),
      ['follow:cy', 'follow:dee'],
    );
    const bad = await ana.api('GET', '/api/v1/notifications?kind=poke');
    assert.ok([400, 422].includes(bad.status));
    const page = await ana.web.get('/notifications?kind=boost');
    assert.equal(page.status, 200);
    assert.equal(page.document.querySelectorAll('ol.notifications > li').length, 1);
    assert.match(page.text('ol.notifications'), /Bo boosted your post/);
    assert.equal(page.document.querySelector('nav[aria-label="Filter notifications"] a[aria-current=page]')?.textContent?.trim(), 'Boosts');
    assert.equal((await ana.web.get('/notifications?kind=poke')).status, 400);
  });

  test('unread count, mark read up to an id, then all (API and page)', async () => {
    const { ana, bo } = m;
    const before = await unread(ana);
    assert.ok(before >= 6);
    const list = (await getJson(server, ana, '/api/v1/notifications')).notifications;
    const oldestThree = list.slice(-3);
    assert.equal((await ana.api('POST', '/api/v1/notifications/read', { upToId: oldestThree[0].id })).status, 204);
    assert.equal(await unread(ana), before - 3);
    const after = (await getJson(server, ana, '/api/v1/notifications')).notifications;
    assert.deepEqual(
      after.map((n: Json) => n.read),
      list.map((_: Json, i: number) => i >= list.length - 3),
    );

    const page = await ana.web.get('/notifications');
    assert.match(page.text('form[action="/notifications/read"] button'), new RegExp(`Mark all as read \\(${before - 3}\\)`));
    assert.equal(page.document.querySelectorAll('.notification--unread').length, before - 3);
    assert.equal((await ana.web.post('/notifications/read', {})).status, 303);
    assert.equal(await unread(ana), 0);
    assert.equal((await ana.web.get('/notifications')).document.querySelector('form[action="/notifications/read"]'), null);
    assert.equal((await ana.api('POST', '/api/v1/notifications/read', { upToId: 'all' })).status, 422);
    // A new one is unread again.
    await bo.post('Again @ana');
    assert.equal(await unread(ana), 1);
    await getJson(server, null, '/api/v1/notifications/unread', 401);
  });

  test('pages with a cursor: every notification once; a deleted post takes its notifications with it', async () => {
    const { dee, cy } = m;
    const mentions: number[] = [];
    for (let i = 0; i < 33; i++) mentions.push((await cy.post(`Ping ${i} @dee`)).id);
    const first = await getJson(server, dee, '/api/v1/notifications?kind=mention');
    assert.equal(first.notifications.length, 30);
    const second = await getJson(server, dee, `/api/v1/notifications?kind=mention&cursor=${first.nextCursor}`);
    assert.equal(second.nextCursor, null);
    const seen = [...first.notifications, ...second.notifications].map((n: Json) => n.post.id);
    assert.deepEqual(seen, [...mentions].reverse());
    assert.equal(await unread(dee), 33);
    assert.equal((await cy.api('DELETE', `/api/v1/posts/${mentions[0]}`)).status, 204);
    assert.equal(await unread(dee), 32);
    assert.ok(
      !(await getJson(server, dee, `/api/v1/notifications?kind=mention&cursor=${first.nextCursor}`)).notifications.some(
        (n: Json) => n.post.id === mentions[0],
      ),
    );
  });
});
