import { passionSlug } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { type BookmarkPage, bookmarkViews } from './bookmark-rows.ts';
import type { BookmarkQuery } from './bookmark-schemas.ts';
import { matchWords, parseSearch } from './bookmark-search.ts';
import type { BookmarkTargets } from './bookmark-targets.ts';

const PAGE = 20;
const PAGE_MAX = 100;

/**
 * Lists of a member's bookmarks, newest first by the date saved (imports keep theirs), with
 * keyset cursors: filtered by tag, visibility, kind and search words; public lists leave out
 * bookmarks of posts that are no longer public.
 */
export class BookmarkLists {
  readonly #database: Database;
  readonly #config: Pick<Config, 'baseUrl'>;
  readonly #targets: BookmarkTargets;

  constructor(deps: { database: Database; config: Pick<Config, 'baseUrl'>; targets: BookmarkTargets }) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#targets = deps.targets;
  }

  /** A page of the member's bookmarks (`publicOnly`: as anyone sees them on the profile). */
  async page(memberId: number, query: BookmarkQuery, publicOnly: boolean): Promise<BookmarkPage> {
    const { db, dialect } = this.#database;
    const limit = Math.min(Math.max(query.limit ?? PAGE, 1), PAGE_MAX);
    const search = query.q?.trim() ? parseSearch(query.q) : null;
    const tags = [...(search?.tags ?? []), ...(query.tag ? [passionSlug(query.tag)] : [])];
    if (query.tag && !passionSlug(query.tag)) return { bookmarks: [], nextCursor: null };
    let q = db.selectFrom('bookmarks as b').select(['b.id', 'b.created_at', 'b.post_id']).where('b.member_id', '=', memberId);
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
    if (search?.words.length) q = q.where(matchWords(memberId, search.words, dialect));
    let after = query.cursor ? decodeCursor(query.cursor, ['number', 'number']) : null;
    // A public list leaves out bookmarks of posts that are no longer public (social knows which):
    // rows are read until the page is full or there are no more.
    const rows: Array<{ id: number; created_at: number }> = [];
    for (;;) {
      const cursor = after;
      const batch = await q
        .$if(cursor !== null, (s) =>
          s.where((eb) =>
            eb.or([eb('b.created_at', '<', cursor![0]), eb.and([eb('b.created_at', '=', cursor![0]), eb('b.id', '<', cursor![1])])]),
          ),
        )
        .orderBy('b.created_at', 'desc')
        .orderBy('b.id', 'desc')
        .limit(limit + 1)
        .execute();
      const shown = publicOnly ? await this.#targets.publicPosts(batch.flatMap((r) => (r.post_id === null ? [] : [r.post_id]))) : null;
      rows.push(...(shown ? batch.filter((r) => r.post_id === null || shown.has(r.post_id)) : batch));
      const last = batch.at(-1);
      if (!shown || rows.length > limit || batch.length <= limit || !last) break;
      after = [last.created_at, last.id];
    }
    const page = rows.slice(0, limit);
    const bookmarks = await bookmarkViews(
      db,
      page.map((r) => r.id),
      this.#config.baseUrl,
    );
    const last = page.at(-1);
    return { bookmarks, nextCursor: rows.length > limit && last ? encodeCursor([last.created_at, last.id]) : null };
  }
}
