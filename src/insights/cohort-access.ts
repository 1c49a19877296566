import type { Database, Queryable } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type Checkpoint, toCheckpoint } from './checkpoints.ts';
import { num } from './common.ts';

/**
 * Who may see a cohort (cohorts.ts) and what they see of it: its instructor and its students,
 * nobody else (404, as if it did not exist). Shared by the cohort, invite and progress services.
 * Reads the instructor's name from the people (`members`, `actors`: accounts' shared read model).
 */

const DAY = 86_400_000;

export type CohortRole = 'instructor' | 'student';

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

/** Whole days left after today until the due moment: 0 on the last day and once it has passed. */
export function daysLeft(dueAt: number, now = Date.now()): number {
  return dueAt <= now ? 0 : Math.floor((dueAt - now) / DAY);
}

export function cohortRow(db: Queryable, id: number) {
  return db
    .selectFrom('cohorts')
    .innerJoin('members', 'members.id', 'cohorts.instructor_member_id')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .selectAll('cohorts')
    .select(['actors.handle', 'actors.display_name'])
    .where('cohorts.id', '=', id)
    .executeTakeFirst();
}
export type CohortRow = NonNullable<Awaited<ReturnType<typeof cohortRow>>>;

export function notFound(): UserError {
  return UserError.notFound('There is no such cohort, or you are not in it.');
}

export class CohortAccess {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  get #db() {
    return this.#database.db;
  }

  /** Whether the member is one of the cohort's students. */
  async enrolled(db: Queryable, cohortId: number, memberId: number): Promise<boolean> {
    const row = await db
      .selectFrom('cohort_students')
      .select('member_id')
      .where('cohort_id', '=', cohortId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The cohort as the viewer may see it; 404 for anyone who neither teaches nor studies in it. */
  async get(viewer: Viewer, id: number, now = Date.now()): Promise<Cohort> {
    const row = await cohortRow(this.#db, id);
    if (!row) throw notFound();
    let role: CohortRole;
    if (row.instructor_member_id === viewer.memberId) role = 'instructor';
    else {
      if (!(await this.enrolled(this.#db, id, viewer.memberId))) throw notFound();
      role = 'student';
    }
    return this.view(row, role, now);
  }

  /** The cohort row when the viewer teaches it; 404 to anyone else, 403 to its students. */
  async requireInstructor(viewer: Viewer, id: number) {
    const row = await cohortRow(this.#db, id);
    if (!row) throw notFound();
    if (row.instructor_member_id !== viewer.memberId) {
      if (!(await this.enrolled(this.#db, id, viewer.memberId))) throw notFound();
      throw UserError.forbidden('Only the instructor can change the cohort.');
    }
    return row;
  }

  /** The cohort as `role` sees it, with its checkpoints and how many students it has. */
  async view(row: CohortRow, role: CohortRole, now: number): Promise<Cohort> {
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
}
