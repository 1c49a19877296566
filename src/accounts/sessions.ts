import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import { hashPassword, hashToken, randomToken, verifyPassword } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { Viewer } from '../platform/viewer.ts';
import { findMemberByLogin, type MemberWithActor, toViewer, viewerQuery } from './people.ts';

/** Where a sign-in or sign-up comes from (for rate limits and the session list). */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

const SESSION_DAYS = 30;
/** A session or token in use is written back at most this often. */
export const SESSION_TOUCH_MS = 10 * 60_000;
const LOGIN_WINDOW_MS = 15 * 60_000;
const LOGIN_MAX_PER_ACCOUNT = 8;
const LOGIN_MAX_PER_IP = 40;

// A valid hash of a random password, verified when the account does not exist (constant work).
const DUMMY_HASH = await hashPassword(randomToken());

export interface SessionDeps {
  database: Database;
  rateLimiter: RateLimiter;
  clock: Clock;
}

/** Sign-in and sessions: the cookie a browser holds, and the member behind it. */
export class SessionService {
  readonly #database: Database;
  readonly #rateLimiter: RateLimiter;
  readonly #clock: Clock;

  constructor(deps: SessionDeps) {
    this.#database = deps.database;
    this.#rateLimiter = deps.rateLimiter;
    this.#clock = deps.clock;
  }

  get #db() {
    return this.#database.db;
  }

  /** Checks a handle or email and password (rate-limited per account and per address); returns a new session token. */
  async login(login: string, password: string, meta: RequestMeta): Promise<{ member: MemberWithActor; sessionToken: string }> {
    const typed = login.trim();
    const member = typed ? await findMemberByLogin(this.#db, typed) : undefined;
    // One count per account, whichever name was typed (handle, @handle or email); a name that
    // matches no account is counted as typed.
    const accountKey = member ? `login:member:${member.id}` : `login:unknown:${typed.replace(/^@/, '').toLowerCase()}`;
    const ipKey = `login:ip:${meta.ip}`;
    for (const [key, max, who] of [
      [accountKey, LOGIN_MAX_PER_ACCOUNT, 'this account'],
      [ipKey, LOGIN_MAX_PER_IP, 'your network'],
    ] as const) {
      const state = await this.#rateLimiter.peek(key);
      if (state.count >= max) throw tooMany(`Too many failed sign-in attempts for ${who}.`, state.resetAt);
    }
    // Hash even when there is no such member, so timing does not reveal which accounts exist.
    const ok = await verifyPassword(password, member?.password_hash ?? DUMMY_HASH);
    if (!member || !ok) {
      await this.#rateLimiter.hit(accountKey, LOGIN_WINDOW_MS);
      await this.#rateLimiter.hit(ipKey, LOGIN_WINDOW_MS);
      throw new UserError(401, 'bad_credentials', 'That email or handle and password do not match an account.', {
        issues: [{ path: 'password', message: 'That email or handle and password do not match an account.' }],
      });
    }
    if (member.suspended_at) throw suspended(member.suspended_reason);
    await this.#rateLimiter.clear(accountKey);
    await this.#db.updateTable('members').set({ last_login_at: Date.now() }).where('id', '=', member.id).execute();
    return { member, sessionToken: await this.create(member.id, meta) };
  }

  /** Starts a session for a member; returns the token the cookie carries. */
  async create(memberId: number, meta: RequestMeta): Promise<string> {
    const token = randomToken();
    const now = Date.now();
    await this.#db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        member_id: memberId,
        created_at: now,
        last_seen_at: now,
        expires_at: now + SESSION_DAYS * 86_400_000,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
        ip: meta.ip,
      })
      .execute();
    return token;
  }

  /** Ends the session of this token (signing out). */
  async end(token: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
  }

  /** The member behind a session cookie, or null. Sliding expiry, touched at most every few minutes. */
  async viewerForSession(token: string): Promise<Viewer | null> {
    const now = Date.now();
    const row = await viewerQuery(this.#db)
      .innerJoin('sessions', 'sessions.member_id', 'members.id')
      .select(['sessions.id as session_id', 'sessions.last_seen_at', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= now || row.suspended_at) return null;
    if (now - row.last_seen_at > SESSION_TOUCH_MS) {
      await this.#db
        .updateTable('sessions')
        .set({ last_seen_at: now, expires_at: now + SESSION_DAYS * 86_400_000 })
        .where('id', '=', row.session_id)
        .execute();
    }
    return toViewer(row);
  }

  /** A member acting through the system (a timed chat question is asked by its host), or null when suspended or gone. */
  async viewerForMember(memberId: number): Promise<Viewer | null> {
    const row = await viewerQuery(this.#db).where('members.id', '=', memberId).executeTakeFirst();
    return row && !row.suspended_at ? toViewer(row) : null;
  }

  /** Removes sessions that have ended. */
  async removeExpired(): Promise<void> {
    await this.#db.deleteFrom('sessions').where('expires_at', '<=', this.#clock.now()).execute();
  }
}

/** A 429 saying how long to wait. */
export function tooMany(what: string, resetAt: number): UserError {
  const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new UserError(429, 'rate_limited', `${what} Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, {
    retryAfter: seconds,
  });
}

function suspended(reason: string | null): UserError {
  return new UserError(403, 'suspended', `This account is suspended${reason ? `: ${reason}` : ''}. Contact the site administrator.`);
}
