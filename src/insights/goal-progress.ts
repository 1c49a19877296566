import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Viewer } from '../platform/viewer.ts';
import { num } from './common.ts';
import { isQuestion, itemMentions } from './goal-matching.ts';
import type { Goal, GoalRow, GoalTag } from './goals.ts';

/**
 * Progress on learning goals (goals.ts): what the member did since each goal began that carries
 * its tags. Reads the member's own rows in other capabilities' tables, never writes them: feeds'
 * `item_states`, `source_items`; curation's `bookmarks`, `bookmark_tags`; social's `follows`,
 * `posts`, `post_hashtags`, `hashtags`; the people (`actor_passions`, `passions`: accounts'
 * shared read model).
 */

/** Bounds of the work per request: the rows of the member's own activity read since the goal began. */
const BOUNDS = {
  reads: 1000,
  followees: 2000,
  ownRows: 5000,
} as const;

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

const ZERO_PROGRESS: GoalProgress = { peopleFollowed: 0, itemsRead: 0, itemsSaved: 0, questionsAsked: 0, questionsAnswered: 0, notes: 0 };

type Member = Pick<Viewer, 'memberId' | 'actorId'>;

export class GoalProgressReader {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  get #db() {
    return this.#database.db;
  }

  /**
   * Goals with their tags and progress. The member's own activity since the oldest goal began
   * is read once (bounded), and each goal counts what falls after its own start.
   */
  async hydrate(viewer: Member, rows: GoalRow[]): Promise<Goal[]> {
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
}
