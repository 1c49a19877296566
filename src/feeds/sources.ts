import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Viewer } from '../platform/viewer.ts';
import { discover, type FeedCandidate, normaliseInputUrl } from './discover.ts';
import type { FoldersService } from './folders.ts';
import { MIN_INTERVAL_MS, type RefreshOptions, type RefreshService } from './refresh.ts';
import { recomputeMutes } from './rule-matching.ts';
import { unreadCounts } from './unread.ts';

/**
 * The sources a member follows (their subscriptions): following the feed behind an address,
 * naming it for oneself, moving it between folders, fetching it now, unfollowing. A source
 * (feed URL) is shared by every member who follows it and fetched once; what is personal lives
 * in `subscriptions`.
 */

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

export class ChooseFeedError extends UserError {
  readonly choices: FeedCandidate[];
  constructor(choices: FeedCandidate[]) {
    super(409, 'choose_feed', `This page offers ${choices.length} feeds: choose one.`, {
      issues: [{ path: 'url', message: 'Several feeds: choose one.' }],
    });
    this.choices = choices;
  }
}

const MAX_TITLE = 200;
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

/** A source as other capabilities show it: its title as fetched (may be empty), feed and site. */
export interface SourceRef {
  id: number;
  title: string;
  /** The feed's address. */
  url: string;
  siteUrl: string | null;
}

export interface SourcesDeps {
  database: Database;
  http: HttpClient;
  /** Fetch limits (the refresher's own object). */
  options: RefreshOptions;
  refresher: RefreshService;
  folders: FoldersService;
}

export class SourcesService {
  readonly #database: Database;
  readonly #http: HttpClient;
  readonly #options: RefreshOptions;
  readonly #refresher: RefreshService;
  readonly #folders: FoldersService;

  constructor(deps: SourcesDeps) {
    this.#database = deps.database;
    this.#http = deps.http;
    this.#options = deps.options;
    this.#refresher = deps.refresher;
    this.#folders = deps.folders;
  }

  get #db() {
    return this.#database.db;
  }

  /** The feeds behind an address (a feed, a site, a profile). */
  async discover(input: string): Promise<FeedCandidate[]> {
    return (await discover(this.#http, input, this.#options)).candidates;
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
      const found = await discover(this.#http, url, this.#options);
      if (found.candidates.length > 1) throw new ChooseFeedError(found.candidates);
      const feedUrl = found.candidates[0]!.url;
      sourceId = (await this.#db.selectFrom('sources').select('id').where('url', '=', feedUrl).executeTakeFirst())?.id ?? null;
      if (!sourceId) {
        sourceId = await this.#createSource(feedUrl);
        prefetched = found.fetched;
      }
    }
    if ((await this.count(viewer)) >= MAX_SUBSCRIPTIONS)
      throw new UserError(409, 'too_many_sources', `You follow ${MAX_SUBSCRIPTIONS} sources, the most one member can.`);
    const subscriptionId = await this.#db.transaction().execute(async (tx) => {
      const folderId = input.folder ? await this.#folders.idByName(tx, viewer, input.folder) : null;
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
      const claimed = await this.#refresher.claim(sourceId);
      if (claimed) await this.#refresher.refresh(claimed, undefined, prefetched?.outcome);
    }
    return this.get(viewer, subscriptionId);
  }

  /** How many sources the member follows (one indexed count). */
  async count(viewer: Pick<Viewer, 'memberId'>): Promise<number> {
    const row = await this.#db
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
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
    const sub = await this.own(viewer, subscriptionId);
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

  /** Renames a source for the member (null: its own title again) or moves it to a folder (null: out of folders). */
  async update(
    viewer: Viewer,
    subscriptionId: number,
    changes: { title?: string | null | undefined; folder?: string | null | undefined },
  ): Promise<SubscriptionView> {
    const sub = await this.own(viewer, subscriptionId);
    await this.#db.transaction().execute(async (tx) => {
      const set: { title?: string | null; folder_id?: number | null } = {};
      if (changes.title !== undefined) set.title = cleanTitle(changes.title);
      if (changes.folder !== undefined) set.folder_id = changes.folder ? await this.#folders.idByName(tx, viewer, changes.folder) : null;
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
        if (folderMutes) await recomputeMutes(tx, viewer.memberId);
      }
    });
    return this.get(viewer, sub.id);
  }

  /** Fetches a source now (the member's "retry"), whatever its schedule says. */
  async retry(viewer: Viewer, subscriptionId: number): Promise<SubscriptionView> {
    const sub = await this.own(viewer, subscriptionId);
    const claimed = await this.#refresher.claim(sub.source_id);
    if (!claimed) throw new UserError(409, 'refresh_running', 'This source is being fetched right now; look again in a moment.');
    await this.#refresher.refresh(claimed);
    return this.get(viewer, sub.id);
  }

  /** One of the member's subscriptions (its row); 404 otherwise. */
  async own(viewer: Viewer, subscriptionId: number) {
    const sub = await this.#db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', subscriptionId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (!sub) throw UserError.notFound('You do not follow this source.');
    return sub;
  }

  /** Every source the member follows, by title, with unread counts and problems. */
  async list(viewer: Viewer): Promise<SubscriptionView[]> {
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
    const unread = await unreadCounts(this.#db, viewer.memberId);
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

  async get(viewer: Viewer, subscriptionId: number): Promise<SubscriptionView> {
    const found = (await this.list(viewer)).find((s) => s.id === subscriptionId);
    if (!found) throw UserError.notFound('You do not follow this source.');
    return found;
  }

  /** Sources by id, followed or not, as other capabilities show them (curation's collections). */
  async byIds(ids: number[]): Promise<SourceRef[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('sources')
      .select(['id', 'title', 'url', 'site_url'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map((r) => ({ id: r.id, title: r.title, url: r.url, siteUrl: r.site_url }));
  }
}

function cleanTitle(title: string | null | undefined): string | null {
  const clean = title?.replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  if (clean.length > MAX_TITLE) throw UserError.field('title', `A title can be at most ${MAX_TITLE} characters.`);
  return clean;
}
