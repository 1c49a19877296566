import { type Selectable, sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ActorsTable, MembersTable } from '../db/schema.ts';
import { likeContains } from '../platform/cursor.ts';
import { roleLabel } from './roles.ts';
import { type ProfileLink, passionSlug } from './validation.ts';

/** Queries of the accounts capability. Other capabilities go through the service, not these. */

export type ActorRow = Selectable<ActorsTable>;
export type MemberRow = Selectable<MembersTable>;
export type MemberWithActor = MemberRow & { actor: ActorRow };

export interface Passion {
  slug: string;
  name: string;
}

const ESCAPE = sql.raw(`'\\'`);

export async function findMemberByLogin(db: Queryable, login: string): Promise<MemberWithActor | undefined> {
  const key = login.trim().replace(/^@/, '').toLowerCase();
  const member = await db
    .selectFrom('members')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .selectAll('members')
    .where((eb) => (key.includes('@') ? eb('members.email_key', '=', key) : eb('actors.acct', '=', key)))
    .executeTakeFirst();
  return member && withActor(db, member);
}

export async function findMemberById(db: Queryable, id: number): Promise<MemberWithActor | undefined> {
  const member = await db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  return member && withActor(db, member);
}

export async function findMemberByHandle(db: Queryable, handle: string): Promise<MemberWithActor | undefined> {
  const member = await db
    .selectFrom('members')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .selectAll('members')
    .where('actors.acct', '=', handle.replace(/^@/, '').toLowerCase())
    .where('actors.domain', 'is', null)
    .executeTakeFirst();
  return member && withActor(db, member);
}

async function withActor(db: Queryable, member: MemberRow): Promise<MemberWithActor> {
  const actor = await db.selectFrom('actors').selectAll().where('id', '=', member.actor_id).executeTakeFirstOrThrow();
  return { ...member, actor };
}

export async function passionsOf(db: Queryable, actorIds: number[]): Promise<Map<number, Passion[]>> {
  const byActor = new Map<number, Passion[]>(actorIds.map((id) => [id, []]));
  if (actorIds.length === 0) return byActor;
  const rows = await db
    .selectFrom('actor_passions')
    .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
    .select(['actor_passions.actor_id', 'passions.slug', 'passions.name'])
    .where('actor_passions.actor_id', 'in', actorIds)
    .orderBy('actor_passions.actor_id')
    .orderBy('actor_passions.position')
    .execute();
  for (const row of rows) byActor.get(row.actor_id)?.push({ slug: row.slug, name: row.name });
  return byActor;
}

/** Replaces an actor's passions, creating passions not seen before. */
export async function setPassions(db: Queryable, actorId: number, names: string[], now: number): Promise<Passion[]> {
  const unique = new Map<string, string>();
  for (const name of names) if (!unique.has(passionSlug(name))) unique.set(passionSlug(name), name);
  await db.deleteFrom('actor_passions').where('actor_id', '=', actorId).execute();
  if (unique.size === 0) return [];
  await db
    .insertInto('passions')
    .values([...unique].map(([slug, name]) => ({ slug, name, created_at: now })))
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  const passions = await db
    .selectFrom('passions')
    .select(['id', 'slug', 'name'])
    .where('slug', 'in', [...unique.keys()])
    .execute();
  const ids = new Map(passions.map((p) => [p.slug, p]));
  await db
    .insertInto('actor_passions')
    .values([...unique.keys()].map((slug, position) => ({ actor_id: actorId, passion_id: ids.get(slug)!.id, position })))
    .execute();
  return [...unique.keys()].map((slug) => ({ slug, name: ids.get(slug)!.name }));
}

/** The lower-cased text the directory's free-text filter matches against. */
export function searchText(
  actor: Pick<ActorRow, 'display_name' | 'handle' | 'organisation' | 'location' | 'bio' | 'role' | 'role_other'>,
  passions: Passion[],
): string {
  return [
    actor.display_name,
    actor.handle,
    roleLabel(actor.role, actor.role_other),
    actor.organisation,
    actor.location,
    actor.bio,
    ...passions.map((p) => p.name),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

export interface DirectoryFilter {
  role?: string | undefined;
  passion?: string | undefined;
  location?: string | undefined;
  q?: string | undefined;
  /** Show only profiles visible to anonymous visitors. */
  publicOnly: boolean;
  /** Members with an id below this (keyset cursor: newest first). */
  beforeId?: number | undefined;
  limit: number;
}

/** The member fields anyone may see alongside a profile. */
export type PublicMember = Pick<MemberRow, 'id' | 'time_zone' | 'profile_visibility' | 'created_at'>;

/** Local, active members matching every given filter, newest first. */
export async function directory(db: Queryable, filter: DirectoryFilter): Promise<Array<{ actor: ActorRow; member: PublicMember }>> {
  let query = db
    .selectFrom('members')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .selectAll('actors')
    .select([
      'members.id as member_id',
      'members.time_zone as member_time_zone',
      'members.profile_visibility as member_profile_visibility',
      'members.created_at as member_created_at',
    ])
    .where('members.suspended_at', 'is', null);
  if (filter.publicOnly) query = query.where('members.profile_visibility', '=', 'public');
  if (filter.role) query = query.where('actors.role', '=', filter.role);
  if (filter.passion) {
    const slug = passionSlug(filter.passion);
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('actor_passions')
          .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
          .select(sql.lit(1).as('one'))
          .whereRef('actor_passions.actor_id', '=', 'actors.id')
          .where('passions.slug', '=', slug),
      ),
    );
  }
  if (filter.location) {
    query = query.where(sql<boolean>`actors.location_key like ${likeContains(filter.location.toLowerCase())} escape ${ESCAPE}`);
  }
  for (const word of (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    query = query.where(sql<boolean>`actors.search_text like ${likeContains(word)} escape ${ESCAPE}`);
  }
  if (filter.beforeId) query = query.where('members.id', '<', filter.beforeId);
  const rows = await query.orderBy('members.id', 'desc').limit(filter.limit).execute();
  return rows.map(({ member_id, member_time_zone, member_profile_visibility, member_created_at, ...actor }) => ({
    actor,
    member: { id: member_id, time_zone: member_time_zone, profile_visibility: member_profile_visibility, created_at: member_created_at },
  }));
}

export async function passionSuggestions(db: Queryable, prefix: string, limit: number): Promise<Array<Passion & { count: number }>> {
  const slug = passionSlug(prefix);
  let query = db
    .selectFrom('passions')
    .leftJoin('actor_passions', 'actor_passions.passion_id', 'passions.id')
    .select(['passions.slug', 'passions.name', (eb) => eb.fn.count<number>('actor_passions.actor_id').as('count')])
    .groupBy(['passions.id', 'passions.slug', 'passions.name']);
  if (slug) query = query.where('passions.slug', 'like', `${slug}%`);
  const rows = await query.orderBy('count', 'desc').orderBy('passions.slug').limit(limit).execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export function parseLinks(json: string): ProfileLink[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as ProfileLink[]) : [];
  } catch {
    return [];
  }
}
