import { sql } from 'kysely';
import type { Database, Queryable, Tx } from '../db/database.ts';
import type { CollectionKind, CollectionVisibility } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ActorSummary, actorSummary } from '../social/index.ts';
import { collectionPath, noun } from './collection-schemas.ts';

/**
 * Who may do what with a collection or a starter kit, and the summary every list shows.
 *
 * - see: private → the owner and collaborators; members → signed-in members; public → anyone;
 * - add entries: the owner and collaborators; edit or remove an entry: the owner, or the
 *   collaborator who added it;
 * - change the collection, reorder, remove others' entries, manage collaborators: the owner.
 *
 * A suspended owner's collections disappear for everyone else.
 */

export type Role = 'owner' | 'collaborator' | 'member' | 'visitor';

export interface CollectionSummary {
  id: number;
  kind: CollectionKind;
  title: string;
  description: string;
  visibility: CollectionVisibility;
  owner: ActorSummary;
  entryCount: number;
  followerCount: number;
  /** The collection's page. */
  url: string;
  createdAt: number;
  updatedAt: number;
}

/** The columns of `actors` an ActorSummary needs. */
export const ACTOR_COLUMNS = ['id', 'handle', 'acct', 'domain', 'display_name', 'avatar_url', 'url', 'role', 'role_other'] as const;

export interface AccessDeps {
  database: Database;
  config: Config;
}

export class CollectionAccess {
  readonly #deps: AccessDeps;

  constructor(deps: AccessDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  /** Read each time: the base URL may be set after the services are built (tests, first start). */
  get baseUrl(): string {
    return this.#deps.config.baseUrl;
  }

  /** Collections with their owner and counts, to narrow down and turn into summaries (`summaries`). */
  query(db: Queryable = this.#db) {
    return summaryQuery(db);
  }

  summary(row: SummaryRow): CollectionSummary {
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      description: row.description,
      visibility: row.visibility,
      owner: actorSummary(
        {
          id: row.owner_actor_id,
          handle: row.owner_handle,
          acct: row.owner_acct,
          domain: row.owner_domain,
          display_name: row.owner_display_name,
          avatar_url: row.owner_avatar_url,
          url: row.owner_url,
          role: row.owner_role,
          role_other: row.owner_role_other,
        },
        this.baseUrl,
      ),
      entryCount: Number(row.entry_count ?? 0),
      followerCount: Number(row.follower_count ?? 0),
      url: this.baseUrl + collectionPath(row),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /**
   * The collection as the viewer may see it, and their role; 404 when it does not exist or is
   * private to others, 401 when it is for signed-in members only.
   */
  async check(viewer: Viewer | null, id: number): Promise<{ summary: CollectionSummary; role: Role }> {
    const db = this.#db;
    const row = await summaryQuery(db).where('collections.id', '=', id).executeTakeFirst();
    const missing = () => UserError.notFound('There is no collection or starter kit here, or it is private.');
    if (!row) throw missing();
    let role: Role = viewer ? 'member' : 'visitor';
    if (viewer && row.owner_id === viewer.memberId) role = 'owner';
    else if (viewer) {
      const helper = await db
        .selectFrom('collection_collaborators')
        .select('member_id')
        .where('collection_id', '=', id)
        .where('member_id', '=', viewer.memberId)
        .executeTakeFirst();
      if (helper) role = 'collaborator';
    }
    const editor = role === 'owner' || role === 'collaborator';
    if (row.owner_suspended_at !== null && role !== 'owner') throw missing();
    if (row.visibility === 'private' && !editor) throw missing();
    if (row.visibility === 'members' && !viewer) {
      throw new UserError(
        401,
        'unauthenticated',
        `This ${noun(row.kind)} is shared with signed-in members only. Please sign in to see it.`,
      );
    }
    return { summary: this.summary(row), role };
  }

  /** The collaborators of a collection, first added first. */
  async collaborators(id: number): Promise<ActorSummary[]> {
    const rows = await this.#db
      .selectFrom('collection_collaborators as cc')
      .innerJoin('members', 'members.id', 'cc.member_id')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(ACTOR_COLUMNS.map((col) => `actors.${col}` as const))
      .where('cc.collection_id', '=', id)
      .orderBy('cc.created_at')
      .execute();
    return rows.map((r) => actorSummary(r, this.baseUrl));
  }

  /** Serialises changes to one collection's entries (PostgreSQL; SQLite writes one at a time anyway). */
  async lock(tx: Tx, id: number): Promise<void> {
    if (this.#deps.database.dialect === 'postgres')
      await tx.selectFrom('collections').select('id').where('id', '=', id).forUpdate().execute();
  }
}

/** Collections with their owner (an ActorSummary's columns, prefixed) and their counts. */
function summaryQuery(db: Queryable) {
  return db
    .selectFrom('collections')
    .innerJoin('members as owner_member', 'owner_member.id', 'collections.owner_id')
    .innerJoin('actors as owner', 'owner.id', 'owner_member.actor_id')
    .select((eb) => [
      'collections.id',
      'collections.owner_id',
      'collections.kind',
      'collections.title',
      'collections.description',
      'collections.visibility',
      'collections.created_at',
      'collections.updated_at',
      'owner_member.suspended_at as owner_suspended_at',
      'owner.id as owner_actor_id',
      'owner.handle as owner_handle',
      'owner.acct as owner_acct',
      'owner.domain as owner_domain',
      'owner.display_name as owner_display_name',
      'owner.avatar_url as owner_avatar_url',
      'owner.url as owner_url',
      'owner.role as owner_role',
      'owner.role_other as owner_role_other',
      eb
        .selectFrom('collection_entries as ce')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('ce.collection_id', '=', 'collections.id')
        .as('entry_count'),
      eb
        .selectFrom('collection_follows as cf')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('cf.collection_id', '=', 'collections.id')
        .as('follower_count'),
    ]);
}
type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

/** SQL over `collections`: the viewer may see it (lists; one collection goes through `check`). */
export function visibleCollection(viewer: Viewer) {
  return sql<boolean>`(collections.visibility <> 'private' or collections.owner_id = ${viewer.memberId} or exists (
    select 1 from collection_collaborators vc where vc.collection_id = collections.id and vc.member_id = ${viewer.memberId}))`;
}
