import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { NotificationKind } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext, topics } from './context.ts';
import { type ActorSummary, hydratePosts, loadActors, type PostView } from './hydrate.ts';
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

export interface NotificationView {
  id: number;
  kind: NotificationKind;
  actor: ActorSummary;
  post: PostView | null;
  /** The chat a reminder is about. */
  chat: { title: string; hashtag: string; startsAt: number; url: string } | null;
  /** The collection or starter kit a `collection_entry` or `kit_added` is about. */
  collection: { id: number; kind: 'collection' | 'starter_kit'; title: string; url: string } | null;
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
  /** Tells apart several events with the same kind, actor and post (e.g. each new entry of a collection). */
  key?: string;
}

/**
 * Records notifications inside the transaction that caused them. Skips notifying people of
 * their own actions and of people they blocked or muted; the same event never notifies twice.
 * Returns the member ids that got something new (publish to them after the commit).
 */
export async function notify(db: Queryable, items: NewNotification[]): Promise<number[]> {
  const wanted = items.filter((n) => n.recipientActorId !== n.actorId);
  if (wanted.length === 0) return [];
  const recipients = await db
    .selectFrom('members')
    .select(['id', 'actor_id'])
    .where('actor_id', 'in', [...new Set(wanted.map((n) => n.recipientActorId))])
    .where('suspended_at', 'is', null)
    .execute();
  const memberOf = new Map(recipients.map((r) => [r.actor_id, r.id]));
  const silenced = await db
    .selectFrom('blocks')
    .select(['actor_id', 'target_id'])
    .where('actor_id', 'in', [...memberOf.keys(), 0])
    .union(
      db
        .selectFrom('mutes')
        .select(['actor_id', 'target_id'])
        .where('actor_id', 'in', [...memberOf.keys(), 0]),
    )
    .execute();
  const quiet = new Set(silenced.map((s) => `${s.actor_id}:${s.target_id}`));
  const now = Date.now();
  const rows = wanted
    .filter((n) => memberOf.has(n.recipientActorId) && !quiet.has(`${n.recipientActorId}:${n.actorId}`))
    .map((n) => {
      const memberId = memberOf.get(n.recipientActorId)!;
      return {
        member_id: memberId,
        kind: n.kind,
        actor_id: n.actorId,
        post_id: n.postId,
        collection_id: n.collectionId ?? null,
        dedupe_key: `${memberId}:${n.kind}:${n.actorId}:${n.postId ?? ''}${n.key ? `:${n.key}` : ''}`,
        created_at: now,
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

  /** Unread notifications the list would show: one about a post the member can no longer see (edited away, blocked) does not count. */
  async unreadCount(viewer: Viewer): Promise<number> {
    const row = await this.#ctx.database.db
      .selectFrom('notifications')
      .leftJoin('posts', 'posts.id', 'notifications.post_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('notifications.member_id', '=', viewer.memberId)
      .where('notifications.read_at', 'is', null)
      .where((eb) => eb.or([eb('notifications.post_id', 'is', null), visibleTo(reader(viewer), 'posts')]))
      // Likewise one about a collection made private again (curation).
      .where((eb) =>
        eb.or([
          eb('notifications.collection_id', 'is', null),
          sql<boolean>`exists (select 1 from collections co where co.id = notifications.collection_id and (co.visibility <> 'private' or co.owner_id = ${viewer.memberId}
            or exists (select 1 from collection_collaborators cc where cc.collection_id = co.id and cc.member_id = ${viewer.memberId})))`,
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async list(
    viewer: Viewer,
    options: { kind?: string | undefined; cursor?: string | undefined; limit?: number } = {},
  ): Promise<{ notifications: NotificationView[]; nextCursor: string | null }> {
    const limit = options.limit ?? 30;
    if (options.kind && !(NOTIFICATION_KINDS as readonly string[]).includes(options.kind)) {
      throw UserError.field('kind', `Choose one of: ${NOTIFICATION_KINDS.join(', ')}.`, 400);
    }
    let query = this.#ctx.database.db.selectFrom('notifications').selectAll().where('member_id', '=', viewer.memberId);
    if (options.kind) query = query.where('kind', '=', options.kind as NotificationKind);
    if (options.cursor) query = query.where('id', '<', decodeCursor(options.cursor, ['number'])[0]);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const baseUrl = this.#ctx.config.baseUrl;
    const chatIds = page.flatMap((r) => (r.chat_id ? [r.chat_id] : []));
    const collectionIds = page.flatMap((r) => (r.collection_id ? [r.collection_id] : []));
    const [actors, posts, chats, collections] = await Promise.all([
      loadActors(
        this.#ctx.database.db,
        page.map((r) => r.actor_id),
        baseUrl,
      ),
      hydratePosts(
        this.#ctx.database.db,
        baseUrl,
        reader(viewer),
        page.flatMap((r) => (r.post_id ? [{ postId: r.post_id }] : [])),
      ),
      chatIds.length
        ? this.#ctx.database.db
            .selectFrom('chats')
            .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
            .select(['chats.id', 'chats.date', 'chats.starts_at', 'chat_series.slug', 'chat_series.title', 'chat_series.hashtag_name'])
            .where('chats.id', 'in', chatIds)
            .execute()
        : [],
      // Only collections the member may still see (one made private again drops out).
      collectionIds.length
        ? this.#ctx.database.db
            .selectFrom('collections')
            .select(['id', 'kind', 'title'])
            .where('id', 'in', collectionIds)
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
            .execute()
        : [],
    ]);
    const postById = new Map(posts.map((p) => [p.id, p]));
    const chatById = new Map(
      chats.map((ch) => [
        ch.id,
        { title: ch.title, hashtag: ch.hashtag_name, startsAt: ch.starts_at, url: `${baseUrl}/chats/${ch.slug}/${ch.date}` },
      ]),
    );
    const collectionById = new Map(
      collections.map((co) => [
        co.id,
        {
          id: co.id,
          kind: co.kind,
          title: co.title,
          url: `${baseUrl}/${co.kind === 'starter_kit' ? 'starter-kits' : 'collections'}/${co.id}`,
        },
      ]),
    );
    return {
      // A notification about a post the member can no longer see (deleted, blocked) is left out.
      notifications: page
        .filter((r) => (r.post_id === null || postById.has(r.post_id)) && (r.collection_id === null || collectionById.has(r.collection_id)))
        .map((r) => ({
          id: r.id,
          kind: r.kind,
          actor: actors.get(r.actor_id)!,
          post: r.post_id ? postById.get(r.post_id)! : null,
          chat: r.chat_id ? (chatById.get(r.chat_id) ?? null) : null,
          collection: r.collection_id ? (collectionById.get(r.collection_id) ?? null) : null,
          createdAt: r.created_at,
          read: r.read_at !== null,
        })),
      nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null,
    };
  }

  /** Marks all notifications read, or those up to and including `upToId`. */
  async markRead(viewer: Viewer, upToId?: number): Promise<void> {
    let query = this.#ctx.database.db
      .updateTable('notifications')
      .set({ read_at: Date.now() })
      .where('member_id', '=', viewer.memberId)
      .where('read_at', 'is', null);
    if (upToId !== undefined) query = query.where('id', '<=', upToId);
    await query.execute();
    await announceNotifications(this.#ctx, [viewer.memberId]);
  }
}
