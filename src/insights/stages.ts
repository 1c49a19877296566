import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Viewer } from '../platform/viewer.ts';

/**
 * Stages of a learning network (consumption → connection → creation → contribution), computed
 * from what a member did, never self-declared. The formula is documented in docs/insights.md
 * under "Stages"; keep the two in step.
 */

export const STAGES = ['consumption', 'connection', 'creation', 'contribution'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  consumption: 'Consumption',
  connection: 'Connection',
  creation: 'Creation',
  contribution: 'Contribution',
};

const DAY = 86_400_000;
/** Reading and bookmarking others' work count over the last 30 days; everything else over 90. */
export const SHORT_WINDOW_MS = 30 * DAY;
export const LONG_WINDOW_MS = 90 * DAY;
/** Hosting a chat counts from the moment it is scheduled this close. */
export const UPCOMING_CHAT_MS = 14 * DAY;
/** A stage is reached when its score is at least this. */
export const STAGE_THRESHOLD = 40;

/** The counts the scores are made of (see `collectActivity` for what each one counts). */
export interface Activity {
  /** Feed items read, among items that arrived in the last 30 days. */
  itemsRead: number;
  /** People, sources and hashtags followed in the last 90 days. */
  followsMade: number;
  /** Bookmarks of other people's posts and of feed items, last 30 days. */
  bookmarksOfOthers: number;
  /** Replies to other people's posts, last 90 days. */
  repliesToOthers: number;
  /** People who follow the member back (standing, not time-bounded). */
  mutuals: number;
  /** Chats the member posted in, last 90 days. */
  chatsJoined: number;
  /** Distinct people the member mentioned or was mentioned by, last 90 days. */
  mentionPartners: number;
  /** Own posts (not boosts or replies) with a link or a hashtag, last 90 days. */
  postsWithLinksOrTags: number;
  /** Bookmarks with a note, last 90 days. */
  notedBookmarks: number;
  /** Collections and starter kits made, last 90 days. */
  collectionsMade: number;
  /** Articles published, last 90 days. */
  articlesPublished: number;
  /** Boosts, likes and replies that the member's posts of the last 90 days received. */
  reactionsReceived: number;
  /** Chats (occurrences) the member hosts or moderates: held in the last 90 days or scheduled in the next 14. */
  chatsHosted: number;
  /** Follows of the member's collections by other members (standing). */
  collectionFollowers: number;
  /** Starter kits the member shares (members-only or public; standing). */
  starterKits: number;
}

/** Weight of each count in its stage, and the stage's saturation constant k. */
export const FORMULA: Record<Stage, { k: number; weights: Partial<Record<keyof Activity, number>> }> = {
  consumption: { k: 20, weights: { itemsRead: 1, followsMade: 2, bookmarksOfOthers: 2 } },
  connection: { k: 15, weights: { repliesToOthers: 2, mutuals: 1, chatsJoined: 3, mentionPartners: 1 } },
  creation: { k: 12, weights: { postsWithLinksOrTags: 1, notedBookmarks: 2, collectionsMade: 4, articlesPublished: 6 } },
  contribution: { k: 20, weights: { reactionsReceived: 1, chatsHosted: 8, collectionFollowers: 3, starterKits: 5 } },
};

export const ZERO_ACTIVITY: Activity = {
  itemsRead: 0,
  followsMade: 0,
  bookmarksOfOthers: 0,
  repliesToOthers: 0,
  mutuals: 0,
  chatsJoined: 0,
  mentionPartners: 0,
  postsWithLinksOrTags: 0,
  notedBookmarks: 0,
  collectionsMade: 0,
  articlesPublished: 0,
  reactionsReceived: 0,
  chatsHosted: 0,
  collectionFollowers: 0,
  starterKits: 0,
};

/** 100 × (1 − e^(−x/k)), rounded: 0 at nothing, k gives 63, 3k gives 95, never above 100. */
export function saturate(x: number, k: number): number {
  if (!(x > 0)) return 0;
  return Math.round(100 * (1 - Math.exp(-x / k)));
}

export type Scores = Record<Stage, number>;

export function scoreStages(activity: Activity): Scores {
  const scores = {} as Scores;
  for (const stage of STAGES) {
    const { k, weights } = FORMULA[stage];
    let x = 0;
    for (const [key, weight] of Object.entries(weights) as Array<[keyof Activity, number]>) x += weight * activity[key];
    scores[stage] = saturate(x, k);
  }
  return scores;
}

/**
 * The furthest stage whose score reaches the threshold. Checked from contribution back to
 * consumption, so a prolific author who reads little is still in creation; a member who has
 * reached nothing yet starts in consumption.
 */
export function currentStage(scores: Scores): Stage {
  for (let i = STAGES.length - 1; i > 0; i--) if (scores[STAGES[i]!]! >= STAGE_THRESHOLD) return STAGES[i]!;
  return 'consumption';
}

export interface NextStep {
  text: string;
  /** Where to start doing it. */
  href: string;
  linkText: string;
}

/** One plain suggestion that moves the member on from where they are. */
export function nextStep(stage: Stage, scores: Scores, activity: Activity): NextStep {
  const total = Object.values(activity).reduce((a, b) => a + b, 0);
  if (total === 0) {
    return {
      text: 'Start small: follow five people who share your passions, and subscribe to one blog or journal you like.',
      // The guided step: starter kits on her passions and the people suggested to her, one click each.
      href: '/welcome/people',
      linkText: 'See people to follow',
    };
  }
  if (stage === 'consumption') {
    if (scores.consumption >= STAGE_THRESHOLD) {
      return {
        text: 'You read a lot — reply to one post a day this week. A question or a thank-you is enough.',
        href: '/stream',
        linkText: 'Open your stream',
      };
    }
    return {
      text: 'Follow a few more people in your field and read what they share, ten minutes a day.',
      href: '/insights/suggestions',
      linkText: 'See who to follow',
    };
  }
  if (stage === 'connection') {
    return {
      text: 'You talk with people — now share one useful link a week with a hashtag, or bookmark something with a note on why it matters.',
      href: '/bookmarks',
      linkText: 'Go to your bookmarks',
    };
  }
  if (stage === 'creation') {
    return {
      text: 'You make things others can use — gather a starter kit of people a newcomer should follow, or help host a chat.',
      href: '/starter-kits',
      linkText: 'Make a starter kit',
    };
  }
  if (scores.connection < STAGE_THRESHOLD) {
    return {
      text: 'People use what you share — answer a few of them this week, so it becomes a conversation.',
      href: '/notifications',
      linkText: 'See who responded',
    };
  }
  return {
    text: 'You give back to your network — keep it up, and welcome one newcomer this week.',
    href: '/people',
    linkText: 'Meet new members',
  };
}

type Member = Pick<Viewer, 'memberId' | 'actorId'>;

export interface StagesResult {
  scores: Scores;
  stage: Stage;
  nextStep: NextStep;
  activity: Activity;
}

/**
 * A member's stage, computed on request from their activity (`activity`): the counts in one
 * statement of indexed scalar subqueries, each bounded by the member's own rows (their item
 * states, follows, posts, bookmarks, collections), so the cost does not grow with the size of the
 * community. Reads other capabilities' tables (never writes them): feeds' `item_states`,
 * `source_items`, `subscriptions`; social's `follows`, `posts`, `mentions`, `post_hashtags`,
 * `hashtag_follows`; chats' `chat_posts`, `chats`, `chat_series`, `chat_moderators`; curation's
 * `bookmarks`, `collections`, `collection_follows`, `articles`.
 */
export class StagesService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  /** The member's scores, stage and next step, and the counts they are made of. */
  async of(member: Member, now = Date.now()): Promise<StagesResult> {
    const activity = await this.activity(member, now);
    const scores = scoreStages(activity);
    const stage = currentStage(scores);
    return { scores, stage, nextStep: nextStep(stage, scores, activity), activity };
  }

  /** The counts the scores are made of (see `Activity` for what each one counts). */
  async activity(member: Member, now = Date.now()): Promise<Activity> {
    const m = member.memberId;
    const a = member.actorId;
    const short = now - SHORT_WINDOW_MS;
    const long = now - LONG_WINDOW_MS;
    const result = await sql<Record<keyof Activity, number | string | null>>`
      select
        (select count(*) from item_states st join source_items i on i.id = st.item_id
          where st.member_id = ${m} and st.read = 1 and coalesce(st.read_at, i.seen_at) >= ${short}) as "itemsRead",
        (select count(*) from follows where follower_id = ${a} and created_at >= ${long})
          + (select count(*) from subscriptions where member_id = ${m} and created_at >= ${long})
          + (select count(*) from hashtag_follows where member_id = ${m} and created_at >= ${long}) as "followsMade",
        (select count(*) from bookmarks b where b.member_id = ${m} and b.created_at >= ${short}
          and (b.item_id is not null or exists (select 1 from posts p where p.id = b.post_id and p.actor_id <> ${a}))) as "bookmarksOfOthers",
        (select count(*) from posts where actor_id = ${a} and created_at >= ${long} and deleted_at is null
          and reply_to_actor_id is not null and reply_to_actor_id <> ${a}) as "repliesToOthers",
        (select count(*) from follows f join follows back on back.follower_id = f.followee_id and back.followee_id = f.follower_id
          where f.follower_id = ${a} and f.state = 'accepted' and back.state = 'accepted') as "mutuals",
        (select count(distinct chat_id) from chat_posts where actor_id = ${a} and created_at >= ${long}) as "chatsJoined",
        (select count(*) from (
          select m1.actor_id as partner from mentions m1 join posts p1 on p1.id = m1.post_id
           where p1.actor_id = ${a} and p1.created_at >= ${long} and m1.actor_id is not null and m1.actor_id <> ${a}
          union
          select p2.actor_id as partner from mentions m2 join posts p2 on p2.id = m2.post_id
           where m2.actor_id = ${a} and p2.created_at >= ${long} and p2.actor_id <> ${a} and p2.deleted_at is null
        ) partners) as "mentionPartners",
        (select count(*) from posts p where p.actor_id = ${a} and p.created_at >= ${long} and p.deleted_at is null
          and p.boost_of_id is null and p.reply_to_id is null and p.article_id is null
          and (p.first_url is not null or exists (select 1 from post_hashtags h where h.post_id = p.id))) as "postsWithLinksOrTags",
        (select count(*) from bookmarks where member_id = ${m} and created_at >= ${long} and note <> '') as "notedBookmarks",
        (select count(*) from collections where owner_id = ${m} and created_at >= ${long}) as "collectionsMade",
        (select count(*) from articles where member_id = ${m} and status = 'published' and published_at >= ${long}) as "articlesPublished",
        (select coalesce(sum(boost_count + like_count + reply_count), 0) from posts
          where actor_id = ${a} and created_at >= ${long} and deleted_at is null and boost_of_id is null) as "reactionsReceived",
        (select count(*) from chats c
          where c.starts_at >= ${long} and c.starts_at <= ${now + UPCOMING_CHAT_MS} and c.state <> 'cancelled'
            and c.series_id in (select id from chat_series where owner_id = ${m}
                                union select series_id from chat_moderators where member_id = ${m})) as "chatsHosted",
        (select count(*) from collection_follows cf join collections col on col.id = cf.collection_id
          where col.owner_id = ${m} and cf.member_id <> ${m}) as "collectionFollowers",
        (select count(*) from collections where owner_id = ${m} and kind = 'starter_kit' and visibility <> 'private') as "starterKits"
    `.execute(this.#database.db);
    const row = result.rows[0];
    const activity = { ...ZERO_ACTIVITY };
    if (row) for (const key of Object.keys(activity) as Array<keyof Activity>) activity[key] = Number(row[key] ?? 0);
    return activity;
  }
}
