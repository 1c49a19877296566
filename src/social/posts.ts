import { adjustActorCounts } from '../accounts/index.ts';
import { type FieldIssue, UserError } from '../platform/errors.ts';
import { type ProcessedImage, processImage } from '../platform/images.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext, topics } from './context.ts';
import { type HydrateOptions, hydratePosts, type PostRef, type PostView } from './hydrate.ts';
import { insertMedia, MEDIA_SIZE, type StoredMedia } from './media.ts';
import { announceNotifications, type NewNotification, notify } from './notifications.ts';
import type { NewPost, PostHook, PostOccasion } from './post-hooks.ts';
import { ALT_MAX, type EditInput, MAX_MEDIA, type PostInput } from './post-schemas.ts';
import {
  checkText,
  countReply,
  erasePost,
  keepVersion,
  ownPost,
  type ResolvedText,
  resolveText,
  saveMentions,
  saveTags,
  uncountTags,
} from './post-writes.ts';
import { ReactionsService } from './reactions.ts';
import { indexPost } from './search.ts';
import { fanOutPost } from './timelines.ts';
import { isListed, visibleTo } from './visibility.ts';

/** An image sent with a new post, before it is checked. */
export interface MediaUpload {
  bytes: Uint8Array;
  alt: string;
}

export interface CreateOptions {
  /** Backdates the post (trusted callers: the demo, imports, a chat's clock). */
  at?: number;
  /** What the post comes with, for the post hooks (see post-hooks.ts). */
  occasion?: PostOccasion;
  /** Images already stored (a chat question's picture), attached after the uploads. */
  media?: StoredMedia[];
}

/** Who changes a post that stands for a linked object (see PostOccasion): the object's owner, naming it. */
export interface ChangeOptions {
  /** The id of the linked object the change comes from (an article editing or deleting its announcement). */
  linkedObject?: number;
}

/** A member's posting: writing, editing, deleting, replies and threads, boosts, likes and pins. */
export class PostsService {
  readonly #ctx: SocialContext;
  readonly #reactions: ReactionsService;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
    this.#reactions = new ReactionsService(ctx);
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /** Runs `hook` in the transaction of every new post, local or remote. */
  onCreate(hook: PostHook): void {
    this.#ctx.postHooks.add(hook);
  }

  /**
   * The posts behind `refs` as `reader` may see them, in order (see hydrate.ts), with what other
   * capabilities add to them (bookmarks, announced articles), in a fixed number of queries.
   */
  hydrate(who: { memberId: number; actorId: number } | null, refs: PostRef[], options: HydrateOptions = {}): Promise<PostView[]> {
    return hydratePosts(this.#ctx, who, refs, options);
  }

  /** One post as the viewer may see it; 404 when it does not exist for them. */
  async get(viewer: Viewer | null, id: number): Promise<PostView> {
    const [post] = await hydratePosts(this.#ctx, reader(viewer), [{ postId: id }]);
    if (!post || (await this.#isBoost(id))) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
    return post;
  }

  async #isBoost(id: number): Promise<boolean> {
    const row = await this.#db.selectFrom('posts').select('boost_of_id').where('id', '=', id).executeTakeFirst();
    return Boolean(row?.boost_of_id);
  }

  /**
   * Publishes a post (or a reply). Everything is checked before anything is stored; the post,
   * its hashtags, mentions, images, search entry, timeline entries and notifications are
   * written in one transaction, which the post hooks join.
   */
  async create(viewer: Viewer, input: PostInput, uploads: MediaUpload[] = [], options: CreateOptions = {}): Promise<PostView> {
    const issues: FieldIssue[] = [];
    const stored = options.media ?? [];
    const text = (input.text ?? '').replace(/\r\n?/g, '\n').trim();
    issues.push(
      ...checkText(this.#ctx.config.postMaxChars, text, uploads.length > 0 || stored.length > 0 || Boolean(input.mediaIds?.length)),
    );
    const attached = input.mediaIds?.length
      ? await this.#db
          .selectFrom('media')
          .select(['id', 'url'])
          .where('id', 'in', input.mediaIds)
          .where('member_id', '=', viewer.memberId)
          .where('post_id', 'is', null)
          .execute()
      : [];
    if (input.mediaIds && attached.length !== new Set(input.mediaIds).size) {
      issues.push({ path: 'mediaIds', message: 'Some media ids are unknown, not yours, or already used in a post.' });
    }
    if (uploads.length + stored.length + attached.length > MAX_MEDIA)
      issues.push({ path: 'media', message: `Attach at most ${MAX_MEDIA} images.` });
    uploads.slice(0, MAX_MEDIA).forEach((upload, i) => {
      if (upload.alt.length > ALT_MAX) issues.push({ path: `media.${i}.alt`, message: `Alt text can have at most ${ALT_MAX} characters.` });
    });
    const images: ProcessedImage[] = [];
    if (uploads.length <= MAX_MEDIA) {
      for (const [i, upload] of uploads.entries()) {
        if (upload.bytes.byteLength > this.#ctx.config.maxUploadBytes) {
          issues.push({
            path: `media.${i}.file`,
            message: `Image ${i + 1} is too large: the limit is ${Math.round(this.#ctx.config.maxUploadBytes / 1048576)} MB.`,
          });
          continue;
        }
        try {
          images.push(await processImage(upload.bytes, { field: `media.${i}.file`, maxSize: MEDIA_SIZE }));
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          issues.push(...error.issues.map((issue) => ({ ...issue, message: `Image ${i + 1}: ${issue.message}` })));
        }
      }
    }
    let resolved: ResolvedText | undefined;
    if (issues.length === 0) {
      try {
        resolved = await resolveText(this.#db, this.#ctx.config.baseUrl, text);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        issues.push(...error.issues);
      }
    }
    if (input.visibility === 'direct' && resolved && resolved.mentioned.size === 0) {
      issues.push({ path: 'text', message: 'A direct post needs at least one @mention of someone here to send it to.' });
    }
    let parent: { id: number; actor_id: number; thread_id: number | null } | undefined;
    if (input.replyToId !== undefined) {
      parent = await this.#db
        .selectFrom('posts')
        .select(['id', 'actor_id', 'thread_id'])
        .where('id', '=', input.replyToId)
        .where('boost_of_id', 'is', null)
        .where(visibleTo(reader(viewer), 'posts'))
        .executeTakeFirst();
      if (!parent) issues.push({ path: 'replyToId', message: 'The post you are replying to was deleted or is not visible to you.' });
    }
    if (issues.length > 0 || !resolved) throw UserError.invalid(issues, issues[0]?.message);

    // Files first: if the database write fails they are only orphans, never missing.
    const urls = await Promise.all(images.map((image) => this.#ctx.storage.put('media', image.extension, image.bytes)));
    const now = options.at ?? Date.now();
    const visibility = input.visibility ?? 'public';
    const occasion = options.occasion ?? null;
    const outcome = await this.#db.transaction().execute(async (tx) => {
      const post = await tx
        .insertInto('posts')
        .values({
          actor_id: viewer.actorId,
          text,
          html: resolved.html,
          content_warning: input.contentWarning || null,
          visibility,
          reply_to_id: parent?.id ?? null,
          reply_to_actor_id: parent?.actor_id ?? null,
          first_url: resolved.parsed.urls[0] ?? null,
          has_media: images.length + stored.length + (input.mediaIds?.length ?? 0) > 0 ? 1 : 0,
          local: 1,
          article_id: occasion?.kind === 'linked-object' ? occasion.objectId : null,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const threadId = parent ? (parent.thread_id ?? parent.id) : post.id;
      await tx.updateTable('posts').set({ thread_id: threadId }).where('id', '=', post.id).execute();
      const hashtagIds = await saveTags(tx, post.id, resolved.parsed.hashtags, visibility, now);
      await saveMentions(tx, post.id, resolved);
      const row = { id: post.id, memberId: viewer.memberId, createdAt: now };
      await insertMedia(
        tx,
        row,
        urls.map((url, position) => {
          const image = images[position]!;
          return { url, alt: uploads[position]!.alt.trim(), width: image.width, height: image.height, contentType: image.contentType };
        }),
      );
      await insertMedia(tx, row, stored, urls.length);
      for (const [i, id] of (input.mediaIds ?? []).entries()) {
        await tx
          .updateTable('media')
          .set({ post_id: post.id, position: urls.length + stored.length + i })
          .where('id', '=', id)
          .execute();
      }
      if (parent) await countReply(tx, parent.id);
      await adjustActorCounts(tx, viewer.actorId, { posts: 1, lastPostAt: now });
      await indexPost(tx, this.#ctx.database.dialect, post.id, text);
      const feeds = await fanOutPost(tx, {
        id: post.id,
        actorId: viewer.actorId,
        visibility,
        replyToActorId: parent?.actor_id ?? null,
        hashtagIds,
        mentionedActorIds: [...resolved.mentioned.values()],
      });
      const notices: NewNotification[] = [...resolved.mentioned.values()]
        .filter((actorId) => actorId !== parent?.actor_id)
        .map((actorId) => ({ recipientActorId: actorId, kind: 'mention', actorId: viewer.actorId, postId: post.id }));
      if (parent) notices.push({ recipientActorId: parent.actor_id, kind: 'reply', actorId: viewer.actorId, postId: post.id });
      const notified = await notify(tx, notices);
      const tags = resolved.parsed.hashtags.map((h) => h.slug);
      const created: NewPost = {
        id: post.id,
        actorId: viewer.actorId,
        text,
        visibility,
        replyToId: parent?.id ?? null,
        tags,
        createdAt: now,
        occasion,
      };
      const hookTopics = await this.#ctx.postHooks.run(tx, created);
      await this.#ctx.outbox.emit(tx, { type: 'post', postId: post.id });
      return { id: post.id, feeds, notified, tags, hookTopics };
    });

    const listedTopics = isListed(visibility) ? [...(parent ? [] : [topics.local]), ...outcome.tags.map(topics.tag)] : [];
    await this.#ctx.events.publish({
      topics: [...outcome.feeds, ...listedTopics, ...outcome.hookTopics],
      kind: 'post',
      data: { postId: outcome.id },
    });
    await announceNotifications(this.#ctx, outcome.notified);
    if (resolved.parsed.urls[0]) await this.#ctx.jobs.enqueue('social.card', { postId: outcome.id }, { dedupeKey: `card:${outcome.id}` });
    return this.get(viewer, outcome.id);
  }

  /** Edits text and content warning; the previous version is kept in the history. */
  async edit(viewer: Viewer, id: number, input: EditInput, options: ChangeOptions = {}): Promise<PostView> {
    const post = await ownPost(this.#db, viewer, id);
    if (post.article_id && post.article_id !== options.linkedObject)
      throw new UserError(409, 'announces_article', 'This post announces an article: edit the article, and the post follows.');
    const text = input.text.replace(/\r\n?/g, '\n').trim();
    const hasMedia = post.has_media === 1;
    const problems = checkText(this.#ctx.config.postMaxChars, text, hasMedia);
    if (problems.length) throw UserError.invalid(problems, problems[0]!.message);
    const resolved = await resolveText(this.#db, this.#ctx.config.baseUrl, text);
    if (post.visibility === 'direct' && resolved.mentioned.size === 0) {
      throw UserError.field('text', 'A direct post needs at least one @mention of someone here to send it to.');
    }
    const now = Date.now();
    // A different first link means a different preview card: drop the old one, fetch the new one.
    const firstUrl = resolved.parsed.urls[0] ?? null;
    const linkChanged = firstUrl !== post.first_url;
    const notified = await this.#db.transaction().execute(async (tx) => {
      await keepVersion(tx, post);
      await tx
        .updateTable('posts')
        .set({
          text,
          html: resolved.html,
          content_warning: input.contentWarning || null,
          first_url: firstUrl,
          edited_at: now,
          ...(linkChanged ? { card_id: null } : {}),
        })
        .where('id', '=', id)
        .execute();
      await uncountTags(tx, id);
      await saveTags(tx, id, resolved.parsed.hashtags, post.visibility, post.created_at);
      const previouslyMentioned = new Set(
        (await tx.selectFrom('mentions').select('actor_id').where('post_id', '=', id).execute()).map((m) => m.actor_id),
      );
      await saveMentions(tx, id, resolved);
      await indexPost(tx, this.#ctx.database.dialect, id, text);
      await this.#ctx.outbox.emit(tx, { type: 'edit', postId: id });
      return notify(
        tx,
        [...resolved.mentioned.values()]
          .filter((actorId) => !previouslyMentioned.has(actorId))
          .map((actorId) => ({ recipientActorId: actorId, kind: 'mention' as const, actorId: viewer.actorId, postId: id })),
      );
    });
    await announceNotifications(this.#ctx, notified);
    if (linkChanged && firstUrl) await this.#ctx.jobs.enqueue('social.card', { postId: id }, { dedupeKey: `card:${id}` });
    await this.#ctx.events.publish({ topics: [topics.postChanges], kind: 'update', data: { postId: id } });
    return this.get(viewer, id);
  }

  /** Earlier versions of a post, newest first (the current text is the post itself). */
  async history(
    viewer: Viewer | null,
    id: number,
  ): Promise<Array<{ text: string; html: string; contentWarning: string | null; at: number }>> {
    await this.get(viewer, id);
    const rows = await this.#db.selectFrom('post_edits').selectAll().where('post_id', '=', id).orderBy('id', 'desc').execute();
    return rows.map((r) => ({ text: r.text, html: r.html, contentWarning: r.content_warning, at: r.created_at }));
  }

  /** Deletes a post: its text goes, replies stay (the thread shows where it was), boosts go. */
  async delete(viewer: Viewer, id: number, options: ChangeOptions = {}): Promise<void> {
    const post = await this.#db.selectFrom('posts').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!post || post.boost_of_id) throw UserError.notFound('This post does not exist or was already deleted.');
    if (post.actor_id !== viewer.actorId && !viewer.isAdmin) throw UserError.forbidden('You can only delete your own posts.');
    if (post.article_id && post.actor_id === viewer.actorId && post.article_id !== options.linkedObject)
      throw new UserError(409, 'announces_article', 'This post announces an article: delete the article, and the post goes with it.');
    await erasePost(this.#ctx, post);
  }

  /** The whole conversation around a post: what it answers (oldest first), then replies in thread order. */
  async thread(
    viewer: Viewer | null,
    id: number,
  ): Promise<{ ancestors: PostView[]; post: PostView; descendants: Array<PostView & { depth: number }> }> {
    const post = await this.get(viewer, id);
    const rows = await this.#db
      .selectFrom('posts')
      .select(['id', 'reply_to_id', 'deleted_at'])
      .where('thread_id', '=', post.threadId)
      .where('boost_of_id', 'is', null)
      .orderBy('id')
      .limit(1000)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ancestorIds: number[] = [];
    for (let at = byId.get(id)?.reply_to_id; at && ancestorIds.length < 100; at = byId.get(at)?.reply_to_id) ancestorIds.unshift(at);
    const children = new Map<number, number[]>();
    for (const r of rows) if (r.reply_to_id) children.set(r.reply_to_id, [...(children.get(r.reply_to_id) ?? []), r.id]);
    const descendantIds: Array<{ id: number; depth: number }> = [];
    const walk = (parent: number, depth: number) => {
      for (const child of children.get(parent) ?? []) {
        descendantIds.push({ id: child, depth });
        walk(child, depth + 1);
      }
    };
    walk(id, 1);
    const views = await hydratePosts(
      this.#ctx,
      reader(viewer),
      [...ancestorIds, ...descendantIds.map((d) => d.id)].map((postId) => ({ postId })),
    );
    const visible = new Map(views.map((v) => [v.id, v]));
    return {
      ancestors: ancestorIds.flatMap((a) => (visible.has(a) ? [visible.get(a)!] : [])),
      post,
      descendants: descendantIds.flatMap((d) => (visible.has(d.id) ? [{ ...visible.get(d.id)!, depth: d.depth }] : [])),
    };
  }

  /** Shares someone's public or members-only post with your followers (see reactions.ts). */
  boost(viewer: Viewer, id: number): Promise<void> {
    return this.#reactions.boost(viewer, id);
  }

  unboost(viewer: Viewer, id: number): Promise<void> {
    return this.#reactions.unboost(viewer, id);
  }

  like(viewer: Viewer, id: number): Promise<void> {
    return this.#reactions.like(viewer, id);
  }

  unlike(viewer: Viewer, id: number): Promise<void> {
    return this.#reactions.unlike(viewer, id);
  }

  /** Features one of your posts on your profile (at most five). */
  pin(viewer: Viewer, id: number): Promise<void> {
    return this.#reactions.pin(viewer, id);
  }

  unpin(viewer: Viewer, id: number): Promise<void> {
    return this.#reactions.unpin(viewer, id);
  }
}
