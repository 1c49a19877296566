import { sql } from 'kysely';
import { passionSlug } from '../accounts/index.ts';
import type { Dialect, Queryable } from '../db/database.ts';
import { foldDiacritics } from '../db/search.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { SocialContext } from './context.ts';
import { hydratePosts, type PostView } from './hydrate.ts';
import { type Reader, visibleTo } from './visibility.ts';

/**
 * Post search: words and "quoted phrases" (all must match), `#hashtag` and `from:handle`
 * operators. One interface over FTS5 (SQLite) and tsvector/GIN (PostgreSQL); the same
 * visibility rule as everywhere else decides what a reader gets back.
 */

export interface PostQuery {
  words: string[];
  phrases: string[];
  hashtags: string[];
  from: string | null;
}

const OPERATORS = ['from'];

/** Parses the search box; bad syntax is a 400 that says what to fix. */
export function parsePostQuery(input: string): PostQuery {
  const query: PostQuery = { words: [], phrases: [], hashtags: [], from: null };
  const text = input.trim();
  if (text.length > 300) throw searchError('The search is too long: keep it under 300 characters.');
  if ((text.match(/"/g) ?? []).length % 2 === 1)
    throw searchError('A quotation mark is not closed: search for "exact words" in a pair of quotes.');
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (match[1] !== undefined) {
      const phrase = match[1].trim();
      if (phrase) query.phrases.push(phrase);
      continue;
    }
    const term = match[2]!;
    const operator = /^([a-z]+):(.*)$/i.exec(term);
    if (operator && !/^https?$/i.test(operator[1]!)) {
      const [, name, value] = operator;
      if (!OPERATORS.includes(name!.toLowerCase())) throw searchError(`Unknown search operator "${name}:". Use from:handle or #hashtag.`);
      const handle = value!.replace(/^@/, '');
      if (!/^[A-Za-z0-9_]{1,30}(@[A-Za-z0-9.-]+(:\d+)?)?$/.test(handle)) throw searchError('from: needs a handle, like from:mslibrarian.');
      if (query.from) throw searchError('Use from: only once.');
      query.from = handle.toLowerCase();
    } else if (term.startsWith('#')) {
      const slug = passionSlug(term.slice(1));
      if (!slug) throw searchError(`"${term}" is not a hashtag: a hashtag needs letters or digits after the #.`);
      query.hashtags.push(slug);
    } else {
      const word = term.replace(/[^\p{L}\p{N}_'’-]/gu, ' ').trim();
      if (word) query.words.push(...word.split(/\s+/));
    }
  }
  if (!query.words.length && !query.phrases.length && !query.hashtags.length && !query.from) {
    throw searchError('Type some words to search for.');
  }
  return query;
}

function searchError(message: string): UserError {
  return new UserError(400, 'invalid_query', message, { issues: [{ path: 'q', message }] });
}

/** Keeps a post's search entry in step with its text (call inside the post's transaction). */
export async function indexPost(db: Queryable, dialect: Dialect, postId: number, text: string | null): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`delete from posts_fts where rowid = ${postId}`.execute(db);
    if (text) await sql`insert into posts_fts (rowid, text) values (${postId}, ${text})`.execute(db);
  } else {
    await sql`update posts set search = ${text ? sql`to_tsvector('simple', ${foldDiacritics(text)})` : sql`null`} where id = ${postId}`.execute(
      db,
    );
  }
}

const PAGE = 20;
/** On SQLite, how many of the newest full-text matches one page looks at. */
const FTS_CANDIDATES = 500;

export async function searchPosts(
  ctx: SocialContext,
  reader: Reader | null,
  input: string,
  cursor?: string,
): Promise<{ posts: PostView[]; nextCursor: string | null }> {
  const query = parsePostQuery(input);
  const { db, dialect } = ctx.database;
  const beforeId = cursor ? decodeCursor(cursor, ['number'])[0] : Number.MAX_SAFE_INTEGER;
  let q = db
    .selectFrom('posts')
    .select('posts.id')
    .where('posts.id', '<', beforeId)
    .where('posts.boost_of_id', 'is', null)
    .where(visibleTo(reader, 'posts'));

  // When the full-text candidates were capped, the next page continues below the last one.
  let candidatesEndAt: number | null = null;
  const terms = [...query.words, ...query.phrases];
  if (terms.length > 0 && dialect === 'sqlite') {
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ');
    const candidates = await sql<{ id: number }>`
      select rowid as id from posts_fts where posts_fts match ${match} and rowid < ${beforeId}
       order by rowid desc limit ${FTS_CANDIDATES}`.execute(db);
    if (candidates.rows.length === 0) return { posts: [], nextCursor: null };
    if (candidates.rows.length === FTS_CANDIDATES) candidatesEndAt = candidates.rows.at(-1)!.id;
    q = q.where(
      'posts.id',
      'in',
      candidates.rows.map((r) => r.id),
    );
  } else if (terms.length > 0) {
    const parts = [
      ...query.words.map((w) => sql`plainto_tsquery('simple', ${foldDiacritics(w)})`),
      ...query.phrases.map((p) => sql`phraseto_tsquery('simple', ${foldDiacritics(p)})`),
    ];
    q = q.where(sql<boolean>`posts.search @@ (${sql.join(parts, sql` && `)})`);
  }
  for (const slug of query.hashtags) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('post_hashtags')
          .innerJoin('hashtags', 'hashtags.id', 'post_hashtags.hashtag_id')
          .select(sql.lit(1).as('one'))
          .whereRef('post_hashtags.post_id', '=', 'posts.id')
          .where('hashtags.slug', '=', slug),
      ),
    );
  }
  if (query.from) {
    q = q.where('posts.actor_id', '=', (eb) => eb.selectFrom('actors').select('id').where('acct', '=', query.from!));
  }
  const rows = await q
    .orderBy('posts.id', 'desc')
    .limit(PAGE + 1)
    .execute();
  const posts = await hydratePosts(
    ctx,
    reader,
    rows.slice(0, PAGE).map((r) => ({ postId: r.id })),
  );
  const next = rows.length > PAGE ? rows[PAGE - 1]!.id : candidatesEndAt;
  return { posts, nextCursor: next ? encodeCursor([next]) : null };
}

/** Hashtags starting with the given letters, with how many listed posts carry each. */
export async function searchHashtags(
  ctx: SocialContext,
  input: string,
  limit = 20,
): Promise<Array<{ slug: string; name: string; posts: number }>> {
  const slug = passionSlug(input.replace(/^#/, ''));
  if (!slug) return [];
  const rows = await ctx.database.db
    .selectFrom('hashtags')
    .select(['slug', 'name', 'post_count'])
    .where('slug', 'like', `${slug}%`)
    .orderBy('post_count', 'desc')
    .orderBy('slug')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ slug: r.slug, name: r.name, posts: r.post_count }));
}

const ADDRESS = /^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::[0-9]+)?)$/;

/** `@user@host`, `user@host` or an http(s) link: a search for someone on the fediverse. */
export function isFediverseAddress(q: string): boolean {
  const text = q.trim();
  return ADDRESS.test(text) || /^https?:\/\/\S+$/i.test(text);
}

/** Finds someone on another server by address or profile link and stores them (federation provides it). */
export type RemoteAccountLookup = (query: string) => Promise<{ acct: string }>;

/** Where the profile behind an address or link is, looking them up on their server if we have not met them. */
export async function profilePathOf(
  ctx: SocialContext,
  lookup: RemoteAccountLookup | null,
  signedIn: boolean,
  query: string,
): Promise<string> {
  const own = new URL(ctx.config.baseUrl);
  const db = ctx.database.db;
  const acct = ADDRESS.exec(query);
  if (acct && acct[2]!.toLowerCase() === own.host) return `/@${acct[1]}`;
  if (!acct && new URL(query).origin === own.origin) return new URL(query).pathname;
  const known = acct
    ? await db
        .selectFrom('actors')
        .select('acct')
        .where('acct', '=', `${acct[1]}@${acct[2]}`.toLowerCase())
        .where('domain', 'is not', null)
        .executeTakeFirst()
    : await db.selectFrom('actors').select('acct').where('uri', '=', query).executeTakeFirst();
  if (known) return `/@${known.acct}`;
  if (!signedIn) throw UserError.field('q', 'Sign in to look up people on other servers.', 401);
  if (!lookup) throw UserError.field('q', 'This server does not look up people on other servers.', 404);
  return `/@${(await lookup(query)).acct}`;
}
