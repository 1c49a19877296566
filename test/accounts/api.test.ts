import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: Client;
let token: string;
before(async () => {
  server = await startTestServer();
  admin = server.client();
  await admin.signup({ handle: 'root_admin', displayName: 'Root Admin' });
  const member = await server.services.accounts.memberByHandle('lee').catch(() => null);
  assert.equal(member, null);
  await server.client().signup({ handle: 'lee', displayName: 'Lee Park' });
  const lee = await server.services.accounts.memberByHandle('lee');
  token = await server.services.accounts.createApiToken(lee.id, 'test script');
});
after(() => server.close());

const bearer = () => ({ authorization: `Bearer ${token}` });

async function handles(query: string): Promise<string[]> {
  const res = await server.client().api('GET', `/api/v1/people?${query}`);
  assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.json)}`);
  return res.json.people.map((p: { handle: string }) => p.handle);
}

describe('profile API', () => {
  test('reads and patches your own profile with a token', async () => {
    const client = server.client();
    const me = await client.api('GET', '/api/v1/profile', undefined, bearer());
    assert.equal(me.status, 200);
    assert.equal(me.json.handle, 'lee');
    assert.equal(me.json.email, 'lee@example.org');
    const patched = await client.api(
      'PATCH',
      '/api/v1/profile',
      { role: 'social_worker', passions: ['Child welfare', 'Trauma-informed practice'], location: 'Leeds, UK' },
      bearer(),
    );
    assert.equal(patched.status, 200);
    assert.equal(patched.json.roleLabel, 'Social worker');
    assert.equal(patched.json.displayName, 'Lee Park', 'untouched fields are kept');
    assert.deepEqual(
      patched.json.passions.map((p: { slug: string }) => p.slug),
      ['childwelfare', 'traumainformedpractice'],
    );
    assert.equal(patched.json.url, `${server.url}/@lee`);
    const read = await server.client().api('GET', '/api/v1/people/lee');
    assert.equal(read.status, 200);
    assert.equal(read.json.location, 'Leeds, UK');
    assert.equal(read.json.email, undefined, 'the public profile has no email');
  });

  test('bad input: JSON errors with field paths, 4xx, nothing changed', async () => {
    const client = server.client();
    const before = (await client.api('GET', '/api/v1/profile', undefined, bearer())).json;
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ displayName: '' }, 422, 'displayName', /name/],
      [{ surprise: true }, 422, '', /Unknown field: surprise/],
      [{ links: [{ url: 'ftp://x.example' }] }, 422, 'links.0.url', /https/],
      [{ links: [{ url: 'https://ok.example', extra: 1 }] }, 422, 'links.0', /Unknown field: extra/],
      [{ passions: 'not a list' }, 422, 'passions', /array/],
      [{ role: 'other' }, 422, 'roleOther', /Describe your role/],
      [{ bio: 'b'.repeat(501) }, 422, 'bio', /at most 500/],
    ];
    for (const [body, status, path, message] of cases) {
      const res = await client.api('PATCH', '/api/v1/profile', body, bearer());
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.json.error.code, 'invalid');
      const issue = res.json.error.issues.find((i: { path: string }) => i.path === path);
      assert.ok(issue, `${JSON.stringify(body)}: no issue at "${path}" in ${JSON.stringify(res.json.error.issues)}`);
      assert.match(issue.message, message);
    }
    const malformed = await client.api('PATCH', '/api/v1/profile', '{"displayName": ', bearer());
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.error.message, /JSON/i);
    const wrongType = await client.fetch('/api/v1/profile', {
      method: 'PATCH',
      headers: { ...bearer(), 'content-type': 'text/plain' },
      body: 'hello',
    });
    assert.ok([400, 415].includes(wrongType.status), `text/plain → ${wrongType.status}`);
    assert.deepEqual((await client.api('GET', '/api/v1/profile', undefined, bearer())).json, before);
  });

  test('authentication: none, a bad token, and the session cookie with CSRF rules', async () => {
    const anonymous = await server.client().api('GET', '/api/v1/profile');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error.code, 'unauthenticated');
    const bad = await server.client().api('GET', '/api/v1/profile', undefined, { authorization: 'Bearer cr_nope' });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error.code, 'invalid_token');

    const browser = server.client();
    await browser.login('lee');
    assert.equal((await browser.api('PATCH', '/api/v1/profile', { organisation: 'Leeds City Council' })).status, 200);
    // A cross-site form post cannot send JSON; a form-encoded body with the cookie is refused.
    const forged = await browser.fetch('/api/v1/profile', {
      method: 'PATCH',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'organisation=Evil',
    });
    assert.equal(forged.status, 403);
    const csrf = await browser.csrf();
    const withHeader = await browser.api('PATCH', '/api/v1/profile', { organisation: 'Leeds' }, { 'x-csrf-token': csrf });
    assert.equal(withHeader.status, 200);
    const wrongHeader = await browser.api('PATCH', '/api/v1/profile', { organisation: 'Leeds' }, { 'x-csrf-token': 'wrong' });
    assert.equal(wrongHeader.status, 403);
  });

  test('photo upload through the API', async () => {
    const client = server.client();
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'me.png');
    const res = await client.fetch('/api/v1/profile/photo', { method: 'PUT', headers: bearer(), body: form });
    assert.equal(res.status, 200);
    const { avatarUrl } = (await res.json()) as { avatarUrl: string };
    assert.match(avatarUrl, /^http:\/\/127\.0\.0\.1:\d+\/media\/avatars\/.+\.webp$/);
    const text = new FormData();
    text.append('photo', new Blob(['hello'], { type: 'image/png' }), 'me.png');
    const refused = await client.fetch('/api/v1/profile/photo', { method: 'PUT', headers: bearer(), body: text });
    assert.equal(refused.status, 415);
    assert.equal(((await refused.json()) as { error: { issues: Array<{ path: string }> } }).error.issues[0]!.path, 'photo');
    const removed = await client.fetch('/api/v1/profile/photo', { method: 'DELETE', headers: bearer() });
    assert.equal(removed.status, 204);
  });
});

describe('directory', () => {
  before(async () => {
    const people: Array<[string, string, string, string[]]> = [
      ['maria', 'public_librarian', 'Austin, Texas', ['Genrefication', 'Early literacy']],
      ['omar', 'public_librarian', 'Toronto, Ontario', ['Makerspaces']],
      ['june', 'school_librarian', 'Austin, Texas', ['Genrefication']],
      ['kofi', 'teacher', 'Accra, Ghana', ['Edtech']],
    ];
    for (const [handle, role, location, passions] of people) {
      const client = server.client();
      await client.signup({ handle, displayName: handle[0]!.toUpperCase() + handle.slice(1) });
      const res = await client.api('PATCH', '/api/v1/profile', { role, location, passions });
      assert.equal(res.status, 200);
    }
  });

  test('filters by role, passion, location and words, newest first', async () => {
    assert.deepEqual(await handles('role=public_librarian'), ['omar', 'maria']);
    assert.deepEqual(await handles('passion=genrefication'), ['june', 'maria']);
    assert.deepEqual(await handles('passion=%23Genrefication'), ['june', 'maria']);
    assert.deepEqual(await handles('location=austin'), ['june', 'maria']);
    assert.deepEqual(await handles('role=public_librarian&location=AUSTIN'), ['maria']);
    assert.deepEqual(await handles('q=early%20literacy'), ['maria']);
    assert.deepEqual(await handles('q=100%25'), []);
    assert.deepEqual(await handles('location=_'), []);
  });

  test('pages with a cursor; a tampered cursor is a clear 400', async () => {
    const first = await server.client().api('GET', '/api/v1/people?limit=2');
    assert.equal(first.json.people.length, 2);
    const second = await server.client().api('GET', `/api/v1/people?limit=2&cursor=${first.json.nextCursor}`);
    assert.equal(second.json.people.length, 2);
    const seen = [...first.json.people, ...second.json.people].map((p: { handle: string }) => p.handle);
    assert.equal(new Set(seen).size, 4);
    for (const cursor of ['garbage!', 'WyJ4Il0', Buffer.from('{"a":1}').toString('base64url')]) {
      const bad = await server.client().api('GET', `/api/v1/people?cursor=${encodeURIComponent(cursor)}`);
      assert.equal(bad.status, 400, cursor);
      assert.equal(bad.json.error.code, 'invalid_cursor');
      const page = await server.client().get(`/people?cursor=${encodeURIComponent(cursor)}`);
      assert.equal(page.status, 400);
      assert.match(page.text('.error-summary'), /page link is invalid/);
    }
    assert.equal((await server.client().api('GET', '/api/v1/people?role=astronaut')).status, 422);
    assert.equal((await server.client().api('GET', '/api/v1/people?limit=1000')).status, 422);
    assert.equal((await server.client().api('GET', '/api/v1/people?unknown=1')).status, 422);
  });

  test('the directory page filters the same way', async () => {
    const page = await server.client().get('/people?role=public_librarian&passion=genrefication');
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent?.trim()),
      ['Maria'],
    );
    const none = await server.client().get('/people?passion=underwaterbasketweaving');
    assert.match(none.text('.callout'), /No one matches/);
    const suggestions = await server.client().api('GET', '/api/v1/passions?q=gen');
    assert.deepEqual(suggestions.json.passions, [
      {
        slug: 'genrefication',
        name: 'Genrefication',
        count: 2,
        related: ['Collection organisation', 'Collection organization', 'Shelving', 'Library layout'],
      },
    ]);
  });

  test('a signed-in member does not see herself in the directory, on the page or in the API', async () => {
    const maria = server.client();
    await maria.login('maria');
    const page = await maria.get('/people?role=public_librarian');
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent?.trim()),
      ['Omar'],
    );
    const member = await server.services.accounts.memberByHandle('maria');
    const mariaToken = await server.services.accounts.createApiToken(member.id, 'directory test');
    const res = await maria.api('GET', '/api/v1/people?role=public_librarian', undefined, { authorization: `Bearer ${mariaToken}` });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json.people.map((p: { handle: string }) => p.handle),
      ['omar'],
    );
    // Others still find her.
    assert.deepEqual(await handles('role=public_librarian'), ['omar', 'maria']);
  });

  test('each card has a primary Follow button that comes back to the card; once followed it says Following, with Unfollow', async () => {
    const june = server.client();
    await june.login('june');
    const maria = await server.services.accounts.memberByHandle('maria');
    const card = `person-${maria.actor.id}`;
    const here = '/people?passion=genrefication';
    const page = await june.get(here);
    const follow = page.document.querySelector(`#${card} form[action="/@maria/follow"]`);
    assert.ok(follow, 'a Follow form on Maria’s card');
    assert.equal(follow.querySelector('input[name=back]')?.getAttribute('value'), `${here}#${card}`);
    const button = follow.querySelector('button[type=submit]');
    assert.match(button?.getAttribute('class') ?? '', /\bbutton\b/);
    assert.doesNotMatch(button?.getAttribute('class') ?? '', /secondary|post-action/);
    assert.equal(button?.textContent?.replace(/\s+/g, ' ').trim(), 'Follow Maria');
    // A form without JavaScript: back to the same card.
    const followed = await june.post('/@maria/follow', { back: `${here}#${card}` });
    assert.equal(followed.status, 303);
    assert.equal(followed.headers.get('location'), `${here}#${card}`);
    const after = await june.get(here);
    assert.match(after.text(`#${card}`), /Following/);
    assert.equal(after.document.querySelector(`#${card} form[action="/@maria/follow"]`), null);
    const unfollow = after.document.querySelector(`#${card} form[action="/@maria/unfollow"]`);
    assert.ok(unfollow, 'an Unfollow form once followed');
    assert.equal(unfollow.querySelector('input[name=back]')?.getAttribute('value'), `${here}#${card}`);
    const unfollowed = await june.post('/@maria/unfollow', { back: `${here}#${card}` });
    assert.equal(unfollowed.headers.get('location'), `${here}#${card}`);
    assert.ok((await june.get(here)).document.querySelector(`#${card} form[action="/@maria/follow"]`), 'Follow again');
    // Visitors get no Follow buttons.
    assert.equal((await server.client().get(here)).document.querySelector('.person-card form'), null);
    // Nor does a card when a block stands between them.
    await june.post('/@maria/block', { back: here });
    const blocked = await june.get(here);
    assert.ok(blocked.document.querySelector(`#${card}`), 'still listed');
    assert.equal(blocked.document.querySelector(`#${card} form`), null);
    await june.post('/@maria/unblock', { back: here });
  });
});

describe('administration', () => {
  test('members cannot use admin pages or API; the admin suspends and unsuspends', async () => {
    assert.equal((await server.client().api('GET', '/api/v1/admin/members', undefined, bearer())).status, 403);
    const list = await admin.api('GET', '/api/v1/admin/members?q=kofi');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.members.map((m: { handle: string }) => m.handle),
      ['kofi'],
    );

    const kofi = server.client();
    await kofi.login('kofi');
    const suspended = await admin.api('POST', '/api/v1/admin/members/kofi/suspend', { reason: 'spam links' });
    assert.equal(suspended.status, 204);
    assert.equal((await kofi.get('/settings/profile')).status, 303, 'signed out');
    assert.equal((await server.client().api('GET', '/api/v1/people/kofi')).status, 404);
    assert.ok(!(await handles('role=teacher')).includes('kofi'));
    const status = await admin.api('GET', '/api/v1/admin/members?status=suspended');
    assert.equal(status.json.members[0].suspendedReason, 'spam links');

    const self = await admin.api('POST', '/api/v1/admin/members/root_admin/suspend', {});
    assert.equal(self.status, 403);
    assert.equal((await admin.api('POST', '/api/v1/admin/members/nobody_here/suspend', {})).status, 404);

    const page = await admin.post('/admin/members/kofi/unsuspend', { q: '' });
    assert.equal(page.status, 303);
    assert.equal((await server.client().login('kofi')).status, 303);
  });

  test('site settings: validated, then shown in the header', async () => {
    const bad = await admin.post('/admin', { siteName: '', siteDescription: '', signupMode: 'sometimes' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('#field-siteName-error'), /name/);
    assert.match(bad.text('#field-signupMode-error'), /how people can join/);
    const ok = await admin.post('/admin', {
      siteName: 'Rural Librarians Commonroom',
      siteDescription: 'Peers for the only librarian in town.',
      signupMode: 'open',
    });
    assert.equal(ok.status, 303);
    const home = await server.client().get('/');
    assert.match(home.text('.site-name'), /Rural Librarians Commonroom/);
    assert.match(home.text('main'), /only librarian in town/);
  });

  test('the OpenAPI document describes the API', async () => {
    const res = await server.client().api('GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.json.openapi, '3.1.0');
    for (const path of [
      '/api/v1/profile',
      '/api/v1/people',
      '/api/v1/people/{handle}',
      '/api/v1/passions',
      '/api/v1/profile/photo',
      '/api/v1/admin/members',
    ]) {
      assert.ok(res.json.paths[path], `documents ${path}`);
    }
    assert.ok(res.json.paths['/api/v1/profile'].patch.requestBody.content['application/json'].schema.properties.displayName);
    assert.ok(res.json.components.schemas.Error);
  });
});
