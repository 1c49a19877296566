import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { decodeCursor, encodeCursor, likeContains } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { SiteSettings, SiteSettingsValues } from '../platform/settings.ts';
import type { Viewer } from '../platform/viewer.ts';
import { findMemberByHandle, type MemberWithActor } from './people.ts';

/** A member as administrators see them. */
export interface MemberListing {
  id: number;
  handle: string;
  displayName: string;
  email: string;
  isAdmin: boolean;
  suspendedAt: number | null;
  suspendedReason: string | null;
  createdAt: number;
  lastLoginAt: number | null;
}

export interface MemberFilter {
  q?: string | undefined;
  cursor?: string | undefined;
  status?: 'active' | 'suspended' | undefined;
}

export interface AdministrationDeps {
  database: Database;
  settings: SiteSettings;
  logger: Logger;
}

/** Administration: the site's settings, and members (finding, suspending, lifting a suspension). */
export class AdministrationService {
  readonly #database: Database;
  readonly #settings: SiteSettings;
  readonly #logger: Logger;

  constructor(deps: AdministrationDeps) {
    this.#database = deps.database;
    this.#settings = deps.settings;
    this.#logger = deps.logger;
  }

  get #db() {
    return this.#database.db;
  }

  /** Saves the site's name, description and sign-up mode. */
  async updateSite(values: SiteSettingsValues): Promise<void> {
    await this.#settings.update(values);
  }

  /** Members, newest first, 50 a page, matching a name, handle or email and a status. */
  async listMembers(filter: MemberFilter): Promise<{ members: MemberListing[]; nextCursor: string | null }> {
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

  /** A local member by handle (with or without @, any case); 404 when there is none. */
  async memberByHandle(handle: string): Promise<MemberWithActor> {
    const member = await findMemberByHandle(this.#db, handle);
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
}
