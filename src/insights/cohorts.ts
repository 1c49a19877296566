import { isTimeZone, zonedTimeToUtc } from '../chats/index.ts';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type Cohort, CohortAccess, type CohortRole, cohortRow, notFound, type Person } from './cohort-access.ts';
import { CohortInvitesService, type Invite, type InvitePreview } from './cohort-invites.ts';
import { type CohortProgress, CohortProgressService } from './cohort-progress.ts';
import {
  CHECKPOINT_KINDS,
  type CheckpointsInput,
  type CohortCreate,
  type CohortUpdate,
  type InviteInput,
  LIMITS,
} from './cohort-schemas.ts';
import { num } from './common.ts';
import { STAGES, type StagesService } from './stages.ts';

/**
 * Cohorts: an instructor's course group. The instructor sets a PLN assignment as checkpoints
 * (follow people incl. some outside your role, post in a chat, reply to people, publish an
 * article, reach a stage, save bookmarks, make a public collection) with a due date, and
 * invites students by link. Students join with explicit consent and see their checklist; the
 * instructor sees everyone's progress on the assignment and nothing else.
 *
 * What counts (docs/insights.md, Cohorts): follows, public collections and the stage are the
 * current state; replies, chats, articles and bookmarks count from the moment the student
 * (last) joined. The parts: who sees what (cohort-access.ts), the checkpoints in words
 * (checkpoints.ts), invite links and joining (cohort-invites.ts), progress and the CSV
 * (cohort-progress.ts); input is checked by cohort-schemas.ts before it reaches this service.
 */

export type { Cohort, CohortRole, Person } from './cohort-access.ts';

export interface CohortSummary {
  id: number;
  name: string;
  dueDate: string;
  dueAt: number;
  role: CohortRole;
  instructor: Person;
  studentCount: number;
  checkpointCount: number;
}

export class CohortsService {
  readonly #database: Database;
  readonly #access: CohortAccess;
  readonly #invites: CohortInvitesService;
  readonly #progress: CohortProgressService;

  constructor(deps: { database: Database; baseUrl: string; stages: StagesService }) {
    this.#database = deps.database;
    this.#access = new CohortAccess({ database: deps.database });
    this.#invites = new CohortInvitesService({ database: deps.database, baseUrl: deps.baseUrl, access: this.#access });
    this.#progress = new CohortProgressService({ database: deps.database, access: this.#access, stages: deps.stages });
  }

  get #db() {
    return this.#database.db;
  }

  /** The cohorts the member teaches and the ones they are enrolled in, newest first. */
  async list(viewer: Viewer): Promise<{ teaching: CohortSummary[]; enrolled: CohortSummary[] }> {
    const rows = await this.#db
      .selectFrom('cohorts')
      .innerJoin('members', 'members.id', 'cohorts.instructor_member_id')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .leftJoin('cohort_students as me', (j) => j.onRef('me.cohort_id', '=', 'cohorts.id').on('me.member_id', '=', viewer.memberId))
      .select((eb) => [
        'cohorts.id',
        'cohorts.name',
        'cohorts.due_date',
        'cohorts.due_at',
        'cohorts.instructor_member_id',
        'actors.handle',
        'actors.display_name',
        eb
          .selectFrom('cohort_students')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('cohort_students.cohort_id', '=', 'cohorts.id')
          .as('students'),
        eb
          .selectFrom('cohort_checkpoints')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('cohort_checkpoints.cohort_id', '=', 'cohorts.id')
          .as('checkpoints'),
      ])
      .where((eb) => eb.or([eb('cohorts.instructor_member_id', '=', viewer.memberId), eb('me.member_id', 'is not', null)]))
      .orderBy('cohorts.id', 'desc')
      .execute();
    const summaries = rows.map(
      (r): CohortSummary => ({
        id: r.id,
        name: r.name,
        dueDate: r.due_date,
        dueAt: r.due_at,
        role: r.instructor_member_id === viewer.memberId ? 'instructor' : 'student',
        instructor: { memberId: r.instructor_member_id, handle: r.handle, displayName: r.display_name },
        studentCount: num(r.students),
        checkpointCount: num(r.checkpoints),
      }),
    );
    return { teaching: summaries.filter((s) => s.role === 'instructor'), enrolled: summaries.filter((s) => s.role === 'student') };
  }

  /** A new cohort the viewer teaches (cohortInputSchema); 409 past LIMITS.perInstructor. */
  async create(viewer: Viewer, data: CohortCreate, now = Date.now()): Promise<Cohort> {
    const due = this.#dueAt(viewer, data.dueDate, now);
    const id = await this.#db.transaction().execute(async (tx) => {
      const count = await tx
        .selectFrom('cohorts')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('instructor_member_id', '=', viewer.memberId)
        .executeTakeFirstOrThrow();
      if (num(count.n) >= LIMITS.perInstructor)
        throw new UserError(409, 'too_many', `You teach ${LIMITS.perInstructor} cohorts already: delete an old one first.`);
      const row = await tx
        .insertInto('cohorts')
        .values({
          instructor_member_id: viewer.memberId,
          name: data.name,
          description: data.description,
          due_date: data.dueDate,
          due_at: due,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return this.get(viewer, id, now);
  }

  /** The cohort as the viewer may see it; 404 for anyone who neither teaches nor studies in it. */
  get(viewer: Viewer, id: number, now = Date.now()): Promise<Cohort> {
    return this.#access.get(viewer, id, now);
  }

  /** Changes the fields given (cohortUpdateSchema): instructor only. */
  async update(viewer: Viewer, id: number, data: CohortUpdate, now = Date.now()): Promise<Cohort> {
    await this.#access.requireInstructor(viewer, id);
    const changes: { name?: string; description?: string; due_date?: string; due_at?: number; updated_at: number } = { updated_at: now };
    if (data.name !== undefined) changes.name = data.name;
    if (data.description !== undefined) changes.description = data.description;
    if (data.dueDate !== undefined) {
      changes.due_date = data.dueDate;
      changes.due_at = this.#dueAt(viewer, data.dueDate, now);
    }
    await this.#db.updateTable('cohorts').set(changes).where('id', '=', id).execute();
    return this.get(viewer, id, now);
  }

  /** Deletes the cohort with its checkpoints, invites and students' enrolments (nothing of the students' own). */
  async delete(viewer: Viewer, id: number): Promise<void> {
    await this.#access.requireInstructor(viewer, id);
    await this.#db.deleteFrom('cohorts').where('id', '=', id).execute();
  }

  /** Replaces the assignment. Only until the due date: after it, what students did is final. */
  async setCheckpoints(viewer: Viewer, id: number, { checkpoints }: CheckpointsInput, now = Date.now()): Promise<Cohort> {
    const cohort = await this.#access.requireInstructor(viewer, id);
    if (cohort.due_at <= now)
      throw new UserError(
        409,
        'past_due',
        'The due date has passed, so the checkpoints can no longer change. Move the due date first if the course goes on.',
      );
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('cohort_checkpoints').where('cohort_id', '=', id).execute();
      // Stored in the fixed order of kinds, so every cohort's checklist reads the same way.
      const ordered = [...checkpoints].sort((a, b) => CHECKPOINT_KINDS.indexOf(a.kind) - CHECKPOINT_KINDS.indexOf(b.kind));
      if (ordered.length === 0) return;
      await tx
        .insertInto('cohort_checkpoints')
        .values(
          ordered.map((c, position) => ({
            cohort_id: id,
            position,
            kind: c.kind,
            target: c.kind === 'stage' ? STAGES.indexOf(c.stage) : c.target,
            outside_role: c.kind === 'follow' ? c.outsideRole : null,
          })),
        )
        .execute();
      await tx.updateTable('cohorts').set({ updated_at: now }).where('id', '=', id).execute();
    });
    return this.get(viewer, id, now);
  }

  /** Leaves a cohort: the enrolment is deleted, so the instructor no longer sees any of it. */
  async leave(viewer: Viewer, id: number): Promise<void> {
    const cohort = await cohortRow(this.#db, id);
    if (cohort && cohort.instructor_member_id === viewer.memberId)
      throw new UserError(409, 'own_cohort', 'You teach this cohort; delete it instead of leaving it.');
    const result = await this.#db
      .deleteFrom('cohort_students')
      .where('cohort_id', '=', id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound();
  }

  // ---- invite links and joining (cohort-invites.ts) --------------------------------------------

  /** The cohort's invite links, newest first (instructor). */
  invites(viewer: Viewer, id: number, now = Date.now()): Promise<Invite[]> {
    return this.#invites.list(viewer, id, now);
  }

  /**
   * A new invite link (inviteInputSchema). The token is returned once and only its hash is
   * stored. `token` lets the demo use a known link; everything else gets 32 random bytes.
   */
  createInvite(
    viewer: Viewer,
    id: number,
    input: InviteInput,
    now = Date.now(),
    token?: string,
  ): Promise<{ invite: Invite; token: string; url: string }> {
    return this.#invites.create(viewer, id, input, now, token);
  }

  joinUrl(token: string): string {
    return this.#invites.joinUrl(token);
  }

  /** Revokes a link: it stops working at once (students who joined with it stay). */
  revokeInvite(viewer: Viewer, id: number, inviteId: number, now = Date.now()): Promise<void> {
    return this.#invites.revoke(viewer, id, inviteId, now);
  }

  /** What an invite link leads to, for the consent page. */
  previewInvite(viewer: Viewer, token: string, now = Date.now()): Promise<InvitePreview> {
    return this.#invites.preview(viewer, token, now);
  }

  /** Joins with an invite link, with consent. */
  join(
    viewer: Viewer,
    input: { token: string; consent: boolean },
    now = Date.now(),
  ): Promise<{ cohortId: number; alreadyMember: boolean }> {
    return this.#invites.join(viewer, input, now);
  }

  // ---- progress (cohort-progress.ts) -----------------------------------------------------------

  /** Progress on the assignment: every student's for the instructor, only their own for a student. */
  progress(viewer: Viewer, id: number, now = Date.now()): Promise<CohortProgress> {
    return this.#progress.of(viewer, id, now);
  }

  /** The instructor's CSV export: a header row, then one row per student. */
  progressCsv(viewer: Viewer, id: number, now = Date.now()): Promise<{ csv: string; filename: string }> {
    return this.#progress.csv(viewer, id, now);
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The end of the due date in the instructor's time zone; it must not have passed. */
  #dueAt(viewer: Viewer, date: string, now: number): number {
    const zone = isTimeZone(viewer.timeZone) ? viewer.timeZone : 'UTC';
    const due = zonedTimeToUtc(date, '23:59', zone) + 59_999;
    if (due <= now) throw UserError.field('dueDate', 'The due date has passed: choose today or a later day.');
    return due;
  }
}
