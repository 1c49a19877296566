import { type RawBuilder, sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext, topics } from './context.ts';
import { hydratePosts, type PostRef, type PostView } from './hydrate.ts';
import { isListed, type Reader, visibleTo } from './visibility.ts';

/**
 * Timelines. Home and list timelines are fanned out on write: creating a post inserts one
 * entry per local reader into `timeline_entries` (one INSERT … SELECT, in the post's
 * transaction), so reading a page is an index range scan plus a fixed number of hydration
 * queries — the same cost at 10 or 2,000 follows. Local, hashtag and profile timelines read
 * posts directly through their own indexes. Every page applies the visibility rule again.
 * See docs/timelines.md.
 */

/** Entries kept per home or list timeline; older ones are trimmed by a job. */
export const TIMELINE_LIMIT = 800;
const PAGE = 20;

export interface TimelinePage {
  posts: PostView[];
  nextCursor: string | null;
}

export interface FanOutPost {
  id: number;
  actorId: number;
  visibility: Visibility;
  /** Author of the post replied to, when it is a reply. */
  replyToActorId: number | null;
  hashtagIds: number[];
  mentionedActorIds: number[];
}

const notSilenced = (recipientActor: RawBuilder<unknown>, author: number) => sql`
  not exists (select 1 from blocks b where b.actor_id = ${recipientActor} and b.target_id = ${author})
  and not exists (select 1 from blocks b2 where b2.actor_id = ${author} and b2.target_id = ${recipientActor})
  and not exists (select 1 from mutes mu where mu.actor_id = ${recipientActor} and mu.target_id = ${author})`;

const ids = (values: number[]) => sql.join(values.length ? values : [0]);

/**
 * Inserts a new post into the home timelines of its author, the author's followers (replies
 * only to those who also follow the person replied to), followers of its hashtags and the
 * people mentioned, and into lists holding the author. Returns the timelines it entered.
 */
export async function fanOutPost(db: Queryable, post: FanOutPost): Promise<string[]> {
  const author = post.actorId;
  const listed = isListed(post.visibility);
  const toFollowers = post.visibility !== 'direct';
  const replyRule =
    post.replyToActorId && post.replyToActorId !== author
      ? sql`and (f.follower_id = ${post.replyToActorId} or exists (
          select 1 from follows f2 where f2.follower_id = f.follower_id and f2.followee_id = ${post.replyToActorId} and f2.state = 'accepted'))`
      : sql``;
  const home = await sql<{ feed: string }>`
    insert into timeline_entries (feed, sort_id, post_id, boost_id)
    select 'home:' || rm.id, ${post.id}, ${post.id}, null
      from members rm
     where rm.suspended_at is null
       and rm.id in (
         select m.id from members m where m.actor_id = ${author}
         ${
           toFollowers
             ? sql`union select m.id from follows f join members m on m.actor_id = f.follower_id
                              where f.followee_id = ${author} and f.state = 'accepted' ${replyRule}`
             : sql``
         }
         ${listed && post.hashtagIds.length ? sql`union select hf.member_id from hashtag_follows hf where hf.hashtag_id in (${ids(post.hashtagIds)})` : sql``}
         ${post.mentionedActorIds.length ? sql`union select m.id from members m where m.actor_id in (${ids(post.mentionedActorIds)})` : sql``})
       and (rm.actor_id = ${author} or (${notSilenced(sql.ref('rm.actor_id'), author)}))
    on conflict do nothing
    returning feed`.execute(db);
  const lists = toFollowers
    ? await sql<{ feed: string }>`
    insert into timeline_entries (feed, sort_id, post_id, boost_id)
    select 'list:' || l.id, ${post.id}, ${post.id}, null
      from list_members lm
      join lists l on l.id = lm.list_id
      join members owner on owner.id = l.member_id
     where lm.actor_id = ${author}
       and owner.suspended_at is null
       and (${
         listed
           ? sql`1 = 1`
           : sql`owner.actor_id = ${author} or exists (
             select 1 from follows f where f.follower_id = owner.actor_id and f.followee_id = ${author} and f.state = 'accepted')`
       })
       and (owner.actor_id = ${author} or (${notSilenced(sql.ref('owner.actor_id'), author)}))
    on conflict do nothing
    returning feed`.execute(db)
    : { rows: [] };
  return [...home.rows, ...lists.rows].map((r) => r.feed);
}

/** Inserts a boost into the timelines of the booster and their followers (skipping readers who already have the post). */
export async function fanOutBoost(
  db: Queryable,
  boost: { id: number; actorId: number; postId: number; authorId: number },
): Promise<string[]> {
  const silenced = (recipient: RawBuilder<unknown>) =>
    sql`${notSilenced(recipient, boost.actorId)} and ${notSilenced(recipient, boost.authorId)}`;
  const home = await sql<{ feed: string }>`
    insert into timeline_entries (feed, sort_id, post_id, boost_id)
    select 'home:' || rm.id, ${boost.id}, ${boost.postId}, ${boost.id}
      from members rm
     where rm.suspended_at is null
       and rm.id in (
         select m.id from members m where m.actor_id = ${boost.actorId}
         union select m.id from follows f join members m on m.actor_id = f.follower_id
                where f.followee_id = ${boost.actorId} and f.state = 'accepted')
       and (rm.actor_id = ${boost.actorId} or (${silenced(sql.ref('rm.actor_id'))}))
    on conflict do nothing
    returning feed`.execute(db);
  const lists = await sql<{ feed: string }>`
    insert into timeline_entries (feed, sort_id, post_id, boost_id)
    select 'list:' || l.id, ${boost.id}, ${boost.postId}, ${boost.id}
      from list_members lm
      join lists l on l.id = lm.list_id
      join members owner on owner.id = l.member_id
     where lm.actor_id = ${boost.actorId} and owner.suspended_at is null
       and (${silenced(sql.ref('owner.actor_id'))})
    on conflict do nothing
    returning feed`.execute(db);
  return [...home.rows, ...lists.rows].map((r) => r.feed);
}

/** Brings an account's recent posts into a timeline (after a follow, or adding them to a list). */
export async function backfill(db: Queryable, feed: string, actorId: number): Promise<void> {
  await sql`
    insert into timeline_entries (feed, sort_id, post_id, boost_id)
    select ${feed}, p.id, coalesce(p.boost_of_id, p.id), case when p.boost_of_id is null then null else p.id end
      from posts p
     where p.actor_id = ${actorId} and p.deleted_at is null and p.visibility <> 'direct'
       and (p.reply_to_id is null or p.reply_to_actor_id = ${actorId})
     order by p.id desc
     limit 40
    on conflict do nothing`.execute(db);
}

/** Takes an account's posts and boosts out of a timeline (after an unfollow, a block, removal from a list). */
export async function removeAuthor(db: Queryable, feed: string, actorId: number): Promise<void> {
  await sql`
    delete from timeline_entries
     where feed = ${feed}
       and ((boost_id is null and post_id in (select id from posts where actor_id = ${actorId}))
         or boost_id in (select id from posts where actor_id = ${actorId}))`.execute(db);
}

export class TimelinesService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  home(viewer: Viewer, cursor?: string): Promise<TimelinePage> {
    return this.feed(topics.home(viewer.memberId), reader(viewer), cursor);
  }

  /** A fanned-out timeline: entries newest first, hydrated for the reader. */
  async feed(feed: string, who: Reader | null, cursor?: string, limit = PAGE): Promise<TimelinePage> {
    const before = cursor ? decodeCursor(cursor, ['number'])[0] : Number.MAX_SAFE_INTEGER;
    // Read a little more than a page: entries the reader can no longer see (deleted, muted) drop out.
    const entries = await this.#ctx.database.db
      .selectFrom('timeline_entries')
      .select(['sort_id', 'post_id', 'boost_id'])
      .where('feed', '=', feed)
      .where('sort_id', '<', before)
      .orderBy('sort_id', 'desc')
      .limit(limit * 2)
      .execute();
    return this.page(
      entries.map((e) => ({ sort: e.sort_id, postId: e.post_id, boostId: e.boost_id })),
      who,
      limit,
      entries.length === limit * 2,
    );
  }

  /** Hydrates sorted candidates and cuts a page whose cursor never skips or repeats an entry. */
  private async page(
    candidates: Array<PostRef & { sort: number }>,
    who: Reader | null,
    limit: number,
    more: boolean,
  ): Promise<TimelinePage> {
    const views = await hydratePosts(this.#ctx, who, candidates, { hideMuted: true });
    const key = (postId: number, boostId: number | null | undefined) => `${postId}:${boostId ?? ''}`;
    const sortOf = new Map(candidates.map((c) => [key(c.postId, c.boostId), c.sort]));
    const posts = views.slice(0, limit);
    let next: number | null = null;
    if (views.length > limit) next = sortOf.get(key(posts.at(-1)!.id, posts.at(-1)!.boostedBy?.boostId))!;
    else if (more) next = candidates.at(-1)!.sort;
    return { posts, nextCursor: next === null ? null : encodeCursor([next]) };
  }

  /** Original, top-level posts by members of this server. */
  async local(viewer: Viewer | null, cursor?: string, limit = PAGE): Promise<TimelinePage> {
    const who = reader(viewer);
    const before = cursor ? decodeCursor(cursor, ['number'])[0] : Number.MAX_SAFE_INTEGER;
    const rows = await this.#ctx.database.db
      .selectFrom('posts')
      .select('id')
      .where(sql<boolean>`local = 1 and boost_of_id is null and reply_to_id is null and deleted_at is null`)
      .where('visibility', 'in', ['public', 'members'])
      .where('id', '<', before)
      .where(visibleTo(who, 'posts', { hideMuted: true }))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return this.page(
      rows.map((r) => ({ sort: r.id, postId: r.id })),
      who,
      limit,
      rows.length > limit,
    );
  }

  async hashtag(
    viewer: Viewer | null,
    slug: string,
    cursor?: string,
    limit = PAGE,
  ): Promise<TimelinePage & { hashtag: { id: number; slug: string; name: string; posts: number } }> {
    const db = this.#ctx.database.db;
    const tag = await db.selectFrom('hashtags').select(['id', 'slug', 'name', 'post_count']).where('slug', '=', slug).executeTakeFirst();
    if (!tag) return { hashtag: { id: 0, slug, name: slug, posts: 0 }, posts: [], nextCursor: null };
    const before = cursor ? decodeCursor(cursor, ['number'])[0] : Number.MAX_SAFE_INTEGER;
    const rows = await db
      .selectFrom('post_hashtags')
      .select('post_id')
      .where('hashtag_id', '=', tag.id)
      .where('listed', '=', 1)
      .where('post_id', '<', before)
      .orderBy('post_id', 'desc')
      .limit(limit * 2)
      .execute();
    const page = await this.page(
      rows.map((r) => ({ sort: r.post_id, postId: r.post_id })),
      reader(viewer),
      limit,
      rows.length === limit * 2,
    );
    return { ...page, hashtag: { id: tag.id, slug: tag.slug, name: tag.name, posts: tag.post_count } };
  }

  /** An account's posts: `posts` (with boosts, without replies to others), `replies` (everything), `media`. */
  async profile(
    viewer: Viewer | null,
    actorId: number,
    filter: 'posts' | 'replies' | 'media',
    cursor?: string,
    limit = PAGE,
  ): Promise<TimelinePage> {
    const before = cursor ? decodeCursor(cursor, ['number'])[0] : Number.MAX_SAFE_INTEGER;
    let query = this.#ctx.database.db
      .selectFrom('posts')
      .select(['id', 'boost_of_id'])
      .where('actor_id', '=', actorId)
      .where('deleted_at', 'is', null)
      .where('id', '<', before);
    if (filter === 'posts') query = query.where((eb) => eb.or([eb('reply_to_id', 'is', null), eb('reply_to_actor_id', '=', actorId)]));
    if (filter === 'media') query = query.where('has_media', '=', 1);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit * 2)
      .execute();
    return this.page(
      rows.map((r) => (r.boost_of_id ? { sort: r.id, postId: r.boost_of_id, boostId: r.id } : { sort: r.id, postId: r.id })),
      reader(viewer),
      limit,
      rows.length === limit * 2,
    );
  }

  /** Posts an account pinned to its profile ("featured"), newest pin first. */
  async pinned(viewer: Viewer | null, actorId: number): Promise<PostView[]> {
    const rows = await this.#ctx.database.db
      .selectFrom('pins')
      .select('post_id')
      .where('actor_id', '=', actorId)
      .orderBy('created_at', 'desc')
      .execute();
    return hydratePosts(
      this.#ctx,
      reader(viewer),
      rows.map((r) => ({ postId: r.post_id })),
    );
  }

  /** Hashtags most used on listed posts in the last 7 days. */
  async trending(limit = 10): Promise<Array<{ slug: string; name: string; uses: number; people: number }>> {
    const since = Date.now() - 7 * 86_400_000;
    const rows = await this.#ctx.database.db
      .selectFrom('post_hashtags')
      .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
      .innerJoin('posts', 'posts.id', 'post_hashtags.post_id')
      .select((eb) => [
        'hashtags.slug',
        'hashtags.name',
        eb.fn.countAll<number>().as('uses'),
        eb.fn.count<number>('posts.actor_id').distinct().as('people'),
      ])
      .where('post_hashtags.created_at', '>=', since)
      .where('post_hashtags.listed', '=', 1)
      .where('posts.deleted_at', 'is', null)
      .groupBy(['hashtags.id', 'hashtags.slug', 'hashtags.name'])
      .orderBy('people', 'desc')
      .orderBy('uses', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ slug: r.slug, name: r.name, uses: Number(r.uses), people: Number(r.people) }));
  }

  /** Keeps every home and list timeline to its newest TIMELINE_LIMIT entries (a recurring job). */
  async trim(): Promise<number> {
    const db = this.#ctx.database.db;
    const feeds = await db
      .selectFrom('members')
      .select(sql<string>`'home:' || id`.as('feed'))
      .union(db.selectFrom('lists').select(sql<string>`'list:' || id`.as('feed')))
      .execute();
    let removed = 0;
    for (const { feed } of feeds) {
      const result = await sql`
        delete from timeline_entries
         where feed = ${feed}
           and sort_id < (select sort_id from timeline_entries where feed = ${feed} order by sort_id desc limit 1 offset ${TIMELINE_LIMIT - 1})`.execute(
        db,
      );
      removed += Number(result.numAffectedRows ?? 0);
    }
    return removed;
  }
}

export function requireFeedAccess(isOwner: boolean, isPublic: boolean): void {
  if (!isOwner && !isPublic) throw UserError.notFound('There is no such list.');
}
