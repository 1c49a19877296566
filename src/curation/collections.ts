import type { Database, Queryable } from '../db/database.ts';
import type { CollectionKind } from '../db/schema.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ActorSummary, NotificationSubjectViews, SocialService } from '../social/index.ts';
import { CollectionAccess, type CollectionSummary, type Role } from './collection-access.ts';
import { CollectionCollaboratorsService } from './collection-collaborators.ts';
import { CollectionContents, type EntryView } from './collection-contents.ts';
import { CollectionEntriesService } from './collection-entries.ts';
import { CollectionFollowsService } from './collection-follows.ts';
import { type CollectionInput, type CollectionUpdate, collectionPath, LIMITS, noun } from './collection-schemas.ts';
import { EntryTargets } from './entry-targets.ts';
import { StarterKitsService } from './starter-kits.ts';

/**
 * Collections and starter kits: ordered, annotated sets of links, bookmarks, posts, sources and
 * people that a member curates (with collaborators) and shares privately, with members or with
 * everyone. A starter kit is a collection of people to follow in one go (starter-kits.ts).
 *
 * This service reads and changes collections themselves; its properties hold the rest: the
 * entries, the collaborators, following, and starter kits' "follow all". Who may do what is
 * in collection-access.ts, what entries show in collection-contents.ts.
 */

export type { CollectionSummary, Role } from './collection-access.ts';
export type { EntryView, PersonView } from './collection-contents.ts';

export interface CollectionView extends CollectionSummary {
  role: Role;
  /** The viewer follows it (null when they cannot: signed out, private, or their own). */
  following: boolean | null;
  canEdit: boolean;
  canAdd: boolean;
  collaborators: ActorSummary[];
  entries: EntryView[];
}

export interface CollectionsDeps {
  database: Database;
  config: Config;
  /** Social: people to follow and block checks (graph), posts to show, notifications to send. */
  social: Pick<SocialService, 'graph' | 'posts' | 'postRows' | 'notifications'>;
  /** Feeds: the sources a member follows, sources and items to show. */
  feeds: Pick<FeedsService, 'subscriptions' | 'itemsByIds' | 'sourcesByIds'>;
}

export class CollectionsService {
  readonly entries: CollectionEntriesService;
  readonly collaborators: CollectionCollaboratorsService;
  readonly following: CollectionFollowsService;
  /** "Follow all" for starter kits. */
  readonly kits: StarterKitsService;
  readonly #deps: CollectionsDeps;
  readonly #access: CollectionAccess;
  readonly #contents: CollectionContents;
  readonly #targets: EntryTargets;

  constructor(deps: CollectionsDeps) {
    this.#deps = deps;
    const { database, config, social, feeds } = deps;
    const access = new CollectionAccess({ database, config });
    this.#access = access;
    this.#contents = new CollectionContents({ database, access, posts: social.posts, feeds });
    this.#targets = new EntryTargets({ database, access, graph: social.graph, postRows: social.postRows, feeds });
    this.entries = new CollectionEntriesService({
      database,
      access,
      contents: this.#contents,
      targets: this.#targets,
      notifications: social.notifications,
    });
    this.collaborators = new CollectionCollaboratorsService({ database, access });
    this.following = new CollectionFollowsService({ database, access });
    this.kits = new StarterKitsService({ database, collections: this, graph: social.graph });
  }

  get #db() {
    return this.#deps.database.db;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The collections a member owns (their kits with `kind: 'starter_kit'`). */
  async mine(viewer: Viewer, kind: CollectionKind): Promise<CollectionSummary[]> {
    const rows = await this.#access
      .query()
      .where('collections.owner_id', '=', viewer.memberId)
      .where('collections.kind', '=', kind)
      .orderBy('collections.updated_at', 'desc')
      .orderBy('collections.id', 'desc')
      .limit(LIMITS.perMember)
      .execute();
    return rows.map((r) => this.#access.summary(r));
  }

  /** Collections others own that the member helps with. */
  async collaborating(viewer: Viewer, kind?: CollectionKind): Promise<CollectionSummary[]> {
    let query = this.#access
      .query()
      .innerJoin('collection_collaborators as mine', 'mine.collection_id', 'collections.id')
      .where('mine.member_id', '=', viewer.memberId)
      .where('owner_member.suspended_at', 'is', null);
    if (kind) query = query.where('collections.kind', '=', kind);
    const rows = await query.orderBy('collections.updated_at', 'desc').limit(LIMITS.perMember).execute();
    return rows.map((r) => this.#access.summary(r));
  }

  /** Public collections or kits (and members-only ones for members), recently changed first. */
  async browse(
    viewer: Viewer | null,
    kind: CollectionKind,
    cursor?: string,
    limit = 24,
  ): Promise<{ collections: CollectionSummary[]; nextCursor: string | null }> {
    let query = this.#access
      .query()
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
      collections: page.map((r) => this.#access.summary(r)),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.updated_at, page.at(-1)!.id]) : null,
    };
  }

  /** The kind of a collection the viewer may see (for routing kits and collections to their pages). */
  async kindOf(viewer: Viewer | null, id: number): Promise<CollectionKind> {
    return (await this.#access.check(viewer, id)).summary.kind;
  }

  /** The viewer's role in a collection they may see (404 or 401 otherwise, see `get`). */
  async roleIn(viewer: Viewer | null, id: number): Promise<{ kind: CollectionKind; role: Role }> {
    const { summary, role } = await this.#access.check(viewer, id);
    return { kind: summary.kind, role };
  }

  /**
   * The collection as the viewer may see it, with its entries in order; 404 when it does not
   * exist or is private to others, 401 when it is for signed-in members only.
   */
  async get(viewer: Viewer | null, id: number): Promise<CollectionView> {
    const { summary, role } = await this.#access.check(viewer, id);
    const editor = role === 'owner' || role === 'collaborator';
    const [entries, collaborators, following] = await Promise.all([
      this.#contents.entries(viewer, summary, role),
      this.#access.collaborators(id),
      viewer && summary.visibility !== 'private' && role !== 'owner' ? this.following.isFollowing(viewer, id) : Promise.resolve(null),
    ]);
    return { ...summary, role, following, canEdit: role === 'owner', canAdd: editor, collaborators, entries };
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

  /** The member's newest bookmarks, named for a chooser (the add-a-bookmark form). */
  bookmarkChoices(viewer: Viewer, limit?: number): Promise<Array<{ id: number; label: string }>> {
    return this.#targets.bookmarkChoices(viewer, limit);
  }

  /** The sources the member follows, named for a chooser (the add-a-source form). */
  async sourceChoices(viewer: Viewer): Promise<Array<{ id: number; label: string }>> {
    return (await this.#deps.feeds.subscriptions(viewer)).map((s) => ({ id: s.sourceId, label: s.title }));
  }

  /** The viewer's relation to each person in the collection: whom they follow, asked to follow, and themselves. */
  async relations(viewer: Viewer, view: CollectionView): Promise<Map<number, 'following' | 'requested' | 'self'>> {
    const relations = new Map<number, 'following' | 'requested' | 'self'>();
    const ids = view.entries.flatMap((e) => (e.person ? [e.person.id] : []));
    if (ids.length === 0) return relations;
    for (const [id, state] of await this.#deps.social.graph.followStates(viewer.actorId, ids))
      relations.set(id, state === 'accepted' ? 'following' : 'requested');
    relations.set(viewer.actorId, 'self');
    return relations;
  }

  /**
   * The collections notifications are about, as the member may still see them (one made private
   * again drops out): social shows them (registered from index.ts as the `collection` subject).
   */
  async notificationSubjects(db: Queryable, viewer: Viewer, ids: number[]): Promise<Map<number, NotificationSubjectViews['collection']>> {
    const rows = await db
      .selectFrom('collections')
      .select(['id', 'kind', 'title'])
      .where('id', 'in', ids)
      .where((eb) =>
        eb.or([
          eb('visibility', '<>', 'private'),
          eb('owner_id', '=', viewer.memberId),
          eb.exists(
            eb
              .selectFrom('collection_collaborators as cc')
              .select('cc.member_id')
              .whereRef('cc.collection_id', '=', 'collections.id')
              .where('cc.member_id', '=', viewer.memberId),
          ),
        ]),
      )
      .execute();
    const baseUrl = this.#access.baseUrl;
    return new Map(rows.map((co) => [co.id, { id: co.id, kind: co.kind, title: co.title, url: baseUrl + collectionPath(co) }]));
  }

  // ---- changing collections ------------------------------------------------------------------

  async create(viewer: Viewer, kind: CollectionKind, input: CollectionInput): Promise<CollectionView> {
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
  async update(viewer: Viewer, id: number, input: CollectionUpdate): Promise<CollectionView> {
    const { summary, role } = await this.#access.check(viewer, id);
    if (role !== 'owner')
      throw UserError.forbidden(`Only the owner of this ${noun(summary.kind)} can change its title, description or who can see it.`);
    const notifications = this.#deps.social.notifications;
    const notified = await this.#db.transaction().execute(async (tx) => {
      await this.#access.lock(tx, id);
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
        return notifications.notify(
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
    await notifications.announce(notified);
    return this.get(viewer, id);
  }

  async delete(viewer: Viewer, id: number): Promise<void> {
    const { summary, role } = await this.#access.check(viewer, id);
    if (role !== 'owner') throw UserError.forbidden(`Only the owner can delete this ${noun(summary.kind)}.`);
    // Entries, collaborators, follows and notifications go with it (foreign keys cascade).
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('collections').where('id', '=', id).execute();
    });
  }
}
