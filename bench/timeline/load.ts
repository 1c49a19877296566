import { ROLE_KEYS } from '../../src/accounts/roles.ts';
import { hashPassword } from '../../src/platform/crypto.ts';
import { parseText, renderHtml } from '../../src/social/text.ts';
import { type BulkLoader, type Columns, inBatches, type Row } from '../lib/bulk.ts';
import { mixSeed, Random } from '../lib/random.ts';
import { BOOST, type Community, degree, postTime, REPLY, type TimelineBuffers, VISIBILITIES } from './community.ts';
import { displayNameOf, handleOf, type TextGenerator } from './content.ts';
import { PLACES, TAGS } from './words.ts';

/**
 * Writes a generated community into a migrated, empty database: the rows the services would
 * have written (actors and members with their counters, follows, posts with rendered HTML,
 * hashtags, mentions, the search index, timeline entries), in bulk.
 */

export interface LoadedRows {
  members: number;
  follows: number;
  posts: number;
  postHashtags: number;
  /** Posts with at least one hashtag. */
  taggedPosts: number;
  timelineEntries: number;
  /** Listed posts per hashtag, by index into TAGS. */
  tagCounts: Int32Array;
}

/** Rows per statement round trip (PostgreSQL: one unnest per batch; SQLite splits further). */
const BATCH = 5000;
/** Hashtag and mention links in stored HTML point here; the benchmark never follows them. */
const HTML_BASE_URL = 'http://localhost:3000';
const BULK_TABLES = ['actors', 'members', 'follows', 'posts', 'hashtags', 'post_hashtags', 'mentions', 'timeline_entries'];

const ACTOR_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['acct', 'text'],
  ['handle', 'text'],
  ['display_name', 'text'],
  ['bio', 'text'],
  ['role', 'text'],
  ['organisation', 'text'],
  ['location', 'text'],
  ['location_key', 'text'],
  ['links', 'text'],
  ['search_text', 'text'],
  ['followers_count', 'integer'],
  ['following_count', 'integer'],
  ['posts_count', 'integer'],
  ['last_post_at', 'bigint'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
];
const MEMBER_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['actor_id', 'bigint'],
  ['email', 'text'],
  ['email_key', 'text'],
  ['password_hash', 'text'],
  ['is_admin', 'integer'],
  ['time_zone', 'text'],
  ['profile_visibility', 'text'],
  ['created_at', 'bigint'],
];
const FOLLOW_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['follower_id', 'bigint'],
  ['followee_id', 'bigint'],
  ['state', 'text'],
  ['created_at', 'bigint'],
];
const POST_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['actor_id', 'bigint'],
  ['text', 'text'],
  ['html', 'text'],
  ['visibility', 'text'],
  ['reply_to_id', 'bigint'],
  ['reply_to_actor_id', 'bigint'],
  ['thread_id', 'bigint'],
  ['boost_of_id', 'bigint'],
  ['first_url', 'text'],
  ['local', 'integer'],
  ['reply_count', 'integer'],
  ['boost_count', 'integer'],
  ['created_at', 'bigint'],
];
const HASHTAG_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['slug', 'text'],
  ['name', 'text'],
  ['post_count', 'integer'],
  ['created_at', 'bigint'],
];
const POST_HASHTAG_COLUMNS: Columns = [
  ['hashtag_id', 'bigint'],
  ['post_id', 'bigint'],
  ['listed', 'integer'],
  ['created_at', 'bigint'],
];
const MENTION_COLUMNS: Columns = [
  ['post_id', 'bigint'],
  ['acct', 'text'],
  ['actor_id', 'bigint'],
];
const TIMELINE_COLUMNS: Columns = [
  ['feed', 'text'],
  ['sort_id', 'bigint'],
  ['post_id', 'bigint'],
  ['boost_id', 'bigint'],
];

/** On PostgreSQL the search vector is written with the post, as indexPost does (never for boosts; texts are plain ASCII, so there are no accents to fold). */
const POSTGRES_SEARCH = { search: `case when boost_of_id is null then to_tsvector('simple', text) end` };
/** On SQLite the FTS5 table is filled from the posts in one statement. */
const SQLITE_SEARCH = `insert into posts_fts (rowid, text) select id, text from posts where boost_of_id is null and deleted_at is null`;

/** Called as each loading step starts, with its name. */
export type LoadProgress = (step: string) => void;

export async function loadCommunity(
  loader: BulkLoader,
  community: Community,
  texts: TextGenerator,
  progress: LoadProgress,
): Promise<LoadedRows> {
  await loader.dropIndexes(BULK_TABLES);
  progress('members');
  await inBatches(loader, 'actors', ACTOR_COLUMNS, actorRows(community));
  await inBatches(loader, 'members', MEMBER_COLUMNS, memberRows(community, await hashPassword('bench-password-not-for-signing-in')));
  progress('follows');
  const follows = await inBatches(loader, 'follows', FOLLOW_COLUMNS, followRows(community));
  progress('posts');
  const { posts, postHashtags, taggedPosts, tagCounts } = await loadPosts(loader, community, texts);
  await inBatches(loader, 'hashtags', HASHTAG_COLUMNS, hashtagRows(community, tagCounts));
  progress('timelines');
  const timelineEntries = await inBatches(loader, 'timeline_entries', TIMELINE_COLUMNS, timelineRows(community));
  if (loader.dialect === 'sqlite') {
    progress('search index');
    await loader.exec(SQLITE_SEARCH);
  }
  progress(loader.dialect === 'sqlite' ? 'indexes' : 'indexes, keys, vacuum analyze');
  await loader.finish();
  return { members: community.options.members, follows, posts, postHashtags, taggedPosts, timelineEntries, tagCounts };
}

function* actorRows(community: Community): Generator<Row> {
  const { graph, posts } = community;
  const random = new Random(mixSeed(community.options.seed, 1));
  const roles = ROLE_KEYS.filter((r) => r !== 'other');
  for (let m = 0; m < graph.size; m++) {
    const handle = handleOf(m);
    const name = displayNameOf(m);
    const location = random.pick(PLACES);
    const organisation = `${location} ${random.pick(['Public Library', 'Middle School', 'High School', 'Elementary', 'University Library', 'School District'])}`;
    const joined = community.startMs - random.int(730) * 86_400_000;
    const last = posts.lastPostId[m]!;
    yield [
      m + 1,
      handle.toLowerCase(),
      handle,
      name,
      `${random.pick(roles).replace('_', ' ')} in ${location}. Books, tech and kids.`,
      random.pick(roles),
      organisation,
      location,
      location.toLowerCase(),
      '[]',
      `${name} ${handle} ${organisation} ${location}`.toLowerCase(),
      degree(graph.followers, m),
      degree(graph.followees, m),
      posts.postsCount[m]!,
      last ? postTime(community, last) : null,
      joined,
      joined,
    ];
  }
}

function* memberRows(community: Community, passwordHash: string): Generator<Row> {
  for (let m = 0; m < community.graph.size; m++) {
    const email = `${handleOf(m)}@bench.example`;
    yield [m + 1, m + 1, email, email.toLowerCase(), passwordHash, m === 0 ? 1 : 0, 'UTC', 'public', community.startMs];
  }
}

function* followRows(community: Community): Generator<Row> {
  const { start, list } = community.graph.followees;
  const random = new Random(mixSeed(community.options.seed, 2));
  for (let m = 0; m < community.graph.size; m++) {
    for (let i = start[m]!; i < start[m + 1]!; i++) {
      // Follows predate the posts (by up to a year).
      yield [i + 1, m + 1, list[i]! + 1, 'accepted', community.startMs - random.int(365 * 86_400_000)];
    }
  }
}

/** Posts with their HTML, hashtags and mentions, written together; hashtag counts for the hashtags table. */
async function loadPosts(
  loader: BulkLoader,
  community: Community,
  texts: TextGenerator,
): Promise<{ posts: number; postHashtags: number; taggedPosts: number; tagCounts: Int32Array }> {
  const { posts } = community;
  const tagCounts = new Int32Array(TAGS.length);
  let postHashtags = 0;
  let taggedPosts = 0;
  await loader.transaction(async () => {
    for (let first = 1; first <= posts.count; first += BATCH) {
      const batch = { posts: [] as Row[], tags: [] as Row[], mentions: [] as Row[] };
      for (let id = first; id < Math.min(first + BATCH, posts.count + 1); id++) {
        if (addPost(community, texts, id, batch, tagCounts) > 0) taggedPosts++;
      }
      await loader.insert('posts', POST_COLUMNS, batch.posts, { derived: POSTGRES_SEARCH });
      await loader.insert('post_hashtags', POST_HASHTAG_COLUMNS, batch.tags);
      await loader.insert('mentions', MENTION_COLUMNS, batch.mentions);
      postHashtags += batch.tags.length;
    }
  });
  return { posts: posts.count, postHashtags, taggedPosts, tagCounts };
}

/** Adds a post's rows to the batch; returns how many hashtags it has. */
function addPost(
  community: Community,
  texts: TextGenerator,
  id: number,
  batch: { posts: Row[]; tags: Row[]; mentions: Row[] },
  tagCounts: Int32Array,
): number {
  const { posts } = community;
  const author = posts.author[id]!;
  const kind = posts.kind[id]!;
  const visibility = VISIBILITIES[posts.visibility[id]!]!;
  const target = posts.target[id]! || null;
  const at = postTime(community, id);
  const counts = [posts.replyCount[id]!, posts.boostCount[id]!] as const;
  if (kind === BOOST) {
    batch.posts.push([id, author + 1, '', '', visibility, null, null, null, target, null, 1, ...counts, at]);
    return 0;
  }
  const repliedTo = kind === REPLY ? posts.author[target!]! : null;
  const { text, tags, url } = texts.post(id, repliedTo === null ? null : handleOf(repliedTo));
  const html = renderHtml(parseText(text).tokens, {
    baseUrl: HTML_BASE_URL,
    mention: (acct) => ({ url: `${HTML_BASE_URL}/@${acct}`, label: `@${acct}` }),
  });
  batch.posts.push([
    id,
    author + 1,
    text,
    html,
    visibility,
    target,
    repliedTo === null ? null : repliedTo + 1,
    posts.thread[id]!,
    null,
    url,
    1,
    ...counts,
    at,
  ]);
  const listed = visibility === 'public' || visibility === 'members' ? 1 : 0;
  for (const tag of tags) {
    batch.tags.push([tag + 1, id, listed, at]);
    tagCounts[tag]! += listed;
  }
  if (repliedTo !== null) batch.mentions.push([id, handleOf(repliedTo).toLowerCase(), repliedTo + 1]);
  return tags.length;
}

function* hashtagRows(community: Community, counts: Int32Array): Generator<Row> {
  for (let t = 0; t < TAGS.length; t++) yield [t + 1, TAGS[t]!, TAGS[t]!, counts[t]!, community.startMs];
}

/**
 * Every timeline's kept entries, in the order fan-out wrote them: by the post (or boost) that
 * brought them, then by feed. That is how rows sit in the table on a real server — a feed's
 * entries scattered over as many pages as it has entries — so reading a page costs here what
 * it costs there; it also fills the primary key (post_id, feed) from left to right.
 *
 * Where a boost brought a post the timeline already holds, the boost's entry is dropped, as
 * fan-out's ON CONFLICT DO NOTHING would.
 */
function* timelineRows(community: Community): Generator<Row> {
  const { timelines, graph, posts } = community;
  const entries = collectEntries(timelines, graph.size, posts.count);
  // Entries were collected feed by feed in key order; a stable counting sort by sort id keeps
  // that order among the entries of one post.
  const start = new Int32Array(posts.count + 2);
  for (let i = 0; i < entries.count; i++) start[entries.sortId[i]! + 1]!++;
  for (let id = 1; id <= posts.count + 1; id++) start[id]! += start[id - 1]!;
  const order = new Int32Array(entries.count);
  for (let i = 0; i < entries.count; i++) order[start[entries.sortId[i]!]!++] = i;
  for (const i of order) {
    const sortId = entries.sortId[i]!;
    const postId = entries.postId[i]!;
    yield [`home:${entries.member[i]! + 1}`, sortId, postId, sortId === postId ? null : sortId];
  }
}

/** All kept entries, without repeated posts per timeline, feed by feed in the order of feed names. */
function collectEntries(timelines: TimelineBuffers, members: number, postCount: number) {
  const byFeedName = Array.from({ length: members }, (_, m) => m).sort((a, b) => (`home:${a + 1}` < `home:${b + 1}` ? -1 : 1));
  const capacity = members * timelines.capacity;
  const entries = { count: 0, member: new Int32Array(capacity), sortId: new Int32Array(capacity), postId: new Int32Array(capacity) };
  // seenBy[post id] = member + 1 when that member's timeline already has the post.
  const seenBy = new Int32Array(postCount + 1);
  for (const m of byFeedName) {
    timelines.forEach(m, (sortId, postId) => {
      if (seenBy[postId] === m + 1) return;
      seenBy[postId] = m + 1;
      entries.member[entries.count] = m;
      entries.sortId[entries.count] = sortId;
      entries.postId[entries.count++] = postId;
    });
  }
  return entries;
}
