import type { Database, Tx } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type NewPost, parseText, type SocialService, textLength } from '../social/index.ts';
import type { Announcement } from './article-rows.ts';

/**
 * The public post that announces a published article (so it reaches followers' timelines,
 * notifications and other servers like any post); its replies are the article's comments. It is
 * social's post, written through social's service with the typed `linked-object` occasion: social
 * links it to the article and lets only the article change or delete it.
 */
export class ArticleAnnouncements {
  readonly #database: Database;
  readonly #social: SocialService;
  readonly #config: Pick<Config, 'baseUrl' | 'postMaxChars'>;

  constructor(deps: { database: Database; social: SocialService; config: Pick<Config, 'baseUrl' | 'postMaxChars'> }) {
    this.#database = deps.database;
    this.#social = deps.social;
    this.#config = deps.config;
  }

  /** The announcing post's text: the title, the summary and the article's address, within a post's length. */
  text(articleTitle: string, articleSummary: string | null, url: string): string {
    const max = this.#config.postMaxChars;
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
  async check(text: string): Promise<void> {
    const ourHost = new URL(this.#config.baseUrl).host.toLowerCase();
    const local = parseText(text).mentions.filter((m) => !m.host || m.host === ourHost);
    if (local.length === 0) return;
    const known = await this.#database.db
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

  /** Publishes the announcement; the article's hook (`link`) marks the article published in the same transaction. */
  async publish(viewer: Viewer, articleId: number, text: string, html: string, at?: number): Promise<void> {
    await this.#announcing(() =>
      this.#social.posts.create(viewer, { text, visibility: 'public' }, [], {
        ...(at ? { at } : {}),
        occasion: { kind: 'linked-object', objectId: articleId, content: html },
      }),
    );
  }

  /** Edits the announcement (when it is still there): its history keeps the earlier version, other servers receive an Update. */
  async edit(viewer: Viewer, articleId: number, postId: number | null, text: string): Promise<void> {
    if (!postId || !(await this.#live(postId))) return;
    await this.#announcing(() => this.#social.posts.edit(viewer, postId, { text }, { linkedObject: articleId }));
  }

  /** Deletes the announcement (when it is still there) through social, so timelines forget it and other servers receive a Delete. */
  async remove(viewer: Viewer, articleId: number, postId: number | null): Promise<void> {
    if (!postId || !(await this.#live(postId))) return;
    await this.#social.posts.delete(viewer, postId, { linkedObject: articleId });
  }

  /** The announcing posts of these articles: whether they are still there, and how many replies (comments) they have. */
  async states(postIds: number[]): Promise<Map<number, Announcement>> {
    const ids = postIds.filter((id) => id > 0);
    if (ids.length === 0) return new Map();
    const rows = await this.#social.postRows.find({ ids });
    return new Map(rows.map((p) => [p.id, { live: p.deleted_at === null, replies: p.reply_count }]));
  }

  async #live(postId: number): Promise<boolean> {
    const [post] = await this.#social.postRows.find({ ids: [postId] });
    return Boolean(post && !post.deleted_at);
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
}

/**
 * The post hook (registered from index.ts `build`): in the announcing post's transaction, the
 * article becomes published. Published meanwhile (a second click): the whole post is rolled back.
 */
export async function linkAnnouncement(tx: Tx, post: NewPost): Promise<string[]> {
  if (post.occasion?.kind !== 'linked-object') return [];
  const { objectId, content } = post.occasion;
  const updated = await tx
    .updateTable('articles')
    .set({ status: 'published', published_at: post.createdAt, updated_at: post.createdAt, post_id: post.id, html: content })
    .where('id', '=', objectId)
    .where('actor_id', '=', post.actorId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw new UserError(409, 'already_published', 'This article is already published.');
  return [];
}
