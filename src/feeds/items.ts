import { type Expression, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { foldDiacritics } from '../db/search.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { FoldersService } from './folders.ts';
import { type ItemAction, type ItemExtension, ItemExtensions } from './item-extensions.ts';
import { extractArticle } from './readable.ts';
import { markItem } from './rule-matching.ts';
import type { SourcesService } from './sources.ts';

/**
 * Items as a member reads them: the river (everything, a folder, a source, starred; newest
 * first, with a stable cursor; full-text search), one item, read and starred marks, marking a
 * scope read, the full article behind a teaser, and what other capabilities add to items
 * (item-extensions.ts).
 */

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

const PAGE = 30;

/** An item as other capabilities show it: its title as fetched (may be empty), address, and its source's. */
export interface ItemRef {
  id: number;
  title: string;
  url: string | null;
  sourceTitle: string;
  /** The source's feed address. */
  sourceUrl: string;
}

export interface ItemsDeps {
  database: Database;
  http: HttpClient;
  /** Fetch limits for full articles (read when used: a test may change them). */
  options: { maxBytes: number };
  sources: SourcesService;
  folders: FoldersService;
}

export class ItemsService {
  readonly #database: Database;
  readonly #http: HttpClient;
  readonly #options: { maxBytes: number };
  readonly #sources: SourcesService;
  readonly #folders: FoldersService;
  readonly #extensions = new ItemExtensions();

  constructor(deps: ItemsDeps) {
    this.#database = deps.database;
    this.#http = deps.http;
    this.#options = deps.options;
    this.#sources = deps.sources;
    this.#folders = deps.folders;
  }

  get #db() {
    return this.#database.db;
  }

  /** Adds what another capability knows of items, or does with them (see item-extensions.ts). */
  extend(extension: ItemExtension): void {
    this.#extensions.add(extension);
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
        'st.starred_at',
        sql<number>`coalesce(st.read, case when i.id > sub.read_up_to_id then 0 else 1 end)`.as('is_read'),
      ])
      .where('sub.member_id', '=', viewer.memberId)
      .where(sql<SqlBool>`coalesce(st.muted, 0) = 0`);
    if (scope.kind === 'folder') {
      await this.#folders.own(viewer, scope.folderId);
      q = q.where('sub.folder_id', '=', scope.folderId);
    } else if (scope.kind === 'source') {
      await this.#sources.own(viewer, scope.subscriptionId);
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
    const facts = await this.#extensions.facts(
      viewer,
      page.map((r) => r.id),
    );
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
        bookmarked: facts.get(r.id)?.bookmarked ?? false,
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

  /** One item of a source the member follows; 404 otherwise, or when a keyword rule hides it. */
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

  /**
   * Carries out an action another capability offers on items (bookmarking). The caller checks
   * that the member may see the item, as it always did (`item`).
   */
  async act(viewer: Viewer, itemId: number, action: ItemAction): Promise<void> {
    await this.#extensions.run(action, viewer, itemId);
  }

  /** Marks everything in a scope read, or only what is older than a day or a week. */
  async markAllRead(viewer: Viewer, scope: RiverScope, olderThan?: 'day' | 'week'): Promise<number> {
    if (scope.kind === 'starred') throw UserError.field('scope', 'Starred items are marked read one by one.', 400);
    if (scope.kind === 'folder') await this.#folders.own(viewer, scope.folderId);
    if (scope.kind === 'source') await this.#sources.own(viewer, scope.subscriptionId);
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
    const html = await extractArticle(this.#http, item.url, this.#options.maxBytes);
    await this.#db.updateTable('source_items').set({ full_html: html }).where('id', '=', itemId).execute();
    return { ...item, fullHtml: html };
  }

  /** Items by id with their source, whoever follows them, as other capabilities show them (curation's collections). */
  async byIds(ids: number[]): Promise<ItemRef[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('source_items as i')
      .innerJoin('sources as s', 's.id', 'i.source_id')
      .select(['i.id', 'i.title', 'i.url', 's.title as source_title', 's.url as source_url'])
      .where('i.id', 'in', [...new Set(ids)])
      .execute();
    return rows.map((r) => ({ id: r.id, title: r.title, url: r.url, sourceTitle: r.source_title, sourceUrl: r.source_url }));
  }
}
