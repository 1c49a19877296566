import { sql } from 'kysely';
import { roleLabel } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import { num as n, profilePath } from './common.ts';

/**
 * The network picture of My PLN (health.ts): the people around a member, by role. Reads social's
 * `follows` and the people (`actors`, accounts' shared read model); never writes them.
 */

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
export async function networkGraph(
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
