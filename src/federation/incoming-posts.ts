import type { Context } from '@fedify/fedify';
import { Article, Create, Document, Hashtag, Image, isActor, Mention, Note, Page, PUBLIC_COLLECTION, Question, Video } from '@fedify/vocab';
import { passionSlug } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import type { Logger } from '../platform/logger.ts';
import { escapeHtml, htmlToText, sanitizeHtml } from '../platform/sanitize.ts';
import type { RemotePost, SocialService } from '../social/index.ts';
import { parseText } from '../social/index.ts';
import type { ActorRow, RemoteActorsService } from './actors.ts';
import type { InstancesService } from './instances.ts';
import { SITE_ACTOR } from './local-actors.ts';
import type { MediaProxyService } from './media.ts';

export type PostObject = Note | Article | Page | Question;
export const isPostObject = (o: unknown): o is PostObject =>
  o instanceof Note || o instanceof Article || o instanceof Page || o instanceof Question;
const PUBLIC_IDS = new Set([PUBLIC_COLLECTION.href, 'as:Public', 'Public']);
/** How far up a thread we read posts we lack when a reply arrives (Mastodon reads one level). */
const MAX_ANCESTORS = 3;

/** Why a post came: a relay or a profile backfill brought it; `ancestors`: how many replies down from a stored post it is, when fetched as their parent. */
export interface ReceiveOptions {
  relayed?: boolean;
  backfill?: boolean;
  ancestors?: number;
}

export const fetchOptions = (ctx: Context<void>) => ({
  documentLoader: ctx.documentLoader,
  contextLoader: ctx.contextLoader,
  suppressError: true,
});

export interface IncomingPostsDeps {
  database: Database;
  baseUrl: string;
  logger: Logger;
  social: Pick<SocialService, 'remotePosts' | 'postRows' | 'remoteFollows'>;
  actors: RemoteActorsService;
  instances: InstancesService;
  media: MediaProxyService;
}

/**
 * Posts from other servers (Create, Update, Announce, a backfill): whether a member asked for
 * them (they follow its author, it mentions or answers them, it is addressed to a chat, or a
 * relay the admin subscribed to brought it), read (sanitised HTML, hashtags, mentions,
 * attachments through the media proxy) and handed to social's remote posts.
 */
export class IncomingPostsService {
  readonly #deps: IncomingPostsDeps;
  readonly #log: Logger;
  readonly #ourOrigin: string;

  constructor(deps: IncomingPostsDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'federation.inbox' });
    this.#ourOrigin = new URL(deps.baseUrl).origin;
  }

  /** Local actor (member or group) behind one of our URIs. */
  localTarget(ctx: Context<void>, uri: URL | null): string | null {
    if (!uri || uri.origin !== this.#ourOrigin) return null;
    const parsed = ctx.parseUri(uri);
    return parsed?.type === 'actor' ? parsed.identifier : null;
  }

  /** The actor id of the member with this handle. */
  async memberActorId(handle: string): Promise<number | null> {
    return (
      (
        await this.#deps.database.db
          .selectFrom('actors')
          .innerJoin('members', 'members.actor_id', 'actors.id')
          .select('actors.id')
          .where('actors.handle', '=', handle)
          .where('actors.domain', 'is', null)
          .executeTakeFirst()
      )?.id ?? null
    );
  }

  /** Our post behind a URI (local `/users/<h>/posts/<id>` or a stored remote post's id). */
  async postIdOf(ctx: Context<void>, uri: URL | null): Promise<number | null> {
    if (!uri) return null;
    if (uri.origin === this.#ourOrigin) {
      const parsed = ctx.parseUri(uri);
      return parsed?.type === 'object' && parsed.class === Note ? Number(parsed.values.id) || null : null;
    }
    const row = await this.#deps.social.postRows.byUri(uri.href);
    return row && row.boost_of_id === null ? row.id : null;
  }

  /** Whether a member of this server follows the actor. */
  followedLocally(actorId: number): Promise<boolean> {
    return this.#deps.social.remoteFollows.hasLocalFollowers(actorId);
  }

  /** A post's hashtags and mentions (from `tag`): read first, to decide whether the post is wanted at all. */
  async readTags(ctx: Context<void>, object: PostObject) {
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
  }

  /** A post's sanitised HTML, text and content warning; hashtags written in the text join those from `tag`. */
  readBody(object: PostObject, tags: Map<string, { name: string; slug: string }>) {
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
  }

  /** A post we do not have yet, read from its own server, with its author (stored); null if it is no post or its server is blocked. */
  async readRemotePost(ctx: Context<void>, object: unknown): Promise<{ author: ActorRow; post: PostObject } | null> {
    const inner = object instanceof Create ? await object.getObject(fetchOptions(ctx)) : object;
    if (!isPostObject(inner) || !inner.attributionId) return null;
    const authorDoc = await inner.getAttribution(fetchOptions(ctx));
    if (!authorDoc || !isActor(authorDoc) || (await this.#deps.instances.moderation(authorDoc.id!.host)) === 'block') return null;
    return { author: await this.#deps.actors.save(authorDoc), post: inner };
  }

  /**
   * Stores a remote post when a member asked for it; returns its id or null. `relayed` posts
   * (brought by a relay) are kept only when public and the author's domain is not silenced.
   */
  async receive(ctx: Context<void>, author: ActorRow, object: PostObject, options: ReceiveOptions = {}): Promise<number | null> {
    const id = object.id;
    if (!id) return null;
    if (id.origin !== new URL(author.uri!).origin || (object.attributionId && object.attributionId.href !== author.uri)) {
      this.#log.warn({ actor: author.uri, object: id.href }, 'refused a post: an actor can only publish its own objects');
      return null;
    }
    const known = await this.#deps.social.postRows.byUri(id.href);
    if (known) return known.id;
    const addressed = [...object.toIds, ...object.ccIds, ...object.btoIds, ...object.bccIds];
    const isPublic = addressed.some((u) => PUBLIC_IDS.has(u.href));
    const visibility: Visibility = isPublic
      ? 'public'
      : addressed.some((u) => u.href.endsWith('/followers') || u.href === `${author.uri}/followers`)
        ? 'followers'
        : 'direct';

    const tags = await this.readTags(ctx, object);
    const mentions: RemotePost['mentions'] = [];
    const chatSeries = new Set<string>();
    for (const tag of tags.mentions) {
      const href = tag.href!;
      const identifier = this.localTarget(ctx, href);
      if (identifier?.startsWith('chat.')) chatSeries.add(identifier.slice(5));
      else if (identifier && identifier !== SITE_ACTOR) {
        const actorId = await this.memberActorId(identifier);
        if (actorId) mentions.push({ acct: identifier.toLowerCase(), actorId });
      } else if (!identifier) {
        const remote = await this.#deps.actors.byUri(href.href);
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
      const identifier = this.localTarget(ctx, uri);
      if (identifier?.startsWith('chat.')) chatSeries.add(identifier.slice(5));
    }

    let replyToId = await this.postIdOf(ctx, object.replyTargetId);
    const mentionsLocal = mentions.some((m) => m.actorId !== null && !m.acct.includes('@'));
    const followed = await this.followedLocally(author.id);
    const silenced = (await this.#deps.instances.moderation(author.domain!)) === 'silence';
    const ancestors = options.ancestors ?? 0;
    const wanted =
      followed ||
      mentionsLocal ||
      replyToId !== null ||
      chatSeries.size > 0 ||
      ((options.relayed || options.backfill) && isPublic && !silenced) ||
      (ancestors > 0 && visibility !== 'direct');
    if (!wanted) {
      this.#log.debug({ actor: author.uri, object: id.href }, 'ignored a post nobody here asked for');
      return null;
    }
    // A reply to a post we do not have: read the post it answers (and its parents, a few levels up), so the thread reads whole.
    if (replyToId === null && object.replyTargetId && object.replyTargetId.origin !== this.#ourOrigin && ancestors < MAX_ANCESTORS) {
      const found = await this.readRemotePost(ctx, await object.getReplyTarget(fetchOptions(ctx)).catch(() => null));
      if (found) replyToId = await this.receive(ctx, found.author, found.post, { ancestors: ancestors + 1 });
    }

    const content = this.readBody(object, tags.hashtags);
    const media: RemotePost['media'] = [];
    for await (const attachment of object.getAttachments({ documentLoader: ctx.documentLoader, suppressError: true })) {
      if (media.length >= 4) break;
      if (!(attachment instanceof Document || attachment instanceof Image || attachment instanceof Video)) continue;
      const url = attachment.url instanceof URL ? attachment.url : (attachment.url as { href?: URL | null } | null)?.href;
      if (!url || !/^https?:$/.test(url.protocol)) continue;
      const contentType = attachment.mediaType ?? (attachment instanceof Image ? 'image/jpeg' : 'application/octet-stream');
      // GoToSocial describes images in `summary`, the others in `name`.
      media.push({
        url: this.#deps.media.url(url.href),
        alt: String(attachment.name ?? attachment.summary ?? '').slice(0, 1500),
        width: attachment.width ?? null,
        height: attachment.height ?? null,
        contentType,
      });
    }
    const published = object.published ? Number(object.published.epochMilliseconds) : Date.now();
    return this.#deps.social.remotePosts.receive(author.id, {
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
  }
}
