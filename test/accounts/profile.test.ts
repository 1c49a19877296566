import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let ada: Client;
before(async () => {
  server = await startTestServer({ env: { MAX_UPLOAD_BYTES: String(300 * 1024) } });
  ada = server.client();
  await ada.signup({ handle: 'ada', displayName: 'Ada Byron' });
});
after(() => server.close());

const profileForm = (overrides: Record<string, string | string[] | Blob> = {}) => ({
  displayName: 'Ada Byron',
  role: 'public_librarian',
  roleOther: '',
  organisation: 'Tri-County Public Library',
  location: 'Dayton, Ohio',
  timeZone: 'America/New_York',
  passions: 'Graphic novels, Makerspaces, #Genrefication',
  bio: 'Teen services librarian. Ask me about manga clubs.',
  linkLabel: ['Blog', ''],
  linkUrl: ['https://blog.example.org/ada', ''],
  profileVisibility: 'public',
  ...overrides,
});

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#2266aa' } })
    .png()
    .toBuffer();

const actorRow = () => server.services.database.db.selectFrom('actors').selectAll().where('acct', '=', 'ada').executeTakeFirstOrThrow();

describe('profile settings', () => {
  test('saves every field and shows them on the public profile', async () => {
    const saved = await ada.post('/settings/profile', profileForm(), { multipart: true });
    assert.equal(saved.status, 303);
    const settings = await ada.get('/settings/profile');
    assert.match(settings.text('.notice'), /saved/);
    assert.equal(settings.document.querySelector('#field-passions')?.getAttribute('value'), 'Graphic novels, Makerspaces, Genrefication');

    const page = await server.client().get('/@ada');
    assert.equal(page.status, 200);
    assert.match(page.text('h1'), /Ada Byron/);
    assert.match(page.text('main'), /Public librarian at Tri-County Public Library/);
    assert.match(page.text('main'), /manga clubs/);
    assert.deepEqual(
      [...page.document.querySelectorAll('section[aria-labelledby=passions-heading] a')].map((a) => a.getAttribute('href')),
      ['/people?passion=graphicnovels', '/people?passion=makerspaces', '/people?passion=genrefication'],
    );
    assert.equal(page.document.querySelector('a[rel~=me]')?.getAttribute('href'), 'https://blog.example.org/ada');
    // Handles are case-insensitive; the canonical spelling wins.
    const upper = await server.client().get('/@ADA');
    assert.equal(upper.status, 301);
    assert.equal(upper.location, '/@ada');
  });

  test('a photo is checked, made square, shrunk, stripped and replaced', async () => {
    const big = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#aa3322' } })
      .withExif({ IFD0: { Copyright: 'secret-exif-marker' } })
      .jpeg()
      .toBuffer();
    const form = profileForm({ photo: new Blob([new Uint8Array(big)], { type: 'image/jpeg' }) });
    assert.equal((await ada.post('/settings/profile', form)).status, 303);
    const first = (await actorRow()).avatar_url!;
    assert.match(first, /^\/media\/avatars\/[\w-]+\.webp$/);
    const response = await server.client().fetch(first);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/webp');
    assert.match(response.headers.get('cache-control') ?? '', /immutable/);
    const bytes = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [512, 512]);
    assert.equal(meta.exif, undefined);
    assert.ok(!bytes.includes('secret-exif-marker'));

    const second = profileForm({ photo: new Blob([new Uint8Array(await png(300, 300))], { type: 'image/png' }) });
    assert.equal((await ada.post('/settings/profile', second)).status, 303);
    const replaced = (await actorRow()).avatar_url!;
    assert.notEqual(replaced, first);
    assert.equal(existsSync(join(server.dataDir, first)), false, 'the old photo file is deleted');
    assert.equal((await server.client().fetch(first)).status, 404);

    assert.equal((await ada.post('/settings/profile', profileForm({ removePhoto: 'yes' }), { multipart: true })).status, 303);
    assert.equal((await actorRow()).avatar_url, null);
  });

  test('bad input is explained next to each field and nothing is saved', async () => {
    const before = await actorRow();
    const cases: Array<[Record<string, string | string[] | Blob>, string, RegExp]> = [
      [{ displayName: '' }, 'displayName', /name people know you by/],
      [{ bio: 'x'.repeat(501) }, 'bio', /at most 500/],
      [{ role: 'astronaut' }, 'role', /from the list/],
      [{ role: 'other', roleOther: '' }, 'roleOther', /Describe your role/],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone', /time zone from the list/],
      [{ passions: Array.from({ length: 13 }, (_, i) => `Passion ${i}`).join(', ') }, 'passions', /at most 12/],
      [{ passions: 'Fine, x' }, 'passions', /“x”: A passion needs at least 2/],
      [{ linkLabel: ['Blog'], linkUrl: ['javascript:alert(1)'] }, 'links.0.url', /https:\/\//],
      [{ linkLabel: ['Blog'], linkUrl: ['not a url'] }, 'links.0.url', /https:\/\//],
      [{ profileVisibility: 'friends' }, 'profileVisibility', /who can see/],
      [{ photo: new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/png' }) }, 'photo', /JPEG, PNG, WebP, GIF or AVIF/],
      [{ photo: new Blob(['%PDF-1.4 not an image'], { type: 'application/pdf' }) }, 'photo', /JPEG, PNG, WebP, GIF or AVIF/],
    ];
    for (const [overrides, field, message] of cases) {
      const page = await ada.post('/settings/profile', profileForm({ displayName: 'Changed Name', ...overrides }), { multipart: true });
      assert.ok(page.status >= 400 && page.status < 500, `${field}: status ${page.status}`);
      const error = page.text(`#field-${field.replace(/\./g, '-')}-error`);
      assert.match(error, message, `${field}: "${error}"`);
      assert.match(page.text('.error-summary'), message);
    }
    // Two problems at once are both reported.
    const both = await ada.post('/settings/profile', profileForm({ displayName: '', photo: new Blob(['nope'], { type: 'image/gif' }) }));
    assert.equal(both.document.querySelectorAll('.error-summary li').length, 2);
    assert.deepEqual(await actorRow(), before);
  });

  test('an oversized upload is refused with the message next to the photo field', async () => {
    const before = await actorRow();
    const huge = new Uint8Array(400 * 1024 + 300 * 1024);
    const page = await ada.post(
      '/settings/profile',
      profileForm({ displayName: 'Should Not Save', photo: new Blob([huge], { type: 'image/png' }) }),
    );
    assert.equal(page.status, 413);
    assert.match(page.text('#field-photo-error'), /too large: the limit is 300 KB/);
    assert.equal(page.document.querySelector('#field-displayName')?.getAttribute('value'), 'Ada Byron');
    // Just over the photo limit but within the request limit: the service refuses it too.
    const justOver = await ada.post(
      '/settings/profile',
      profileForm({ photo: new Blob([new Uint8Array(310 * 1024)], { type: 'image/png' }) }),
    );
    assert.equal(justOver.status, 413);
    assert.match(justOver.text('#field-photo-error'), /too large/);
    assert.deepEqual(await actorRow(), before);
  });

  test('a members-only profile is hidden from visitors and the directory', async () => {
    const bo = server.client();
    await bo.signup({ handle: 'bo', displayName: 'Bo Private' });
    await bo.post('/settings/profile', profileForm({ displayName: 'Bo Private', profileVisibility: 'members' }), { multipart: true });
    const visitor = server.client();
    const page = await visitor.get('/@bo');
    assert.equal(page.status, 401);
    assert.match(page.text('main'), /signed-in members only/);
    assert.doesNotMatch((await visitor.get('/people')).text('main'), /Bo Private/);
    assert.equal((await visitor.api('GET', '/api/v1/people/bo')).status, 401);
    assert.equal((await ada.get('/@bo')).status, 200);
    assert.match((await ada.get('/people')).text('main'), /Bo Private/);
  });
});

describe('passwords', () => {
  test('change password: needs the current one, signs out other devices', async () => {
    const me = server.client();
    await me.signup({ handle: 'changer' });
    const other = server.client();
    await other.login('changer');
    const wrong = await me.post('/settings/account', { currentPassword: 'nope nope nope', newPassword: 'a brand new password' });
    assert.equal(wrong.status, 403);
    assert.match(wrong.text('#field-currentPassword-error'), /not right/);
    const short = await me.post('/settings/account', { currentPassword: 'a long enough password', newPassword: 'short' });
    assert.equal(short.status, 422);
    assert.match(short.text('#field-newPassword-error'), /at least 10/);
    assert.equal(
      (await me.post('/settings/account', { currentPassword: 'a long enough password', newPassword: 'a brand new password' })).status,
      303,
    );
    assert.equal((await me.get('/settings/account')).status, 200, 'this device stays signed in');
    assert.equal((await other.get('/settings/account')).status, 303, 'the other device is signed out');
    assert.equal((await server.client().login('changer', 'a brand new password')).status, 303);
  });

  test('a reset link works once and ends every session', async () => {
    const me = server.client();
    await me.signup({ handle: 'forgetful' });
    const member = await server.services.accounts.memberByHandle('forgetful');
    const { url } = await server.services.accounts.createPasswordReset(member.id);
    const path = new URL(url).pathname;
    const visitor = server.client();
    const form = await visitor.get(path);
    assert.equal(form.status, 200);
    assert.match(form.text('main'), /@forgetful/);
    const short = await visitor.post(path, { password: 'short' });
    assert.equal(short.status, 422);
    assert.equal((await visitor.post(path, { password: 'remembered at last' })).status, 303);
    assert.equal((await me.get('/settings/account')).status, 303, 'old sessions ended');
    assert.equal((await visitor.get(path)).status, 410, 'the link works once');
    assert.equal((await server.client().login('forgetful', 'remembered at last')).status, 303);
    assert.equal((await visitor.get('/reset-password/made-up-token')).status, 410);
  });

  test('a reset revokes every API token, and says so', async () => {
    await server.client().signup({ handle: 'scripted' });
    const member = await server.services.accounts.memberByHandle('scripted');
    const tokens = [
      await server.services.accounts.createApiToken(member.id, 'backup script'),
      await server.services.accounts.createApiToken(member.id, 'phone app'),
    ];
    for (const token of tokens)
      assert.equal((await server.client().api('GET', '/api/v1/profile', undefined, { authorization: `Bearer ${token}` })).status, 200);
    const { url } = await server.services.accounts.createPasswordReset(member.id);
    const path = new URL(url).pathname;
    const visitor = server.client();
    assert.match((await visitor.get(path)).text('main'), /API tokens/);
    const done = await visitor.post(path, { password: 'a fresh start here' });
    assert.equal(done.status, 303);
    const signIn = await visitor.get(done.location!);
    assert.match(signIn.text('main'), /2 API tokens were revoked/);
    for (const token of tokens)
      assert.equal((await server.client().api('GET', '/api/v1/profile', undefined, { authorization: `Bearer ${token}` })).status, 401);
    assert.deepEqual(await server.services.accounts.listApiTokens(member.id), []);
  });
});
