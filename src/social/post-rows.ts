import type { Queryable } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import type { SocialContext } from './context.ts';
import type { PostRow } from './hydrate.ts';
import type { MediaRow, MediaService } from './media.ts';
import { type Reader, visibleTo } from './visibility.ts';

/** Which posts `find` and `count` look at; every condition given must hold. */
export interface PostFilter {
  ids?: number[];
  /** By this author. */
  actorId?: number;
  /** Only posts of this server (true) or of other servers (false). */
  local?: boolean;
  /** Leave boosts out. */
  originals?: boolean;
  /** Leave deleted posts (tombstones) out. */
  live?: boolean;
  visibility?: Visibility[];
  /** Only what this reader may see (the visibility rule, see visibility.ts); null: an anonymous reader. */
  readableBy?: Reader | null;
  /** Ids below this one (paging newest first). */
  before?: number;
  limit?: number;
}

/** A post with what another server needs to show it (federation's Notes): mentions, hashtags, images, the post it answers. */
export interface PostRecord {
  post: PostRow;
  /** Mentioned accounts known here. */
  mentions: Array<{ actorId: number; uri: string | null; handle: string; domain: string | null; acct: string }>;
  tags: Array<{ slug: string; name: string }>;
  media: MediaRow[];
  /** The post it replies to, when it is a reply we have. */
  replyTo: { id: number; uri: string | null; local: boolean; authorHandle: string; authorUri: string | null } | null;
}

/**
 * Post rows for other capabilities (federation, reports, curation, chats), batched: they read
 * posts through these instead of querying social's tables. Nothing here applies the visibility
 * rule unless asked (`readableBy`); what to show is the caller's decision.
 */
export class PostRowsService {
  readonly #ctx: SocialContext;
  readonly #media: MediaService;

  constructor(ctx: SocialContext & { media: MediaService }) {
    this.#ctx = ctx;
    this.#media = ctx.media;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  #query(filter: PostFilter, db: Queryable) {
    return db
      .selectFrom('posts')
      .$if(filter.ids !== undefined, (q) => q.where('posts.id', 'in', filter.ids!.length ? [...new Set(filter.ids!)] : [0]))
      .$if(filter.actorId !== undefined, (q) => q.where('posts.actor_id', '=', filter.actorId!))
      .$if(filter.local !== undefined, (q) => q.where('posts.local', '=', filter.local ? 1 : 0))
      .$if(Boolean(filter.originals), (q) => q.where('posts.boost_of_id', 'is', null))
      .$if(Boolean(filter.live), (q) => q.where('posts.deleted_at', 'is', null))
      .$if(filter.visibility !== undefined, (q) => q.where('posts.visibility', 'in', filter.visibility!))
      .$if(filter.readableBy !== undefined, (q) => q.where(visibleTo(filter.readableBy!, 'posts')))
      .$if(filter.before !== undefined, (q) => q.where('posts.id', '<', filter.before!));
  }

  /** The posts that match, newest first (inside the caller's transaction if given). */
  async find(filter: PostFilter, db: Queryable = this.#db): Promise<PostRow[]> {
    if (filter.ids?.length === 0) return [];
    return this.#query(filter, db)
      .selectAll('posts')
      .orderBy('posts.id', 'desc')
      .$if(filter.limit !== undefined, (q) => q.limit(filter.limit!))
      .execute();
  }

  /** How many posts match. */
  async count(filter: Omit<PostFilter, 'limit'>, db: Queryable = this.#db): Promise<number> {
    if (filter.ids?.length === 0) return 0;
    const row = await this.#query(filter, db)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The post (or boost) an ActivityPub id names. */
  async byUri(uri: string, db: Queryable = this.#db): Promise<PostRow | undefined> {
    return db.selectFrom('posts').selectAll().where('uri', '=', uri).executeTakeFirst();
  }

  /** A remote post by its ActivityPub id or the address of its page. */
  async byAddress(address: string): Promise<PostRow | undefined> {
    return this.#db
      .selectFrom('posts')
      .selectAll()
      .where((eb) => eb.or([eb('uri', '=', address), eb('url', '=', address)]))
      .executeTakeFirst();
  }

  /** Pinned posts of an account, newest pin first (at most five); `publicOnly` keeps live public ones. */
  async pinned(actorId: number, options: { publicOnly?: boolean } = {}): Promise<PostRow[]> {
    return this.#db
      .selectFrom('pins')
      .innerJoin('posts', 'posts.id', 'pins.post_id')
      .selectAll('posts')
      .where('pins.actor_id', '=', actorId)
      .$if(Boolean(options.publicOnly), (q) => q.where('posts.visibility', '=', 'public').where('posts.deleted_at', 'is', null))
      .orderBy('pins.created_at', 'desc')
      .limit(20)
      .execute();
  }

  /** What these posts are made of (see PostRecord), in their order, in a fixed number of queries. */
  async records(posts: PostRow[]): Promise<PostRecord[]> {
    if (posts.length === 0) return [];
    const db = this.#db;
    const ids = posts.map((p) => p.id);
    const parentIds = [...new Set(posts.flatMap((p) => (p.reply_to_id ? [p.reply_to_id] : [])))];
    const [mentions, tags, media, parents] = await Promise.all([
      db
        .selectFrom('mentions')
        .innerJoin('actors', 'actors.id', 'mentions.actor_id')
        .select(['mentions.post_id', 'actors.id', 'actors.uri', 'actors.handle', 'actors.domain', 'actors.acct'])
        .where('mentions.post_id', 'in', ids)
        .execute(),
      db
        .selectFrom('post_hashtags')
        .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
        .select(['post_hashtags.post_id', 'hashtags.slug', 'hashtags.name'])
        .where('post_hashtags.post_id', 'in', ids)
        .execute(),
      this.#media.ofPosts(ids),
      parentIds.length
        ? db
            .selectFrom('posts')
            .innerJoin('actors', 'actors.id', 'posts.actor_id')
            .select(['posts.id', 'posts.uri', 'posts.local', 'actors.handle', 'actors.uri as actor_uri'])
            .where('posts.id', 'in', parentIds)
            .execute()
        : Promise.resolve([]),
    ]);
    const parentById = new Map(parents.map((p) => [p.id, p]));
    return posts.map((post) => {
      const parent = post.reply_to_id ? parentById.get(post.reply_to_id) : undefined;
      return {
        post,
        mentions: mentions
          .filter((m) => m.post_id === post.id)
          .map((m) => ({ actorId: m.id, uri: m.uri, handle: m.handle, domain: m.domain, acct: m.acct })),
        tags: tags.filter((t) => t.post_id === post.id).map((t) => ({ slug: t.slug, name: t.name })),
        media: media.get(post.id) ?? [],
        replyTo: parent
          ? { id: parent.id, uri: parent.uri, local: parent.local === 1, authorHandle: parent.handle, authorUri: parent.actor_uri }
          : null,
      };
    });
  }
}
