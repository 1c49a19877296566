import { sql } from 'kysely';
import type { Database, Queryable, Tx } from '../db/database.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { hashPassword, hashToken, randomToken, verifyPassword } from '../platform/crypto.ts';
import { decodeCursor, encodeCursor, likeContains } from '../platform/cursor.ts';
import { parseInput, UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ProcessedPhoto, processPhoto } from './photos.ts';
import { roleLabel } from './roles.ts';
import type { ActorRow, MemberWithActor, Passion, PublicMember } from './store.ts';
import * as store from './store.ts';
import {
  type ProfileInput,
  type ProfileLink,
  passwordSchema,
  profilePatchSchema,
  profileSchema,
  type SignupInput,
  signupSchema,
} from './validation.ts';

/** A member's public profile. */
export interface Profile {
  actorId: number;
  memberId: number;
  handle: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  role: string | null;
  roleOther: string | null;
  roleLabel: string | null;
  organisation: string | null;
  location: string | null;
  timeZone: string;
  passions: Passion[];
  links: ProfileLink[];
  profileVisibility: 'public' | 'members';
  joinedAt: number;
}

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

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

const SESSION_DAYS = 30;
const SESSION_TOUCH_MS = 10 * 60_000;
const RESET_HOURS = 24;
const LOGIN_WINDOW_MS = 15 * 60_000;
const LOGIN_MAX_PER_ACCOUNT = 8;
const LOGIN_MAX_PER_IP = 40;
const SIGNUP_WINDOW_MS = 60 * 60_000;

export interface AccountsDeps {
  database: Database;
  config: Config;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  storage: Storage;
  logger: Logger;
  clock: Clock;
}

/** Called inside the transaction that changed a member's public profile (federation sends an Update). */
export type ProfileChangeListener = (tx: Tx, actorId: number) => Promise<void>;

export class AccountsService {
  readonly #database: Database;
  readonly #config: Config;
  readonly #settings: SiteSettings;
  readonly #rateLimiter: RateLimiter;
  readonly #storage: Storage;
  readonly #logger: Logger;
  readonly #profileListeners: ProfileChangeListener[] = [];
  readonly #clock: Clock;

  constructor(deps: AccountsDeps) {
    this.#clock = deps.clock;
    this.#database = deps.database;
    this.#config = deps.config;
    this.#settings = deps.settings;
    this.#rateLimiter = deps.rateLimiter;
    this.#storage = deps.storage;
    this.#logger = deps.logger.child({ component: 'accounts' });
  }

  /** Hears every change of a member's public profile, inside the transaction that made it. */
  onProfileChange(listener: ProfileChangeListener): void {
    this.#profileListeners.push(listener);
  }

  async #profileChanged(tx: Tx, actorId: number): Promise<void> {
    for (const listener of this.#profileListeners) await listener(tx, actorId);
  }

  /** Removes sessions that have ended and reset links a day past their end (an hourly job). */
  async removeExpired(): Promise<void> {
    const now = this.#clock.now();
    await this.#db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    await this.#db
      .deleteFrom('password_resets')
      .where('expires_at', '<=', now - 86_400_000)
      .execute();
  }

  get #db() {
    return this.#database.db;
  }

  // ---- sign-up -------------------------------------------------------------------------

  /** Whether sign-up is possible right now, and why not. */
  async signupState(inviteCode?: string): Promise<{ allowed: boolean; reason?: string; firstMember: boolean; invite?: Invite }> {
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
    if (!invite?.usable) {
      return {
        allowed: false,
        firstMember,
        reason: 'This invitation link has expired, was revoked or has been used up. Ask for a new one.',
      };
    }
    return { allowed: true, firstMember, invite };
  }

  /** Creates a member through the sign-up form or API; returns a new session token. */
  async signup(raw: unknown, meta: RequestMeta): Promise<{ member: MemberWithActor; sessionToken: string }> {
    const input = parseInput(signupSchema, raw);
    const limit = await this.#rateLimiter.hit(`signup:ip:${meta.ip}`, SIGNUP_WINDOW_MS);
    if (limit.count > this.#config.signupsPerHour)
      throw tooMany('Too many accounts were created from your network recently.', limit.resetAt);

    const state = await this.signupState(input.inviteCode);
    if (!state.allowed) throw new UserError(403, 'signup_closed', state.reason!);
    const member = await this.createMember(input, { inviteId: state.invite?.id });
    const sessionToken = await this.createSession(member.id, meta);
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
      await this.assertAvailable(tx, input.handle, input.email);
      if (options.inviteId !== undefined) {
        const used = await tx
          .updateTable('invites')
          .set((eb) => ({ use_count: eb('use_count', '+', 1) }))
          .where('id', '=', options.inviteId)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('max_uses', 'is', null), eb('use_count', '<', eb.ref('max_uses'))]))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .executeTakeFirst();
        if (Number(used.numUpdatedRows) !== 1) {
          throw new UserError(403, 'invite_used', 'This invitation link has expired, was revoked or has been used up. Ask for a new one.');
        }
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
        await this.assertAvailable(this.#db, input.handle, input.email);
      }
      throw error;
    }
    return (await store.findMemberById(options.tx ?? this.#db, id))!;
  }

  private async assertAvailable(db: Queryable, handle: string, email: string): Promise<void> {
    const issues = [];
    const taken = await db.selectFrom('actors').select('id').where('acct', '=', handle.toLowerCase()).executeTakeFirst();
    if (taken) issues.push({ path: 'handle', message: 'That handle is taken; please choose another.' });
    const used = await db.selectFrom('members').select('id').where('email_key', '=', email.toLowerCase()).executeTakeFirst();
    if (used) issues.push({ path: 'email', message: 'An account with this email already exists. Sign in or reset your password.' });
    if (issues.length > 0) throw new UserError(409, 'taken', 'That handle or email is already in use.', { issues });
  }

  // ---- sessions and sign-in --------------------------------------------------------------

  async login(login: string, password: string, meta: RequestMeta): Promise<{ member: MemberWithActor; sessionToken: string }> {
    const typed = login.trim();
    const member = typed ? await store.findMemberByLogin(this.#db, typed) : undefined;
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
    return { member, sessionToken: await this.createSession(member.id, meta) };
  }

  async createSession(memberId: number, meta: RequestMeta): Promise<string> {
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

  async logout(token: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
  }

  /** The member behind a session cookie, or null. Sliding expiry, touched at most every few minutes. */
  async viewerForSession(token: string): Promise<Viewer | null> {
    const now = Date.now();
    const row = await this.viewerQuery()
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

  /** The member behind an API token (`Authorization: Bearer …`), or null. */
  async viewerForApiToken(token: string): Promise<Viewer | null> {
    const row = await this.viewerQuery()
      .innerJoin('api_tokens', 'api_tokens.member_id', 'members.id')
      .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
      .where('api_tokens.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.suspended_at) return null;
    const now = Date.now();
    if (!row.last_used_at || now - row.last_used_at > SESSION_TOUCH_MS) {
      await this.#db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
    }
    return toViewer(row);
  }

  /** A member acting through the system (a timed chat question is asked by its host), or null when suspended or gone. */
  async viewerForMember(memberId: number): Promise<Viewer | null> {
    const row = await this.viewerQuery().where('members.id', '=', memberId).executeTakeFirst();
    return row && !row.suspended_at ? toViewer(row) : null;
  }

  private viewerQuery() {
    return this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select([
        'members.id as member_id',
        'members.actor_id',
        'members.is_admin',
        'members.time_zone',
        'members.suspended_at',
        'actors.handle',
        'actors.display_name',
        'actors.avatar_url',
      ]);
  }

  async createApiToken(memberId: number, name: string): Promise<string> {
    const clean = name.trim().slice(0, 80) || 'API token';
    const token = `cr_${randomToken()}`;
    await this.#db
      .insertInto('api_tokens')
      .values({ member_id: memberId, name: clean, token_hash: hashToken(token), created_at: Date.now() })
      .execute();
    return token;
  }

  async listApiTokens(memberId: number): Promise<Array<{ id: number; name: string; createdAt: number; lastUsedAt: number | null }>> {
    const rows = await this.#db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at', 'last_used_at'])
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async revokeApiToken(memberId: number, id: number): Promise<void> {
    await this.#db.deleteFrom('api_tokens').where('id', '=', id).where('member_id', '=', memberId).execute();
  }

  // ---- passwords ---------------------------------------------------------------------------

  /** Changes the password and signs out every other session. */
  async changePassword(memberId: number, current: string, next: unknown, keepSessionToken?: string): Promise<void> {
    const member = await store.findMemberById(this.#db, memberId);
    if (!member) throw UserError.notFound();
    if (!(await verifyPassword(current, member.password_hash))) {
      throw UserError.field('currentPassword', 'Your current password is not right.', 403, 'bad_credentials');
    }
    const password = parseField('newPassword', passwordSchema, next);
    const hash = await hashPassword(password);
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('members').set({ password_hash: hash }).where('id', '=', memberId).execute();
      let others = tx.deleteFrom('sessions').where('member_id', '=', memberId);
      if (keepSessionToken) others = others.where('token_hash', '!=', hashToken(keepSessionToken));
      await others.execute();
    });
  }

  /** Makes a one-time reset link token (valid 24 hours). */
  async createPasswordReset(memberId: number): Promise<{ token: string; url: string; expiresAt: number }> {
    const token = randomToken();
    const now = Date.now();
    const expiresAt = now + RESET_HOURS * 3600_000;
    await this.#db
      .insertInto('password_resets')
      .values({ member_id: memberId, token_hash: hashToken(token), created_at: now, expires_at: expiresAt })
      .execute();
    return { token, url: `${this.#config.baseUrl}/reset-password/${token}`, expiresAt };
  }

  async findPasswordReset(token: string): Promise<{ memberId: number; handle: string } | null> {
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
   * Sets a new password from a reset link; the link then stops working, every session ends and
   * every API token is revoked (whoever knew the old password may have made one). Returns how
   * many tokens were revoked.
   */
  async resetPassword(token: string, next: unknown): Promise<{ revokedTokens: number }> {
    const password = parseField('password', passwordSchema, next);
    const hash = await hashPassword(password);
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

  // ---- profiles -------------------------------------------------------------------------------

  /** A member's profile as `viewer` may see it; 404 for unknown or suspended, 403 when limited to members. */
  async profile(handle: string, viewer: Viewer | null): Promise<Profile> {
    const member = await store.findMemberByHandle(this.#db, handle);
    if (!member || member.suspended_at) throw UserError.notFound(`There is no member @${handle.replace(/^@/, '')} here.`);
    if (member.profile_visibility === 'members' && !viewer) {
      throw new UserError(401, 'members_only', `@${member.actor.handle} shares their profile with signed-in members only.`);
    }
    const passions = await store.passionsOf(this.#db, [member.actor_id]);
    return toProfile(member.actor, member, passions.get(member.actor_id) ?? []);
  }

  async ownProfile(memberId: number): Promise<Profile & { email: string }> {
    const member = await store.findMemberById(this.#db, memberId);
    if (!member) throw UserError.notFound();
    const passions = await store.passionsOf(this.#db, [member.actor_id]);
    return { ...toProfile(member.actor, member, passions.get(member.actor_id) ?? []), email: member.email };
  }

  /**
   * Replaces the whole editable profile (the settings form), and the photo when one is given.
   * Everything is checked before anything is saved, and every problem is reported at once.
   */
  async updateProfile(memberId: number, raw: unknown, photo: { bytes?: Uint8Array | null; remove?: boolean } = {}): Promise<Profile> {
    const errors: UserError[] = [];
    const attempt = async <T>(work: () => Promise<T> | T): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        errors.push(error);
        return undefined;
      }
    };
    const input = await attempt(() => parseInput(profileSchema, raw));
    const image = photo.bytes ? await attempt(() => this.checkPhoto(photo.bytes!)) : undefined;
    if (errors.length === 1) throw errors[0]!;
    if (errors.length > 1) throw UserError.invalid(errors.flatMap((e) => e.issues));
    await this.saveProfile(memberId, input!);
    if (image) await this.storePhoto(memberId, image);
    else if (photo.remove) await this.removePhoto(memberId);
    return this.ownProfile(memberId);
  }

  /** Changes only the given fields (PATCH /api/v1/profile). */
  async patchProfile(memberId: number, raw: unknown): Promise<Profile> {
    const patch = parseInput(profilePatchSchema, raw);
    const current = await this.ownProfile(memberId);
    const merged = parseInput(profileSchema, { ...editableProfile(current), ...patch });
    await this.saveProfile(memberId, merged);
    return this.ownProfile(memberId);
  }

  private async saveProfile(memberId: number, input: ProfileInput): Promise<void> {
    const now = Date.now();
    await this.#db.transaction().execute(async (tx) => {
      const member = await tx.selectFrom('members').select(['actor_id']).where('id', '=', memberId).executeTakeFirst();
      if (!member) throw UserError.notFound();
      const actor = await tx.selectFrom('actors').select('handle').where('id', '=', member.actor_id).executeTakeFirstOrThrow();
      const passions = await store.setPassions(tx, member.actor_id, input.passions, now);
      const fields = {
        display_name: input.displayName,
        bio: input.bio,
        role: input.role,
        role_other: input.role === 'other' ? input.roleOther : null,
        organisation: input.organisation,
        location: input.location,
      };
      await tx
        .updateTable('actors')
        .set({
          ...fields,
          location_key: input.location?.toLowerCase() ?? null,
          links: JSON.stringify(input.links),
          search_text: store.searchText({ ...fields, handle: actor.handle }, passions),
          updated_at: now,
        })
        .where('id', '=', member.actor_id)
        .execute();
      await tx
        .updateTable('members')
        .set({ time_zone: input.timeZone, profile_visibility: input.profileVisibility })
        .where('id', '=', memberId)
        .execute();
      await this.#profileChanged(tx, member.actor_id);
    });
  }

  /** Checks, resizes and stores a profile photo, replacing the previous one. */
  async setPhoto(memberId: number, bytes: Uint8Array): Promise<string> {
    return this.storePhoto(memberId, await this.checkPhoto(bytes));
  }

  private async checkPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
    if (bytes.byteLength > this.#config.maxUploadBytes) {
      throw UserError.field('photo', `The photo is too large: the limit is ${formatBytes(this.#config.maxUploadBytes)}.`, 413, 'too_large');
    }
    return processPhoto(bytes);
  }

  private async storePhoto(memberId: number, image: ProcessedPhoto): Promise<string> {
    const url = await this.#storage.put('avatars', image.extension, image.bytes);
    const previous = await this.replaceAvatar(memberId, url);
    if (previous) await this.#storage.delete(previous);
    return url;
  }

  async removePhoto(memberId: number): Promise<void> {
    const previous = await this.replaceAvatar(memberId, null);
    if (previous) await this.#storage.delete(previous);
  }

  private async replaceAvatar(memberId: number, url: string | null): Promise<string | null> {
    return this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('members')
        .innerJoin('actors', 'actors.id', 'members.actor_id')
        .select(['actors.id', 'actors.avatar_url'])
        .where('members.id', '=', memberId)
        .executeTakeFirst();
      if (!row) throw UserError.notFound();
      await tx.updateTable('actors').set({ avatar_url: url, updated_at: Date.now() }).where('id', '=', row.id).execute();
      await this.#profileChanged(tx, row.id);
      return row.avatar_url;
    });
  }

  // ---- directory --------------------------------------------------------------------------------

  async directory(
    filter: {
      role?: string | undefined;
      passion?: string | undefined;
      location?: string | undefined;
      q?: string | undefined;
      cursor?: string | undefined;
      limit?: number | undefined;
    },
    viewer: Viewer | null,
  ): Promise<{ people: Profile[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(filter.limit ?? 24, 1), 100);
    const beforeId = filter.cursor ? decodeCursor(filter.cursor, ['number'])[0] : undefined;
    const rows = await store.directory(this.#db, {
      role: filter.role || undefined,
      passion: filter.passion?.trim() || undefined,
      location: filter.location?.trim() || undefined,
      q: filter.q?.trim() || undefined,
      publicOnly: !viewer,
      beforeId,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const passions = await store.passionsOf(
      this.#db,
      page.map((r) => r.actor.id),
    );
    return {
      people: page.map((r) => toProfile(r.actor, r.member, passions.get(r.actor.id) ?? [])),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.member.id]) : null,
    };
  }

  async passionSuggestions(prefix: string, limit = 10): Promise<Array<Passion & { count: number }>> {
    return store.passionSuggestions(this.#db, prefix.slice(0, 40), Math.min(Math.max(limit, 1), 50));
  }

  // ---- administration -----------------------------------------------------------------------------

  async listMembers(filter: { q?: string | undefined; cursor?: string | undefined; status?: 'active' | 'suspended' | undefined }): Promise<{
    members: Array<{
      id: number;
      handle: string;
      displayName: string;
      email: string;
      isAdmin: boolean;
      suspendedAt: number | null;
      suspendedReason: string | null;
      createdAt: number;
      lastLoginAt: number | null;
    }>;
    nextCursor: string | null;
  }> {
    const limit = 50;
    let query = this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select([
        'members.id',
        'actors.handle',
        'actors.display_name',
        'members.email',
        'members.is_admin',
        'members.suspended_at',
        'members.suspended_reason',
        'members.created_at',
        'members.last_login_at',
      ]);
    const q = filter.q?.trim().toLowerCase();
    if (q) {
      const pattern = likeContains(q);
      query = query.where((eb) =>
        eb.or([
          sql<boolean>`actors.search_text like ${pattern} escape ${sql.raw(`'\\'`)}`,
          sql<boolean>`members.email_key like ${pattern} escape ${sql.raw(`'\\'`)}`,
        ]),
      );
    }
    if (filter.status === 'suspended') query = query.where('members.suspended_at', 'is not', null);
    if (filter.status === 'active') query = query.where('members.suspended_at', 'is', null);
    if (filter.cursor) query = query.where('members.id', '<', decodeCursor(filter.cursor, ['number'])[0]);
    const rows = await query
      .orderBy('members.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    return {
      members: page.map((r) => ({
        id: r.id,
        handle: r.handle,
        displayName: r.display_name,
        email: r.email,
        isAdmin: r.is_admin === 1,
        suspendedAt: r.suspended_at,
        suspendedReason: r.suspended_reason,
        createdAt: r.created_at,
        lastLoginAt: r.last_login_at,
      })),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null,
    };
  }

  async memberByHandle(handle: string): Promise<MemberWithActor> {
    const member = await store.findMemberByHandle(this.#db, handle);
    if (!member) throw UserError.notFound(`There is no member @${handle.replace(/^@/, '')}.`);
    return member;
  }

  /** Suspends a member: they are signed out everywhere and disappear from the directory. */
  async suspend(handle: string, reason: string | null, by: Viewer | null): Promise<void> {
    const member = await this.memberByHandle(handle);
    if (by && by.memberId === member.id) throw UserError.forbidden('You cannot suspend your own account.');
    const now = Date.now();
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .updateTable('members')
        .set({ suspended_at: now, suspended_reason: reason?.trim().slice(0, 500) || null })
        .where('id', '=', member.id)
        .execute();
      await tx.deleteFrom('sessions').where('member_id', '=', member.id).execute();
      await tx.deleteFrom('api_tokens').where('member_id', '=', member.id).execute();
    });
    this.#logger.info({ member: member.id, by: by?.memberId ?? 'cli' }, 'member suspended');
  }

  async unsuspend(handle: string, by: Viewer | null): Promise<void> {
    const member = await this.memberByHandle(handle);
    await this.#db.updateTable('members').set({ suspended_at: null, suspended_reason: null }).where('id', '=', member.id).execute();
    this.#logger.info({ member: member.id, by: by?.memberId ?? 'cli' }, 'member unsuspended');
  }

  // ---- invitations -----------------------------------------------------------------------------------

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

// A valid hash of a random password, verified when the account does not exist (constant work).
const DUMMY_HASH = await hashPassword(randomToken());

function toViewer(row: {
  member_id: number;
  actor_id: number;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  is_admin: number;
  time_zone: string;
}): Viewer {
  return {
    memberId: row.member_id,
    actorId: row.actor_id,
    handle: row.handle,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    isAdmin: row.is_admin === 1,
    timeZone: row.time_zone,
  };
}

export function toProfile(actor: ActorRow, member: PublicMember, passions: Passion[]): Profile {
  return {
    actorId: actor.id,
    memberId: member.id,
    handle: actor.handle,
    displayName: actor.display_name,
    bio: actor.bio,
    avatarUrl: actor.avatar_url,
    role: actor.role,
    roleOther: actor.role_other,
    roleLabel: roleLabel(actor.role, actor.role_other),
    organisation: actor.organisation,
    location: actor.location,
    timeZone: member.time_zone,
    passions,
    links: store.parseLinks(actor.links),
    profileVisibility: member.profile_visibility === 'members' ? 'members' : 'public',
    joinedAt: member.created_at,
  };
}

/** A stored profile in the shape of the profile form and schema (empty strings for blanks). */
export function editableProfile(p: Profile) {
  return {
    displayName: p.displayName,
    bio: p.bio,
    role: p.role,
    roleOther: p.roleOther ?? '',
    organisation: p.organisation ?? '',
    location: p.location ?? '',
    timeZone: p.timeZone,
    passions: p.passions.map((x) => x.name),
    links: p.links,
    profileVisibility: p.profileVisibility,
  };
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

function parseField<T>(
  path: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw UserError.field(path, result.error.issues[0]!.message);
  return result.data;
}

function tooMany(what: string, resetAt: number): UserError {
  const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new UserError(429, 'rate_limited', `${what} Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, {
    retryAfter: seconds,
  });
}

function suspended(reason: string | null): UserError {
  return new UserError(403, 'suspended', `This account is suspended${reason ? `: ${reason}` : ''}. Contact the site administrator.`);
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}
