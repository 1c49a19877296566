import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ActorsTable, MembersTable } from '../db/schema.ts';
import type { Viewer } from '../platform/viewer.ts';
import { passionKey } from './passion-vocabulary.ts';
import { type ProfileLink, passionSlug } from './profile-schemas.ts';
import { roleLabel } from './roles.ts';

/**
 * Members and their actors, as accounts reads and writes them: lookups, passions, the search
 * text. Other capabilities go through the service (or people-writes.ts), not these.
 */

export type ActorRow = Selectable<ActorsTable>;
export type MemberRow = Selectable<MembersTable>;
export type MemberWithActor = MemberRow & { actor: ActorRow };

/** The member fields anyone may see alongside a profile. */
export type PublicMember = Pick<MemberRow, 'id' | 'time_zone' | 'profile_visibility' | 'created_at'>;

export interface Passion {
  slug: string;
  name: string;
}

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
    .values([...unique].map(([slug, name]) => ({ slug, name, match_key: passionKey(slug), created_at: now })))
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

export function parseLinks(json: string): ProfileLink[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as ProfileLink[]) : [];
  } catch {
    return [];
  }
}

/** Members with what a `Viewer` needs; sessions and tokens join their own table to it. */
export function viewerQuery(db: Queryable) {
  return db
    .selectFrom('members')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .select([
      'members.id as member_id',
      'members.actor_id',
      'members.is_admin',
      'members.time_zone',
      'members.suspended_at',
      'actors.handle',
      'actors.display_name',
      'actors.avatar_url',
    ]);
}

export function toViewer(row: {
  member_id: number;
  actor_id: number;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  is_admin: number;
  time_zone: string;
}): Viewer {
  return {
    memberId: row.member_id,
    actorId: row.actor_id,
    handle: row.handle,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    isAdmin: row.is_admin === 1,
    timeZone: row.time_zone,
  };
}
