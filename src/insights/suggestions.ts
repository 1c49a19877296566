import { sql } from 'kysely';
import { roleLabel } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { ACTOR_SUMMARY_COLUMNS, type ActorSummary, actorSummary } from '../social/index.ts';
import { listWords, num, unionAll } from './common.ts';

/**
 * Who to follow: people (members, and remote actors this server already knows) ranked for one
 * member from those who follow them and are not followed back, friends of friends, shared
 * passions (the best known of each, from pools.ts), hashtag co-use and chat co-participation,
 * favouring active people and the roles and places the member's network lacks, each with the
 * reasons in words. Every signal is read with a bounded number of index walks (sampled, with
 * LIMITs inside the SQL), so the cost does not grow with the size of the community; see
 * docs/insights.md and bench/recommend.ts.
 */

export interface Suggestion {
  actor: ActorSummary & { location: string | null; bio: string };
  /** Higher is better; only the order means something. */
  score: number;
  /** Why, in words, strongest first. */
  reasons: string[];
}

export const SUGGESTION_LIMIT_MAX = 50;

/** Bounds of the work per request (see the benchmark before changing them). */
const BOUNDS = {
  /** Friends of friends: the most recent followees sampled… */
  followees: 40,
  /** …and the most recent follows read of each. */
  followsEach: 150,
  /** Shared passions: the viewer's passions read, and the best-known holders read of each. */
  passions: 8,
  holdersEach: 100,
  /** Hashtag co-use: hashtags (passions' and the viewer's recent ones) and recent posts read of each. */
  tags: 8,
  ownPosts: 30,
  postsEach: 100,
  /** Followers the viewer has not followed back (the newest accounts first). */
  followers: 300,
  /** Chats the viewer took part in. */
  chats: 10,
  /** Role candidates (same and complementary roles) and place candidates: the best known of each. */
  roleEach: 60,
  placeEach: 60,
  /** Candidates kept after cheap counting, before loading their profiles. */
  candidates: 150,
} as const;

const WEIGHTS = {
  friendsOfFriends: 3,
  followsYou: 12,
  passion: 1.5,
  tag: 0.8,
  tagMax: 3,
  chat: 1.5,
  sameRole: 0.6,
  complementaryRole: 0.4,
  lackingRole: 0.5,
  samePlace: 1.2,
  lackingPlace: 0.2,
  popularity: 1,
} as const;

/** A network "has few" of a role or place when under this share of the people followed (and it has at least MIN_NETWORK people). */
const FEW_SHARE = 0.1;
const MIN_NETWORK = 5;
const DAY = 86_400_000;

/** Roles that learn from each other: a school librarian's network gains from teachers and administrators. */
const COMPLEMENTS: Record<string, readonly string[]> = {
  school_librarian: ['teacher', 'administrator', 'public_librarian', 'author'],
  public_librarian: ['school_librarian', 'library_staff', 'author', 'social_worker'],
  academic_librarian: ['researcher', 'educator', 'student'],
  library_staff: ['public_librarian', 'school_librarian', 'academic_librarian'],
  teacher: ['school_librarian', 'educator', 'administrator'],
  administrator: ['teacher', 'school_librarian', 'public_librarian'],
  social_worker: ['educator', 'researcher', 'public_librarian'],
  educator: ['student', 'researcher', 'teacher'],
  researcher: ['educator', 'academic_librarian', 'social_worker'],
  author: ['school_librarian', 'public_librarian', 'teacher'],
  student: ['educator', 'academic_librarian', 'researcher'],
};

interface Signals {
  fof: number;
  passions: number;
  /** hashtag id → posts */
  tags: Map<number, number>;
  /** chat hashtag names shared */
  chats: Set<string>;
  fromPool: boolean;
  followsYou: boolean;
}

const emptySignals = (): Signals => ({ fof: 0, passions: 0, tags: new Map(), chats: new Set(), fromPool: false, followsYou: false });

export class SuggestionsService {
  readonly #database: Database;
  readonly #baseUrl: string;

  constructor(database: Database, baseUrl: string) {
    this.#database = database;
    this.#baseUrl = baseUrl;
  }

  get #db() {
    return this.#database.db;
  }

  /** The `limit` best people for `viewer` to follow next, with reasons. */
  async suggest(viewer: Pick<Viewer, 'memberId' | 'actorId'>, limit = 10): Promise<Suggestion[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > SUGGESTION_LIMIT_MAX) {
      throw UserError.field('limit', `Ask for 1 to ${SUGGESTION_LIMIT_MAX} suggestions.`, 422);
    }
    const db = this.#db;
    const me = viewer.actorId;
    const now = Date.now();

    // ---- who the viewer is and already knows ----
    const [self, follows, blocks, mutes, dismissed, myPassions] = await Promise.all([
      db.selectFrom('actors').select(['role', 'location_key']).where('id', '=', me).executeTakeFirst(),
      // With each followee's role and place: what the network has few of (one read of the follows, not two).
      db
        .selectFrom('follows')
        .innerJoin('actors', 'actors.id', 'follows.followee_id')
        .select(['follows.id', 'follows.followee_id', 'follows.state', 'actors.role', 'actors.location_key'])
        .where('follows.follower_id', '=', me)
        .execute(),
      db
        .selectFrom('blocks')
        .select(['actor_id', 'target_id'])
        .where((eb) => eb.or([eb('actor_id', '=', me), eb('target_id', '=', me)]))
        .execute(),
      db.selectFrom('mutes').select('target_id').where('actor_id', '=', me).execute(),
      db.selectFrom('suggestion_dismissals').select('actor_id').where('member_id', '=', viewer.memberId).execute(),
      db
        .selectFrom('actor_passions')
        .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
        .select(['passions.id', 'passions.slug'])
        .where('actor_passions.actor_id', '=', me)
        .orderBy('actor_passions.position')
        .limit(BOUNDS.passions)
        .execute(),
    ]);
    if (!self) return [];
    const excluded = new Set<number>([me]);
    for (const f of follows) excluded.add(num(f.followee_id));
    for (const b of blocks) excluded.add(num(b.actor_id) === me ? num(b.target_id) : num(b.actor_id));
    for (const m of mutes) excluded.add(num(m.target_id));
    for (const d of dismissed) excluded.add(num(d.actor_id));

    const accepted = follows.filter((f) => f.state === 'accepted');
    const sampled = accepted
      .sort((a, b) => num(b.id) - num(a.id))
      .slice(0, BOUNDS.followees)
      .map((f) => num(f.followee_id));
    const passionIds = myPassions.map((p) => num(p.id));
    const myRole = self.role;
    const roleSources = myRole ? [myRole, ...(COMPLEMENTS[myRole] ?? [])] : [];

    // ---- the signals, each a bounded read ----
    const [fofRows, passionRows, tagIds, chatIds, followerRows] = await Promise.all([
      sampled.length === 0
        ? Promise.resolve([])
        : sql<{ actor_id: unknown; n: unknown }>`
            select followee_id as actor_id, count(*) as n from (${unionAll(
              sampled.map(
                (id) =>
                  sql`select followee_id from follows where follower_id = ${id} and state = 'accepted' order by id desc limit ${BOUNDS.followsEach}`,
              ),
            )}) as fof group by followee_id`
            .execute(db)
            .then((r) => r.rows),
      this.#passionHolders(passionIds),
      this.#interestingTags(
        me,
        myPassions.map((p) => p.slug),
      ),
      db
        .selectFrom('chat_posts')
        .select('chat_id')
        .distinct()
        .where('actor_id', '=', me)
        .orderBy('chat_id', 'desc')
        .limit(BOUNDS.chats)
        .execute()
        .then((rows) => rows.map((r) => num(r.chat_id))),
      db
        .selectFrom('follows')
        .select('follower_id')
        .where('followee_id', '=', me)
        .where('state', '=', 'accepted')
        .orderBy('follower_id', 'desc')
        .limit(BOUNDS.followers)
        .execute(),
    ]);

    const [tagRows, chatRows, roleRows] = await Promise.all([
      tagIds.length === 0
        ? Promise.resolve([])
        : sql<{ actor_id: unknown; hashtag_id: unknown; n: unknown }>`
            select actor_id, hashtag_id, count(*) as n from (${unionAll(
              tagIds.map(
                (id) => sql`select posts.actor_id, post_hashtags.hashtag_id from post_hashtags
                  inner join posts on posts.id = post_hashtags.post_id
                  where post_hashtags.hashtag_id = ${id} and post_hashtags.listed = 1 and posts.deleted_at is null
                  order by post_hashtags.post_id desc limit ${BOUNDS.postsEach}`,
              ),
            )}) as tagged group by actor_id, hashtag_id`
            .execute(db)
            .then((r) => r.rows),
      chatIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('chat_posts')
            .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
            .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
            .select(['chat_posts.actor_id', 'chat_series.hashtag_name'])
            .distinct()
            .where('chat_posts.chat_id', 'in', chatIds)
            .where('chat_posts.hidden', '=', 0)
            .execute(),
      this.#roleAndPlaceCandidates(roleSources, self.location_key),
    ]);

    // ---- gather candidates ----
    const signals = new Map<number, Signals>();
    const of = (id: number): Signals | null => {
      if (excluded.has(id)) return null;
      let s = signals.get(id);
      if (!s) signals.set(id, (s = emptySignals()));
      return s;
    };
    for (const r of fofRows) {
      const s = of(num(r.actor_id));
      if (s) s.fof = num(r.n);
    }
    for (const r of passionRows) {
      const s = of(num(r.actor_id));
      if (s) s.passions = num(r.n);
    }
    for (const r of tagRows) {
      const s = of(num(r.actor_id));
      if (s) s.tags.set(num(r.hashtag_id), num(r.n));
    }
    for (const r of chatRows) {
      const s = of(num(r.actor_id));
      if (s) s.chats.add(r.hashtag_name);
    }
    for (const id of roleRows) {
      const s = of(id);
      if (s) s.fromPool = true;
    }
    for (const r of followerRows) {
      const s = of(num(r.follower_id));
      if (s) s.followsYou = true;
    }
    if (signals.size === 0) return [];

    // Cheap pre-ranking on the counts alone keeps the profile load bounded.
    const cheap = (s: Signals) =>
      (s.followsYou ? WEIGHTS.followsYou : 0) +
      WEIGHTS.friendsOfFriends * Math.log1p(s.fof) +
      WEIGHTS.passion * s.passions +
      WEIGHTS.tag * s.tags.size +
      WEIGHTS.chat * s.chats.size +
      (s.fromPool ? 0.5 : 0);
    const ids = [...signals.entries()]
      .sort((a, b) => cheap(b[1]) - cheap(a[1]) || b[0] - a[0])
      .slice(0, BOUNDS.candidates)
      .map(([id]) => id);

    // Their profiles, and every passion they share with the viewer (not only those the bounded read saw).
    const [profiles, sharedPassions] = await Promise.all([
      db
        .selectFrom('actors')
        .leftJoin('members', 'members.actor_id', 'actors.id')
        .select([
          ...ACTOR_SUMMARY_COLUMNS,
          'actors.location',
          'actors.location_key',
          'actors.bio',
          'actors.followers_count',
          'actors.last_post_at',
          'members.suspended_at',
        ])
        .where('actors.id', 'in', ids)
        .execute(),
      passionIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('actor_passions')
            .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
            .select(['actor_passions.actor_id', 'passions.name'])
            .where('actor_passions.actor_id', 'in', ids)
            .where('actor_passions.passion_id', 'in', passionIds)
            .orderBy('actor_passions.position')
            .execute(),
    ]);
    const passionsOf = new Map<number, string[]>();
    for (const r of sharedPassions) {
      const list = passionsOf.get(num(r.actor_id)) ?? [];
      list.push(r.name);
      passionsOf.set(num(r.actor_id), list);
    }

    // ---- what the network lacks ----
    const roleCounts = new Map<string, number>();
    const placeCounts = new Map<string, number>();
    for (const r of accepted) {
      if (r.role) roleCounts.set(r.role, (roleCounts.get(r.role) ?? 0) + 1);
      if (r.location_key) placeCounts.set(r.location_key, (placeCounts.get(r.location_key) ?? 0) + 1);
    }
    const size = accepted.length;
    const few = (counts: Map<string, number>, key: string) => size >= MIN_NETWORK && (counts.get(key) ?? 0) / size < FEW_SHARE;
    const complements = new Set(myRole ? (COMPLEMENTS[myRole] ?? []) : []);

    // ---- score ----
    const scored = profiles
      .filter((p) => p.suspended_at === null)
      .map((p) => {
        const s = signals.get(num(p.id))!;
        let score = 0;
        if (s.fof > 0) score += WEIGHTS.friendsOfFriends * Math.log1p(s.fof);
        if (s.followsYou) score += WEIGHTS.followsYou;
        score += WEIGHTS.passion * (passionsOf.get(num(p.id))?.length ?? 0);
        let tagScore = 0;
        for (const n of s.tags.values()) tagScore += WEIGHTS.tag * Math.log1p(n);
        score += Math.min(WEIGHTS.tagMax, tagScore);
        score += WEIGHTS.chat * s.chats.size;
        const sameRole = Boolean(p.role && p.role === myRole && p.role !== 'other');
        const complementary = Boolean(p.role && complements.has(p.role));
        const lackingRole = Boolean(p.role && p.role !== 'other' && few(roleCounts, p.role));
        if (sameRole) score += WEIGHTS.sameRole;
        else if (complementary) score += WEIGHTS.complementaryRole;
        if (lackingRole) score += WEIGHTS.lackingRole;
        const samePlace = Boolean(p.location_key && p.location_key === self.location_key);
        const lackingPlace = Boolean(p.location_key && !samePlace && few(placeCounts, p.location_key));
        if (samePlace) score += WEIGHTS.samePlace;
        else if (lackingPlace) score += WEIGHTS.lackingPlace;
        score += WEIGHTS.popularity * Math.log1p(num(p.followers_count));
        // Active people are worth following; silent accounts much less.
        const lastPost = p.last_post_at === null ? null : num(p.last_post_at);
        const activity = lastPost === null ? 0.7 : now - lastPost < 14 * DAY ? 1.15 : now - lastPost < 90 * DAY ? 1 : 0.8;
        return { p, s, score: score * activity, sameRole, complementary, lackingRole, samePlace, lackingPlace, lastPost };
      })
      .sort((a, b) => b.score - a.score || num(b.p.id) - num(a.p.id))
      .slice(0, limit);
    if (scored.length === 0) return [];

    // ---- reasons, in words (one more query, for the hashtags' names) ----
    const allTagIds = [...new Set(scored.flatMap((x) => [...x.s.tags.keys()]))];
    const tagNames =
      allTagIds.length === 0 ? [] : await db.selectFrom('hashtags').select(['id', 'name']).where('id', 'in', allTagIds).execute();
    const tagName = new Map(tagNames.map((t) => [num(t.id), t.name]));

    return scored.map((x) => {
      const { p, s } = x;
      const id = num(p.id);
      const label = roleLabel(p.role, p.role_other);
      const a = label ? article(label) : null;
      const reasons: string[] = [];
      if (s.followsYou) reasons.push('follows you');
      if (s.fof > 0) reasons.push(s.fof === 1 ? '1 person you follow follows them' : `${s.fof} people you follow follow them`);
      const shared = passionsOf.get(id) ?? [];
      if (shared.length > 0) reasons.push(`shares your passion${shared.length > 1 ? 's' : ''}: ${listWords(shared.slice(0, 3))}`);
      const tags = [...s.tags.entries()]
        .sort((m, n) => n[1] - m[1])
        .map(([t]) => tagName.get(t))
        .filter((t): t is string => Boolean(t));
      if (tags.length > 0) reasons.push(`posts about ${listWords(tags.slice(0, 3).map((t) => `#${t}`))}`);
      const chats = [...s.chats].slice(0, 2);
      if (chats.length > 0) reasons.push(`you were both in ${listWords(chats.map((c) => `#${c}`))}`);
      if (label && x.lackingRole) reasons.push(`${a} ${label.toLowerCase()} (your network has few)`);
      else if (label && x.sameRole) reasons.push(`also ${a} ${label.toLowerCase()}`);
      else if (label && x.complementary) reasons.push(`${a} ${label.toLowerCase()}, a role that works with yours`);
      if (p.location && x.samePlace) reasons.push(`also in ${p.location}`);
      else if (p.location && x.lackingPlace) reasons.push(`in ${p.location} (few people you follow are there)`);
      if (x.lastPost !== null && now - x.lastPost < 14 * DAY) reasons.push('posted in the last two weeks');
      return {
        actor: { ...actorSummary(p, this.#baseUrl), location: p.location, bio: p.bio },
        score: Math.round(x.score * 1000) / 1000,
        reasons,
      };
    });
  }

  /** Hides `actorId` from the viewer's suggestions for good. 404 when there is no such person. */
  async dismiss(viewer: Pick<Viewer, 'memberId' | 'actorId'>, actorId: number): Promise<void> {
    const actor = await this.#db
      .selectFrom('actors')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select(['actors.id', 'members.suspended_at'])
      .where('actors.id', '=', actorId)
      .executeTakeFirst();
    if (!actor || actor.suspended_at) throw UserError.notFound('There is no such person to dismiss.');
    if (num(actor.id) === viewer.actorId) throw UserError.field('actorId', 'You are never suggested to yourself.', 422, 'self');
    await this.#db
      .insertInto('suggestion_dismissals')
      .values({ member_id: viewer.memberId, actor_id: actorId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'actor_id']).doNothing())
      .execute();
  }

  /**
   * People who hold the viewer's passions, and how many of them each holds: the best known of
   * each passion from the pools (pools.ts); before the first refresh, the newest holders.
   */
  async #passionHolders(passionIds: number[]): Promise<Array<{ actor_id: unknown; n: unknown }>> {
    if (passionIds.length === 0) return [];
    const pooled = await this.#db
      .selectFrom('suggestion_pools')
      .select((eb) => ['actor_id', eb.fn.countAll().as('n')])
      .where('kind', '=', 'passion')
      .where('key', 'in', passionIds.map(String))
      .where('rank', '<=', BOUNDS.holdersEach)
      .groupBy('actor_id')
      .execute();
    if (pooled.length > 0) return pooled;
    const newest = await sql<{ actor_id: unknown; n: unknown }>`
      select actor_id, count(*) as n from (${unionAll(
        passionIds.map(
          (id) => sql`select actor_id from actor_passions where passion_id = ${id} order by actor_id desc limit ${BOUNDS.holdersEach}`,
        ),
      )}) as shared group by actor_id`.execute(this.#db);
    return newest.rows;
  }

  /**
   * People with the viewer's role or one that works with it, and people in the viewer's place:
   * the best known of each from the pools; before the first refresh, the most recently active
   * of each role.
   */
  async #roleAndPlaceCandidates(roles: string[], placeKey: string | null): Promise<number[]> {
    if (roles.length === 0 && !placeKey) return [];
    const pooled = await this.#db
      .selectFrom('suggestion_pools')
      .select('actor_id')
      .where((eb) =>
        eb.or([
          ...(roles.length > 0 ? [eb.and([eb('kind', '=', 'role'), eb('key', 'in', roles), eb('rank', '<=', BOUNDS.roleEach)])] : []),
          ...(placeKey ? [eb.and([eb('kind', '=', 'place'), eb('key', '=', placeKey), eb('rank', '<=', BOUNDS.placeEach)])] : []),
        ]),
      )
      .execute();
    if (pooled.length > 0 || roles.length === 0) return pooled.map((r) => num(r.actor_id));
    const recent = await sql<{ id: unknown }>`${unionAll(
      roles.map(
        (role) =>
          sql`select id from actors where role = ${role} and last_post_at is not null order by last_post_at desc limit ${BOUNDS.roleEach}`,
      ),
    )}`.execute(this.#db);
    return recent.rows.map((r) => num(r.id));
  }

  /** Hashtags that say what the viewer cares about: their passions' (same slugs) and those of their recent posts. */
  async #interestingTags(actorId: number, passionSlugs: string[]): Promise<number[]> {
    const [fromPassions, fromPosts] = await Promise.all([
      passionSlugs.length === 0
        ? Promise.resolve([])
        : this.#db.selectFrom('hashtags').select('id').where('slug', 'in', passionSlugs).execute(),
      this.#db
        .selectFrom((eb) =>
          eb.selectFrom('posts').select('id').where('actor_id', '=', actorId).orderBy('id', 'desc').limit(BOUNDS.ownPosts).as('recent'),
        )
        .innerJoin('post_hashtags', 'post_hashtags.post_id', 'recent.id')
        .select('post_hashtags.hashtag_id')
        .distinct()
        .execute(),
    ]);
    const ids = new Set<number>();
    for (const r of fromPassions) ids.add(num(r.id));
    for (const r of fromPosts) ids.add(num(r.hashtag_id));
    return [...ids].slice(0, BOUNDS.tags);
  }
}

/** "a" or "an" before a role ("an author", "a public librarian"). */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
