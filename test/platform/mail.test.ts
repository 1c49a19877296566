import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { TestClock } from '../../src/platform/clock.ts';
import { classify, MAIL_JOB } from '../../src/platform/mail.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type SmtpSink, startSmtpServer } from '../support/smtp.ts';

const message = (to: string, subject = 'Hello') => ({
  to,
  subject,
  text: `Plain words for ${to}.`,
  html: `<p>Plain words for <strong>${to}</strong>.</p>`,
});

describe('mail over SMTP', () => {
  let smtp: SmtpSink;
  let server: TestServer;
  const clock = new TestClock();
  before(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Commonroom <rooms@example.org>' }, clock });
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });
  const outbox = (id: number) => server.services.mail.find(id).then((row) => row!);
  const reset = () => {
    smtp.messages.length = 0;
    smtp.onRecipient = () => null;
    smtp.onData = async () => {};
  };

  test('a queued mail arrives once, with both parts and its headers; the same key queues it once', async () => {
    reset();
    const id = await server.services.mail.queue(message('ada@example.org', 'Your link'), { idempotencyKey: 'test:one' });
    assert.ok(id);
    assert.equal(await server.services.mail.queue(message('ada@example.org', 'Your link'), { idempotencyKey: 'test:one' }), null);
    await server.services.jobs.drain();
    const [mail] = await smtp.waitFor(1);
    assert.equal(smtp.messages.length, 1);
    const row = await outbox(id);
    assert.equal(row.state, 'sent');
    assert.equal(mail!.subject, 'Your link');
    assert.deepEqual(mail!.from?.value, [{ name: 'Commonroom', address: 'rooms@example.org' }]);
    assert.equal(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '', 'ada@example.org');
    assert.equal(mail!.text?.trim(), 'Plain words for ada@example.org.');
    assert.match(String(mail!.html), /<strong>ada@example.org<\/strong>/);
    assert.equal(mail!.messageId, row.message_id);
    const date = mail!.date!.getTime();
    assert.ok(date >= Math.floor(row.created_at / 1000) * 1000 && date <= row.sent_at!, 'dated when it was sent');
    assert.equal(mail!.headers.get('auto-submitted'), 'auto-generated');

    // The send job run again (a duplicate job, a retry after the mail went): nothing more is sent.
    await server.services.jobs.enqueue(MAIL_JOB, { id });
    await server.services.jobs.drain();
    assert.equal(smtp.messages.length, 1);
    assert.equal(smtp.recipients.filter((r) => r === 'ada@example.org').length, 1, 'the server was not even asked again');
  });

  test('a temporary refusal (451) is retried after a backoff, and the mail then goes once', async () => {
    reset();
    let refusals = 1;
    smtp.onRecipient = () => (refusals-- > 0 ? { code: 451, message: '4.3.0 Try again later' } : null);
    const id = (await server.services.mail.queue(message('ben@example.org'), { idempotencyKey: 'test:temporary' }))!;
    await server.services.jobs.drain();
    assert.equal(smtp.messages.length, 0);
    let row = await outbox(id);
    assert.equal(row.state, 'queued');
    assert.match(row.last_error ?? '', /Try again later/);
    assert.equal(await server.services.jobs.drain(), 0, 'the retry waits for its backoff');
    clock.advance(60_000);
    await server.services.jobs.drain();
    await smtp.waitFor(1);
    row = await outbox(id);
    assert.equal(row.state, 'sent');
    assert.equal(row.attempts, 2);
    assert.equal(smtp.messages.length, 1);
  });

  test('an unreachable SMTP server: the mail waits, and goes once the server is back', async () => {
    reset();
    const port = smtp.port;
    await smtp.close();
    const id = (await server.services.mail.queue(message('cy@example.org'), { idempotencyKey: 'test:down' }))!;
    await server.services.jobs.drain();
    const row = await outbox(id);
    assert.equal(row.state, 'queued');
    assert.match(row.last_error ?? '', /ECONNREFUSED|ECONNECTION|connect/i);
    smtp = await startSmtpServer({ port });
    clock.advance(60_000);
    await server.services.jobs.drain();
    await smtp.waitFor(1);
    assert.equal((await outbox(id)).state, 'sent');
  });

  test('a permanent refusal of the recipient (550 5.1.1) marks the address bouncing, and no more mail goes to it', async () => {
    reset();
    smtp.onRecipient = (address) => (address === 'gone@example.org' ? { code: 550, message: '5.1.1 No such user here' } : null);
    const first = (await server.services.mail.queue(message('gone@example.org'), { idempotencyKey: 'test:bounce:1' }))!;
    await server.services.jobs.drain();
    const row = await outbox(first);
    assert.equal(row.state, 'failed');
    assert.match(row.last_error ?? '', /No such user/);
    assert.equal(await server.services.mail.isBouncing('Gone@Example.org'), true);
    assert.equal(await server.services.mail.isBouncing('ada@example.org'), false);

    const asked = smtp.recipients.length;
    const second = (await server.services.mail.queue(message('gone@example.org'), { idempotencyKey: 'test:bounce:2' }))!;
    await server.services.jobs.drain();
    assert.equal((await outbox(second)).state, 'failed');
    assert.match((await outbox(second)).last_error ?? '', /bounced earlier/);
    assert.equal(smtp.recipients.length, asked, 'the server was not asked again');
    assert.equal(smtp.messages.length, 0);

    await server.services.mail.clearBounce('gone@example.org');
    assert.equal(await server.services.mail.isBouncing('gone@example.org'), false);
  });

  test('a mail left sending by a stopped worker is not sent again: its state says it may have gone', async () => {
    reset();
    const id = (await server.services.mail.queue(message('dee@example.org'), { idempotencyKey: 'test:stopped' }))!;
    // What a worker killed between marking the mail sending and the server's answer leaves behind.
    await server.services.database.db
      .updateTable('mail_outbox')
      .set({ state: 'sending', send_token: 'a dead worker' })
      .where('id', '=', id)
      .execute();
    await server.services.jobs.drain();
    const row = await outbox(id);
    assert.equal(row.state, 'unknown');
    assert.match(row.last_error ?? '', /may have been delivered/);
    assert.equal(smtp.recipients.includes('dee@example.org'), false);
  });

  test('the SMTP server is checked at start: a wrong password or a closed port is said in words', async () => {
    assert.equal(await server.services.mail.check(), null);
    const other = await startTestServer({ env: { SMTP_URL: smtp.url.replace('sink%20secret', 'wrong') } });
    try {
      assert.match((await other.services.mail.check()) ?? '', /^SMTP to 127\.0\.0\.1:\d+: .*Authentication failed/);
    } finally {
      await other.close();
    }
    const gone = await startSmtpServer();
    await gone.close();
    const closed = await startTestServer({ env: { SMTP_URL: gone.url } });
    try {
      assert.match((await closed.services.mail.check()) ?? '', new RegExp(`^SMTP to 127\\.0\\.0\\.1:${gone.port}: .*ECONNREFUSED`));
    } finally {
      await closed.close();
    }
  });

  test('an address that is not one is refused when queued (422), and nothing is queued', async () => {
    for (const to of ['no-at-sign', 'two@@example.org', 'a b@example.org', 'x@example.org\r\nBcc: y@example.org']) {
      await assert.rejects(server.services.mail.queue(message(to), { idempotencyKey: `bad:${to}` }), {
        status: 422,
        code: 'invalid_address',
      });
    }
    const left = await server.services.database.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('idempotency_key', 'like', 'bad:%')
      .execute();
    assert.deepEqual(left, []);
  });

  test('SMTP errors are told apart: temporary, permanent, bouncing', () => {
    assert.equal(classify({ responseCode: 421, command: 'CONN', response: '421 busy' }).kind, 'temporary');
    assert.equal(classify({ code: 'ECONNECTION', message: 'Connection closed' }).kind, 'temporary');
    assert.equal(classify({ responseCode: 550, command: 'RCPT TO', response: '550 No such user' }).kind, 'bounce');
    assert.equal(classify({ responseCode: 554, command: 'DATA', response: '554 5.1.1 Mailbox unavailable' }).kind, 'bounce');
    assert.equal(classify({ responseCode: 554, command: 'DATA', response: '554 5.7.1 Message rejected as spam' }).kind, 'permanent');
    // This server's configuration, not the mail: it waits for an administrator.
    assert.equal(classify({ responseCode: 550, command: 'MAIL FROM', response: '550 5.1.0 Sender rejected' }).kind, 'temporary');
    assert.equal(classify({ responseCode: 535, command: 'AUTH PLAIN', response: '535 Authentication failed' }).kind, 'temporary');
    assert.equal(classify({ code: 'EENVELOPE', message: 'No recipients defined' }).kind, 'permanent');
  });
});

describe('mail without SMTP_URL', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  test('each mail is written as an .eml file under the data directory, with both parts', async () => {
    assert.match(server.services.mail.describe(), /\.eml files/);
    const id = (await server.services.mail.queue(message('eve@example.org', 'On disk'), { idempotencyKey: 'test:eml' }))!;
    await server.services.jobs.drain();
    assert.equal((await server.services.mail.find(id))?.state, 'sent');
    const directory = join(server.dataDir, 'mail');
    const files = readdirSync(directory);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /\.eml$/);
    const mail = await simpleParser(readFileSync(join(directory, files[0]!)));
    assert.equal(mail.subject, 'On disk');
    assert.equal(mail.text?.trim(), 'Plain words for eve@example.org.');
    assert.match(String(mail.html), /<strong>eve@example.org<\/strong>/);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail.from?.text ?? '', /Commonroom.*noreply@127\.0\.0\.1/);
  });
});
