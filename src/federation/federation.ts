import { type Context, createFederation, type Federation } from '@fedify/fedify';
import { Application, type Article, Endpoints, Group, Hashtag, Image, Note, Person, PropertyValue, type Recipient } from '@fedify/vocab';
import { Temporal } from '@js-temporal/polyfill';
import { roleLabel } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { escapeHtml } from '../platform/sanitize.ts';
import { ActorKeys } from './keys.ts';
import { DatabaseKvStore } from './kv.ts';
import { authenticatedLoaderFactory, documentLoaderFactory, type SignedGet, type SigningIdentity, signedGet } from './loader.ts';
import { type NoteSource, noteOf } from './notes.ts';
import { type DeliveryObserver, JobsMessageQueue } from './queue.ts';

/**
 * Local actors' identifiers (the `{identifier}` in `/users/{identifier}`): a member's handle;
 * `chat.<slug>` for a chat series' group actor; `site.actor` for the server itself (relays,
 * signed fetches). Handles are letters, digits and `_`, so the dotted names never collide.
 */
export const SITE_ACTOR = 'site.actor';
export const chatIdentifier = (slug: string) => `chat.${slug}`;

export interface FederationParts {
  federation: Federation<void>;
  keys: ActorKeys;
  kv: DatabaseKvStore;
  /** A context for work outside a request (jobs). */
  context(): Context<void>;
  /** A local actor's document: a member's Person, a chat series' Group, the server's Application. */
  actor(ctx: Context<void>, identifier: string): Promise<Application | Group | Person | null>;
  /** A GET signed as the instance actor, through our HTTP client (WebFinger, NodeInfo; documents go through Fedify's loaders, which use it too). */
  get: SignedGet;
}

export interface BuildOptions {
  database: Database;
  jobs: Jobs;
  http: HttpClient;
  logger: Logger;
  baseUrl: string;
  version: string;
  site: () => Promise<{ name: string; openRegistrations: boolean }>;
  observeDelivery?: DeliveryObserver;
  /** Time limit of one delivery request. */
  deliveryTimeoutMs: number;
}

/**
 * How long deliveries to a host whose circuit breaker is open are held before they are dropped:
 * about as long as a failing delivery is retried (see queue.ts), instead of Fedify's week.
 */
const HELD_DELIVERY_HOURS = 36;

/**
 * A moment as Fedify's vocabulary wants it. Node 24 has no Temporal yet: Fedify uses the
 * polyfill at run time but declares the standard type, so the polyfill's Instant is cast to it.
 */
export const instant = (ms: number): globalThis.Temporal.Instant =>
  Temporal.Instant.fromEpochMilliseconds(ms) as unknown as globalThis.Temporal.Instant;

/** Builds the Fedify federation: actors, keys, collections, objects, NodeInfo. Inbox listeners are added by inbox.ts. */
export function buildFederation(options: BuildOptions): FederationParts {
  const { database, baseUrl } = options;
  const db = database.db;
  const kv = new DatabaseKvStore(database);
  const keys = new ActorKeys(database);
  // Every fetch is signed as the instance actor (GoToSocial, and Mastodon in secure mode, answer 401 otherwise).
  let siteIdentity: Promise<SigningIdentity> | null = null;
  const identity = (): Promise<SigningIdentity> => {
    siteIdentity ??= federation
      .createContext(new URL(baseUrl), undefined)
      .getActorKeyPairs(SITE_ACTOR)
      .then((pairs) => {
        const rsa = pairs.find((p) => p.privateKey.algorithm.name === 'RSASSA-PKCS1-v1_5');
        if (!rsa) throw new Error('the instance actor has no RSA key');
        return { keyId: rsa.keyId, privateKey: rsa.privateKey };
      });
    siteIdentity.catch(() => (siteIdentity = null));
    return siteIdentity;
  };
  const get = signedGet(options.http, identity);
  const federation = createFederation<void>({
    kv,
    queue: new JobsMessageQueue(options.jobs, {
      http: options.http,
      deliveryTimeoutMs: options.deliveryTimeoutMs,
      observe: options.observeDelivery,
    }),
    circuitBreaker: {
      heldActivityTtl: { hours: HELD_DELIVERY_HOURS },
      onActivityDrop: (_host, dropped) =>
        options.observeDelivery?.(dropped.inbox.href, false, `held ${HELD_DELIVERY_HOURS} h while the server kept failing; dropped`),
    },
    manuallyStartQueue: true,
    origin: baseUrl,
    documentLoaderFactory: documentLoaderFactory(get),
    contextLoaderFactory: documentLoaderFactory(get),
    authenticatedDocumentLoaderFactory: authenticatedLoaderFactory(get),
    // Mastodon rejects requests whose Date is off by more than 12 h; we accept the same window.
    signatureTimeWindow: { hours: 12 },
  });

  const memberByHandle = (handle: string) =>
    db
      .selectFrom('actors')
      .innerJoin('members', 'members.actor_id', 'actors.id')
      .select([
        'actors.id',
        'actors.handle',
        'actors.display_name',
        'actors.bio',
        'actors.avatar_url',
        'actors.role',
        'actors.role_other',
        'actors.organisation',
        'actors.location',
        'actors.links',
        'actors.locked',
        'actors.created_at',
        'actors.updated_at',
        'members.profile_visibility',
      ])
      .where('actors.domain', 'is', null)
      .where('actors.handle', '=', handle)
      .where('members.suspended_at', 'is', null)
      .executeTakeFirst();
  const seriesBySlug = (slug: string) => db.selectFrom('chat_series').selectAll().where('slug', '=', slug).executeTakeFirst();
  const keyOwner = (identifier: string) =>
    identifier === SITE_ACTOR ? 'site' : identifier.startsWith('chat.') ? `chat:${identifier.slice(5)}` : `user:${identifier}`;

  /** A local actor's document (also sent whole in Update activities when a profile changes). */
  const actorOf = async (ctx: Context<void>, identifier: string): Promise<Application | Group | Person | null> => {
    const pairs = await ctx.getActorKeyPairs(identifier);
    const common = {
      id: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      featured: ctx.getFeaturedUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pairs[0]?.cryptographicKey ?? null,
      assertionMethods: pairs.map((p) => p.multikey),
    };
    if (identifier === SITE_ACTOR) {
      return new Application({
        ...common,
        preferredUsername: new URL(baseUrl).host,
        name: (await options.site()).name,
        manuallyApprovesFollowers: true,
      });
    }
    if (identifier.startsWith('chat.')) {
      const series = await seriesBySlug(identifier.slice(5));
      if (!series) return null;
      return new Group({
        ...common,
        preferredUsername: series.slug,
        name: series.title,
        summary: `<p>${escapeHtml(series.description || series.title)}</p><p>Answer a question by mentioning this account: “A1 …”. Chats use <a href="${baseUrl}/tags/${series.hashtag}" class="hashtag" rel="tag">#${escapeHtml(series.hashtag_name)}</a>.</p>`,
        url: new URL(`${baseUrl}/chats/${series.slug}`),
        tags: [new Hashtag({ name: `#${series.hashtag_name}`, href: new URL(`${baseUrl}/tags/${series.hashtag}`) })],
        published: instant(series.created_at),
        manuallyApprovesFollowers: false,
      });
    }
    const member = await memberByHandle(identifier);
    // Members who keep their profile to members of this server are not published.
    if (member?.profile_visibility !== 'public') return null;
    const passions = await db
      .selectFrom('actor_passions')
      .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
      .select(['passions.slug', 'passions.name'])
      .where('actor_passions.actor_id', '=', member.id)
      .orderBy('actor_passions.position')
      .execute();
    const role = roleLabel(member.role, member.role_other);
    const fields: Array<[string, string | null]> = [
      ['Role', role],
      ['Organisation', member.organisation],
      ['Location', member.location],
      [
        'Passions',
        passions.map((p) => `<a href="${baseUrl}/tags/${p.slug}" class="mention hashtag" rel="tag">#${p.slug}</a>`).join(' ') || null,
      ],
    ];
    for (const link of JSON.parse(member.links) as Array<{ label: string; url: string }>) {
      fields.push([
        link.label || 'Link',
        `<a href="${escapeHtml(link.url)}" rel="me nofollow noopener" target="_blank">${escapeHtml(link.url)}</a>`,
      ]);
    }
    return new Person({
      ...common,
      preferredUsername: member.handle,
      name: member.display_name || member.handle,
      summary: member.bio ? `<p>${escapeHtml(member.bio).replace(/\n/g, '<br>')}</p>` : null,
      url: new URL(`${baseUrl}/@${member.handle}`),
      icon: member.avatar_url ? new Image({ url: new URL(member.avatar_url, baseUrl) }) : null,
      manuallyApprovesFollowers: member.locked === 1,
      discoverable: true,
      indexable: true,
      published: instant(member.created_at),
      attachments: fields
        .filter((f): f is [string, string] => Boolean(f[1]))
        .map(
          ([name, value]) => new PropertyValue({ name, value: name === 'Passions' || value.startsWith('<a') ? value : escapeHtml(value) }),
        ),
      // Passions as hashtags in their slug form (“Graphic novels” → #graphicnovels): a hashtag has no spaces.
      tags: passions.map((p) => new Hashtag({ name: `#${p.slug}`, href: new URL(`${baseUrl}/tags/${p.slug}`) })),
    });
  };

  federation
    .setActorDispatcher('/users/{identifier}', actorOf)
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      if (identifier !== SITE_ACTOR && !identifier.startsWith('chat.') && !(await memberByHandle(identifier))) return [];
      if (identifier.startsWith('chat.') && !(await seriesBySlug(identifier.slice(5)))) return [];
      return keys.pairs(keyOwner(identifier));
    })
    .mapHandle(async (_ctx, username) => {
      const member = await memberByHandle(username);
      if (member) return member.handle;
      const series = await seriesBySlug(username.toLowerCase());
      if (series) return chatIdentifier(series.slug);
      return username.toLowerCase() === new URL(baseUrl).host.toLowerCase() ? SITE_ACTOR : null;
    });

  // Followers: every page lists URIs; the whole list (cursor null) is what Fedify delivers to.
  federation
    .setFollowersDispatcher('/users/{identifier}/followers', async (_ctx, identifier, cursor) => {
      const page = 100;
      const offset = cursor === null ? 0 : Number(cursor) || 0;
      const rows = identifier.startsWith('chat.')
        ? await db
            .selectFrom('chat_followers')
            .innerJoin('chat_series', 'chat_series.id', 'chat_followers.series_id')
            .innerJoin('actors', 'actors.id', 'chat_followers.actor_id')
            .select(['actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url', 'actors.handle', 'actors.domain'])
            .where('chat_series.slug', '=', identifier.slice(5))
            .orderBy('chat_followers.actor_id')
            .$if(cursor !== null, (q) => q.offset(offset).limit(page))
            .execute()
        : await db
            .selectFrom('follows')
            .innerJoin('actors as followee', 'followee.id', 'follows.followee_id')
            .innerJoin('actors', 'actors.id', 'follows.follower_id')
            .select(['actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url', 'actors.handle', 'actors.domain'])
            .where('followee.handle', '=', identifier)
            .where('followee.domain', 'is', null)
            .where('follows.state', '=', 'accepted')
            // Delivery goes to other servers only; pages show everyone.
            .$if(cursor === null, (q) => q.where('actors.domain', 'is not', null))
            .orderBy('follows.id')
            .$if(cursor !== null, (q) => q.offset(offset).limit(page))
            .execute();
      const items: Recipient[] = rows.map((r) => ({
        id: new URL(r.uri ?? `${baseUrl}/users/${r.handle}`),
        inboxId: r.inbox_url ? new URL(r.inbox_url) : new URL(`${baseUrl}/users/${r.handle}/inbox`),
        endpoints: r.shared_inbox_url ? { sharedInbox: new URL(r.shared_inbox_url) } : null,
      }));
      return { items, nextCursor: cursor !== null && rows.length === page ? String(offset + page) : null };
    })
    .setCounter(async (_ctx, identifier) => {
      if (identifier.startsWith('chat.')) {
        const row = await db
          .selectFrom('chat_followers')
          .innerJoin('chat_series', 'chat_series.id', 'chat_followers.series_id')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('chat_series.slug', '=', identifier.slice(5))
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      }
      const row = await db
        .selectFrom('actors')
        .select('followers_count')
        .where('handle', '=', identifier)
        .where('domain', 'is', null)
        .executeTakeFirst();
      return row?.followers_count ?? 0;
    })
    .setFirstCursor(() => '0');

  federation
    .setFollowingDispatcher('/users/{identifier}/following', async (_ctx, identifier, cursor) => {
      const page = 100;
      const offset = Number(cursor) || 0;
      const rows = await db
        .selectFrom('follows')
        .innerJoin('actors as follower', 'follower.id', 'follows.follower_id')
        .innerJoin('actors', 'actors.id', 'follows.followee_id')
        .select(['actors.uri', 'actors.handle'])
        .where('follower.handle', '=', identifier)
        .where('follower.domain', 'is', null)
        .where('follows.state', '=', 'accepted')
        .orderBy('follows.id')
        .offset(offset)
        .limit(page)
        .execute();
      return {
        items: rows.map((r) => new URL(r.uri ?? `${baseUrl}/users/${r.handle}`)),
        nextCursor: rows.length === page ? String(offset + page) : null,
      };
    })
    .setCounter(async (_ctx, identifier) => {
      const row = await db
        .selectFrom('actors')
        .select('following_count')
        .where('handle', '=', identifier)
        .where('domain', 'is', null)
        .executeTakeFirst();
      return row?.following_count ?? 0;
    })
    .setFirstCursor(() => '0');

  // Outbox: the member's public posts, newest first, as Create activities.
  federation
    .setOutboxDispatcher('/users/{identifier}/outbox', async (ctx, identifier, cursor) => {
      const page = 20;
      let query = db
        .selectFrom('posts')
        .innerJoin('actors', 'actors.id', 'posts.actor_id')
        .selectAll('posts')
        .select('actors.handle')
        .where('actors.handle', '=', identifier)
        .where('actors.domain', 'is', null)
        .where('posts.visibility', '=', 'public')
        .where('posts.deleted_at', 'is', null)
        .where('posts.boost_of_id', 'is', null)
        .orderBy('posts.id', 'desc')
        .limit(page);
      if (cursor) query = query.where('posts.id', '<', Number(cursor) || 0);
      const rows = await query.execute();
      const notes = await noteSources(database, baseUrl, rows);
      const items = notes.map((source) => noteOf(ctx, source).create);
      return { items, nextCursor: rows.length === page ? String(rows.at(-1)!.id) : null };
    })
    .setCounter(async (_ctx, identifier) => {
      const row = await db
        .selectFrom('actors')
        .select('posts_count')
        .where('handle', '=', identifier)
        .where('domain', 'is', null)
        .executeTakeFirst();
      return row?.posts_count ?? 0;
    })
    .setFirstCursor(() => '');

  // Posts: `/users/<handle>/posts/<id>` (the page for people is /@handle/id). A post announcing an
  // article is served as that Article, at the same address (so replies to it still find the post).
  federation.setObjectDispatcher<Note | Article, 'identifier' | 'id'>(Note, '/users/{identifier}/posts/{id}', async (ctx, values) => {
    const row = await db
      .selectFrom('posts')
      .innerJoin('actors', 'actors.id', 'posts.actor_id')
      .selectAll('posts')
      .select('actors.handle')
      .where('posts.id', '=', Number(values.id) || 0)
      .where('actors.handle', '=', values.identifier)
      .where('actors.domain', 'is', null)
      .where('posts.boost_of_id', 'is', null)
      .executeTakeFirst();
    // Only public posts can be fetched without a signature; the rest reach their audience by delivery.
    if (row?.visibility !== 'public') return null;
    if (row.deleted_at) return null;
    const [source] = await noteSources(database, baseUrl, [row]);
    return noteOf(ctx, source!).note;
  });

  // Featured: the member's pinned public posts, newest pin first (Mastodon's "pinned posts"). Chat groups and the server feature nothing.
  const featuredPosts = (actorId: number) =>
    db
      .selectFrom('pins')
      .innerJoin('posts', 'posts.id', 'pins.post_id')
      .where('pins.actor_id', '=', actorId)
      .where('posts.visibility', '=', 'public')
      .where('posts.deleted_at', 'is', null);
  federation
    .setFeaturedDispatcher('/users/{identifier}/collections/featured', async (ctx, identifier) => {
      if (identifier === SITE_ACTOR) return { items: [] };
      if (identifier.startsWith('chat.')) return (await seriesBySlug(identifier.slice(5))) ? { items: [] } : null;
      const member = await memberByHandle(identifier);
      if (member?.profile_visibility !== 'public') return null;
      const rows = await featuredPosts(member.id).selectAll('posts').orderBy('pins.created_at', 'desc').limit(20).execute();
      const notes = await noteSources(
        database,
        baseUrl,
        rows.map((r) => ({ ...r, handle: member.handle })),
      );
      return { items: notes.map((source) => noteOf(ctx, source).note) };
    })
    .setCounter(async (_ctx, identifier) => {
      const member = identifier === SITE_ACTOR || identifier.startsWith('chat.') ? undefined : await memberByHandle(identifier);
      if (!member) return 0;
      const row = await featuredPosts(member.id)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    });

  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async () => {
    const members = await db
      .selectFrom('members')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('last_login_at').as('active')])
      .where('suspended_at', 'is', null)
      .executeTakeFirstOrThrow();
    const posts = await db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('local', '=', 1)
      .where('deleted_at', 'is', null)
      .where('boost_of_id', 'is', null)
      .executeTakeFirstOrThrow();
    const site = await options.site();
    return {
      software: { name: 'commonroom', version: options.version, repository: new URL('https://github.com/commonroom/commonroom') },
      protocols: ['activitypub'],
      openRegistrations: site.openRegistrations,
      usage: {
        users: { total: Number(members.total), activeHalfyear: Number(members.active), activeMonth: Number(members.active) },
        localPosts: Number(posts.n),
        localComments: 0,
      },
      metadata: { nodeName: site.name },
    };
  });

  return { federation, keys, kv, context: () => federation.createContext(new URL(baseUrl), undefined), actor: actorOf, get };
}

/** Loads what a Note needs for these post rows (mentions, tags, media, parent, announced article) in five queries. */
export async function noteSources(
  database: Database,
  baseUrl: string,
  rows: Array<NoteSource['post'] & { handle: string }>,
): Promise<NoteSource[]> {
  if (rows.length === 0) return [];
  const db = database.db;
  const ids = rows.map((r) => r.id);
  const parentIds = rows.flatMap((r) => (r.reply_to_id ? [r.reply_to_id] : []));
  const articleIds = rows.flatMap((r) => (r.article_id ? [r.article_id] : []));
  const [mentions, tags, media, parents, articles] = await Promise.all([
    db
      .selectFrom('mentions')
      .innerJoin('actors', 'actors.id', 'mentions.actor_id')
      .select(['mentions.post_id', 'actors.uri', 'actors.handle', 'actors.domain', 'actors.acct'])
      .where('mentions.post_id', 'in', ids)
      .execute(),
    db
      .selectFrom('post_hashtags')
      .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
      .select(['post_hashtags.post_id', 'hashtags.slug', 'hashtags.name'])
      .where('post_hashtags.post_id', 'in', ids)
      .execute(),
    db
      .selectFrom('media')
      .select(['post_id', 'url', 'alt', 'width', 'height', 'content_type'])
      .where('post_id', 'in', ids)
      .orderBy('position')
      .execute(),
    parentIds.length
      ? db
          .selectFrom('posts')
          .innerJoin('actors', 'actors.id', 'posts.actor_id')
          .select(['posts.id', 'posts.uri', 'posts.local', 'actors.handle', 'actors.uri as actor_uri'])
          .where('posts.id', 'in', parentIds)
          .execute()
      : Promise.resolve([]),
    articleIds.length
      ? db
          .selectFrom('articles')
          .select(['id', 'slug', 'title', 'summary', 'html'])
          .where('id', 'in', articleIds)
          .where('status', '=', 'published')
          .execute()
      : Promise.resolve([]),
  ]);
  const parentById = new Map(parents.map((p) => [p.id, p]));
  const articleById = new Map(articles.map((a) => [a.id, a]));
  return rows.map((post) => {
    const parent = post.reply_to_id ? parentById.get(post.reply_to_id) : undefined;
    const article = post.article_id ? articleById.get(post.article_id) : undefined;
    return {
      post,
      handle: post.handle,
      baseUrl,
      mentions: mentions
        .filter((m) => m.post_id === post.id)
        .map((m) => ({
          uri: m.uri ?? `${baseUrl}/users/${m.handle}`,
          acct: m.domain ? `@${m.acct}` : `@${m.handle}@${new URL(baseUrl).host}`,
        })),
      tags: tags.filter((t) => t.post_id === post.id).map((t) => ({ slug: t.slug, name: t.name })),
      media: media
        .filter((m) => m.post_id === post.id)
        .map((m) => ({ url: new URL(m.url, baseUrl).href, alt: m.alt, width: m.width, height: m.height, contentType: m.content_type })),
      replyTo: parent ? (parent.local ? `${baseUrl}/users/${parent.handle}/posts/${parent.id}` : parent.uri) : null,
      article: article
        ? { title: article.title, summary: article.summary, html: article.html, url: `${baseUrl}/@${post.handle}/blog/${article.slug}` }
        : null,
    };
  });
}
