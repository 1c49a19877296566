import { sql } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import { decodeCursor, encodeCursor, likeContains } from '../platform/cursor.ts';
import type { Viewer } from '../platform/viewer.ts';
import { passionKey, passionMatches, relatedNames } from './passion-vocabulary.ts';
import { type ActorRow, type Passion, type PublicMember, passionsOf } from './people.ts';
import { type Profile, toProfile } from './profile.ts';
import { passionSlug } from './profile-schemas.ts';

/** What the directory is filtered by (each given filter must match). */
export interface DirectoryQuery {
  role?: string | undefined;
  passion?: string | undefined;
  location?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** A passion members hold, how many, and what the vocabulary relates it to. */
export type PassionSuggestion = Passion & { count: number; related: string[] };

/** How the viewer stands towards a person, as another capability knows it (social: follows and blocks). */
export type FollowState = 'following' | 'requested' | 'blocked';

/**
 * Reads the viewer's follow state towards each of these actors at once; actors left out have
 * none (the viewer may follow them). Social registers one (`accounts.readFollowStatesWith`):
 * accounts comes first and does not know follows.
 */
export type FollowStateReader = (viewer: Viewer, actorIds: readonly number[]) => Promise<ReadonlyMap<number, FollowState>>;

/** The directory of members (/people): find peers by role, passion, place and words; passions to pick from. */
export class DirectoryService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  get #db() {
    return this.#database.db;
  }

  /**
   * Local, active members matching every filter, newest first; anonymous visitors see public
   * profiles only, and a member is not shown herself.
   */
  async search(filter: DirectoryQuery, viewer: Viewer | null): Promise<{ people: Profile[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(filter.limit ?? 24, 1), 100);
    const beforeId = filter.cursor ? decodeCursor(filter.cursor, ['number'])[0] : undefined;
    const rows = await directory(this.#db, {
      role: filter.role || undefined,
      passion: filter.passion?.trim() || undefined,
      location: filter.location?.trim() || undefined,
      q: filter.q?.trim() || undefined,
      publicOnly: !viewer,
      excludeMemberId: viewer?.memberId,
      beforeId,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const passions = await passionsOf(
      this.#db,
      page.map((r) => r.actor.id),
    );
    return {
      people: page.map((r) => toProfile(r.actor, r.member, passions.get(r.actor.id) ?? [])),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.member.id]) : null,
    };
  }

  /**
   * Passions members hold whose name (or one of its words) starts with some letters
   * (autocomplete), most shared first, each with the vocabulary's related passions.
   */
  async passionSuggestions(prefix: string, limit = 10): Promise<PassionSuggestion[]> {
    return passionSuggestions(this.#db, prefix.slice(0, 40), Math.min(Math.max(limit, 1), 50));
  }
}

const ESCAPE = sql.raw(`'\\'`);

interface DirectoryFilter {
  role?: string | undefined;
  passion?: string | undefined;
  location?: string | undefined;
  q?: string | undefined;
  /** Show only profiles visible to anonymous visitors. */
  publicOnly: boolean;
  /** Leave this member out (the viewer). */
  excludeMemberId?: number | undefined;
  /** Members with an id below this (keyset cursor: newest first). */
  beforeId?: number | undefined;
  limit: number;
}

/** Local, active members matching every given filter, newest first. */
async function directory(db: Queryable, filter: DirectoryFilter): Promise<Array<{ actor: ActorRow; member: PublicMember }>> {
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
  if (filter.excludeMemberId !== undefined) query = query.where('members.id', '!=', filter.excludeMemberId);
  if (filter.role) query = query.where('actors.role', '=', filter.role);
  if (filter.passion) {
    const key = passionKey(filter.passion);
    query = query.where(holdsPassion([key]));
  }
  if (filter.location) {
    query = query.where(sql<boolean>`actors.location_key like ${likeContains(filter.location.toLowerCase())} escape ${ESCAPE}`);
  }
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  if (words.length > 0) {
    // Each word is in the profile's text or names a passion (by stem or through the vocabulary)
    // the person holds; or the words together name one ("youth services" finds "Teen services").
    query = query.where(({ and, or }) => {
      const eachWord = and(
        words.map((word) => {
          const inText = sql<boolean>`actors.search_text like ${likeContains(word)} escape ${ESCAPE}`;
          const key = passionKey(word);
          return key.length >= 2 ? or([inText, holdsPassion([key])]) : inText;
        }),
      );
      const phrase = passionKey(words.join(' '));
      return words.length > 1 && phrase.length >= 2 ? or([eachWord, holdsPassion([phrase])]) : eachWord;
    });
  }
  if (filter.beforeId) query = query.where('members.id', '<', filter.beforeId);
  const rows = await query.orderBy('members.id', 'desc').limit(filter.limit).execute();
  return rows.map(({ member_id, member_time_zone, member_profile_visibility, member_created_at, ...actor }) => ({
    actor,
    member: { id: member_id, time_zone: member_time_zone, profile_visibility: member_profile_visibility, created_at: member_created_at },
  }));
}

/**
 * The person (`actors`, in the outer query) holds a passion matching one of `keys` or related to
 * one. Not correlated: the database finds the matching passions (key index) and their holders
 * (`actor_passions_passion`) once, not again for each person it looks at.
 */
function holdsPassion(keys: string[]) {
  return sql<boolean>`actors.id in (select actor_passions.actor_id from actor_passions
    inner join passions on passions.id = actor_passions.passion_id where ${passionMatches(keys)})`;
}

async function passionSuggestions(db: Queryable, prefix: string, limit: number): Promise<PassionSuggestion[]> {
  const slug = passionSlug(prefix);
  const word = prefix.trim().toLowerCase().replace(/\s+/g, ' ');
  let query = db
    .selectFrom('passions')
    .innerJoin('actor_passions', 'actor_passions.passion_id', 'passions.id')
    .select(['passions.slug', 'passions.name', 'passions.match_key', (eb) => eb.fn.count<number>('actor_passions.actor_id').as('count')])
    .groupBy(['passions.id', 'passions.slug', 'passions.name', 'passions.match_key']);
  if (slug) {
    // The slug starts with the letters, or a later word of the name does ("lit" → "Early literacy").
    query = query.where((eb) =>
      eb.or([
        eb('passions.slug', 'like', `${slug}%`),
        sql<boolean>`lower(passions.name) like ${likeContains(` ${word}`)} escape ${ESCAPE}`,
      ]),
    );
  }
  const rows = await query.orderBy('count', 'desc').orderBy('passions.slug').limit(limit).execute();
  const related = await relatedNames(
    db,
    rows.map((r) => r.match_key),
  );
  return rows.map((r) => ({ slug: r.slug, name: r.name, count: Number(r.count), related: related.get(r.match_key) ?? [] }));
}
