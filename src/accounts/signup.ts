import type { Database, Queryable } from '../db/database.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import { hashPassword, randomToken } from '../platform/crypto.ts';
import { type FieldIssue, issuesFromZod, UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import { findMemberById, type MemberWithActor } from './people.ts';
import { type RequestMeta, type SessionService, tooMany } from './sessions.ts';
import { emailSchema, handleSchema, type SignupInput, signupSchema } from './signup-schemas.ts';

export interface Invite {
  id: number;
  code: string;
  note: string | null;
  maxUses: number | null;
  useCount: number;
  expiresAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  usable: boolean;
}

/** Whether sign-up is possible, and why not. */
export interface SignupState {
  allowed: boolean;
  reason?: string;
  firstMember: boolean;
  invite?: Invite;
}

const SIGNUP_WINDOW_MS = 60 * 60_000;
const INVITE_USED = 'This invitation link has expired, was revoked or has been used up. Ask for a new one.';

export interface SignupDeps {
  database: Database;
  config: Config;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  logger: Logger;
  sessions: SessionService;
}

/** How members come to exist: sign-up (open, by invitation or closed), the first administrator, invitation links. */
export class SignupService {
  readonly #database: Database;
  readonly #config: Config;
  readonly #settings: SiteSettings;
  readonly #rateLimiter: RateLimiter;
  readonly #logger: Logger;
  readonly #sessions: SessionService;

  constructor(deps: SignupDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#settings = deps.settings;
    this.#rateLimiter = deps.rateLimiter;
    this.#logger = deps.logger;
    this.#sessions = deps.sessions;
  }

  get #db() {
    return this.#database.db;
  }

  /** Whether sign-up is possible right now, and why not. */
  async state(inviteCode?: string): Promise<SignupState> {
    const firstMember = !(await this.#db.selectFrom('members').select('id').limit(1).executeTakeFirst());
    if (firstMember) return { allowed: true, firstMember };
    const { signupMode } = await this.#settings.get();
    if (signupMode === 'open') return { allowed: true, firstMember };
    if (signupMode === 'closed') {
      return { allowed: false, firstMember, reason: 'Sign-up is closed on this server. An administrator can create an account for you.' };
    }
    if (!inviteCode) {
      return {
        allowed: false,
        firstMember,
        reason: 'This server is invite-only. Ask a member or the administrator for an invitation link.',
      };
    }
    const invite = await this.findInvite(inviteCode);
    if (!invite?.usable) return { allowed: false, firstMember, reason: INVITE_USED };
    return { allowed: true, firstMember, invite };
  }

  /**
   * Creates a member from the sign-up form as sent (rate-limited per address); returns a new
   * session token. Every problem is reported at once: the fields the schema refuses and, with
   * them, a handle or email already in use (UserError 422, or 409 when only those are wrong).
   */
  async signup(values: unknown, meta: RequestMeta): Promise<{ member: MemberWithActor; sessionToken: string }> {
    const limit = await this.#rateLimiter.hit(`signup:ip:${meta.ip}`, SIGNUP_WINDOW_MS);
    if (limit.count > this.#config.signupsPerHour)
      throw tooMany('Too many accounts were created from your network recently.', limit.resetAt);

    const parsed = signupSchema.safeParse(values);
    const inviteCode = parsed.success ? parsed.data.inviteCode : signupSchema.shape.inviteCode.safeParse(field(values, 'inviteCode')).data;
    const state = await this.state(inviteCode);
    if (!state.allowed) throw new UserError(403, 'signup_closed', state.reason!);
    if (!parsed.success) {
      // Whether the handle and email (where they are valid) are free, so this is the last round.
      const handle = handleSchema.safeParse(field(values, 'handle'));
      const email = emailSchema.safeParse(field(values, 'email'));
      const taken = await takenIssues(this.#db, handle.success ? handle.data : null, email.success ? email.data : null);
      throw UserError.invalid([...issuesFromZod(parsed.error), ...taken]);
    }
    const input = parsed.data;
    const member = await this.createMember(input, { inviteId: state.invite?.id });
    const sessionToken = await this.#sessions.create(member.id, meta);
    this.#logger.info({ member: member.id, handle: member.actor.handle, admin: member.is_admin === 1 }, 'member signed up');
    return { member, sessionToken };
  }

  /**
   * The one way a member comes to exist (sign-up, CLI, demo). The first member ever created
   * becomes an administrator: the claim is a unique settings row, so two concurrent first
   * sign-ups cannot both win.
   */
  async createMember(
    input: SignupInput & { admin?: boolean; passwordHash?: string },
    options: { inviteId?: number | undefined; tx?: Queryable } = {},
  ): Promise<MemberWithActor> {
    const now = Date.now();
    const passwordHash = input.passwordHash ?? (await hashPassword(input.password));
    const run = async (tx: Queryable): Promise<number> => {
      await assertAvailable(tx, input.handle, input.email);
      if (options.inviteId !== undefined) {
        const used = await tx
          .updateTable('invites')
          .set((eb) => ({ use_count: eb('use_count', '+', 1) }))
          .where('id', '=', options.inviteId)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('max_uses', 'is', null), eb('use_count', '<', eb.ref('max_uses'))]))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .executeTakeFirst();
        if (Number(used.numUpdatedRows) !== 1) throw new UserError(403, 'invite_used', INVITE_USED);
      }
      const claimedFirst = await tx
        .insertInto('settings')
        .values({ key: 'setup.first_member', value: JSON.stringify(input.handle), updated_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      const actor = await tx
        .insertInto('actors')
        .values({
          acct: input.handle.toLowerCase(),
          handle: input.handle,
          display_name: input.displayName,
          bio: '',
          links: '[]',
          search_text: `${input.displayName} ${input.handle}`.toLowerCase(),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const member = await tx
        .insertInto('members')
        .values({
          actor_id: actor.id,
          email: input.email,
          email_key: input.email.toLowerCase(),
          password_hash: passwordHash,
          is_admin: input.admin || claimedFirst ? 1 : 0,
          time_zone: input.timeZone ?? 'UTC',
          profile_visibility: 'public',
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return member.id;
    };
    let id: number;
    try {
      id = options.tx ? await run(options.tx) : await this.#db.transaction().execute(run);
    } catch (error) {
      // Lost a race with a concurrent sign-up for the same handle or email.
      if (isUniqueViolation(error)) {
        await assertAvailable(this.#db, input.handle, input.email);
      }
      throw error;
    }
    return (await findMemberById(options.tx ?? this.#db, id))!;
  }

  // ---- invitations ---------------------------------------------------------------------------

  async createInvite(
    createdBy: number | null,
    options: { maxUses?: number | null; expiresInDays?: number | null; note?: string | null },
  ): Promise<Invite> {
    const now = Date.now();
    const row = await this.#db
      .insertInto('invites')
      .values({
        code: randomToken(12),
        created_by: createdBy,
        note: options.note?.trim().slice(0, 200) || null,
        max_uses: options.maxUses ?? null,
        use_count: 0,
        expires_at: options.expiresInDays ? now + options.expiresInDays * 86_400_000 : null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInvite(row);
  }

  async findInvite(code: string): Promise<Invite | null> {
    const row = await this.#db.selectFrom('invites').selectAll().where('code', '=', code.trim()).executeTakeFirst();
    return row ? toInvite(row) : null;
  }

  async listInvites(): Promise<Invite[]> {
    const rows = await this.#db.selectFrom('invites').selectAll().orderBy('id', 'desc').limit(200).execute();
    return rows.map(toInvite);
  }

  async revokeInvite(id: number): Promise<void> {
    await this.#db.updateTable('invites').set({ revoked_at: Date.now() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  inviteUrl(code: string): string {
    return `${this.#config.baseUrl}/signup?invite=${encodeURIComponent(code)}`;
  }
}

/** The handle and email already in use, as field issues (null: not checked). */
async function takenIssues(db: Queryable, handle: string | null, email: string | null): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const taken = handle && (await db.selectFrom('actors').select('id').where('acct', '=', handle.toLowerCase()).executeTakeFirst());
  if (taken) issues.push({ path: 'handle', message: 'That handle is taken; please choose another.' });
  const used = email && (await db.selectFrom('members').select('id').where('email_key', '=', email.toLowerCase()).executeTakeFirst());
  if (used) issues.push({ path: 'email', message: 'An account with this email already exists. Sign in or reset your password.' });
  return issues;
}

async function assertAvailable(db: Queryable, handle: string, email: string): Promise<void> {
  const issues = await takenIssues(db, handle, email);
  if (issues.length > 0) throw new UserError(409, 'taken', 'That handle or email is already in use.', { issues });
}

function field(values: unknown, name: string): unknown {
  return typeof values === 'object' && values !== null ? (values as Record<string, unknown>)[name] : undefined;
}

function toInvite(row: {
  id: number;
  code: string;
  note: string | null;
  max_uses: number | null;
  use_count: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}): Invite {
  const usable =
    !row.revoked_at && (row.max_uses === null || row.use_count < row.max_uses) && (row.expires_at === null || row.expires_at > Date.now());
  return {
    id: row.id,
    code: row.code,
    note: row.note,
    maxUses: row.max_uses,
    useCount: row.use_count,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    usable,
  };
}
