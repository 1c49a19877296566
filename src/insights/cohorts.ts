import { sql } from 'kysely';
import { z } from 'zod';
import { csvCell, isTimeZone, parseLocalDate, zonedTimeToUtc } from '../chats/index.ts';
import { type Database, isUniqueViolation, type Queryable } from '../db/database.ts';
import type { CohortCheckpointKind } from '../db/schema.ts';
import { hashToken, randomToken } from '../platform/crypto.ts';
import { parseInput, UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { num } from './common.ts';
import { memberStages, STAGE_LABELS, STAGES, type Stage } from './stages.ts';

/**
 * Cohorts: an instructor's course group. The instructor sets a PLN assignment as checkpoints
 * (follow people incl. some outside your role, post in a chat, reply to people, publish an
 * article, reach a stage, save bookmarks, make a public collection) with a due date, and
 * invites students by link. Students join with explicit consent and see their checklist; the
 * instructor sees everyone's progress on the assignment and nothing else.
 *
 * What counts (docs/insights.md, Cohorts): follows, public collections and the stage are the
 * current state; replies, chats, articles and bookmarks count from the moment the student
 * (last) joined. Progress is computed on request, one grouped query per checkpoint kind for all
 * students at once (memberStages once per student for the stage checkpoint).
 */

const DAY = 86_400_000;

export const CHECKPOINT_KINDS = [
  'follow',
  'join_chat',
  'reply',
  'article',
  'stage',
  'bookmarks',
  'collection',
] as const satisfies readonly CohortCheckpointKind[];
/** Stages a checkpoint may ask for (consumption is where everyone starts). */
export const TARGET_STAGES = ['connection', 'creation', 'contribution'] as const satisfies readonly Stage[];

export const LIMITS = {
  name: 120,
  description: 2000,
  /** Cohorts one member teaches. */
  perInstructor: 100,
  invitesPerCohort: 100,
  inviteDaysDefault: 14,
  inviteDaysMax: 90,
  inviteUsesMax: 1000,
  /** Students in one cohort (the stage checkpoint computes each student's stages). */
  students: 500,
} as const;

/** The highest target of each kind: high enough for any course, low enough to stay meaningful. */
const TARGET_MAX: Record<Exclude<CohortCheckpointKind, 'stage'>, number> = {
  follow: 500,
  join_chat: 20,
  reply: 100,
  article: 20,
  bookmarks: 500,
  collection: 20,
};

// ---- input ----------------------------------------------------------------------------------

const dueDate = z
  .string({ error: 'Give a due date.' })
  .trim()
  .refine((v) => parseLocalDate(v) !== null, 'Write the due date as a real date, YYYY-MM-DD (for example 2026-12-18).');

const cohortFields = {
  name: z
    .string({ error: 'Give the cohort a name.' })
    .trim()
    .min(1, 'Give the cohort a name.')
    .max(LIMITS.name, `A name can have at most ${LIMITS.name} characters.`),
  description: z.string().trim().max(LIMITS.description, `A description can have at most ${LIMITS.description} characters.`),
  dueDate,
};

export const cohortInputSchema = z.strictObject({
  name: cohortFields.name,
  description: cohortFields.description.default(''),
  dueDate: cohortFields.dueDate,
});
/** A change: only the fields sent. */
export const cohortUpdateSchema = z.strictObject({
  name: cohortFields.name.optional(),
  description: cohortFields.description.optional(),
  dueDate: cohortFields.dueDate.optional(),
});
export type CohortInput = z.input<typeof cohortInputSchema>;

const whole = (max: number, what: string) =>
  z
    .number({ error: `Enter the number of ${what} as a whole number.` })
    .int(`Enter the number of ${what} as a whole number.`)
    .min(1, `Ask for at least 1 (${what}).`)
    .max(max, `Ask for at most ${max} (${what}).`);

export const checkpointSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('follow'),
      target: whole(TARGET_MAX.follow, 'people to follow'),
      outsideRole: z
        .number({ error: 'Enter how many must be outside their role, as a whole number (0 for none).' })
        .int('Enter a whole number.')
        .min(0, 'Enter 0 or more.')
        .max(TARGET_MAX.follow, `At most ${TARGET_MAX.follow}.`)
        .default(0),
    }),
    z.strictObject({ kind: z.literal('join_chat'), target: whole(TARGET_MAX.join_chat, 'chats').default(1) }),
    z.strictObject({ kind: z.literal('reply'), target: whole(TARGET_MAX.reply, 'people to reply to') }),
    z.strictObject({ kind: z.literal('article'), target: whole(TARGET_MAX.article, 'articles').default(1) }),
    z.strictObject({
      kind: z.literal('stage'),
      stage: z.enum(TARGET_STAGES, { error: 'Choose the stage to reach: connection, creation or contribution.' }).default('connection'),
    }),
    z.strictObject({ kind: z.literal('bookmarks'), target: whole(TARGET_MAX.bookmarks, 'bookmarks') }),
    z.strictObject({ kind: z.literal('collection'), target: whole(TARGET_MAX.collection, 'public collections').default(1) }),
  ],
  { error: `Choose a checkpoint kind: ${CHECKPOINT_KINDS.join(', ')}.` },
);
export type CheckpointInput = z.input<typeof checkpointSchema>;

export const checkpointsInputSchema = z.strictObject({
  checkpoints: z
    .array(checkpointSchema)
    .max(CHECKPOINT_KINDS.length, `At most ${CHECKPOINT_KINDS.length} checkpoints, one of each kind.`)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((checkpoint, index) => {
        if (seen.has(checkpoint.kind))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'kind'],
            message: `There is already a “${checkpoint.kind}” checkpoint: one of each kind.`,
          });
        seen.add(checkpoint.kind);
        if (checkpoint.kind === 'follow' && checkpoint.outsideRole > checkpoint.target) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'outsideRole'],
            message: 'The people outside their role are among the people followed: ask for no more of them than in all.',
          });
        }
      });
    }),
});

export const inviteInputSchema = z.strictObject({
  expiresInDays: z
    .number({ error: 'Enter the number of days as a whole number.' })
    .int('Enter the number of days as a whole number.')
    .min(1, 'A link lasts at least 1 day.')
    .max(LIMITS.inviteDaysMax, `A link lasts at most ${LIMITS.inviteDaysMax} days.`)
    .default(LIMITS.inviteDaysDefault),
  maxUses: z
    .number({ error: 'Enter the number of uses as a whole number.' })
    .int('Enter the number of uses as a whole number.')
    .min(1, 'Allow at least 1 use, or leave it empty for no limit.')
    .max(LIMITS.inviteUsesMax, `At most ${LIMITS.inviteUsesMax} uses.`)
    .nullable()
    .default(null),
});
export type InviteInput = z.input<typeof inviteInputSchema>;

// ---- views ----------------------------------------------------------------------------------

export type CohortRole = 'instructor' | 'student';

export interface Checkpoint {
  id: number;
  kind: CohortCheckpointKind;
  /** How many; for `stage`, the index in STAGES. */
  target: number;
  /** `follow`: how many must have a role other than the student's (0 otherwise). */
  outsideRole: number;
  /** The stage asked for (`stage` only). */
  stage: Stage | null;
  /** What to do, in words addressed to the student. */
  label: string;
  /** A short column heading (dashboard and CSV). */
  short: string;
  /** Where to go to do it. */
  href: string;
  linkText: string;
}

export interface Person {
  memberId: number;
  handle: string;
  displayName: string;
}

export interface Cohort {
  id: number;
  name: string;
  description: string;
  dueDate: string;
  dueAt: number;
  instructor: Person;
  createdAt: number;
  /** The viewer's place in it. */
  role: CohortRole;
  checkpoints: Checkpoint[];
  studentCount: number;
  /** The checkpoints can still change (the due date has not passed). */
  editable: boolean;
}

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

export interface CheckpointProgress {
  checkpointId: number;
  kind: CohortCheckpointKind;
  done: boolean;
  /** The student's count (for `stage`, the index of their current stage). */
  count: number;
  target: number;
  /** `follow` only: people followed whose role differs from the student's. */
  outsideRoleCount: number | null;
  outsideRoleTarget: number | null;
  /** `stage` only. */
  stage: Stage | null;
  targetStage: Stage | null;
}

export interface StudentProgress {
  student: Person;
  joinedAt: number;
  checkpoints: CheckpointProgress[];
  /** Checkpoints done. */
  done: number;
}

export interface CheckpointTotal {
  checkpointId: number;
  kind: CohortCheckpointKind;
  short: string;
  /** Students who have done it. */
  done: number;
  /** Whole percent of students, or null when there are none (no division by zero). */
  percent: number | null;
}

export interface CohortProgress {
  cohort: Cohort;
  students: StudentProgress[];
  /** Per checkpoint, over the students shown (only the instructor sees them all). */
  totals: CheckpointTotal[];
  computedAt: number;
}

export interface InvitePreview {
  cohort: Cohort;
  /** `join`: may join; `member`: already a student; `instructor`: their own cohort's link. */
  state: 'join' | 'member' | 'instructor';
}

// ---- words ----------------------------------------------------------------------------------

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describe(
  kind: CohortCheckpointKind,
  target: number,
  outsideRole: number,
): Pick<Checkpoint, 'label' | 'short' | 'href' | 'linkText'> {
  switch (kind) {
    case 'follow':
      return {
        label: `Follow at least ${plural(target, 'person', 'people')}${outsideRole > 0 ? `, including at least ${outsideRole} whose role differs from yours` : ''}`,
        short: `Follow ${target}${outsideRole > 0 ? ` (${outsideRole} outside role)` : ''}`,
        href: '/insights/suggestions',
        linkText: 'Find people to follow',
      };
    case 'join_chat':
      return {
        label: target === 1 ? 'Take part in a chat (post in it)' : `Take part in at least ${target} chats (post in them)`,
        short: `Chats ${target}`,
        href: '/chats',
        linkText: 'See the chats',
      };
    case 'reply':
      return {
        label: `Reply to at least ${plural(target, 'person', 'different people')}`,
        short: `Reply to ${target}`,
        href: '/stream',
        linkText: 'Open your stream',
      };
    case 'article':
      return {
        label: target === 1 ? 'Publish an article (your reflection)' : `Publish at least ${target} articles`,
        short: `Articles ${target}`,
        href: '/articles/new',
        linkText: 'Write an article',
      };
    case 'stage': {
      const stage = STAGES[target] ?? 'connection';
      return {
        label: `Reach the ${STAGE_LABELS[stage].toLowerCase()} stage`,
        short: `Stage: ${STAGE_LABELS[stage].toLowerCase()}`,
        href: '/insights',
        linkText: 'See your stage',
      };
    }
    case 'bookmarks':
      return {
        label: `Save at least ${plural(target, 'bookmark', 'bookmarks')}`,
        short: `Bookmarks ${target}`,
        href: '/bookmarks/new',
        linkText: 'Save a bookmark',
      };
    case 'collection':
      return {
        label: target === 1 ? 'Make a public collection' : `Make at least ${target} public collections`,
        short: `Public collections ${target}`,
        href: '/collections',
        linkText: 'Make a collection',
      };
  }
}

function toCheckpoint(row: { id: number; kind: CohortCheckpointKind; target: number; outside_role: number | null }): Checkpoint {
  const outsideRole = row.kind === 'follow' ? (row.outside_role ?? 0) : 0;
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    outsideRole,
    stage: row.kind === 'stage' ? (STAGES[row.target] ?? 'connection') : null,
    ...describe(row.kind, row.target, outsideRole),
  };
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

/** Whole days left after today until the due moment: 0 on the last day and once it has passed. */
export function daysLeft(dueAt: number, now = Date.now()): number {
  return dueAt <= now ? 0 : Math.floor((dueAt - now) / DAY);
}

// ---- the service ----------------------------------------------------------------------------

export class CohortsService {
  readonly #database: Database;
  readonly #baseUrl: string;

  constructor(database: Database, baseUrl: string) {
    this.#database = database;
    this.#baseUrl = baseUrl;
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

  async create(viewer: Viewer, input: unknown, now = Date.now()): Promise<Cohort> {
    const data = parseInput(cohortInputSchema, input);
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
  async get(viewer: Viewer, id: number, now = Date.now()): Promise<Cohort> {
    const row = await cohortRow(this.#db, id);
    if (!row) throw notFound();
    let role: CohortRole;
    if (row.instructor_member_id === viewer.memberId) role = 'instructor';
    else {
      const enrolled = await this.#db
        .selectFrom('cohort_students')
        .select('member_id')
        .where('cohort_id', '=', id)
        .where('member_id', '=', viewer.memberId)
        .executeTakeFirst();
      if (!enrolled) throw notFound();
      role = 'student';
    }
    return this.#view(row, role, now);
  }

  async update(viewer: Viewer, id: number, input: unknown, now = Date.now()): Promise<Cohort> {
    const data = parseInput(cohortUpdateSchema, input);
    await this.#requireInstructor(viewer, id);
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
    await this.#requireInstructor(viewer, id);
    await this.#db.deleteFrom('cohorts').where('id', '=', id).execute();
  }

  /** Replaces the assignment. Only until the due date: after it, what students did is final. */
  async setCheckpoints(viewer: Viewer, id: number, input: unknown, now = Date.now()): Promise<Cohort> {
    const { checkpoints } = parseInput(checkpointsInputSchema, input);
    const cohort = await this.#requireInstructor(viewer, id);
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

  async invites(viewer: Viewer, id: number, now = Date.now()): Promise<Invite[]> {
    await this.#requireInstructor(viewer, id);
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
  async createInvite(
    viewer: Viewer,
    id: number,
    input: unknown,
    now = Date.now(),
    token = randomToken(),
  ): Promise<{ invite: Invite; token: string; url: string }> {
    const data = parseInput(inviteInputSchema, input);
    await this.#requireInstructor(viewer, id);
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
  async revokeInvite(viewer: Viewer, id: number, inviteId: number, now = Date.now()): Promise<void> {
    await this.#requireInstructor(viewer, id);
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
  async previewInvite(viewer: Viewer, token: string, now = Date.now()): Promise<InvitePreview> {
    const invite = await findInvite(this.#db, token);
    const row = (await cohortRow(this.#db, invite.cohort_id))!;
    if (row.instructor_member_id === viewer.memberId) return { cohort: await this.#view(row, 'instructor', now), state: 'instructor' };
    const enrolled = await this.#db
      .selectFrom('cohort_students')
      .select('member_id')
      .where('cohort_id', '=', row.id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    // A student who is in already goes to the cohort, whatever became of the link since.
    if (enrolled) return { cohort: await this.#view(row, 'student', now), state: 'member' };
    checkUsable(invite, now);
    return { cohort: await this.#view(row, 'student', now), state: 'join' };
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
        const enrolled = await tx
          .selectFrom('cohort_students')
          .select('member_id')
          .where('cohort_id', '=', cohort.id)
          .where('member_id', '=', viewer.memberId)
          .executeTakeFirst();
        if (enrolled) return { cohortId: cohort.id, alreadyMember: true };
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

  /** Progress on the assignment: every student's for the instructor, only their own for a student. */
  async progress(viewer: Viewer, id: number, now = Date.now()): Promise<CohortProgress> {
    const cohort = await this.get(viewer, id, now);
    let query = this.#db
      .selectFrom('cohort_students')
      .innerJoin('members', 'members.id', 'cohort_students.member_id')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(['cohort_students.member_id', 'members.actor_id', 'actors.handle', 'actors.display_name', 'cohort_students.joined_at'])
      .where('cohort_students.cohort_id', '=', id);
    if (cohort.role === 'student') query = query.where('cohort_students.member_id', '=', viewer.memberId);
    const students = await query.orderBy('actors.display_name').orderBy('actors.handle').execute();
    const only = cohort.role === 'student' ? viewer.memberId : null;
    const counts = await this.#counts(id, cohort.checkpoints, students, only, now);
    const progress = students.map((s): StudentProgress => {
      const checkpoints = cohort.checkpoints.map((c) => measure(c, counts, s.member_id));
      return {
        student: { memberId: s.member_id, handle: s.handle, displayName: s.display_name },
        joinedAt: s.joined_at,
        checkpoints,
        done: checkpoints.filter((p) => p.done).length,
      };
    });
    const totals = cohort.checkpoints.map((c, i): CheckpointTotal => {
      const done = progress.filter((p) => p.checkpoints[i]!.done).length;
      return {
        checkpointId: c.id,
        kind: c.kind,
        short: c.short,
        done,
        percent: progress.length === 0 ? null : Math.round((100 * done) / progress.length),
      };
    });
    return { cohort, students: progress, totals, computedAt: now };
  }

  /** The instructor's CSV export: a header row, then one row per student. */
  async progressCsv(viewer: Viewer, id: number, now = Date.now()): Promise<{ csv: string; filename: string }> {
    const cohort = await this.get(viewer, id, now);
    if (cohort.role !== 'instructor') throw UserError.forbidden('Only the instructor can download the whole cohort’s progress.');
    const { students } = await this.progress(viewer, id, now);
    const header = ['handle', 'display_name', 'joined_at'];
    for (const c of cohort.checkpoints) {
      header.push(`${c.short}: count`, `${c.short}: done`);
      if (c.kind === 'follow' && c.outsideRole > 0) header.push(`${c.short}: outside role`);
    }
    header.push('checkpoints_done', 'checkpoints_total');
    const rows = [header];
    for (const s of students) {
      const row = [s.student.handle, s.student.displayName, new Date(s.joinedAt).toISOString()];
      s.checkpoints.forEach((p, i) => {
        row.push(p.stage ? p.stage : String(p.count), p.done ? 'yes' : 'no');
        if (cohort.checkpoints[i]!.kind === 'follow' && cohort.checkpoints[i]!.outsideRole > 0) row.push(String(p.outsideRoleCount ?? 0));
      });
      row.push(String(s.done), String(cohort.checkpoints.length));
      rows.push(row);
    }
    const slug =
      cohort.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || 'cohort';
    return { csv: rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join(''), filename: `${slug}-progress.csv` };
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The end of the due date in the instructor's time zone; it must not have passed. */
  #dueAt(viewer: Viewer, date: string, now: number): number {
    const zone = isTimeZone(viewer.timeZone) ? viewer.timeZone : 'UTC';
    const due = zonedTimeToUtc(date, '23:59', zone) + 59_999;
    if (due <= now) throw UserError.field('dueDate', 'The due date has passed: choose today or a later day.');
    return due;
  }

  /** The cohort row when the viewer teaches it; 404 to anyone else, 403 to its students. */
  async #requireInstructor(viewer: Viewer, id: number) {
    const row = await cohortRow(this.#db, id);
    if (!row) throw notFound();
    if (row.instructor_member_id !== viewer.memberId) {
      const enrolled = await this.#db
        .selectFrom('cohort_students')
        .select('member_id')
        .where('cohort_id', '=', id)
        .where('member_id', '=', viewer.memberId)
        .executeTakeFirst();
      if (!enrolled) throw notFound();
      throw UserError.forbidden('Only the instructor can change the cohort.');
    }
    return row;
  }

  async #view(row: CohortRow, role: CohortRole, now: number): Promise<Cohort> {
    const [checkpoints, students] = await Promise.all([
      this.#db
        .selectFrom('cohort_checkpoints')
        .select(['id', 'kind', 'target', 'outside_role'])
        .where('cohort_id', '=', row.id)
        .orderBy('position')
        .execute(),
      this.#db
        .selectFrom('cohort_students')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('cohort_id', '=', row.id)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      dueDate: row.due_date,
      dueAt: row.due_at,
      instructor: { memberId: row.instructor_member_id, handle: row.handle, displayName: row.display_name },
      createdAt: row.created_at,
      role,
      checkpoints: checkpoints.map(toCheckpoint),
      studentCount: num(students.n),
      editable: row.due_at > now,
    };
  }

  /**
   * Every count the checkpoints need, for all the students at once: one grouped query per kind
   * that is asked for (and memberStages per student for the stage checkpoint).
   */
  async #counts(
    cohortId: number,
    checkpoints: Checkpoint[],
    students: Array<{ member_id: number; actor_id: number }>,
    only: number | null,
    now: number,
  ): Promise<Counts> {
    const counts: Counts = new Map();
    if (students.length === 0) return counts;
    const kinds = new Set(checkpoints.map((c) => c.kind));
    const db = this.#db;
    const studentFilter = only === null ? sql`` : sql` and cs.member_id = ${only}`;
    const put = (
      kind: string,
      rows: Array<{ member_id: number | string; n: number | string | null; outside?: number | string | null }>,
    ) => {
      for (const r of rows) counts.set(`${kind}:${Number(r.member_id)}`, { n: num(r.n), outside: num(r.outside) });
    };
    const tasks: Array<Promise<void>> = [];
    if (kinds.has('follow')) {
      // Current state: accepted follows; "outside their role" = the person has a role and it is not the student's.
      tasks.push(
        sql<{ member_id: number; n: number; outside: number }>`
          select cs.member_id, count(*) as n,
            sum(case when fa.role is not null and (sa.role is null or fa.role <> sa.role) then 1 else 0 end) as outside
          from cohort_students cs
          join members m on m.id = cs.member_id
          join actors sa on sa.id = m.actor_id
          join follows f on f.follower_id = m.actor_id and f.state = 'accepted'
          join actors fa on fa.id = f.followee_id
          where cs.cohort_id = ${cohortId}${studentFilter}
          group by cs.member_id`
          .execute(db)
          .then((r) => put('follow', r.rows)),
      );
    }
    if (kinds.has('reply')) {
      // Since joining: replies to other people (not direct messages), each person once.
      tasks.push(
        sql<{ member_id: number; n: number }>`
          select cs.member_id, count(distinct p.reply_to_actor_id) as n
          from cohort_students cs
          join members m on m.id = cs.member_id
          join posts p on p.actor_id = m.actor_id and p.created_at >= cs.joined_at
          where cs.cohort_id = ${cohortId}${studentFilter}
            and p.reply_to_actor_id is not null and p.reply_to_actor_id <> p.actor_id
            and p.deleted_at is null and p.visibility <> 'direct'
          group by cs.member_id`
          .execute(db)
          .then((r) => put('reply', r.rows)),
      );
    }
    if (kinds.has('join_chat')) {
      tasks.push(
        sql<{ member_id: number; n: number }>`
          select cs.member_id, count(distinct cp.chat_id) as n
          from cohort_students cs
          join members m on m.id = cs.member_id
          join chat_posts cp on cp.actor_id = m.actor_id and cp.created_at >= cs.joined_at
          where cs.cohort_id = ${cohortId}${studentFilter}
          group by cs.member_id`
          .execute(db)
          .then((r) => put('join_chat', r.rows)),
      );
    }
    if (kinds.has('article')) {
      tasks.push(
        sql<{ member_id: number; n: number }>`
          select cs.member_id, count(*) as n
          from cohort_students cs
          join articles a on a.member_id = cs.member_id and a.status = 'published' and a.published_at >= cs.joined_at
          where cs.cohort_id = ${cohortId}${studentFilter}
          group by cs.member_id`
          .execute(db)
          .then((r) => put('article', r.rows)),
      );
    }
    if (kinds.has('bookmarks')) {
      tasks.push(
        sql<{ member_id: number; n: number }>`
          select cs.member_id, count(*) as n
          from cohort_students cs
          join bookmarks b on b.member_id = cs.member_id and b.created_at >= cs.joined_at
          where cs.cohort_id = ${cohortId}${studentFilter}
          group by cs.member_id`
          .execute(db)
          .then((r) => put('bookmarks', r.rows)),
      );
    }
    if (kinds.has('collection')) {
      tasks.push(
        sql<{ member_id: number; n: number }>`
          select cs.member_id, count(*) as n
          from cohort_students cs
          join collections c on c.owner_id = cs.member_id and c.visibility = 'public'
          where cs.cohort_id = ${cohortId}${studentFilter}
          group by cs.member_id`
          .execute(db)
          .then((r) => put('collection', r.rows)),
      );
    }
    await Promise.all(tasks);
    if (kinds.has('stage')) {
      // Stages are a member's whole picture (stages.ts): computed per student, a few at a time.
      for (let i = 0; i < students.length; i += 8) {
        await Promise.all(
          students.slice(i, i + 8).map(async (s) => {
            const { stage } = await memberStages(this.#database, { memberId: s.member_id, actorId: s.actor_id }, now);
            counts.set(`stage:${s.member_id}`, { n: STAGES.indexOf(stage), outside: 0 });
          }),
        );
      }
    }
    return counts;
  }
}

type Counts = Map<string, { n: number; outside: number }>;

function measure(c: Checkpoint, counts: Counts, memberId: number): CheckpointProgress {
  const found = counts.get(`${c.kind}:${memberId}`) ?? { n: 0, outside: 0 };
  const base = {
    checkpointId: c.id,
    kind: c.kind,
    count: found.n,
    target: c.target,
    outsideRoleCount: null,
    outsideRoleTarget: null,
    stage: null,
    targetStage: null,
  };
  if (c.kind === 'follow') {
    return {
      ...base,
      outsideRoleCount: found.outside,
      outsideRoleTarget: c.outsideRole,
      done: found.n >= c.target && found.outside >= c.outsideRole,
    };
  }
  if (c.kind === 'stage') {
    return { ...base, stage: STAGES[found.n] ?? 'consumption', targetStage: c.stage, done: found.n >= c.target };
  }
  return { ...base, done: found.n >= c.target };
}

function cohortRow(db: Queryable, id: number) {
  return db
    .selectFrom('cohorts')
    .innerJoin('members', 'members.id', 'cohorts.instructor_member_id')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .selectAll('cohorts')
    .select(['actors.handle', 'actors.display_name'])
    .where('cohorts.id', '=', id)
    .executeTakeFirst();
}
type CohortRow = NonNullable<Awaited<ReturnType<typeof cohortRow>>>;

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

function notFound(): UserError {
  return UserError.notFound('There is no such cohort, or you are not in it.');
}

function usedUp(): UserError {
  return new UserError(410, 'used_up', 'This invite link has been used as many times as the instructor allowed. Ask them for a new one.');
}
