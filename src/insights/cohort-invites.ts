import { type Database, isUniqueViolation, type Queryable } from '../db/database.ts';
import { hashToken, randomToken } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type Cohort, type CohortAccess, cohortRow } from './cohort-access.ts';
import { type InviteInput, LIMITS } from './cohort-schemas.ts';
import { num } from './common.ts';

/**
 * A cohort's invite links (cohorts.ts) and joining with one: the instructor makes links (the
 * token is shown once; only its hash is kept), revokes them; a student previews a link and joins
 * with explicit consent.
 */

const DAY = 86_400_000;

export type InviteStatus = 'active' | 'expired' | 'used_up' | 'revoked';

export interface Invite {
  id: number;
  expiresAt: number;
  maxUses: number | null;
  uses: number;
  revokedAt: number | null;
  createdAt: number;
  status: InviteStatus;
}

export interface InvitePreview {
  cohort: Cohort;
  /** `join`: may join; `member`: already a student; `instructor`: their own cohort's link. */
  state: 'join' | 'member' | 'instructor';
}

export class CohortInvitesService {
  readonly #database: Database;
  readonly #baseUrl: string;
  readonly #access: CohortAccess;

  constructor(deps: { database: Database; baseUrl: string; access: CohortAccess }) {
    this.#database = deps.database;
    this.#baseUrl = deps.baseUrl;
    this.#access = deps.access;
  }

  get #db() {
    return this.#database.db;
  }

  /** The cohort's invite links, newest first (instructor). */
  async list(viewer: Viewer, id: number, now = Date.now()): Promise<Invite[]> {
    await this.#access.requireInstructor(viewer, id);
    const rows = await this.#db.selectFrom('cohort_invites').selectAll().where('cohort_id', '=', id).orderBy('id', 'desc').execute();
    return rows.map((r) => ({
      id: r.id,
      expiresAt: r.expires_at,
      maxUses: r.max_uses,
      uses: r.uses,
      revokedAt: r.revoked_at,
      createdAt: r.created_at,
      status: inviteStatus(r, now),
    }));
  }

  /**
   * A new invite link. The token is returned once and only its hash is stored. `token` lets the
   * demo use a known link; everything else gets 32 random bytes.
   */
  async create(
    viewer: Viewer,
    id: number,
    data: InviteInput,
    now = Date.now(),
    token = randomToken(),
  ): Promise<{ invite: Invite; token: string; url: string }> {
    await this.#access.requireInstructor(viewer, id);
    const row = await this.#db.transaction().execute(async (tx) => {
      const count = await tx
        .selectFrom('cohort_invites')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('cohort_id', '=', id)
        .executeTakeFirstOrThrow();
      if (num(count.n) >= LIMITS.invitesPerCohort)
        throw new UserError(
          409,
          'too_many',
          `A cohort can have ${LIMITS.invitesPerCohort} invite links: revoke and delete the cohort’s old ones by making a new cohort, or reuse an active link.`,
        );
      return tx
        .insertInto('cohort_invites')
        .values({
          cohort_id: id,
          token_hash: hashToken(token),
          expires_at: now + data.expiresInDays * DAY,
          max_uses: data.maxUses,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return {
      invite: {
        id: row.id,
        expiresAt: row.expires_at,
        maxUses: row.max_uses,
        uses: row.uses,
        revokedAt: null,
        createdAt: row.created_at,
        status: inviteStatus(row, now),
      },
      token,
      url: this.joinUrl(token),
    };
  }

  joinUrl(token: string): string {
    return `${this.#baseUrl}/insights/cohorts/join/${encodeURIComponent(token)}`;
  }

  /** Revokes a link: it stops working at once (students who joined with it stay). Revoking twice is fine. */
  async revoke(viewer: Viewer, id: number, inviteId: number, now = Date.now()): Promise<void> {
    await this.#access.requireInstructor(viewer, id);
    const invite = await this.#db
      .selectFrom('cohort_invites')
      .select('id')
      .where('id', '=', inviteId)
      .where('cohort_id', '=', id)
      .executeTakeFirst();
    if (!invite) throw UserError.notFound('There is no such invite link in this cohort.');
    await this.#db
      .updateTable('cohort_invites')
      .set({ revoked_at: now })
      .where('id', '=', inviteId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** What an invite link leads to, for the consent page. Refuses links that no longer work. */
  async preview(viewer: Viewer, token: string, now = Date.now()): Promise<InvitePreview> {
    const invite = await findInvite(this.#db, token);
    const row = (await cohortRow(this.#db, invite.cohort_id))!;
    if (row.instructor_member_id === viewer.memberId)
      return { cohort: await this.#access.view(row, 'instructor', now), state: 'instructor' };
    // A student who is in already goes to the cohort, whatever became of the link since.
    if (await this.#access.enrolled(this.#db, row.id, viewer.memberId))
      return { cohort: await this.#access.view(row, 'student', now), state: 'member' };
    checkUsable(invite, now);
    return { cohort: await this.#access.view(row, 'student', now), state: 'join' };
  }

  /**
   * Joins with an invite link, with consent. The link's checks, its use and the enrolment are one
   * transaction: the use is counted by a conditional update (so a single-use link used by two
   * people at the same moment lets only one in), and the primary key of cohort_students makes a
   * second enrolment of the same student impossible.
   */
  async join(
    viewer: Viewer,
    input: { token: string; consent: boolean },
    now = Date.now(),
  ): Promise<{ cohortId: number; alreadyMember: boolean }> {
    try {
      return await this.#db.transaction().execute(async (tx) => {
        const invite = await findInvite(tx, input.token);
        const cohort = (await cohortRow(tx, invite.cohort_id))!;
        if (cohort.instructor_member_id === viewer.memberId) {
          throw new UserError(
            409,
            'own_cohort',
            'You teach this cohort, so you cannot join it as a student. Share this link with your students.',
          );
        }
        if (await this.#access.enrolled(tx, cohort.id, viewer.memberId)) return { cohortId: cohort.id, alreadyMember: true };
        checkUsable(invite, now);
        if (input.consent !== true)
          throw UserError.field(
            'consent',
            'Tick the box to agree that your instructor sees your progress on this assignment, or do not join.',
          );
        const students = await tx
          .selectFrom('cohort_students')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('cohort_id', '=', cohort.id)
          .executeTakeFirstOrThrow();
        if (num(students.n) >= LIMITS.students)
          throw new UserError(409, 'cohort_full', `This cohort is full (${LIMITS.students} students).`);
        const used = await tx
          .updateTable('cohort_invites')
          .set((eb) => ({ uses: eb('uses', '+', 1) }))
          .where('id', '=', invite.id)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
          .executeTakeFirst();
        if (Number(used.numUpdatedRows) === 0) throw usedUp();
        await tx
          .insertInto('cohort_students')
          .values({ cohort_id: cohort.id, member_id: viewer.memberId, invite_id: invite.id, joined_at: now, consented_at: now })
          .execute();
        return { cohortId: cohort.id, alreadyMember: false };
      });
    } catch (error) {
      // The same student joining twice at the same moment: the second finds the first's row.
      if (isUniqueViolation(error)) {
        const invite = await findInvite(this.#db, input.token).catch(() => null);
        if (invite) return { cohortId: invite.cohort_id, alreadyMember: true };
      }
      throw error;
    }
  }
}

function inviteStatus(
  row: { expires_at: number; max_uses: number | null; uses: number; revoked_at: number | null },
  now: number,
): InviteStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.max_uses !== null && row.uses >= row.max_uses) return 'used_up';
  if (row.expires_at <= now) return 'expired';
  return 'active';
}

/** The invite a token names: unknown or revoked → 404. */
async function findInvite(db: Queryable, token: string) {
  const invite =
    token.length > 0 && token.length <= 200
      ? await db.selectFrom('cohort_invites').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst()
      : undefined;
  if (!invite || invite.revoked_at !== null)
    throw UserError.notFound('This invite link does not exist or was withdrawn by the instructor. Ask them for a new one.');
  return invite;
}

/** Used up or expired → 410 (checked after "already a member", who simply goes to the cohort). */
function checkUsable(invite: { expires_at: number; max_uses: number | null; uses: number }, now: number): void {
  if (invite.max_uses !== null && invite.uses >= invite.max_uses) throw usedUp();
  if (invite.expires_at <= now) throw new UserError(410, 'expired', 'This invite link has expired. Ask your instructor for a new one.');
}

function usedUp(): UserError {
  return new UserError(410, 'used_up', 'This invite link has been used as many times as the instructor allowed. Ask them for a new one.');
}
