import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { hashPassword, hashToken, randomToken, verifyPassword } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import { findMemberById } from './people.ts';
import { passwordSchema } from './signup-schemas.ts';

const RESET_HOURS = 24;

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
}

/** Passwords: changing one, and one-time reset links (made by an administrator or the command line). */
export class PasswordService {
  readonly #database: Database;
  readonly #config: Config;
  readonly #clock: Clock;

  constructor(deps: PasswordDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#clock = deps.clock;
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

  /** Makes a one-time reset link token (valid 24 hours). */
  async createReset(memberId: number): Promise<{ token: string; url: string; expiresAt: number }> {
    const token = randomToken();
    const now = Date.now();
    const expiresAt = now + RESET_HOURS * 3600_000;
    await this.#db
      .insertInto('password_resets')
      .values({ member_id: memberId, token_hash: hashToken(token), created_at: now, expires_at: expiresAt })
      .execute();
    return { token, url: `${this.#config.baseUrl}/reset-password/${token}`, expiresAt };
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
    if (!row || row.used_at || row.expires_at <= Date.now()) return null;
    return { memberId: row.member_id, handle: row.handle };
  }

  /**
   * Sets a new password (`next`, checked by `parseNewPassword`) from a reset link; the link then
   * stops working, every session ends and every API token is revoked (whoever knew the old
   * password may have made one). Returns how many tokens were revoked.
   */
  async reset(token: string, next: string): Promise<{ revokedTokens: number }> {
    const hash = await hashPassword(next);
    const now = Date.now();
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
