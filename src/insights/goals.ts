import type { Database, Queryable } from '../db/database.ts';
import type { GoalStatus } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { num } from './common.ts';
import { type GoalProgress, GoalProgressReader } from './goal-progress.ts';
import {
  ACTIVE_GOALS_MAX,
  CLOSED_GOALS_LISTED,
  GOAL_NOTES_MAX,
  type GoalCreate,
  type GoalUpdate,
  NOTES_SHOWN,
  type NoteInput,
  parseGoalTags,
} from './goal-schemas.ts';
import { type GoalSuggestions, GoalSuggestionsService } from './goal-suggestions.ts';

/**
 * Learning goals: a member names what they want to learn ("genrefication", "host virtual author
 * visits"), tags it with hashtags and passions, and Commonroom suggests experts, sources, chats
 * and collections for it (goal-suggestions.ts) and tracks progress since the goal was made
 * (goal-progress.ts); a journal of notes goes with each goal. Input is checked by the schemas
 * of goal-schemas.ts before it reaches this service; see docs/insights.md, "Learning goals".
 * Reads the member's passions (`actor_passions`, `passions`: accounts' shared read model).
 */

export interface GoalTag {
  slug: string;
  /** As the member wrote it. */
  name: string;
  /** True when it is one of the member's passions. */
  passion: boolean;
}

export interface Goal {
  id: number;
  title: string;
  description: string;
  status: GoalStatus;
  tags: GoalTag[];
  createdAt: number;
  updatedAt: number;
  achievedAt: number | null;
  progress: GoalProgress;
}

export interface GoalNote {
  id: number;
  text: string;
  createdAt: number;
}

export interface GoalWithNotes extends Goal {
  /** Newest first, at most NOTES_SHOWN. */
  notes: GoalNote[];
}

export interface GoalList {
  /** Active goals, newest first (at most ACTIVE_GOALS_MAX). */
  active: Goal[];
  /** Achieved and archived goals, the most recently changed first (at most CLOSED_GOALS_LISTED). */
  closed: Goal[];
}

/** An example goal for a member with none (from their passions, or the three classics). */
export interface ExampleGoal {
  title: string;
  tags: string[];
}

/** A goal as stored. */
export interface GoalRow {
  id: number;
  title: string;
  description: string;
  status: GoalStatus;
  created_at: number;
  updated_at: number;
  achieved_at: number | null;
}

type Member = Pick<Viewer, 'memberId' | 'actorId'>;

export class GoalsService {
  readonly #database: Database;
  readonly #progress: GoalProgressReader;
  readonly #suggestions: GoalSuggestionsService;

  constructor(deps: { database: Database; baseUrl: string }) {
    this.#database = deps.database;
    this.#progress = new GoalProgressReader({ database: deps.database });
    this.#suggestions = new GoalSuggestionsService({ database: deps.database, baseUrl: deps.baseUrl });
  }

  get #db() {
    return this.#database.db;
  }

  /** The member's active goals and their latest achieved or archived ones, each with progress. */
  async list(viewer: Member): Promise<GoalList> {
    const columns = ['id', 'title', 'description', 'status', 'created_at', 'updated_at', 'achieved_at'] as const;
    const [active, closed] = await Promise.all([
      this.#db
        .selectFrom('goals')
        .select(columns)
        .where('member_id', '=', viewer.memberId)
        .where('status', '=', 'active')
        .orderBy('id', 'desc')
        .limit(ACTIVE_GOALS_MAX + 5)
        .execute(),
      this.#db
        .selectFrom('goals')
        .select(columns)
        .where('member_id', '=', viewer.memberId)
        .where('status', 'in', ['achieved', 'archived'])
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(CLOSED_GOALS_LISTED)
        .execute(),
    ]);
    const goals = await this.#progress.hydrate(viewer, [...active, ...closed]);
    return { active: goals.slice(0, active.length), closed: goals.slice(active.length) };
  }

  /** One of the member's goals with its notes; 404 for an unknown goal or someone else's. */
  async get(viewer: Member, goalId: number): Promise<GoalWithNotes> {
    const row = await this.#own(this.#db, viewer, goalId);
    const [[goal], notes] = await Promise.all([
      this.#progress.hydrate(viewer, [row]),
      this.#db
        .selectFrom('goal_notes')
        .select(['id', 'text', 'created_at'])
        .where('goal_id', '=', goalId)
        .orderBy('id', 'desc')
        .limit(NOTES_SHOWN)
        .execute(),
    ]);
    return { ...goal!, notes: notes.map((n) => ({ id: num(n.id), text: n.text, createdAt: num(n.created_at) })) };
  }

  /** A new goal from checked input (goalCreateSchema); 422 past ACTIVE_GOALS_MAX active goals or GOAL_TAGS_MAX tags. */
  async create(viewer: Member, values: GoalCreate, now = Date.now()): Promise<GoalWithNotes> {
    const tags = parseGoalTags(values.tags);
    const id = await this.#db.transaction().execute(async (tx) => {
      await this.#lockMember(tx, viewer);
      await this.#checkActiveRoom(tx, viewer);
      const goal = await tx
        .insertInto('goals')
        .values({
          member_id: viewer.memberId,
          title: values.title,
          description: values.description ?? '',
          status: 'active',
          created_at: now,
          updated_at: now,
          achieved_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.#writeTags(tx, num(goal.id), tags);
      return num(goal.id);
    });
    return this.get(viewer, id);
  }

  /** Changes the fields given (goalUpdateSchema); tags, when given, are the whole new set. */
  async update(viewer: Member, goalId: number, values: GoalUpdate, now = Date.now()): Promise<GoalWithNotes> {
    const tags = values.tags === undefined ? undefined : parseGoalTags(values.tags);
    await this.#db.transaction().execute(async (tx) => {
      await this.#lockMember(tx, viewer);
      const row = await this.#own(tx, viewer, goalId);
      const status = values.status ?? row.status;
      if (status === 'active' && row.status !== 'active') await this.#checkActiveRoom(tx, viewer);
      await tx
        .updateTable('goals')
        .set({
          title: values.title ?? row.title,
          description: values.description ?? row.description,
          status,
          updated_at: now,
          achieved_at: status === 'achieved' ? (row.status === 'achieved' ? row.achieved_at : now) : null,
        })
        .where('id', '=', goalId)
        .execute();
      if (tags !== undefined) {
        await tx.deleteFrom('goal_tags').where('goal_id', '=', goalId).execute();
        await this.#writeTags(tx, goalId, tags);
      }
    });
    return this.get(viewer, goalId);
  }

  async delete(viewer: Member, goalId: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await this.#own(tx, viewer, goalId);
      await tx.deleteFrom('goal_notes').where('goal_id', '=', goalId).execute();
      await tx.deleteFrom('goal_tags').where('goal_id', '=', goalId).execute();
      await tx.deleteFrom('goals').where('id', '=', goalId).execute();
    });
  }

  async addNote(viewer: Member, goalId: number, { text }: NoteInput, now = Date.now()): Promise<GoalNote> {
    return this.#db.transaction().execute(async (tx) => {
      await this.#lockMember(tx, viewer);
      await this.#own(tx, viewer, goalId);
      const count = await tx
        .selectFrom('goal_notes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('goal_id', '=', goalId)
        .executeTakeFirst();
      if (num(count?.n ?? 0) >= GOAL_NOTES_MAX)
        throw UserError.field('text', `A goal can have at most ${GOAL_NOTES_MAX} notes: delete an old one first.`);
      const note = await tx
        .insertInto('goal_notes')
        .values({ goal_id: goalId, text, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('goals').set({ updated_at: now }).where('id', '=', goalId).execute();
      return { id: num(note.id), text, createdAt: now };
    });
  }

  async deleteNote(viewer: Member, goalId: number, noteId: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await this.#own(tx, viewer, goalId);
      const deleted = await tx.deleteFrom('goal_notes').where('id', '=', noteId).where('goal_id', '=', goalId).executeTakeFirst();
      if (num(deleted.numDeletedRows) === 0) throw UserError.notFound('There is no such note on this goal.');
    });
  }

  /** Three example goals: from the member's passions, or the classics when they have none. */
  async examples(viewer: Member): Promise<ExampleGoal[]> {
    const passions = await this.#db
      .selectFrom('actor_passions')
      .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
      .select('passions.name')
      .where('actor_passions.actor_id', '=', viewer.actorId)
      .orderBy('actor_passions.position')
      .limit(3)
      .execute();
    const classics: ExampleGoal[] = [
      { title: 'Host virtual author visits', tags: ['authorvisits', 'virtualvisits'] },
      { title: 'Learn new edtech apps', tags: ['edtech'] },
      { title: 'Genrefy the fiction collection', tags: ['genrefication'] },
    ];
    const fromPassions = passions.map((p) => ({ title: `Learn more about ${p.name.toLowerCase()}`, tags: [p.name] }));
    return [...fromPassions, ...classics].slice(0, 3);
  }

  /** Experts, sources, chats and collections for one of the member's goals (goal-suggestions.ts). */
  async suggestions(viewer: Member, goalId: number, now = Date.now()): Promise<GoalSuggestions> {
    await this.#own(this.#db, viewer, goalId);
    const tags = await this.#db
      .selectFrom('goal_tags')
      .select(['slug', 'name'])
      .where('goal_id', '=', goalId)
      .orderBy('position')
      .execute();
    return this.#suggestions.forTags(viewer, tags, now);
  }

  // ---- rules ----

  async #own(db: Queryable, viewer: Member, goalId: number): Promise<GoalRow> {
    if (!Number.isSafeInteger(goalId) || goalId <= 0) throw UserError.notFound('There is no such goal.');
    const row = await db
      .selectFrom('goals')
      .select(['id', 'title', 'description', 'status', 'created_at', 'updated_at', 'achieved_at'])
      .where('id', '=', goalId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    // Someone else's goal is as unknown as a missing one: its existence is private too.
    if (!row) throw UserError.notFound('There is no such goal.');
    return row;
  }

  /** On PostgreSQL, serialises a member's goal writes so two requests cannot both pass the limit (SQLite writes one at a time anyway). */
  async #lockMember(tx: Queryable, viewer: Member): Promise<void> {
    if (this.#database.dialect === 'postgres')
      await tx.selectFrom('members').select('id').where('id', '=', viewer.memberId).forUpdate().execute();
  }

  async #checkActiveRoom(tx: Queryable, viewer: Member): Promise<void> {
    const row = await tx
      .selectFrom('goals')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('member_id', '=', viewer.memberId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (num(row?.n ?? 0) >= ACTIVE_GOALS_MAX) {
      throw new UserError(
        422,
        'too_many_goals',
        `You can have at most ${ACTIVE_GOALS_MAX} active goals: mark one achieved or archive it first.`,
      );
    }
  }

  async #writeTags(tx: Queryable, goalId: number, tags: Array<{ slug: string; name: string }>): Promise<void> {
    if (tags.length === 0) return;
    await tx
      .insertInto('goal_tags')
      .values(tags.map((t, position) => ({ goal_id: goalId, slug: t.slug, name: t.name, position })))
      .execute();
  }
}
