import { adjustActorCounts } from '../accounts/index.ts';
import type { Visibility } from '../db/schema.ts';
import { type SocialContext, topics } from './context.ts';
import { insertMedia, type StoredMedia } from './media.ts';
import { announceNotifications, type NewNotification, notify } from './notifications.ts';
import type { NewPost, PostOccasion } from './post-hooks.ts';
import { PINS_MAX } from './post-schemas.ts';
import { countReply, erasePost, keepVersion, removeBoost, saveTags, uncountTags } from './post-writes.ts';
import { indexPost } from './search.ts';
import { fanOutBoost, fanOutPost } from './timelines.ts';
import { isBoostable, isListed } from './visibility.ts';

/** A remote actor's post as federation hands it over: sanitised HTML, resolved references. */
export interface RemotePost {
  uri: string;
  url: string | null;
  text: string;
  html: string;
  contentWarning: string | null;
  visibility: Visibility;
  replyToId: number | null;
  hashtags: Array<{ name: string; slug: string }>;
  mentions: Array<{ acct: string; actorId: number | null }>;
  media: StoredMedia[];
  createdAt: number;
  /** What the post comes with for the post hooks (a mention of a chat's group actor). */
  occasion?: PostOccasion;
}

/**
 * What other servers tell us about posts (federation calls these): new posts, edits and
 * deletions, boosts, likes and pins by remote actors. Each is delivered like its local
 * counterpart (timelines, notifications, post hooks, search) but never sent back out.
 */
export class RemotePostsService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /**
   * Stores a remote actor's post (already sanitised and resolved by federation) and delivers it
   * like a local one: hashtags, mentions, home and list timelines, notifications, post hooks
   * (chats), search. Returns its id; an already known `uri` returns the existing post's id.
   */
  async receive(actorId: number, input: RemotePost): Promise<number> {
    const known = await this.#db.selectFrom('posts').select('id').where('uri', '=', input.uri).executeTakeFirst();
    if (known) return known.id;
    const parent = input.replyToId
      ? await this.#db.selectFrom('posts').select(['id', 'actor_id', 'thread_id']).where('id', '=', input.replyToId).executeTakeFirst()
      : undefined;
    const outcome = await this.#db.transaction().execute(async (tx) => {
      const post = await tx
        .insertInto('posts')
        .values({
          actor_id: actorId,
          uri: input.uri,
          url: input.url,
          text: input.text,
          html: input.html,
          content_warning: input.contentWarning,
          visibility: input.visibility,
          reply_to_id: parent?.id ?? null,
          reply_to_actor_id: parent?.actor_id ?? null,
          first_url: null,
          has_media: input.media.length > 0 ? 1 : 0,
          local: 0,
          created_at: input.createdAt,
        })
        .onConflict((oc) => oc.column('uri').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!post) return null;
      await tx
        .updateTable('posts')
        .set({ thread_id: parent ? (parent.thread_id ?? parent.id) : post.id })
        .where('id', '=', post.id)
        .execute();
      const hashtagIds = await saveTags(tx, post.id, input.hashtags, input.visibility, input.createdAt);
      if (input.mentions.length) {
        await tx
          .insertInto('mentions')
          .values(input.mentions.map((m) => ({ post_id: post.id, acct: m.acct, actor_id: m.actorId })))
          .execute();
      }
      await insertMedia(tx, { id: post.id, memberId: null, createdAt: input.createdAt }, input.media);
      if (parent) await countReply(tx, parent.id);
      await adjustActorCounts(tx, actorId, { posts: 1, lastPostAt: input.createdAt });
      await indexPost(tx, this.#ctx.database.dialect, post.id, input.text);
      const mentionedActorIds = input.mentions.flatMap((m) => (m.actorId ? [m.actorId] : []));
      const feeds = await fanOutPost(tx, {
        id: post.id,
        actorId,
        visibility: input.visibility,
        replyToActorId: parent?.actor_id ?? null,
        hashtagIds,
        mentionedActorIds,
      });
      const notices: NewNotification[] = mentionedActorIds
        .filter((id) => id !== parent?.actor_id)
        .map((id) => ({ recipientActorId: id, kind: 'mention', actorId, postId: post.id }));
      if (parent) notices.push({ recipientActorId: parent.actor_id, kind: 'reply', actorId, postId: post.id });
      const notified = await notify(tx, notices);
      const tags = input.hashtags.map((h) => h.slug);
      const created: NewPost = {
        id: post.id,
        actorId,
        text: input.text,
        visibility: input.visibility,
        replyToId: parent?.id ?? null,
        tags,
        createdAt: input.createdAt,
        occasion: input.occasion ?? null,
      };
      const hookTopics = await this.#ctx.postHooks.run(tx, created);
      return { id: post.id, feeds, notified, tags, hookTopics };
    });
    if (!outcome) return (await this.#db.selectFrom('posts').select('id').where('uri', '=', input.uri).executeTakeFirstOrThrow()).id;
    const listedTopics = isListed(input.visibility) ? [...(parent ? [] : [topics.local]), ...outcome.tags.map(topics.tag)] : [];
    await this.#ctx.events.publish({
      topics: [...outcome.feeds, ...listedTopics, ...outcome.hookTopics],
      kind: 'post',
      data: { postId: outcome.id },
    });
    await announceNotifications(this.#ctx, outcome.notified);
    return outcome.id;
  }

  /** A remote actor edited their post (an Update); the earlier version goes to the history. */
  async receiveEdit(
    actorId: number,
    uri: string,
    input: Pick<RemotePost, 'text' | 'html' | 'contentWarning' | 'hashtags'>,
    at: number,
  ): Promise<boolean> {
    const post = await this.#db
      .selectFrom('posts')
      .selectAll()
      .where('uri', '=', uri)
      .where('actor_id', '=', actorId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!post) return false;
    await this.#db.transaction().execute(async (tx) => {
      await keepVersion(tx, post);
      await tx
        .updateTable('posts')
        .set({ text: input.text, html: input.html, content_warning: input.contentWarning, edited_at: at })
        .where('id', '=', post.id)
        .execute();
      await uncountTags(tx, post.id);
      await saveTags(tx, post.id, input.hashtags, post.visibility, post.created_at);
      await indexPost(tx, this.#ctx.database.dialect, post.id, input.text);
    });
    await this.#ctx.events.publish({ topics: [topics.postChanges], kind: 'update', data: { postId: post.id } });
    return true;
  }

  /** A remote actor deleted their post. */
  async receiveDelete(actorId: number, uri: string): Promise<boolean> {
    const post = await this.#db
      .selectFrom('posts')
      .selectAll()
      .where('uri', '=', uri)
      .where('actor_id', '=', actorId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!post) return false;
    if (post.boost_of_id) {
      await removeBoost(this.#db, actorId, post.boost_of_id);
      return true;
    }
    await erasePost(this.#ctx, post);
    return true;
  }

  /** A remote actor boosted (Announce) a post we know. */
  async receiveBoost(actorId: number, postId: number, uri: string, at: number): Promise<boolean> {
    const original = await this.#db
      .selectFrom('posts')
      .select(['id', 'actor_id', 'visibility'])
      .where('id', '=', postId)
      .where('deleted_at', 'is', null)
      .where('boost_of_id', 'is', null)
      .executeTakeFirst();
    if (!original || !isBoostable(original.visibility)) return false;
    const outcome = await this.#db.transaction().execute(async (tx) => {
      const boost = await tx
        .insertInto('posts')
        .values({
          actor_id: actorId,
          uri,
          text: '',
          html: '',
          visibility: original.visibility,
          boost_of_id: postId,
          local: 0,
          created_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!boost) return null;
      await tx
        .updateTable('posts')
        .set((eb) => ({ boost_count: eb('boost_count', '+', 1) }))
        .where('id', '=', postId)
        .execute();
      const feeds = await fanOutBoost(tx, { id: boost.id, actorId, postId, authorId: original.actor_id });
      const notified = await notify(tx, [{ recipientActorId: original.actor_id, kind: 'boost', actorId, postId }]);
      return { boostId: boost.id, feeds, notified };
    });
    if (!outcome) return false;
    await this.#ctx.events.publish({ topics: outcome.feeds, kind: 'post', data: { postId, boostId: outcome.boostId } });
    await announceNotifications(this.#ctx, outcome.notified);
    return true;
  }

  /** A remote actor undid a boost (by the Announce's id, or of the post). */
  async receiveUnboost(actorId: number, ref: { uri?: string; postId?: number }): Promise<boolean> {
    let query = this.#db.selectFrom('posts').select('boost_of_id').where('actor_id', '=', actorId).where('boost_of_id', 'is not', null);
    query = ref.uri ? query.where('uri', '=', ref.uri) : query.where('boost_of_id', '=', ref.postId ?? 0);
    const boost = await query.executeTakeFirst();
    if (!boost?.boost_of_id) return false;
    await removeBoost(this.#db, actorId, boost.boost_of_id);
    return true;
  }

  /** A remote actor liked a post we know. */
  async receiveLike(actorId: number, postId: number, uri: string | null): Promise<boolean> {
    const original = await this.#db
      .selectFrom('posts')
      .select(['id', 'actor_id'])
      .where('id', '=', postId)
      .where('deleted_at', 'is', null)
      .where('boost_of_id', 'is', null)
      .executeTakeFirst();
    if (!original) return false;
    const notified = await this.#db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('likes')
        .values({ post_id: postId, actor_id: actorId, uri, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['post_id', 'actor_id']).doNothing())
        .returning('post_id')
        .executeTakeFirst();
      if (!inserted) return null;
      await tx
        .updateTable('posts')
        .set((eb) => ({ like_count: eb('like_count', '+', 1) }))
        .where('id', '=', postId)
        .execute();
      return notify(tx, [{ recipientActorId: original.actor_id, kind: 'like', actorId, postId }]);
    });
    if (!notified) return false;
    await announceNotifications(this.#ctx, notified);
    return true;
  }

  /** A remote actor undid a like (by the Like's id, or of the post). */
  async receiveUnlike(actorId: number, ref: { uri?: string; postId?: number }): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      let query = tx.deleteFrom('likes').where('actor_id', '=', actorId);
      query = ref.uri ? query.where('uri', '=', ref.uri) : query.where('post_id', '=', ref.postId ?? 0);
      const removed = await query.returning('post_id').executeTakeFirst();
      if (!removed) return false;
      await tx
        .updateTable('posts')
        .set((eb) => ({ like_count: eb('like_count', '-', 1) }))
        .where('id', '=', removed.post_id)
        .execute();
      return true;
    });
  }

  /** A remote actor's pinned posts (its featured collection, first shown first), replacing those known before; only its own posts count. */
  async receivePins(actorId: number, postIds: number[]): Promise<void> {
    const now = Date.now();
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pins').where('actor_id', '=', actorId).execute();
      const own = postIds.length
        ? await tx
            .selectFrom('posts')
            .select('id')
            .where('id', 'in', postIds)
            .where('actor_id', '=', actorId)
            .where('boost_of_id', 'is', null)
            .execute()
        : [];
      const ids = new Set(own.map((p) => p.id));
      const pins = [...new Set(postIds)].filter((id) => ids.has(id)).slice(0, PINS_MAX);
      // Newest pin first: the first one gets the latest time.
      if (pins.length)
        await tx
          .insertInto('pins')
          .values(pins.map((postId, i) => ({ actor_id: actorId, post_id: postId, created_at: now - i })))
          .execute();
    });
  }
}
