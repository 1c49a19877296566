import { sql } from 'kysely';
import { roleLabel } from '../accounts/index.ts';
import { type Database, idIn } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { Social } from '../social/index.ts';
import { LONG_WINDOW_MS } from './stages.ts';

/**
 * Network health: how big, how mutual and how varied the people a member follows are, what has
 * gone quiet, and who they actually talk with. Every list is bounded, every count indexed.
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

/** One role among the people in the member's network (followed, following them, or both). */
export interface GraphRole {
  role: string;
  label: string;
  following: number;
  followers: number;
  mutuals: number;
}

/** One person drawn in the network picture. */
export interface GraphNode {
  actorId: number;
  acct: string;
  displayName: string;
  path: string;
  role: string;
  /** The member follows them / they follow the member (both: a mutual follow). */
  following: boolean;
  follower: boolean;
}

/** The network picture's data: every role counted in full, the people drawn bounded. */
export interface NetworkGraph {
  /** Distinct people the member follows or is followed by (accepted follows). */
  people: number;
  /** True when followers by role are estimated from the newest GRAPH_FOLLOWER_SAMPLE accounts among them. */
  followersEstimated: boolean;
  roles: GraphRole[];
  /** Mutuals first, then the most recent follows either way; at most GRAPH_NODES. */
  nodes: GraphNode[];
}

/** People drawn in the network picture; the rest are counted ("and N more"). */
export const GRAPH_NODES = 60;

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

const n = (v: number | string | bigint | null | undefined) => Number(v ?? 0);
/** Ids per `in (…)` list: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ID_CHUNK = 10_000;
const profilePath = (acct: string) => `/@${acct}`;

export async function networkHealth(
  database: Database,
  member: { memberId: number; actorId: number },
  now = Date.now(),
): Promise<NetworkHealth> {
  const { db } = database;
  const a = member.actorId;
  const m = member.memberId;
  const quietSince = now - LONG_WINDOW_MS;

  // The independent reads start together (PostgreSQL runs them on several connections).
  const selfQuery = db.selectFrom('actors').select('followers_count').where('id', '=', a).executeTakeFirst();
  // The people followed, tallied here: roles, places, mutuals and the quiet ones. Bounded by the
  // member's own follows. The follows (with a hash of the member's followers for mutuals) and
  // then the people by primary key: PostgreSQL answers a join of thousands of follows to actors
  // by scanning actors, and the page used to pay that scan once per question.
  const followsQuery = sql<{ id: number; follow_id: number; mutual: number }>`
    select f.followee_id as id, f.id as follow_id, case when back.follower_id is null then 0 else 1 end as mutual
      from follows f
      left join (select follower_id from follows where followee_id = ${a} and state = 'accepted') back on back.follower_id = f.followee_id
     where f.follower_id = ${a} and f.state = 'accepted'`.execute(db);

  const sourceWhere = sql`sub.member_id = ${m} and sub.created_at < ${quietSince} and coalesce(s.last_item_at, 0) < ${quietSince}`;
  const sourcesQuery = Promise.all([
    sql<{
      count: number;
    }>`select count(*) as count from subscriptions sub join sources s on s.id = sub.source_id where ${sourceWhere}`.execute(db),
    sql<{ id: number; source_id: number; title: string | null; source_title: string; url: string; last_item_at: number | null }>`
      select sub.id, sub.source_id, sub.title, s.title as source_title, s.url, s.last_item_at
        from subscriptions sub join sources s on s.id = sub.source_id
       where ${sourceWhere}
       order by coalesce(s.last_item_at, 0), sub.id limit ${LIST_LIMIT}`.execute(db),
  ]);

  // Replies and mentions both ways in the window. Replies to the member are found through
  // their own posts of the window (posts_reply_to index), not by scanning everyone's posts.
  const tiesQuery = sql<{ partner: number; to_them: number; from_them: number }>`
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
  const [self, followRows, [sourceCount, sourceRows], tieRows] = await Promise.all([selfQuery, followsQuery, sourcesQuery, tiesQuery]);
  const followers = n(self?.followers_count);
  const follows = followRows.rows;
  const people = new Map<
    number,
    {
      acct: string;
      display_name: string;
      role: string | null;
      place: string | null;
      location: string | null;
      created_at: number;
      last_post_at: number | null;
    }
  >();
  for (let i = 0; i < follows.length; i += ID_CHUNK) {
    const ids = follows.slice(i, i + ID_CHUNK).map((f) => n(f.id));
    const rows = await db
      .selectFrom('actors')
      .select(['id', 'acct', 'display_name', 'role', 'location_key as place', 'location', 'created_at', 'last_post_at'])
      .where(idIn(database, 'id', ids))
      .execute();
    for (const r of rows) people.set(n(r.id), r);
  }
  const followed = follows.flatMap((f) => {
    const p = people.get(n(f.id));
    return p ? [{ ...p, id: n(f.id), follow_id: n(f.follow_id), mutual: n(f.mutual) }] : [];
  });
  const following = followed.length;
  const mutuals = followed.filter((r) => n(r.mutual) === 1).length;
  const share = (count: number) => (following > 0 ? count / following : 0);
  const tally = (key: (r: (typeof followed)[number]) => string, label: (r: (typeof followed)[number]) => string): Share[] => {
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
  };
  const roles = tally(
    (r) => r.role ?? 'none',
    (r) => roleLabel(r.role) ?? 'No role given',
  );
  const places = topWithOther(
    tally(
      (r) => r.place ?? 'none',
      (r) => (r.place ? (r.location ?? r.place) : 'No place given'),
    ),
    5,
    following,
  );
  const quiet = followed.filter((r) => n(r.created_at) < quietSince && (r.last_post_at === null || n(r.last_post_at) < quietSince));
  const quietTotal = quiet.length;

  const top = roles[0];
  const diversityNudge =
    top && following >= DIVERSITY_MIN_FOLLOWING && top.share >= DOMINANT_SHARE
      ? {
          text: `${Math.round(top.share * 100)}% of the people you follow are ${ROLE_PLURALS[top.key] ?? top.label.toLowerCase()} — try people in other roles who post about your passions.`,
          href: '/insights/suggestions',
        }
      : null;

  const dormant = quiet.sort((x, y) => n(x.last_post_at) - n(y.last_post_at) || n(x.id) - n(y.id)).slice(0, LIST_LIMIT);

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
  const graph = await networkGraph(database, a, { byRole, mutualIds }, followers);

  return {
    following,
    followers,
    mutuals,
    reciprocity: following > 0 ? Math.min(1, mutuals / following) : null,
    roles,
    places,
    diversityNudge,
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
    dormantSources: {
      total: n(sourceCount.rows[0]?.count),
      sources: sourceRows.rows.map((r) => ({
        subscriptionId: n(r.id),
        sourceId: n(r.source_id),
        title: r.title || r.source_title || r.url,
        lastItemAt: r.last_item_at === null ? null : n(r.last_item_at),
      })),
    },
    ties,
    graph,
  };
}

/** Followers read to count followers by role; beyond this the counts are estimated from a sample. */
export const GRAPH_FOLLOWER_SAMPLE = 5000;

/**
 * The people around the member, grouped by role. The people they follow and the mutuals are
 * already counted by role, and the newest mutuals known (`following`); one pass over their followers adds followers by role
 * — for a member with more than GRAPH_FOLLOWER_SAMPLE followers, over the newest accounts
 * among them, scaled to the total (and then `followersEstimated`), so a well-known member's
 * page costs no more than anyone's. The people drawn are mutuals first (newest first), then the
 * newest follows either way (two small reads that walk indexes newest first).
 */
async function networkGraph(
  database: Database,
  actorId: number,
  following: { byRole: Map<string, { following: number; mutuals: number }>; mutualIds: number[] },
  followersCount: number,
): Promise<NetworkGraph> {
  const { db } = database;
  const estimated = followersCount > GRAPH_FOLLOWER_SAMPLE;
  const [followerRows, followingRows, recentFollowerRows] = await Promise.all([
    // A look-up per follower by primary key (PostgreSQL would hash-join by scanning actors).
    sql<{ role: string | null; followers: number }>`
      select role, count(*) as followers from (
        select (select role from actors where actors.id = f.follower_id) as role from (
          select follower_id from follows where followee_id = ${actorId} and state = 'accepted'
          ${estimated ? sql`order by follower_id desc limit ${GRAPH_FOLLOWER_SAMPLE}` : sql``}
        ) f
      ) x group by role`.execute(db),
    db
      .selectFrom('follows')
      .select(['followee_id as id', 'id as at'])
      .where('follower_id', '=', actorId)
      .where('state', '=', 'accepted')
      .orderBy('id', 'desc')
      .limit(GRAPH_NODES)
      .execute(),
    db
      .selectFrom('follows')
      .select(['follower_id as id', 'id as at'])
      .where('followee_id', '=', actorId)
      .where('state', '=', 'accepted')
      .orderBy('id', 'desc')
      .limit(GRAPH_NODES)
      .execute(),
  ]);

  const byRole = new Map<string, GraphRole>();
  const entry = (role: string) => {
    let r = byRole.get(role);
    if (!r)
      byRole.set(
        role,
        (r = { role, label: role === 'none' ? 'No role given' : (roleLabel(role) ?? role), following: 0, followers: 0, mutuals: 0 }),
      );
    return r;
  };
  for (const [role, counts] of following.byRole) Object.assign(entry(role), counts);
  const sampled = followerRows.rows.reduce((sum, r) => sum + n(r.followers), 0);
  const scale = estimated && sampled > 0 ? followersCount / sampled : 1;
  for (const r of followerRows.rows) entry(r.role ?? 'none').followers = Math.round(n(r.followers) * scale);
  // Every mutual is a follower too, whatever the sample saw.
  for (const e of byRole.values()) e.followers = Math.max(e.followers, e.mutuals);
  const size = (r: GraphRole) => r.following + r.followers - r.mutuals;
  const roles = [...byRole.values()].sort((x, y) => size(y) - size(x) || x.label.localeCompare(y.label));

  // Fewer than GRAPH_NODES mutuals means all of them are here, so anyone else is one-way.
  const mutualIds = following.mutualIds;
  const isMutual = new Set(mutualIds);
  const oneWay = [
    ...followingRows.filter((r) => !isMutual.has(n(r.id))).map((r) => ({ id: n(r.id), at: n(r.at), following: true })),
    ...recentFollowerRows.filter((r) => !isMutual.has(n(r.id))).map((r) => ({ id: n(r.id), at: n(r.at), following: false })),
  ].sort((x, y) => y.at - x.at || x.id - y.id);
  const drawn = [
    ...mutualIds.map((id) => ({ id, following: true, follower: true })),
    ...oneWay.map((p) => ({ id: p.id, following: p.following, follower: !p.following })),
  ].slice(0, GRAPH_NODES);
  const actors =
    drawn.length === 0
      ? []
      : await db
          .selectFrom('actors')
          .select(['id', 'acct', 'display_name', 'role'])
          .where(
            'id',
            'in',
            drawn.map((p) => p.id),
          )
          .execute();
  const actorById = new Map(actors.map((x) => [n(x.id), x]));
  return {
    people: roles.reduce((sum, r) => sum + size(r), 0),
    followersEstimated: estimated,
    roles,
    nodes: drawn.flatMap((p) => {
      const x = actorById.get(p.id);
      return x
        ? [
            {
              actorId: p.id,
              acct: x.acct,
              displayName: x.display_name,
              path: profilePath(x.acct),
              role: x.role ?? 'none',
              following: p.following,
              follower: p.follower,
            },
          ]
        : [];
    }),
  };
}

const LIST_NAME_MAX = 80;

/** What "move to a list" was asked to do: onto one of the member's lists, or a new one by name. */
export interface MoveToListInput {
  acct: string;
  /** One of the member's lists, or null to make a new one called `newName`. */
  listId: number | null;
  newName: string;
}

/**
 * Moves a followed person to a list: they are put on the list (a new one when asked) and
 * unfollowed, in one transaction, so they leave the home timeline but stay reachable through the
 * list. List timelines take an account's public and members-only posts whether or not the owner
 * follows them; followers-only posts stop, as they would after any unfollow. Someone else's list
 * is 404 (as if it did not exist), a blank new name and a person not followed are 422.
 */
export async function moveToList(
  database: Database,
  social: Social,
  viewer: Viewer,
  input: MoveToListInput,
): Promise<{ listId: number; listName: string; displayName: string }> {
  const person = await social.graph.actor(input.acct);
  let listName = input.newName.trim();
  if (input.listId !== null) {
    const list = await social.lists.get(viewer, input.listId).catch((error: unknown) => {
      throw error instanceof UserError ? UserError.notFound('There is no such list of yours.') : error;
    });
    if (!list.own) throw UserError.notFound('There is no such list of yours.');
    listName = list.name;
  } else if (!listName) {
    throw UserError.field('newList', 'Give the new list a name, or choose one of your lists.');
  } else if (listName.length > LIST_NAME_MAX) {
    throw UserError.field('newList', `A list name can have at most ${LIST_NAME_MAX} characters.`);
  }
  const relation = await social.graph.relationship(viewer, person.id);
  if (!relation.following) throw new UserError(422, 'not_following', `You do not follow @${person.acct}, so there is nothing to move.`);
  const listId = await database.db.transaction().execute(async (tx) => {
    const id = input.listId ?? (await social.lists.createIn(tx, viewer, { name: listName }));
    await social.lists.addIn(tx, id, person.id);
    // Checked again inside the transaction: an unfollow in another tab in between undoes the move.
    if (!(await social.graph.unfollowIn(tx, viewer, person.id)))
      throw new UserError(422, 'not_following', `You no longer follow @${person.acct}.`);
    return id;
  });
  return { listId, listName, displayName: person.displayName };
}

/** The first `limit` shares, and the rest summed as "Elsewhere". */
function topWithOther(shares: Share[], limit: number, total: number): Share[] {
  if (shares.length <= limit + 1) return shares;
  const rest = shares.slice(limit).reduce((sum, s) => sum + s.count, 0);
  return [...shares.slice(0, limit), { key: 'other', label: 'Elsewhere', count: rest, share: total > 0 ? rest / total : 0 }];
}
