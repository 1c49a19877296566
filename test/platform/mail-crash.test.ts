import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { JOB_LEASE_MS } from '../../src/jobs/jobs.ts';
import { TestClock } from '../../src/platform/clock.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type SmtpSink, startSmtpServer } from '../support/smtp.ts';

/**
 * A mail worker killed with SIGKILL while sending: before the SMTP server began to take the
 * mail, a worker one lease later sends it, once; after, it is never sent again (it may have
 * arrived) and says so. Real processes, a real SMTP server, on both databases.
 */

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const never = () => new Promise<never>(() => {});

/** A mail-sending worker in its own process (test/platform/mail-worker.ts), on the test's clock. */
function startWorker() {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/platform/mail-worker.ts',
      server.dataDir,
      server.databaseUrl ?? '',
      smtp.url,
      String(clock.now() - Date.now()),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it is true, failing after many tries (a bound on work, not a timing assertion). */
async function until(what: string, check: () => boolean | Promise<boolean>, tries = 1200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`gave up waiting: ${what}`);
}

const state = async (id: number) => (await server.services.mail.find(id))!.state;

/** Moves the test's clock past the lease the killed worker held on the mail's job. */
async function pastTheLease(): Promise<void> {
  const job = await server.services.database.db
    .selectFrom('jobs')
    .select('locked_until')
    .where('kind', '=', 'mail.send')
    .executeTakeFirstOrThrow();
  assert.ok(job.locked_until !== null && job.locked_until <= clock.now() + JOB_LEASE_MS + 10_000, 'the dead worker holds a short lease');
  clock.set(Math.max(clock.now(), job.locked_until + 1));
}

describe('sending mail after kill -9', () => {
  test('killed before the server took any of the mail: a worker one lease later sends it, once', async () => {
    let held = true;
    smtp.onRecipient = () => (held ? never() : null);
    const id = (await server.services.mail.queue(
      { to: 'ada@example.org', subject: 'Once', text: 'Once.', html: '<p>Once.</p>' },
      { idempotencyKey: 'crash:before' },
    ))!;
    const worker = startWorker();
    await until('the worker gave the envelope', () => smtp.recipients.length === 1);
    await worker.kill();
    assert.equal(await state(id), 'queued');
    held = false;
    await pastTheLease();
    await server.services.jobs.drain();
    await smtp.waitFor(1);
    assert.equal(await state(id), 'sent');
    assert.equal(smtp.messages.length, 1);
    assert.equal(smtp.dataStarted, 1);
  });

  test('killed while the server was taking the mail: it is never sent again, and is marked unknown', async () => {
    smtp.onRecipient = () => null;
    smtp.onData = never;
    const id = (await server.services.mail.queue(
      { to: 'ben@example.org', subject: 'At most once', text: 'Once.', html: '<p>Once.</p>' },
      { idempotencyKey: 'crash:during' },
    ))!;
    const started = smtp.dataStarted;
    const worker = startWorker();
    await until('the server began to take the mail', () => smtp.dataStarted === started + 1);
    await until('the mail is marked sending', async () => (await state(id)) === 'sending');
    await worker.kill();
    await pastTheLease();
    await server.services.jobs.drain();
    const row = (await server.services.mail.find(id))!;
    assert.equal(row.state, 'unknown');
    assert.match(row.last_error ?? '', /may have been delivered/);
    assert.equal(smtp.dataStarted, started + 1, 'the server was not given it again');
    assert.equal(await server.services.jobs.drain(), 0, 'no job is left to send it');
  });
});
