import type { Context, Federation } from '@fedify/fedify';
import {
  Accept,
  type Activity,
  Announce,
  Article,
  Block,
  Create,
  Delete,
  Document,
  EmojiReact,
  Flag,
  Follow,
  Hashtag,
  Image,
  isActor,
  Like,
  Mention,
  Note,
  Page,
  PUBLIC_COLLECTION,
  Question,
  Reject,
  Undo,
  Update,
  Video,
} from '@fedify/vocab';
import { passionSlug } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { escapeHtml, htmlToText, sanitizeHtml } from '../platform/sanitize.ts';
import type { RemotePost, SocialService } from '../social/index.ts';
import { parseText } from '../social/index.ts';
import type { ActorRow, RemoteActors } from './actors.ts';
import { SITE_ACTOR } from './federation.ts';
import type { MediaProxy } from './media.ts';
import type { Outgoing } from './outbox.ts';
import type { Reports } from './reports.ts';

export interface InboxDeps {
  database: Database;
  social: SocialService;
  actors: RemoteActors;
  media: MediaProxy;
  outgoing: Outgoing;
  reports: Reports;
  logger: Logger;
  baseUrl: string;
  /** Whether a subscribed relay delivered this activity (a Mastodon-style relay forwards activities as they came; see relayed.ts). */
  relayed(activityId: string): Promise<boolean>;
}

export type PostObject = Note | Article | Page | Question;
const isPostObject = (o: unknown): o is PostObject =>
  o instanceof Note || o instanceof Article || o instanceof Page || o instanceof Question;
const PUBLIC_IDS = new Set([PUBLIC_COLLECTION.href, 'as:Public', 'Public']);
/** Remote actor documents younger than this are used from the database instead of fetched again. */
const ACTOR_FRESH_MS = 24 * 3600_000;
/** How far up a thread we read posts we lack when a reply arrives (Mastodon reads one level). */
const MAX_ANCESTORS = 3;

/**
 * What other servers send us. Fedify has verified the HTTP signature (or object proof) and that
 * the key belongs to the activity's actor; here we check the rest: the domain is not blocked,
 * an actor only creates, edits and deletes its own objects, and a post is something a member
 * asked for (they follow its author, it mentions or answers them, it is addressed to a chat,
 * or a relay the admin subscribed to brought it).
 */
export function registerInbox(federation: Federation<void>, deps: InboxDeps): { receivePost: ReceivePost } {
  const { database, social, actors, logger, baseUrl } = deps;
  const db = database.db;
  const log = logger.child({ component: 'federation.inbox' });
  const ourOrigin = new URL(baseUrl).origin;

  /** The activity's actor, stored; null (and a log line) when it must be ignored. */
  const senderOf = async (ctx: Context<void>, activity: Activity): Promise<ActorRow | null> => {
    const id = activity.actorId;
    if (!id) return null;
    if ((await actors.moderation(id.host)) === 'block') {
      log.info({ actor: id.href, type: activity.constructor.name }, 'ignored an activity from a blocked domain');
      return null;
    }
    await actors.seen(id.host, true);
    const known = await actors.byUri(id.href);
    if (known && Date.now() - known.updated_at < ACTOR_FRESH_MS) return known;
    const actor = await activity.getActor({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true });
    if (!actor || !isActor(actor) || actor.id?.href !== id.href) {
      if (known) return known;
      log.warn({ actor: id.href }, 'could not read the actor of an activity');
      return null;
    }
    return actors.save(actor);
  };

  /** Local actor (member or group) behind one of our URIs. */
  const localTarget = (ctx: Context<void>, uri: URL | null) => {
    if (!uri || uri.origin !== ourOrigin) return null;
    const parsed = ctx.parseUri(uri);
    return parsed?.type === 'actor' ? parsed.identifier : null;
  };

  const memberActorId = async (handle: string) =>
    (
      await db
        .selectFrom('actors')
        .innerJoin('members', 'members.actor_id', 'actors.id')
        .select('actors.id')
        .where('actors.handle', '=', handle)
        .where('actors.domain', 'is', null)
        .executeTakeFirst()
    )?.id ?? null;

  /** Our post behind a URI (local `/users/<h>/posts/<id>` or a stored remote post's id). */
  const postIdOf = async (ctx: Context<void>, uri: URL | null): Promise<number | null> => {
    if (!uri) return null;
    if (uri.origin === ourOrigin) {
      const parsed = ctx.parseUri(uri);
      return parsed?.type === 'object' && parsed.class === Note ? Number(parsed.values.id) || null : null;
    }
    const row = await db.selectFrom('posts').select('id').where('uri', '=', uri.href).where('boost_of_id', 'is', null).executeTakeFirst();
    return row?.id ?? null;
  };

  const isRelay = async (actor: ActorRow) =>
    Boolean(
      await db.selectFrom('relays').select('id').where('actor_uri', '=', actor.uri).where('state', '=', 'accepted').executeTakeFirst(),
    );

  /** A post's hashtags and mentions (from `tag`): read first, to decide whether the post is wanted at all. */
  const readTags = async (ctx: Context<void>, object: PostObject) => {
    const hashtags = new Map<string, { name: string; slug: string }>();
    const mentions: Mention[] = [];
    for await (const tag of object.getTags({ documentLoader: ctx.documentLoader, suppressError: true })) {
      if (tag instanceof Hashtag && tag.name) {
        const name = String(tag.name).replace(/^#/, '');
        const slug = passionSlug(name);
        if (slug && slug.length <= 100) hashtags.set(slug, { name, slug });
      } else if (tag instanceof Mention && tag.href) mentions.push(tag);
    }
    return { hashtags, mentions };
  };

  /** A post's sanitised HTML, text and content warning; hashtags written in the text join those from `tag`. */
  const readBody = (object: PostObject, tags: Map<string, { name: string; slug: string }>) => {
    const hashtags = new Map(tags);
    const longForm = object instanceof Page || object instanceof Article;
    const name = longForm ? String(object.name ?? '') : '';
    const summary = object.summary ? htmlToText(String(object.summary)) : '';
    // A Note's summary is its content warning; an article's is its summary, shown under the title, unless it is marked sensitive.
    const warning = summary && (!longForm || object.sensitive === true) ? summary : '';
    const lead = longForm && summary && !warning ? `<p><em>${escapeHtml(summary)}</em></p>` : '';
    const rawHtml = `${name ? `<p><strong>${name.replace(/</g, '&lt;')}</strong></p>` : ''}${lead}${String(object.content ?? '')}`;
    const html = sanitizeHtml(rawHtml, { baseUrl: object.url instanceof URL ? object.url.href : object.id?.href });
    const text = htmlToText(html);
    for (const tag of parseText(text).hashtags) if (!hashtags.has(tag.slug)) hashtags.set(tag.slug, tag);
    const contentWarning = warning.slice(0, 200) || null;
    return { html, text, contentWarning, hashtags: [...hashtags.values()].slice(0, 50) };
  };

  /** A post we do not have yet, read from its own server, with its author (stored); null if it is no post or its server is blocked. */
  const readRemotePost = async (ctx: Context<void>, object: unknown): Promise<{ author: ActorRow; post: PostObject } | null> => {
    const inner = object instanceof Create ? await object.getObject(fetchOptions(ctx)) : object;
    if (!isPostObject(inner) || !inner.attributionId) return null;
    const authorDoc = await inner.getAttribution(fetchOptions(ctx));
    if (!authorDoc || !isActor(authorDoc) || (await actors.moderation(authorDoc.id!.host)) === 'block') return null;
    return { author: await actors.save(authorDoc), post: inner };
  };

  /**
   * Stores a remote post when a member asked for it; returns its id or null. `relayed` posts
   * (brought by a relay) are kept only when public and the author's domain is not silenced.
   */
  const receivePost: ReceivePost = async (ctx, author, object, options = {}) => {
    const id = object.id;
    if (!id) return null;
    if (id.origin !== new URL(author.uri!).origin || (object.attributionId && object.attributionId.href !== author.uri)) {
      log.warn({ actor: author.uri, object: id.href }, 'refused a post: an actor can only publish its own objects');
      return null;
    }
    const known = await db.selectFrom('posts').select('id').where('uri', '=', id.href).executeTakeFirst();
    if (known) return known.id;
    const addressed = [...object.toIds, ...object.ccIds, ...object.btoIds, ...object.bccIds];
    const isPublic = addressed.some((u) => PUBLIC_IDS.has(u.href));
    const visibility: Visibility = isPublic
      ? 'public'
      : addressed.some((u) => u.href.endsWith('/followers') || u.href === `${author.uri}/followers`)
        ? 'followers'
        : 'direct';

    const tags = await readTags(ctx, object);
    const mentions: RemotePost['mentions'] = [];
    const chatSeries = new Set<string>();
    for (const tag of tags.mentions) {
      const href = tag.href!;
      const identifier = localTarget(ctx, href);
      if (identifier?.startsWith('chat.')) chatSeries.add(identifier.slice(5));
      else if (identifier && identifier !== SITE_ACTOR) {
        const actorId = await memberActorId(identifier);
        if (actorId) mentions.push({ acct: identifier.toLowerCase(), actorId });
      } else if (!identifier) {
        const remote = await actors.byUri(href.href);
        mentions.push({
          acct:
            remote?.acct ??
            String(tag.name ?? href.href)
              .replace(/^@/, '')
              .toLowerCase()
              .slice(0, 300),
          actorId: remote?.id ?? null,
        });
      }
    }
    for (const uri of addressed) {
      const identifier = localTarget(ctx, uri);
      if (identifier?.startsWith('chat.')) chatSeries.add(identifier.slice(5));
    }

    let replyToId = await postIdOf(ctx, object.replyTargetId);
    const mentionsLocal = mentions.some((m) => m.actorId !== null && !m.acct.includes('@'));
    const followed = await followedLocally(author.id);
    const silenced = (await actors.moderation(author.domain!)) === 'silence';
    const ancestors = options.ancestors ?? 0;
    const wanted =
      followed ||
      mentionsLocal ||
      replyToId !== null ||
      chatSeries.size > 0 ||
      ((options.relayed || options.backfill) && isPublic && !silenced) ||
      (ancestors > 0 && visibility !== 'direct');
    if (!wanted) {
      log.debug({ actor: author.uri, object: id.href }, 'ignored a post nobody here asked for');
      return null;
    }
    // A reply to a post we do not have: read the post it answers (and its parents, a few levels up), so the thread reads whole.
    if (replyToId === null && object.replyTargetId && object.replyTargetId.origin !== ourOrigin && ancestors < MAX_ANCESTORS) {
      const found = await readRemotePost(ctx, await object.getReplyTarget(fetchOptions(ctx)).catch(() => null));
      if (found) replyToId = await receivePost(ctx, found.author, found.post, { ancestors: ancestors + 1 });
    }

    const content = readBody(object, tags.hashtags);
    const media: RemotePost['media'] = [];
    for await (const attachment of object.getAttachments({ documentLoader: ctx.documentLoader, suppressError: true })) {
      if (media.length >= 4) break;
      if (!(attachment instanceof Document || attachment instanceof Image || attachment instanceof Video)) continue;
      const url = attachment.url instanceof URL ? attachment.url : (attachment.url as { href?: URL | null } | null)?.href;
      if (!url || !/^https?:$/.test(url.protocol)) continue;
      const contentType = attachment.mediaType ?? (attachment instanceof Image ? 'image/jpeg' : 'application/octet-stream');
      // GoToSocial describes images in `summary`, the others in `name`.
      media.push({
        url: deps.media.url(url.href),
        alt: String(attachment.name ?? attachment.summary ?? '').slice(0, 1500),
        width: attachment.width ?? null,
        height: attachment.height ?? null,
        contentType,
      });
    }
    const published = object.published ? Number(object.published.epochMilliseconds) : Date.now();
    return social.remotePosts.receive(author.id, {
      uri: id.href,
      url: object.url instanceof URL ? object.url.href : null,
      text: content.text,
      html: content.html,
      contentWarning: content.contentWarning,
      visibility,
      replyToId,
      hashtags: content.hashtags,
      mentions,
      media,
      createdAt: Math.min(published, Date.now()),
      ...(chatSeries.size ? { occasion: { kind: 'group-mention' as const, groups: [...chatSeries] } } : {}),
    });
  };

  const fetchOptions = (ctx: Context<void>) => ({
    documentLoader: ctx.documentLoader,
    contextLoader: ctx.contextLoader,
    suppressError: true,
  });

  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .setSharedKeyDispatcher(() => ({ identifier: SITE_ACTOR }))
    .on(Follow, async (ctx, follow) => {
      const sender = await senderOf(ctx, follow);
      const target = localTarget(ctx, follow.objectId);
      if (!sender || !target || !follow.id) return;
      if (target === SITE_ACTOR) {
        // A LitePub relay we subscribe to follows the server back (FEP-ae0c): accept; nobody else follows the server.
        const relay = await db
          .selectFrom('relays')
          .select('id')
          .where('state', '!=', 'rejected')
          .where((eb) =>
            eb.or([eb('actor_uri', '=', sender.uri), eb('inbox_url', 'in', [sender.inbox_url ?? '', sender.shared_inbox_url ?? ''])]),
          )
          .executeTakeFirst();
        if (relay) await deps.outgoing.answerFollow(SITE_ACTOR, sender, follow.id.href, true);
        return;
      }
      if (target.startsWith('chat.')) {
        const series = await db.selectFrom('chat_series').select('id').where('slug', '=', target.slice(5)).executeTakeFirst();
        if (!series) return;
        await db
          .insertInto('chat_followers')
          .values({ series_id: series.id, actor_id: sender.id, uri: follow.id.href, created_at: Date.now() })
          .onConflict((oc) => oc.columns(['series_id', 'actor_id']).doUpdateSet({ uri: follow.id!.href }))
          .execute();
        await deps.outgoing.answerFollow(target, sender, follow.id.href, true);
        return;
      }
      const followeeId = await memberActorId(target);
      if (!followeeId) return;
      try {
        const { state } = await social.remoteFollows.receiveFollow(sender.id, followeeId, follow.id.href);
        if (state === 'accepted') await deps.outgoing.answerFollow(target, sender, follow.id.href, true);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        await deps.outgoing.answerFollow(target, sender, follow.id.href, false);
      }
    })
    .on(Accept, async (ctx, accept) => {
      const sender = await senderOf(ctx, accept);
      if (!sender) return;
      const objectId = accept.objectId?.href;
      const relay = objectId ? await db.selectFrom('relays').select('id').where('follow_uri', '=', objectId).executeTakeFirst() : undefined;
      if (relay) {
        await db.updateTable('relays').set({ state: 'accepted', actor_uri: sender.uri }).where('id', '=', relay.id).execute();
        log.info({ relay: sender.uri }, 'relay accepted our subscription');
        return;
      }
      const follow = objectId
        ? await db.selectFrom('follows').select(['follower_id', 'followee_id']).where('uri', '=', objectId).executeTakeFirst()
        : undefined;
      // Some servers send Accept without the Follow's id: the pending follow of the sender is meant.
      const pending =
        follow ??
        (await db
          .selectFrom('follows')
          .innerJoin('members', 'members.actor_id', 'follows.follower_id')
          .select(['follows.follower_id', 'follows.followee_id'])
          .where('follows.followee_id', '=', sender.id)
          .where('follows.state', '=', 'pending')
          .orderBy('follows.id')
          .executeTakeFirst());
      if (pending && pending.followee_id === sender.id) await social.remoteFollows.receiveAccept(pending.follower_id, sender.id);
    })
    .on(Reject, async (ctx, reject) => {
      const sender = await senderOf(ctx, reject);
      if (!sender) return;
      const objectId = reject.objectId?.href;
      if (objectId) await db.updateTable('relays').set({ state: 'rejected' }).where('follow_uri', '=', objectId).execute();
      const follows = await db
        .selectFrom('follows')
        .innerJoin('members', 'members.actor_id', 'follows.follower_id')
        .select('follows.follower_id')
        .where('follows.followee_id', '=', sender.id)
        .execute();
      for (const f of follows) await social.remoteFollows.receiveEnd(f.follower_id, sender.id);
    })
    .on(Undo, async (ctx, undo) => {
      const sender = await senderOf(ctx, undo);
      if (!sender) return;
      const object = await undo.getObject(fetchOptions(ctx));
      const objectUri = undo.objectId?.href;
      if (
        object instanceof Follow ||
        (!object && objectUri && (await db.selectFrom('follows').select('id').where('uri', '=', objectUri).executeTakeFirst()))
      ) {
        if (object && object.actorId?.href !== sender.uri) return;
        const target = object ? localTarget(ctx, object.objectId) : null;
        if (target?.startsWith('chat.')) {
          const series = await db.selectFrom('chat_series').select('id').where('slug', '=', target.slice(5)).executeTakeFirst();
          if (series) await db.deleteFrom('chat_followers').where('series_id', '=', series.id).where('actor_id', '=', sender.id).execute();
          return;
        }
        const followeeId = target
          ? await memberActorId(target)
          : (await db.selectFrom('follows').select('followee_id').where('uri', '=', objectUri!).executeTakeFirst())?.followee_id;
        if (followeeId) await social.remoteFollows.receiveEnd(sender.id, followeeId);
      } else if (object instanceof Like || object instanceof EmojiReact) {
        if (object.actorId?.href !== sender.uri) return;
        const postId = await postIdOf(ctx, object.objectId);
        await social.remotePosts.receiveUnlike(sender.id, object.id ? { uri: object.id.href } : { postId: postId ?? 0 });
        if (postId) await social.remotePosts.receiveUnlike(sender.id, { postId });
      } else if (object instanceof Announce) {
        if (object.actorId?.href !== sender.uri) return;
        const removed = object.id ? await social.remotePosts.receiveUnboost(sender.id, { uri: object.id.href }) : false;
        if (!removed) await social.remotePosts.receiveUnboost(sender.id, { postId: (await postIdOf(ctx, object.objectId)) ?? 0 });
      } else if (objectUri) {
        // Only the id came (and it cannot be fetched any more): try what it may have been.
        if (!(await social.remotePosts.receiveUnboost(sender.id, { uri: objectUri })))
          await social.remotePosts.receiveUnlike(sender.id, { uri: objectUri });
      }
    })
    .on(Create, async (ctx, create) => {
      const sender = await senderOf(ctx, create);
      if (!sender) return;
      const object = await create.getObject(fetchOptions(ctx));
      if (!isPostObject(object)) {
        log.debug({ actor: sender.uri, type: object?.constructor.name }, 'ignored a Create of an unsupported object');
        return;
      }
      await receivePost(ctx, sender, object, { relayed: Boolean(create.id && (await deps.relayed(create.id.href))) });
    })
    .on(Update, async (ctx, update) => {
      const sender = await senderOf(ctx, update);
      if (!sender) return;
      const object = await update.getObject(fetchOptions(ctx));
      if (isActor(object)) {
        if (object.id?.href === sender.uri) await actors.save(object);
        return;
      }
      if (!isPostObject(object) || !object.id) return;
      if (object.id.origin !== new URL(sender.uri!).origin) {
        log.warn({ actor: sender.uri, object: object.id.href }, 'refused an Update of another server’s object');
        return;
      }
      const { html, text, contentWarning, hashtags } = readBody(object, (await readTags(ctx, object)).hashtags);
      const edited = await social.remotePosts.receiveEdit(sender.id, object.id.href, { html, text, contentWarning, hashtags }, Date.now());
      if (!edited) await receivePost(ctx, sender, object, { relayed: Boolean(update.id && (await deps.relayed(update.id.href))) });
    })
    .on(Delete, async (ctx, del) => {
      const sender = await senderOf(ctx, del);
      const objectId = del.objectId;
      if (!sender || !objectId) return;
      if (objectId.origin !== new URL(sender.uri!).origin) {
        log.warn({ actor: sender.uri, object: objectId.href }, 'refused a Delete of another server’s object');
        return;
      }
      if (objectId.href === sender.uri) {
        // The account is gone: its follows go; its posts stay until their own Deletes arrive.
        await db
          .deleteFrom('follows')
          .where((eb) => eb.or([eb('follower_id', '=', sender.id), eb('followee_id', '=', sender.id)]))
          .execute();
        await db.deleteFrom('chat_followers').where('actor_id', '=', sender.id).execute();
        return;
      }
      await social.remotePosts.receiveDelete(sender.id, objectId.href);
    })
    .on(Announce, async (ctx, announce) => {
      const sender = await senderOf(ctx, announce);
      if (!sender || !announce.id) return;
      const relayed = await isRelay(sender);
      let postId = await postIdOf(ctx, announce.objectId);
      if (postId === null) {
        const found = await readRemotePost(ctx, await announce.getObject({ ...fetchOptions(ctx), crossOrigin: 'trust' }));
        if (!found) return;
        postId = await receivePost(ctx, found.author, found.post, { relayed: relayed || (await followedLocally(sender.id)) });
      }
      if (postId !== null && !relayed) await social.remotePosts.receiveBoost(sender.id, postId, announce.id.href, Date.now());
    })
    .on(Like, async (ctx, like) => {
      const sender = await senderOf(ctx, like);
      const postId = await postIdOf(ctx, like.objectId);
      if (sender && postId) await social.remotePosts.receiveLike(sender.id, postId, like.id?.href ?? null);
    })
    .on(EmojiReact, async (ctx, react) => {
      const sender = await senderOf(ctx, react);
      const postId = await postIdOf(ctx, react.objectId);
      if (sender && postId) await social.remotePosts.receiveLike(sender.id, postId, react.id?.href ?? null);
    })
    .on(Flag, async (ctx, flag) => {
      const sender = await senderOf(ctx, flag);
      if (!sender) return;
      let targetId: number | null = null;
      const postIds: number[] = [];
      for (const uri of flag.objectIds) {
        const identifier = localTarget(ctx, uri);
        if (identifier) targetId = (await memberActorId(identifier)) ?? targetId;
        else {
          const postId = await postIdOf(ctx, uri);
          if (postId) postIds.push(postId);
        }
      }
      if (postIds.length && !targetId)
        targetId = (await db.selectFrom('posts').select('actor_id').where('id', '=', postIds[0]!).executeTakeFirst())?.actor_id ?? null;
      if (!targetId) return;
      await deps.reports.receive({
        reporterId: sender.id,
        targetId,
        postIds,
        comment: htmlToText(String(flag.content ?? '')),
        uri: flag.id?.href ?? null,
      });
      log.info({ from: sender.domain }, 'received a report from another server');
    })
    .on(Block, async (ctx, block) => {
      const sender = await senderOf(ctx, block);
      const target = localTarget(ctx, block.objectId);
      const targetId = target ? await memberActorId(target) : null;
      if (!sender || !targetId) return;
      await social.remoteFollows.receiveEnd(sender.id, targetId);
      await social.remoteFollows.receiveEnd(targetId, sender.id);
    })
    .onError((_ctx, error) => {
      log.warn({ error: error.message }, 'an incoming activity failed');
    });

  async function followedLocally(actorId: number): Promise<boolean> {
    const row = await db
      .selectFrom('follows')
      .innerJoin('members', 'members.actor_id', 'follows.follower_id')
      .select('follows.id')
      .where('follows.followee_id', '=', actorId)
      .where('follows.state', '=', 'accepted')
      .limit(1)
      .executeTakeFirst();
    return Boolean(row);
  }

  return { receivePost };
}

/** Stores a remote post when a member asked for it (or a relay or a profile backfill brought it); returns its id or null. */
/** `ancestors`: how many replies down from a post that is stored, when it is fetched as their parent. */
export type ReceivePost = (
  ctx: Context<void>,
  author: ActorRow,
  object: PostObject,
  options?: { relayed?: boolean; backfill?: boolean; ancestors?: number },
) => Promise<number | null>;
export { isPostObject };
