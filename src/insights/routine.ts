import { sql } from 'kysely';
import { utcToZoned, zonedTimeToUtc } from '../chats/index.ts';
import type { Database } from '../db/database.ts';
import type { FeedsService } from '../feeds/index.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { topics, visibleTo } from '../social/index.ts';

/**
 * Routine: a daily twenty-minute plan (read a few top things, answer one person, share one
 * thing), a streak and a 12-week activity heat map. Everything is computed from what the member
 * already did (posts, replies, boosts, likes, bookmarks, feed items read — item_states.read_at);
 * only reading a post or something elsewhere from the plan is recorded here (routine_checks),
 * because opening a post leaves no time behind. Days run
 * midnight to midnight in the member's time zone. The rules are in docs/insights.md, Routine.
 */

export const ROUTINE_DAYS = 84;
/** Things to read in the plan: feed items and posts from the home timeline together. */
export const READ_MAX = 5;
const READ_ITEMS = 3;
/** How far back the plan looks for posts to read and a person to answer. */
const READ_WINDOW_MS = 3 * 86_400_000;
const ANSWER_WINDOW_MS = 7 * 86_400_000;
/** Home-timeline entries the plan looks through (newest first): bounded whatever the network's size. */
const TIMELINE_SCAN = 300;

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

  constructor(database: Database, feeds: FeedsService) {
    this.#database = database;
    this.#feeds = feeds;
  }

  async routine(viewer: Viewer, now = Date.now()): Promise<Routine> {
    const timeZone = viewer.timeZone || 'UTC';
    const days = await this.activity(viewer, timeZone, now);
    const today = days[days.length - 1]!;
    const steps = await this.#plan(viewer, today, now);
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

  /** Today's three steps, each with concrete links, and whether it is done today. */
  async #plan(viewer: Viewer, today: RoutineDay & { shares: number }, now: number): Promise<PlanStep[]> {
    const [reading, answer] = await Promise.all([this.#toRead(viewer, now), this.#toAnswer(viewer, now)]);
    const readStep: PlanStep = {
      key: 'read',
      title: 'Read a few top things',
      done: today.reads > 0,
      text:
        reading.length > 0
          ? 'About ten minutes: open two or three of these, newest sources and the posts people engage with most.'
          : 'Nothing new to read yet: follow a few people or subscribe to a blog or journal, and tomorrow’s plan fills itself.',
      links:
        reading.length > 0
          ? reading
          : [
              { kind: 'page', id: null, label: 'Find people to follow', url: '/insights/suggestions' },
              { kind: 'page', id: null, label: 'Subscribe to a source', url: '/sources/manage' },
            ],
    };
    const answerStep: PlanStep = {
      key: 'answer',
      title: 'Answer one person',
      done: today.replies > 0,
      text: answer
        ? answer.reason === 'mention'
          ? 'Someone mentioned you and has no reply from you yet. A sentence is enough.'
          : answer.reason === 'question'
            ? 'Someone you follow asked a question. Answer it, or thank them for something they shared.'
            : 'A recent post about one of your passions or hashtags. Say what you think, or ask a question back.'
        : 'No open questions for you right now: reply to anything in your stream that taught you something.',
      links: answer ? [answer.link] : [{ kind: 'page', id: null, label: 'Open your stream', url: '/stream' }],
    };
    const firstPost = reading.find((l) => l.kind === 'post');
    const firstItem = reading.find((l) => l.kind === 'item');
    const shareStep: PlanStep = {
      key: 'share',
      title: 'Share one thing',
      done: today.shares > 0,
      text: 'Boost a post that helped you, share an article from your sources with a sentence on why, bookmark something publicly, or post a link.',
      links: [
        ...(firstPost
          ? [
              {
                kind: 'page' as const,
                id: null,
                label: `Boost: ${firstPost.label}`,
                url: firstPost.url,
                ...(firstPost.by ? { by: firstPost.by } : {}),
              },
            ]
          : []),
        ...(firstItem && firstItem.id !== null
          ? [{ kind: 'page' as const, id: null, label: `Share: ${firstItem.label}`, url: `/sources/items/${firstItem.id}/share` }]
          : []),
        { kind: 'page', id: null, label: 'Write a post with a link', url: '/compose' },
      ],
    };
    return [readStep, answerStep, shareStep];
  }

  /** Up to three unread feed items (newest first) and the most engaged-with recent posts from the home timeline, five in all. */
  async #toRead(viewer: Viewer, now: number): Promise<PlanLink[]> {
    const [items, posts] = await Promise.all([
      this.#feeds.river(viewer, { scope: { kind: 'all' }, unreadOnly: true, limit: READ_MAX }),
      sql<{
        id: number;
        text: string;
        content_warning: string | null;
        acct: string;
        handle: string;
        domain: string | null;
        display_name: string;
      }>`
        select p.id, p.text, p.content_warning, a.acct, a.handle, a.domain, a.display_name
          from (select post_id from timeline_entries where feed = ${topics.home(viewer.memberId)} and boost_id is null
                 order by sort_id desc limit ${TIMELINE_SCAN}) te
          join posts p on p.id = te.post_id
          join actors a on a.id = p.actor_id
         where p.actor_id <> ${viewer.actorId} and p.created_at >= ${now - READ_WINDOW_MS} and p.reply_to_id is null
           and ${visibleTo({ memberId: viewer.memberId, actorId: viewer.actorId }, 'p', { hideMuted: true })}
         order by p.boost_count + p.like_count + p.reply_count desc, p.id desc
         limit ${READ_MAX}`.execute(this.#database.db),
    ]);
    const itemLinks: PlanLink[] = items.items.map((i) => ({
      kind: 'item',
      id: i.id,
      label: i.title || i.url || 'Untitled item',
      url: `/sources/items/${i.id}`,
      by: i.source.title,
    }));
    const postLinks: PlanLink[] = posts.rows.map((p) => ({
      kind: 'post',
      id: n(p.id),
      label: excerpt(p.content_warning || p.text),
      url: postUrl(p, n(p.id)),
      by: p.display_name,
    }));
    const takeItems = Math.max(READ_ITEMS, READ_MAX - postLinks.length);
    const chosen = itemLinks.slice(0, takeItems);
    return [...chosen, ...postLinks.slice(0, READ_MAX - chosen.length)];
  }

  /**
   * One post to answer: a recent one that mentions the member, else a question from someone
   * they follow (from the home timeline), else a recent post in a hashtag they follow or one of
   * their passions; never one they already replied to.
   */
  async #toAnswer(viewer: Viewer, now: number): Promise<{ reason: 'mention' | 'question' | 'topic'; link: PlanLink } | null> {
    const { db } = this.#database;
    const me = viewer.actorId;
    const since = now - ANSWER_WINDOW_MS;
    const reader = { memberId: viewer.memberId, actorId: me };
    const unanswered = sql`not exists (select 1 from posts r where r.reply_to_id = p.id and r.actor_id = ${me} and r.deleted_at is null)`;
    type Row = {
      id: number;
      text: string;
      content_warning: string | null;
      acct: string;
      handle: string;
      domain: string | null;
      display_name: string;
      mentioned: number;
    };
    const fromTimeline = await sql<Row>`
      select p.id, p.text, p.content_warning, a.acct, a.handle, a.domain, a.display_name,
             case when exists (select 1 from mentions mm where mm.post_id = p.id and mm.actor_id = ${me}) then 1 else 0 end as mentioned
        from (select post_id from timeline_entries where feed = ${topics.home(viewer.memberId)} and boost_id is null
               order by sort_id desc limit ${TIMELINE_SCAN}) te
        join posts p on p.id = te.post_id
        join actors a on a.id = p.actor_id
       where p.actor_id <> ${me} and p.created_at >= ${since}
         and (p.text like ${'%?%'} or exists (select 1 from mentions mm2 where mm2.post_id = p.id and mm2.actor_id = ${me}))
         and ${unanswered}
         and ${visibleTo(reader, 'p', { hideMuted: true })}
       order by mentioned desc, p.id desc
       limit 1`.execute(db);
    const hit = fromTimeline.rows[0];
    if (hit) return { reason: n(hit.mentioned) === 1 ? 'mention' : 'question', link: answerLink(hit) };

    // Passions are hashtags by the same slug; the most recent listed posts of each, bounded.
    const topic = await sql<Omit<Row, 'mentioned'>>`
      select p.id, p.text, p.content_warning, a.acct, a.handle, a.domain, a.display_name
        from posts p join actors a on a.id = p.actor_id
       where p.id in (
               select ph.post_id from post_hashtags ph
                where ph.listed = 1 and ph.created_at >= ${since} and ph.hashtag_id in (
                  select hashtag_id from hashtag_follows where member_id = ${viewer.memberId}
                  union
                  select h.id from actor_passions ap join passions pa on pa.id = ap.passion_id join hashtags h on h.slug = pa.slug
                   where ap.actor_id = ${me}))
         and p.actor_id <> ${me} and p.boost_of_id is null and ${unanswered}
         and ${visibleTo(reader, 'p', { hideMuted: true })}
       order by case when p.text like ${'%?%'} then 1 else 0 end desc, p.id desc
       limit 1`.execute(db);
    const t = topic.rows[0];
    return t ? { reason: 'topic', link: answerLink(t) } : null;
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

/** A post's page: local posts under their author, remote ones by id (as postPath in social/views). */
function postUrl(author: { handle: string; domain: string | null }, id: number): string {
  return author.domain === null ? `/@${author.handle}/${id}` : `/posts/${id}`;
}

function excerpt(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat || '(a post without text)';
}

function answerLink(row: {
  id: number;
  text: string;
  content_warning: string | null;
  handle: string;
  domain: string | null;
  display_name: string;
}): PlanLink {
  return {
    kind: 'post',
    id: n(row.id),
    label: excerpt(row.content_warning || row.text),
    url: postUrl(row, n(row.id)),
    by: row.display_name,
  };
}
