import { type Selectable, sql } from 'kysely';
import { roleLabel } from '../accounts/index.ts';
import type { Queryable } from '../db/database.ts';
import type { ActorsTable, PostsTable, Visibility } from '../db/schema.ts';
import type { PostExtensions } from './post-extensions.ts';
import { type Reader, visibleTo } from './visibility.ts';

/** Everything a page or the API shows about an actor next to their posts. */
export interface ActorSummary {
  id: number;
  handle: string;
  /** `handle` for members, `handle@host` for remote accounts. */
  acct: string;
  displayName: string;
  avatarUrl: string | null;
  /** Profile page: `/@handle` here, the remote profile otherwise. */
  url: string;
  local: boolean;
  roleLabel: string | null;
}

export interface MediaView {
  id: number;
  url: string;
  alt: string;
  width: number | null;
  height: number | null;
}

export interface CardView {
  url: string;
  title: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
}

export interface PostView {
  id: number;
  /** The post's own page. */
  url: string;
  author: ActorSummary;
  text: string;
  html: string;
  contentWarning: string | null;
  visibility: Visibility;
  createdAt: number;
  editedAt: number | null;
  replyTo: { id: number; author: ActorSummary | null } | null;
  threadId: number;
  media: MediaView[];
  card: CardView | null;
  counts: { replies: number; boosts: number; likes: number };
  /** The reader's own relation to the post (null for anonymous readers). */
  mine: { own: boolean; liked: boolean; boosted: boolean; bookmarked: boolean; pinned: boolean } | null;
  /** Set when a timeline shows the post because someone boosted it. */
  boostedBy: { boostId: number; actor: ActorSummary; at: number } | null;
  /** Set when the post announces an article (a linked object, see post-extensions.ts): its card replaces the text. */
  article: PostArticle | null;
}

/** The article a post announces, as its card shows it. */
export interface PostArticle {
  id: number;
  title: string;
  summary: string | null;
  /** The article's page. */
  url: string;
}

export type PostRow = Selectable<PostsTable>;
type ActorRow = Pick<
  Selectable<ActorsTable>,
  'id' | 'handle' | 'acct' | 'domain' | 'display_name' | 'avatar_url' | 'url' | 'role' | 'role_other'
>;

/** The columns `actorSummary` needs, for a select on `actors` (spread in, with any others). */
export const ACTOR_SUMMARY_COLUMNS = [
  'actors.id',
  'actors.handle',
  'actors.acct',
  'actors.domain',
  'actors.display_name',
  'actors.avatar_url',
  'actors.url',
  'actors.role',
  'actors.role_other',
] as const;

export function actorSummary(row: ActorRow, baseUrl: string): ActorSummary {
  const local = row.domain === null;
  return {
    id: row.id,
    handle: row.handle,
    acct: local ? row.handle : `${row.handle}@${row.domain}`,
    displayName: row.display_name || row.handle,
    avatarUrl: row.avatar_url,
    url: local ? `${baseUrl}/@${row.handle}` : (row.url ?? `${baseUrl}/@${row.handle}@${row.domain}`),
    local,
    roleLabel: roleLabel(row.role, row.role_other),
  };
}

export async function loadActors(db: Queryable, ids: number[], baseUrl: string): Promise<Map<number, ActorSummary>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .selectFrom('actors')
    .select(['id', 'handle', 'acct', 'domain', 'display_name', 'avatar_url', 'url', 'role', 'role_other'])
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, actorSummary(r, baseUrl)]));
}

/** A reference to a timeline entry: the post shown, and the boost that brought it, if any. */
export interface PostRef {
  postId: number;
  boostId?: number | null;
}

/** What hydration reads with: the database, the site's address, and what other capabilities add to posts. */
export interface HydrateContext {
  database: { db: Queryable };
  config: { baseUrl: string };
  postExtensions: PostExtensions;
}

export interface HydrateOptions {
  /** Leave out posts by people the reader muted (timelines, not threads). */
  hideMuted?: boolean;
  /** An administrator reading a report: the posts whatever their audience (a deleted one comes back emptied). */
  moderator?: boolean;
  /** Read inside this transaction instead of on the database. */
  db?: Queryable;
}

/**
 * Loads the posts behind `refs` as the reader may see them, in the same order, in a fixed
 * number of queries whatever the number of posts or follows. Posts (or boosts) the reader
 * may not see are left out. `moderator`: an administrator reading a report sees the posts
 * it concerns whatever their audience (a deleted one comes back emptied).
 */
export async function hydratePosts(
  ctx: HydrateContext,
  reader: Reader | null,
  refs: PostRef[],
  options: HydrateOptions = {},
): Promise<PostView[]> {
  if (refs.length === 0) return [];
  const db = options.db ?? ctx.database.db;
  const baseUrl = ctx.config.baseUrl;
  const ids = [...new Set(refs.flatMap((r) => (r.boostId ? [r.postId, r.boostId] : [r.postId])))];
  const rows = await db
    .selectFrom('posts')
    .selectAll()
    .where('id', 'in', ids)
    .$if(!options.moderator, (q) => q.where(visibleTo(reader, 'posts', options)))
    .execute();
  const posts = new Map(rows.map((r) => [r.id, r]));
  const shown = refs.filter((r) => posts.has(r.postId) && (!r.boostId || posts.has(r.boostId)));
  if (shown.length === 0) return [];
  const originals = [...new Set(shown.map((r) => r.postId))];

  const actorIds = rows.flatMap((r) => (r.reply_to_actor_id ? [r.actor_id, r.reply_to_actor_id] : [r.actor_id]));
  const cardIds = [...new Set(rows.flatMap((r) => (r.card_id ? [r.card_id] : [])))];
  // Most posts have no images, and has_media says which do: a page of text posts skips the query.
  const withMedia = originals.filter((id) => posts.get(id)!.has_media === 1);
  // Likewise article_id: only pages showing an article's announcement ask for the articles' cards.
  const articleIds = [...new Set(originals.flatMap((id) => posts.get(id)!.article_id ?? []))];
  const [actors, media, cards, mine, bookmarked, articleById] = await Promise.all([
    loadActors(db, actorIds, baseUrl),
    withMedia.length
      ? db
          .selectFrom('media')
          .select(['id', 'post_id', 'url', 'alt', 'width', 'height'])
          .where('post_id', 'in', withMedia)
          .orderBy('post_id')
          .orderBy('position')
          .execute()
      : Promise.resolve([]),
    cardIds.length
      ? db.selectFrom('link_cards').selectAll().where('id', 'in', cardIds).where('status', '=', 'ok').execute()
      : Promise.resolve([]),
    readerState(db, reader, originals),
    reader ? ctx.postExtensions.bookmarked(db, reader, originals) : Promise.resolve(new Set<number>()),
    ctx.postExtensions.linkedObjects(db, articleIds),
  ]);
  const mediaByPost = new Map<number, MediaView[]>();
  for (const m of media) {
    const list = mediaByPost.get(m.post_id!) ?? [];
    list.push({ id: m.id, url: m.url, alt: m.alt, width: m.width, height: m.height });
    mediaByPost.set(m.post_id!, list);
  }
  const cardById = new Map(cards.map((c) => [c.id, c]));

  return shown.map((ref) => {
    const row = posts.get(ref.postId)!;
    const boost = ref.boostId ? posts.get(ref.boostId)! : null;
    const card = row.card_id ? cardById.get(row.card_id) : undefined;
    const article = row.article_id ? articleById.get(row.article_id) : undefined;
    return {
      ...postView(row, actors, baseUrl),
      media: mediaByPost.get(row.id) ?? [],
      card: card?.title
        ? { url: card.url, title: card.title, description: card.description, imageUrl: card.image_url, siteName: card.site_name }
        : null,
      mine: reader
        ? {
            own: row.actor_id === reader.actorId,
            liked: mine.liked.has(row.id),
            boosted: mine.boosted.has(row.id),
            bookmarked: bookmarked.has(row.id),
            pinned: mine.pinned.has(row.id),
          }
        : null,
      boostedBy: boost ? { boostId: boost.id, actor: actors.get(boost.actor_id)!, at: boost.created_at } : null,
      article: article ?? null,
    };
  });
}

function postView(
  row: PostRow,
  actors: Map<number, ActorSummary>,
  baseUrl: string,
): Omit<PostView, 'media' | 'card' | 'mine' | 'boostedBy' | 'article'> {
  const author = actors.get(row.actor_id)!;
  return {
    id: row.id,
    url: row.local ? `${baseUrl}/@${author.handle}/${row.id}` : (row.url ?? row.uri ?? `${baseUrl}/posts/${row.id}`),
    author,
    text: row.text,
    html: row.html,
    contentWarning: row.content_warning,
    visibility: row.visibility,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    replyTo: row.reply_to_id
      ? { id: row.reply_to_id, author: row.reply_to_actor_id ? (actors.get(row.reply_to_actor_id) ?? null) : null }
      : null,
    threadId: row.thread_id ?? row.id,
    counts: { replies: row.reply_count, boosts: row.boost_count, likes: row.like_count },
  };
}

/**
 * The reader's likes, boosts and pins among these posts, in one query: every timeline page
 * pays for this, and one round trip instead of three keeps a page's cost (and its tail latency
 * on a small machine) down. (Bookmarks are curation's: its extension answers beside this.)
 */
async function readerState(db: Queryable, reader: Reader | null, postIds: number[]) {
  const state = { liked: new Set<number>(), boosted: new Set<number>(), pinned: new Set<number>() };
  if (!reader || postIds.length === 0) return state;
  const rows = await db
    .selectFrom('likes')
    .select([sql.lit<ReaderRelation>('liked').as('relation'), 'post_id'])
    .where('actor_id', '=', reader.actorId)
    .where('post_id', 'in', postIds)
    .unionAll(
      db
        .selectFrom('posts')
        .select([sql.lit<ReaderRelation>('boosted').as('relation'), sql<number>`boost_of_id`.as('post_id')])
        .where('actor_id', '=', reader.actorId)
        .where('boost_of_id', 'in', postIds)
        .where('deleted_at', 'is', null),
    )
    .unionAll(
      db
        .selectFrom('pins')
        .select([sql.lit<ReaderRelation>('pinned').as('relation'), 'post_id'])
        .where('actor_id', '=', reader.actorId)
        .where('post_id', 'in', postIds),
    )
    .execute();
  for (const row of rows) state[row.relation].add(Number(row.post_id));
  return state;
}

type ReaderRelation = 'liked' | 'boosted' | 'pinned';
