import type { ArticleStatus, ArticlesTable } from '../db/schema.ts';
import type { ActorSummary } from '../social/index.ts';

/** Articles as read from the database, and as pages and the API show them. */

/** An article as pages and the API show it. */
export interface ArticleView {
  id: number;
  slug: string;
  title: string;
  summary: string | null;
  markdown: string;
  /** Rendered and sanitised. */
  html: string;
  status: ArticleStatus;
  /** The article's page (where a draft will be once published; only its author can open it before). */
  url: string;
  author: ActorSummary;
  /** The post announcing it; its replies are the comments. */
  postId: number | null;
  comments: number;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
}

/** An article in a list: no body. */
export type ArticleListItem = Omit<ArticleView, 'markdown' | 'html'>;

export type ArticleRow = Pick<
  ArticlesTable,
  | 'slug'
  | 'title'
  | 'summary'
  | 'markdown'
  | 'html'
  | 'status'
  | 'post_id'
  | 'member_id'
  | 'actor_id'
  | 'created_at'
  | 'updated_at'
  | 'published_at'
> & { id: number };

/** An article's row without its body (lists). */
export type ArticleListRow = Omit<ArticleRow, 'markdown' | 'html'>;

export const ARTICLE_LIST_COLUMNS = [
  'id',
  'member_id',
  'actor_id',
  'slug',
  'title',
  'summary',
  'status',
  'post_id',
  'created_at',
  'updated_at',
  'published_at',
] as const;

/** The post announcing an article, as far as the article shows it. */
export interface Announcement {
  live: boolean;
  replies: number;
}

/** The address of an article's page. */
export function articleUrl(baseUrl: string, handle: string, slug: string): string {
  return `${baseUrl}/@${handle}/blog/${slug}`;
}

/** A title as a URL path segment: ASCII letters and digits joined by hyphens ("Genrefication, one year on" → "genrefication-one-year-on"). */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const short = words.length > 80 ? words.slice(0, 80).replace(/-[^-]*$/, '') || words.slice(0, 80) : words;
  return short || 'article';
}

/** A list item from its row, its author and its announcing post (comments are the post's replies). */
export function listItem(row: ArticleListRow, author: ActorSummary, post: Announcement | undefined, baseUrl: string): ArticleListItem {
  const postId = row.post_id && post?.live !== false ? row.post_id : null;
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    status: row.status,
    url: articleUrl(baseUrl, author.handle, row.slug),
    author,
    postId,
    comments: postId ? (post?.replies ?? 0) : 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}
