import { type Expression, type Selectable, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { passionSlug } from '../accounts/index.ts';
import { type Database, isUniqueViolation, type Queryable } from '../db/database.ts';
import type { BookmarksTable, BookmarkVisibility, SnapshotState } from '../db/schema.ts';
import { foldDiacritics } from '../db/search.ts';
import { readableOfPage } from '../feeds/index.ts';
import type { JobContext, Jobs } from '../jobs/jobs.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import { FetchError, type FetchOptions, type FetchResult, HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { htmlToText } from '../platform/sanitize.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type CardData, cardOfPage, type PostView, type SocialService } from '../social/index.ts';
import type { JobSpec } from '../web/capability.ts';
import { UrlPolicy } from './urls.ts';

/**
 * Bookmarks of anything: a web address, a post or a feed item, with a title, a note, tags and
 * a visibility (private, or public on the member's profile). An address is kept in its normal
 * form (urls.ts) and bookmarking it again merges into the bookmark already there. A snapshot
 * job fetches the page's title, description, preview image and readable text through the
 * SSRF-guarded client, with a time limit; a page that never answers fails the snapshot and
 * leaves the bookmark as it was. Search covers title, note, description, tags and page text
 * (FTS5 on SQLite, tsvector on PostgreSQL). Imports and exports are in bookmark-transfer.ts.
 */

export const TITLE_MAX = 500;
export const NOTE_MAX = 5000;
export const TAG_MAX = 60;
export const TAGS_MAX = 30;
const DESCRIPTION_MAX = 1000;
/** Readable page text kept for search (characters). */
export const PAGE_TEXT_MAX = 20_000;
/** Largest page read for a snapshot's readable text. */
const SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024;
/** A snapshot gives up after this long, answered or not (both fetches together). */
export const SNAPSHOT_TIMEOUT_MS = 10_000;
export const SNAPSHOT_JOB = 'curation.snapshot';
const PAGE = 20;
const PAGE_MAX = 100;

export type BookmarkKind = 'url' | 'post' | 'item';
export const BOOKMARK_KINDS = ['url', 'post', 'item'] as const satisfies readonly BookmarkKind[];
export const BOOKMARK_VISIBILITIES = ['private', 'public'] as const satisfies readonly BookmarkVisibility[];

export interface BookmarkTag {
  slug: string;
  name: string;
}

export interface BookmarkView {
  id: number;
  kind: BookmarkKind;
  /** The page (for a post or an item, its page). */
  url: string | null;
  title: string;
  note: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  tags: BookmarkTag[];
  visibility: BookmarkVisibility;
  postId: number | null;
  itemId: number | null;
  snapshot: { state: SnapshotState | null; at: number | null; error: string | null };
  createdAt: number;
  updatedAt: number;
}

export interface BookmarkPage {
  bookmarks: BookmarkView[];
  nextCursor: string | null;
}

export interface TagCount extends BookmarkTag {
  count: number;
}

const tagsInput = z.union([z.array(z.string().max(500)).max(200), z.string().max(5000)]);

/** What a member sends to bookmark something: exactly one of url, postId and itemId. */
export const bookmarkInputSchema = z.strictObject({
  url: z.string().max(4096).optional().describe('The address of a web page'),
  postId: z.number().int().positive().optional(),
  itemId: z.number().int().positive().optional(),
  title: z.string().max(TITLE_MAX, `A title can be at most ${TITLE_MAX} characters.`).optional(),
  note: z.string().max(NOTE_MAX, `A note can be at most ${NOTE_MAX} characters.`).optional(),
  tags: tagsInput.optional().describe('Tag names, or one string with commas between them'),
  visibility: z.enum(BOOKMARK_VISIBILITIES).optional().describe('`private` (the default) or `public` (listed on your profile)'),
});
export type BookmarkInput = z.infer<typeof bookmarkInputSchema>;

export const bookmarkUpdateSchema = z.strictObject({
  title: z.string().max(TITLE_MAX, `A title can be at most ${TITLE_MAX} characters.`).optional(),
  note: z.string().max(NOTE_MAX, `A note can be at most ${NOTE_MAX} characters.`).optional(),
  tags: tagsInput.optional(),
  visibility: z.enum(BOOKMARK_VISIBILITIES).optional(),
});
export type BookmarkUpdate = z.infer<typeof bookmarkUpdateSchema>;

export interface BookmarkQuery {
  /** Words to find (all must match); `#tag` words filter by tag. */
  q?: string | undefined;
  tag?: string | undefined;
  visibility?: BookmarkVisibility | undefined;
  kind?: BookmarkKind | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** A bookmark's row, as read (the PostgreSQL search vector is never read back). */
export type BookmarkRow = Omit<Selectable<BookmarksTable>, 'search'>;

export const BOOKMARK_COLUMNS = [
  'id',
  'member_id',
  'post_id',
  'item_id',
  'created_at',
  'url',
  'url_key',
  'title',
  'note',
  'description',
  'image_url',
  'site_name',
  'page_text',
  'visibility',
  'snapshot_state',
  'snapshot_at',
  'snapshot_error',
  'updated_at',
] as const satisfies ReadonlyArray<keyof BookmarkRow>;

// ---- text helpers ---------------------------------------------------------------------------

/** Text safe for both databases: no NUL or other control characters (line breaks stay), trimmed, capped. */
export function plainText(text: string | null | undefined, max: number, options: { lines?: boolean } = {}): string {
  if (!text) return '';
  let clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  clean = options.lines ? clean.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : clean.replace(/\s+/g, ' ');
  clean = clean.trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Tag names from a list or a comma-separated string: a leading # goes, spaces collapse, and
 * tags whose slug is the same count once. `strict` (a member typing) reports a tag with no
 * letters or digits and too many tags; otherwise (imports) such tags are dropped.
 */
export function parseTags(input: string[] | string | undefined, strict: boolean, field = 'tags'): BookmarkTag[] {
  if (input === undefined) return [];
  const names = (typeof input === 'string' ? input.split(/[,\n]/) : input).map((t) =>
    plainText(t.replace(/,/g, ' ').replace(/^\s*#+/, ''), 1000),
  );
  const tags: BookmarkTag[] = [];
  const seen = new Set<string>();
  for (const raw of names) {
    if (!raw) continue;
    if (raw.length > TAG_MAX && strict)
      throw UserError.field(field, `A tag can be at most ${TAG_MAX} characters: “${raw.slice(0, 30)}…” is longer.`);
    const name = raw.slice(0, TAG_MAX).trim();
    const slug = passionSlug(name);
    if (!slug) {
      if (strict) throw UserError.field(field, `“${name}” cannot be a tag: a tag needs letters or digits.`);
      continue;
    }
    if (seen.has(slug)) continue;
    seen.add(slug);
    tags.push({ slug, name });
  }
  if (tags.length > TAGS_MAX) {
    if (strict) throw UserError.field(field, `A bookmark can have at most ${TAGS_MAX} tags.`);
    tags.length = TAGS_MAX;
  }
  return tags;
}

/** A new note joins the old one: it replaces an empty one, is appended otherwise, and is never added twice. */
export function mergeNote(existing: string, incoming: string): string {
  const next = incoming.trim();
  if (!next) return existing;
  if (!existing.trim()) return next;
  if (existing.includes(next)) return existing;
  return plainText(`${existing}\n\n${next}`, NOTE_MAX, { lines: true });
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// ---- search index ---------------------------------------------------------------------------

/** What search reads: title, note, description, tags and page text. */
export function searchText(row: Pick<BookmarkRow, 'title' | 'note' | 'description' | 'page_text' | 'url'>, tags: BookmarkTag[]): string {
  return [row.title, row.note, row.description ?? '', tags.map((t) => t.name).join(' '), row.page_text ?? '']
    .join(' \n')
    .slice(0, PAGE_TEXT_MAX + NOTE_MAX + 2000);
}

/** Rewrites the search entries of these bookmarks from their rows and tags (call inside the write's transaction). */
export async function reindexBookmarks(db: Queryable, dialect: Database['dialect'], ids: number[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = await db
      .selectFrom('bookmarks')
      .select(['id', 'member_id', 'title', 'note', 'description', 'page_text', 'url'])
      .where('id', 'in', chunk)
      .execute();
    if (rows.length === 0) continue;
    const tags = await tagsOf(
      db,
      rows.map((r) => r.id),
    );
    const entries = rows.map((r) => ({ id: r.id, owner: `m${r.member_id}`, text: searchText(r, tags.get(r.id) ?? []) }));
    if (dialect === 'sqlite') {
      await sql`delete from bookmarks_fts where rowid in (${sql.join(entries.map((e) => e.id))})`.execute(db);
      await sql`insert into bookmarks_fts (rowid, owner, text) values ${sql.join(entries.map((e) => sql`(${e.id}, ${e.owner}, ${e.text})`))}`.execute(
        db,
      );
    } else {
      await sql`update bookmarks b set search = to_tsvector('simple', v.text)
                  from (values ${sql.join(entries.map((e) => sql`(${e.id}::bigint, ${foldDiacritics(e.text)})`))}) as v(id, text)
                 where b.id = v.id`.execute(db);
    }
  }
}

/**
 * The search entries of new bookmarks whose text is known (imports): on SQLite rows of
 * bookmarks_fts; on PostgreSQL nothing here — the vector goes in with the row (`searchVector`),
 * so each row is written once.
 */
export async function indexNewBookmarks(
  db: Queryable,
  dialect: Database['dialect'],
  entries: Array<{ id: number; memberId: number; text: string }>,
): Promise<void> {
  if (dialect !== 'sqlite' || entries.length === 0) return;
  for (let start = 0; start < entries.length; start += 500) {
    const chunk = entries.slice(start, start + 500);
    await sql`insert into bookmarks_fts (rowid, owner, text) values ${sql.join(chunk.map((e) => sql`(${e.id}, ${`m${e.memberId}`}, ${e.text})`))}`.execute(
      db,
    );
  }
}

/** The `search` column's value for a new row on PostgreSQL. */
export function searchVector(text: string) {
  return sql<string>`to_tsvector('simple', ${foldDiacritics(text)})`;
}

async function unindexBookmarks(db: Queryable, dialect: Database['dialect'], ids: number[]): Promise<void> {
  if (dialect === 'sqlite' && ids.length) await sql`delete from bookmarks_fts where rowid in (${sql.join(ids)})`.execute(db);
}

/** Words of a search; `#tag` words become tag filters. A search with neither is a 400. */
export function parseSearch(input: string): { words: string[]; tags: string[] } {
  const text = input.trim();
  if (text.length > 300) throw UserError.field('q', 'The search is too long: keep it under 300 characters.', 400, 'invalid_query');
  const tags = [...text.matchAll(/#([\p{L}\p{N}_-]+)/gu)].map((m) => passionSlug(m[1]!)).filter(Boolean);
  const words =
    text
      .replace(/#[\p{L}\p{N}_-]+/gu, ' ')
      .match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)
      ?.slice(0, 10) ?? [];
  if (!words.length && !tags.length) throw UserError.field('q', 'Search for at least one word.', 400, 'invalid_query');
  return { words, tags };
}

async function tagsOf(db: Queryable, ids: number[]): Promise<Map<number, BookmarkTag[]>> {
  const map = new Map<number, BookmarkTag[]>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('bookmark_tags')
      .select(['bookmark_id', 'slug', 'name'])
      .where('bookmark_id', 'in', ids.slice(start, start + 500))
      .orderBy('bookmark_id')
      .orderBy('name')
      .execute();
    for (const r of rows) {
      let list = map.get(r.bookmark_id);
      if (!list) map.set(r.bookmark_id, (list = []));
      list.push({ slug: r.slug, name: r.name });
    }
  }
  return map;
}

/** Adds tags to bookmarks of one member (those already there stay as they are). */
export async function addTags(
  db: Queryable,
  rows: Array<{ bookmarkId: number; memberId: number; visibility: BookmarkVisibility; tags: BookmarkTag[] }>,
): Promise<void> {
  const values = rows.flatMap((r) =>
    r.tags.map((t) => ({
      bookmark_id: r.bookmarkId,
      member_id: r.memberId,
      public: r.visibility === 'public' ? 1 : 0,
      slug: t.slug,
      name: t.name,
    })),
  );
  // Five values a row: 1,000 rows stay far below both databases' parameter limits.
  for (let start = 0; start < values.length; start += 1000) {
    await db
      .insertInto('bookmark_tags')
      .values(values.slice(start, start + 1000))
      .onConflict((oc) => oc.columns(['bookmark_id', 'slug']).doNothing())
      .execute();
  }
}

// ---- the service ----------------------------------------------------------------------------

export interface BookmarksDeps {
  database: Database;
  /** Read when needed: its base URL is the site's address. */
  config: Pick<Config, 'baseUrl' | 'fetchAllowPrivate'>;
  http: HttpClient;
  jobs: Jobs;
  logger: Logger;
  /** Posts bookmarked, as the reader may see them. */
  social: SocialService;
  /** How long a snapshot may take (tests and benchmarks shorten it). */
  snapshotTimeoutMs?: number;
}

export class BookmarksService {
  readonly #database: Database;
  readonly #config: BookmarksDeps['config'];
  readonly #http: HttpClient;
  readonly #jobs: Jobs;
  readonly #logger: Logger;
  readonly #social: SocialService;
  readonly #snapshotTimeoutMs: number;
  readonly urls: UrlPolicy;

  constructor(deps: BookmarksDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#http = deps.http;
    this.#jobs = deps.jobs;
    this.#logger = deps.logger;
    this.#social = deps.social;
    this.#snapshotTimeoutMs = deps.snapshotTimeoutMs ?? SNAPSHOT_TIMEOUT_MS;
    this.urls = new UrlPolicy(deps.config.fetchAllowPrivate);
  }

  /** The snapshot job: a page that does not answer is recorded as failed, not fetched again and again. */
  get snapshotJob(): JobSpec {
    return {
      kind: SNAPSHOT_JOB,
      run: (payload: { bookmarkId: number }, ctx) => this.#snapshot(payload.bookmarkId, ctx),
      options: { maxAttempts: 2, timeoutMs: this.#snapshotTimeoutMs + 15_000 },
    };
  }

  get database(): Database {
    return this.#database;
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
      target = await this.#postTarget(viewer, input.postId, visibility ?? 'private', title);
    } else {
      target = await this.#itemTarget(viewer, input.itemId!, title);
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
      await this.#setTagVisibility(tx, found.id, visibility);
      await addTags(tx, [{ bookmarkId: found.id, memberId: viewer.memberId, visibility, tags: fields.tags }]);
      // A page whose snapshot failed (or was never taken, as for imports) gets another try.
      if (target.kind === 'url' && found.snapshot_state !== 'ok' && found.snapshot_state !== 'pending')
        await this.#queueSnapshot(tx, found.id);
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
    if (target.kind === 'url') await this.#queueSnapshot(tx, row.id);
    await reindexBookmarks(tx, dialect, [row.id]);
    return { bookmark: (await this.#views(tx, [row.id]))[0]!, merged: false };
  }

  async #queueSnapshot(tx: Queryable, bookmarkId: number): Promise<void> {
    await tx.updateTable('bookmarks').set({ snapshot_state: 'pending', snapshot_error: null }).where('id', '=', bookmarkId).execute();
    await this.#jobs.enqueue(SNAPSHOT_JOB, { bookmarkId }, { tx, dedupeKey: `${SNAPSHOT_JOB}:${bookmarkId}` });
  }

  /** A post the member may see: its text becomes the bookmark's title and searchable text. */
  async #postTarget(viewer: Viewer, postId: number, visibility: BookmarkVisibility, title: string): Promise<NewBookmark> {
    const [post] = await this.#social.posts.hydrate({ memberId: viewer.memberId, actorId: viewer.actorId }, [{ postId }]);
    if (!post || post.boostedBy) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
    if (visibility === 'public' && post.visibility !== 'public') {
      throw UserError.field('visibility', 'Only a bookmark of a public post can be public: this post was shared with fewer people.');
    }
    return postBookmark(post, title);
  }

  /** An item of a source the member follows: its title, link, summary and text. */
  async #itemTarget(viewer: Viewer, itemId: number, title: string): Promise<NewBookmark> {
    const item = await this.#database.db
      .selectFrom('source_items as i')
      .innerJoin('subscriptions as sub', (join) =>
        join.onRef('sub.source_id', '=', 'i.source_id').on('sub.member_id', '=', viewer.memberId),
      )
      .innerJoin('sources as s', 's.id', 'i.source_id')
      .select([
        'i.id',
        'i.url',
        'i.title',
        'i.summary',
        'i.content_html',
        'i.full_html',
        'i.image_url',
        's.title as source_title',
        'sub.title as own_title',
      ])
      .where('i.id', '=', itemId)
      .executeTakeFirst();
    if (!item) throw UserError.notFound('This item does not exist, or is from a source you do not follow.');
    return {
      kind: 'item',
      itemId: item.id,
      url: item.url,
      urlKey: null,
      title: title || plainText(item.title, TITLE_MAX),
      description: plainText(item.summary, DESCRIPTION_MAX) || null,
      imageUrl: item.image_url,
      siteName: plainText(item.own_title || item.source_title, 200) || null,
      pageText: plainText(htmlToText(item.full_html ?? item.content_html), PAGE_TEXT_MAX) || null,
    };
  }

  // ---- the post and item buttons (kept as they were: a second press is a 409) ----------------

  async bookmarkPost(viewer: Viewer, postId: number): Promise<void> {
    const target = await this.#postTarget(viewer, postId, 'private', '');
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
    const target = await this.#itemTarget(viewer, itemId, '');
    if (await this.#existing(viewer, 'item_id', itemId))
      throw new UserError(409, 'already_bookmarked', 'You already bookmarked this item.');
    await this.#insertButton(viewer, target, 'You already bookmarked this item.');
  }

  async unbookmarkItem(viewer: Viewer, itemId: number): Promise<void> {
    if (!(await this.#removeWhere(viewer, 'item_id', itemId)))
      throw new UserError(409, 'not_bookmarked', 'This item is not in your bookmarks.');
  }

  async #existing(viewer: Viewer, column: 'post_id' | 'item_id', id: number): Promise<boolean> {
    return Boolean(
      await this.#database.db
        .selectFrom('bookmarks')
        .select('id')
        .where('member_id', '=', viewer.memberId)
        .where(column, '=', id)
        .executeTakeFirst(),
    );
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
        const post = await tx
          .selectFrom('posts')
          .select('visibility')
          .where('id', '=', row.post_id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
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
      if (tags !== undefined) {
        const keep = tags.map((t) => t.slug);
        await tx
          .deleteFrom('bookmark_tags')
          .where('bookmark_id', '=', id)
          .$if(keep.length > 0, (q) => q.where('slug', 'not in', keep))
          .execute();
        await addTags(tx, [{ bookmarkId: id, memberId: viewer.memberId, visibility, tags }]);
      }
      await this.#setTagVisibility(tx, id, visibility);
      await reindexBookmarks(tx, this.#database.dialect, [id]);
      return (await this.#views(tx, [id]))[0]!;
    });
  }

  async delete(viewer: Viewer, id: number): Promise<void> {
    if (!(await this.#removeWhere(viewer, 'id', id))) throw UserError.notFound('This bookmark does not exist, or is not yours.');
  }

  async #setTagVisibility(tx: Queryable, bookmarkId: number, visibility: BookmarkVisibility): Promise<void> {
    await tx
      .updateTable('bookmark_tags')
      .set({ public: visibility === 'public' ? 1 : 0 })
      .where('bookmark_id', '=', bookmarkId)
      .execute();
  }

  /** The member's bookmarks, newest first: filtered by tag, visibility, kind and search words. */
  async list(viewer: Viewer, query: BookmarkQuery = {}): Promise<BookmarkPage> {
    return this.#page(viewer.memberId, query, false);
  }

  /** A member's public bookmarks (the caller checked the profile may be seen); bookmarks of posts that are no longer public are left out. */
  async publicOf(memberId: number, query: Pick<BookmarkQuery, 'tag' | 'cursor' | 'limit'> = {}): Promise<BookmarkPage> {
    return this.#page(memberId, { ...query, visibility: 'public' }, true);
  }

  async #page(memberId: number, query: BookmarkQuery, publicOnly: boolean): Promise<BookmarkPage> {
    const { db, dialect } = this.#database;
    const limit = Math.min(Math.max(query.limit ?? PAGE, 1), PAGE_MAX);
    const search = query.q?.trim() ? parseSearch(query.q) : null;
    const tags = [...(search?.tags ?? []), ...(query.tag ? [passionSlug(query.tag)] : [])];
    if (query.tag && !passionSlug(query.tag)) return { bookmarks: [], nextCursor: null };
    let q = db.selectFrom('bookmarks as b').select(['b.id', 'b.created_at']).where('b.member_id', '=', memberId);
    if (query.visibility) q = q.where('b.visibility', '=', query.visibility);
    if (query.kind === 'post') q = q.where('b.post_id', 'is not', null);
    else if (query.kind === 'item') q = q.where('b.item_id', 'is not', null);
    else if (query.kind === 'url') q = q.where('b.post_id', 'is', null).where('b.item_id', 'is', null);
    for (const slug of tags) {
      q = q.where('b.id', 'in', (eb) =>
        eb
          .selectFrom('bookmark_tags')
          .select('bookmark_id')
          .where('member_id', '=', memberId)
          .where('slug', '=', slug)
          .$if(publicOnly, (s) => s.where('public', '=', 1)),
      );
    }
    if (search?.words.length) q = q.where(this.#match(memberId, search.words, dialect));
    if (publicOnly) {
      q = q.where((eb) =>
        eb.or([
          eb('b.post_id', 'is', null),
          eb.exists(
            eb
              .selectFrom('posts as p')
              .select('p.id')
              .whereRef('p.id', '=', 'b.post_id')
              .where('p.visibility', '=', 'public')
              .where('p.deleted_at', 'is', null),
          ),
        ]),
      );
    }
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['number', 'number']);
      q = q.where((eb) => eb.or([eb('b.created_at', '<', at), eb.and([eb('b.created_at', '=', at), eb('b.id', '<', id)])]));
    }
    const rows = await q
      .orderBy('b.created_at', 'desc')
      .orderBy('b.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const bookmarks = await this.#views(
      db,
      page.map((r) => r.id),
    );
    const last = page.at(-1);
    return { bookmarks, nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null };
  }

  #match(memberId: number, words: string[], dialect: Database['dialect']): Expression<SqlBool> {
    if (dialect === 'sqlite') {
      const match = `owner : "m${memberId}" AND text : (${words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ')})`;
      return sql<SqlBool>`b.id in (select rowid from bookmarks_fts where bookmarks_fts match ${match})`;
    }
    return sql<SqlBool>`b.search @@ (${sql.join(
      words.map((w) => sql`plainto_tsquery('simple', ${foldDiacritics(w)})`),
      sql` && `,
    )})`;
  }

  /** The member's tags with how many bookmarks carry each, most used first (public ones only with `publicOnly`). */
  async tags(memberId: number, options: { publicOnly?: boolean } = {}): Promise<TagCount[]> {
    const rows = await this.#database.db
      .selectFrom('bookmark_tags')
      .select((eb) => ['slug', eb.fn.min('name').as('name'), eb.fn.countAll<number>().as('count')])
      .where('member_id', '=', memberId)
      .$if(options.publicOnly === true, (q) => q.where('public', '=', 1))
      .groupBy('slug')
      .orderBy('count', 'desc')
      .orderBy('slug')
      .execute();
    return rows.map((r) => ({ slug: r.slug, name: String(r.name), count: Number(r.count) }));
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

  /** Bookmarks as views, in the order of `ids` (those of other members left out when `memberId` is given). */
  async #views(db: Queryable, ids: number[], memberId?: number): Promise<BookmarkView[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('bookmarks')
      .select(BOOKMARK_COLUMNS)
      .where('id', 'in', ids)
      .$if(memberId !== undefined, (q) => q.where('member_id', '=', memberId!))
      .execute();
    const tags = await tagsOf(db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toView(row, tags.get(id) ?? [], this.#config.baseUrl)] : [];
    });
  }

  /** Views of rows already read (exports read pages of rows themselves). */
  async viewsOf(db: Queryable, rows: BookmarkRow[]): Promise<BookmarkView[]> {
    const tags = await tagsOf(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toView(r, tags.get(r.id) ?? [], this.#config.baseUrl));
  }

  // ---- snapshots -----------------------------------------------------------------------------

  /**
   * The `curation.snapshot` job: title, description, preview image and readable text of the
   * page, fetched through the guarded client within the time limit. Idempotent: it only ever
   * writes what it fetched, and fills the title only when the member left it empty.
   */
  async #snapshot(bookmarkId: number, ctx: JobContext): Promise<void> {
    const db = this.#database.db;
    const row = await db.selectFrom('bookmarks').select(['id', 'url', 'url_key', 'title']).where('id', '=', bookmarkId).executeTakeFirst();
    if (!row?.url || !row.url_key) return ctx.complete();
    const http = new DeadlineClient(this.#http, AbortSignal.any([ctx.signal, AbortSignal.timeout(this.#snapshotTimeoutMs)]));
    // One fetch of the page gives both its card (title, description, image) and its readable text.
    let card: CardData | null = null;
    let page: FetchResult | null = null;
    let problem: string | null = null;
    try {
      page = await http.fetch(row.url, {
        headers: { accept: 'text/html,application/xhtml+xml' },
        maxBytes: SNAPSHOT_MAX_BYTES,
        timeoutMs: this.#snapshotTimeoutMs,
      });
      card = await cardOfPage(http, page);
      if (!card) problem = page.status === 200 ? 'the page has no title (it may not be a web page)' : `the page answered ${page.status}`;
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      problem = error.message;
    }
    let pageText: string | null = null;
    if (card && page) {
      try {
        pageText = plainText(htmlToText(readableOfPage(page)), PAGE_TEXT_MAX) || null;
      } catch (error) {
        // No readable article: the title and description are enough.
        if (!(error instanceof UserError)) throw error;
      }
    }
    const now = Date.now();
    if (problem) this.#logger.info({ bookmarkId, url: row.url, problem }, 'bookmark snapshot failed');
    await ctx.complete(async (tx) => {
      await tx
        .updateTable('bookmarks')
        .set(
          card
            ? {
                title: sql<string>`case when title = '' then ${plainText(card.title, TITLE_MAX)} else title end`,
                description: plainText(card.description, DESCRIPTION_MAX) || null,
                image_url: card.imageUrl,
                site_name: plainText(card.siteName, 200) || null,
                page_text: pageText,
                snapshot_state: 'ok',
                snapshot_at: now,
                snapshot_error: null,
              }
            : { snapshot_state: 'failed', snapshot_at: now, snapshot_error: plainText(problem, 300) },
        )
        .where('id', '=', bookmarkId)
        .execute();
      await reindexBookmarks(tx, this.#database.dialect, [bookmarkId]);
    });
  }
}

/** What a new bookmark starts with, before the member's own title, note and tags. */
interface NewBookmark {
  kind: BookmarkKind;
  postId?: number;
  itemId?: number;
  url: string | null;
  urlKey: string | null;
  title: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  pageText: string | null;
}

function postBookmark(post: PostView, title: string): NewBookmark {
  const text = post.contentWarning ? `${post.contentWarning}` : post.text;
  return {
    kind: 'post',
    postId: post.id,
    url: post.url,
    urlKey: null,
    title: title || plainText(excerpt(text, 120), TITLE_MAX) || `A post by ${post.author.displayName}`,
    description: plainText(post.text, DESCRIPTION_MAX) || null,
    imageUrl: null,
    siteName: plainText(`${post.author.displayName} (@${post.author.acct})`, 200),
    pageText: plainText(post.text, PAGE_TEXT_MAX) || null,
  };
}

export function toView(row: BookmarkRow, tags: BookmarkTag[], baseUrl: string): BookmarkView {
  const kind: BookmarkKind = row.post_id !== null ? 'post' : row.item_id !== null ? 'item' : 'url';
  return {
    id: row.id,
    kind,
    url: row.url ?? (row.post_id !== null ? `${baseUrl}/posts/${row.post_id}` : null),
    title: row.title,
    note: row.note,
    description: row.description,
    imageUrl: row.image_url,
    siteName: row.site_name,
    tags,
    visibility: row.visibility,
    postId: row.post_id,
    itemId: row.item_id,
    snapshot: { state: row.snapshot_state, at: row.snapshot_at, error: row.snapshot_error },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The guarded client with one deadline over several fetches (a snapshot reads the page's card,
 * then its article): every fetch gets the shared signal as well as its own time limit.
 */
class DeadlineClient extends HttpClient {
  readonly #inner: HttpClient;
  readonly #signal: AbortSignal;

  constructor(inner: HttpClient, signal: AbortSignal) {
    super({ userAgent: inner.userAgent });
    this.#inner = inner;
    this.#signal = signal;
  }

  override fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    return this.#inner.fetch(url, { ...options, signal: options.signal ? AbortSignal.any([options.signal, this.#signal]) : this.#signal });
  }
}
