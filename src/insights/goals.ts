import { sql } from 'kysely';
import { z } from 'zod';
import { passionSlug } from '../accounts/index.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { GoalStatus } from '../db/schema.ts';
import { parseInput, UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { ACTOR_SUMMARY_COLUMNS, type ActorSummary, actorSummary } from '../social/index.ts';
import { listWords, num, unionAll } from './common.ts';

/**
 * Learning goals: a member names what they want to learn ("genrefication", "host virtual author
 * visits"), tags it with hashtags and passions, and Commonroom suggests experts, sources, chats
 * and collections for it and tracks progress since the goal was made. Every read is bounded
 * (LIMITs inside the SQL, at most 10 tags a goal), so the cost does not grow with the
 * community; see docs/insights.md, "Learning goals".
 */

export const GOAL_TITLE_MAX = 120;
export const GOAL_DESCRIPTION_MAX = 2000;
export const GOAL_TAGS_MAX = 10;
export const GOAL_TAG_MAX = 50;
export const ACTIVE_GOALS_MAX = 25;
export const GOAL_NOTE_MAX = 2000;
/** Notes per goal: a journal, not a blog; keeps a goal's page bounded. */
export const GOAL_NOTES_MAX = 500;
/** Achieved and archived goals listed (the most recently changed). */
export const CLOSED_GOALS_LISTED = 25;
/** Notes shown on a goal (newest first). */
export const NOTES_SHOWN = 100;
export const GOAL_STATUSES = ['active', 'achieved', 'archived'] as const satisfies readonly GoalStatus[];

const DAY = 86_400_000;
/** "Recently" for experts: posts in the last 30 days count by number. */
const EXPERT_WINDOW = 30 * DAY;

/** Bounds of the work per request. */
const BOUNDS = {
  /** Experts: the newest listed posts read per hashtag, and the newest holders per passion. */
  postsPerTag: 200,
  holdersPerPassion: 100,
  expertCandidates: 300,
  experts: 8,
  /** Sources: the most-subscribed sources looked at, and their latest items each. */
  sourceCandidates: 60,
  itemsPerSource: 20,
  sources: 5,
  /** Chats: series with the tag as hashtag, and chats from 30 days ago to 60 days ahead. */
  chatWindowBack: 30 * DAY,
  chatWindowAhead: 60 * DAY,
  chatCandidates: 200,
  chats: 5,
  /** Collections: the most recently changed shared ones, and their first entries. */
  collectionCandidates: 100,
  entriesPerCollection: 20,
  collections: 5,
  /** Progress: the rows of the member's own activity read since the goal began. */
  reads: 1000,
  followees: 2000,
  ownRows: 5000,
} as const;

export interface GoalTag {
  slug: string;
  /** As the member wrote it. */
  name: string;
  /** True when it is one of the member's passions. */
  passion: boolean;
}

export interface GoalProgress {
  /** People followed since the goal began who post with its tags or list them as passions. */
  peopleFollowed: number;
  /** Feed items read (among the latest 1,000 read) that arrived since and match the tags. */
  itemsRead: number;
  /** Bookmarks made since, carrying one of the tags. */
  itemsSaved: number;
  /** Own posts (not replies to others) with a tag and a question mark. */
  questionsAsked: number;
  /** Replies to other people's posts where the reply or the post replied to has a tag. */
  questionsAnswered: number;
  /** Notes in the goal's journal. */
  notes: number;
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

export interface ExpertSuggestion {
  actor: ActorSummary;
  reasons: string[];
  /** Posts with the goal's tags in the last 30 days (among the newest read). */
  recentPosts: number;
}

export interface SourceSuggestion {
  id: number;
  title: string;
  /** The feed's address: what Subscribe sends. */
  url: string;
  siteUrl: string | null;
  subscribers: number;
  reasons: string[];
}

export interface ChatSuggestion {
  slug: string;
  date: string;
  title: string;
  hashtag: string;
  topic: string;
  startsAt: number;
  state: string;
  /** The chat's page. */
  path: string;
  reasons: string[];
}

export interface CollectionSuggestion {
  id: number;
  kind: 'collection' | 'starter_kit';
  title: string;
  description: string;
  /** The collection's page. */
  path: string;
  reasons: string[];
}

export interface GoalSuggestions {
  experts: ExpertSuggestion[];
  sources: SourceSuggestion[];
  chats: ChatSuggestion[];
  collections: CollectionSuggestion[];
}

/** An example goal for a member with none (from their passions, or the three classics). */
export interface ExampleGoal {
  title: string;
  tags: string[];
}

// ---- input -----------------------------------------------------------------------------------

/** No control characters (line breaks stay in multi-line text), spaces collapsed, trimmed. */
function cleanText(text: string, lines: boolean): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return (lines ? clean.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : clean.replace(/\s+/g, ' ')).trim();
}

const titleSchema = z
  .string({ error: 'Give the goal a title.' })
  .transform((v) => cleanText(v, false))
  .pipe(z.string().min(1, 'Give the goal a title.').max(GOAL_TITLE_MAX, `A goal’s title can have at most ${GOAL_TITLE_MAX} characters.`));
const descriptionSchema = z
  .string()
  .transform((v) => cleanText(v, true))
  .pipe(z.string().max(GOAL_DESCRIPTION_MAX, `A description can have at most ${GOAL_DESCRIPTION_MAX} characters.`));
/** Tags arrive as a list (API) or as the text the member typed (form); both are checked in parseGoalTags. */
const tagsSchema = z.union([z.array(z.string()), z.string()]);

export const goalCreateSchema = z.strictObject({
  title: titleSchema,
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
});
export const goalUpdateSchema = z.strictObject({
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  status: z.enum(GOAL_STATUSES, { error: 'The status is active, achieved or archived.' }).optional(),
  tags: tagsSchema.optional(),
});
export const noteSchema = z.strictObject({
  text: z
    .string({ error: 'Write the note.' })
    .transform((v) => cleanText(v, true))
    .pipe(z.string().min(1, 'Write the note.').max(GOAL_NOTE_MAX, `A note can have at most ${GOAL_NOTE_MAX} characters.`)),
});

/**
 * Tag names from a list or typed text: commas (or, with none, spaces) separate tags, a leading
 * # goes, and tags normalise like hashtags and passions (`passionSlug`), so #AuthorVisits,
 * "author visits" and "Author-Visits" are one tag. Duplicates merge before the limit is checked.
 */
export function parseGoalTags(input: string[] | string | undefined): Array<{ slug: string; name: string }> {
  if (input === undefined) return [];
  const raw = typeof input === 'string' ? (input.includes(',') ? input.split(/[,\n]/) : input.split(/\s+/)) : input;
  const tags: Array<{ slug: string; name: string }> = [];
  const seen = new Set<string>();
  for (const entry of raw) {
    const name = cleanText(entry, false).replace(/^#+/, '').trim();
    if (!name) continue;
    if (name.length > GOAL_TAG_MAX) {
      throw UserError.field('tags', `A tag can have at most ${GOAL_TAG_MAX} characters: “${name.slice(0, 30)}…” is longer.`);
    }
    const slug = passionSlug(name);
    if (!slug) throw UserError.field('tags', `“${name}” cannot be a tag: a tag needs letters or digits.`);
    if (seen.has(slug)) continue;
    seen.add(slug);
    tags.push({ slug, name });
  }
  if (tags.length > GOAL_TAGS_MAX) {
    throw UserError.field(
      'tags',
      `A goal can have at most ${GOAL_TAGS_MAX} tags; you gave ${tags.length}. Keep the ${GOAL_TAGS_MAX} that matter most.`,
    );
  }
  return tags;
}

// ---- matching --------------------------------------------------------------------------------

/**
 * The tag slug that `text` mentions, or null: a word, or two or three adjacent words run
 * together ("graphic novels" → graphicnovels), equal to a slug. Whole words only, so the tag
 * "art" does not match "start". Reads at most the first 5,000 characters.
 */
export function mentionedTag(text: string | null | undefined, slugs: ReadonlySet<string>): string | null {
  if (!text || slugs.size === 0) return null;
  const words = text
    .slice(0, 5000)
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    let joined = '';
    for (let n = 0; n < 3 && i + n < words.length; n++) {
      joined += words[i + n];
      if (slugs.has(joined)) return joined;
    }
  }
  return null;
}

/** A feed item's categories (JSON array text) as slugs. */
function itemTagSlugs(tags: string | null): string[] {
  if (!tags) return [];
  try {
    const list: unknown = JSON.parse(tags);
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string').map(passionSlug) : [];
  } catch {
    return [];
  }
}

function itemMentions(item: { title: string; tags: string | null }, slugs: ReadonlySet<string>): string | null {
  return itemTagSlugs(item.tags).find((s) => slugs.has(s)) ?? mentionedTag(item.title, slugs);
}

/** A question: a question mark outside links (whose query strings have them too). */
export function isQuestion(text: string): boolean {
  return text.replace(/https?:\/\/\S+/g, ' ').includes('?');
}

// ---- helpers ---------------------------------------------------------------------------------

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** How a tag reads in a reason: its hashtag form when it is one word, else in quotes. */
const tagWord = (tag: { slug: string; name: string }) => (/^[\p{L}\p{N}_]+$/u.test(tag.name) ? `#${tag.name}` : `“${tag.name}”`);

const ZERO_PROGRESS: GoalProgress = { peopleFollowed: 0, itemsRead: 0, itemsSaved: 0, questionsAsked: 0, questionsAnswered: 0, notes: 0 };

interface GoalRow {
  id: number;
  title: string;
  description: string;
  status: GoalStatus;
  created_at: number;
  updated_at: number;
  achieved_at: number | null;
}

type Member = Pick<Viewer, 'memberId' | 'actorId'>;

// ---- service ---------------------------------------------------------------------------------

export class GoalsService {
  readonly #database: Database;
  readonly #baseUrl: string;

  constructor(database: Database, baseUrl: string) {
    this.#database = database;
    this.#baseUrl = baseUrl;
  }

  get #db() {
    return this.#database.db;
  }

  /** The member's active goals and their latest achieved or archived ones, each with progress. */
  async list(viewer: Member, now = Date.now()): Promise<GoalList> {
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
    const goals = await this.#hydrate(viewer, [...active, ...closed], now);
    return { active: goals.slice(0, active.length), closed: goals.slice(active.length) };
  }

  /** One of the member's goals with its notes; 404 for an unknown goal or someone else's. */
  async get(viewer: Member, goalId: number, now = Date.now()): Promise<GoalWithNotes> {
    const row = await this.#own(this.#db, viewer, goalId);
    const [[goal], notes] = await Promise.all([
      this.#hydrate(viewer, [row], now),
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

  async create(viewer: Member, input: unknown, now = Date.now()): Promise<GoalWithNotes> {
    const values = parseInput(goalCreateSchema, input);
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
    return this.get(viewer, id, now);
  }

  async update(viewer: Member, goalId: number, input: unknown, now = Date.now()): Promise<GoalWithNotes> {
    const values = parseInput(goalUpdateSchema, input);
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
    return this.get(viewer, goalId, now);
  }

  async delete(viewer: Member, goalId: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await this.#own(tx, viewer, goalId);
      await tx.deleteFrom('goal_notes').where('goal_id', '=', goalId).execute();
      await tx.deleteFrom('goal_tags').where('goal_id', '=', goalId).execute();
      await tx.deleteFrom('goals').where('id', '=', goalId).execute();
    });
  }

  async addNote(viewer: Member, goalId: number, input: unknown, now = Date.now()): Promise<GoalNote> {
    const { text } = parseInput(noteSchema, input);
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

  // ---- suggestions ----

  /** Experts, sources, chats and collections for one of the member's goals. */
  async suggestions(viewer: Member, goalId: number, now = Date.now()): Promise<GoalSuggestions> {
    await this.#own(this.#db, viewer, goalId);
    const tags = await this.#db
      .selectFrom('goal_tags')
      .select(['slug', 'name'])
      .where('goal_id', '=', goalId)
      .orderBy('position')
      .execute();
    if (tags.length === 0) return { experts: [], sources: [], chats: [], collections: [] };
    const [experts, sources, chats, collections] = await Promise.all([
      this.#experts(viewer, tags, now),
      this.#sources(viewer, tags),
      this.#chats(tags, now),
      this.#collections(viewer, tags),
    ]);
    return { experts, sources, chats, collections };
  }

  async #experts(viewer: Member, tags: Array<{ slug: string; name: string }>, now: number): Promise<ExpertSuggestion[]> {
    const db = this.#db;
    const slugs = tags.map((t) => t.slug);
    const [hashtags, passions] = await Promise.all([
      db.selectFrom('hashtags').select(['id', 'slug', 'name']).where('slug', 'in', slugs).execute(),
      db.selectFrom('passions').select(['id', 'slug', 'name']).where('slug', 'in', slugs).execute(),
    ]);
    const [postRows, holderRows] = await Promise.all([
      hashtags.length === 0
        ? Promise.resolve([])
        : sql<{ actor_id: unknown; hashtag_id: unknown; created_at: unknown }>`${unionAll(
            hashtags.map(
              (h) => sql`select posts.actor_id, post_hashtags.hashtag_id, posts.created_at from post_hashtags
                inner join posts on posts.id = post_hashtags.post_id
                where post_hashtags.hashtag_id = ${h.id} and post_hashtags.listed = 1 and posts.deleted_at is null
                order by post_hashtags.post_id desc limit ${BOUNDS.postsPerTag}`,
            ),
          )}`
            .execute(db)
            .then((r) => r.rows),
      passions.length === 0
        ? Promise.resolve([])
        : sql<{ actor_id: unknown; passion_id: unknown }>`${unionAll(
            passions.map(
              (p) =>
                sql`select actor_id, passion_id from actor_passions where passion_id = ${p.id} order by actor_id desc limit ${BOUNDS.holdersPerPassion}`,
            ),
          )}`
            .execute(db)
            .then((r) => r.rows),
    ]);

    interface Signal {
      /** hashtag id → [posts in the window, posts read] */
      tags: Map<number, [number, number]>;
      passions: Set<number>;
    }
    const signals = new Map<number, Signal>();
    const of = (id: number) => {
      let s = signals.get(id);
      if (!s) signals.set(id, (s = { tags: new Map(), passions: new Set() }));
      return s;
    };
    for (const r of postRows) {
      const s = of(num(r.actor_id));
      const counts = s.tags.get(num(r.hashtag_id)) ?? [0, 0];
      if (num(r.created_at) >= now - EXPERT_WINDOW) counts[0]++;
      counts[1]++;
      s.tags.set(num(r.hashtag_id), counts);
    }
    for (const r of holderRows) of(num(r.actor_id)).passions.add(num(r.passion_id));
    signals.delete(viewer.actorId);
    if (signals.size === 0) return [];

    const recent = (s: Signal) => [...s.tags.values()].reduce((n, [w]) => n + w, 0);
    const total = (s: Signal) => [...s.tags.values()].reduce((n, [, all]) => n + all, 0);
    const ids = [...signals.entries()]
      .sort((a, b) => recent(b[1]) - recent(a[1]) || total(b[1]) - total(a[1]) || b[1].passions.size - a[1].passions.size || b[0] - a[0])
      .slice(0, BOUNDS.expertCandidates)
      .map(([id]) => id);

    const me = viewer.actorId;
    const [excludedRows, profiles] = await Promise.all([
      sql<{ id: unknown }>`
        select followee_id as id from follows where follower_id = ${me} and followee_id in (${sql.join(ids)})
        union select target_id from blocks where actor_id = ${me} and target_id in (${sql.join(ids)})
        union select actor_id from blocks where target_id = ${me} and actor_id in (${sql.join(ids)})
        union select target_id from mutes where actor_id = ${me} and target_id in (${sql.join(ids)})`
        .execute(db)
        .then((r) => r.rows),
      db
        .selectFrom('actors')
        .leftJoin('members', 'members.actor_id', 'actors.id')
        .select([...ACTOR_SUMMARY_COLUMNS, 'actors.last_post_at', 'members.suspended_at'])
        .where('actors.id', 'in', ids)
        .execute(),
    ]);
    const excluded = new Set(excludedRows.map((r) => num(r.id)));
    const hashtagOf = new Map(hashtags.map((h) => [num(h.id), h]));
    const passionOf = new Map(passions.map((p) => [num(p.id), p]));

    return profiles
      .filter((p) => p.suspended_at === null && !excluded.has(num(p.id)))
      .map((p) => ({ p, s: signals.get(num(p.id))! }))
      .sort(
        (a, b) =>
          recent(b.s) - recent(a.s) ||
          num(b.p.last_post_at ?? 0) - num(a.p.last_post_at ?? 0) ||
          total(b.s) - total(a.s) ||
          b.s.passions.size - a.s.passions.size ||
          num(b.p.id) - num(a.p.id),
      )
      .slice(0, BOUNDS.experts)
      .map(({ p, s }) => {
        const reasons: string[] = [];
        for (const [hashtagId, [inWindow]] of [...s.tags.entries()].sort((x, y) => y[1][0] - x[1][0] || y[1][1] - x[1][1])) {
          const tag = hashtagOf.get(hashtagId);
          if (!tag) continue;
          reasons.push(inWindow > 0 ? `posted ${times(inWindow)} about #${tag.name} in the last 30 days` : `has posted about #${tag.name}`);
        }
        const held = [...s.passions].map((id) => passionOf.get(id)?.name).filter((n): n is string => Boolean(n));
        if (held.length > 0) reasons.push(`lists ${listWords(held)} among their passions`);
        return { actor: actorSummary(p, this.#baseUrl), reasons, recentPosts: recent(s) };
      });
  }

  async #sources(viewer: Member, tags: Array<{ slug: string; name: string }>): Promise<SourceSuggestion[]> {
    const db = this.#db;
    const slugs = new Set(tags.map((t) => t.slug));
    const nameOf = new Map(tags.map((t) => [t.slug, t]));
    const [candidates, mine] = await Promise.all([
      db
        .selectFrom('sources')
        .select(['id', 'title', 'url', 'site_url', 'description', 'subscriber_count'])
        .where('subscriber_count', '>', 0)
        .where('status', '<>', 'gone')
        .orderBy('subscriber_count', 'desc')
        .orderBy('id', 'desc')
        .limit(BOUNDS.sourceCandidates)
        .execute(),
      db.selectFrom('subscriptions').select('source_id').where('member_id', '=', viewer.memberId).execute(),
    ]);
    const subscribed = new Set(mine.map((r) => num(r.source_id)));
    const others = candidates.filter((s) => !subscribed.has(num(s.id)));
    if (others.length === 0) return [];
    const items = await sql<{ source_id: unknown; title: string; tags: string | null }>`${unionAll(
      others.map(
        (s) =>
          sql`select source_id, title, tags from source_items where source_id = ${s.id} order by sort_at desc limit ${BOUNDS.itemsPerSource}`,
      ),
    )}`
      .execute(db)
      .then((r) => r.rows);
    const matches = new Map<number, Map<string, number>>();
    for (const item of items) {
      const slug = itemMentions(item, slugs);
      if (!slug) continue;
      const counts = matches.get(num(item.source_id)) ?? new Map<string, number>();
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
      matches.set(num(item.source_id), counts);
    }
    return others
      .map((s) => {
        const counts = matches.get(num(s.id)) ?? new Map<string, number>();
        const own = mentionedTag(`${s.title} ${s.description ?? ''}`, slugs);
        const items = [...counts.values()].reduce((a, b) => a + b, 0);
        return { s, counts, own, items };
      })
      .filter((x) => x.items > 0 || x.own)
      .sort((a, b) => b.items - a.items || num(b.s.subscriber_count) - num(a.s.subscriber_count) || num(b.s.id) - num(a.s.id))
      .slice(0, BOUNDS.sources)
      .map(({ s, counts, own, items }) => {
        const reasons: string[] = [];
        if (items > 0) {
          const about = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([slug]) => tagWord(nameOf.get(slug)!));
          reasons.push(`${items === 1 ? '1 recent item is' : `${items} recent items are`} about ${listWords(about.slice(0, 3))}`);
        }
        if (own) reasons.push(`its title or description mentions ${tagWord(nameOf.get(own)!)}`);
        const subscribers = num(s.subscriber_count);
        reasons.push(subscribers === 1 ? '1 member follows it' : `${subscribers} members follow it`);
        return { id: num(s.id), title: s.title || s.url, url: s.url, siteUrl: s.site_url, subscribers, reasons };
      });
  }

  async #chats(tags: Array<{ slug: string; name: string }>, now: number): Promise<ChatSuggestion[]> {
    const db = this.#db;
    const slugs = new Set(tags.map((t) => t.slug));
    const nameOf = new Map(tags.map((t) => [t.slug, t]));
    const columns = [
      'chats.id',
      'chats.date',
      'chats.topic',
      'chats.starts_at',
      'chats.state',
      'chat_series.slug',
      'chat_series.title',
      'chat_series.description',
      'chat_series.hashtag',
      'chat_series.hashtag_name',
    ] as const;
    const from = now - BOUNDS.chatWindowBack;
    const to = now + BOUNDS.chatWindowAhead;
    const [byHashtag, inWindow] = await Promise.all([
      // Series with the tag as their hashtag: their chats in the window.
      db
        .selectFrom('chat_series')
        .innerJoin('chats', 'chats.series_id', 'chat_series.id')
        .select(columns)
        .where('chat_series.hashtag', 'in', [...slugs])
        .where('chats.starts_at', '>=', from)
        .where('chats.starts_at', '<=', to)
        .where('chats.state', '<>', 'cancelled')
        .orderBy('chats.starts_at')
        .limit(BOUNDS.chatCandidates)
        .execute(),
      // Any chat in the window whose topic, series title or description mentions a tag.
      db
        .selectFrom('chats')
        .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
        .select(columns)
        .where('chats.state', 'in', ['scheduled', 'live', 'ended'])
        .where('chats.starts_at', '>=', from)
        .where('chats.starts_at', '<=', to)
        .orderBy('chats.starts_at')
        .limit(BOUNDS.chatCandidates)
        .execute(),
    ]);
    const seen = new Set<number>();
    const found: Array<{ row: (typeof inWindow)[number]; reason: string }> = [];
    for (const row of byHashtag) {
      if (seen.has(num(row.id))) continue;
      seen.add(num(row.id));
      found.push({ row, reason: `a #${row.hashtag_name} chat` });
    }
    for (const row of inWindow) {
      if (seen.has(num(row.id))) continue;
      const slug = mentionedTag(row.topic, slugs) ?? mentionedTag(`${row.title} ${row.description}`, slugs);
      if (!slug) continue;
      seen.add(num(row.id));
      found.push({ row, reason: `${mentionedTag(row.topic, slugs) ? 'its topic' : 'the series'} is about ${tagWord(nameOf.get(slug)!)}` });
    }
    // Coming chats first (soonest first), then the most recent past ones.
    const upcoming = found
      .filter((f) => num(f.row.starts_at) >= now || f.row.state === 'live')
      .sort((a, b) => num(a.row.starts_at) - num(b.row.starts_at));
    const past = found.filter((f) => !upcoming.includes(f)).sort((a, b) => num(b.row.starts_at) - num(a.row.starts_at));
    return [...upcoming, ...past].slice(0, BOUNDS.chats).map(({ row, reason }) => ({
      slug: row.slug,
      date: row.date,
      title: row.title,
      hashtag: row.hashtag_name,
      topic: row.topic,
      startsAt: num(row.starts_at),
      state: row.state,
      path: `/chats/${row.slug}/${row.date}`,
      reasons: [
        reason,
        num(row.starts_at) >= now || row.state === 'live'
          ? row.state === 'live'
            ? 'happening now'
            : 'coming up'
          : 'recent, with a transcript',
      ],
    }));
  }

  async #collections(viewer: Member, tags: Array<{ slug: string; name: string }>): Promise<CollectionSuggestion[]> {
    const db = this.#db;
    const slugs = new Set(tags.map((t) => t.slug));
    const nameOf = new Map(tags.map((t) => [t.slug, t]));
    const candidates = await sql<{
      id: unknown;
      kind: 'collection' | 'starter_kit';
      title: string;
      description: string;
      owner_id: unknown;
      updated_at: unknown;
    }>`${unionAll(
      (['collection', 'starter_kit'] as const).flatMap((kind) =>
        (['public', 'members'] as const).map(
          (visibility) =>
            sql`select id, kind, title, description, owner_id, updated_at from collections where kind = ${kind} and visibility = ${visibility}
                order by updated_at desc, id desc limit ${BOUNDS.collectionCandidates}`,
        ),
      ),
    )}`
      .execute(db)
      .then((r) => r.rows.filter((c) => num(c.owner_id) !== viewer.memberId));
    if (candidates.length === 0) return [];
    const unmatched = candidates.filter((c) => !mentionedTag(`${c.title} ${c.description}`, slugs)).map((c) => num(c.id));
    const entries =
      unmatched.length === 0
        ? []
        : await db
            .selectFrom('collection_entries')
            .leftJoin('sources', 'sources.id', 'collection_entries.source_id')
            .select([
              'collection_entries.collection_id',
              'collection_entries.title',
              'collection_entries.note',
              'sources.title as source_title',
            ])
            .where('collection_entries.collection_id', 'in', unmatched)
            .where('collection_entries.position', '<=', BOUNDS.entriesPerCollection)
            .execute();
    const entryMatches = new Map<number, Map<string, number>>();
    for (const e of entries) {
      const slug = mentionedTag(`${e.title ?? ''} ${e.note} ${e.source_title ?? ''}`, slugs);
      if (!slug) continue;
      const counts = entryMatches.get(num(e.collection_id)) ?? new Map<string, number>();
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
      entryMatches.set(num(e.collection_id), counts);
    }
    return candidates
      .map((c) => {
        const own = mentionedTag(`${c.title} ${c.description}`, slugs);
        const counts = entryMatches.get(num(c.id));
        const n = counts ? [...counts.values()].reduce((a, b) => a + b, 0) : 0;
        return { c, own, counts, n };
      })
      .filter((x) => x.own || x.n > 0)
      .sort((a, b) => Number(Boolean(b.own)) - Number(Boolean(a.own)) || b.n - a.n || num(b.c.updated_at) - num(a.c.updated_at))
      .slice(0, BOUNDS.collections)
      .map(({ c, own, counts, n }) => {
        const reasons: string[] = [];
        if (own) reasons.push(`its title or description mentions ${tagWord(nameOf.get(own)!)}`);
        if (counts && n > 0) {
          const about = [...counts.keys()].map((slug) => tagWord(nameOf.get(slug)!));
          reasons.push(`${n === 1 ? '1 entry mentions' : `${n} entries mention`} ${listWords(about.slice(0, 3))}`);
        }
        const id = num(c.id);
        return {
          id,
          kind: c.kind,
          title: c.title,
          description: c.description,
          path: c.kind === 'starter_kit' ? `/starter-kits/${id}` : `/collections/${id}`,
          reasons,
        };
      });
  }

  // ---- progress ----

  /**
   * Goals with their tags and progress. The member's own activity since the oldest goal began
   * is read once (bounded), and each goal counts what falls after its own start.
   */
  async #hydrate(viewer: Member, rows: GoalRow[], _now: number): Promise<Goal[]> {
    if (rows.length === 0) return [];
    const db = this.#db;
    const goalIds = rows.map((r) => num(r.id));
    const [tagRows, myPassions, noteCounts] = await Promise.all([
      db
        .selectFrom('goal_tags')
        .select(['goal_id', 'slug', 'name'])
        .where('goal_id', 'in', goalIds)
        .orderBy('goal_id')
        .orderBy('position')
        .execute(),
      db
        .selectFrom('actor_passions')
        .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
        .select('passions.slug')
        .where('actor_passions.actor_id', '=', viewer.actorId)
        .execute(),
      db
        .selectFrom('goal_notes')
        .select(['goal_id', (eb) => eb.fn.countAll().as('n')])
        .where('goal_id', 'in', goalIds)
        .groupBy('goal_id')
        .execute(),
    ]);
    const passionSlugs = new Set(myPassions.map((p) => p.slug));
    const tagsOf = new Map<number, GoalTag[]>();
    for (const t of tagRows) {
      const list = tagsOf.get(num(t.goal_id)) ?? [];
      list.push({ slug: t.slug, name: t.name, passion: passionSlugs.has(t.slug) });
      tagsOf.set(num(t.goal_id), list);
    }
    const notesOf = new Map(noteCounts.map((n) => [num(n.goal_id), num(n.n)]));
    const activity = await this.#activity(viewer, rows, tagsOf);
    return rows.map((r) => {
      const id = num(r.id);
      const tags = tagsOf.get(id) ?? [];
      const progress = { ...(activity.get(id) ?? ZERO_PROGRESS), notes: notesOf.get(id) ?? 0 };
      return {
        id,
        title: r.title,
        description: r.description,
        status: r.status,
        tags,
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
        achievedAt: r.achieved_at === null ? null : num(r.achieved_at),
        progress,
      };
    });
  }

  /** Progress counts (without notes) per goal; see GoalProgress and docs/insights.md. */
  async #activity(viewer: Member, rows: GoalRow[], tagsOf: Map<number, GoalTag[]>): Promise<Map<number, GoalProgress>> {
    const result = new Map<number, GoalProgress>();
    const tagged = rows.filter((r) => (tagsOf.get(num(r.id)) ?? []).length > 0);
    if (tagged.length === 0) return result;
    const db = this.#db;
    const m = viewer.memberId;
    const a = viewer.actorId;
    const since = Math.min(...tagged.map((r) => num(r.created_at)));
    const allSlugs = [...new Set(tagged.flatMap((r) => tagsOf.get(num(r.id))!.map((t) => t.slug)))];

    const [hashtags, passions] = await Promise.all([
      db.selectFrom('hashtags').select(['id', 'slug']).where('slug', 'in', allSlugs).execute(),
      db.selectFrom('passions').select(['id', 'slug']).where('slug', 'in', allSlugs).execute(),
    ]);
    const hashtagIds = hashtags.map((h) => num(h.id));
    const slugOfHashtag = new Map(hashtags.map((h) => [num(h.id), h.slug]));
    const slugOfPassion = new Map(passions.map((p) => [num(p.id), p.slug]));

    const [reads, saved, followees, ownPosts, replies] = await Promise.all([
      // Items read since the oldest goal began, newest reads first (the latest BOUNDS.reads);
      // reads from before read times were kept count from the item's arrival.
      db
        .selectFrom('item_states as st')
        .innerJoin('source_items as i', 'i.id', 'st.item_id')
        .select(['i.title', 'i.tags', sql<number>`coalesce(st.read_at, i.seen_at)`.as('read_at')])
        .where('st.member_id', '=', m)
        .where('st.read', '=', 1)
        .where(sql<number>`coalesce(st.read_at, i.seen_at)`, '>=', since)
        .orderBy(sql`coalesce(st.read_at, i.seen_at)`, 'desc')
        .limit(BOUNDS.reads)
        .execute(),
      db
        .selectFrom('bookmark_tags as bt')
        .innerJoin('bookmarks as b', 'b.id', 'bt.bookmark_id')
        .select(['bt.bookmark_id', 'bt.slug', 'b.created_at'])
        .where('bt.member_id', '=', m)
        .where('bt.slug', 'in', allSlugs)
        .where('b.created_at', '>=', since)
        .limit(BOUNDS.ownRows)
        .execute(),
      db
        .selectFrom('follows')
        .select(['followee_id', 'created_at'])
        .where('follower_id', '=', a)
        .where('state', '=', 'accepted')
        .where('created_at', '>=', since)
        .orderBy('id', 'desc')
        .limit(BOUNDS.followees)
        .execute(),
      // Own posts (not boosts) since, with the goal tags they carry.
      hashtagIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('posts as p')
            .innerJoin('post_hashtags as ph', 'ph.post_id', 'p.id')
            .select(['p.id', 'p.text', 'p.reply_to_actor_id', 'p.created_at', 'ph.hashtag_id'])
            .where('p.actor_id', '=', a)
            .where('p.created_at', '>=', since)
            .where('p.deleted_at', 'is', null)
            .where('p.boost_of_id', 'is', null)
            .where('ph.hashtag_id', 'in', hashtagIds)
            .limit(BOUNDS.ownRows)
            .execute(),
      // Own replies to other people's posts that carry goal tags.
      hashtagIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('posts as p')
            .innerJoin('post_hashtags as ph', 'ph.post_id', 'p.reply_to_id')
            .select(['p.id', 'p.created_at', 'ph.hashtag_id'])
            .where('p.actor_id', '=', a)
            .where('p.created_at', '>=', since)
            .where('p.deleted_at', 'is', null)
            .where('p.reply_to_actor_id', 'is not', null)
            .where('p.reply_to_actor_id', '<>', a)
            .where('ph.hashtag_id', 'in', hashtagIds)
            .limit(BOUNDS.ownRows)
            .execute(),
    ]);

    // What the people followed since post about or hold as passions (slugs per person).
    const followeeIds = [...new Set(followees.map((f) => num(f.followee_id)))];
    const topicsOf = new Map<number, Set<string>>();
    const addTopic = (actorId: number, slug: string | undefined) => {
      if (!slug) return;
      const set = topicsOf.get(actorId) ?? new Set<string>();
      set.add(slug);
      topicsOf.set(actorId, set);
    };
    if (followeeIds.length > 0) {
      const [posted, held] = await Promise.all([
        hashtagIds.length === 0
          ? Promise.resolve([])
          : db
              .selectFrom('posts as p')
              .innerJoin('post_hashtags as ph', 'ph.post_id', 'p.id')
              .select(['p.actor_id', 'ph.hashtag_id'])
              .distinct()
              .where('p.actor_id', 'in', followeeIds)
              .where('p.deleted_at', 'is', null)
              .where('ph.hashtag_id', 'in', hashtagIds)
              .execute(),
        slugOfPassion.size === 0
          ? Promise.resolve([])
          : db
              .selectFrom('actor_passions')
              .select(['actor_id', 'passion_id'])
              .where('actor_id', 'in', followeeIds)
              .where('passion_id', 'in', [...slugOfPassion.keys()])
              .execute(),
      ]);
      for (const r of posted) addTopic(num(r.actor_id), slugOfHashtag.get(num(r.hashtag_id)));
      for (const r of held) addTopic(num(r.actor_id), slugOfPassion.get(num(r.passion_id)));
    }

    for (const row of tagged) {
      const start = num(row.created_at);
      const slugs = new Set(tagsOf.get(num(row.id))!.map((t) => t.slug));
      const has = (hashtagId: unknown) => slugs.has(slugOfHashtag.get(num(hashtagId)) ?? '');

      const people = new Set<number>();
      for (const f of followees) {
        if (num(f.created_at) < start) continue;
        const topics = topicsOf.get(num(f.followee_id));
        if (topics && [...topics].some((s) => slugs.has(s))) people.add(num(f.followee_id));
      }
      const itemsRead = reads.filter((r) => num(r.read_at) >= start && itemMentions(r, slugs)).length;
      const itemsSaved = new Set(saved.filter((b) => num(b.created_at) >= start && slugs.has(b.slug)).map((b) => num(b.bookmark_id))).size;
      const questions = new Set<number>();
      const answers = new Set<number>();
      for (const p of ownPosts) {
        if (num(p.created_at) < start || !has(p.hashtag_id)) continue;
        const toOthers = p.reply_to_actor_id !== null && num(p.reply_to_actor_id) !== a;
        if (toOthers) answers.add(num(p.id));
        else if (isQuestion(p.text)) questions.add(num(p.id));
      }
      for (const r of replies) if (num(r.created_at) >= start && has(r.hashtag_id)) answers.add(num(r.id));
      result.set(num(row.id), {
        peopleFollowed: people.size,
        itemsRead,
        itemsSaved,
        questionsAsked: questions.size,
        questionsAnswered: answers.size,
        notes: 0,
      });
    }
    return result;
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
