import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import { TestClock } from '../../src/platform/clock.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type SmtpSink, startSmtpServer } from '../support/smtp.ts';

let smtp: SmtpSink;
let server: TestServer;
const clock = new TestClock();
before(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({ env: { SMTP_URL: smtp.url }, clock });
});
after(async () => {
  await server?.close();
  await smtp?.close();
});

/** The one link of a mail's text part, and checks the HTML part links to the same place. */
function resetLink(mail: ParsedMail): string {
  const links = mail.text?.match(/https?:\/\/\S+/g) ?? [];
  assert.equal(links.length, 2, `the reset link and the site's address: ${links.join(' ')}`);
  const link = links.find((l) => l.includes('/reset-password/'))!;
  assert.ok(link.startsWith(`${server.url}/reset-password/`), 'built from BASE_URL');
  assert.match(String(mail.html), new RegExp(`href="${link.replace(/[.?*+]/g, '\\$&')}"`));
  return link;
}

/** The confirmation page's words, with the address typed taken out. */
const confirmation = async (email: string) => {
  const page = await server.client().post('/forgot-password', { email });
  assert.equal(page.status, 200);
  return page.text('main').replace(email, 'ADDRESS');
};

describe('password reset by mail', () => {
  test('from the sign-in page: a mail with a one-hour link that sets a new password once', async () => {
    const ada = server.client();
    await ada.signup({ handle: 'ada', email: 'ada@example.org' });
    const login = await server.client().get('/login');
    assert.equal(login.document.querySelector('a[href="/forgot-password"]')?.textContent, 'Forgot your password?');

    const visitor = server.client();
    const form = await visitor.get('/forgot-password');
    assert.equal(form.status, 200);
    assert.ok(form.document.querySelector('input[name=email][type=email]'));
    const sent = await visitor.post('/forgot-password', { email: 'Ada@Example.org' });
    assert.equal(sent.status, 200);
    assert.match(sent.text('main'), /If an account on this server uses Ada@Example.org, we have sent it a link/);

    await server.services.jobs.drain();
    const [mail] = await smtp.waitFor(1);
    assert.equal(smtp.messages.length, 1);
    assert.equal(mail!.subject, 'Reset your password on Commonroom');
    assert.deepEqual(
      mail!.to && !Array.isArray(mail!.to) ? mail!.to.value.map((a) => a.address) : [],
      ['ada@example.org'],
      'sent to the address the member signed up with',
    );
    assert.equal(mail!.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail!.messageId ?? '', /^<[^@\s]+@127\.0\.0\.1>$/);
    assert.ok(mail!.date instanceof Date);
    assert.match(mail!.text ?? '', /Hello @ada,/);
    assert.match(mail!.text ?? '', /works once, for 1 hour/);
    assert.match(String(mail!.html), /Choose a new password/);
    const link = resetLink(mail!);

    // Only the hash of the token is stored.
    const token = new URL(link).pathname.split('/').pop()!;
    const stored = await server.services.database.db
      .selectFrom('password_resets')
      .select(['token_hash', 'expires_at', 'created_at'])
      .execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.token_hash, token);
    assert.equal(stored[0]!.expires_at - stored[0]!.created_at, 3600_000);

    const path = new URL(link).pathname;
    const page = await visitor.get(path);
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /@ada/);
    assert.equal((await visitor.post(path, { password: 'remembered at last' })).status, 303);
    assert.equal((await ada.get('/settings/account')).status, 303, 'old sessions ended');
    assert.equal((await server.client().login('ada', 'remembered at last')).status, 303);
    const again = await visitor.get(path);
    assert.equal(again.status, 410, 'the link works once');
    assert.ok(again.document.querySelector('a[href="/forgot-password"]'), 'the dead link offers a new one');
  });

  test('an unknown address gets the same answer, and no mail', async () => {
    await server.client().signup({ handle: 'ben', email: 'ben@example.org' });
    const before = smtp.messages.length;
    const known = await confirmation('ben@example.org');
    const unknown = await confirmation('nobody@example.org');
    assert.equal(unknown, known);
    await server.services.jobs.drain();
    await smtp.waitFor(before + 1);
    // Settle: any mail for the unknown address would have been sent by the same drain.
    await server.services.jobs.drain();
    assert.equal(smtp.messages.length, before + 1);
    assert.equal(smtp.recipients.includes('nobody@example.org'), false);
  });

  test('the link stops working after an hour', async () => {
    await server.client().signup({ handle: 'cy', email: 'cy@example.org' });
    const before = smtp.messages.length;
    await server.client().post('/forgot-password', { email: 'cy@example.org' });
    await server.services.jobs.drain();
    const messages = await smtp.waitFor(before + 1);
    const path = new URL(resetLink(messages[before]!)).pathname;
    clock.advance(59 * 60_000);
    assert.equal((await server.client().get(path)).status, 200);
    clock.advance(2 * 60_000);
    assert.equal((await server.client().get(path)).status, 410);
    assert.equal((await server.client().post(path, { password: 'too late for this' })).status, 410);
  });

  test('a bad address is told at its field; requests are limited per address and per network', async () => {
    const bad = await server.client().post('/forgot-password', { email: 'not an address' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('#field-email-error, .field-error, main'), /valid email address/);

    await server.client().signup({ handle: 'dee', email: 'dee@example.org' });
    const before = smtp.messages.length;
    // Three mails an hour to one address; more requests get the same page and no mail.
    for (let i = 0; i < 5; i++) assert.equal((await server.client().post('/forgot-password', { email: 'dee@example.org' })).status, 200);
    await server.services.jobs.drain();
    await smtp.waitFor(before + 3);
    await server.services.jobs.drain();
    assert.equal(smtp.messages.length - before, 3);
    assert.equal(smtp.recipients.filter((r) => r === 'dee@example.org').length, 3);

    // Ten requests an hour from one network address, then a 429 that says to wait.
    await server.services.rateLimiter.clear('reset:ip:127.0.0.1');
    for (let i = 0; i < 10; i++) {
      assert.equal((await server.client().post('/forgot-password', { email: `someone${i}@example.org` })).status, 200);
    }
    const refused = await server.client().post('/forgot-password', { email: 'someone10@example.org' });
    assert.equal(refused.status, 429);
    assert.match(refused.text('main'), /Too many reset requests from your network/);
    assert.equal(refused.headers.get('retry-after'), '3600');
  });
});
