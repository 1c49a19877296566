import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext } from './context.ts';
import { announceNotifications, notify } from './notifications.ts';
import { PINS_MAX } from './post-schemas.ts';
import { ownPost } from './post-writes.ts';
import { fanOutBoost } from './timelines.ts';
import { isBoostable, visibleTo } from './visibility.ts';

/**
 * What members do with posts besides writing them: boosts, likes and pins (`social.posts.boost`
 * etc. call these). Remote boosts and likes arrive through remote-posts.ts.
 */
export class ReactionsService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /** Shares someone's public or members-only post with your followers. */
  async boost(viewer: Viewer, id: number): Promise<void> {
    const original = await this.#visibleOriginal(viewer, id);
    if (!isBoostable(original.visibility)) {
      throw new UserError(
        422,
        'not_boostable',
        'Only public and members-only posts can be boosted: this one was meant for a smaller audience.',
      );
    }
    const now = Date.now();
    const outcome = await this.#db.transaction().execute(async (tx) => {
      const exists = await tx
        .selectFrom('posts')
        .select('id')
        .where('boost_of_id', '=', id)
        .where('actor_id', '=', viewer.actorId)
        .executeTakeFirst();
      if (exists) throw new UserError(409, 'already_boosted', 'You already boosted this post.');
      const boost = await tx
        .insertInto('posts')
        .values({
          actor_id: viewer.actorId,
          text: '',
          html: '',
          visibility: original.visibility,
          boost_of_id: id,
          local: 1,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('posts')
        .set((eb) => ({ boost_count: eb('boost_count', '+', 1) }))
        .where('id', '=', id)
        .execute();
      const feeds = await fanOutBoost(tx, { id: boost.id, actorId: viewer.actorId, postId: id, authorId: original.actor_id });
      const notified = await notify(tx, [{ recipientActorId: original.actor_id, kind: 'boost', actorId: viewer.actorId, postId: id }]);
      await this.#ctx.outbox.emit(tx, { type: 'boost', boostId: boost.id, postId: id, actorId: viewer.actorId });
      return { boostId: boost.id, feeds, notified };
    });
    await this.#ctx.events.publish({ topics: outcome.feeds, kind: 'post', data: { postId: id, boostId: outcome.boostId } });
    await announceNotifications(this.#ctx, outcome.notified);
  }

  async unboost(viewer: Viewer, id: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      const removed = await tx
        .deleteFrom('posts')
        .where('boost_of_id', '=', id)
        .where('actor_id', '=', viewer.actorId)
        .returning('id')
        .executeTakeFirst();
      if (!removed) throw new UserError(409, 'not_boosted', 'You have not boosted this post.');
      await this.#ctx.outbox.emit(tx, { type: 'unboost', boostId: removed.id, postId: id, actorId: viewer.actorId });
      await tx
        .updateTable('posts')
        .set((eb) => ({ boost_count: eb('boost_count', '-', 1) }))
        .where('id', '=', id)
        .execute();
      // Readers who had the post through this boost keep it if someone else they follow boosted it too.
      const others = await tx.selectFrom('posts').select(['id', 'actor_id']).where('boost_of_id', '=', id).orderBy('id').execute();
      const authorId = (await tx.selectFrom('posts').select('actor_id').where('id', '=', id).executeTakeFirstOrThrow()).actor_id;
      for (const other of others) await fanOutBoost(tx, { id: other.id, actorId: other.actor_id, postId: id, authorId });
    });
  }

  async like(viewer: Viewer, id: number): Promise<void> {
    const original = await this.#visibleOriginal(viewer, id);
    const notified = await this.#db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('likes')
        .values({ post_id: id, actor_id: viewer.actorId, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['post_id', 'actor_id']).doNothing())
        .returning('post_id')
        .executeTakeFirst();
      if (!inserted) throw new UserError(409, 'already_liked', 'You already like this post.');
      await tx
        .updateTable('posts')
        .set((eb) => ({ like_count: eb('like_count', '+', 1) }))
        .where('id', '=', id)
        .execute();
      await this.#ctx.outbox.emit(tx, { type: 'like', postId: id, actorId: viewer.actorId });
      return notify(tx, [{ recipientActorId: original.actor_id, kind: 'like', actorId: viewer.actorId, postId: id }]);
    });
    await announceNotifications(this.#ctx, notified);
  }

  async unlike(viewer: Viewer, id: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      const removed = await tx.deleteFrom('likes').where('post_id', '=', id).where('actor_id', '=', viewer.actorId).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_liked', 'You have not liked this post.');
      await tx
        .updateTable('posts')
        .set((eb) => ({ like_count: eb('like_count', '-', 1) }))
        .where('id', '=', id)
        .execute();
      await this.#ctx.outbox.emit(tx, { type: 'unlike', postId: id, actorId: viewer.actorId });
    });
  }

  /** Features one of your posts on your profile (at most five). */
  async pin(viewer: Viewer, id: number): Promise<void> {
    const post = await ownPost(this.#db, viewer, id);
    if (post.visibility === 'direct') throw new UserError(422, 'not_pinnable', 'A direct post cannot be featured on your profile.');
    await this.#db.transaction().execute(async (tx) => {
      const already = await tx
        .selectFrom('pins')
        .select('post_id')
        .where('actor_id', '=', viewer.actorId)
        .where('post_id', '=', id)
        .executeTakeFirst();
      if (already) throw new UserError(409, 'already_pinned', 'This post is already featured on your profile.');
      const count = await tx
        .selectFrom('pins')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('actor_id', '=', viewer.actorId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= PINS_MAX)
        throw new UserError(422, 'too_many_pins', `You can feature at most ${PINS_MAX} posts; unpin one first.`);
      const inserted = await tx
        .insertInto('pins')
        .values({ actor_id: viewer.actorId, post_id: id, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['actor_id', 'post_id']).doNothing())
        .returning('post_id')
        .executeTakeFirst();
      if (!inserted) throw new UserError(409, 'already_pinned', 'This post is already featured on your profile.');
    });
  }

  async unpin(viewer: Viewer, id: number): Promise<void> {
    const removed = await this.#db.deleteFrom('pins').where('actor_id', '=', viewer.actorId).where('post_id', '=', id).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_pinned', 'This post is not featured on your profile.');
  }

  /** An original (not a boost) post the viewer may see, or 404. */
  async #visibleOriginal(viewer: Viewer, id: number) {
    const post = await this.#db
      .selectFrom('posts')
      .select(['id', 'actor_id', 'visibility', 'boost_of_id'])
      .where('id', '=', id)
      .where(visibleTo(reader(viewer), 'posts'))
      .executeTakeFirst();
    if (!post || post.boost_of_id) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
    return post;
  }
}
