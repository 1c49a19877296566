import { type Expression, type SqlBool, sql } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import { foldDiacritics } from '../db/search.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { Viewer } from '../platform/viewer.ts';
import { discover, type FeedCandidate, normaliseInputUrl } from './discover.ts';
import { searchText } from './ingest.ts';
import { extractArticle } from './readable.ts';
import { MIN_INTERVAL_MS, Refresher, type RefreshOptions } from './refresh.ts';
import { markItem, matches, type RuleAction } from './rules.ts';

/**
 * Sources as a member sees them: subscriptions in folders, the river of items, read and
 * starred marks, search, keyword rules. A source (feed URL) is shared by every member who
 * follows it and fetched once; what is personal lives in subscriptions and item_states.
 */

export interface FolderView {
  id: number;
  name: string;
  unread: number;
}

export interface SubscriptionView {
  id: number;
  sourceId: number;
  title: string;
  /** The member's own name, when set. */
  customTitle: string | null;
  feedUrl: string;
  siteUrl: string | null;
  iconUrl: string | null;
  folder: { id: number; name: string } | null;
  unread: number;
  status: 'active' | 'error' | 'gone' | 'pending';
  /** Plain words when something is wrong: "the site answered 404 since 3 days". */
  problem: string | null;
  lastFetchedAt: string | null;
  nextFetchAt: string | null;
}

export interface ItemView {
  id: number;
  url: string | null;
  title: string;
  author: string | null;
  summary: string;
  contentHtml: string;
  fullHtml: string | null;
  imageUrl: string | null;
  attachments: Array<{ url: string; mime_type: string; size_in_bytes?: number; duration_in_seconds?: number }>;
  tags: string[];
  publishedAt: string | null;
  source: { subscriptionId: number; id: number; title: string; siteUrl: string | null };
  read: boolean;
  starred: boolean;
  bookmarked: boolean;
}

export type RiverScope =
  | { kind: 'all' }
  | { kind: 'folder'; folderId: number }
  | { kind: 'source'; subscriptionId: number }
  | { kind: 'starred' };

export interface RiverQuery {
  scope: RiverScope;
  unreadOnly?: boolean;
  cursor?: string | undefined;
  q?: string | undefined;
  limit?: number;
}

export interface RuleView {
  id: number;
  keyword: string;
  action: RuleAction;
  scope: { kind: 'all' } | { kind: 'folder'; id: number; name: string } | { kind: 'source'; id: number; title: string };
}

export class ChooseFeedError extends UserError {
  readonly choices: FeedCandidate[];
  constructor(choices: FeedCandidate[]) {
    super(409, 'choose_feed', `This page offers ${choices.length} feeds: choose one.`, {
      issues: [{ path: 'url', message: 'Several feeds: choose one.' }],
    });
    this.choices = choices;
  }
}

const PAGE = 30;
const MAX_FOLDER_NAME = 80;
const MAX_TITLE = 200;
const MAX_KEYWORD = 100;
const MAX_SUBSCRIPTIONS = 5000;
const MAX_FEED_URL = 2000;

function daysSince(ms: number, now: number): string {
  const days = Math.floor((now - ms) / 86_400_000);
  if (days < 1) {
    const hours = Math.floor((now - ms) / 3600_000);
    return hours < 1 ? 'in the last hour' : `for ${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `since ${days} day${days === 1 ? '' : 's'}`;
}

/** The problem with a source, in words a member understands, or null. */
export function problemWords(
  source: { status: string; last_error: string | null; error_since: number | null; last_fetched_at: number | null },
  now = Date.now(),
): string | null {
  if (source.status === 'gone') return 'The site says this feed is gone for good; it is no longer checked.';
  if (source.status !== 'error' || !source.last_error) return null;
  const since = source.error_since ? ` ${daysSince(source.error_since, now)}` : '';
  const sentence = source.last_error.charAt(0).toUpperCase() + source.last_error.slice(1);
  return `${sentence}${since}.`;
}

export class FeedsService {
  readonly refresher: Refresher;
  readonly #database: Database;
  readonly #http: HttpClient;
  /** Fetch limits, shared with the refresher (the same object: a test may shorten `timeoutMs`). */
  readonly options: RefreshOptions;

  constructor(database: Database, http: HttpClient, logger: Logger, options: RefreshOptions) {
    this.#database = database;
    this.#http = http;
    this.options = options;
    this.refresher = new Refresher(database, http, logger, options);
  }

  /**
   * One refresh pass over every due source (the feeds.refresh job, every minute). The pass may
   * run up to 15 minutes, but its job and each source it holds are leased for a short while and
   * renewed as it goes: after a crash, the next worker resumes within a minute.
   */
  async refreshPass(signal: AbortSignal, logger: Logger): Promise<void> {
    const summary = await this.refresher.refreshDue(signal);
    if (summary.fetched) logger.info(summary, 'feeds refreshed');
  }

  get #db() {
    return this.#database.db;
  }

  // -------------------------------------------------------------------------------------------
  // Subscribing

  /** The feeds behind an address (a feed, a site, a profile). */
  async discover(input: string): Promise<FeedCandidate[]> {
    return (await discover(this.#http, input, this.options)).candidates;
  }

  /**
   * Follows the feed behind an address. When the address is a page naming several feeds, a
   * ChooseFeedError lists them. Fetches a new source at once, so its items are there to read.
   */
  async subscribe(
    viewer: Viewer,
    input: { url: string; folder?: string | null | undefined; title?: string | null | undefined },
  ): Promise<SubscriptionView> {
    const url = normaliseInputUrl(input.url);
    // Already known under this address (subscribed by someone, or an earlier choice)?
    const known = await this.#db.selectFrom('sources').select('id').where('url', '=', url).executeTakeFirst();
    let sourceId = known?.id ?? null;
    let prefetched = null;
    if (!sourceId) {
      const found = await discover(this.#http, url, this.options);
      if (found.candidates.length > 1) throw new ChooseFeedError(found.candidates);
      const feedUrl = found.candidates[0]!.url;
      sourceId = (await this.#db.selectFrom('sources').select('id').where('url', '=', feedUrl).executeTakeFirst())?.id ?? null;
      if (!sourceId) {
        sourceId = await this.#createSource(feedUrl);
        prefetched = found.fetched;
      }
    }
    const count = await this.#db
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_SUBSCRIPTIONS)
      throw new UserError(409, 'too_many_sources', `You follow ${MAX_SUBSCRIPTIONS} sources, the most one member can.`);
    const subscriptionId = await this.#db.transaction().execute(async (tx) => {
      const folderId = input.folder ? await this.#folderIdByName(tx, viewer, input.folder) : null;
      const inserted = await tx
        .insertInto('subscriptions')
        .values({
          member_id: viewer.memberId,
          source_id: sourceId,
          folder_id: folderId,
          title: cleanTitle(input.title),
          created_at: Date.now(),
        })
        .onConflict((oc) => oc.columns(['member_id', 'source_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw new UserError(409, 'already_subscribed', 'You already follow this source.');
      await tx
        .updateTable('sources')
        .set((eb) => ({ subscriber_count: eb('subscriber_count', '+', 1) }))
        .where('id', '=', sourceId)
        .execute();
      return inserted.id;
    });
    // A source nobody had fetched yet: fetch (or store what discovery fetched) now.
    const source = await this.#db.selectFrom('sources').select(['last_fetched_at']).where('id', '=', sourceId).executeTakeFirstOrThrow();
    if (source.last_fetched_at === null) {
      const claimed = await this.refresher.claim(sourceId);
      if (claimed) await this.refresher.refresh(claimed, undefined, prefetched?.outcome);
    }
    return this.subscription(viewer, subscriptionId);
  }

  async #createSource(url: string): Promise<number> {
    // The address is a unique key: PostgreSQL cannot index one much longer than this.
    if (url.length > MAX_FEED_URL) throw UserError.field('url', `This feed's address is too long (more than ${MAX_FEED_URL} characters).`);
    const now = Date.now();
    const row = await this.#db
      .insertInto('sources')
      .values({ url, interval_ms: MIN_INTERVAL_MS * 4, next_fetch_at: now, created_at: now })
      .onConflict((oc) => oc.column('url').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? (await this.#db.selectFrom('sources').select('id').where('url', '=', url).executeTakeFirstOrThrow()).id;
  }

  async unsubscribe(viewer: Viewer, subscriptionId: number): Promise<void> {
    const sub = await this.#own(subscriptionId, viewer);
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('subscriptions').where('id', '=', sub.id).execute();
      await tx.deleteFrom('keyword_rules').where('member_id', '=', viewer.memberId).where('source_id', '=', sub.source_id).execute();
      // Marks on its items go too, except stars (a starred item stays findable).
      await tx
        .deleteFrom('item_states')
        .where('member_id', '=', viewer.memberId)
        .where('starred_at', 'is', null)
        .where('item_id', 'in', (eb) => eb.selectFrom('source_items').select('id').where('source_id', '=', sub.source_id))
        .execute();
      await tx
        .updateTable('sources')
        .set((eb) => ({ subscriber_count: eb('subscriber_count', '-', 1) }))
        .where('id', '=', sub.source_id)
        .execute();
    });
  }

  async updateSubscription(
    viewer: Viewer,
    subscriptionId: number,
    changes: { title?: string | null | undefined; folder?: string | null | undefined },
  ): Promise<SubscriptionView> {
    const sub = await this.#own(subscriptionId, viewer);
    await this.#db.transaction().execute(async (tx) => {
      const set: { title?: string | null; folder_id?: number | null } = {};
      if (changes.title !== undefined) set.title = cleanTitle(changes.title);
      if (changes.folder !== undefined) set.folder_id = changes.folder ? await this.#folderIdByName(tx, viewer, changes.folder) : null;
      if (Object.keys(set).length) await tx.updateTable('subscriptions').set(set).where('id', '=', sub.id).execute();
      // Another folder, other folder rules.
      if (set.folder_id !== undefined && set.folder_id !== sub.folder_id) {
        const folderMutes = await tx
          .selectFrom('keyword_rules')
          .select('id')
          .where('member_id', '=', viewer.memberId)
          .where('action', '=', 'mute')
          .where('folder_id', 'is not', null)
          .executeTakeFirst();
        if (folderMutes) await this.#recomputeMutes(tx, viewer);
      }
    });
    return this.subscription(viewer, sub.id);
  }

  /** Fetches a source now (the member's "retry"), whatever its schedule says. */
  async retry(viewer: Viewer, subscriptionId: number): Promise<SubscriptionView> {
    const sub = await this.#own(subscriptionId, viewer);
    const claimed = await this.refresher.claim(sub.source_id);
    if (!claimed) throw new UserError(409, 'refresh_running', 'This source is being fetched right now; look again in a moment.');
    await this.refresher.refresh(claimed);
    return this.subscription(viewer, sub.id);
  }

  async #own(subscriptionId: number, viewer: Viewer) {
    const sub = await this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', subscriptionId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (!sub) throw UserError.notFound('You do not follow this source.');
    return sub;
  }

  // -------------------------------------------------------------------------------------------
  // Folders

  async #folderIdByName(db: Queryable, viewer: Viewer, name: string): Promise<number> {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean) throw UserError.field('folder', 'A folder needs a name.');
    if (clean.length > MAX_FOLDER_NAME) throw UserError.field('folder', `A folder name can be at most ${MAX_FOLDER_NAME} characters.`);
    await db
      .insertInto('folders')
      .values({ member_id: viewer.memberId, name: clean, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'name']).doNothing())
      .execute();
    return (
      await db
        .selectFrom('folders')
        .select('id')
        .where('member_id', '=', viewer.memberId)
        .where('name', '=', clean)
        .executeTakeFirstOrThrow()
    ).id;
  }

  async createFolder(viewer: Viewer, name: string): Promise<FolderView> {
    const id = await this.#folderIdByName(this.#db, viewer, name);
    return (await this.folders(viewer)).find((f) => f.id === id)!;
  }

  async renameFolder(viewer: Viewer, folderId: number, name: string): Promise<FolderView> {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean) throw UserError.field('name', 'A folder needs a name.');
    if (clean.length > MAX_FOLDER_NAME) throw UserError.field('name', `A folder name can be at most ${MAX_FOLDER_NAME} characters.`);
    await this.#ownFolder(viewer, folderId);
    const clash = await this.#db
      .selectFrom('folders')
      .select('id')
      .where('member_id', '=', viewer.memberId)
      .where('name', '=', clean)
      .where('id', '<>', folderId)
      .executeTakeFirst();
    if (clash) throw UserError.field('name', `You already have a folder called “${clean}”.`, 409, 'folder_exists');
    await this.#db.updateTable('folders').set({ name: clean }).where('id', '=', folderId).execute();
    return (await this.folders(viewer)).find((f) => f.id === folderId)!;
  }

  /** Deletes a folder; its sources stay, outside any folder. */
  async deleteFolder(viewer: Viewer, folderId: number): Promise<void> {
    await this.#ownFolder(viewer, folderId);
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('subscriptions').set({ folder_id: null }).where('folder_id', '=', folderId).execute();
      const rules = await tx.deleteFrom('keyword_rules').where('folder_id', '=', folderId).returning('action').execute();
      await tx.deleteFrom('folders').where('id', '=', folderId).execute();
      // What the folder's mute rules hid comes back.
      if (rules.some((r) => r.action === 'mute')) await this.#recomputeMutes(tx, viewer);
    });
  }

  async #ownFolder(viewer: Viewer, folderId: number) {
    const folder = await this.#db
      .selectFrom('folders')
      .selectAll()
      .where('id', '=', folderId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (!folder) throw UserError.notFound('You have no such folder.');
    return folder;
  }

  /** The member's folders with their unread counts (pass the subscriptions when already loaded). */
  async folders(viewer: Viewer, loaded?: SubscriptionView[]): Promise<FolderView[]> {
    const [folders, subs] = await Promise.all([
      this.#db.selectFrom('folders').select(['id', 'name']).where('member_id', '=', viewer.memberId).orderBy('name').execute(),
      loaded ?? this.subscriptions(viewer),
    ]);
    return folders.map((f) => ({
      id: f.id,
      name: f.name,
      unread: subs.filter((s) => s.folder?.id === f.id).reduce((n, s) => n + s.unread, 0),
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  async subscriptions(viewer: Viewer): Promise<SubscriptionView[]> {
    const rows = await this.#db
      .selectFrom('subscriptions as sub')
      .innerJoin('sources as s', 's.id', 'sub.source_id')
      .leftJoin('folders as f', 'f.id', 'sub.folder_id')
      .select([
        'sub.id',
        'sub.source_id',
        'sub.title as custom_title',
        's.title',
        's.url',
        's.site_url',
        's.icon_url',
        's.status',
        's.last_error',
        's.error_since',
        's.last_fetched_at',
        's.next_fetch_at',
        'f.id as folder_id',
        'f.name as folder_name',
      ])
      .where('sub.member_id', '=', viewer.memberId)
      .execute();
    const unread = await this.#unreadCounts(viewer);
    const now = Date.now();
    return rows
      .map(
        (r): SubscriptionView => ({
          id: r.id,
          sourceId: r.source_id,
          title: r.custom_title ?? (r.title || new URL(r.url).host),
          customTitle: r.custom_title,
          feedUrl: r.url,
          siteUrl: r.site_url,
          iconUrl: r.icon_url,
          folder: r.folder_id ? { id: r.folder_id, name: r.folder_name! } : null,
          unread: unread.get(r.id) ?? 0,
          status: r.last_fetched_at === null ? 'pending' : r.status,
          problem: problemWords(r, now),
          lastFetchedAt: r.last_fetched_at ? new Date(r.last_fetched_at).toISOString() : null,
          nextFetchAt: r.status === 'gone' ? null : new Date(r.next_fetch_at).toISOString(),
        }),
      )
      .sort((a, b) => a.title.localeCompare(b.title, 'en', { sensitivity: 'base' }));
  }

  async subscription(viewer: Viewer, subscriptionId: number): Promise<SubscriptionView> {
    const found = (await this.subscriptions(viewer)).find((s) => s.id === subscriptionId);
    if (!found) throw UserError.notFound('You do not follow this source.');
    return found;
  }

  /** Unread items per subscription: items above the read mark not marked read, plus older ones marked unread. */
  async #unreadCounts(viewer: Viewer): Promise<Map<number, number>> {
    const rows = await sql<{ id: number; n: number }>`
      select sub.id, count(*) as n
        from subscriptions sub
        join source_items i on i.source_id = sub.source_id and i.id > sub.read_up_to_id
        left join item_states st on st.member_id = sub.member_id and st.item_id = i.id
       where sub.member_id = ${viewer.memberId} and coalesce(st.read, 0) = 0 and coalesce(st.muted, 0) = 0
       group by sub.id
      union all
      select sub.id, count(*) as n
        from item_states st
        join source_items i on i.id = st.item_id
        join subscriptions sub on sub.source_id = i.source_id and sub.member_id = st.member_id
       where st.member_id = ${viewer.memberId} and st.read = 0 and st.muted = 0 and i.id <= sub.read_up_to_id
       group by sub.id`.execute(this.#db);
    const counts = new Map<number, number>();
    for (const r of rows.rows) counts.set(Number(r.id), (counts.get(Number(r.id)) ?? 0) + Number(r.n));
    return counts;
  }

  /** A page of items, newest first, with a stable cursor. */
  async river(viewer: Viewer, query: RiverQuery): Promise<{ items: ItemView[]; nextCursor: string | null }> {
    const limit = Math.min(query.limit ?? PAGE, 100);
    const { scope } = query;
    let q = this.#db
      .selectFrom('subscriptions as sub')
      .innerJoin('source_items as i', 'i.source_id', 'sub.source_id')
      .innerJoin('sources as s', 's.id', 'sub.source_id')
      .leftJoin('item_states as st', (join) => join.onRef('st.member_id', '=', 'sub.member_id').onRef('st.item_id', '=', 'i.id'))
      .leftJoin('bookmarks as b', (join) => join.onRef('b.member_id', '=', 'sub.member_id').onRef('b.item_id', '=', 'i.id'))
      .select([
        'i.id',
        'i.url',
        'i.title',
        'i.author',
        'i.summary',
        'i.content_html',
        'i.full_html',
        'i.image_url',
        'i.attachments',
        'i.tags',
        'i.published_at',
        'i.sort_at',
        'sub.id as sub_id',
        'sub.source_id',
        'sub.title as custom_title',
        's.title as source_title',
        's.url as source_url',
        's.site_url',
        'b.id as bookmark_id',
        'st.starred_at',
        sql<number>`coalesce(st.read, case when i.id > sub.read_up_to_id then 0 else 1 end)`.as('is_read'),
      ])
      .where('sub.member_id', '=', viewer.memberId)
      .where(sql<SqlBool>`coalesce(st.muted, 0) = 0`);
    if (scope.kind === 'folder') {
      await this.#ownFolder(viewer, scope.folderId);
      q = q.where('sub.folder_id', '=', scope.folderId);
    } else if (scope.kind === 'source') {
      await this.#own(scope.subscriptionId, viewer);
      q = q.where('sub.id', '=', scope.subscriptionId);
    } else if (scope.kind === 'starred') {
      q = q.where('st.starred_at', 'is not', null);
    }
    if (query.unreadOnly) q = q.where(sql<SqlBool>`coalesce(st.read, case when i.id > sub.read_up_to_id then 0 else 1 end) = 0`);
    const cursor = query.cursor ? decodeCursor(query.cursor, ['number', 'number']) : null;
    if (query.q?.trim()) q = q.where(await this.#matchSearch(query.q));
    else if (scope.kind !== 'starred') {
      const ids = await this.#newestIds(viewer, scope, query.unreadOnly ?? false, cursor, limit + 1);
      if (!ids.length) return { items: [], nextCursor: null };
      q = q.where('i.id', 'in', ids);
    }
    if (cursor) {
      const [sortAt, id] = cursor;
      q = q.where((eb) => eb.or([eb('i.sort_at', '<', sortAt), eb.and([eb('i.sort_at', '=', sortAt), eb('i.id', '<', id)])]));
    }
    const rows = await q
      .orderBy('i.sort_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const items = page.map(
      (r): ItemView => ({
        id: r.id,
        url: r.url,
        title: r.title || r.summary.slice(0, 80) || '(untitled)',
        author: r.author,
        summary: r.summary,
        contentHtml: r.content_html,
        fullHtml: r.full_html,
        imageUrl: r.image_url,
        attachments: r.attachments ? JSON.parse(r.attachments) : [],
        tags: r.tags ? JSON.parse(r.tags) : [],
        publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
        source: {
          subscriptionId: r.sub_id,
          id: r.source_id,
          title: r.custom_title ?? (r.source_title || new URL(r.source_url).host),
          siteUrl: r.site_url,
        },
        read: Number(r.is_read) === 1,
        starred: r.starred_at !== null,
        bookmarked: r.bookmark_id !== null,
      }),
    );
    const last = page.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.sort_at, last.id]) : null };
  }

  /**
   * The ids of a page of the river, found source by source: each subscription's newest
   * matching items come from its own index range (source, sort_at), and the page is the newest
   * of those. A page costs about `subscriptions × page size` index entries, however many
   * items the sources have piled up (sorting every item of every source would not).
   */
  async #newestIds(
    viewer: Viewer,
    scope: Exclude<RiverScope, { kind: 'starred' }>,
    unreadOnly: boolean,
    cursor: readonly [number, number] | null,
    take: number,
  ): Promise<number[]> {
    const subs = await this.#db
      .selectFrom('subscriptions')
      .select(['source_id', 'read_up_to_id'])
      .where('member_id', '=', viewer.memberId)
      .$if(scope.kind === 'folder', (qb) => qb.where('folder_id', '=', (scope as { folderId: number }).folderId))
      .$if(scope.kind === 'source', (qb) => qb.where('id', '=', (scope as { subscriptionId: number }).subscriptionId))
      .execute();
    const candidates: Array<{ id: number; sort_at: number }> = [];
    // SQLite allows 500 terms in a compound SELECT; stay well below.
    for (let start = 0; start < subs.length; start += 200) {
      const parts = subs.slice(start, start + 200).map(
        (sub) => sql`select * from (
          select i.id, i.sort_at from source_items i
            left join item_states st on st.member_id = ${viewer.memberId} and st.item_id = i.id
           where i.source_id = ${sub.source_id} and coalesce(st.muted, 0) = 0
             ${unreadOnly ? sql`and coalesce(st.read, case when i.id > ${sub.read_up_to_id} then 0 else 1 end) = 0` : sql``}
             ${cursor ? sql`and (i.sort_at < ${cursor[0]} or (i.sort_at = ${cursor[0]} and i.id < ${cursor[1]}))` : sql``}
           order by i.sort_at desc, i.id desc limit ${take}) as newest`,
      );
      const rows = await sql<{ id: number; sort_at: number }>`${sql.join(parts, sql` union all `)}`.execute(this.#db);
      candidates.push(...rows.rows.map((r) => ({ id: Number(r.id), sort_at: Number(r.sort_at) })));
    }
    return candidates
      .sort((a, b) => b.sort_at - a.sort_at || b.id - a.id)
      .slice(0, take)
      .map((c) => c.id);
  }

  /** Full-text condition on items (FTS5 on SQLite, tsvector on PostgreSQL). */
  async #matchSearch(input: string): Promise<Expression<SqlBool>> {
    const words = input.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.slice(0, 10) ?? [];
    if (!words.length) throw UserError.field('q', 'Search for at least one word.', 400, 'invalid_query');
    if (this.#database.dialect === 'sqlite') {
      const match = words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' ');
      return sql<SqlBool>`i.id in (select rowid from source_items_fts where source_items_fts match ${match})`;
    }
    return sql<SqlBool>`i.search @@ (${sql.join(
      words.map((w) => sql`plainto_tsquery('simple', ${foldDiacritics(w)})`),
      sql` && `,
    )})`;
  }

  async item(viewer: Viewer, itemId: number): Promise<ItemView> {
    const row = await this.#db
      .selectFrom('source_items as i')
      .innerJoin('subscriptions as sub', (join) =>
        join.onRef('sub.source_id', '=', 'i.source_id').on('sub.member_id', '=', viewer.memberId),
      )
      .select(['i.sort_at', 'sub.id as sub_id'])
      .where('i.id', '=', itemId)
      .executeTakeFirst();
    if (!row) throw UserError.notFound('This item does not exist, or is from a source you do not follow.');
    // The item is the first of a one-item page starting just above it.
    const { items } = await this.river(viewer, {
      scope: { kind: 'source', subscriptionId: row.sub_id },
      cursor: encodeCursor([row.sort_at, itemId + 1]),
      limit: 1,
    });
    const item = items[0];
    if (!item || item.id !== itemId) throw UserError.notFound('This item is hidden by one of your keyword rules.');
    return item;
  }

  /** Marks one item read (with the time: insights count reading) or unread. */
  async setRead(viewer: Viewer, itemId: number, read: boolean, now = Date.now()): Promise<void> {
    await this.item(viewer, itemId);
    await this.#db
      .insertInto('item_states')
      .values({ member_id: viewer.memberId, item_id: itemId, read: read ? 1 : 0, read_at: read ? now : null, starred_at: null })
      .onConflict((oc) => oc.columns(['member_id', 'item_id']).doUpdateSet({ read: read ? 1 : 0, read_at: read ? now : null }))
      .execute();
  }

  async setStarred(viewer: Viewer, itemId: number, starred: boolean): Promise<void> {
    await this.item(viewer, itemId);
    if (starred) await markItem(this.#db, viewer.memberId, itemId, 'star', Date.now());
    else
      await this.#db
        .updateTable('item_states')
        .set({ starred_at: null })
        .where('member_id', '=', viewer.memberId)
        .where('item_id', '=', itemId)
        .execute();
  }

  /** Marks everything in a scope read, or only what is older than a day or a week. */
  async markAllRead(viewer: Viewer, scope: RiverScope, olderThan?: 'day' | 'week'): Promise<number> {
    if (scope.kind === 'starred') throw UserError.field('scope', 'Starred items are marked read one by one.', 400);
    if (scope.kind === 'folder') await this.#ownFolder(viewer, scope.folderId);
    if (scope.kind === 'source') await this.#own(scope.subscriptionId, viewer);
    return this.#db.transaction().execute(async (tx) => {
      const subs = await tx
        .selectFrom('subscriptions')
        .select(['id', 'source_id'])
        .where('member_id', '=', viewer.memberId)
        .$if(scope.kind === 'folder', (qb) => qb.where('folder_id', '=', (scope as { folderId: number }).folderId))
        .$if(scope.kind === 'source', (qb) => qb.where('id', '=', (scope as { subscriptionId: number }).subscriptionId))
        .execute();
      if (!subs.length) return 0;
      const subIds = subs.map((s) => s.id);
      const sourceIds = subs.map((s) => s.source_id);
      if (!olderThan) {
        // Everything there now: each subscription's read mark goes up to its source's newest item.
        await sql`
          update subscriptions
             set read_up_to_id = coalesce((select max(i.id) from source_items i where i.source_id = subscriptions.source_id), read_up_to_id)
           where id in (${sql.join(subIds)})`.execute(tx);
        await tx
          .updateTable('item_states')
          .set({ read: null })
          .where('member_id', '=', viewer.memberId)
          .where('read', 'is not', null)
          .where('item_id', 'in', (eb) => eb.selectFrom('source_items').select('id').where('source_id', 'in', sourceIds))
          .execute();
        return subs.length;
      }
      // Older than a cutoff: "read" on each such item above the read mark, and on those marked unread below it.
      const cutoff = Date.now() - (olderThan === 'day' ? 86_400_000 : 7 * 86_400_000);
      await sql`
        insert into item_states (member_id, item_id, read, starred_at, muted)
        select ${viewer.memberId}, i.id, 1, null, 0
          from subscriptions sub join source_items i on i.source_id = sub.source_id
         where sub.id in (${sql.join(subIds)}) and i.sort_at < ${cutoff} and i.id > sub.read_up_to_id
        on conflict (member_id, item_id) do update set read = 1`.execute(tx);
      await sql`
        update item_states set read = 1
         where member_id = ${viewer.memberId} and read = 0
           and item_id in (select id from source_items where source_id in (${sql.join(sourceIds)}) and sort_at < ${cutoff})`.execute(tx);
      return subs.length;
    });
  }

  /** The whole article behind a truncated item, extracted from its page and sanitised (kept once fetched). */
  async fullArticle(viewer: Viewer, itemId: number): Promise<ItemView> {
    const item = await this.item(viewer, itemId);
    if (item.fullHtml) return item;
    if (!item.url) throw new UserError(409, 'no_link', 'This item has no link to an article.');
    const html = await extractArticle(this.#http, item.url, this.options.maxBytes);
    await this.#db.updateTable('source_items').set({ full_html: html }).where('id', '=', itemId).execute();
    return { ...item, fullHtml: html };
  }

  // -------------------------------------------------------------------------------------------
  // Keyword rules

  async rules(viewer: Viewer): Promise<RuleView[]> {
    const rows = await this.#db
      .selectFrom('keyword_rules as r')
      .leftJoin('folders as f', 'f.id', 'r.folder_id')
      .leftJoin('subscriptions as sub', (join) =>
        join.onRef('sub.source_id', '=', 'r.source_id').onRef('sub.member_id', '=', 'r.member_id'),
      )
      .leftJoin('sources as s', 's.id', 'r.source_id')
      .select([
        'r.id',
        'r.keyword',
        'r.action',
        'r.folder_id',
        'f.name as folder_name',
        'sub.id as sub_id',
        'sub.title as custom_title',
        's.title as source_title',
      ])
      .where('r.member_id', '=', viewer.memberId)
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      keyword: r.keyword,
      action: r.action,
      scope: r.sub_id
        ? { kind: 'source', id: r.sub_id, title: r.custom_title ?? r.source_title ?? '' }
        : r.folder_id
          ? { kind: 'folder', id: r.folder_id, name: r.folder_name ?? '' }
          : { kind: 'all' },
    }));
  }

  /** Adds a rule and applies it to the items already there. */
  async addRule(
    viewer: Viewer,
    input: { keyword: string; action: RuleAction; folderId?: number | null | undefined; subscriptionId?: number | null | undefined },
  ): Promise<RuleView> {
    const keyword = input.keyword.replace(/\s+/g, ' ').trim();
    if (!keyword) throw UserError.field('keyword', 'A rule needs a word or phrase.');
    if (keyword.length > MAX_KEYWORD) throw UserError.field('keyword', `A keyword can be at most ${MAX_KEYWORD} characters.`);
    if (input.folderId && input.subscriptionId) throw UserError.field('scope', 'A rule applies to one source or one folder, not both.');
    const sourceId = input.subscriptionId ? (await this.#own(input.subscriptionId, viewer)).source_id : null;
    if (input.folderId) await this.#ownFolder(viewer, input.folderId);
    const id = await this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('keyword_rules')
        .values({
          member_id: viewer.memberId,
          source_id: sourceId,
          folder_id: input.folderId ?? null,
          keyword,
          action: input.action,
          created_at: Date.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Existing items: a coarse LIKE narrows them in SQL, the same match as for new items decides.
      const probe = likeProbe(keyword);
      const candidates = await tx
        .selectFrom('source_items as i')
        .innerJoin('subscriptions as sub', (join) =>
          join.onRef('sub.source_id', '=', 'i.source_id').on('sub.member_id', '=', viewer.memberId),
        )
        .select(['i.id', 'i.title', 'i.author', 'i.summary', 'i.content_html'])
        .$if(sourceId !== null, (qb) => qb.where('sub.source_id', '=', sourceId!))
        .$if(!!input.folderId, (qb) => qb.where('sub.folder_id', '=', input.folderId!))
        .$if(probe !== null, (qb) => qb.where(probe!))
        .execute();
      const now = Date.now();
      for (const c of candidates) {
        if (matches(searchText(c), keyword)) await markItem(tx, viewer.memberId, c.id, input.action, now);
      }
      return row.id;
    });
    return (await this.rules(viewer)).find((r) => r.id === id)!;
  }

  /** Removes a rule; items it muted come back (stars it gave stay: the member may have starred them too). */
  async deleteRule(viewer: Viewer, ruleId: number): Promise<void> {
    const rule = await this.#db
      .selectFrom('keyword_rules')
      .selectAll()
      .where('id', '=', ruleId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (!rule) throw UserError.notFound('You have no such rule.');
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('keyword_rules').where('id', '=', ruleId).execute();
      if (rule.action === 'mute') await this.#recomputeMutes(tx, viewer);
    });
  }

  /** Mutes anew by the member's mute rules as they are now (a rule or a folder went, a source moved). */
  async #recomputeMutes(tx: Queryable, viewer: Viewer): Promise<void> {
    await tx.updateTable('item_states').set({ muted: 0 }).where('member_id', '=', viewer.memberId).where('muted', '=', 1).execute();
    const remaining = await tx
      .selectFrom('keyword_rules')
      .selectAll()
      .where('member_id', '=', viewer.memberId)
      .where('action', '=', 'mute')
      .execute();
    for (const r of remaining) {
      const items = await tx
        .selectFrom('source_items as i')
        .innerJoin('subscriptions as sub', (join) =>
          join.onRef('sub.source_id', '=', 'i.source_id').on('sub.member_id', '=', viewer.memberId),
        )
        .select(['i.id', 'i.title', 'i.author', 'i.summary', 'i.content_html'])
        .$if(r.source_id !== null, (qb) => qb.where('sub.source_id', '=', r.source_id!))
        .$if(r.folder_id !== null, (qb) => qb.where('sub.folder_id', '=', r.folder_id!))
        .$if(likeProbe(r.keyword) !== null, (qb) => qb.where(likeProbe(r.keyword)!))
        .execute();
      for (const c of items) if (matches(searchText(c), r.keyword)) await markItem(tx, viewer.memberId, c.id, 'mute', Date.now());
    }
  }
}

/**
 * A coarse SQL condition that every item a keyword matches passes: the keyword's longest run of
 * ASCII letters and digits appears in the stored title, summary or HTML (SQLite's lower() folds
 * only ASCII, and the text is stored as HTML, so the whole keyword would miss "Élection" or
 * "Tom &amp; Jerry"). Null when the keyword has no such run.
 */
function likeProbe(keyword: string): Expression<SqlBool> | null {
  const probe = (keyword.match(/[a-z0-9]+/gi) ?? []).sort((a, b) => b.length - a.length)[0];
  if (!probe) return null;
  return sql<SqlBool>`lower(i.title || ' ' || coalesce(i.author, '') || ' ' || i.summary || ' ' || i.content_html) like ${`%${probe.toLowerCase()}%`}`;
}

function cleanTitle(title: string | null | undefined): string | null {
  const clean = title?.replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  if (clean.length > MAX_TITLE) throw UserError.field('title', `A title can be at most ${MAX_TITLE} characters.`);
  return clean;
}
