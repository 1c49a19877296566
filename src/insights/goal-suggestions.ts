import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Viewer } from '../platform/viewer.ts';
import { ACTOR_SUMMARY_COLUMNS, type ActorSummary, actorSummary } from '../social/index.ts';
import { listWords, num, unionAll } from './common.ts';
import { itemMentions, mentionedTag, tagWord, times } from './goal-matching.ts';

/**
 * Where to learn more for a learning goal (goals.ts): experts, sources, chats and collections that
 * carry its tags, each with its reasons in words. Every read is bounded (LIMITs inside the SQL,
 * at most 10 tags a goal), so the cost does not grow with the community. Reads other
 * capabilities' tables, never writes them: social's `posts`, `post_hashtags`, `hashtags`,
 * `follows`, `blocks`, `mutes`; feeds' `sources`, `source_items`, `subscriptions`; chats'
 * `chats`, `chat_series`; curation's `collections`, `collection_entries`; the people (`actors`,
 * `members`, `actor_passions`, `passions`: accounts' shared read model).
 */

const DAY = 86_400_000;
/** "Recently" for experts: posts in the last 30 days count by number. */
const EXPERT_WINDOW = 30 * DAY;

/** Bounds of the work per request. */
const BOUNDS = {
  /** Experts: the newest listed posts read per hashtag, and the newest holders per passion. */
  postsPerTag: 200,
  holdersPerPassion: 100,
  expertCandidates: 300,
  experts: 8,
  /** Sources: the most-subscribed sources looked at, and their latest items each. */
  sourceCandidates: 60,
  itemsPerSource: 20,
  sources: 5,
  /** Chats: series with the tag as hashtag, and chats from 30 days ago to 60 days ahead. */
  chatWindowBack: 30 * DAY,
  chatWindowAhead: 60 * DAY,
  chatCandidates: 200,
  chats: 5,
  /** Collections: the most recently changed shared ones, and their first entries. */
  collectionCandidates: 100,
  entriesPerCollection: 20,
  collections: 5,
} as const;

export interface ExpertSuggestion {
  actor: ActorSummary;
  reasons: string[];
  /** Posts with the goal's tags in the last 30 days (among the newest read). */
  recentPosts: number;
}

export interface SourceSuggestion {
  id: number;
  title: string;
  /** The feed's address: what Subscribe sends. */
  url: string;
  siteUrl: string | null;
  subscribers: number;
  reasons: string[];
}

export interface ChatSuggestion {
  slug: string;
  date: string;
  title: string;
  hashtag: string;
  topic: string;
  startsAt: number;
  state: string;
  /** The chat's page. */
  path: string;
  reasons: string[];
}

export interface CollectionSuggestion {
  id: number;
  kind: 'collection' | 'starter_kit';
  title: string;
  description: string;
  /** The collection's page. */
  path: string;
  reasons: string[];
}

export interface GoalSuggestions {
  experts: ExpertSuggestion[];
  sources: SourceSuggestion[];
  chats: ChatSuggestion[];
  collections: CollectionSuggestion[];
}

type Member = Pick<Viewer, 'memberId' | 'actorId'>;
type Tag = { slug: string; name: string };

export class GoalSuggestionsService {
  readonly #database: Database;
  readonly #baseUrl: string;

  constructor(deps: { database: Database; baseUrl: string }) {
    this.#database = deps.database;
    this.#baseUrl = deps.baseUrl;
  }

  get #db() {
    return this.#database.db;
  }

  /** Experts, sources, chats and collections for a goal's tags (all empty without tags). */
  async forTags(viewer: Member, tags: Tag[], now: number): Promise<GoalSuggestions> {
    if (tags.length === 0) return { experts: [], sources: [], chats: [], collections: [] };
    const [experts, sources, chats, collections] = await Promise.all([
      this.#experts(viewer, tags, now),
      this.#sources(viewer, tags),
      this.#chats(tags, now),
      this.#collections(viewer, tags),
    ]);
    return { experts, sources, chats, collections };
  }

  async #experts(viewer: Member, tags: Tag[], now: number): Promise<ExpertSuggestion[]> {
    const db = this.#db;
    const slugs = tags.map((t) => t.slug);
    const [hashtags, passions] = await Promise.all([
      db.selectFrom('hashtags').select(['id', 'slug', 'name']).where('slug', 'in', slugs).execute(),
      db.selectFrom('passions').select(['id', 'slug', 'name']).where('slug', 'in', slugs).execute(),
    ]);
    const [postRows, holderRows] = await Promise.all([
      hashtags.length === 0
        ? Promise.resolve([])
        : sql<{ actor_id: unknown; hashtag_id: unknown; created_at: unknown }>`${unionAll(
            hashtags.map(
              (h) => sql`select posts.actor_id, post_hashtags.hashtag_id, posts.created_at from post_hashtags
                inner join posts on posts.id = post_hashtags.post_id
                where post_hashtags.hashtag_id = ${h.id} and post_hashtags.listed = 1 and posts.deleted_at is null
                order by post_hashtags.post_id desc limit ${BOUNDS.postsPerTag}`,
            ),
          )}`
            .execute(db)
            .then((r) => r.rows),
      passions.length === 0
        ? Promise.resolve([])
        : sql<{ actor_id: unknown; passion_id: unknown }>`${unionAll(
            passions.map(
              (p) =>
                sql`select actor_id, passion_id from actor_passions where passion_id = ${p.id} order by actor_id desc limit ${BOUNDS.holdersPerPassion}`,
            ),
          )}`
            .execute(db)
            .then((r) => r.rows),
    ]);

    interface Signal {
      /** hashtag id → [posts in the window, posts read] */
      tags: Map<number, [number, number]>;
      passions: Set<number>;
    }
    const signals = new Map<number, Signal>();
    const of = (id: number) => {
      let s = signals.get(id);
      if (!s) signals.set(id, (s = { tags: new Map(), passions: new Set() }));
      return s;
    };
    for (const r of postRows) {
      const s = of(num(r.actor_id));
      const counts = s.tags.get(num(r.hashtag_id)) ?? [0, 0];
      if (num(r.created_at) >= now - EXPERT_WINDOW) counts[0]++;
      counts[1]++;
      s.tags.set(num(r.hashtag_id), counts);
    }
    for (const r of holderRows) of(num(r.actor_id)).passions.add(num(r.passion_id));
    signals.delete(viewer.actorId);
    if (signals.size === 0) return [];

    const recent = (s: Signal) => [...s.tags.values()].reduce((n, [w]) => n + w, 0);
    const total = (s: Signal) => [...s.tags.values()].reduce((n, [, all]) => n + all, 0);
    const ids = [...signals.entries()]
      .sort((a, b) => recent(b[1]) - recent(a[1]) || total(b[1]) - total(a[1]) || b[1].passions.size - a[1].passions.size || b[0] - a[0])
      .slice(0, BOUNDS.expertCandidates)
      .map(([id]) => id);

    const me = viewer.actorId;
    const [excludedRows, profiles] = await Promise.all([
      sql<{ id: unknown }>`
        select followee_id as id from follows where follower_id = ${me} and followee_id in (${sql.join(ids)})
        union select target_id from blocks where actor_id = ${me} and target_id in (${sql.join(ids)})
        union select actor_id from blocks where target_id = ${me} and actor_id in (${sql.join(ids)})
        union select target_id from mutes where actor_id = ${me} and target_id in (${sql.join(ids)})`
        .execute(db)
        .then((r) => r.rows),
      db
        .selectFrom('actors')
        .leftJoin('members', 'members.actor_id', 'actors.id')
        .select([...ACTOR_SUMMARY_COLUMNS, 'actors.last_post_at', 'members.suspended_at'])
        .where('actors.id', 'in', ids)
        .execute(),
    ]);
    const excluded = new Set(excludedRows.map((r) => num(r.id)));
    const hashtagOf = new Map(hashtags.map((h) => [num(h.id), h]));
    const passionOf = new Map(passions.map((p) => [num(p.id), p]));

    return profiles
      .filter((p) => p.suspended_at === null && !excluded.has(num(p.id)))
      .map((p) => ({ p, s: signals.get(num(p.id))! }))
      .sort(
        (a, b) =>
          recent(b.s) - recent(a.s) ||
          num(b.p.last_post_at ?? 0) - num(a.p.last_post_at ?? 0) ||
          total(b.s) - total(a.s) ||
          b.s.passions.size - a.s.passions.size ||
          num(b.p.id) - num(a.p.id),
      )
      .slice(0, BOUNDS.experts)
      .map(({ p, s }) => {
        const reasons: string[] = [];
        for (const [hashtagId, [inWindow]] of [...s.tags.entries()].sort((x, y) => y[1][0] - x[1][0] || y[1][1] - x[1][1])) {
          const tag = hashtagOf.get(hashtagId);
          if (!tag) continue;
          reasons.push(inWindow > 0 ? `posted ${times(inWindow)} about #${tag.name} in the last 30 days` : `has posted about #${tag.name}`);
        }
        const held = [...s.passions].map((id) => passionOf.get(id)?.name).filter((n): n is string => Boolean(n));
        if (held.length > 0) reasons.push(`lists ${listWords(held)} among their passions`);
        return { actor: actorSummary(p, this.#baseUrl), reasons, recentPosts: recent(s) };
      });
  }

  async #sources(viewer: Member, tags: Tag[]): Promise<SourceSuggestion[]> {
    const db = this.#db;
    const slugs = new Set(tags.map((t) => t.slug));
    const nameOf = new Map(tags.map((t) => [t.slug, t]));
    const [candidates, mine] = await Promise.all([
      db
        .selectFrom('sources')
        .select(['id', 'title', 'url', 'site_url', 'description', 'subscriber_count'])
        .where('subscriber_count', '>', 0)
        .where('status', '<>', 'gone')
        .orderBy('subscriber_count', 'desc')
        .orderBy('id', 'desc')
        .limit(BOUNDS.sourceCandidates)
        .execute(),
      db.selectFrom('subscriptions').select('source_id').where('member_id', '=', viewer.memberId).execute(),
    ]);
    const subscribed = new Set(mine.map((r) => num(r.source_id)));
    const others = candidates.filter((s) => !subscribed.has(num(s.id)));
    if (others.length === 0) return [];
    const items = await sql<{ source_id: unknown; title: string; tags: string | null }>`${unionAll(
      others.map(
        (s) =>
          sql`select source_id, title, tags from source_items where source_id = ${s.id} order by sort_at desc limit ${BOUNDS.itemsPerSource}`,
      ),
    )}`
      .execute(db)
      .then((r) => r.rows);
    const matches = new Map<number, Map<string, number>>();
    for (const item of items) {
      const slug = itemMentions(item, slugs);
      if (!slug) continue;
      const counts = matches.get(num(item.source_id)) ?? new Map<string, number>();
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
      matches.set(num(item.source_id), counts);
    }
    return others
      .map((s) => {
        const counts = matches.get(num(s.id)) ?? new Map<string, number>();
        const own = mentionedTag(`${s.title} ${s.description ?? ''}`, slugs);
        const items = [...counts.values()].reduce((a, b) => a + b, 0);
        return { s, counts, own, items };
      })
      .filter((x) => x.items > 0 || x.own)
      .sort((a, b) => b.items - a.items || num(b.s.subscriber_count) - num(a.s.subscriber_count) || num(b.s.id) - num(a.s.id))
      .slice(0, BOUNDS.sources)
      .map(({ s, counts, own, items }) => {
        const reasons: string[] = [];
        if (items > 0) {
          const about = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([slug]) => tagWord(nameOf.get(slug)!));
          reasons.push(`${items === 1 ? '1 recent item is' : `${items} recent items are`} about ${listWords(about.slice(0, 3))}`);
        }
        if (own) reasons.push(`its title or description mentions ${tagWord(nameOf.get(own)!)}`);
        const subscribers = num(s.subscriber_count);
        reasons.push(subscribers === 1 ? '1 member follows it' : `${subscribers} members follow it`);
        return { id: num(s.id), title: s.title || s.url, url: s.url, siteUrl: s.site_url, subscribers, reasons };
      });
  }

  async #chats(tags: Tag[], now: number): Promise<ChatSuggestion[]> {
    const db = this.#db;
    const slugs = new Set(tags.map((t) => t.slug));
    const nameOf = new Map(tags.map((t) => [t.slug, t]));
    const columns = [
      'chats.id',
      'chats.date',
      'chats.topic',
      'chats.starts_at',
      'chats.state',
      'chat_series.slug',
      'chat_series.title',
      'chat_series.description',
      'chat_series.hashtag',
      'chat_series.hashtag_name',
    ] as const;
    const from = now - BOUNDS.chatWindowBack;
    const to = now + BOUNDS.chatWindowAhead;
    const [byHashtag, inWindow] = await Promise.all([
      // Series with the tag as their hashtag: their chats in the window.
      db
        .selectFrom('chat_series')
        .innerJoin('chats', 'chats.series_id', 'chat_series.id')
        .select(columns)
        .where('chat_series.hashtag', 'in', [...slugs])
        .where('chats.starts_at', '>=', from)
        .where('chats.starts_at', '<=', to)
        .where('chats.state', '<>', 'cancelled')
        .orderBy('chats.starts_at')
        .limit(BOUNDS.chatCandidates)
        .execute(),
      // Any chat in the window whose topic, series title or description mentions a tag.
      db
        .selectFrom('chats')
        .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
        .select(columns)
        .where('chats.state', 'in', ['scheduled', 'live', 'ended'])
        .where('chats.starts_at', '>=', from)
        .where('chats.starts_at', '<=', to)
        .orderBy('chats.starts_at')
        .limit(BOUNDS.chatCandidates)
        .execute(),
    ]);
    const seen = new Set<number>();
    const found: Array<{ row: (typeof inWindow)[number]; reason: string }> = [];
    for (const row of byHashtag) {
      if (seen.has(num(row.id))) continue;
      seen.add(num(row.id));
      found.push({ row, reason: `a #${row.hashtag_name} chat` });
    }
    for (const row of inWindow) {
      if (seen.has(num(row.id))) continue;
      const slug = mentionedTag(row.topic, slugs) ?? mentionedTag(`${row.title} ${row.description}`, slugs);
      if (!slug) continue;
      seen.add(num(row.id));
      found.push({ row, reason: `${mentionedTag(row.topic, slugs) ? 'its topic' : 'the series'} is about ${tagWord(nameOf.get(slug)!)}` });
    }
    // Coming chats first (soonest first), then the most recent past ones.
    const upcoming = found
      .filter((f) => num(f.row.starts_at) >= now || f.row.state === 'live')
      .sort((a, b) => num(a.row.starts_at) - num(b.row.starts_at));
    const past = found.filter((f) => !upcoming.includes(f)).sort((a, b) => num(b.row.starts_at) - num(a.row.starts_at));
    return [...upcoming, ...past].slice(0, BOUNDS.chats).map(({ row, reason }) => ({
      slug: row.slug,
      date: row.date,
      title: row.title,
      hashtag: row.hashtag_name,
      topic: row.topic,
      startsAt: num(row.starts_at),
      state: row.state,
      path: `/chats/${row.slug}/${row.date}`,
      reasons: [
        reason,
        num(row.starts_at) >= now || row.state === 'live'
          ? row.state === 'live'
            ? 'happening now'
            : 'coming up'
          : 'recent, with a transcript',
      ],
    }));
  }

  async #collections(viewer: Member, tags: Tag[]): Promise<CollectionSuggestion[]> {
    const db = this.#db;
    const slugs = new Set(tags.map((t) => t.slug));
    const nameOf = new Map(tags.map((t) => [t.slug, t]));
    const candidates = await sql<{
      id: unknown;
      kind: 'collection' | 'starter_kit';
      title: string;
      description: string;
      owner_id: unknown;
      updated_at: unknown;
    }>`${unionAll(
      (['collection', 'starter_kit'] as const).flatMap((kind) =>
        (['public', 'members'] as const).map(
          (visibility) =>
            sql`select id, kind, title, description, owner_id, updated_at from collections where kind = ${kind} and visibility = ${visibility}
                order by updated_at desc, id desc limit ${BOUNDS.collectionCandidates}`,
        ),
      ),
    )}`
      .execute(db)
      .then((r) => r.rows.filter((c) => num(c.owner_id) !== viewer.memberId));
    if (candidates.length === 0) return [];
    const unmatched = candidates.filter((c) => !mentionedTag(`${c.title} ${c.description}`, slugs)).map((c) => num(c.id));
    const entries =
      unmatched.length === 0
        ? []
        : await db
            .selectFrom('collection_entries')
            .leftJoin('sources', 'sources.id', 'collection_entries.source_id')
            .select([
              'collection_entries.collection_id',
              'collection_entries.title',
              'collection_entries.note',
              'sources.title as source_title',
            ])
            .where('collection_entries.collection_id', 'in', unmatched)
            .where('collection_entries.position', '<=', BOUNDS.entriesPerCollection)
            .execute();
    const entryMatches = new Map<number, Map<string, number>>();
    for (const e of entries) {
      const slug = mentionedTag(`${e.title ?? ''} ${e.note} ${e.source_title ?? ''}`, slugs);
      if (!slug) continue;
      const counts = entryMatches.get(num(e.collection_id)) ?? new Map<string, number>();
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
      entryMatches.set(num(e.collection_id), counts);
    }
    return candidates
      .map((c) => {
        const own = mentionedTag(`${c.title} ${c.description}`, slugs);
        const counts = entryMatches.get(num(c.id));
        const n = counts ? [...counts.values()].reduce((a, b) => a + b, 0) : 0;
        return { c, own, counts, n };
      })
      .filter((x) => x.own || x.n > 0)
      .sort((a, b) => Number(Boolean(b.own)) - Number(Boolean(a.own)) || b.n - a.n || num(b.c.updated_at) - num(a.c.updated_at))
      .slice(0, BOUNDS.collections)
      .map(({ c, own, counts, n }) => {
        const reasons: string[] = [];
        if (own) reasons.push(`its title or description mentions ${tagWord(nameOf.get(own)!)}`);
        if (counts && n > 0) {
          const about = [...counts.keys()].map((slug) => tagWord(nameOf.get(slug)!));
          reasons.push(`${n === 1 ? '1 entry mentions' : `${n} entries mention`} ${listWords(about.slice(0, 3))}`);
        }
        const id = num(c.id);
        return {
          id,
          kind: c.kind,
          title: c.title,
          description: c.description,
          path: c.kind === 'starter_kit' ? `/starter-kits/${id}` : `/collections/${id}`,
          reasons,
        };
      });
  }
}
