import { sql } from 'kysely';
import { csvCell } from '../chats/index.ts';
import type { Database } from '../db/database.ts';
import type { CohortCheckpointKind } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { Checkpoint } from './checkpoints.ts';
import type { Cohort, CohortAccess, Person } from './cohort-access.ts';
import { num } from './common.ts';
import { STAGES, type Stage, type StagesService } from './stages.ts';

/**
 * Progress on a cohort's assignment (cohorts.ts), computed on request: one grouped query per
 * checkpoint kind for all students at once (the stages of each student for the stage
 * checkpoint), and the instructor's CSV. Only counts and done/not done: never a post, a bookmark
 * or a message. Reads the students' rows in other capabilities' tables, never writes them:
 * social's `follows`, `posts`; chats' `chat_posts`; curation's `articles`, `bookmarks`,
 * `collections`; the people (`members`, `actors`: accounts' shared read model).
 */

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

export class CohortProgressService {
  readonly #database: Database;
  readonly #access: CohortAccess;
  readonly #stages: StagesService;

  constructor(deps: { database: Database; access: CohortAccess; stages: StagesService }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#stages = deps.stages;
  }

  get #db() {
    return this.#database.db;
  }

  /** Progress on the assignment: every student's for the instructor, only their own for a student. */
  async of(viewer: Viewer, id: number, now = Date.now()): Promise<CohortProgress> {
    const cohort = await this.#access.get(viewer, id, now);
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
  async csv(viewer: Viewer, id: number, now = Date.now()): Promise<{ csv: string; filename: string }> {
    const cohort = await this.#access.get(viewer, id, now);
    if (cohort.role !== 'instructor') throw UserError.forbidden('Only the instructor can download the whole cohort’s progress.');
    const { students } = await this.of(viewer, id, now);
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

  /**
   * Every count the checkpoints need, for all the students at once: one grouped query per kind
   * that is asked for (and the stages of each student for the stage checkpoint).
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
            const { stage } = await this.#stages.of({ memberId: s.member_id, actorId: s.actor_id }, now);
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
