import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const memberCount = async () =>
  (
    await server.services.database.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;

describe('sign-up', () => {
  test('the first member becomes the administrator, later ones do not', async () => {
    const first = server.client();
    const page = await first.signup({ handle: 'FirstOne', displayName: 'First One' });
    assert.equal(page.status, 303);
    // The first member sets the server up from Start here; later ones start the guided first steps.
    assert.equal(page.location, '/');
    const settings = await first.get('/settings/profile');
    assert.equal(settings.status, 200);
    assert.match(settings.text('.member-menu'), /Admin/);

    const second = server.client();
    const secondPage = await second.signup({ handle: 'second' });
    assert.equal(secondPage.status, 303);
    assert.equal(secondPage.location, '/welcome');
    const home = await second.get('/');
    assert.doesNotMatch(home.text('.member-menu'), /Admin/);
    assert.equal((await second.get('/admin')).status, 403);
  });

  test('bad input gets a message next to the field and writes nothing', async () => {
    const before = await memberCount();
    const client = server.client();
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ handle: 'has space' }, 'handle', /letters, digits and underscores/],
      [{ handle: 'admin' }, 'handle', /reserved/],
      [{ handle: 'API' }, 'handle', /reserved/],
      [{ handle: 'FIRSTONE' }, 'handle', /taken/],
      [{ handle: 'x' }, 'handle', /at least 2/],
      [{ handle: 'a'.repeat(31) }, 'handle', /at most 30/],
      [{ handle: 'okname', email: 'not-an-email' }, 'email', /valid email/],
      [{ handle: 'okname', email: 'FirstOne@Example.org' }, 'email', /already exists/],
      [{ handle: 'okname', password: 'short' }, 'password', /at least 10/],
      [{ handle: 'okname', displayName: '   ' }, 'displayName', /name/],
      [{ handle: 'okname', displayName: 'n'.repeat(81) }, 'displayName', /at most 80/],
    ];
    for (const [fields, field, message] of cases) {
      const page = await client.post('/signup', {
        displayName: 'displayName' in fields ? fields.displayName! : 'Someone',
        handle: fields.handle!,
        email: fields.email ?? `${Math.random().toString(36).slice(2)}@example.org`,
        password: fields.password ?? 'a long enough password',
      });
      assert.ok(page.status >= 400 && page.status < 500, `${JSON.stringify(fields)} → ${page.status}`);
      const error = page.text(`#field-${field}-error`);
      assert.match(error, message, `${JSON.stringify(fields)}: "${error}"`);
      assert.equal(page.document.querySelector(`#field-${field}`)?.getAttribute('aria-invalid'), 'true');
      assert.match(page.text('.error-summary'), message);
      assert.match(page.document.title, /^Error:/);
    }
    assert.equal(await memberCount(), before);
  });

  test('every problem shows at once, the taken handle and email too, with what was typed kept but the password', async () => {
    const before = await memberCount();
    const page = await server.client().post('/signup', {
      displayName: '   ',
      handle: 'FIRSTONE',
      email: 'FirstOne@Example.org',
      password: 'short',
    });
    assert.equal(page.status, 422);
    const expected: Array<[string, RegExp]> = [
      ['displayName', /name/],
      ['handle', /That handle is taken/],
      ['email', /already exists/],
      ['password', /at least 10/],
    ];
    for (const [field, message] of expected) {
      assert.match(page.text(`#field-${field}-error`), message, field);
      assert.equal(page.document.querySelector(`#field-${field}`)?.getAttribute('aria-invalid'), 'true', field);
      assert.ok(page.document.querySelector(`.error-summary a[href="#field-${field}"]`), `${field} in the summary`);
    }
    assert.equal(page.document.querySelector('#field-handle')?.getAttribute('value'), 'FIRSTONE');
    assert.equal(page.document.querySelector('#field-email')?.getAttribute('value'), 'FirstOne@Example.org');
    assert.equal(page.document.querySelector('#field-password')?.getAttribute('value') ?? '', '');

    // A taken handle beside a free, valid rest: the same message as before, nothing written.
    const taken = await server.client().post('/signup', {
      displayName: 'Someone',
      handle: 'firstone',
      email: 'someone-new@example.org',
      password: 'short',
    });
    assert.equal(taken.status, 422);
    assert.match(taken.text('#field-handle-error'), /That handle is taken/);
    assert.match(taken.text('#field-password-error'), /at least 10/);
    assert.equal(taken.text('#field-email-error'), '');
    assert.equal(await memberCount(), before);
  });

  test('a form without the CSRF token is refused', async () => {
    const client = server.client();
    await client.get('/signup');
    const page = await client.post('/signup', {
      _csrf: 'forged',
      displayName: 'X',
      handle: 'forger',
      email: 'f@example.org',
      password: 'a long enough password',
    });
    assert.equal(page.status, 403);
    assert.match(page.text('main'), /form has expired/);
    const crossSite = await client.fetch('/signup', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'handle=evil',
    });
    assert.equal(crossSite.status, 403);
  });

  test('invite-only sign-up needs a usable invitation', async () => {
    const admin = server.client();
    await admin.login('firstone');
    await server.services.settings.update({ signupMode: 'invite' });
    try {
      const visitor = server.client();
      const closed = await visitor.get('/signup');
      assert.equal(closed.status, 403);
      assert.match(closed.text('main'), /invite-only/);
      assert.equal((await visitor.signup({ handle: 'nocode' })).status, 403);

      const created = await admin.post('/admin/invites', { maxUses: '1', expiresInDays: '7', note: 'one friend' });
      assert.equal(created.status, 303);
      const list = await admin.get('/admin/invites');
      const link = list.text('td.code').match(/signup\?invite=([\w-]+)/)?.[1];
      assert.ok(link, 'invite link listed');

      const form = await visitor.get(`/signup?invite=${link}`);
      assert.equal(form.status, 200);
      assert.equal(form.document.querySelector('input[name=inviteCode]')?.getAttribute('value'), link);
      assert.equal((await visitor.signup({ handle: 'invited', inviteCode: link })).status, 303);

      const late = server.client();
      const used = await late.signup({ handle: 'toolate', inviteCode: link });
      assert.equal(used.status, 403);
      assert.match(used.text('main'), /used up/);
    } finally {
      await server.services.settings.update({ signupMode: 'open' });
    }
  });

  test('closed sign-up refuses everyone', async () => {
    await server.services.settings.update({ signupMode: 'closed' });
    try {
      const page = await server.client().signup({ handle: 'closedout' });
      assert.equal(page.status, 403);
      assert.match(page.text('main'), /closed/);
    } finally {
      await server.services.settings.update({ signupMode: 'open' });
    }
  });
});

describe('sign-in', () => {
  test('signs in by handle or email, signs out', async () => {
    const client = server.client();
    await server.client().signup({ handle: 'signer', email: 'Signer@Example.org' });
    const byEmail = await client.login('signer@example.org');
    assert.equal(byEmail.status, 303);
    const cookie = (byEmail.headers.getSetCookie().find((c) => c.startsWith('cr_session=')) ?? '').toLowerCase();
    assert.match(cookie, /httponly/);
    assert.match(cookie, /samesite=lax/);
    assert.equal((await client.get('/settings/profile')).status, 200);
    await client.post('/logout', {});
    const after = await client.get('/settings/profile');
    assert.equal(after.status, 303);
    assert.equal(after.location, '/login?next=%2Fsettings%2Fprofile');
    assert.equal((await server.client().login('@SIGNER')).status, 303);
  });

  test('a wrong password is explained; repeated failures are rate limited', async () => {
    await server.client().signup({ handle: 'target' });
    const client = server.client();
    const wrong = await client.login('target', 'not the password');
    assert.equal(wrong.status, 401);
    assert.match(wrong.text('.error-summary'), /do not match/);
    for (let i = 0; i < 7; i++) await client.login('target', 'not the password');
    const limited = await client.login('target', 'a long enough password');
    assert.equal(limited.status, 429);
    assert.match(limited.text('.error-summary'), /Too many failed sign-in attempts for this account\. Please wait \d+ minutes?/);
    // Another account from the same network is not locked out.
    await server.client().signup({ handle: 'neighbour' });
    assert.equal((await client.login('neighbour')).status, 303);
  });

  test('the limit is per account, whether it is named by handle or by email', async () => {
    await server.client().signup({ handle: 'twonames', email: 'TwoNames@Example.org' });
    const client = server.client();
    const names = ['twonames', 'twonames@example.org', '@TwoNames', 'TWONAMES@EXAMPLE.ORG'];
    for (let i = 0; i < 8; i++) assert.equal((await client.login(names[i % names.length]!, 'not the password')).status, 401);
    for (const name of names) {
      const limited = await client.login(name);
      assert.equal(limited.status, 429, `${name} after 8 failures in all`);
      assert.match(limited.text('.error-summary'), /for this account/);
    }
  });

  test('the limit per network address stays, across accounts', async () => {
    const client = server.client();
    // Every test signs in from 127.0.0.1: start from a clean count, and let the next ones in.
    const clearAddressCounts = () => server.services.database.db.deleteFrom('rate_limits').where('key', 'like', 'login:ip:%').execute();
    await clearAddressCounts();
    try {
      for (let i = 0; i < 40; i++) assert.equal((await client.login(`nobody${i}`, 'not the password')).status, 401);
      const limited = await client.login('nobody-else', 'not the password');
      assert.equal(limited.status, 429);
      assert.match(limited.text('.error-summary'), /for your network/);
    } finally {
      await clearAddressCounts();
    }
  });

  test('a suspended member cannot sign in and is signed out', async () => {
    const member = server.client();
    await member.signup({ handle: 'troubled' });
    assert.equal((await member.get('/settings/profile')).status, 200);
    await server.services.accounts.suspend('troubled', 'spam', null);
    assert.equal((await member.get('/settings/profile')).status, 303);
    const again = await server.client().login('troubled');
    assert.equal(again.status, 403);
    assert.match(again.text('.error-summary'), /suspended: spam/);
    assert.equal((await server.client().get('/@troubled')).status, 404);
  });
});
