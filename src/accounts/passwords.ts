import type { Database, Queryable } from '../db/database.ts';
import type { JobContext, Jobs } from '../jobs/jobs.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { hashPassword, hashToken, randomToken, verifyPassword } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { Mailer } from '../platform/mail.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import { composeMail } from '../web/mail.ts';
import { findMemberById, findMemberByLogin } from './people.ts';
import { tooMany } from './sessions.ts';
import { emailSchema, passwordSchema } from './signup-schemas.ts';

/** How long a link made by an administrator or the command line works. */
const RESET_HOURS = 24;
/** How long a link asked for from the sign-in page, and sent by mail, works. */
export const MAILED_RESET_HOURS = 1;
/** Requests for a reset mail from one network address, per hour, before it is told to wait. */
const RESET_REQUESTS_PER_IP = 10;
/** Reset mails to one address per hour; requests beyond are quietly dropped (nobody's inbox is flooded). */
const RESET_MAILS_PER_ADDRESS = 3;
const HOUR_MS = 3600_000;

/** The job that sends the reset mail asked for on /forgot-password. */
export const RESET_MAIL_JOB = 'accounts.password-reset-mail';

/**
 * A new password typed into the form field `field`, checked against the password rules: the
 * pages parse with it and give the service the checked password. A 422 on that field otherwise.
 */
export function parseNewPassword(field: string, value: string): string {
  const result = passwordSchema.safeParse(value);
  if (!result.success) throw UserError.field(field, result.error.issues[0]!.message);
  return result.data;
}

export interface PasswordDeps {
  database: Database;
  config: Config;
  clock: Clock;
  rateLimiter: RateLimiter;
  settings: SiteSettings;
  jobs: Jobs;
  mail: Mailer;
}

/**
 * Passwords: changing one, and one-time reset links, made by an administrator or the command
 * line (valid 24 hours) or asked for by mail from the sign-in page (valid 1 hour). A link's
 * token is random and only its hash is stored; it works once.
 */
export class PasswordService {
  readonly #database: Database;
  readonly #config: Config;
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter;
  readonly #settings: SiteSettings;
  readonly #jobs: Jobs;
  readonly #mail: Mailer;

  constructor(deps: PasswordDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#clock = deps.clock;
    this.#rateLimiter = deps.rateLimiter;
    this.#settings = deps.settings;
    this.#jobs = deps.jobs;
    this.#mail = deps.mail;
  }

  get #db() {
    return this.#database.db;
  }

  /** Changes the password (`next`, checked by `parseNewPassword`) and signs out every other session. */
  async change(memberId: number, current: string, next: string, keepSessionToken?: string): Promise<void> {
    const member = await findMemberById(this.#db, memberId);
    if (!member) throw UserError.notFound();
    if (!(await verifyPassword(current, member.password_hash))) {
      throw UserError.field('currentPassword', 'Your current password is not right.', 403, 'bad_credentials');
    }
    const hash = await hashPassword(next);
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('members').set({ password_hash: hash }).where('id', '=', memberId).execute();
      let others = tx.deleteFrom('sessions').where('member_id', '=', memberId);
      if (keepSessionToken) others = others.where('token_hash', '!=', hashToken(keepSessionToken));
      await others.execute();
    });
  }

  /** Makes a one-time reset link token (valid 24 hours unless `hours` says otherwise). */
  async createReset(
    memberId: number,
    options: { hours?: number; tx?: Queryable } = {},
  ): Promise<{ id: number; token: string; url: string; expiresAt: number }> {
    const token = randomToken();
    const now = this.#clock.now();
    const expiresAt = now + (options.hours ?? RESET_HOURS) * HOUR_MS;
    const row = await (options.tx ?? this.#db)
      .insertInto('password_resets')
      .values({ member_id: memberId, token_hash: hashToken(token), created_at: now, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, token, url: `${this.#config.baseUrl}/reset-password/${token}`, expiresAt };
  }

  /**
   * "Forgot your password?": checks the address's form and the requests from this network
   * address (a 429 past 10 an hour), then leaves the rest to a job, so that the answer is the
   * same, and takes the same time, whether or not a member uses the address.
   */
  async requestReset(email: string, ip: string): Promise<void> {
    const parsed = emailSchema.safeParse(email.trim());
    if (!parsed.success) throw UserError.field('email', parsed.error.issues[0]!.message);
    const ipKey = `reset:ip:${ip}`;
    const state = await this.#rateLimiter.peek(ipKey);
    if (state.count >= RESET_REQUESTS_PER_IP) throw tooMany('Too many reset requests from your network.', state.resetAt);
    await this.#rateLimiter.hit(ipKey, HOUR_MS);
    const address = await this.#rateLimiter.hit(`reset:address:${parsed.data.toLowerCase()}`, HOUR_MS);
    if (address.count > RESET_MAILS_PER_ADDRESS) return;
    await this.#jobs.enqueue(RESET_MAIL_JOB, { email: parsed.data });
  }

  /**
   * The job behind `requestReset`: when an active member uses the address, makes a link valid
   * one hour and queues the mail, together with the job's completion (so once).
   */
  async mailReset({ email }: { email: string }, ctx: JobContext): Promise<void> {
    const member = await findMemberByLogin(this.#db, email);
    if (!member || member.suspended_at) return ctx.complete();
    const { siteName } = await this.#settings.get();
    await ctx.complete(async (tx) => {
      const reset = await this.createReset(member.id, { hours: MAILED_RESET_HOURS, tx });
      const body = composeMail({
        siteName,
        baseUrl: this.#config.baseUrl,
        greeting: `Hello @${member.actor.handle},`,
        paragraphs: [`Someone, probably you, asked to reset the password of your account on ${siteName}.`],
        action: { label: 'Choose a new password', url: reset.url },
        after: [
          `The link works once, for ${MAILED_RESET_HOURS} hour. If you did not ask for it, ignore this mail: your password stays as it is.`,
        ],
      });
      await this.#mail.queue(
        { to: member.email, subject: `Reset your password on ${siteName}`, ...body },
        { idempotencyKey: `password-reset:${reset.id}`, tx },
      );
    });
  }

  /** The member a reset link is for, or null when it expired or was used. */
  async findReset(token: string): Promise<{ memberId: number; handle: string } | null> {
    const row = await this.#db
      .selectFrom('password_resets')
      .innerJoin('members', 'members.id', 'password_resets.member_id')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(['password_resets.member_id', 'password_resets.expires_at', 'password_resets.used_at', 'actors.handle'])
      .where('password_resets.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.used_at || row.expires_at <= this.#clock.now()) return null;
    return { memberId: row.member_id, handle: row.handle };
  }

  /**
   * Sets a new password (`next`, checked by `parseNewPassword`) from a reset link; the link then
   * stops working, every session ends and every API token is revoked (whoever knew the old
   * password may have made one). Returns how many tokens were revoked.
   */
  async reset(token: string, next: string): Promise<{ revokedTokens: number }> {
    const hash = await hashPassword(next);
    const now = this.#clock.now();
    return this.#db.transaction().execute(async (tx) => {
      const reset = await tx
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('token_hash', '=', hashToken(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('member_id')
        .executeTakeFirst();
      if (!reset) throw new UserError(410, 'reset_expired', 'This reset link has expired or was already used. Ask for a new one.');
      await tx.updateTable('members').set({ password_hash: hash }).where('id', '=', reset.member_id).execute();
      await tx.deleteFrom('sessions').where('member_id', '=', reset.member_id).execute();
      const revoked = await tx.deleteFrom('api_tokens').where('member_id', '=', reset.member_id).executeTakeFirst();
      return { revokedTokens: Number(revoked.numDeletedRows) };
    });
  }

  /** Removes reset links a day past their end. */
  async removeExpired(): Promise<void> {
    await this.#db
      .deleteFrom('password_resets')
      .where('expires_at', '<=', this.#clock.now() - 86_400_000)
      .execute();
  }
}
