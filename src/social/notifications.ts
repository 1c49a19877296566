import type { Queryable, Tx } from '../db/database.ts';
import type { NotificationKind } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext, topics } from './context.ts';
import { type ActorSummary, hydratePosts, loadActors, type PostView } from './hydrate.ts';
import type { NotificationSubjectViews } from './notification-subjects.ts';
import { visibleTo } from './visibility.ts';

export const NOTIFICATION_KINDS = [
  'mention',
  'reply',
  'follow',
  'follow_request',
  'boost',
  'like',
  'chat_reminder',
  'collection_entry',
  'kit_added',
] as const satisfies readonly NotificationKind[];

/** A kind from a query string (the notifications page's filter); a 400 naming the kinds otherwise. */
export function parseNotificationKind(value: string | undefined): NotificationKind | undefined {
  if (!value) return undefined;
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(value)) {
    throw UserError.field('kind', `Choose one of: ${NOTIFICATION_KINDS.join(', ')}.`, 400);
  }
  return value as NotificationKind;
}

export interface NotificationView {
  id: number;
  kind: NotificationKind;
  actor: ActorSummary;
  post: PostView | null;
  /** The chat a reminder is about. */
  chat: NotificationSubjectViews['chat'] | null;
  /** The collection or starter kit a `collection_entry` or `kit_added` is about. */
  collection: NotificationSubjectViews['collection'] | null;
  createdAt: number;
  read: boolean;
}

export interface NewNotification {
  /** The local member's actor id, or any actor id (non-members are skipped). */
  recipientActorId: number;
  kind: NotificationKind;
  actorId: number;
  postId: number | null;
  /** The collection it is about (curation). */
  collectionId?: number | null;
  /** The chat it is about (chats: reminders). */
  chatId?: number | null;
  /** Tells apart several events with the same kind, actor and post (e.g. each new entry of a collection). */
  key?: string;
  /**
   * A notice that is nobody's action towards the recipient (a reminder of a chat they will join):
   * sent even when the recipient is the actor, or blocked or muted them.
   */
  unfiltered?: boolean;
  /** When it happened, if not now (a chat's timer passes the time its clock says). */
  at?: number;
}

/**
 * Records notifications inside the transaction that caused them. Skips notifying people of
 * their own actions and of people they blocked or muted; the same event never notifies twice.
 * Returns the member ids that got something new (publish to them after the commit).
 */
export async function notify(db: Queryable, items: NewNotification[]): Promise<number[]> {
  const wanted = items.filter((n) => n.unfiltered || n.recipientActorId !== n.actorId);
  if (wanted.length === 0) return [];
  const recipients = await db
    .selectFrom('members')
    .select(['id', 'actor_id'])
    .where('actor_id', 'in', [...new Set(wanted.map((n) => n.recipientActorId))])
    .where('suspended_at', 'is', null)
    .execute();
  const memberOf = new Map(recipients.map((r) => [r.actor_id, r.id]));
  const filtered = wanted.filter((n) => !n.unfiltered);
  const silenced = filtered.length
    ? await db
        .selectFrom('blocks')
        .select(['actor_id', 'target_id'])
        .where('actor_id', 'in', [...memberOf.keys(), 0])
        .union(
          db
            .selectFrom('mutes')
            .select(['actor_id', 'target_id'])
            .where('actor_id', 'in', [...memberOf.keys(), 0]),
        )
        .execute()
    : [];
  const quiet = new Set(silenced.map((s) => `${s.actor_id}:${s.target_id}`));
  const now = Date.now();
  const rows = wanted
    .filter((n) => memberOf.has(n.recipientActorId) && (n.unfiltered || !quiet.has(`${n.recipientActorId}:${n.actorId}`)))
    .map((n) => {
      const memberId = memberOf.get(n.recipientActorId)!;
      return {
        member_id: memberId,
        kind: n.kind,
        actor_id: n.actorId,
        post_id: n.postId,
        collection_id: n.collectionId ?? null,
        chat_id: n.chatId ?? null,
        dedupe_key: `${memberId}:${n.kind}:${n.actorId}:${n.postId ?? ''}${n.key ? `:${n.key}` : ''}`,
        created_at: n.at ?? now,
      };
    });
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('member_id')
    .execute();
  return [...new Set(inserted.map((r) => r.member_id))];
}

/** Tells the notified members' open pages (badge, list) after the commit. */
export async function announceNotifications(ctx: Pick<SocialContext, 'events'>, memberIds: number[]): Promise<void> {
  await ctx.events.publish({ topics: memberIds.map(topics.member), kind: 'notification', data: {} });
}

export class NotificationsService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /**
   * Records notifications in the caller's transaction (see `notify`); returns the members to
   * `announce` to once it commits.
   */
  notify(tx: Tx, items: NewNotification[]): Promise<number[]> {
    return notify(tx, items);
  }

  /** Tells these members' open pages that they have something new (after the commit). */
  announce(memberIds: number[]): Promise<void> {
    return announceNotifications(this.#ctx, memberIds);
  }

  /**
   * Unread notifications the list would show: one about a post the member can no longer see
   * (edited away, blocked), or about a thing its owner no longer shows them (a collection made
   * private again), does not count.
   */
  async unreadCount(viewer: Viewer): Promise<number> {
    const groups = await this.#db
      .selectFrom('notifications')
      .leftJoin('posts', 'posts.id', 'notifications.post_id')
      .select((eb) => ['notifications.chat_id', 'notifications.collection_id', eb.fn.countAll<number>().as('n')])
      .where('notifications.member_id', '=', viewer.memberId)
      .where('notifications.read_at', 'is', null)
      .where((eb) => eb.or([eb('notifications.post_id', 'is', null), visibleTo(reader(viewer), 'posts')]))
      .groupBy(['notifications.chat_id', 'notifications.collection_id'])
      .execute();
    const { chats, collections } = await this.#subjects(viewer, groups);
    return groups
      .filter((g) => (g.chat_id === null || chats.has(g.chat_id)) && (g.collection_id === null || collections.has(g.collection_id)))
      .reduce((sum, g) => sum + Number(g.n), 0);
  }

  /** The things (chats, collections) these notifications are about, as their owners describe them to the viewer. */
  async #subjects(viewer: Viewer, rows: Array<{ chat_id: number | null; collection_id: number | null }>) {
    const subjects = this.#ctx.notificationSubjects;
    const [chats, collections] = await Promise.all([
      subjects.describe(
        'chat',
        this.#db,
        viewer,
        rows.flatMap((r) => (r.chat_id ? [r.chat_id] : [])),
      ),
      subjects.describe(
        'collection',
        this.#db,
        viewer,
        rows.flatMap((r) => (r.collection_id ? [r.collection_id] : [])),
      ),
    ]);
    return { chats, collections };
  }

  async list(
    viewer: Viewer,
    options: { kind?: NotificationKind | undefined; cursor?: string | undefined; limit?: number } = {},
  ): Promise<{ notifications: NotificationView[]; nextCursor: string | null }> {
    const limit = options.limit ?? 30;
    let query = this.#db.selectFrom('notifications').selectAll().where('member_id', '=', viewer.memberId);
    if (options.kind) query = query.where('kind', '=', options.kind);
    if (options.cursor) query = query.where('id', '<', decodeCursor(options.cursor, ['number'])[0]);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const [actors, posts, { chats, collections }] = await Promise.all([
      loadActors(
        this.#db,
        page.map((r) => r.actor_id),
        this.#ctx.config.baseUrl,
      ),
      hydratePosts(
        this.#ctx,
        reader(viewer),
        page.flatMap((r) => (r.post_id ? [{ postId: r.post_id }] : [])),
      ),
      this.#subjects(viewer, page),
    ]);
    const postById = new Map(posts.map((p) => [p.id, p]));
    return {
      // A notification about a post the member can no longer see (deleted, blocked), or a thing no longer shown to them, is left out.
      notifications: page
        .filter(
          (r) =>
            (r.post_id === null || postById.has(r.post_id)) &&
            (r.chat_id === null || chats.has(r.chat_id)) &&
            (r.collection_id === null || collections.has(r.collection_id)),
        )
        .map((r) => ({
          id: r.id,
          kind: r.kind,
          actor: actors.get(r.actor_id)!,
          post: r.post_id ? postById.get(r.post_id)! : null,
          chat: r.chat_id ? (chats.get(r.chat_id) ?? null) : null,
          collection: r.collection_id ? (collections.get(r.collection_id) ?? null) : null,
          createdAt: r.created_at,
          read: r.read_at !== null,
        })),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null,
    };
  }

  /** Marks all notifications read, or those up to and including `upToId`. */
  async markRead(viewer: Viewer, upToId?: number): Promise<void> {
    let query = this.#db
      .updateTable('notifications')
      .set({ read_at: Date.now() })
      .where('member_id', '=', viewer.memberId)
      .where('read_at', 'is', null);
    if (upToId !== undefined) query = query.where('id', '<=', upToId);
    await query.execute();
    await announceNotifications(this.#ctx, [viewer.memberId]);
  }
}
