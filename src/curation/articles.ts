import { z } from 'zod';
import { type Database, isUniqueViolation, type Queryable, type Tx } from '../db/database.ts';
import type { ArticleStatus, ArticlesTable } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { type FieldIssue, parseInput, UserError } from '../platform/errors.ts';
import { processImage } from '../platform/images.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { NewPost, SocialService } from '../social/index.ts';
import { type ActorSummary, loadActors, parseText, textLength } from '../social/index.ts';
import { renderArticle } from './article-markdown.ts';

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 500;
export const MARKDOWN_MAX = 100_000;
export const IMAGE_ALT_MAX = 1500;
const IMAGE_SIZE = 2000;
const PAGE = 20;

const title = z.string().trim().min(1, 'Give the article a title.').max(TITLE_MAX, `A title can have at most ${TITLE_MAX} characters.`);
const summary = z.string().trim().max(SUMMARY_MAX, `A summary can have at most ${SUMMARY_MAX} characters.`).nullable();
const body = z.string().max(MARKDOWN_MAX, `An article can have at most ${MARKDOWN_MAX.toLocaleString('en')} characters of Markdown.`);

export const articleInputSchema = z.strictObject({
  title,
  summary: summary.optional(),
  markdown: body.default(''),
});
export type ArticleInput = z.input<typeof articleInputSchema>;

/** Changes to an article: what is left out stays as it is. */
export const articleUpdateSchema = z.strictObject({ title: title.optional(), summary: summary.optional(), markdown: body.optional() });

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

export interface ArticleImage {
  id: number;
  url: string;
  alt: string;
  width: number;
  height: number;
  /** What to paste into the Markdown. */
  markdown: string;
}

type ArticleRow = Pick<
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

interface ArticlesContext {
  database: Database;
  config: Config;
  storage: Storage;
  social: SocialService;
}

/**
 * Members' long-form articles: drafts visible only to their author; publishing creates a public
 * post that announces the article (so it reaches followers' timelines, notifications and other
 * servers like any post) and whose replies are the article's comments.
 */
export class ArticlesService {
  readonly #ctx: ArticlesContext;

  constructor(ctx: ArticlesContext) {
    this.#ctx = ctx;
    // Publishing writes the announcing post and the article's new state in one transaction.
    ctx.social.posts.onCreate((tx, post) => this.#linkAnnouncement(tx, post));
  }

  get #db() {
    return this.#ctx.database.db;
  }

  get #baseUrl() {
    return this.#ctx.config.baseUrl;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** Renders Markdown as it would be published (the editor's Preview), without saving anything. */
  async preview(markdown: string): Promise<{ html: string; issues: FieldIssue[] }> {
    const issues: FieldIssue[] = [];
    const result = body.safeParse(markdown);
    if (!result.success) issues.push({ path: 'markdown', message: result.error.issues[0]!.message });
    const rendered = await renderArticle(this.#db, this.#ctx.social, this.#baseUrl, markdown.slice(0, MARKDOWN_MAX));
    return { html: rendered.html, issues: [...issues, ...rendered.issues] };
  }

  /** Saves a new draft. */
  async create(viewer: Viewer, raw: unknown): Promise<ArticleView> {
    const input = parseInput(articleInputSchema, raw);
    const html = await this.#renderOrThrow(input.markdown);
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
          markdown: input.markdown,
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
  async update(viewer: Viewer, id: number, raw: unknown): Promise<ArticleView> {
    const input = parseInput(articleUpdateSchema, raw);
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
    const text = this.#announcement(next.title, next.summary, articleUrl(this.#baseUrl, viewer.handle, row.slug));
    await this.#checkAnnouncement(text);
    // The article first: the federation Update the post edit queues reads the article's new HTML.
    await this.#db
      .updateTable('articles')
      .set({ ...next, html, updated_at: now })
      .where('id', '=', id)
      .execute();
    const post = row.post_id
      ? await this.#db.selectFrom('posts').select('deleted_at').where('id', '=', row.post_id).executeTakeFirst()
      : undefined;
    if (row.post_id && post && !post.deleted_at)
      await this.#announcing(() => this.#ctx.social.posts.edit(viewer, row.post_id!, { text }, { linkedObject: id }));
    return this.get(viewer, id);
  }

  /**
   * Publishes a draft: its announcing post is created through the posts service, and the same
   * transaction (see #linkAnnouncement) marks the article published. `options.at` backdates it
   * (trusted callers: the demo).
   */
  async publish(viewer: Viewer, id: number, options: { at?: number } = {}): Promise<ArticleView> {
    const row = await this.#own(viewer, id);
    if (row.status === 'published') throw new UserError(409, 'already_published', 'This article is already published.');
    if (!row.markdown.trim()) throw UserError.field('markdown', 'Write the article before publishing it.');
    // Rendered again: a quoted post may have been deleted or hidden since the draft was saved.
    const html = await this.#renderOrThrow(row.markdown);
    const text = this.#announcement(row.title, row.summary, articleUrl(this.#baseUrl, viewer.handle, row.slug));
    await this.#checkAnnouncement(text);
    await this.#announcing(() =>
      this.#ctx.social.posts.create(viewer, { text, visibility: 'public' }, [], {
        ...(options.at ? { at: options.at } : {}),
        occasion: { kind: 'linked-object', objectId: id, content: html },
      }),
    );
    return this.get(viewer, id);
  }

  /** Deletes an article, the post announcing it (its comments stay in that thread) and its images. */
  async delete(viewer: Viewer, id: number): Promise<void> {
    const row = await this.#own(viewer, id);
    if (row.post_id) {
      const post = await this.#db.selectFrom('posts').select('deleted_at').where('id', '=', row.post_id).executeTakeFirst();
      // Through the posts service, so timelines forget it and other servers receive a Delete.
      if (post && !post.deleted_at) await this.#ctx.social.posts.delete(viewer, row.post_id, { linkedObject: id });
    }
    const images = await this.#db.selectFrom('article_images').select('url').where('article_id', '=', id).execute();
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('article_images').where('article_id', '=', id).execute();
      await tx.deleteFrom('articles').where('id', '=', id).execute();
    });
    for (const image of images) await this.#ctx.storage.delete(image.url);
  }

  /** Stores an image for the article; the answer carries the Markdown that shows it. */
  async uploadImage(viewer: Viewer, id: number, bytes: Uint8Array | null, alt: string): Promise<ArticleImage> {
    await this.#own(viewer, id);
    const description = alt.trim();
    const issues: FieldIssue[] = [];
    if (!bytes || bytes.byteLength === 0) issues.push({ path: 'image', message: 'Choose an image file to upload.' });
    if (!description) issues.push({ path: 'imageAlt', message: 'Describe the image for people who cannot see it (alt text).' });
    if (description.length > IMAGE_ALT_MAX)
      issues.push({ path: 'imageAlt', message: `Alt text can have at most ${IMAGE_ALT_MAX} characters.` });
    if (issues.length) throw UserError.invalid(issues, issues[0]!.message);
    if (bytes!.byteLength > this.#ctx.config.maxUploadBytes) {
      throw UserError.field(
        'image',
        `The image is too large: the limit is ${Math.round(this.#ctx.config.maxUploadBytes / 1048576)} MB.`,
        413,
        'too_large',
      );
    }
    const image = await processImage(bytes!, { field: 'image', maxSize: IMAGE_SIZE });
    const url = await this.#ctx.storage.put('articles', image.extension, image.bytes);
    const row = await this.#db
      .insertInto('article_images')
      .values({
        article_id: id,
        member_id: viewer.memberId,
        url,
        alt: description,
        width: image.width,
        height: image.height,
        content_type: image.contentType,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return imageView({ id: row.id, url, alt: description, width: image.width, height: image.height });
  }

  /** The images uploaded for your article, newest first. */
  async images(viewer: Viewer, id: number): Promise<ArticleImage[]> {
    await this.#own(viewer, id);
    const rows = await this.#db
      .selectFrom('article_images')
      .select(['id', 'url', 'alt', 'width', 'height'])
      .where('article_id', '=', id)
      .orderBy('id', 'desc')
      .execute();
    return rows.map(imageView);
  }

  // ---- reading ---------------------------------------------------------------------------------

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
      articles: page.map((r) => this.#view(r, author)),
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
      articles: page.map((r) => this.#view(r, authors.get(viewer.actorId)!)),
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
      yield rows.map((r) => ({ ...this.#view(r, authors.get(viewer.actorId)!), markdown: r.markdown, html: r.html }));
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
    return { author, articles: rows.map((r) => ({ ...this.#view(r, author), markdown: r.markdown, html: r.html })) };
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

  // ---- inside ----------------------------------------------------------------------------------

  #selectList() {
    return this.#db
      .selectFrom('articles')
      .leftJoin('posts', 'posts.id', 'articles.post_id')
      .select([
        'articles.id',
        'articles.member_id',
        'articles.actor_id',
        'articles.slug',
        'articles.title',
        'articles.summary',
        'articles.status',
        'articles.post_id',
        'articles.created_at',
        'articles.updated_at',
        'articles.published_at',
        'posts.reply_count',
        'posts.deleted_at as post_deleted_at',
      ]);
  }

  #select() {
    return this.#selectList().select(['articles.markdown', 'articles.html']);
  }

  #view(
    row: Omit<ArticleRow, 'markdown' | 'html'> & { reply_count: number | null; post_deleted_at: number | null },
    author: ActorSummary,
  ): ArticleListItem {
    const postId = row.post_id && !row.post_deleted_at ? row.post_id : null;
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      summary: row.summary,
      status: row.status,
      url: articleUrl(this.#baseUrl, author.handle, row.slug),
      author,
      postId,
      comments: postId ? (row.reply_count ?? 0) : 0,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      publishedAt: row.published_at,
    };
  }

  /** The row as the viewer may see it, or 404 (a draft of someone else, an author who blocked the viewer…). */
  async #readable(
    viewer: Viewer | null,
    row: (ArticleRow & { reply_count: number | null; post_deleted_at: number | null }) | undefined,
  ): Promise<ArticleView> {
    const missing = UserError.notFound('There is no such article, or it is not published.');
    if (!row) throw missing;
    const own = viewer?.actorId === row.actor_id;
    if (!own && (row.status !== 'published' || !(await this.#canSee(viewer, row.actor_id)))) throw missing;
    const authors = await loadActors(this.#db, [row.actor_id], this.#baseUrl);
    return { ...this.#view(row, authors.get(row.actor_id)!), markdown: row.markdown, html: row.html };
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
    const block = await this.#db
      .selectFrom('blocks')
      .select('actor_id')
      .where((eb) =>
        eb.or([
          eb.and([eb('actor_id', '=', authorActorId), eb('target_id', '=', viewer.actorId)]),
          eb.and([eb('actor_id', '=', viewer.actorId), eb('target_id', '=', authorActorId)]),
        ]),
      )
      .executeTakeFirst();
    return !block;
  }

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

  async #renderOrThrow(markdown: string): Promise<string> {
    const rendered = await renderArticle(this.#db, this.#ctx.social, this.#baseUrl, markdown);
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

  /** The announcing post's text: the title, the summary and the article's address, within a post's length. */
  #announcement(articleTitle: string, articleSummary: string | null, url: string): string {
    const max = this.#ctx.config.postMaxChars;
    const fixed = textLength(articleTitle) + textLength(url) + 4;
    let lead = articleSummary ?? '';
    if (lead && fixed + 2 + textLength(lead) > max) {
      const room = Math.max(0, max - fixed - 3);
      lead = room > 0 ? `${[...lead].slice(0, room).join('').trimEnd()}…` : '';
    }
    return [articleTitle, lead, url].filter(Boolean).join('\n\n');
  }

  /**
   * The announcement is a post: an @mention in the title or summary must name a member here.
   * Checked before anything is saved, with the field the author can fix.
   */
  async #checkAnnouncement(text: string): Promise<void> {
    const ourHost = new URL(this.#baseUrl).host.toLowerCase();
    const local = parseText(text).mentions.filter((m) => !m.host || m.host === ourHost);
    if (local.length === 0) return;
    const known = await this.#db
      .selectFrom('actors')
      .innerJoin('members', 'members.actor_id', 'actors.id')
      .select('actors.acct')
      .where(
        'actors.acct',
        'in',
        local.map((m) => m.handle.toLowerCase()),
      )
      .where('actors.domain', 'is', null)
      .where('members.suspended_at', 'is', null)
      .execute();
    const found = new Set(known.map((k) => k.acct));
    const unknown = local.filter((m) => !found.has(m.handle.toLowerCase()));
    if (unknown.length) {
      throw UserError.field(
        'title',
        `There is no member ${unknown.map((m) => `@${m.handle}`).join(', ')} here: the title and summary go into the post announcing the article, so check the spelling of the handle.`,
      );
    }
  }

  /** Runs a posts-service call for the announcement; its problems are shown on the title (what the announcement is made of). */
  async #announcing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof UserError) || error.code === 'already_published' || error.issues.length === 0) throw error;
      const issues = error.issues.map((i) => ({
        path: i.path === 'text' ? 'title' : i.path,
        message: `The post announcing the article: ${i.message}`,
      }));
      throw new UserError(error.status, error.code, issues[0]!.message, { issues });
    }
  }

  /** In the announcing post's transaction: the article becomes published (social stores the post's `article_id` from its linked-object occasion). */
  async #linkAnnouncement(tx: Tx, post: NewPost): Promise<string[]> {
    if (post.occasion?.kind !== 'linked-object') return [];
    const { objectId: articleId, content: articleHtml } = post.occasion;
    const updated = await tx
      .updateTable('articles')
      .set({ status: 'published', published_at: post.createdAt, updated_at: post.createdAt, post_id: post.id, html: articleHtml })
      .where('id', '=', articleId)
      .where('actor_id', '=', post.actorId)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    // Published meanwhile (a second click): the whole post is rolled back.
    if (Number(updated.numUpdatedRows) === 0) throw new UserError(409, 'already_published', 'This article is already published.');
    return [];
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

function imageView(row: { id: number; url: string; alt: string; width: number; height: number }): ArticleImage {
  // Brackets would end the description early in Markdown.
  const alt = row.alt.replace(/[[\]\\]/g, '\\$&').replace(/\s+/g, ' ');
  return { id: row.id, url: row.url, alt: row.alt, width: row.width, height: row.height, markdown: `![${alt}](${row.url})` };
}
