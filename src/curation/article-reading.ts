import type { Database, Queryable } from '../db/database.ts';
import type { ArticleStatus } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ActorSummary, loadActors, type PostArticle, type SocialService } from '../social/index.ts';
import type { ArticleAnnouncements } from './article-announcements.ts';
import {
  ARTICLE_LIST_COLUMNS,
  type ArticleListItem,
  type ArticleListRow,
  type ArticleRow,
  type ArticleView,
  articleUrl,
  listItem,
} from './article-rows.ts';

const PAGE = 20;

/** A published article as other servers receive it (federation's Article objects). */
export interface PublishedArticle {
  id: number;
  slug: string;
  title: string;
  summary: string | null;
  html: string;
  /** The article's page. */
  url: string;
}

/**
 * Reading articles: one article (published ones for anyone who may see the author, drafts for
 * their author only), a member's blog, your own articles, the account export, the Atom feed.
 */
export class ArticleReader {
  readonly #database: Database;
  readonly #config: Pick<Config, 'baseUrl'>;
  readonly #social: SocialService;
  readonly #announcements: ArticleAnnouncements;

  constructor(deps: { database: Database; config: Pick<Config, 'baseUrl'>; social: SocialService; announcements: ArticleAnnouncements }) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#social = deps.social;
    this.#announcements = deps.announcements;
  }

  get #db() {
    return this.#database.db;
  }

  get #baseUrl() {
    return this.#config.baseUrl;
  }

  /** An article by id: published ones for anyone who may see the author, drafts for their author only. */
  async get(viewer: Viewer | null, id: number): Promise<ArticleView> {
    const row = await this.#select().where('articles.id', '=', id).executeTakeFirst();
    return this.#readable(viewer, row);
  }

  /** An article by its author's handle and its slug (the article's page). */
  async bySlug(viewer: Viewer | null, handle: string, slug: string): Promise<ArticleView> {
    const row = await this.#select()
      .innerJoin('actors', 'actors.id', 'articles.actor_id')
      .where('actors.acct', '=', handle.replace(/^@/, '').toLowerCase())
      .where('actors.domain', 'is', null)
      .where('articles.slug', '=', slug.toLowerCase())
      .executeTakeFirst();
    return this.#readable(viewer, row);
  }

  /** A member's published articles, newest first. */
  async blog(
    viewer: Viewer | null,
    handle: string,
    cursor?: string,
  ): Promise<{ author: ActorSummary; articles: ArticleListItem[]; nextCursor: string | null }> {
    const author = await this.#author(viewer, handle);
    let query = this.#selectList().where('articles.actor_id', '=', author.id).where('articles.status', '=', 'published');
    if (cursor) {
      const [at, id] = decodeCursor(cursor, ['number', 'number']);
      query = query.where((eb) =>
        eb.or([eb('articles.published_at', '<', at), eb.and([eb('articles.published_at', '=', at), eb('articles.id', '<', id)])]),
      );
    }
    const rows = await query
      .orderBy('articles.published_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(PAGE + 1)
      .execute();
    const page = rows.slice(0, PAGE);
    const last = page.at(-1);
    return {
      author,
      articles: await this.#items(page, () => author),
      nextCursor: rows.length > PAGE && last ? encodeCursor([last.published_at!, last.id]) : null,
    };
  }

  /** Your own articles of one status, most recently changed first. */
  async mine(viewer: Viewer, status: ArticleStatus, cursor?: string): Promise<{ articles: ArticleListItem[]; nextCursor: string | null }> {
    let query = this.#selectList().where('articles.member_id', '=', viewer.memberId).where('articles.status', '=', status);
    if (cursor) {
      const [at, id] = decodeCursor(cursor, ['number', 'number']);
      query = query.where((eb) =>
        eb.or([eb('articles.updated_at', '<', at), eb.and([eb('articles.updated_at', '=', at), eb('articles.id', '<', id)])]),
      );
    }
    const rows = await query
      .orderBy('articles.updated_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(PAGE + 1)
      .execute();
    const page = rows.slice(0, PAGE);
    const authors = await loadActors(this.#db, [viewer.actorId], this.#baseUrl);
    const last = page.at(-1);
    return {
      articles: await this.#items(page, () => authors.get(viewer.actorId)!),
      nextCursor: rows.length > PAGE && last ? encodeCursor([last.updated_at, last.id]) : null,
    };
  }

  /** Every article of the member, drafts too, with its Markdown (the account export), oldest first. */
  async *all(viewer: Viewer): AsyncGenerator<ArticleView[]> {
    const authors = await loadActors(this.#db, [viewer.actorId], this.#baseUrl);
    for (let after = 0; ; ) {
      const rows = await this.#select()
        .where('articles.member_id', '=', viewer.memberId)
        .where('articles.id', '>', after)
        .orderBy('articles.id')
        .limit(100)
        .execute();
      if (rows.length === 0) return;
      yield await this.#views(rows, () => authors.get(viewer.actorId)!);
      after = rows.at(-1)!.id;
    }
  }

  /** The newest published articles with their HTML, for the blog's Atom feed. */
  async feed(viewer: Viewer | null, handle: string): Promise<{ author: ActorSummary; articles: ArticleView[] }> {
    const author = await this.#author(viewer, handle);
    const rows = await this.#select()
      .where('articles.actor_id', '=', author.id)
      .where('articles.status', '=', 'published')
      .orderBy('articles.published_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(PAGE)
      .execute();
    return { author, articles: await this.#views(rows, () => author) };
  }

  /** Whether the member has published anything (their profile links to the blog). */
  async hasPublished(actorId: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom('articles')
      .select('id')
      .where('actor_id', '=', actorId)
      .where('status', '=', 'published')
      .limit(1)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Published articles by id, with their HTML and page (other servers receive them as Articles), in one query. */
  async published(ids: number[], db: Queryable = this.#db): Promise<Map<number, PublishedArticle>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('articles')
      .innerJoin('actors', 'actors.id', 'articles.actor_id')
      .select(['articles.id', 'articles.slug', 'articles.title', 'articles.summary', 'articles.html', 'actors.handle'])
      .where('articles.id', 'in', [...new Set(ids)])
      .where('articles.status', '=', 'published')
      .execute();
    return new Map(
      rows.map((r) => [
        r.id,
        { id: r.id, slug: r.slug, title: r.title, summary: r.summary, html: r.html, url: articleUrl(this.#baseUrl, r.handle, r.slug) },
      ]),
    );
  }

  /** The cards of the articles posts announce (social's post extension `linkedObjects`). */
  async cards(db: Queryable, ids: number[]): Promise<Map<number, PostArticle>> {
    const published = await this.published(ids, db);
    return new Map([...published].map(([id, a]) => [id, { id, title: a.title, summary: a.summary, url: a.url }]));
  }

  // ---- inside ----------------------------------------------------------------------------------

  #selectList() {
    return this.#db.selectFrom('articles').select(ARTICLE_LIST_COLUMNS.map((c) => `articles.${c}` as const));
  }

  #select() {
    return this.#selectList().select(['articles.markdown', 'articles.html']);
  }

  /** List items of rows, with their announcing posts' state read at once. */
  async #items(rows: ArticleListRow[], author: (row: ArticleListRow) => ActorSummary): Promise<ArticleListItem[]> {
    const posts = await this.#announcements.states(rows.flatMap((r) => (r.post_id ? [r.post_id] : [])));
    return rows.map((r) => listItem(r, author(r), r.post_id ? posts.get(r.post_id) : undefined, this.#baseUrl));
  }

  async #views(rows: ArticleRow[], author: (row: ArticleListRow) => ActorSummary): Promise<ArticleView[]> {
    const items = await this.#items(rows, author);
    return items.map((item, i) => ({ ...item, markdown: rows[i]!.markdown, html: rows[i]!.html }));
  }

  /** The row as the viewer may see it, or 404 (a draft of someone else, an author who blocked the viewer…). */
  async #readable(viewer: Viewer | null, row: ArticleRow | undefined): Promise<ArticleView> {
    const missing = UserError.notFound('There is no such article, or it is not published.');
    if (!row) throw missing;
    const own = viewer?.actorId === row.actor_id;
    if (!own && (row.status !== 'published' || !(await this.#canSee(viewer, row.actor_id)))) throw missing;
    const authors = await loadActors(this.#db, [row.actor_id], this.#baseUrl);
    return (await this.#views([row], () => authors.get(row.actor_id)!))[0]!;
  }

  /** A member whose blog the viewer may read: not suspended, and no block between them. */
  async #author(viewer: Viewer | null, handle: string): Promise<ActorSummary> {
    const actor = await this.#db
      .selectFrom('actors')
      .innerJoin('members', 'members.actor_id', 'actors.id')
      .select('actors.id')
      .where('actors.acct', '=', handle.replace(/^@/, '').toLowerCase())
      .where('actors.domain', 'is', null)
      .executeTakeFirst();
    if (!actor || !(await this.#canSee(viewer, actor.id)))
      throw UserError.notFound(`There is no member @${handle.replace(/^@/, '')} here.`);
    return (await loadActors(this.#db, [actor.id], this.#baseUrl)).get(actor.id)!;
  }

  async #canSee(viewer: Viewer | null, authorActorId: number): Promise<boolean> {
    const member = await this.#db.selectFrom('members').select('suspended_at').where('actor_id', '=', authorActorId).executeTakeFirst();
    if (!member || member.suspended_at) return false;
    if (!viewer || viewer.actorId === authorActorId) return true;
    return (await this.#social.graph.blockedBetween(authorActorId, [viewer.actorId])).size === 0;
  }
}
