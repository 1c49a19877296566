import { type RawBuilder, sql } from 'kysely';
import type { Visibility } from '../db/schema.ts';

/** Who is looking: a signed-in member (by member and actor id), or nobody. */
export interface Reader {
  memberId: number;
  actorId: number;
}

export const VISIBILITIES = ['public', 'members', 'followers', 'direct'] as const satisfies readonly Visibility[];

/**
 * The one rule for who may see a post, as SQL over a `posts` row named `alias`, so that
 * timelines, threads, profiles, hashtags, search, the API and live updates all apply it alike:
 *
 * - public: everyone; members: signed-in members of this server;
 * - followers: the author, accepted followers, and people mentioned;
 * - direct: the author and the people mentioned;
 * - never a deleted post, and nothing across a block (either way).
 *
 * `hideMuted` also drops posts by people the reader muted (timelines, not threads).
 */
export function visibleTo(reader: Reader | null, alias = 'posts', options: { hideMuted?: boolean } = {}): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  if (!reader) return sql<boolean>`(${col('deleted_at')} is null and ${col('visibility')} = 'public')`;
  const me = reader.actorId;
  const muted = options.hideMuted
    ? sql`and not exists (select 1 from mutes mu where mu.actor_id = ${me} and mu.target_id = ${col('actor_id')})`
    : sql``;
  return sql<boolean>`(${col('deleted_at')} is null
    and (
      ${col('visibility')} in ('public', 'members')
      or ${col('actor_id')} = ${me}
      or (${col('visibility')} = 'followers' and exists (
            select 1 from follows vf
             where vf.follower_id = ${me} and vf.followee_id = ${col('actor_id')} and vf.state = 'accepted'))
      or (${col('visibility')} in ('followers', 'direct') and exists (
            select 1 from mentions vm where vm.post_id = ${col('id')} and vm.actor_id = ${me}))
    )
    and not exists (
      select 1 from blocks vb
       where (vb.actor_id = ${col('actor_id')} and vb.target_id = ${me})
          or (vb.actor_id = ${me} and vb.target_id = ${col('actor_id')}))
    ${muted})`;
}

/** Only public and members-only posts can be boosted, and members-only ones only by members (all boosters are). */
export function isBoostable(visibility: Visibility): boolean {
  return visibility === 'public' || visibility === 'members';
}

/** Posts listed on hashtag and local timelines. */
export function isListed(visibility: Visibility): boolean {
  return visibility === 'public' || visibility === 'members';
}
