import { type Database, isUniqueViolation, type Queryable, type Tx } from '../db/database.ts';
import type { ArticleStatus } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { type FieldIssue, UserError } from '../platform/errors.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ActorSummary, PostArticle, PostView, SocialService } from '../social/index.ts';
import { ArticleAnnouncements } from './article-announcements.ts';
import { type ArticleImage, ArticleImages } from './article-images.ts';
import { renderArticle } from './article-markdown.ts';
import { ArticleReader, type PublishedArticle } from './article-reading.ts';
import { type ArticleListItem, type ArticleRow, type ArticleView, articleUrl, slugify } from './article-rows.ts';
import { type ArticleInput, type ArticleUpdate, articleBody, MARKDOWN_MAX } from './article-schemas.ts';

export interface ArticlesDeps {
  database: Database;
  config: Config;
  storage: Storage;
  /** The announcing posts, their comments and the posts an article quotes are social's. */
  social: SocialService;
}

/**
 * Members' long-form articles: drafts visible only to their author; publishing creates a public
 * post that announces the article (article-announcements.ts) and whose replies are the
 * article's comments. Reading is in article-reading.ts, images in article-images.ts.
 */
export class ArticlesService {
  readonly #database: Database;
  readonly #config: Config;
  readonly #social: SocialService;
  readonly #announcements: ArticleAnnouncements;
  readonly #images: ArticleImages;
  readonly #reader: ArticleReader;

  constructor(deps: ArticlesDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#social = deps.social;
    this.#announcements = new ArticleAnnouncements({ database: deps.database, social: deps.social, config: deps.config });
    this.#images = new ArticleImages({ database: deps.database, config: deps.config, storage: deps.storage });
    this.#reader = new ArticleReader({
      database: deps.database,
      config: deps.config,
      social: deps.social,
      announcements: this.#announcements,
    });
  }

  get #db() {
    return this.#database.db;
  }

  get #baseUrl() {
    return this.#config.baseUrl;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** Renders Markdown as it would be published (the editor's Preview), without saving anything. */
  async preview(markdown: string): Promise<{ html: string; issues: FieldIssue[] }> {
    const issues: FieldIssue[] = [];
    const result = articleBody.safeParse(markdown);
    if (!result.success) issues.push({ path: 'markdown', message: result.error.issues[0]!.message });
    const rendered = await this.#render(markdown.slice(0, MARKDOWN_MAX));
    return { html: rendered.html, issues: [...issues, ...rendered.issues] };
  }

  /** Saves a new draft. */
  async create(viewer: Viewer, input: ArticleInput): Promise<ArticleView> {
    const markdown = input.markdown ?? '';
    const html = await this.#renderOrThrow(markdown);
    const now = Date.now();
    const id = await this.#withFreeSlug(viewer.actorId, input.title, null, async (tx, slug) => {
      const row = await tx
        .insertInto('articles')
        .values({
          member_id: viewer.memberId,
          actor_id: viewer.actorId,
          slug,
          title: input.title,
          summary: input.summary || null,
          markdown,
          html,
          status: 'draft',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return this.get(viewer, id);
  }

  /**
   * Saves changes. A draft's address follows its title; a published article keeps its address,
   * and the post announcing it is edited too (its edit history keeps the earlier version and
   * other servers receive an Update with the new text).
   */
  async update(viewer: Viewer, id: number, input: ArticleUpdate): Promise<ArticleView> {
    const row = await this.#own(viewer, id);
    const next = {
      title: input.title ?? row.title,
      summary: input.summary === undefined ? row.summary : input.summary || null,
      markdown: input.markdown ?? row.markdown,
    };
    if (row.status === 'published' && !next.markdown.trim())
      throw UserError.field('markdown', 'A published article cannot be empty. Delete it instead.');
    const html = await this.#renderOrThrow(next.markdown);
    // Saving without a change (an image upload, Update pressed twice) writes nothing, so a
    // published article's post gets no empty edit, nor other servers an Update.
    if (next.title === row.title && next.summary === row.summary && next.markdown === row.markdown && html === row.html)
      return this.get(viewer, id);
    const now = Date.now();
    if (row.status === 'draft') {
      await this.#withFreeSlug(viewer.actorId, next.title, id, async (tx, slug) => {
        await tx
          .updateTable('articles')
          .set({ ...next, slug, html, updated_at: now })
          .where('id', '=', id)
          .execute();
        return id;
      });
      return this.get(viewer, id);
    }
    const text = this.#announcements.text(next.title, next.summary, articleUrl(this.#baseUrl, viewer.handle, row.slug));
    await this.#announcements.check(text);
    // The article first: the federation Update the post edit queues reads the article's new HTML.
    await this.#db
      .updateTable('articles')
      .set({ ...next, html, updated_at: now })
      .where('id', '=', id)
      .execute();
    await this.#announcements.edit(viewer, id, row.post_id, text);
    return this.get(viewer, id);
  }

  /**
   * Publishes a draft: its announcing post is created through social, and the same transaction
   * (the post hook `linkAnnouncement`) marks the article published. `options.at` backdates it
   * (trusted callers: the demo).
   */
  async publish(viewer: Viewer, id: number, options: { at?: number } = {}): Promise<ArticleView> {
    const row = await this.#own(viewer, id);
    if (row.status === 'published') throw new UserError(409, 'already_published', 'This article is already published.');
    if (!row.markdown.trim()) throw UserError.field('markdown', 'Write the article before publishing it.');
    // Rendered again: a quoted post may have been deleted or hidden since the draft was saved.
    const html = await this.#renderOrThrow(row.markdown);
    const text = this.#announcements.text(row.title, row.summary, articleUrl(this.#baseUrl, viewer.handle, row.slug));
    await this.#announcements.check(text);
    await this.#announcements.publish(viewer, id, text, html, options.at);
    return this.get(viewer, id);
  }

  /** Deletes an article, the post announcing it (its comments stay in that thread) and its images. */
  async delete(viewer: Viewer, id: number): Promise<void> {
    const row = await this.#own(viewer, id);
    await this.#announcements.remove(viewer, id, row.post_id);
    await this.#images.deleteWithArticle(id);
  }

  /** Stores an image for your article; the answer carries the Markdown that shows it. */
  async uploadImage(viewer: Viewer, id: number, bytes: Uint8Array | null, alt: string): Promise<ArticleImage> {
    await this.#own(viewer, id);
    return this.#images.upload(viewer.memberId, id, bytes, alt);
  }

  /** The images uploaded for your article, newest first. */
  async images(viewer: Viewer, id: number): Promise<ArticleImage[]> {
    await this.#own(viewer, id);
    return this.#images.of(id);
  }

  // ---- comments (replies to the announcing post) -------------------------------------------------

  /** The article's comments as the viewer may see them; null when there are none to show (no announcing post to see). */
  async comments(viewer: Viewer | null, article: ArticleView): Promise<Array<PostView & { depth: number }> | null> {
    if (!article.postId) return null;
    try {
      return (await this.#social.posts.thread(viewer, article.postId)).descendants;
    } catch (error) {
      if (error instanceof UserError) return null;
      throw error;
    }
  }

  /** Comments on a published article: a public reply to its announcing post. */
  async comment(viewer: Viewer, article: ArticleView, text: string): Promise<PostView> {
    if (!article.postId)
      throw new UserError(
        409,
        'comments_closed',
        'This article takes no comments: it is not published, or the post announcing it was deleted.',
      );
    return this.#social.posts.create(viewer, { text, visibility: 'public', replyToId: article.postId });
  }

  // ---- reading (article-reading.ts) ----------------------------------------------------------------

  get(viewer: Viewer | null, id: number): Promise<ArticleView> {
    return this.#reader.get(viewer, id);
  }

  bySlug(viewer: Viewer | null, handle: string, slug: string): Promise<ArticleView> {
    return this.#reader.bySlug(viewer, handle, slug);
  }

  blog(
    viewer: Viewer | null,
    handle: string,
    cursor?: string,
  ): Promise<{ author: ActorSummary; articles: ArticleListItem[]; nextCursor: string | null }> {
    return this.#reader.blog(viewer, handle, cursor);
  }

  mine(viewer: Viewer, status: ArticleStatus, cursor?: string): Promise<{ articles: ArticleListItem[]; nextCursor: string | null }> {
    return this.#reader.mine(viewer, status, cursor);
  }

  all(viewer: Viewer): AsyncGenerator<ArticleView[]> {
    return this.#reader.all(viewer);
  }

  feed(viewer: Viewer | null, handle: string): Promise<{ author: ActorSummary; articles: ArticleView[] }> {
    return this.#reader.feed(viewer, handle);
  }

  hasPublished(actorId: number): Promise<boolean> {
    return this.#reader.hasPublished(actorId);
  }

  /** Published articles by id with their HTML and page (federation sends them as Articles). */
  published(ids: number[]): Promise<Map<number, PublishedArticle>> {
    return this.#reader.published(ids);
  }

  /** The cards of the articles posts announce (social's post extension). */
  cards(db: Queryable, ids: number[]): Promise<Map<number, PostArticle>> {
    return this.#reader.cards(db, ids);
  }

  // ---- inside ----------------------------------------------------------------------------------

  /** Your own article, or 404 (someone else's draft) / 403 (someone else's published article). */
  async #own(viewer: Viewer, id: number): Promise<ArticleRow> {
    const row = await this.#db
      .selectFrom('articles')
      .select([
        'id',
        'slug',
        'title',
        'summary',
        'markdown',
        'html',
        'status',
        'post_id',
        'member_id',
        'actor_id',
        'created_at',
        'updated_at',
        'published_at',
      ])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || (row.member_id !== viewer.memberId && row.status !== 'published')) throw UserError.notFound('There is no such article.');
    if (row.member_id !== viewer.memberId) throw UserError.forbidden('You can only change your own articles.');
    return row;
  }

  /** Markdown rendered, quoting public posts of this server as an anonymous reader sees them. */
  #render(markdown: string) {
    return renderArticle(
      async (ids) => {
        const originals = await this.#social.postRows.find({ ids, originals: true, visibility: ['public'] });
        return this.#social.posts.hydrate(
          null,
          originals.map((p) => ({ postId: p.id })),
        );
      },
      this.#baseUrl,
      markdown,
    );
  }

  async #renderOrThrow(markdown: string): Promise<string> {
    const rendered = await this.#render(markdown);
    if (rendered.issues.length) throw UserError.invalid(rendered.issues, rendered.issues[0]!.message);
    return rendered.html;
  }

  /**
   * Runs `write` with the first free slug for the title (`title`, `title-2`, …). Two saves racing
   * for the same slug meet the unique index; the loser tries again with the next one.
   */
  async #withFreeSlug(
    actorId: number,
    text: string,
    exceptId: number | null,
    write: (tx: Tx, slug: string) => Promise<number>,
  ): Promise<number> {
    const base = slugify(text);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#db.transaction().execute(async (tx) => {
          const current = exceptId
            ? await tx.selectFrom('articles').select('slug').where('id', '=', exceptId).executeTakeFirst()
            : undefined;
          const slug = current?.slug === base ? base : await freeSlug(tx, actorId, base, exceptId);
          return write(tx, slug);
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }
}

async function freeSlug(db: Queryable, actorId: number, base: string, exceptId: number | null): Promise<string> {
  let query = db
    .selectFrom('articles')
    .select('slug')
    .where('actor_id', '=', actorId)
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]));
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = new Set((await query.execute()).map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
