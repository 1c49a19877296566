import { z } from 'zod';
import type { Queryable, Tx } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import { type FieldIssue, parseInput, UserError } from '../platform/errors.ts';
import { type ProcessedImage, processImage } from '../platform/images.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext, topics } from './context.ts';
import { hydratePosts, type PostRow, type PostView } from './hydrate.ts';
import { announceNotifications, type NewNotification, notify } from './notifications.ts';
import { indexPost } from './search.ts';
import { type ParsedText, parseText, renderHtml, textLength } from './text.ts';
import { fanOutBoost, fanOutPost } from './timelines.ts';
import { isBoostable, isListed, VISIBILITIES, visibleTo } from './visibility.ts';

export const MAX_MEDIA = 4;
export const ALT_MAX = 1500;
export const CW_MAX = 200;
export const PINS_MAX = 5;
const MEDIA_SIZE = 1600;

export const postInputSchema = z.strictObject({
  text: z.string().default(''),
  contentWarning: z.string().trim().max(CW_MAX, `A content warning can have at most ${CW_MAX} characters.`).optional(),
  visibility: z.enum(VISIBILITIES, { error: 'Choose who can see the post: public, members, followers or direct.' }).default('public'),
  replyToId: z.coerce.number().int().positive('Not a post id.').optional(),
  /** Images uploaded beforehand (POST /api/v1/media). */
  mediaIds: z.array(z.number().int().positive()).max(MAX_MEDIA, `Attach at most ${MAX_MEDIA} images.`).optional(),
});
export type PostInput = z.input<typeof postInputSchema>;

export const editInputSchema = z.strictObject({
  text: z.string(),
  contentWarning: z.string().trim().max(CW_MAX, `A content warning can have at most ${CW_MAX} characters.`).optional(),
});

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
  media: Array<{ url: string; alt: string; width: number | null; height: number | null; contentType: string }>;
  createdAt: number;
  context?: Record<string, unknown>;
}

/** An image sent with a new post, before it is checked. */
export interface MediaUpload {
  bytes: Uint8Array;
  alt: string;
}

interface ResolvedText {
  parsed: ParsedText;
  html: string;
  /** Mentioned accounts known here (acct → actor id). */
  mentioned: Map<string, number>;
}

/** A new post, as other capabilities see it inside the transaction that stores it. */
export interface NewPost {
  id: number;
  actorId: number;
  text: string;
  visibility: Visibility;
  replyToId: number | null;
  /** Hashtag slugs. */
  tags: string[];
  createdAt: number;
  /** What the caller passed as `options.context` (e.g. "this post asks chat question 12"). */
  context: Record<string, unknown>;
}

/**
 * Another capability joining a new post's transaction (chats link posts that carry their
 * hashtag). It may throw a UserError to refuse the post; it returns extra live-event topics.
 */
export type PostHook = (tx: Tx, post: NewPost) => Promise<string[]>;

/** Posting, editing, deleting, replies and threads, boosts, likes and pins. */
export class PostsService {
  readonly #ctx: SocialContext;
  readonly #hooks: PostHook[] = [];

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /** Runs `hook` in the transaction of every new post. */
  onCreate(hook: PostHook): void {
    this.#hooks.push(hook);
  }

  /** One post as the viewer may see it; 404 when it does not exist for them. */
  async get(viewer: Viewer | null, id: number): Promise<PostView> {
    const [post] = await hydratePosts(this.#db, this.#ctx.config.baseUrl, reader(viewer), [{ postId: id }]);
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
   * written in one transaction. `options.at` backdates it (trusted callers: demo, imports);
   * `options.context` travels to the post hooks.
   */
  async create(
    viewer: Viewer,
    raw: unknown,
    uploads: MediaUpload[] = [],
    options: { at?: number; context?: Record<string, unknown> } = {},
  ): Promise<PostView> {
    const issues: FieldIssue[] = [];
    let input: z.infer<typeof postInputSchema> | undefined;
    try {
      input = parseInput(postInputSchema, raw);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      issues.push(...error.issues);
    }
    const text = (input?.text ?? '').replace(/\r\n?/g, '\n').trim();
    issues.push(...this.#checkText(text, uploads.length > 0 || Boolean(input?.mediaIds?.length)));
    const attached = input?.mediaIds?.length
      ? await this.#db
          .selectFrom('media')
          .select(['id', 'url'])
          .where('id', 'in', input.mediaIds)
          .where('member_id', '=', viewer.memberId)
          .where('post_id', 'is', null)
          .execute()
      : [];
    if (input?.mediaIds && attached.length !== new Set(input.mediaIds).size) {
      issues.push({ path: 'mediaIds', message: 'Some media ids are unknown, not yours, or already used in a post.' });
    }
    if (uploads.length + attached.length > MAX_MEDIA) issues.push({ path: 'media', message: `Attach at most ${MAX_MEDIA} images.` });
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
        resolved = await this.#resolve(text);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        issues.push(...error.issues);
      }
    }
    if (input?.visibility === 'direct' && resolved && resolved.mentioned.size === 0) {
      issues.push({ path: 'text', message: 'A direct post needs at least one @mention of someone here to send it to.' });
    }
    let parent: { id: number; actor_id: number; thread_id: number | null } | undefined;
    if (input?.replyToId !== undefined) {
      parent = await this.#db
        .selectFrom('posts')
        .select(['id', 'actor_id', 'thread_id'])
        .where('id', '=', input.replyToId)
        .where('boost_of_id', 'is', null)
        .where(visibleTo(reader(viewer), 'posts'))
        .executeTakeFirst();
      if (!parent) issues.push({ path: 'replyToId', message: 'The post you are replying to was deleted or is not visible to you.' });
    }
    if (issues.length > 0 || !input || !resolved) throw UserError.invalid(issues, issues[0]?.message);

    // Files first: if the database write fails they are only orphans, never missing.
    const stored = await Promise.all(images.map((image) => this.#ctx.storage.put('media', image.extension, image.bytes)));
    const now = options.at ?? Date.now();
    const visibility = input.visibility;
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
          has_media: images.length + (input.mediaIds?.length ?? 0) > 0 ? 1 : 0,
          local: 1,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const threadId = parent ? (parent.thread_id ?? parent.id) : post.id;
      await tx.updateTable('posts').set({ thread_id: threadId }).where('id', '=', post.id).execute();
      const hashtagIds = await this.#saveTags(tx, post.id, resolved.parsed.hashtags, visibility, now);
      await this.#saveMentions(tx, post.id, resolved);
      for (const [position, url] of stored.entries()) {
        const image = images[position]!;
        await tx
          .insertInto('media')
          .values({
            member_id: viewer.memberId,
            post_id: post.id,
            position,
            url,
            alt: uploads[position]!.alt.trim(),
            width: image.width,
            height: image.height,
            content_type: image.contentType,
            created_at: now,
          })
          .execute();
      }
      for (const [i, id] of (input.mediaIds ?? []).entries()) {
        await tx
          .updateTable('media')
          .set({ post_id: post.id, position: stored.length + i })
          .where('id', '=', id)
          .execute();
      }
      if (parent)
        await tx
          .updateTable('posts')
          .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
          .where('id', '=', parent.id)
          .execute();
      await tx
        .updateTable('actors')
        .set((eb) => ({ posts_count: eb('posts_count', '+', 1), last_post_at: now }))
        .where('id', '=', viewer.actorId)
        .execute();
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
        context: options.context ?? {},
      };
      const hookTopics: string[] = [];
      for (const hook of this.#hooks) hookTopics.push(...(await hook(tx, created)));
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

  #checkText(text: string, hasMedia: boolean): FieldIssue[] {
    const max = this.#ctx.config.postMaxChars;
    if (!text && !hasMedia) return [{ path: 'text', message: 'Write something (or attach an image) before posting.' }];
    const length = textLength(text);
    if (length > max) return [{ path: 'text', message: `A post can have at most ${max} characters; this one has ${length}.` }];
    return [];
  }

  /** Parses the text, resolves @mentions of known accounts (unknown members are an error), renders HTML. */
  async #resolve(text: string): Promise<ResolvedText> {
    const parsed = parseText(text);
    const ourHost = new URL(this.#ctx.config.baseUrl).host.toLowerCase();
    const localAcct = (acct: string) => (acct.endsWith(`@${ourHost}`) ? acct.slice(0, -ourHost.length - 1) : acct);
    const wanted = parsed.mentions.map((m) => localAcct(m.acct));
    const rows = wanted.length
      ? await this.#db
          .selectFrom('actors')
          .leftJoin('members', 'members.actor_id', 'actors.id')
          .select(['actors.id', 'actors.acct', 'actors.handle', 'actors.domain', 'actors.url', 'members.suspended_at'])
          .where('actors.acct', 'in', wanted)
          .execute()
      : [];
    const known = new Map(rows.filter((r) => !r.suspended_at).map((r) => [r.acct, r]));
    const unknown = parsed.mentions.filter((m) => !m.host || m.host === ourHost).filter((m) => !known.has(localAcct(m.acct)));
    if (unknown.length > 0) {
      throw UserError.field(
        'text',
        `There is no member ${unknown.map((m) => `@${m.handle}`).join(', ')} here. Check the spelling of the handle.`,
      );
    }
    const mentioned = new Map<string, number>();
    for (const m of parsed.mentions) {
      const actor = known.get(localAcct(m.acct));
      if (actor) mentioned.set(m.acct, actor.id);
    }
    const baseUrl = this.#ctx.config.baseUrl;
    const html = renderHtml(parsed.tokens, {
      baseUrl,
      mention: (acct) => {
        const actor = known.get(localAcct(acct));
        if (!actor) return null;
        return actor.domain === null
          ? { url: `${baseUrl}/@${actor.handle}`, label: `@${actor.handle}` }
          : { url: actor.url ?? `${baseUrl}/@${actor.acct}`, label: `@${actor.handle}` };
      },
    });
    return { parsed, html, mentioned };
  }

  async #saveTags(tx: Tx, postId: number, hashtags: ParsedText['hashtags'], visibility: Visibility, now: number): Promise<number[]> {
    await tx.deleteFrom('post_hashtags').where('post_id', '=', postId).execute();
    if (hashtags.length === 0) return [];
    await tx
      .insertInto('hashtags')
      .values(hashtags.map((h) => ({ slug: h.slug, name: h.name, created_at: now })))
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
    const tags = await tx
      .selectFrom('hashtags')
      .select(['id'])
      .where(
        'slug',
        'in',
        hashtags.map((h) => h.slug),
      )
      .execute();
    const listed = isListed(visibility) ? 1 : 0;
    await tx
      .insertInto('post_hashtags')
      .values(tags.map((t) => ({ hashtag_id: t.id, post_id: postId, listed, created_at: now })))
      .execute();
    if (listed)
      await tx
        .updateTable('hashtags')
        .set((eb) => ({ post_count: eb('post_count', '+', 1) }))
        .where(
          'id',
          'in',
          tags.map((t) => t.id),
        )
        .execute();
    return tags.map((t) => t.id);
  }

  async #saveMentions(tx: Tx, postId: number, resolved: ResolvedText): Promise<void> {
    await tx.deleteFrom('mentions').where('post_id', '=', postId).execute();
    if (resolved.parsed.mentions.length === 0) return;
    await tx
      .insertInto('mentions')
      .values(resolved.parsed.mentions.map((m) => ({ post_id: postId, acct: m.acct, actor_id: resolved.mentioned.get(m.acct) ?? null })))
      .execute();
  }

  /** Uploads an image for a post written next (the API's two-step way); unused uploads are removed after a day. */
  async uploadMedia(
    viewer: Viewer,
    bytes: Uint8Array,
    alt: string,
  ): Promise<{ id: number; url: string; alt: string; width: number; height: number }> {
    if (alt.length > ALT_MAX) throw UserError.field('alt', `Alt text can have at most ${ALT_MAX} characters.`);
    if (bytes.byteLength > this.#ctx.config.maxUploadBytes) {
      throw UserError.field(
        'file',
        `The image is too large: the limit is ${Math.round(this.#ctx.config.maxUploadBytes / 1048576)} MB.`,
        413,
        'too_large',
      );
    }
    const image = await processImage(bytes, { field: 'file', maxSize: MEDIA_SIZE });
    const url = await this.#ctx.storage.put('media', image.extension, image.bytes);
    const row = await this.#db
      .insertInto('media')
      .values({
        member_id: viewer.memberId,
        post_id: null,
        url,
        alt: alt.trim(),
        width: image.width,
        height: image.height,
        content_type: image.contentType,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, url, alt: alt.trim(), width: image.width, height: image.height };
  }

  /** Changes the alt text of your image (attached or not). */
  async describeMedia(viewer: Viewer, id: number, alt: string): Promise<void> {
    if (alt.length > ALT_MAX) throw UserError.field('alt', `Alt text can have at most ${ALT_MAX} characters.`);
    const updated = await this.#db
      .updateTable('media')
      .set({ alt: alt.trim() })
      .where('id', '=', id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw UserError.notFound('There is no such image of yours.');
  }

  /** Removes uploads never attached to a post (a recurring job). */
  async removeUnusedMedia(olderThanMs = 86_400_000): Promise<number> {
    const rows = await this.#db
      .selectFrom('media')
      .select(['id', 'url'])
      .where('post_id', 'is', null)
      .where('created_at', '<', Date.now() - olderThanMs)
      .execute();
    for (const row of rows) {
      await this.#db.deleteFrom('media').where('id', '=', row.id).execute();
      await this.#ctx.storage.delete(row.url);
    }
    return rows.length;
  }

  /** The author's own, undeleted, original post, or 404/403. */
  async #ownPost(viewer: Viewer, id: number, db: Queryable = this.#db) {
    const post = await db
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .where('boost_of_id', 'is', null)
      .executeTakeFirst();
    if (!post) throw UserError.notFound('This post does not exist or was deleted.');
    if (post.actor_id !== viewer.actorId) throw UserError.forbidden('You can only change your own posts.');
    return post;
  }

  /** Edits text and content warning; the previous version is kept in the history. */
  async edit(viewer: Viewer, id: number, raw: unknown, options: { fromArticle?: boolean } = {}): Promise<PostView> {
    const input = parseInput(editInputSchema, raw);
    const post = await this.#ownPost(viewer, id);
    if (post.article_id && !options.fromArticle)
      throw new UserError(409, 'announces_article', 'This post announces an article: edit the article, and the post follows.');
    const text = input.text.replace(/\r\n?/g, '\n').trim();
    const hasMedia = post.has_media === 1;
    const problems = this.#checkText(text, hasMedia);
    if (problems.length) throw UserError.invalid(problems, problems[0]!.message);
    const resolved = await this.#resolve(text);
    if (post.visibility === 'direct' && resolved.mentioned.size === 0) {
      throw UserError.field('text', 'A direct post needs at least one @mention of someone here to send it to.');
    }
    const now = Date.now();
    // A different first link means a different preview card: drop the old one, fetch the new one.
    const firstUrl = resolved.parsed.urls[0] ?? null;
    const linkChanged = firstUrl !== post.first_url;
    const notified = await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('post_edits')
        .values({
          post_id: id,
          text: post.text,
          html: post.html,
          content_warning: post.content_warning,
          created_at: post.edited_at ?? post.created_at,
        })
        .execute();
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
      const before = await tx.selectFrom('post_hashtags').select('hashtag_id').where('post_id', '=', id).where('listed', '=', 1).execute();
      if (before.length)
        await tx
          .updateTable('hashtags')
          .set((eb) => ({ post_count: eb('post_count', '-', 1) }))
          .where(
            'id',
            'in',
            before.map((b) => b.hashtag_id),
          )
          .execute();
      await this.#saveTags(tx, id, resolved.parsed.hashtags, post.visibility, post.created_at);
      const previouslyMentioned = new Set(
        (await tx.selectFrom('mentions').select('actor_id').where('post_id', '=', id).execute()).map((m) => m.actor_id),
      );
      await this.#saveMentions(tx, id, resolved);
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
  async delete(viewer: Viewer, id: number, options: { fromArticle?: boolean } = {}): Promise<void> {
    const post = await this.#db.selectFrom('posts').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!post || post.boost_of_id) throw UserError.notFound('This post does not exist or was already deleted.');
    if (post.actor_id !== viewer.actorId && !viewer.isAdmin) throw UserError.forbidden('You can only delete your own posts.');
    if (post.article_id && post.actor_id === viewer.actorId && !options.fromArticle)
      throw new UserError(409, 'announces_article', 'This post announces an article: delete the article, and the post goes with it.');
    await this.#erase(post);
  }

  /** Empties a post (kept as a tombstone in its thread), removes its boosts, media, tags and entries. */
  async #erase(post: PostRow): Promise<void> {
    const id = post.id;
    const media = await this.#db.selectFrom('media').select('url').where('post_id', '=', id).execute();
    const mentioned = await this.#db
      .selectFrom('mentions')
      .select('actor_id')
      .where('post_id', '=', id)
      .where('actor_id', 'is not', null)
      .execute();
    await this.#db.transaction().execute(async (tx) => {
      if (post.local) {
        const mentionedActorIds = mentioned.map((m) => m.actor_id!);
        await this.#ctx.outbox.emit(tx, {
          type: 'delete',
          postId: id,
          actorId: post.actor_id,
          visibility: post.visibility,
          mentionedActorIds,
        });
      }
      await tx
        .updateTable('posts')
        .set({ deleted_at: Date.now(), text: '', html: '', content_warning: null, card_id: null })
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('posts').where('boost_of_id', '=', id).execute();
      await tx.deleteFrom('timeline_entries').where('post_id', '=', id).execute();
      const tags = await tx.selectFrom('post_hashtags').select('hashtag_id').where('post_id', '=', id).where('listed', '=', 1).execute();
      if (tags.length)
        await tx
          .updateTable('hashtags')
          .set((eb) => ({ post_count: eb('post_count', '-', 1) }))
          .where(
            'id',
            'in',
            tags.map((t) => t.hashtag_id),
          )
          .execute();
      await tx.deleteFrom('post_hashtags').where('post_id', '=', id).execute();
      await tx.deleteFrom('media').where('post_id', '=', id).execute();
      await tx.deleteFrom('pins').where('post_id', '=', id).execute();
      await tx.deleteFrom('notifications').where('post_id', '=', id).execute();
      await tx.deleteFrom('post_edits').where('post_id', '=', id).execute();
      if (post.reply_to_id)
        await tx
          .updateTable('posts')
          .set((eb) => ({ reply_count: eb('reply_count', '-', 1) }))
          .where('id', '=', post.reply_to_id)
          .execute();
      await tx
        .updateTable('actors')
        .set((eb) => ({ posts_count: eb('posts_count', '-', 1) }))
        .where('id', '=', post.actor_id)
        .execute();
      await indexPost(tx, this.#ctx.database.dialect, id, null);
    });
    for (const m of media) await this.#ctx.storage.delete(m.url);
    // Who could have seen it travels with the event, so that only they hear of the deletion.
    const audience = { visibility: post.visibility, authorId: post.actor_id, mentioned: mentioned.map((m) => m.actor_id!) };
    await this.#ctx.events.publish({ topics: [topics.postChanges], kind: 'delete', data: { postId: id, ...audience } });
  }

  // ---- what remote servers tell us (federation calls these) ---------------------------------

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
      const hashtagIds = await this.#saveTags(tx, post.id, input.hashtags, input.visibility, input.createdAt);
      if (input.mentions.length) {
        await tx
          .insertInto('mentions')
          .values(input.mentions.map((m) => ({ post_id: post.id, acct: m.acct, actor_id: m.actorId })))
          .execute();
      }
      for (const [position, m] of input.media.entries()) {
        await tx
          .insertInto('media')
          .values({
            member_id: null,
            post_id: post.id,
            position,
            url: m.url,
            alt: m.alt,
            width: m.width,
            height: m.height,
            content_type: m.contentType,
            created_at: input.createdAt,
          })
          .execute();
      }
      if (parent)
        await tx
          .updateTable('posts')
          .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
          .where('id', '=', parent.id)
          .execute();
      await tx
        .updateTable('actors')
        .set((eb) => ({ posts_count: eb('posts_count', '+', 1), last_post_at: input.createdAt }))
        .where('id', '=', actorId)
        .execute();
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
        context: input.context ?? {},
      };
      const hookTopics: string[] = [];
      for (const hook of this.#hooks) hookTopics.push(...(await hook(tx, created)));
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
      await tx
        .insertInto('post_edits')
        .values({
          post_id: post.id,
          text: post.text,
          html: post.html,
          content_warning: post.content_warning,
          created_at: post.edited_at ?? post.created_at,
        })
        .execute();
      await tx
        .updateTable('posts')
        .set({ text: input.text, html: input.html, content_warning: input.contentWarning, edited_at: at })
        .where('id', '=', post.id)
        .execute();
      const before = await tx
        .selectFrom('post_hashtags')
        .select('hashtag_id')
        .where('post_id', '=', post.id)
        .where('listed', '=', 1)
        .execute();
      if (before.length)
        await tx
          .updateTable('hashtags')
          .set((eb) => ({ post_count: eb('post_count', '-', 1) }))
          .where(
            'id',
            'in',
            before.map((b) => b.hashtag_id),
          )
          .execute();
      await this.#saveTags(tx, post.id, input.hashtags, post.visibility, post.created_at);
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
      await this.#removeBoost(actorId, post.boost_of_id);
      return true;
    }
    await this.#erase(post);
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
    await this.#removeBoost(actorId, boost.boost_of_id);
    return true;
  }

  async #removeBoost(actorId: number, postId: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      const removed = await tx.deleteFrom('posts').where('boost_of_id', '=', postId).where('actor_id', '=', actorId).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return;
      await tx
        .updateTable('posts')
        .set((eb) => ({ boost_count: eb('boost_count', '-', 1) }))
        .where('id', '=', postId)
        .execute();
    });
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
    const who = reader(viewer);
    const views = await hydratePosts(
      this.#db,
      this.#ctx.config.baseUrl,
      who,
      [...ancestorIds, ...descendantIds.map((d) => d.id)].map((postId) => ({ postId })),
    );
    const visible = new Map(views.map((v) => [v.id, v]));
    return {
      ancestors: ancestorIds.flatMap((a) => (visible.has(a) ? [visible.get(a)!] : [])),
      post,
      descendants: descendantIds.flatMap((d) => (visible.has(d.id) ? [{ ...visible.get(d.id)!, depth: d.depth }] : [])),
    };
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
    const post = await this.#ownPost(viewer, id);
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

/** A post id from a URL segment, or 404. */
export function postId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such post.');
  return id;
}
