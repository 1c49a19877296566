import { sql } from 'kysely';
import { utcToZoned, zonedTimeToUtc } from '../chats/index.ts';
import type { Database } from '../db/database.ts';
import type { FeedsService } from '../feeds/index.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { visibleTo } from '../social/index.ts';
import { postUrl, RoutinePlan } from './routine-plan.ts';

/**
 * Routine: a daily twenty-minute plan (read a few top things, answer one person, share one
 * thing), a streak and a 12-week activity heat map. Everything is computed from what the member
 * already did (posts, replies, boosts, likes, bookmarks, feed items read — item_states.read_at);
 * only reading a post or something elsewhere from the plan is recorded here (routine_checks),
 * because opening a post leaves no time behind. Days run
 * midnight to midnight in the member's time zone. The rules are in docs/insights.md, Routine.
 * Today's plan is made in routine-plan.ts. Reads the member's own rows in other capabilities'
 * tables, never writes them: social's `posts`, `likes`; curation's `bookmarks`; feeds'
 * `item_states` (and a feed item through the feeds service); writes only `routine_checks`.
 */

export const ROUTINE_DAYS = 84;

export type StepKey = 'read' | 'answer' | 'share';

export interface PlanLink {
  /** What the link is: a feed item or a post to read (opened through the plan), or a page. */
  kind: 'item' | 'post' | 'page';
  /** The item or post id; null for pages. */
  id: number | null;
  label: string;
  /** Where it leads (the item's or post's page here). */
  url: string;
  /** For posts: whose post it is. */
  by?: string;
}

export interface PlanStep {
  key: StepKey;
  title: string;
  done: boolean;
  /** What to do, in a sentence (changes when there is nothing to suggest). */
  text: string;
  links: PlanLink[];
}

/** What the member did on one local day. `count` is the sum of the rest. */
export interface RoutineDay {
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  count: number;
  posts: number;
  replies: number;
  boosts: number;
  likes: number;
  bookmarks: number;
  reads: number;
}

export interface Routine {
  timeZone: string;
  today: string;
  steps: PlanStep[];
  /** Consecutive active days up to today (today counts once done, else up to yesterday). */
  streak: { days: number; includesToday: boolean; capped: boolean };
  /** The last ROUTINE_DAYS days, oldest first, ending today. */
  days: RoutineDay[];
  /** Active days in those 84. */
  activeDays: number;
}

export interface RoutineSummary {
  done: Record<StepKey, boolean>;
  streak: Routine['streak'];
}

/** Heat-map buckets: shading *and* a word, never colour alone. */
export const BUCKETS = [
  { min: 0, label: 'none' },
  { min: 1, label: 'light' },
  { min: 3, label: 'moderate' },
  { min: 6, label: 'busy' },
] as const;

export function bucketOf(count: number): number {
  let b = 0;
  BUCKETS.forEach((bucket, i) => {
    if (count >= bucket.min) b = i;
  });
  return b;
}

const n = (v: number | string | bigint | null | undefined) => Number(v ?? 0);

/** YYYY-MM-DD of `date` moved by `delta` days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, delta: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + delta)).toISOString().slice(0, 10);
}

/** The member's local day boundaries for the last `count` days ending today: [start, end) each. */
export function localDays(
  now: number,
  timeZone: string,
  count = ROUTINE_DAYS,
): Array<{ date: string; weekday: number; start: number; end: number }> {
  const today = utcToZoned(now, timeZone).date;
  const days = [];
  for (let i = count - 1; i >= 0; i--) {
    const date = addDays(today, -i);
    const start = zonedTimeToUtc(date, '00:00', timeZone);
    const end = zonedTimeToUtc(addDays(date, 1), '00:00', timeZone);
    days.push({ date, weekday: new Date(`${date}T00:00:00Z`).getUTCDay(), start, end });
  }
  return days;
}

/**
 * Streak: consecutive days with at least one thing done, counted back from today when today has
 * activity, else from yesterday (a day is not lost before it is over). Capped by the window.
 */
export function streakOf(days: Array<{ count: number }>): Routine['streak'] {
  const last = days.length - 1;
  const includesToday = last >= 0 && days[last]!.count > 0;
  let i = includesToday ? last : last - 1;
  let length = 0;
  while (i >= 0 && days[i]!.count > 0) {
    length++;
    i--;
  }
  return { days: length, includesToday, capped: length > 0 && i < 0 };
}

export class RoutineService {
  readonly #database: Database;
  readonly #feeds: FeedsService;
  readonly #plan: RoutinePlan;

  constructor(deps: { database: Database; feeds: FeedsService }) {
    this.#database = deps.database;
    this.#feeds = deps.feeds;
    this.#plan = new RoutinePlan(deps);
  }

  async routine(viewer: Viewer, now = Date.now()): Promise<Routine> {
    const timeZone = viewer.timeZone || 'UTC';
    const days = await this.activity(viewer, timeZone, now);
    const today = days[days.length - 1]!;
    const steps = await this.#plan.steps(viewer, today, now);
    return {
      timeZone,
      today: today.date,
      steps,
      streak: streakOf(days),
      days: days.map(({ start: _start, end: _end, shares: _shares, ...day }) => day),
      activeDays: days.filter((d) => d.count > 0).length,
    };
  }

  /** Today's three done flags and the streak, without the plan's links: the card on My PLN. */
  async summary(viewer: Viewer, now = Date.now()): Promise<RoutineSummary> {
    const timeZone = viewer.timeZone || 'UTC';
    const days = await this.activity(viewer, timeZone, now);
    const today = days[days.length - 1]!;
    return { done: { read: today.reads > 0, answer: today.replies > 0, share: today.shares > 0 }, streak: streakOf(days) };
  }

  /**
   * The last 84 local days' activity: one grouped query per kind of record (posts, likes,
   * bookmarks, feed items read, plan reads), each a range read of the member's own rows on an index by time,
   * joined to the 84 day boundaries (computed here, so daylight-saving changes are right).
   */
  async activity(
    viewer: Viewer,
    timeZone: string,
    now = Date.now(),
  ): Promise<Array<RoutineDay & { start: number; end: number; shares: number }>> {
    const { db } = this.#database;
    const bounds = localDays(now, timeZone);
    const from = bounds[0]!.start;
    const to = bounds[bounds.length - 1]!.end;
    // Literals, not parameters: PostgreSQL cannot type parameters in a VALUES list, and these
    // are integers computed here, never input.
    const dayTable = sql`with days (d, lo, hi) as (values ${sql.join(bounds.map((b, i) => sql`(${sql.lit(i)}, ${sql.lit(b.start)}, ${sql.lit(b.end)})`))})`;
    const a = viewer.actorId;
    const m = viewer.memberId;
    const [posts, likes, bookmarks, itemReads, reads] = await Promise.all([
      sql<{ d: number; posts: number; replies: number; boosts: number; shares: number }>`
        ${dayTable}
        select days.d as d,
               sum(case when p.boost_of_id is null and (p.reply_to_actor_id is null or p.reply_to_actor_id = ${a}) then 1 else 0 end) as posts,
               sum(case when p.boost_of_id is null and p.reply_to_actor_id is not null and p.reply_to_actor_id <> ${a} then 1 else 0 end) as replies,
               sum(case when p.boost_of_id is not null then 1 else 0 end) as boosts,
               sum(case when p.boost_of_id is not null or (p.reply_to_id is null and p.first_url is not null) then 1 else 0 end) as shares
          from days join posts p on p.created_at >= days.lo and p.created_at < days.hi
         where p.actor_id = ${a} and p.created_at >= ${from} and p.created_at < ${to} and p.deleted_at is null
         group by days.d`.execute(db),
      sql<{ d: number; count: number }>`
        ${dayTable}
        select days.d as d, count(*) as count
          from days join likes l on l.created_at >= days.lo and l.created_at < days.hi
         where l.actor_id = ${a} and l.created_at >= ${from} and l.created_at < ${to}
         group by days.d`.execute(db),
      sql<{ d: number; count: number; public: number }>`
        ${dayTable}
        select days.d as d, count(*) as count, sum(case when b.visibility = 'public' then 1 else 0 end) as public
          from days join bookmarks b on b.created_at >= days.lo and b.created_at < days.hi
         where b.member_id = ${m} and b.created_at >= ${from} and b.created_at < ${to}
         group by days.d`.execute(db),
      sql<{ d: number; count: number }>`
        ${dayTable}
        select days.d as d, count(*) as count
          from days join item_states st on st.read_at >= days.lo and st.read_at < days.hi
         where st.member_id = ${m} and st.read_at >= ${from} and st.read_at < ${to}
         group by days.d`.execute(db),
      db
        .selectFrom('routine_checks')
        .select(['day', 'step'])
        .where('member_id', '=', m)
        .where('day', '>=', bounds[0]!.date)
        .where('day', '<=', bounds[bounds.length - 1]!.date)
        .execute(),
    ]);
    const result = bounds.map((b) => ({
      date: b.date,
      weekday: b.weekday,
      start: b.start,
      end: b.end,
      count: 0,
      posts: 0,
      replies: 0,
      boosts: 0,
      likes: 0,
      bookmarks: 0,
      reads: 0,
      shares: 0,
    }));
    for (const r of posts.rows) {
      const day = result[n(r.d)]!;
      day.posts = n(r.posts);
      day.replies = n(r.replies);
      day.boosts = n(r.boosts);
      day.shares += n(r.shares);
    }
    for (const r of likes.rows) result[n(r.d)]!.likes = n(r.count);
    for (const r of bookmarks.rows) {
      result[n(r.d)]!.bookmarks = n(r.count);
      result[n(r.d)]!.shares += n(r.public);
    }
    for (const r of itemReads.rows) result[n(r.d)]!.reads = n(r.count);
    // A tick of the plan's read step counts as a read on a day with no feed item read: it was a
    // post, or something read elsewhere (an item opened from the plan is already counted).
    const byDate = new Map(result.map((d) => [d.date, d]));
    for (const r of reads) {
      const day = byDate.get(r.day);
      if (day && day.reads === 0) day.reads = 1;
    }
    for (const d of result) d.count = d.posts + d.replies + d.boosts + d.likes + d.bookmarks + d.reads;
    return result;
  }

  /** Records that the member read something from today's plan (once a day; again is fine). */
  async markRead(viewer: Viewer, now = Date.now()): Promise<void> {
    const day = utcToZoned(now, viewer.timeZone || 'UTC').date;
    await this.#database.db
      .insertInto('routine_checks')
      .values({ member_id: viewer.memberId, day, step: 'read', created_at: now })
      .onConflict((oc) => oc.columns(['member_id', 'day', 'step']).doNothing())
      .execute();
  }

  /**
   * Opens something to read from the plan: checks the member may see it (their sources' item,
   * or a post visible to them; else 404), records the read step, and says where it is.
   */
  async openFromPlan(viewer: Viewer, kind: 'item' | 'post', id: number): Promise<string> {
    let url: string;
    if (kind === 'item') {
      await this.#feeds.item(viewer, id);
      url = `/sources/items/${id}`;
    } else {
      const row = await sql<{ id: number; acct: string; handle: string; domain: string | null }>`
        select p.id, a.acct, a.handle, a.domain from posts p join actors a on a.id = p.actor_id
         where p.id = ${id} and p.boost_of_id is null and ${visibleTo({ memberId: viewer.memberId, actorId: viewer.actorId }, 'p')}`.execute(
        this.#database.db,
      );
      const post = row.rows[0];
      if (!post) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
      url = postUrl(post, id);
    }
    await this.markRead(viewer);
    return url;
  }
}
