import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMember, type Member } from '../social/helpers.ts';
import type { Page } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The administrator's federation page: servers and their delivery health, blocking and
 * silencing, and relays (reports have their own queue: reports.test.ts). No other server is
 * needed: the rows federation would store are inserted directly, and deliveries only go as far
 * as the job queue (jobs are not run).
 */

let server: TestServer;
let admin: Member; // the first member, so the administrator
let lee: Member;
const HOUR = 3600_000;

before(async () => {
  server = await startTestServer();
  admin = await createMember(server, 'ada');
  lee = await createMember(server, 'lee');
  const db = server.services.database.db;
  const now = Date.now();
  await db
    .insertInto('instances')
    .values([
      {
        domain: 'books.example',
        software: 'mastodon',
        software_version: '4.3.2',
        delivered_count: 12,
        failed_count: 1,
        last_delivered_at: now - HOUR,
        last_failed_at: now - 5 * HOUR,
        last_error: 'timeout',
        received_count: 7,
        last_received_at: now - 2 * HOUR,
        created_at: now - 48 * HOUR,
      },
      {
        domain: 'down.example',
        delivered_count: 2,
        failed_count: 9,
        last_delivered_at: now - 30 * HOUR,
        last_failed_at: now - HOUR,
        last_error: 'HTTP 503 Service Unavailable',
        received_count: 0,
        created_at: now - 48 * HOUR,
      },
    ])
    .execute();
  await db
    .insertInto('actors')
    .values({
      acct: 'jo@books.example',
      handle: 'jo',
      domain: 'books.example',
      uri: 'https://books.example/users/jo',
      url: 'https://books.example/@jo',
      inbox_url: 'https://books.example/users/jo/inbox',
      shared_inbox_url: 'https://books.example/inbox',
      display_name: 'Jo Reads',
      bio: '',
      avatar_url: null,
      links: '[]',
      search_text: 'jo',
      created_at: now - 3 * HOUR,
      updated_at: now,
    })
    .execute();
});
after(() => server.close());

const instance = async (domain: string) => (await server.services.federation.instances.list()).find((i) => i.domain === domain);
const row = (page: Page, text: string) => [...page.document.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes(text));

describe('the federation admin page', () => {
  test('is a tab of the administration section and lists servers with their delivery health', async () => {
    const page = await admin.web.get('/admin/federation');
    assert.equal(page.status, 200);
    assert.equal(page.text('h1'), 'Federation');
    assert.deepEqual(
      [...page.document.querySelectorAll('h2')].map((h) => h.textContent),
      ['Servers', 'Relays'],
    );
    assert.ok(page.document.querySelector('main a[href="/admin/reports"]'), 'reports are in their own tab');
    assert.equal(page.text('nav[aria-label=Administration] a[aria-current=page]'), 'Federation');
    for (const path of ['/admin', '/admin/members', '/admin/invites', '/admin/reports']) {
      const other = await admin.web.get(path);
      assert.ok(
        other.document.querySelector('nav[aria-label=Administration] a[href="/admin/federation"]'),
        `${path} links to the federation tab`,
      );
    }

    assert.match(page.text('caption'), /Servers this one knows, 2 in all/);
    assert.equal(page.document.querySelectorAll('th[scope=col]').length >= 9, true);
    const books = row(page, 'books.example')!;
    const down = row(page, 'down.example')!;
    assert.ok(books && down);
    const cells = (tr: Element) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim());
    assert.equal(cells(books)[1], 'mastodon 4.3.2', 'the software and version its NodeInfo gave');
    assert.equal(cells(down)[1], 'unknown', 'no NodeInfo read yet');
    assert.equal(cells(books)[3], '1', 'one known account on books.example');
    assert.equal(cells(books)[4], '12 / 1');
    assert.doesNotMatch(cells(books)[0]!, /Failing/);
    assert.match(cells(down)[0]!, /down\.example\s*Failing/, 'a failing server says so in words');
    assert.match(cells(down)[6]!, /HTTP 503 Service Unavailable/);
    assert.ok(down.querySelector('time[datetime]'), 'dates are <time> elements');
    assert.match(page.text('main .callout'), /1 server is failing/);
  });

  test('an administrator blocks a server with the form, and lifts the block with its row button', async () => {
    const blocked = await admin.web.post('/admin/federation/instances', {
      domain: 'https://Spam.Example/about',
      moderation: 'block',
      reason: 'spam accounts',
    });
    assert.equal(blocked.status, 303);
    assert.equal(blocked.location, '/admin/federation');
    assert.deepEqual(
      { moderation: (await instance('spam.example'))?.moderation, reason: (await instance('spam.example'))?.reason },
      { moderation: 'block', reason: 'spam accounts' },
    );
    const page = await admin.web.get('/admin/federation');
    assert.match(page.text('main .notice'), /spam\.example is blocked/);
    const spam = row(page, 'spam.example')!;
    assert.match(spam.textContent!, /Blocked\s*: spam accounts/);
    const unblock = spam.querySelector('form[action="/admin/federation/instances"]');
    assert.ok(unblock, 'a blocked server has a button to lift the block');
    assert.match(unblock.textContent!, /Unblock/);

    assert.equal(
      (await admin.web.post('/admin/federation/instances', { domain: 'books.example', moderation: 'silence', reason: '' })).status,
      303,
    );
    assert.equal((await instance('books.example'))?.moderation, 'silence');
    assert.match(row(await admin.web.get('/admin/federation'), 'books.example')!.textContent!, /Silenced/);

    const lifted = await admin.web.post('/admin/federation/instances', { domain: 'spam.example', moderation: 'none' });
    assert.equal(lifted.status, 303);
    assert.equal((await instance('spam.example'))?.moderation, 'none');
    assert.equal((await instance('spam.example'))?.reason, null);
  });

  test('a bad domain, our own domain or no choice re-render the form with the errors', async () => {
    const bad = await admin.web.post('/admin/federation/instances', { domain: 'not a domain', moderation: 'block', reason: 'x' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('title'), /^Error:/);
    assert.match(bad.text('.error-summary'), /Enter a domain name/);
    assert.ok(bad.document.querySelector('.error-summary a[href="#field-domain"]'));
    assert.match(bad.text('#field-domain-error'), /Enter a domain name/);
    assert.equal(bad.document.querySelector('#field-domain')?.getAttribute('value'), 'not a domain', 'what was typed is kept');
    assert.equal(bad.document.querySelector('#field-domain')?.getAttribute('aria-invalid'), 'true');
    assert.equal(bad.document.querySelectorAll('.error-summary').length, 1);

    const own = await admin.web.post('/admin/federation/instances', { domain: new URL(server.url).host, moderation: 'block' });
    assert.equal(own.status, 422);
    assert.match(own.text('#field-domain-error'), /our own domain/);

    const none = await admin.web.post('/admin/federation/instances', { domain: 'spam.example', moderation: 'obliterate' });
    assert.equal(none.status, 422);
    assert.match(none.text('#field-moderation-error'), /Choose/);
    assert.equal((await server.services.federation.instances.list()).length, 3, 'nothing was stored');
  });

  test('only administrators see the page or use its forms', async () => {
    const page = await lee.web.get('/admin/federation');
    assert.equal(page.status, 403);
    assert.match(page.text('main'), /administrators/);
    assert.equal((await lee.web.post('/admin/federation/instances', { domain: 'books.example', moderation: 'block' })).status, 403);
    assert.equal(
      (await lee.web.post('/admin/federation/relays', { inboxUrl: 'https://relay.invalid/inbox', style: 'mastodon' })).status,
      403,
    );
    assert.notEqual((await instance('books.example'))?.moderation, 'block');

    const visitor = await server.client().get('/admin/federation');
    assert.equal(visitor.status, 303);
    assert.equal(visitor.location, `/login?next=${encodeURIComponent('/admin/federation')}`);
  });

  test('relays: subscribe, refuse a duplicate or a bad address, unsubscribe', async () => {
    let page = await admin.web.get('/admin/federation');
    assert.match(page.text('main'), /This server subscribes to no relays/);
    assert.match(page.text('main'), /small server hears hashtag posts/);

    const added = await admin.web.post('/admin/federation/relays', { inboxUrl: 'https://relay.invalid/inbox', style: 'litepub' });
    assert.equal(added.status, 303);
    const [relay] = await server.services.federation.relays.list();
    assert.deepEqual(
      { inboxUrl: relay?.inboxUrl, style: relay?.style, state: relay?.state },
      { inboxUrl: 'https://relay.invalid/inbox', style: 'litepub', state: 'pending' },
    );
    page = await admin.web.get('/admin/federation');
    const listed = row(page, 'https://relay.invalid/inbox')!;
    assert.match(listed.textContent!, /LitePub/);
    assert.match(listed.textContent!, /Waiting for the relay to accept/);
    assert.ok(listed.querySelector(`form[action="/admin/federation/relays/${relay!.id}/remove"] button`));

    const duplicate = await admin.web.post('/admin/federation/relays', { inboxUrl: 'https://relay.invalid/inbox', style: 'mastodon' });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.text('.error-summary'), /already subscribes/);
    assert.match(duplicate.text('#field-inboxUrl-error'), /already subscribes/);
    assert.equal(duplicate.document.querySelector('#field-inboxUrl')?.getAttribute('value'), 'https://relay.invalid/inbox');

    const bad = await admin.web.post('/admin/federation/relays', { inboxUrl: 'relay dot example', style: 'mastodon' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('#field-inboxUrl-error'), /inbox address/);
    const ftp = await admin.web.post('/admin/federation/relays', { inboxUrl: 'ftp://relay.example/inbox', style: 'mastodon' });
    assert.equal(ftp.status, 422);
    assert.match(ftp.text('#field-inboxUrl-error'), /https/);
    const style = await admin.web.post('/admin/federation/relays', {
      inboxUrl: 'https://other-relay.invalid/inbox',
      style: 'carrier-pigeon',
    });
    assert.equal(style.status, 422);
    assert.match(style.text('#field-style-error'), /kind of relay/);
    assert.equal((await server.services.federation.relays.list()).length, 1);

    const removed = await admin.web.post(`/admin/federation/relays/${relay!.id}/remove`, {});
    assert.equal(removed.status, 303);
    assert.deepEqual(await server.services.federation.relays.list(), []);
    const again = await admin.web.post(`/admin/federation/relays/${relay!.id}/remove`, {});
    assert.equal(again.status, 404);
    assert.match(again.text('main'), /no such relay/);
    assert.equal((await admin.web.post('/admin/federation/relays/abc/remove', {})).status, 404);
  });
});
