import type { AccountsService } from '../accounts/index.ts';
import { type Database, isUniqueViolation, type Queryable } from '../db/database.ts';
import type { BookmarkVisibility } from '../db/schema.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { PostView, SocialService } from '../social/index.ts';
import { BookmarkLists } from './bookmark-lists.ts';
import {
  BOOKMARK_COLUMNS,
  type BookmarkPage,
  type BookmarkRow,
  type BookmarkTag,
  type BookmarkView,
  bookmarkViews,
  type TagCount,
  viewsOfRows,
} from './bookmark-rows.ts';
import { type BookmarkInput, type BookmarkQuery, type BookmarkUpdate, NOTE_MAX, TITLE_MAX } from './bookmark-schemas.ts';
import { reindexBookmarks, unindexBookmarks } from './bookmark-search.ts';
import { BookmarkSnapshots } from './bookmark-snapshots.ts';
import { addTags, parseTags, replaceTags, setTagVisibility, tagCounts } from './bookmark-tags.ts';
import { BookmarkTargets, type NewBookmark } from './bookmark-targets.ts';
import { mergeNote, plainText } from './bookmark-text.ts';
import { BookmarkTransfer } from './bookmark-transfer.ts';
import { UrlPolicy } from './urls.ts';

/**
 * Bookmarks of anything: a web address, a post or a feed item, with a title, a note, tags and
 * a visibility (private, or public on the member's profile). An address is kept in its normal
 * form (urls.ts) and bookmarking it again merges into the bookmark already there. New address
 * bookmarks get a snapshot (bookmark-snapshots.ts); tags are in bookmark-tags.ts, search in
 * bookmark-search.ts, imports and exports in bookmark-transfer.ts.
 */

export interface BookmarksDeps {
  database: Database;
  /** Read when needed: its base URL is the site's address. */
  config: Pick<Config, 'baseUrl' | 'fetchAllowPrivate'>;
  http: HttpClient;
  jobs: Jobs;
  logger: Logger;
  /** Profiles (whose public bookmarks) are accounts'. */
  accounts: Pick<AccountsService, 'profile'>;
  /** Posts (bookmarked posts, whether they are public) are social's. */
  social: SocialService;
  /** Feed items are feeds'. */
  feeds: FeedsService;
  /** How long a snapshot may take (tests and benchmarks shorten it). */
  snapshotTimeoutMs?: number;
}

export class BookmarksService {
  readonly #database: Database;
  readonly #config: BookmarksDeps['config'];
  readonly #accounts: BookmarksDeps['accounts'];
  readonly #social: SocialService;
  readonly #targets: BookmarkTargets;
  readonly #lists: BookmarkLists;
  readonly urls: UrlPolicy;
  /** Page snapshots (the `curation.snapshot` job). */
  readonly snapshots: BookmarkSnapshots;
  /** Imports and exports (Netscape HTML, CSV, JSON). */
  readonly transfer: BookmarkTransfer;

  constructor(deps: BookmarksDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#accounts = deps.accounts;
    this.#social = deps.social;
    this.#targets = new BookmarkTargets({ social: deps.social, feeds: deps.feeds });
    this.urls = new UrlPolicy(deps.config.fetchAllowPrivate);
    this.snapshots = new BookmarkSnapshots({
      database: deps.database,
      http: deps.http,
      jobs: deps.jobs,
      logger: deps.logger,
      ...(deps.snapshotTimeoutMs !== undefined ? { timeoutMs: deps.snapshotTimeoutMs } : {}),
    });
    this.transfer = new BookmarkTransfer(this);
    this.#lists = new BookmarkLists({ database: deps.database, config: deps.config, targets: this.#targets });
  }

  get database(): Database {
    return this.#database;
  }

  /** The site's address (exports name it). */
  get baseUrl(): string {
    return this.#config.baseUrl;
  }

  /** The profile whose public bookmarks are asked for, as the viewer may see it (accounts' rules and errors). */
  profile(handle: string, viewer: Viewer | null): ReturnType<AccountsService['profile']> {
    return this.#accounts.profile(handle, viewer);
  }

  // ---- creating ------------------------------------------------------------------------------

  /**
   * Bookmarks an address, a post or an item. The same address (normalised) or the same post or
   * item again updates the bookmark already there: tags are united, a new note replaces an empty
   * one or is appended, an empty title is filled, the visibility chosen now applies. `merged`
   * says which happened. A new address bookmark gets its snapshot in the background.
   */
  async create(viewer: Viewer, input: BookmarkInput): Promise<{ bookmark: BookmarkView; merged: boolean }> {
    const targets = [input.url !== undefined && input.url.trim() !== '', input.postId !== undefined, input.itemId !== undefined].filter(
      Boolean,
    ).length;
    if (targets !== 1)
      throw UserError.field(
        'url',
        targets === 0 ? 'Enter the address of the page to bookmark.' : 'Bookmark one thing at a time: an address, a post or an item.',
      );
    const tags = parseTags(input.tags, true);
    // Unsaid, a new bookmark is private and a merged one keeps its visibility.
    const visibility = input.visibility;
    const title = plainText(input.title, TITLE_MAX);
    const note = plainText(input.note, NOTE_MAX, { lines: true });
    const now = Date.now();
    let target: NewBookmark;
    if (input.url !== undefined && input.url.trim() !== '') {
      const { url, key } = this.urls.normalize(input.url);
      target = { kind: 'url', url, urlKey: key, title, description: null, imageUrl: null, siteName: null, pageText: null };
    } else if (input.postId !== undefined) {
      target = await this.#targets.post(viewer, input.postId, visibility ?? 'private', title);
    } else {
      target = await this.#targets.item(viewer, input.itemId!, title);
    }
    // Two requests for the same page at once: the second insert hits the unique index and merges.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#database.db.transaction().execute((tx) => this.#createIn(tx, viewer, target, { tags, note, visibility, now }));
      } catch (error) {
        if (attempt >= 2 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  async #createIn(
    tx: Queryable,
    viewer: Viewer,
    target: NewBookmark,
    fields: { tags: BookmarkTag[]; note: string; visibility: BookmarkVisibility | undefined; now: number },
  ) {
    const { dialect } = this.#database;
    let existing = tx.selectFrom('bookmarks').select(BOOKMARK_COLUMNS).where('member_id', '=', viewer.memberId);
    existing =
      target.kind === 'url'
        ? existing.where('url_key', '=', target.urlKey!)
        : target.kind === 'post'
          ? existing.where('post_id', '=', target.postId!)
          : existing.where('item_id', '=', target.itemId!);
    const found = await existing.executeTakeFirst();
    if (found) {
      const visibility = fields.visibility ?? found.visibility;
      await tx
        .updateTable('bookmarks')
        .set({
          note: mergeNote(found.note, fields.note),
          title: found.title || target.title,
          visibility,
          updated_at: fields.now,
        })
        .where('id', '=', found.id)
        .execute();
      await setTagVisibility(tx, found.id, visibility);
      await addTags(tx, [{ bookmarkId: found.id, memberId: viewer.memberId, visibility, tags: fields.tags }]);
      // A page whose snapshot failed (or was never taken, as for imports) gets another try.
      if (target.kind === 'url' && found.snapshot_state !== 'ok' && found.snapshot_state !== 'pending')
        await this.snapshots.queue(tx, found.id);
      await reindexBookmarks(tx, dialect, [found.id]);
      return { bookmark: (await this.#views(tx, [found.id]))[0]!, merged: true };
    }
    const visibility = fields.visibility ?? 'private';
    const row = await tx
      .insertInto('bookmarks')
      .values({
        member_id: viewer.memberId,
        post_id: target.postId ?? null,
        item_id: target.itemId ?? null,
        url: target.url,
        url_key: target.urlKey ?? null,
        title: target.title,
        note: fields.note,
        description: target.description,
        image_url: target.imageUrl,
        site_name: target.siteName,
        page_text: target.pageText,
        visibility,
        snapshot_state: target.kind === 'url' ? 'pending' : null,
        snapshot_at: null,
        snapshot_error: null,
        created_at: fields.now,
        updated_at: fields.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await addTags(tx, [{ bookmarkId: row.id, memberId: viewer.memberId, visibility, tags: fields.tags }]);
    if (target.kind === 'url') await this.snapshots.queue(tx, row.id);
    await reindexBookmarks(tx, dialect, [row.id]);
    return { bookmark: (await this.#views(tx, [row.id]))[0]!, merged: false };
  }

  // ---- the post and item buttons (kept as they were: a second press is a 409) ----------------

  async bookmarkPost(viewer: Viewer, postId: number): Promise<void> {
    const target = await this.#targets.post(viewer, postId, 'private', '');
    if (await this.#existing(viewer, 'post_id', postId))
      throw new UserError(409, 'already_bookmarked', 'You already bookmarked this post.');
    await this.#insertButton(viewer, target, 'You already bookmarked this post.');
  }

  async unbookmarkPost(viewer: Viewer, postId: number): Promise<void> {
    if (!(await this.#removeWhere(viewer, 'post_id', postId)))
      throw new UserError(409, 'not_bookmarked', 'This post is not in your bookmarks.');
  }

  /** Bookmarks a feed item (the caller checked the member may see it). */
  async bookmarkItem(viewer: Viewer, itemId: number): Promise<void> {
    const target = await this.#targets.item(viewer, itemId, '');
    if (await this.#existing(viewer, 'item_id', itemId))
      throw new UserError(409, 'already_bookmarked', 'You already bookmarked this item.');
    await this.#insertButton(viewer, target, 'You already bookmarked this item.');
  }

  async unbookmarkItem(viewer: Viewer, itemId: number): Promise<void> {
    if (!(await this.#removeWhere(viewer, 'item_id', itemId)))
      throw new UserError(409, 'not_bookmarked', 'This item is not in your bookmarks.');
  }

  /** Of these posts (or items), those the member bookmarked. */
  async bookmarkedAmong(db: Queryable, memberId: number, column: 'post_id' | 'item_id', ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await db.selectFrom('bookmarks').select(column).where('member_id', '=', memberId).where(column, 'in', ids).execute();
    return new Set(rows.map((r) => Number(r[column])));
  }

  async #existing(viewer: Viewer, column: 'post_id' | 'item_id', id: number): Promise<boolean> {
    return (await this.bookmarkedAmong(this.#database.db, viewer.memberId, column, [id])).size > 0;
  }

  async #insertButton(viewer: Viewer, target: NewBookmark, already: string): Promise<void> {
    try {
      await this.#database.db
        .transaction()
        .execute((tx) => this.#createIn(tx, viewer, target, { tags: [], note: '', visibility: 'private', now: Date.now() }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new UserError(409, 'already_bookmarked', already);
      throw error;
    }
  }

  async #removeWhere(viewer: Viewer, column: 'post_id' | 'item_id' | 'id', id: number): Promise<boolean> {
    return this.#database.db.transaction().execute(async (tx) => {
      const rows = await tx
        .deleteFrom('bookmarks')
        .where('member_id', '=', viewer.memberId)
        .where(column, '=', id)
        .returning('id')
        .execute();
      await unindexBookmarks(
        tx,
        this.#database.dialect,
        rows.map((r) => r.id),
      );
      return rows.length > 0;
    });
  }

  // ---- reading, editing, deleting ------------------------------------------------------------

  /** One of the member's own bookmarks. */
  async get(viewer: Viewer, id: number): Promise<BookmarkView> {
    const [view] = await this.#views(this.#database.db, [id], viewer.memberId);
    if (!view) throw UserError.notFound('This bookmark does not exist, or is not yours.');
    return view;
  }

  /** The member's bookmark of this address, if there is one (null for an address that cannot be bookmarked). */
  async findByUrl(viewer: Viewer, input: string): Promise<BookmarkView | null> {
    const checked = this.urls.check(input);
    if (!('url' in checked)) return null;
    const row = await this.#database.db
      .selectFrom('bookmarks')
      .select('id')
      .where('member_id', '=', viewer.memberId)
      .where('url_key', '=', checked.key)
      .executeTakeFirst();
    return row ? (await this.#views(this.#database.db, [row.id]))[0]! : null;
  }

  async update(viewer: Viewer, id: number, input: BookmarkUpdate): Promise<BookmarkView> {
    const tags = input.tags === undefined ? undefined : parseTags(input.tags, true);
    return this.#database.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('bookmarks')
        .select(BOOKMARK_COLUMNS)
        .where('id', '=', id)
        .where('member_id', '=', viewer.memberId)
        .executeTakeFirst();
      if (!row) throw UserError.notFound('This bookmark does not exist, or is not yours.');
      const visibility = input.visibility ?? row.visibility;
      if (visibility === 'public' && row.post_id !== null) {
        const [post] = await this.#social.postRows.find({ ids: [row.post_id], live: true }, tx);
        if (post?.visibility !== 'public')
          throw UserError.field('visibility', 'Only a bookmark of a public post can be public: this post was shared with fewer people.');
      }
      await tx
        .updateTable('bookmarks')
        .set({
          ...(input.title !== undefined ? { title: plainText(input.title, TITLE_MAX) } : {}),
          ...(input.note !== undefined ? { note: plainText(input.note, NOTE_MAX, { lines: true }) } : {}),
          visibility,
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .execute();
      if (tags !== undefined) await replaceTags(tx, { bookmarkId: id, memberId: viewer.memberId, visibility, tags });
      await setTagVisibility(tx, id, visibility);
      await reindexBookmarks(tx, this.#database.dialect, [id]);
      return (await this.#views(tx, [id]))[0]!;
    });
  }

  async delete(viewer: Viewer, id: number): Promise<void> {
    if (!(await this.#removeWhere(viewer, 'id', id))) throw UserError.notFound('This bookmark does not exist, or is not yours.');
  }

  /** The member's bookmarks, newest first: filtered by tag, visibility, kind and search words. */
  async list(viewer: Viewer, query: BookmarkQuery = {}): Promise<BookmarkPage> {
    return this.#lists.page(viewer.memberId, query, false);
  }

  /** A member's public bookmarks (the caller checked the profile may be seen); bookmarks of posts that are no longer public are left out. */
  async publicOf(memberId: number, query: Pick<BookmarkQuery, 'tag' | 'cursor' | 'limit'> = {}): Promise<BookmarkPage> {
    return this.#lists.page(memberId, { ...query, visibility: 'public' }, true);
  }

  /** The member's tags with how many bookmarks carry each, most used first (public ones only with `publicOnly`). */
  tags(memberId: number, options: { publicOnly?: boolean } = {}): Promise<TagCount[]> {
    return tagCounts(this.#database.db, memberId, options);
  }

  /** The posts behind post bookmarks, as the reader may see them now (for pages). */
  async postsOf(viewer: Viewer | null, bookmarks: BookmarkView[]): Promise<Map<number, PostView>> {
    const refs = bookmarks.filter((b) => b.postId !== null).map((b) => ({ postId: b.postId! }));
    const posts = await this.#social.posts.hydrate(viewer ? { memberId: viewer.memberId, actorId: viewer.actorId } : null, refs);
    return new Map(posts.map((p) => [p.id, p]));
  }

  /** Posts the member bookmarked, newest bookmark first: GET /api/v1/bookmarks (Mastodon's shape). */
  async bookmarkedPosts(viewer: Viewer, cursor?: string): Promise<{ posts: PostView[]; nextCursor: string | null }> {
    const limit = 20;
    let query = this.#database.db
      .selectFrom('bookmarks')
      .select(['id', 'post_id'])
      .where('member_id', '=', viewer.memberId)
      .where('post_id', 'is not', null);
    if (cursor) query = query.where('id', '<', decodeCursor(cursor, ['number'])[0]);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const posts = await this.#social.posts.hydrate(
      { memberId: viewer.memberId, actorId: viewer.actorId },
      page.map((r) => ({ postId: r.post_id! })),
    );
    return { posts, nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null };
  }

  /** Views of rows already read (exports read pages of rows themselves). */
  viewsOf(db: Queryable, rows: BookmarkRow[]): Promise<BookmarkView[]> {
    return viewsOfRows(db, rows, this.#config.baseUrl);
  }

  /** Bookmarks as views, in the order of `ids` (those of other members left out when `memberId` is given). */
  #views(db: Queryable, ids: number[], memberId?: number): Promise<BookmarkView[]> {
    return bookmarkViews(db, ids, this.#config.baseUrl, memberId);
  }
}
