import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection, { type SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection';
import type { Database, Queryable } from '../db/database.ts';
import type { JobContext } from '../jobs/jobs.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { UserError } from './errors.ts';
import type { Logger } from './logger.ts';

/**
 * Outgoing mail: every mail is a row of `mail_outbox` and a durable `mail.send` job.
 *
 * - `queue` stores the mail and enqueues its job, inside the caller's transaction when given one,
 *   under an idempotency key: queueing the same key again does nothing.
 * - The job connects, logs in and gives the envelope; only when the server asks for the content
 *   (its 354 to DATA) does it mark the mail `sending` (a committed compare-and-set from
 *   `queued`), and `sent` after the server's 250. A worker killed in between leaves it
 *   `sending`: the next attempt cannot know whether the server took it, so it records `unknown`
 *   and does not send it again (at most once). A worker killed before that point leaves it
 *   `queued`, and the job runs again (none lost). So does a connection that breaks then.
 * - A temporary failure (a 4xx answer, a refused or broken connection, a 5xx to this server's
 *   login or sender) puts it back to `queued` and the job retries with backoff. A 5xx to the
 *   mail fails it; a 5xx refusing the recipient also lists the address in `mail_bounces`, and
 *   no more mail goes there.
 * - Without `SMTP_URL`, each mail is written as an `.eml` file under `<DATA_DIR>/mail/`.
 */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Mail a program sends on its own (resets, notifications, digests): `Auto-Submitted: auto-generated`. Default true. */
  automatic?: boolean;
  /** More headers (List-Unsubscribe …). */
  headers?: Record<string, string>;
}

export interface QueueOptions {
  /** The same key queues the mail once, however often `queue` is called. */
  idempotencyKey: string;
  /** Queue inside this transaction, with the write that causes the mail. */
  tx?: Queryable;
}

export interface MailerDeps {
  database: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Enqueues the `mail.send` job (the kernel's Jobs). */
  enqueue(kind: 'mail.send', payload: MailJob, options: { dedupeKey: string; tx?: Queryable }): Promise<unknown>;
}

export interface MailJob {
  id: number;
}

/** The job kind that sends one mail. */
export const MAIL_JOB = 'mail.send';

/** Kept this long after sending or failing, then removed (the idempotency key lasts as long). */
const KEEP_MS = 30 * 86_400_000;

/** Attempts of the `mail.send` job: with its backoff (30 s doubling, at most 6 hours), about two days. */
export const MAIL_ATTEMPTS = 14;
export const MAIL_JOB_OPTIONS = { maxAttempts: MAIL_ATTEMPTS, backoffMs: 30_000, maxBackoffMs: 6 * 3600_000, timeoutMs: 120_000 };

/** A temporary failure: the job is retried. */
export class TemporaryMailError extends Error {}
/** Another attempt has the mail (it was no longer queued when this one came to send it). */
class TakenError extends Error {}

/** Whether the SMTP server answered the failing command (so it is known not to have taken the mail). */
function hasResponse(error: unknown): boolean {
  return typeof (error as { responseCode?: unknown }).responseCode === 'number';
}

/** An address as mail servers take it: something@a.domain, no spaces, brackets or line breaks. */
const ADDRESS = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

/** The bare address of a sender such as `"Site" <noreply@example.org>`. */
function addressOf(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

export class Mailer {
  readonly #database: Database;
  readonly #config: Config;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #enqueue: MailerDeps['enqueue'];

  constructor(deps: MailerDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#clock = deps.clock;
    this.#logger = deps.logger.child({ component: 'mail' });
    this.#enqueue = deps.enqueue;
  }

  /** The sender: MAIL_FROM, or the site's name at noreply@ the host of BASE_URL. */
  get from(): string {
    return this.#config.mailFrom ?? `"${this.#config.siteName.replace(/["\\]/g, '')}" <noreply@${new URL(this.#config.baseUrl).hostname}>`;
  }

  /** Where mail goes, in words (for the start-up line and the administrators). */
  describe(): string {
    if (!this.#config.smtpUrl) return `no SMTP_URL: mails are written as .eml files to ${this.directory}`;
    const url = new URL(this.#config.smtpUrl);
    return `SMTP ${url.protocol === 'smtps:' ? 'over TLS ' : ''}to ${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
  }

  get directory(): string {
    return join(this.#config.dataDir, 'mail');
  }

  /**
   * Tries the SMTP server (connect, STARTTLS, log in, QUIT) and returns what is wrong in words,
   * or null when it works or there is no SMTP_URL. The process says it at start; nothing waits on it.
   */
  async check(): Promise<string | null> {
    if (!this.#config.smtpUrl) return null;
    try {
      await this.#session(async () => '');
      return null;
    } catch (error) {
      return `${this.describe()}: ${classify(error).message}`;
    }
  }

  /** Stores the mail and enqueues its sending; returns its id, or null when the key was queued before. */
  async queue(message: MailMessage, options: QueueOptions): Promise<number | null> {
    if (!ADDRESS.test(message.to.trim())) throw new UserError(422, 'invalid_address', `Not an email address: ${message.to}`);
    const now = this.#clock.now();
    const headers: Record<string, string> = { ...(message.headers ?? {}) };
    if (message.automatic ?? true) headers['Auto-Submitted'] = 'auto-generated';
    const run = async (tx: Queryable) => {
      const row = await tx
        .insertInto('mail_outbox')
        .values({
          idempotency_key: options.idempotencyKey,
          to_address: message.to.trim(),
          subject: message.subject.replace(/[\r\n]+/g, ' '),
          text_body: message.text,
          html_body: message.html,
          headers: JSON.stringify(headers),
          message_id: `<${randomBytes(12).toString('hex')}.${now}@${new URL(this.#config.baseUrl).hostname}>`,
          state: 'queued',
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) await this.#enqueue(MAIL_JOB, { id: row.id }, { dedupeKey: `mail:${row.id}`, tx });
      return row?.id ?? null;
    };
    if (options.tx) return run(options.tx);
    return this.#database.db.transaction().execute(run);
  }

  /** Whether an SMTP server refused this address for good. */
  async isBouncing(address: string): Promise<boolean> {
    const row = await this.#database.db
      .selectFrom('mail_bounces')
      .select('address')
      .where('address', '=', address.trim().toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Mail may go to this address again (it was fixed, or confirmed). */
  async clearBounce(address: string): Promise<void> {
    await this.#database.db.deleteFrom('mail_bounces').where('address', '=', address.trim().toLowerCase()).execute();
  }

  /** One mail of the outbox, as it stands (tests, administrators). */
  async find(id: number) {
    return this.#database.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The `mail.send` job: sends mail `id` at most once. */
  async deliver({ id }: MailJob, ctx: JobContext): Promise<void> {
    const mail = await this.find(id);
    if (!mail || mail.state === 'sent' || mail.state === 'failed' || mail.state === 'unknown') return;
    if (mail.state === 'sending') {
      // An earlier attempt stopped after the server began to receive the mail: it may have arrived.
      await this.#settle(id, mail.send_token, {
        state: 'unknown',
        last_error: 'The worker stopped while handing this mail to the SMTP server; it may have been delivered, so it is not sent again.',
      });
      ctx.logger.warn({ mail: id }, 'mail left in sending by a stopped worker: not sent again');
      return;
    }
    if (await this.isBouncing(mail.to_address)) {
      await this.#settle(id, null, { state: 'failed', last_error: `${mail.to_address} bounced earlier: no more mail is sent to it.` });
      return;
    }
    await this.#database.db
      .updateTable('mail_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .execute();
    const token = `${ctx.jobId}:${ctx.attempt}:${randomBytes(6).toString('hex')}`;
    let marked = false;
    let taken = false;
    /** Marks the mail sending (once, only from queued): called when the server begins to take its content. */
    const markSending = async () => {
      const claimed = await this.#database.db
        .updateTable('mail_outbox')
        .set({ state: 'sending', send_token: token, updated_at: this.#clock.now() })
        .where('id', '=', id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      taken = Number(claimed.numUpdatedRows) !== 1;
      if (taken) throw new TakenError();
      marked = true;
    };

    let response: string;
    try {
      response = await this.#send(mail, markSending);
    } catch (error) {
      // Another attempt has it: the content was not sent (the stream failed before its first byte).
      if (taken) return;
      const failure = classify(error);
      // The server had begun to take the mail and then the connection broke without an answer.
      if (marked && failure.kind === 'temporary' && !hasResponse(error)) {
        await this.#settle(id, token, {
          state: 'unknown',
          last_error: `The connection broke while the SMTP server was receiving this mail (${failure.message}); it may have been delivered, so it is not sent again.`,
        });
        ctx.logger.warn({ mail: id, error: failure.message }, 'mail may or may not have been delivered');
        return;
      }
      if (failure.kind === 'temporary' && ctx.attempt < MAIL_ATTEMPTS) {
        await this.#settle(id, marked ? token : null, { state: 'queued', send_token: null, last_error: failure.message });
        throw new TemporaryMailError(failure.message);
      }
      if (failure.kind === 'temporary') failure.message = `Gave up after ${ctx.attempt} attempts: ${failure.message}`;
      await this.#database.db.transaction().execute(async (tx) => {
        await this.#settle(id, marked ? token : null, { state: 'failed', last_error: failure.message }, tx);
        if (failure.kind === 'bounce') {
          await tx
            .insertInto('mail_bounces')
            .values({ address: mail.to_address.toLowerCase(), reason: failure.message.slice(0, 500), bounced_at: this.#clock.now() })
            .onConflict((oc) => oc.column('address').doNothing())
            .execute();
        }
      });
      ctx.logger.warn({ mail: id, error: failure.message }, failure.kind === 'bounce' ? 'mail address bounced' : 'mail refused');
      return;
    }
    // Recorded by this attempt's token whether or not another attempt meanwhile called it unknown.
    await this.#settle(id, token, { state: 'sent', sent_at: this.#clock.now(), last_error: null, send_token: null }, undefined, true);
    ctx.logger.debug({ mail: id, response }, 'mail sent');
  }

  async #settle(
    id: number,
    token: string | null,
    values: { state: 'queued' | 'sent' | 'failed' | 'unknown'; last_error: string | null; send_token?: null; sent_at?: number },
    tx?: Queryable,
    evenIfUnknown = false,
  ): Promise<void> {
    let query = (tx ?? this.#database.db)
      .updateTable('mail_outbox')
      .set({ ...values, last_error: values.last_error?.slice(0, 2000) ?? null, updated_at: this.#clock.now() })
      .where('id', '=', id);
    // Without a token, only a mail still queued (no attempt of ours marked it sending).
    query = token === null ? query.where('state', '=', 'queued') : query.where('send_token', '=', token);
    query = query.where('state', 'in', evenIfUnknown ? ['sending', 'unknown'] : ['queued', 'sending']);
    await query.execute();
  }

  /**
   * Hands the mail to the SMTP server (or writes it to a file). The message goes as a stream
   * whose first read, which comes after the server's 354 to DATA, calls `markSending`: until
   * then nothing of the mail has reached the server, and an attempt killed there sends it again.
   */
  async #send(
    mail: { to_address: string; subject: string; text_body: string; html_body: string; headers: string; message_id: string },
    markSending: () => Promise<void>,
  ): Promise<string> {
    const raw = await new MailComposer({
      from: this.from,
      to: mail.to_address,
      subject: mail.subject,
      text: mail.text_body,
      html: mail.html_body,
      messageId: mail.message_id,
      date: new Date(this.#clock.now()),
      headers: JSON.parse(mail.headers) as Record<string, string>,
    })
      .compile()
      .build();
    if (!this.#config.smtpUrl) {
      await markSending();
      await mkdir(this.directory, { recursive: true });
      const name = `${new Date(this.#clock.now()).toISOString().replace(/[:.]/g, '-')}-${mail.message_id.replace(/[^A-Za-z0-9]+/g, '').slice(0, 24)}.eml`;
      // Written whole, then renamed: a reader never sees half a mail.
      await writeFile(join(this.directory, `.${name}`), raw.toString('utf8').replace(/\r\n/g, '\n'));
      await rename(join(this.directory, `.${name}`), join(this.directory, name));
      return `written to ${name}`;
    }
    let started = false;
    const content = new Readable({
      read() {
        if (started) return;
        started = true;
        markSending().then(
          () => {
            this.push(raw);
            this.push(null);
          },
          (error: unknown) => this.destroy(error as Error),
        );
      },
    });
    return this.#smtp(addressOf(this.from), mail.to_address, content);
  }

  /**
   * One SMTP session: connect (STARTTLS when the server offers it, or TLS from the start for
   * smtps://), log in when the URL has a user, send the envelope, then the content, then QUIT.
   * nodemailer's SMTPConnection reads the content only after the server's 354 to DATA.
   */
  async #smtp(from: string, to: string, content: Readable): Promise<string> {
    try {
      return await this.#session(async (step, connection) => {
        const info = await step<SMTPConnectionSendInfo>((done) => connection.send({ from, to: [to] }, content, done));
        return info.response;
      });
    } catch (error) {
      content.destroy();
      throw error;
    }
  }

  /** Connects and logs in, runs `work`, then says QUIT (or drops the connection on an error). */
  async #session(
    work: (
      step: <T>(run: (done: (error: Error | null | undefined, value?: T) => void) => void) => Promise<T>,
      connection: SMTPConnection,
    ) => Promise<string>,
  ): Promise<string> {
    const url = new URL(this.#config.smtpUrl!);
    const secure = url.protocol === 'smtps:';
    const connection = new SMTPConnection({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      name: new URL(this.#config.baseUrl).hostname,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    // Every later error of the connection is one of the steps' (or of no interest once done).
    const broken = new Promise<never>((_, reject) => connection.on('error', reject));
    broken.catch(() => {});
    const step = <T>(run: (done: (error: Error | null | undefined, value?: T) => void) => void) =>
      Promise.race([new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T)))), broken]);
    try {
      await step<void>((done) => connection.connect((error) => done(error)));
      if (url.username || url.password) {
        const auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
        await step<boolean>((done) => connection.login(auth, done));
      }
      const result = await work(step, connection);
      connection.quit();
      return result;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** Removes mail kept past its time (run by the hourly clean-up). */
  async prune(): Promise<void> {
    await this.#database.db
      .deleteFrom('mail_outbox')
      .where('state', 'in', ['sent', 'failed', 'unknown'])
      .where('updated_at', '<', this.#clock.now() - KEEP_MS)
      .execute();
  }
}

interface Failure {
  kind: 'temporary' | 'permanent' | 'bounce';
  message: string;
}

/**
 * What an error from nodemailer means for the mail. A server's 4xx and any connection trouble
 * are temporary. So is a 5xx before the recipient is named (to the greeting, EHLO, AUTH or MAIL
 * FROM): that is this server's configuration (SMTP_URL, MAIL_FROM), not the mail, and mail waits
 * until an administrator fixes it. A 5xx refusing the recipient (at RCPT TO, or a 5.1.x or 5.2.x
 * mailbox status) makes the address bounce; any other 5xx to the content fails the mail.
 */
export function classify(error: unknown): Failure {
  const e = error as { responseCode?: number; command?: string; response?: string; code?: string; message?: string };
  const message = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim();
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  // An envelope nodemailer itself refused (no address): trying again cannot help.
  if (code === null && e.code === 'EENVELOPE') return { kind: 'permanent', message };
  if (code === null || code < 500) return { kind: 'temporary', message: code === null && e.code ? `${e.code}: ${message}` : message };
  const command = (e.command ?? '').toUpperCase();
  if (command.startsWith('RCPT')) return { kind: 'bounce', message };
  if (command.startsWith('DATA') || command === '' || command === 'API') {
    return { kind: /\b5\.[12]\.\d+\b/.test(message) ? 'bounce' : 'permanent', message };
  }
  return { kind: 'temporary', message: `the SMTP server refused this server (check SMTP_URL and MAIL_FROM): ${message}` };
}
