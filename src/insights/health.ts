import { sql } from 'kysely';
import { roleLabel } from '../accounts/index.ts';
import { type Database, idIn } from '../db/database.ts';
import type { Viewer } from '../platform/viewer.ts';
import { num as n, profilePath } from './common.ts';
import { GRAPH_NODES, type NetworkGraph, networkGraph } from './network-graph.ts';
import { LONG_WINDOW_MS } from './stages.ts';

/**
 * Network health: how big, how mutual and how varied the people a member follows are, what has
 * gone quiet, and who they actually talk with. Every list is bounded, every count indexed.
 * Reads other capabilities' tables, never writes them: social's `follows`, `posts`, `mentions`;
 * feeds' `subscriptions`, `sources`; the people (`actors`, accounts' shared read model).
 */

/** When one role is at least this share of the people followed (and there are enough of them), nudge. */
export const DOMINANT_SHARE = 0.6;
export const DIVERSITY_MIN_FOLLOWING = 5;
/** Rows shown per list (dormant follows, dormant sources, ties); totals are counted in full. */
export const LIST_LIMIT = 20;
export const TIES_LIMIT = 10;

export interface Share {
  key: string;
  label: string;
  count: number;
  /** 0..1 of the people followed. */
  share: number;
}

export interface DormantPerson {
  actorId: number;
  acct: string;
  displayName: string;
  path: string;
  lastPostAt: number | null;
}

export interface DormantSource {
  subscriptionId: number;
  sourceId: number;
  title: string;
  lastItemAt: number | null;
}

export interface Tie {
  actorId: number;
  acct: string;
  displayName: string;
  path: string;
  /** Replies and mentions from the member to them, and from them to the member, last 90 days. */
  toThem: number;
  fromThem: number;
}

export interface NetworkHealth {
  following: number;
  followers: number;
  mutuals: number;
  /** mutuals ÷ following, or null when following nobody. */
  reciprocity: number | null;
  roles: Share[];
  places: Share[];
  /** Set when one role dominates the people followed. */
  diversityNudge: { text: string; href: string } | null;
  dormantFollows: { total: number; people: DormantPerson[] };
  dormantSources: { total: number; sources: DormantSource[] };
  ties: Tie[];
  graph: NetworkGraph;
}

/** How the nudge names a role in the plural ("92% … are school librarians"). */
const ROLE_PLURALS: Record<string, string> = {
  school_librarian: 'school librarians',
  public_librarian: 'public librarians',
  academic_librarian: 'academic librarians',
  library_staff: 'library staff',
  teacher: 'teachers',
  administrator: 'school or library administrators',
  social_worker: 'social workers',
  educator: 'instructors or teacher educators',
  researcher: 'researchers',
  author: 'authors or illustrators',
  student: 'students',
  other: 'people who describe their role in their own words',
  none: 'people without a role on their profile',
};

/** Ids per `in (…)` list: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ID_CHUNK = 10_000;

type Member = Pick<Viewer, 'memberId' | 'actorId'>;

/** A person the member follows, with what the tallies need. */
interface Followed {
  id: number;
  follow_id: number;
  /** 1 when they follow the member back. */
  mutual: number;
  acct: string;
  display_name: string;
  role: string | null;
  place: string | null;
  location: string | null;
  created_at: number;
  last_post_at: number | null;
}

export class HealthService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  /** The member's network health, computed on request. */
  async of(member: Member, now = Date.now()): Promise<NetworkHealth> {
    const a = member.actorId;
    const quietSince = now - LONG_WINDOW_MS;
    // The independent reads start together (PostgreSQL runs them on several connections).
    const [self, followed, dormantSources, ties] = await Promise.all([
      this.#database.db.selectFrom('actors').select('followers_count').where('id', '=', a).executeTakeFirst(),
      this.#followed(a),
      this.#quietSources(member.memberId, quietSince),
      this.#ties(a, quietSince),
    ]);
    const followers = n(self?.followers_count);
    const following = followed.length;
    const mutuals = followed.filter((r) => n(r.mutual) === 1).length;
    const roles = tally(
      followed,
      (r) => r.role ?? 'none',
      (r) => roleLabel(r.role) ?? 'No role given',
    );
    const places = topWithOther(
      tally(
        followed,
        (r) => r.place ?? 'none',
        (r) => (r.place ? (r.location ?? r.place) : 'No place given'),
      ),
      5,
      following,
    );
    const quiet = followed.filter((r) => n(r.created_at) < quietSince && (r.last_post_at === null || n(r.last_post_at) < quietSince));
    const quietTotal = quiet.length;
    const dormant = quiet.sort((x, y) => n(x.last_post_at) - n(y.last_post_at) || n(x.id) - n(y.id)).slice(0, LIST_LIMIT);

    const byRole = new Map<string, { following: number; mutuals: number }>();
    for (const r of followed) {
      const e = byRole.get(r.role ?? 'none') ?? { following: 0, mutuals: 0 };
      e.following++;
      e.mutuals += n(r.mutual);
      byRole.set(r.role ?? 'none', e);
    }
    const mutualIds = followed
      .filter((r) => n(r.mutual) === 1)
      .sort((x, y) => n(y.follow_id) - n(x.follow_id))
      .slice(0, GRAPH_NODES)
      .map((r) => n(r.id));
    const graph = await networkGraph(this.#database, a, { byRole, mutualIds }, followers);

    return {
      following,
      followers,
      mutuals,
      reciprocity: following > 0 ? Math.min(1, mutuals / following) : null,
      roles,
      places,
      diversityNudge: diversityNudge(roles, following),
      dormantFollows: {
        total: quietTotal,
        people: dormant.map((r) => ({
          actorId: n(r.id),
          acct: r.acct,
          displayName: r.display_name,
          path: profilePath(r.acct),
          lastPostAt: r.last_post_at === null ? null : n(r.last_post_at),
        })),
      },
      dormantSources,
      ties,
      graph,
    };
  }

  /**
   * The people followed, tallied by the caller: roles, places, mutuals and the quiet ones.
   * Bounded by the member's own follows. The follows (with a hash of the member's followers for
   * mutuals) and then the people by primary key: PostgreSQL answers a join of thousands of
   * follows to actors by scanning actors, and the page used to pay that scan once per question.
   */
  async #followed(a: number): Promise<Followed[]> {
    const { db } = this.#database;
    const follows = (
      await sql<{ id: number; follow_id: number; mutual: number }>`
        select f.followee_id as id, f.id as follow_id, case when back.follower_id is null then 0 else 1 end as mutual
          from follows f
          left join (select follower_id from follows where followee_id = ${a} and state = 'accepted') back on back.follower_id = f.followee_id
         where f.follower_id = ${a} and f.state = 'accepted'`.execute(db)
    ).rows;
    const people = new Map<number, Omit<Followed, 'id' | 'follow_id' | 'mutual'>>();
    for (let i = 0; i < follows.length; i += ID_CHUNK) {
      const ids = follows.slice(i, i + ID_CHUNK).map((f) => n(f.id));
      const rows = await db
        .selectFrom('actors')
        .select(['id', 'acct', 'display_name', 'role', 'location_key as place', 'location', 'created_at', 'last_post_at'])
        .where(idIn(this.#database, 'id', ids))
        .execute();
      for (const r of rows) people.set(n(r.id), r);
    }
    return follows.flatMap((f) => {
      const p = people.get(n(f.id));
      return p ? [{ ...p, id: n(f.id), follow_id: n(f.follow_id), mutual: n(f.mutual) }] : [];
    });
  }

  /** Sources followed before the window that published nothing in it: the count, and the quietest. */
  async #quietSources(m: number, quietSince: number): Promise<NetworkHealth['dormantSources']> {
    const { db } = this.#database;
    const sourceWhere = sql`sub.member_id = ${m} and sub.created_at < ${quietSince} and coalesce(s.last_item_at, 0) < ${quietSince}`;
    const [sourceCount, sourceRows] = await Promise.all([
      sql<{
        count: number;
      }>`select count(*) as count from subscriptions sub join sources s on s.id = sub.source_id where ${sourceWhere}`.execute(db),
      sql<{ id: number; source_id: number; title: string | null; source_title: string; url: string; last_item_at: number | null }>`
        select sub.id, sub.source_id, sub.title, s.title as source_title, s.url, s.last_item_at
          from subscriptions sub join sources s on s.id = sub.source_id
         where ${sourceWhere}
         order by coalesce(s.last_item_at, 0), sub.id limit ${LIST_LIMIT}`.execute(db),
    ]);
    return {
      total: n(sourceCount.rows[0]?.count),
      sources: sourceRows.rows.map((r) => ({
        subscriptionId: n(r.id),
        sourceId: n(r.source_id),
        title: r.title || r.source_title || r.url,
        lastItemAt: r.last_item_at === null ? null : n(r.last_item_at),
      })),
    };
  }

  /**
   * Replies and mentions both ways in the window. Replies to the member are found through
   * their own posts of the window (posts_reply_to index), not by scanning everyone's posts.
   */
  async #ties(a: number, quietSince: number): Promise<Tie[]> {
    const { db } = this.#database;
    const tieRows = await sql<{ partner: number; to_them: number; from_them: number }>`
      select partner, sum(to_them) as to_them, sum(from_them) as from_them from (
        select reply_to_actor_id as partner, 1 as to_them, 0 as from_them from posts
         where actor_id = ${a} and created_at >= ${quietSince} and deleted_at is null and reply_to_actor_id is not null and reply_to_actor_id <> ${a}
        union all
        select m1.actor_id, 1, 0 from mentions m1 join posts p1 on p1.id = m1.post_id
         where p1.actor_id = ${a} and p1.created_at >= ${quietSince} and p1.deleted_at is null and m1.actor_id is not null and m1.actor_id <> ${a}
           and (p1.reply_to_actor_id is null or p1.reply_to_actor_id <> m1.actor_id)
        union all
        select r.actor_id, 0, 1 from posts mine join posts r on r.reply_to_id = mine.id
         where mine.actor_id = ${a} and mine.created_at >= ${quietSince - LONG_WINDOW_MS} and r.created_at >= ${quietSince} and r.deleted_at is null and r.actor_id <> ${a}
        union all
        select p2.actor_id, 0, 1 from mentions m2 join posts p2 on p2.id = m2.post_id
         where m2.actor_id = ${a} and p2.created_at >= ${quietSince} and p2.deleted_at is null and p2.actor_id <> ${a}
           and (p2.reply_to_actor_id is null or p2.reply_to_actor_id <> ${a})
      ) exchanges
      group by partner
      having sum(to_them) > 0 and sum(from_them) > 0
      order by sum(to_them) + sum(from_them) desc, partner
      limit ${TIES_LIMIT}`.execute(db);
    const partnerIds = tieRows.rows.map((r) => n(r.partner));
    const partners = partnerIds.length
      ? await db.selectFrom('actors').select(['id', 'acct', 'display_name']).where('id', 'in', partnerIds).execute()
      : [];
    const byId = new Map(partners.map((p) => [n(p.id), p]));
    const ties: Tie[] = [];
    for (const r of tieRows.rows) {
      const p = byId.get(n(r.partner));
      if (p)
        ties.push({
          actorId: n(p.id),
          acct: p.acct,
          displayName: p.display_name,
          path: profilePath(p.acct),
          toThem: n(r.to_them),
          fromThem: n(r.from_them),
        });
    }
    return ties;
  }
}

/** People followed, counted by `key`, as shares of all of them, largest first. */
function tally(followed: Followed[], key: (r: Followed) => string, label: (r: Followed) => string): Share[] {
  const share = (count: number) => (followed.length > 0 ? count / followed.length : 0);
  const byKey = new Map<string, Share>();
  for (const r of followed) {
    const k = key(r);
    const entry = byKey.get(k);
    if (entry) {
      entry.count++;
      // The same label whatever the order of the rows: the first of the group's spellings.
      const l = label(r);
      if (l < entry.label) entry.label = l;
    } else byKey.set(k, { key: k, label: label(r), count: 1, share: 0 });
  }
  return [...byKey.values()]
    .map((e) => ({ ...e, share: share(e.count) }))
    .sort((x, y) => y.count - x.count || x.label.localeCompare(y.label));
}

/** A nudge when one role dominates the people followed (and there are enough of them). */
function diversityNudge(roles: Share[], following: number): NetworkHealth['diversityNudge'] {
  const top = roles[0];
  return top && following >= DIVERSITY_MIN_FOLLOWING && top.share >= DOMINANT_SHARE
    ? {
        text: `${Math.round(top.share * 100)}% of the people you follow are ${ROLE_PLURALS[top.key] ?? top.label.toLowerCase()} — try people in other roles who post about your passions.`,
        href: '/insights/suggestions',
      }
    : null;
}

/** The first `limit` shares, and the rest summed as "Elsewhere". */
function topWithOther(shares: Share[], limit: number, total: number): Share[] {
  if (shares.length <= limit + 1) return shares;
  const rest = shares.slice(limit).reduce((sum, s) => sum + s.count, 0);
  return [...shares.slice(0, limit), { key: 'other', label: 'Elsewhere', count: rest, share: total > 0 ? rest / total : 0 }];
}
