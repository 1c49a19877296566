import { sql } from 'kysely';
import { z } from 'zod';
import type { Database, Queryable, Tx } from '../db/database.ts';
import type { CollectionEntryKind, CollectionKind, CollectionVisibility } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { parseInput, UserError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ActorProfile, GraphService, SocialService } from '../social/index.ts';
import {
  type ActorSummary,
  actorSummary,
  announceNotifications,
  isBoostable,
  type NewNotification,
  notify,
  type PostView,
  reader,
  visibleTo,
} from '../social/index.ts';
import { StarterKitsService } from './starter-kits.ts';

/**
 * Collections and starter kits: ordered, annotated sets of links, bookmarks, posts, sources and
 * people that a member curates (with collaborators) and shares privately, with members or with
 * everyone. A starter kit is a collection of people to follow in one go (see starter-kits.ts).
 *
 * Who may do what:
 * - see: private → the owner and collaborators; members → signed-in members; public → anyone;
 * - add entries: the owner and collaborators; edit or remove an entry: the owner, or the
 *   collaborator who added it;
 * - change the collection, reorder, remove others' entries, manage collaborators: the owner.
 *
 * An entry pointing to a post shows only to people who may see the post; a person who declined
 * to be featured is left out of public collections; members-only profiles are left out for
 * visitors. Entries are loaded with their targets in a fixed number of queries.
 */

export const COLLECTION_KINDS = ['collection', 'starter_kit'] as const satisfies readonly CollectionKind[];
export const COLLECTION_VISIBILITIES = ['private', 'members', 'public'] as const satisfies readonly CollectionVisibility[];
export const ENTRY_KINDS = ['link', 'bookmark', 'post', 'source', 'person'] as const satisfies readonly CollectionEntryKind[];

export const LIMITS = {
  title: 120,
  description: 2000,
  note: 1000,
  entryTitle: 300,
  url: 2000,
  /** Entries in one collection. */
  entries: 500,
  collaborators: 50,
  /** Collections (and kits) one member owns. */
  perMember: 200,
} as const;

const noun = (kind: CollectionKind) => (kind === 'starter_kit' ? 'starter kit' : 'collection');

function collectionFields(kind: CollectionKind) {
  return {
    title: z
      .string()
      .trim()
      .min(1, `Give the ${noun(kind)} a title.`)
      .max(LIMITS.title, `A title can have at most ${LIMITS.title} characters.`),
    description: z.string().trim().max(LIMITS.description, `A description can have at most ${LIMITS.description} characters.`),
    visibility: z.enum(COLLECTION_VISIBILITIES, { error: 'Choose who can see it: private, members or public.' }),
  };
}

export function collectionInputSchema(kind: CollectionKind = 'collection') {
  const fields = collectionFields(kind);
  return z.strictObject({
    title: fields.title,
    description: fields.description.default(''),
    visibility: fields.visibility.default('private'),
  });
}

/** A change: only the fields sent (no defaults, which would reset the others). */
export function collectionUpdateSchema(kind: CollectionKind = 'collection') {
  const fields = collectionFields(kind);
  return z.strictObject({
    title: fields.title.optional(),
    description: fields.description.optional(),
    visibility: fields.visibility.optional(),
  });
}

/** What the API and the forms send to add an entry: `kind` and the field that names its target. */
export const entryInputSchema = z.strictObject({
  kind: z.enum(ENTRY_KINDS, { error: 'Choose what to add: a link, a bookmark, a post, a source or a person.' }),
  url: z.string().trim().max(LIMITS.url, `An address can have at most ${LIMITS.url} characters.`).optional(),
  bookmarkId: z.number().int().positive().optional(),
  postId: z.number().int().positive().optional(),
  postUrl: z.string().trim().max(LIMITS.url, `An address can have at most ${LIMITS.url} characters.`).optional(),
  sourceId: z.number().int().positive().optional(),
  acct: z.string().trim().max(300, 'That handle is too long.').optional(),
  title: z.string().trim().max(LIMITS.entryTitle, `A title can have at most ${LIMITS.entryTitle} characters.`).optional(),
  note: z.string().trim().max(LIMITS.note, `A note can have at most ${LIMITS.note} characters.`).default(''),
  position: z.number().int().min(1, 'Positions start at 1.').optional(),
});

export const entryUpdateSchema = z.strictObject({
  title: z.string().trim().max(LIMITS.entryTitle, `A title can have at most ${LIMITS.entryTitle} characters.`).nullable().optional(),
  note: z.string().trim().max(LIMITS.note, `A note can have at most ${LIMITS.note} characters.`).optional(),
  position: z.number().int().min(1, 'Positions start at 1.').optional(),
});

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

export interface PersonView extends ActorSummary {
  bio: string;
  organisation: string | null;
  location: string | null;
  /** Role key (for comparing), with `roleLabel` for showing. */
  role: string | null;
}

export interface EntryView {
  id: number;
  position: number;
  kind: CollectionEntryKind;
  /** What to call it: the entry's own title, else its target's. */
  title: string;
  /** The title the curator gave it, if any (`title` falls back to the target's). */
  customTitle: string | null;
  /** Where it leads (absolute). */
  url: string;
  note: string;
  addedBy: ActorSummary | null;
  createdAt: number;
  updatedAt: number;
  /** The viewer may change its note and title, or remove it. */
  editable: boolean;
  post: PostView | null;
  person: PersonView | null;
  source: { id: number; title: string; feedUrl: string; siteUrl: string | null } | null;
  /** A bookmarked feed item. */
  item: { id: number; title: string; url: string | null; sourceTitle: string } | null;
  bookmarkId: number | null;
  /** Only for the owner and collaborators: why others do not see this entry. */
  hiddenReason: string | null;
}

export interface CollectionView extends CollectionSummary {
  role: Role;
  /** The viewer follows it (null when they cannot: signed out, private, or their own). */
  following: boolean | null;
  canEdit: boolean;
  canAdd: boolean;
  collaborators: ActorSummary[];
  entries: EntryView[];
}

interface Deps {
  database: Database;
  config: Config;
  events: EventBus;
  graph: GraphService;
  /** Posts of entries, as the reader may see them. */
  posts: SocialService['posts'];
}

/** The columns of `actors` an ActorSummary needs, under a prefix. */
const ACTOR_COLUMNS = ['id', 'handle', 'acct', 'domain', 'display_name', 'avatar_url', 'url', 'role', 'role_other'] as const;

export class CollectionsService {
  readonly #deps: Deps;
  /** "Follow all" for starter kits. */
  readonly kits: StarterKitsService;

  constructor(deps: Deps) {
    this.#deps = deps;
    this.kits = new StarterKitsService(deps.database, this, deps.graph);
  }

  get #db() {
    return this.#deps.database.db;
  }

  get #baseUrl(): string {
    // Read each time: the base URL may be set after the services are built (tests, first start).
    return this.#deps.config.baseUrl;
  }

  pathOf(c: { id: number; kind: CollectionKind }): string {
    return `/${c.kind === 'starter_kit' ? 'starter-kits' : 'collections'}/${c.id}`;
  }

  // ---- settings ------------------------------------------------------------------------------

  async isFeaturable(viewer: Viewer): Promise<boolean> {
    const row = await this.#db.selectFrom('members').select('featurable').where('id', '=', viewer.memberId).executeTakeFirstOrThrow();
    return row.featurable === 1;
  }

  /** Declining takes effect at once: public collections and kits stop showing the member. */
  async setFeaturable(viewer: Viewer, featurable: boolean): Promise<void> {
    await this.#db
      .updateTable('members')
      .set({ featurable: featurable ? 1 : 0 })
      .where('id', '=', viewer.memberId)
      .execute();
  }

  // ---- reading -------------------------------------------------------------------------------

  #summary(row: SummaryRow): CollectionSummary {
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
        this.#baseUrl,
      ),
      entryCount: Number(row.entry_count ?? 0),
      followerCount: Number(row.follower_count ?? 0),
      url: this.#baseUrl + this.pathOf(row),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** The collections a member owns (their kits with `kind: 'starter_kit'`). */
  async mine(viewer: Viewer, kind: CollectionKind): Promise<CollectionSummary[]> {
    const rows = await summaryQuery(this.#db)
      .where('collections.owner_id', '=', viewer.memberId)
      .where('collections.kind', '=', kind)
      .orderBy('collections.updated_at', 'desc')
      .orderBy('collections.id', 'desc')
      .limit(LIMITS.perMember)
      .execute();
    return rows.map((r) => this.#summary(r));
  }

  /** Collections others own that the member helps with. */
  async collaborating(viewer: Viewer, kind?: CollectionKind): Promise<CollectionSummary[]> {
    let query = summaryQuery(this.#db)
      .innerJoin('collection_collaborators as mine', 'mine.collection_id', 'collections.id')
      .where('mine.member_id', '=', viewer.memberId)
      .where('owner_member.suspended_at', 'is', null);
    if (kind) query = query.where('collections.kind', '=', kind);
    const rows = await query.orderBy('collections.updated_at', 'desc').limit(LIMITS.perMember).execute();
    return rows.map((r) => this.#summary(r));
  }

  /** Collections the member follows (still visible to them). */
  async followed(viewer: Viewer): Promise<CollectionSummary[]> {
    const rows = await summaryQuery(this.#db)
      .innerJoin('collection_follows as f', 'f.collection_id', 'collections.id')
      .where('f.member_id', '=', viewer.memberId)
      .where('owner_member.suspended_at', 'is', null)
      .where(visibleCollection(viewer))
      .orderBy('f.created_at', 'desc')
      .limit(500)
      .execute();
    return rows.map((r) => this.#summary(r));
  }

  /** Public collections or kits (and members-only ones for members), recently changed first. */
  async browse(
    viewer: Viewer | null,
    kind: CollectionKind,
    cursor?: string,
    limit = 24,
  ): Promise<{ collections: CollectionSummary[]; nextCursor: string | null }> {
    let query = summaryQuery(this.#db)
      .where('collections.kind', '=', kind)
      .where('collections.visibility', 'in', viewer ? ['public', 'members'] : ['public'])
      .where('owner_member.suspended_at', 'is', null);
    if (cursor) {
      const [updatedAt, id] = decodeCursor(cursor, ['number', 'number']);
      query = query.where((eb) =>
        eb.or([
          eb('collections.updated_at', '<', updatedAt),
          eb.and([eb('collections.updated_at', '=', updatedAt), eb('collections.id', '<', id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('collections.updated_at', 'desc')
      .orderBy('collections.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    return {
      collections: page.map((r) => this.#summary(r)),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.updated_at, page.at(-1)!.id]) : null,
    };
  }

  /**
   * The collection as the viewer may see it, and their role; 404 when it does not exist or is
   * private to others, 401 when it is for signed-in members only.
   */
  async #access(viewer: Viewer | null, id: number): Promise<{ summary: CollectionSummary; role: Role }> {
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
    return { summary: this.#summary(row), role };
  }

  /** The kind of a collection the viewer may see (for routing kits and collections to their pages). */
  async kindOf(viewer: Viewer | null, id: number): Promise<CollectionKind> {
    return (await this.#access(viewer, id)).summary.kind;
  }

  async get(viewer: Viewer | null, id: number): Promise<CollectionView> {
    const { summary, role } = await this.#access(viewer, id);
    const editor = role === 'owner' || role === 'collaborator';
    const [rows, collaborators, following] = await Promise.all([
      entryRows(this.#db, id),
      this.#collaborators(id),
      viewer && summary.visibility !== 'private' && role !== 'owner'
        ? this.#db
            .selectFrom('collection_follows')
            .select('member_id')
            .where('collection_id', '=', id)
            .where('member_id', '=', viewer.memberId)
            .executeTakeFirst()
            .then(Boolean)
        : Promise.resolve(null),
    ]);
    const entries = await this.#entries(viewer, summary, role, rows);
    return { ...summary, role, following, canEdit: role === 'owner', canAdd: editor, collaborators, entries };
  }

  async #collaborators(id: number): Promise<ActorSummary[]> {
    const rows = await this.#db
      .selectFrom('collection_collaborators as cc')
      .innerJoin('members', 'members.id', 'cc.member_id')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(ACTOR_COLUMNS.map((col) => `actors.${col}` as const))
      .where('cc.collection_id', '=', id)
      .orderBy('cc.created_at')
      .execute();
    return rows.map((r) => actorSummary(r, this.#baseUrl));
  }

  /**
   * Entries with their targets, in a fixed number of queries: posts (with social's `posts.hydrate`, which
   * applies the visibility rules), bookmarks, feed items, sources and people.
   */
  async #entries(viewer: Viewer | null, collection: CollectionSummary, role: Role, rows: EntryRow[]): Promise<EntryView[]> {
    const db = this.#db;
    const baseUrl = this.#baseUrl;
    const editor = role === 'owner' || role === 'collaborator';
    const bookmarkIds = rows.flatMap((r) => (r.bookmark_id ? [r.bookmark_id] : []));
    const bookmarks = bookmarkIds.length
      ? await db.selectFrom('bookmarks').select(['id', 'post_id', 'item_id', 'url', 'title']).where('id', 'in', bookmarkIds).execute()
      : [];
    const bookmarkById = new Map(bookmarks.map((b) => [b.id, b]));
    const postIds = [...rows.flatMap((r) => (r.post_id ? [r.post_id] : [])), ...bookmarks.flatMap((b) => (b.post_id ? [b.post_id] : []))];
    const itemIds = bookmarks.flatMap((b) => (b.item_id ? [b.item_id] : []));
    const sourceIds = rows.flatMap((r) => (r.source_id ? [r.source_id] : []));
    const actorIds = rows.flatMap((r) => (r.actor_id ? [r.actor_id] : []));
    const [posts, items, sources, people] = await Promise.all([
      this.#deps.posts.hydrate(
        reader(viewer),
        [...new Set(postIds)].map((postId) => ({ postId })),
      ),
      itemIds.length
        ? db
            .selectFrom('source_items as i')
            .innerJoin('sources as s', 's.id', 'i.source_id')
            .select(['i.id', 'i.title', 'i.url', 's.title as source_title', 's.url as source_url'])
            .where('i.id', 'in', itemIds)
            .execute()
        : Promise.resolve([]),
      sourceIds.length
        ? db.selectFrom('sources').select(['id', 'title', 'url', 'site_url']).where('id', 'in', sourceIds).execute()
        : Promise.resolve([]),
      this.#people(actorIds),
    ]);
    const postById = new Map(posts.map((p) => [p.id, p]));
    const itemById = new Map(items.map((i) => [i.id, i]));
    const sourceById = new Map(sources.map((s) => [s.id, s]));
    const personById = new Map(people.map((p) => [p.view.id, p]));

    const views: EntryView[] = [];
    for (const r of rows) {
      const base = {
        id: r.id,
        position: r.position,
        kind: r.kind,
        note: r.note,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        addedBy:
          r.adder_id !== null
            ? actorSummary(
                {
                  id: r.adder_id,
                  handle: r.adder_handle!,
                  acct: r.adder_acct!,
                  domain: r.adder_domain,
                  display_name: r.adder_display_name!,
                  avatar_url: r.adder_avatar_url,
                  url: r.adder_url,
                  role: r.adder_role,
                  role_other: r.adder_role_other,
                },
                baseUrl,
              )
            : null,
        editable: role === 'owner' || (role === 'collaborator' && viewer !== null && r.added_by === viewer.memberId),
        post: null,
        person: null,
        source: null,
        item: null,
        bookmarkId: r.bookmark_id,
        hiddenReason: null,
        customTitle: r.title,
      } satisfies Omit<EntryView, 'title' | 'url'>;
      let entry: EntryView | null = null;
      let hidden: string | null = null;
      if (r.kind === 'link' && r.url) {
        entry = { ...base, title: r.title || r.url, url: r.url };
      } else if (r.kind === 'post' && r.post_id) {
        const post = postById.get(r.post_id);
        if (post) entry = { ...base, title: r.title || postTitle(post), url: webUrl(post.url) ?? `${baseUrl}/posts/${post.id}`, post };
      } else if (r.kind === 'source' && r.source_id) {
        const s = sourceById.get(r.source_id);
        if (s) {
          entry = {
            ...base,
            title: r.title || s.title || new URL(s.url).host,
            url: webUrl(s.site_url) ?? s.url,
            source: { id: s.id, title: s.title || new URL(s.url).host, feedUrl: s.url, siteUrl: s.site_url },
          };
        }
      } else if (r.kind === 'person' && r.actor_id) {
        const p = personById.get(r.actor_id);
        if (p && !p.suspended) {
          entry = {
            ...base,
            title: r.title || p.view.displayName,
            url: webUrl(p.view.url) ?? `${baseUrl}/@${p.view.acct}`,
            person: p.view,
          };
          if (collection.visibility === 'public' && !p.featurable)
            hidden = `@${p.view.acct} declined to be featured in public collections and starter kits, so only you and the collaborators see this entry.`;
          else if (!viewer && p.membersOnly) entry = null;
        }
      } else if (r.kind === 'bookmark' && r.bookmark_id) {
        const b = bookmarkById.get(r.bookmark_id);
        if (b?.post_id) {
          const post = postById.get(b.post_id);
          if (post) entry = { ...base, title: r.title || postTitle(post), url: webUrl(post.url) ?? `${baseUrl}/posts/${post.id}`, post };
        } else if (b?.item_id) {
          const i = itemById.get(b.item_id);
          if (i) {
            entry = {
              ...base,
              title: r.title || i.title || webUrl(i.url) || 'Untitled item',
              url: webUrl(i.url) ?? `${baseUrl}/sources/items/${i.id}`,
              item: {
                id: i.id,
                title: i.title || webUrl(i.url) || 'Untitled item',
                url: webUrl(i.url),
                sourceTitle: i.source_title || new URL(i.source_url).host,
              },
            };
          }
        } else if (b) {
          // A bookmark of an address, with the title the member gave it or the page's.
          const url = webUrl(b.url);
          if (url) entry = { ...base, title: r.title || b.title || url, url };
        }
      }
      if (!entry) continue;
      if (hidden) {
        if (!editor) continue;
        entry.hiddenReason = hidden;
      }
      views.push(entry);
    }
    return views;
  }

  async #people(actorIds: number[]): Promise<Array<{ view: PersonView; featurable: boolean; membersOnly: boolean; suspended: boolean }>> {
    if (actorIds.length === 0) return [];
    const rows = await this.#db
      .selectFrom('actors')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select([
        ...ACTOR_COLUMNS.map((col) => `actors.${col}` as const),
        'actors.bio',
        'actors.organisation',
        'actors.location',
        'members.featurable',
        'members.profile_visibility',
        'members.suspended_at',
      ])
      .where('actors.id', 'in', [...new Set(actorIds)])
      .execute();
    return rows.map((r) => ({
      view: { ...actorSummary(r, this.#baseUrl), bio: r.bio, organisation: r.organisation, location: r.location, role: r.role },
      featurable: r.featurable !== 0,
      membersOnly: r.profile_visibility === 'members',
      suspended: r.suspended_at !== null,
    }));
  }

  /** The member's newest bookmarks, named for a chooser (the add-a-bookmark form). */
  async bookmarkChoices(viewer: Viewer, limit = 200): Promise<Array<{ id: number; label: string }>> {
    const rows = await this.#db
      .selectFrom('bookmarks')
      .leftJoin('posts', 'posts.id', 'bookmarks.post_id')
      .leftJoin('actors', 'actors.id', 'posts.actor_id')
      .leftJoin('source_items', 'source_items.id', 'bookmarks.item_id')
      .select([
        'bookmarks.id',
        'bookmarks.url',
        'bookmarks.title',
        'posts.text as post_text',
        'actors.display_name as post_author',
        'source_items.title as item_title',
        'source_items.url as item_url',
      ])
      .where('bookmarks.member_id', '=', viewer.memberId)
      .orderBy('bookmarks.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const text =
        r.post_text !== null ? `${r.post_author ?? 'Post'}: ${r.post_text.replace(/\s+/g, ' ').slice(0, 80)}` : r.item_title || r.item_url;
      return { id: r.id, label: (r.title || text || r.url || `Bookmark ${r.id}`).slice(0, 120) };
    });
  }

  // ---- changing collections ------------------------------------------------------------------

  async create(viewer: Viewer, kind: CollectionKind, raw: unknown): Promise<CollectionView> {
    const input = parseInput(collectionInputSchema(kind), raw);
    const id = await this.#db.transaction().execute(async (tx) => {
      const count = await tx
        .selectFrom('collections')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', viewer.memberId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= LIMITS.perMember)
        throw new UserError(422, 'too_many_collections', `You can have at most ${LIMITS.perMember} collections and starter kits.`);
      const now = Date.now();
      const row = await tx
        .insertInto('collections')
        .values({
          owner_id: viewer.memberId,
          kind,
          title: input.title,
          description: input.description,
          visibility: input.visibility,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return this.get(viewer, id);
  }

  /** Title, description, visibility (the owner only). A kit made public must not list people who declined. */
  async update(viewer: Viewer, id: number, raw: unknown): Promise<CollectionView> {
    const { summary, role } = await this.#access(viewer, id);
    if (role !== 'owner')
      throw UserError.forbidden(`Only the owner of this ${noun(summary.kind)} can change its title, description or who can see it.`);
    const input = parseInput(collectionUpdateSchema(summary.kind), raw);
    const notified = await this.#db.transaction().execute(async (tx) => {
      await this.#lock(tx, id);
      if (input.visibility === 'public' && summary.visibility !== 'public') {
        const declined = await tx
          .selectFrom('collection_entries as e')
          .innerJoin('members', 'members.actor_id', 'e.actor_id')
          .innerJoin('actors', 'actors.id', 'e.actor_id')
          .select('actors.handle')
          .where('e.collection_id', '=', id)
          .where('members.featurable', '=', 0)
          .execute();
        if (declined.length > 0) {
          const who = declined.map((d) => `@${d.handle}`).join(', ');
          throw UserError.field(
            'visibility',
            `${who} declined to be featured in public starter kits and collections. Remove them first, or keep this ${noun(summary.kind)} for members.`,
            403,
            'not_featurable',
          );
        }
      }
      await tx
        .updateTable('collections')
        .set({ ...input, updated_at: Date.now() })
        .where('id', '=', id)
        .execute();
      // People in a kit that was private hear about it once others can see it.
      if (summary.kind === 'starter_kit' && summary.visibility === 'private' && input.visibility && input.visibility !== 'private') {
        const people = await tx
          .selectFrom('collection_entries')
          .select('actor_id')
          .where('collection_id', '=', id)
          .where('actor_id', 'is not', null)
          .execute();
        return notify(
          tx,
          people.map((p) => ({
            recipientActorId: p.actor_id!,
            kind: 'kit_added' as const,
            actorId: viewer.actorId,
            postId: null,
            collectionId: id,
            key: `kit:${id}`,
          })),
        );
      }
      return [];
    });
    await announceNotifications(this.#deps, notified);
    return this.get(viewer, id);
  }

  async delete(viewer: Viewer, id: number): Promise<void> {
    const { summary, role } = await this.#access(viewer, id);
    if (role !== 'owner') throw UserError.forbidden(`Only the owner can delete this ${noun(summary.kind)}.`);
    // Entries, collaborators, follows and notifications go with it (foreign keys cascade).
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('collections').where('id', '=', id).execute();
    });
  }

  /** Serialises changes to one collection's entries (PostgreSQL; SQLite writes one at a time anyway). */
  async #lock(tx: Tx, id: number): Promise<void> {
    if (this.#deps.database.dialect === 'postgres')
      await tx.selectFrom('collections').select('id').where('id', '=', id).forUpdate().execute();
  }

  // ---- entries -------------------------------------------------------------------------------

  async addEntry(viewer: Viewer, id: number, raw: unknown): Promise<EntryView> {
    const { summary, role } = await this.#access(viewer, id);
    if (role !== 'owner' && role !== 'collaborator')
      throw UserError.forbidden(`Only the owner and collaborators can add to this ${noun(summary.kind)}.`);
    const input = parseInput(entryInputSchema, raw);
    if (summary.kind === 'starter_kit' && input.kind !== 'person') throw UserError.field('kind', 'A starter kit holds people only.');
    const target = await this.#target(viewer, summary, input);

    const { entryId, notified } = await this.#db.transaction().execute(async (tx) => {
      await this.#lock(tx, id);
      const existing = await tx
        .selectFrom('collection_entries')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('position').as('last')])
        .where('collection_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(existing.n) >= LIMITS.entries)
        throw new UserError(422, 'collection_full', `A ${noun(summary.kind)} can hold at most ${LIMITS.entries} entries.`);
      let duplicate = tx.selectFrom('collection_entries').select('id').where('collection_id', '=', id).where('kind', '=', input.kind);
      if (target.url !== null) duplicate = duplicate.where('url', '=', target.url);
      for (const column of ['bookmark_id', 'post_id', 'source_id', 'actor_id'] as const) {
        if (target[column] !== null) duplicate = duplicate.where(column, '=', target[column]);
      }
      if (await duplicate.executeTakeFirst()) throw new UserError(409, 'already_in_collection', target.duplicateMessage);

      const last = Number(existing.last ?? 0);
      const position = input.position && input.position <= last ? input.position : last + 1;
      if (position <= last) {
        await tx
          .updateTable('collection_entries')
          .set((eb) => ({ position: eb('position', '+', 1) }))
          .where('collection_id', '=', id)
          .where('position', '>=', position)
          .execute();
      }
      const now = Date.now();
      const row = await tx
        .insertInto('collection_entries')
        .values({
          collection_id: id,
          position,
          kind: input.kind,
          url: target.url,
          bookmark_id: target.bookmark_id,
          post_id: target.post_id,
          source_id: target.source_id,
          actor_id: target.actor_id,
          title: input.title || null,
          note: input.note,
          added_by: viewer.memberId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('collections').set({ updated_at: now }).where('id', '=', id).execute();
      const notices: NewNotification[] = [];
      if (summary.visibility !== 'private') {
        // Followers hear about each new entry; the person added to a kit hears they were featured.
        const followers = await tx
          .selectFrom('collection_follows as f')
          .innerJoin('members', 'members.id', 'f.member_id')
          .select('members.actor_id')
          .where('f.collection_id', '=', id)
          .execute();
        for (const f of followers)
          notices.push({
            recipientActorId: f.actor_id,
            kind: 'collection_entry',
            actorId: viewer.actorId,
            postId: null,
            collectionId: id,
            key: `entry:${row.id}`,
          });
        if (summary.kind === 'starter_kit' && target.actor_id !== null) {
          notices.push({
            recipientActorId: target.actor_id,
            kind: 'kit_added',
            actorId: viewer.actorId,
            postId: null,
            collectionId: id,
            key: `kit:${id}`,
          });
        }
      }
      return { entryId: row.id, notified: await notify(tx, notices) };
    });
    await announceNotifications(this.#deps, notified);
    return this.#entry(viewer, id, entryId);
  }

  async #entry(viewer: Viewer | null, collectionId: number, entryId: number): Promise<EntryView> {
    const view = await this.get(viewer, collectionId);
    const entry = view.entries.find((e) => e.id === entryId);
    if (!entry) throw UserError.notFound('There is no such entry in this collection.');
    return entry;
  }

  /** Checks and resolves what an entry points to; errors name the form field. */
  async #target(viewer: Viewer, collection: CollectionSummary, input: z.output<typeof entryInputSchema>) {
    const none = {
      url: null as string | null,
      bookmark_id: null as number | null,
      post_id: null as number | null,
      source_id: null as number | null,
      actor_id: null as number | null,
    };
    switch (input.kind) {
      case 'link': {
        if (!input.url) throw UserError.field('url', 'Enter the address of the page to add.');
        let url: URL;
        try {
          url = new URL(input.url);
        } catch {
          throw UserError.field('url', 'Enter a full web address, starting with https:// or http://.');
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw UserError.field('url', 'Only web addresses (https:// or http://) can be added.');
        return { ...none, url: url.toString(), duplicateMessage: 'This link is already in the collection.' };
      }
      case 'bookmark': {
        if (!input.bookmarkId) throw UserError.field('bookmarkId', 'Choose one of your bookmarks.');
        const bookmark = await this.#db
          .selectFrom('bookmarks')
          .select(['id', 'post_id'])
          .where('id', '=', input.bookmarkId)
          .where('member_id', '=', viewer.memberId)
          .executeTakeFirst();
        if (!bookmark)
          throw new UserError(404, 'not_found', 'You have no bookmark with this id.', {
            issues: [{ path: 'bookmarkId', message: 'You have no bookmark with this id.' }],
          });
        if (bookmark.post_id) await this.#shareablePost(viewer, bookmark.post_id, 'bookmarkId');
        return { ...none, bookmark_id: bookmark.id, duplicateMessage: 'This bookmark is already in the collection.' };
      }
      case 'post': {
        const postId = input.postId ?? (input.postUrl ? await this.#postIdFromUrl(input.postUrl) : null);
        if (!postId) throw UserError.field('postUrl', 'Enter the address of a post (or its number).');
        return {
          ...none,
          post_id: await this.#shareablePost(viewer, postId, input.postId ? 'postId' : 'postUrl'),
          duplicateMessage: 'This post is already in the collection.',
        };
      }
      case 'source': {
        if (!input.sourceId) throw UserError.field('sourceId', 'Choose one of your sources.');
        const sub = await this.#db
          .selectFrom('subscriptions')
          .select('source_id')
          .where('member_id', '=', viewer.memberId)
          .where('source_id', '=', input.sourceId)
          .executeTakeFirst();
        if (!sub)
          throw new UserError(404, 'not_found', 'You do not follow this source; follow it under Sources first.', {
            issues: [{ path: 'sourceId', message: 'You do not follow this source; follow it under Sources first.' }],
          });
        return { ...none, source_id: sub.source_id, duplicateMessage: 'This source is already in the collection.' };
      }
      case 'person': {
        const acct = (input.acct ?? '').replace(/^@/, '');
        if (!acct) throw UserError.field('acct', 'Enter the handle of someone to add, like mslibrarian or user@example.social.');
        let person: ActorProfile;
        try {
          person = await this.#deps.graph.actor(acct);
        } catch (error) {
          if (error instanceof UserError && error.status === 404) {
            const message = acct.includes('@')
              ? `No one called @${acct} is known here yet. Look them up under Search first.`
              : `There is no member @${acct} here.`;
            throw new UserError(404, 'not_found', message, { issues: [{ path: 'acct', message }] });
          }
          throw error;
        }
        const [member, block] = await Promise.all([
          this.#db.selectFrom('members').select(['featurable']).where('actor_id', '=', person.id).executeTakeFirst(),
          this.#db
            .selectFrom('blocks')
            .select('actor_id')
            .where((eb) =>
              eb.or([
                eb.and([eb('actor_id', '=', person.id), eb('target_id', '=', viewer.actorId)]),
                eb.and([eb('actor_id', '=', viewer.actorId), eb('target_id', '=', person.id)]),
              ]),
            )
            .executeTakeFirst(),
        ]);
        if (block) throw UserError.field('acct', `You cannot add @${person.acct}.`, 403);
        if (member && member.featurable === 0 && collection.visibility === 'public') {
          throw UserError.field(
            'acct',
            `@${person.acct} declined to be featured in public starter kits and collections.`,
            403,
            'not_featurable',
          );
        }
        return { ...none, actor_id: person.id, duplicateMessage: `@${person.acct} is already in this ${noun(collection.kind)}.` };
      }
    }
  }

  /** A post's id from its address: this server's `/@handle/123` or `/posts/123`, or a remote post's id or link. */
  async #postIdFromUrl(text: string): Promise<number | null> {
    if (/^\d+$/.test(text)) return Number(text);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw UserError.field('postUrl', 'Enter the full address of a post, or its number.');
    }
    if (url.origin === new URL(this.#baseUrl).origin) {
      const match = /^\/(?:@[^/]+|posts)\/(\d+)\/?$/.exec(url.pathname);
      if (!match) throw UserError.field('postUrl', 'That address is not a post on this server.');
      return Number(match[1]);
    }
    const row = await this.#db
      .selectFrom('posts')
      .select('id')
      .where((eb) => eb.or([eb('uri', '=', url.toString()), eb('url', '=', url.toString())]))
      .executeTakeFirst();
    if (!row) throw UserError.field('postUrl', 'That post is not known here. Open it through Search first.', 404);
    return row.id;
  }

  /**
   * A post the member may put in a collection: one they can see (else 404, as if it were not
   * there) that is public or for members; followers-only and direct posts stay with their audience.
   */
  async #shareablePost(viewer: Viewer, postId: number, field: string): Promise<number> {
    const post = await this.#db
      .selectFrom('posts')
      .select(['id', 'boost_of_id', 'visibility', 'actor_id'])
      .where('id', '=', postId)
      .where(visibleTo(reader(viewer), 'posts'))
      .executeTakeFirst();
    if (!post) {
      const message = 'This post does not exist, was deleted, or is not visible to you.';
      throw new UserError(404, 'not_found', message, { issues: [{ path: field, message }] });
    }
    if (post.boost_of_id) return this.#shareablePost(viewer, post.boost_of_id, field);
    if (!isBoostable(post.visibility)) {
      const audience = post.visibility === 'direct' ? 'the people it mentions' : 'its author’s followers';
      throw UserError.field(
        field,
        `This post is only for ${audience}, so it cannot go in a collection. Only public and members-only posts can.`,
        403,
        'post_not_shareable',
      );
    }
    return post.id;
  }

  /** Changes an entry's note or title (the owner, or the collaborator who added it), or moves it (the owner). */
  async updateEntry(viewer: Viewer, id: number, entryId: number, raw: unknown): Promise<EntryView> {
    const input = parseInput(entryUpdateSchema, raw);
    const { summary, role } = await this.#access(viewer, id);
    const entry = await this.#ownEntry(viewer, summary, role, entryId, 'edit');
    if (input.position !== undefined && role !== 'owner')
      throw UserError.forbidden(`Only the owner can change the order of this ${noun(summary.kind)}.`);
    await this.#db.transaction().execute(async (tx) => {
      await this.#lock(tx, id);
      const now = Date.now();
      const change: { note?: string; title?: string | null; updated_at: number } = { updated_at: now };
      if (input.note !== undefined) change.note = input.note;
      if (input.title !== undefined) change.title = input.title || null;
      await tx.updateTable('collection_entries').set(change).where('id', '=', entry.id).execute();
      if (input.position !== undefined) await this.#move(tx, id, entry.id, input.position);
      await tx.updateTable('collections').set({ updated_at: now }).where('id', '=', id).execute();
    });
    return this.#entry(viewer, id, entryId);
  }

  /** Moves an entry one place up or down, or to a position (the owner). */
  async moveEntry(viewer: Viewer, id: number, entryId: number, to: 'up' | 'down' | number): Promise<void> {
    const { summary, role } = await this.#access(viewer, id);
    await this.#ownEntry(viewer, summary, role, entryId, 'move');
    if (role !== 'owner') throw UserError.forbidden(`Only the owner can change the order of this ${noun(summary.kind)}.`);
    await this.#db.transaction().execute(async (tx) => {
      await this.#lock(tx, id);
      const order = await tx
        .selectFrom('collection_entries')
        .select('id')
        .where('collection_id', '=', id)
        .orderBy('position')
        .orderBy('id')
        .execute();
      const index = order.findIndex((e) => e.id === entryId);
      const position = to === 'up' ? index : to === 'down' ? index + 2 : to;
      await this.#move(tx, id, entryId, position);
      await tx.updateTable('collections').set({ updated_at: Date.now() }).where('id', '=', id).execute();
    });
  }

  /** Puts the entry at `position` (1-based, clamped) and renumbers the others 1..n. */
  async #move(tx: Tx, collectionId: number, entryId: number, position: number): Promise<void> {
    const order = await tx
      .selectFrom('collection_entries')
      .select(['id', 'position'])
      .where('collection_id', '=', collectionId)
      .orderBy('position')
      .orderBy('id')
      .execute();
    const moving = order.find((e) => e.id === entryId);
    if (!moving) return;
    const rest = order.filter((e) => e.id !== entryId);
    const index = Math.min(Math.max(position, 1), order.length) - 1;
    rest.splice(index, 0, moving);
    for (const [i, e] of rest.entries()) {
      if (e.position !== i + 1)
        await tx
          .updateTable('collection_entries')
          .set({ position: i + 1 })
          .where('id', '=', e.id)
          .execute();
    }
  }

  async removeEntry(viewer: Viewer, id: number, entryId: number): Promise<void> {
    const { summary, role } = await this.#access(viewer, id);
    const entry = await this.#ownEntry(viewer, summary, role, entryId, 'remove');
    await this.#db.transaction().execute(async (tx) => {
      await this.#lock(tx, id);
      await tx.deleteFrom('collection_entries').where('id', '=', entry.id).execute();
      await tx
        .updateTable('collection_entries')
        .set((eb) => ({ position: eb('position', '-', 1) }))
        .where('collection_id', '=', id)
        .where('position', '>', entry.position)
        .execute();
      await tx.updateTable('collections').set({ updated_at: Date.now() }).where('id', '=', id).execute();
    });
  }

  /** The entry, if the viewer may change it: the owner any, a collaborator their own. */
  async #ownEntry(viewer: Viewer, collection: CollectionSummary, role: Role, entryId: number, action: 'edit' | 'remove' | 'move') {
    const entry = await this.#db
      .selectFrom('collection_entries as e')
      .leftJoin('members', 'members.id', 'e.added_by')
      .leftJoin('actors', 'actors.id', 'members.actor_id')
      .select(['e.id', 'e.position', 'e.added_by', 'actors.handle as adder_handle'])
      .where('e.id', '=', entryId)
      .where('e.collection_id', '=', collection.id)
      .executeTakeFirst();
    if (!entry) throw UserError.notFound(`There is no such entry in this ${noun(collection.kind)}.`);
    if (role === 'owner') return entry;
    if (role !== 'collaborator') throw UserError.forbidden(`Only the owner and collaborators can change this ${noun(collection.kind)}.`);
    if (action === 'move') throw UserError.forbidden(`Only the owner can change the order of this ${noun(collection.kind)}.`);
    if (entry.added_by !== viewer.memberId) {
      const by = entry.adder_handle ? `@${entry.adder_handle}` : 'someone else';
      throw UserError.forbidden(`You can only ${action} entries you added yourself; this one was added by ${by}. Ask the owner.`);
    }
    return entry;
  }

  // ---- collaborators -------------------------------------------------------------------------

  async addCollaborator(viewer: Viewer, id: number, handle: string): Promise<ActorSummary[]> {
    const { summary, role } = await this.#access(viewer, id);
    if (role !== 'owner') throw UserError.forbidden(`Only the owner can choose who collaborates on this ${noun(summary.kind)}.`);
    const key = handle.trim().replace(/^@/, '').toLowerCase();
    if (!key) throw UserError.field('handle', 'Enter the handle of a member, like mslibrarian.');
    const member = await this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(['members.id', 'actors.handle'])
      .where('actors.acct', '=', key)
      .where('actors.domain', 'is', null)
      .where('members.suspended_at', 'is', null)
      .executeTakeFirst();
    if (!member)
      throw new UserError(404, 'not_found', `There is no member @${key} here (collaborators are members of this server).`, {
        issues: [{ path: 'handle', message: `There is no member @${key} here.` }],
      });
    if (member.id === viewer.memberId) throw UserError.field('handle', `You own this ${noun(summary.kind)} already.`);
    await this.#db.transaction().execute(async (tx) => {
      const count = await tx
        .selectFrom('collection_collaborators')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('collection_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= LIMITS.collaborators)
        throw new UserError(
          422,
          'too_many_collaborators',
          `A ${noun(summary.kind)} can have at most ${LIMITS.collaborators} collaborators.`,
        );
      const inserted = await tx
        .insertInto('collection_collaborators')
        .values({ collection_id: id, member_id: member.id, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['collection_id', 'member_id']).doNothing())
        .returning('member_id')
        .executeTakeFirst();
      if (!inserted)
        throw new UserError(409, 'already_collaborating', `@${member.handle} already collaborates on this ${noun(summary.kind)}.`);
    });
    return this.#collaborators(id);
  }

  /** The owner removes a collaborator; a collaborator may also leave. Their entries stay. */
  async removeCollaborator(viewer: Viewer, id: number, handle: string): Promise<void> {
    const { summary, role } = await this.#access(viewer, id);
    const key = handle.trim().replace(/^@/, '').toLowerCase();
    const leaving = key === viewer.handle.toLowerCase();
    if (role !== 'owner' && !(role === 'collaborator' && leaving))
      throw UserError.forbidden(`Only the owner can choose who collaborates on this ${noun(summary.kind)}.`);
    const removed = await this.#db
      .deleteFrom('collection_collaborators')
      .where('collection_id', '=', id)
      .where('member_id', 'in', (eb) =>
        eb
          .selectFrom('members')
          .innerJoin('actors', 'actors.id', 'members.actor_id')
          .select('members.id')
          .where('actors.acct', '=', key)
          .where('actors.domain', 'is', null),
      )
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw UserError.notFound(`@${key} does not collaborate on this ${noun(summary.kind)}.`);
  }

  // ---- following -----------------------------------------------------------------------------

  async follow(viewer: Viewer, id: number): Promise<void> {
    const { summary, role } = await this.#access(viewer, id);
    if (summary.visibility === 'private')
      throw new UserError(
        422,
        'private_collection',
        `A private ${noun(summary.kind)} cannot be followed; its owner can share it with members or everyone.`,
      );
    if (role === 'owner')
      throw new UserError(422, 'own_collection', `This is your own ${noun(summary.kind)}: you see every new entry already.`);
    const inserted = await this.#db
      .insertInto('collection_follows')
      .values({ collection_id: id, member_id: viewer.memberId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['collection_id', 'member_id']).doNothing())
      .returning('member_id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_following', `You already follow this ${noun(summary.kind)}.`);
  }

  async unfollow(viewer: Viewer, id: number): Promise<void> {
    const { summary } = await this.#access(viewer, id);
    const removed = await this.#db
      .deleteFrom('collection_follows')
      .where('collection_id', '=', id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_following', `You do not follow this ${noun(summary.kind)}.`);
  }

  /** For feeds: a public collection as a visitor sees it, entries newest first; 404 otherwise. */
  async publicFeed(id: number): Promise<CollectionView> {
    const view = await this.get(null, id).catch((error: unknown) => {
      // Members-only collections have no public feed; say so as if there were none.
      if (error instanceof UserError && error.status === 401) throw UserError.notFound('There is no public collection here.');
      throw error;
    });
    if (view.visibility !== 'public') throw UserError.notFound('There is no public collection here.');
    return { ...view, entries: [...view.entries].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id) };
  }
}

/** An address that is safe to link to (http or https), or null: feeds and remote servers write what they like. */
function webUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** A short title for a post entry: its first words. */
function postTitle(post: PostView): string {
  const text = (post.contentWarning || post.text).replace(/\s+/g, ' ').trim();
  const short = [...text].length > 80 ? `${[...text].slice(0, 79).join('')}…` : text;
  return short ? `${post.author.displayName}: ${short}` : `A post by ${post.author.displayName}`;
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

/** SQL over `collections`: the viewer may see it (lists; one collection goes through #access). */
function visibleCollection(viewer: Viewer) {
  return sql<boolean>`(collections.visibility <> 'private' or collections.owner_id = ${viewer.memberId} or exists (
    select 1 from collection_collaborators vc where vc.collection_id = collections.id and vc.member_id = ${viewer.memberId}))`;
}

/** A collection's entries in order, with who added each (an ActorSummary's columns, prefixed). */
function entryRows(db: Queryable, collectionId: number) {
  return db
    .selectFrom('collection_entries as e')
    .leftJoin('members as adder_member', 'adder_member.id', 'e.added_by')
    .leftJoin('actors as adder', 'adder.id', 'adder_member.actor_id')
    .selectAll('e')
    .select([
      'adder.id as adder_id',
      'adder.handle as adder_handle',
      'adder.acct as adder_acct',
      'adder.domain as adder_domain',
      'adder.display_name as adder_display_name',
      'adder.avatar_url as adder_avatar_url',
      'adder.url as adder_url',
      'adder.role as adder_role',
      'adder.role_other as adder_role_other',
    ])
    .where('e.collection_id', '=', collectionId)
    .orderBy('e.position')
    .orderBy('e.id')
    .execute();
}
type EntryRow = Awaited<ReturnType<typeof entryRows>>[number];
