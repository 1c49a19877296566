import { adjustActorCounts } from '../accounts/index.ts';
import type { Queryable, Tx } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import { type FieldIssue, UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type SocialContext, topics } from './context.ts';
import type { PostRow } from './hydrate.ts';
import { indexPost } from './search.ts';
import { type ParsedText, parseText, renderHtml, textLength } from './text.ts';
import { isListed } from './visibility.ts';

/**
 * The steps local posting (posts.ts) and receiving remote posts (remote-posts.ts) share: checking
 * and resolving text, storing hashtags and mentions, and erasing a post.
 */

export interface ResolvedText {
  parsed: ParsedText;
  html: string;
  /** Mentioned accounts known here (acct → actor id). */
  mentioned: Map<string, number>;
}

/** A post's text is there (or an image is) and not too long. */
export function checkText(maxChars: number, text: string, hasMedia: boolean): FieldIssue[] {
  if (!text && !hasMedia) return [{ path: 'text', message: 'Write something (or attach an image) before posting.' }];
  const length = textLength(text);
  if (length > maxChars) return [{ path: 'text', message: `A post can have at most ${maxChars} characters; this one has ${length}.` }];
  return [];
}

/** Parses the text, resolves @mentions of known accounts (unknown members are an error), renders HTML. */
export async function resolveText(db: Queryable, baseUrl: string, text: string): Promise<ResolvedText> {
  const parsed = parseText(text);
  const ourHost = new URL(baseUrl).host.toLowerCase();
  const localAcct = (acct: string) => (acct.endsWith(`@${ourHost}`) ? acct.slice(0, -ourHost.length - 1) : acct);
  const wanted = parsed.mentions.map((m) => localAcct(m.acct));
  const rows = wanted.length
    ? await db
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

/** Stores a post's hashtags (creating new ones) and counts it on the listed ones; returns their ids. */
export async function saveTags(
  tx: Tx,
  postId: number,
  hashtags: ParsedText['hashtags'],
  visibility: Visibility,
  now: number,
): Promise<number[]> {
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

/** Takes an edited post off the counts of its listed hashtags, before `saveTags` stores its new ones. */
export async function uncountTags(tx: Tx, postId: number): Promise<void> {
  const before = await tx.selectFrom('post_hashtags').select('hashtag_id').where('post_id', '=', postId).where('listed', '=', 1).execute();
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
}

export async function saveMentions(tx: Tx, postId: number, resolved: ResolvedText): Promise<void> {
  await tx.deleteFrom('mentions').where('post_id', '=', postId).execute();
  if (resolved.parsed.mentions.length === 0) return;
  await tx
    .insertInto('mentions')
    .values(resolved.parsed.mentions.map((m) => ({ post_id: postId, acct: m.acct, actor_id: resolved.mentioned.get(m.acct) ?? null })))
    .execute();
}

/** Keeps the current version of a post in its history before it changes. */
export async function keepVersion(tx: Tx, post: PostRow): Promise<void> {
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
}

/** Undoes `actorId`'s boost of a post (a member's unboost goes through posts.ts, which tells other servers). */
export async function removeBoost(db: Queryable, actorId: number, postId: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const removed = await tx.deleteFrom('posts').where('boost_of_id', '=', postId).where('actor_id', '=', actorId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return;
    await tx
      .updateTable('posts')
      .set((eb) => ({ boost_count: eb('boost_count', '-', 1) }))
      .where('id', '=', postId)
      .execute();
  });
}

/** Empties a post (kept as a tombstone in its thread), removes its boosts, media, tags and entries. */
export async function erasePost(ctx: SocialContext, post: PostRow): Promise<void> {
  const db = ctx.database.db;
  const id = post.id;
  const media = await db.selectFrom('media').select('url').where('post_id', '=', id).execute();
  const mentioned = await db
    .selectFrom('mentions')
    .select('actor_id')
    .where('post_id', '=', id)
    .where('actor_id', 'is not', null)
    .execute();
  await db.transaction().execute(async (tx) => {
    if (post.local) {
      const mentionedActorIds = mentioned.map((m) => m.actor_id!);
      await ctx.outbox.emit(tx, {
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
    await uncountTags(tx, id);
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
    await adjustActorCounts(tx, post.actor_id, { posts: -1 });
    await indexPost(tx, ctx.database.dialect, id, null);
  });
  for (const m of media) await ctx.storage.delete(m.url);
  // Who could have seen it travels with the event, so that only they hear of the deletion.
  const audience = { visibility: post.visibility, authorId: post.actor_id, mentioned: mentioned.map((m) => m.actor_id!) };
  await ctx.events.publish({ topics: [topics.postChanges], kind: 'delete', data: { postId: id, ...audience } });
}

/** Adds one to the replies of the post answered. */
export async function countReply(tx: Tx, parentId: number): Promise<void> {
  await tx
    .updateTable('posts')
    .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
    .where('id', '=', parentId)
    .execute();
}

/** The author's own, undeleted, original post (to edit or pin), or 404/403. */
export async function ownPost(db: Queryable, viewer: Viewer, id: number): Promise<PostRow> {
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
