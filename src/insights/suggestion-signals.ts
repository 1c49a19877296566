import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Viewer } from '../platform/viewer.ts';
import { num, unionAll } from './common.ts';

/**
 * Who to follow, step one: who the viewer is and already knows, then the candidates each signal
 * gives (friends of friends, shared passions, hashtag co-use, chat co-participation, roles and
 * places, followers not followed back), every one a bounded read (sampled, with LIMITs inside the
 * SQL). Reads other capabilities' tables, never writes them: social's `follows`, `blocks`,
 * `mutes`, `posts`, `post_hashtags`, `hashtags`; chats' `chat_posts`, `chats`, `chat_series`;
 * the people (`actors`, `actor_passions`, `passions`, `related_passions`: accounts' shared read model).
 */

/** Bounds of the work per request (see the benchmark before changing them). */
export const BOUNDS = {
  /** No candidate from any signal: this many of the server's best-known members instead. */
  membersHere: 10,
  /** Friends of friends: the most recent followees sampled… */
  followees: 40,
  /** …and the most recent follows read of each. */
  followsEach: 150,
  /** Shared passions: the viewer's passions read, and the best-known holders read of each. */
  passions: 8,
  /** Related passions (the same stem, or related in the vocabulary) whose holders are read too. */
  relatedPassions: 16,
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

/** Roles that learn from each other: a school librarian's network gains from teachers and administrators. */
export const COMPLEMENTS: Record<string, readonly string[]> = {
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

/** Who the viewer is and whom they already know. */
export interface Known {
  actorId: number;
  role: string | null;
  placeKey: string | null;
  /** Never suggested: the viewer, people followed or asked (but those kept), blocked either way, muted, dismissed. */
  excluded: Set<number>;
  /** The viewer's follows (accepted, or asked and waiting), by the person followed. */
  follows: Map<number, 'accepted' | 'pending'>;
  /** Accepted follows, with each person's role and place: what the network has few of. */
  accepted: Array<{ role: string | null; location_key: string | null }>;
  /** The most recent followees, for friends of friends. */
  sampled: number[];
  /** The viewer's first passions. */
  passions: Array<{ id: number; slug: string; name: string; key: string }>;
  /**
   * Other passions people hold that match one of the viewer's: the same stem ("Storytimes" for
   * "Storytime") or related in the vocabulary ("Early literacy"); `via` names the viewer's.
   */
  related: Array<{ id: number; name: string; key: string; via: string }>;
}

/** What each signal says about one candidate. */
export interface Signals {
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

export class SuggestionSignals {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  get #db() {
    return this.#database.db;
  }

  /**
   * Who the viewer is and already knows; null when their actor is gone. People in `keep` stay
   * candidates though followed (just followed from the suggestions, they keep their place there).
   */
  async known(viewer: Pick<Viewer, 'memberId' | 'actorId'>, keep: ReadonlySet<number> = new Set()): Promise<Known | null> {
    const db = this.#db;
    const me = viewer.actorId;
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
        .select(['passions.id', 'passions.slug', 'passions.name', 'passions.match_key'])
        .where('actor_passions.actor_id', '=', me)
        .orderBy('actor_passions.position')
        .limit(BOUNDS.passions)
        .execute(),
    ]);
    if (!self) return null;
    const passions = myPassions.map((p) => ({ id: num(p.id), slug: p.slug, name: p.name, key: p.match_key }));
    const excluded = new Set<number>([me]);
    for (const f of follows) if (!keep.has(num(f.followee_id))) excluded.add(num(f.followee_id));
    for (const b of blocks) excluded.add(num(b.actor_id) === me ? num(b.target_id) : num(b.actor_id));
    for (const m of mutes) excluded.add(num(m.target_id));
    for (const d of dismissed) excluded.add(num(d.actor_id));
    const accepted = follows.filter((f) => f.state === 'accepted');
    const sampled = accepted
      .sort((a, b) => num(b.id) - num(a.id))
      .slice(0, BOUNDS.followees)
      .map((f) => num(f.followee_id));
    return {
      actorId: me,
      role: self.role,
      placeKey: self.location_key,
      excluded,
      follows: new Map(follows.map((f) => [num(f.followee_id), f.state === 'accepted' ? 'accepted' : 'pending'])),
      accepted,
      sampled,
      passions,
      related: await this.#relatedPassions(passions),
    };
  }

  /**
   * Passions people hold that match the viewer's by stem or through the vocabulary (accounts'
   * `related_passions`), each with the viewer's passion it matches: one bounded query.
   */
  async #relatedPassions(mine: Known['passions']): Promise<Known['related']> {
    if (mine.length === 0) return [];
    const keys = [...new Set(mine.map((p) => p.key))];
    const links = unionAll([
      sql`select mine.match_key as via_key, theirs.match_key as their_key from related_passions as mine
        inner join related_passions as theirs on theirs.group_id = mine.group_id
        where mine.match_key in (${sql.join(keys)})`,
      ...keys.map((key) => sql`select cast(${key} as text) as via_key, cast(${key} as text) as their_key`),
    ]);
    const rows = await sql<{ id: unknown; name: string; match_key: string; via_key: string }>`
      select passions.id, passions.name, passions.match_key, links.via_key from passions
      inner join (${links}) as links on links.their_key = passions.match_key
      where passions.id not in (${sql.join(mine.map((p) => p.id))})
        and exists (select 1 from actor_passions where actor_passions.passion_id = passions.id)
      order by case when links.via_key = passions.match_key then 0 else 1 end, passions.id
      limit ${BOUNDS.relatedPassions}`.execute(this.#db);
    const viaName = new Map<string, string>();
    for (const p of mine) if (!viaName.has(p.key)) viaName.set(p.key, p.name);
    const seen = new Set<number>();
    const related: Known['related'] = [];
    for (const r of rows.rows) {
      const id = num(r.id);
      if (seen.has(id)) continue;
      seen.add(id);
      related.push({ id, name: r.name, key: r.match_key, via: viaName.get(r.via_key) ?? r.via_key });
    }
    return related;
  }

  /** Every candidate any signal gives (the excluded left out), with what each signal says about them. */
  async gather(known: Known): Promise<Map<number, Signals>> {
    const me = known.actorId;
    const roleSources = known.role ? [known.role, ...(COMPLEMENTS[known.role] ?? [])] : [];
    const [fofRows, passionRows, tagIds, chatIds, followerRows] = await Promise.all([
      this.#friendsOfFriends(known.sampled),
      this.#passionHolders([...known.passions, ...known.related].map((p) => p.id)),
      this.#interestingTags(
        me,
        known.passions.map((p) => p.slug),
      ),
      this.#chatsJoined(me),
      this.#followers(me),
    ]);
    const [tagRows, chatRows, roleRows] = await Promise.all([
      this.#tagCoUse(tagIds),
      this.#chatCoParticipants(chatIds),
      this.#roleAndPlaceCandidates(roleSources, known.placeKey),
    ]);

    const signals = new Map<number, Signals>();
    const of = (id: number): Signals | null => {
      if (known.excluded.has(id)) return null;
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
    for (const id of followerRows) {
      const s = of(id);
      if (s) s.followsYou = true;
    }
    // A new server, or a member who said nothing about herself yet: no signal has anyone, so the
    // members here who are most followed (then the newest), rather than an empty list.
    if (signals.size === 0)
      for (const id of await this.#membersHere(Math.min(BOUNDS.membersHere + known.excluded.size, 200))) {
        const s = of(id);
        if (s) s.fromPool = true;
      }
    return signals;
  }

  /** Local members who are not suspended, most followed first, then the newest. */
  async #membersHere(limit: number): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select('actors.id')
      .where('members.suspended_at', 'is', null)
      .orderBy('actors.followers_count', 'desc')
      .orderBy('members.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => num(r.id));
  }

  /** Friends of friends: whom the sampled followees follow, and by how many of them. */
  async #friendsOfFriends(sampled: number[]): Promise<Array<{ actor_id: unknown; n: unknown }>> {
    if (sampled.length === 0) return [];
    const result = await sql<{ actor_id: unknown; n: unknown }>`
      select followee_id as actor_id, count(*) as n from (${unionAll(
        sampled.map(
          (id) =>
            sql`select followee_id from follows where follower_id = ${id} and state = 'accepted' order by id desc limit ${BOUNDS.followsEach}`,
        ),
      )}) as fof group by followee_id`.execute(this.#db);
    return result.rows;
  }

  /** The chats the viewer took part in, the most recent first. */
  async #chatsJoined(me: number): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('chat_posts')
      .select('chat_id')
      .distinct()
      .where('actor_id', '=', me)
      .orderBy('chat_id', 'desc')
      .limit(BOUNDS.chats)
      .execute();
    return rows.map((r) => num(r.chat_id));
  }

  /** People who follow the viewer (the newest accounts first). */
  async #followers(me: number): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('follows')
      .select('follower_id')
      .where('followee_id', '=', me)
      .where('state', '=', 'accepted')
      .orderBy('follower_id', 'desc')
      .limit(BOUNDS.followers)
      .execute();
    return rows.map((r) => num(r.follower_id));
  }

  /** Who posted lately with the viewer's hashtags, and how often with each. */
  async #tagCoUse(tagIds: number[]): Promise<Array<{ actor_id: unknown; hashtag_id: unknown; n: unknown }>> {
    if (tagIds.length === 0) return [];
    const result = await sql<{ actor_id: unknown; hashtag_id: unknown; n: unknown }>`
      select actor_id, hashtag_id, count(*) as n from (${unionAll(
        tagIds.map(
          (id) => sql`select posts.actor_id, post_hashtags.hashtag_id from post_hashtags
            inner join posts on posts.id = post_hashtags.post_id
            where post_hashtags.hashtag_id = ${id} and post_hashtags.listed = 1 and posts.deleted_at is null
            order by post_hashtags.post_id desc limit ${BOUNDS.postsEach}`,
        ),
      )}) as tagged group by actor_id, hashtag_id`.execute(this.#db);
    return result.rows;
  }

  /** Who else posted in the viewer's chats, with the chats' hashtags. */
  async #chatCoParticipants(chatIds: number[]): Promise<Array<{ actor_id: number; hashtag_name: string }>> {
    if (chatIds.length === 0) return [];
    return this.#db
      .selectFrom('chat_posts')
      .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .select(['chat_posts.actor_id', 'chat_series.hashtag_name'])
      .distinct()
      .where('chat_posts.chat_id', 'in', chatIds)
      .where('chat_posts.hidden', '=', 0)
      .execute();
  }

  /**
   * People who hold the viewer's passions or related ones, and how many of them each holds: the
   * best known of each passion from the pools (pools.ts); before the first refresh, the newest holders.
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
