import { ROLE_KEYS } from '../../src/accounts/roles.ts';
import type { BulkLoader, Columns, Row } from '../lib/bulk.ts';
import { mixSeed, Random, WeightedSampler, zipfWeights } from '../lib/random.ts';

/**
 * A synthetic learning network for insights benchmarks (and later ones that need the same
 * shape: recommendations, cohorts): members with roles and places, skewed follows with
 * clusters (so mutual follows exist), 90 days of posts, replies, boosts, mentions, hashtags
 * and likes (as counters), sources with items, subscriptions and item reads.
 *
 * Rows are generated as they are written, so a 5,000,000-follow network needs little memory
 * beyond the follow lists. Member i has actor id = member id = i + 1.
 */

export interface NetworkOptions {
  members: number;
  follows: number;
  posts: number;
  sources: number;
  itemsPerSource: number;
  /** Item reads per member, on average. */
  reads: number;
  seed: number;
  endMs: number;
}

export interface LoadedNetwork {
  members: number;
  follows: number;
  mutualPairs: number;
  posts: number;
  mentions: number;
  sources: number;
  items: number;
  subscriptions: number;
  reads: number;
}

const DAY = 86_400_000;
const WINDOW_DAYS = 120;
const PLACES = ['Portland', 'Leeds', 'Toronto', 'Austin', 'Melbourne', 'Dublin', 'Denver', 'Auckland', 'Chicago', 'Glasgow', 'Halifax', 'Tucson'];
const BATCH = 5000;
const TABLES = ['actors', 'members', 'follows', 'posts', 'mentions', 'hashtags', 'post_hashtags', 'sources', 'source_items', 'subscriptions', 'item_states'];

const ACTOR_COLUMNS: Columns = [
  ['id', 'bigint'], ['acct', 'text'], ['handle', 'text'], ['display_name', 'text'], ['bio', 'text'], ['role', 'text'], ['location', 'text'], ['location_key', 'text'],
  ['links', 'text'], ['search_text', 'text'], ['followers_count', 'integer'], ['following_count', 'integer'], ['posts_count', 'integer'], ['last_post_at', 'bigint'],
  ['created_at', 'bigint'], ['updated_at', 'bigint'],
];
const MEMBER_COLUMNS: Columns = [
  ['id', 'bigint'], ['actor_id', 'bigint'], ['email', 'text'], ['email_key', 'text'], ['password_hash', 'text'], ['is_admin', 'integer'], ['time_zone', 'text'], ['profile_visibility', 'text'], ['created_at', 'bigint'],
];
const FOLLOW_COLUMNS: Columns = [['id', 'bigint'], ['follower_id', 'bigint'], ['followee_id', 'bigint'], ['state', 'text'], ['created_at', 'bigint']];
const POST_COLUMNS: Columns = [
  ['id', 'bigint'], ['actor_id', 'bigint'], ['text', 'text'], ['html', 'text'], ['visibility', 'text'], ['reply_to_id', 'bigint'], ['reply_to_actor_id', 'bigint'],
  ['thread_id', 'bigint'], ['boost_of_id', 'bigint'], ['first_url', 'text'], ['local', 'integer'], ['reply_count', 'integer'], ['boost_count', 'integer'], ['like_count', 'integer'], ['created_at', 'bigint'],
];
const MENTION_COLUMNS: Columns = [['post_id', 'bigint'], ['acct', 'text'], ['actor_id', 'bigint']];
const HASHTAG_COLUMNS: Columns = [['id', 'bigint'], ['slug', 'text'], ['name', 'text'], ['created_at', 'bigint']];
const POST_HASHTAG_COLUMNS: Columns = [['hashtag_id', 'bigint'], ['post_id', 'bigint'], ['listed', 'integer'], ['created_at', 'bigint']];
const SOURCE_COLUMNS: Columns = [['id', 'bigint'], ['url', 'text'], ['title', 'text'], ['interval_ms', 'bigint'], ['next_fetch_at', 'bigint'], ['last_item_at', 'bigint'], ['created_at', 'bigint']];
const ITEM_COLUMNS: Columns = [['id', 'bigint'], ['source_id', 'bigint'], ['dedupe_key', 'text'], ['title', 'text'], ['seen_at', 'bigint'], ['sort_at', 'bigint'], ['published_at', 'bigint'], ['content_hash', 'text']];
const SUBSCRIPTION_COLUMNS: Columns = [['id', 'bigint'], ['member_id', 'bigint'], ['source_id', 'bigint'], ['created_at', 'bigint']];
const ITEM_STATE_COLUMNS: Columns = [['member_id', 'bigint'], ['item_id', 'bigint'], ['read', 'integer']];

const handleOf = (m: number) => `m${m + 1}`;

/** Who follows whom: per member a sorted list of followees (member indexes). */
interface FollowGraph {
  start: Int32Array;
  list: Int32Array;
}

/**
 * Degrees are log-normal (a few follow thousands), scaled to the wanted total. Two thirds of
 * a member's follows go to popular accounts (Zipf), one third to their neighbourhood (members
 * close in number share a role and place here), where following back is likely.
 */
function generateFollows(options: NetworkOptions, random: Random): FollowGraph {
  const n = options.members;
  const max = Math.min(2000, n - 1);
  const raw = Float64Array.from({ length: n }, () => random.logNormal(1, 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  const degrees = Int32Array.from(raw, (x) => Math.max(1, Math.min(max, Math.round((x * options.follows) / sum))));
  const start = new Int32Array(n + 1);
  for (let m = 0; m < n; m++) start[m + 1] = start[m]! + degrees[m]!;
  const list = new Int32Array(start[n]!);
  const byRank = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const popular = new WeightedSampler(zipfWeights(n, 1));
  const chosen = new Int32Array(n).fill(-1);
  for (let m = 0; m < n; m++) {
    const k = degrees[m]!;
    const out = list.subarray(start[m]!, start[m + 1]!);
    let got = 0;
    for (let tries = 0; got < k && tries < 30 * k; tries++) {
      const f = tries % 3 === 2 ? (m + n + random.between(-40, 40)) % n : tries < 10 * k ? byRank[popular.sample(random)]! : random.int(n);
      if (f !== m && chosen[f] !== m) {
        chosen[f] = m;
        out[got++] = f;
      }
    }
    for (let f = 0; got < k; f++) if (f !== m && chosen[f] !== m) (chosen[f] = m), (out[got++] = f);
    out.sort();
  }
  return { start, list };
}

function followsOf(graph: FollowGraph, a: number, b: number): boolean {
  let lo = graph.start[a]!;
  let hi = graph.start[a + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = graph.list[mid]!;
    if (v === b) return true;
    if (v < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

async function inBatches(loader: BulkLoader, table: string, columns: Columns, rows: Iterable<Row>): Promise<number> {
  let total = 0;
  await loader.transaction(async () => {
    let batch: Row[] = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length === BATCH) {
        await loader.insert(table, columns, batch);
        total += batch.length;
        batch = [];
      }
    }
    await loader.insert(table, columns, batch);
    total += batch.length;
  });
  return total;
}

/** Generates the network and writes it into a migrated, empty database. */
export async function loadNetwork(loader: BulkLoader, options: NetworkOptions, progress: (step: string) => void): Promise<LoadedNetwork> {
  const { members: n, endMs } = options;
  const startMs = endMs - WINDOW_DAYS * DAY;
  const random = new Random(options.seed);
  await loader.dropIndexes(TABLES);

  progress('follows (generate)');
  const graph = generateFollows(options, random);
  const followers = new Int32Array(n);
  for (const f of graph.list) followers[f]!++;

  progress('posts (generate)');
  const P = options.posts;
  const author = new Int32Array(P + 1);
  const replyTo = new Int32Array(P + 1);
  const boostOf = new Int32Array(P + 1);
  const replyCount = new Int32Array(P + 1);
  const boostCount = new Int32Array(P + 1);
  const postsCount = new Int32Array(n);
  const lastPost = new Int32Array(n);
  const activity = new WeightedSampler(Float64Array.from({ length: n }, () => random.logNormal(1, 1.2)));
  // Some members have been quiet for the whole window: their follows are "dormant".
  const quiet = Uint8Array.from({ length: n }, () => (random.chance(0.15) ? 1 : 0));
  // One boost per member and post, as the product allows.
  const boosts = new Set<number>();
  const postTime = (id: number) => startMs + Math.floor(((id - 1) * WINDOW_DAYS * DAY) / P);
  for (let id = 1; id <= P; id++) {
    let a = activity.sample(random);
    if (quiet[a]) a = (a + 1) % n;
    author[id] = a;
    const k = graph.start[a + 1]! - graph.start[a]!;
    const followee = k > 0 ? graph.list[graph.start[a]! + random.int(k)]! : -1;
    const seen = followee >= 0 ? lastPost[followee]! : 0;
    const roll = random.next();
    if (seen && roll < 0.2) {
      replyTo[id] = seen;
      replyCount[seen]!++;
    } else if (seen && roll < 0.25 && !boosts.has(a * (P + 1) + seen)) {
      boosts.add(a * (P + 1) + seen);
      boostOf[id] = seen;
      boostCount[seen]!++;
    }
    if (!boostOf[id]) {
      postsCount[a]!++;
      lastPost[a] = id;
    }
  }

  progress('members');
  const roles = ROLE_KEYS.filter((r) => r !== 'other');
  // Neighbours share a role and a place more often than not (see generateFollows).
  const roleOf = (m: number) => roles[(Math.floor(m / 500) + (mixSeed(options.seed, m) % 4 === 0 ? m : 0)) % roles.length]!;
  const placeOf = (m: number) => PLACES[(Math.floor(m / 700) + (mixSeed(options.seed + 1, m) % 3 === 0 ? m : 0)) % PLACES.length]!;
  await inBatches(loader, 'actors', ACTOR_COLUMNS, (function* () {
    for (let m = 0; m < n; m++) {
      const joined = startMs - (30 + (mixSeed(options.seed, m) % 700)) * DAY;
      const place = placeOf(m);
      yield [m + 1, handleOf(m), handleOf(m), `Member ${m + 1}`, '', roleOf(m), place, place.toLowerCase(), '[]', handleOf(m), followers[m]!, graph.start[m + 1]! - graph.start[m]!, postsCount[m]!, lastPost[m] ? postTime(lastPost[m]!) : null, joined, joined];
    }
  })());
  await inBatches(loader, 'members', MEMBER_COLUMNS, (function* () {
    for (let m = 0; m < n; m++) yield [m + 1, m + 1, `${handleOf(m)}@bench.example`, `${handleOf(m)}@bench.example`, 'not-a-password-hash', 0, 'UTC', 'public', startMs];
  })());

  progress('follows');
  let mutualPairs = 0;
  const followRandom = new Random(mixSeed(options.seed, 2));
  const follows = await inBatches(loader, 'follows', FOLLOW_COLUMNS, (function* () {
    for (let m = 0; m < n; m++) {
      for (let i = graph.start[m]!; i < graph.start[m + 1]!; i++) {
        const f = graph.list[i]!;
        if (f > m && followsOf(graph, f, m)) mutualPairs++;
        // Most follows are old; a few were made in the last weeks.
        const age = followRandom.chance(0.1) ? followRandom.int(60 * DAY) : 90 * DAY + followRandom.int(365 * DAY);
        yield [i + 1, m + 1, f + 1, 'accepted', endMs - age];
      }
    }
  })());

  progress('posts');
  const likeRandom = new Random(mixSeed(options.seed, 3));
  await inBatches(loader, 'hashtags', HASHTAG_COLUMNS, (function* () {
    for (let t = 1; t <= 50; t++) yield [t, `topic${t}`, `Topic${t}`, startMs];
  })());
  const posts = await inBatches(loader, 'posts', POST_COLUMNS, (function* () {
    for (let id = 1; id <= P; id++) {
      const boost = boostOf[id]!;
      const reply = replyTo[id]!;
      const text = boost ? '' : `Post ${id} about books and kids`;
      const likes = boost ? 0 : Math.floor(likeRandom.logNormal(1, 1.2));
      yield [
        id, author[id]! + 1, text, boost ? '' : `<p>${text}</p>`, 'public', reply || null, reply ? author[reply]! + 1 : null, reply ? reply : id, boost || null,
        !boost && !reply && id % 3 === 0 ? `https://example.org/p/${id}` : null, 1, replyCount[id]!, boostCount[id]!, likes, postTime(id),
      ];
    }
  })());
  const mentions = await inBatches(loader, 'mentions', MENTION_COLUMNS, (function* () {
    for (let id = 1; id <= P; id++) {
      if (boostOf[id]) continue;
      if (replyTo[id]) yield [id, handleOf(author[replyTo[id]!]!), author[replyTo[id]!]! + 1];
      else if (id % 10 === 0) {
        const a = author[id]!;
        const k = graph.start[a + 1]! - graph.start[a]!;
        if (k > 0) {
          const f = graph.list[graph.start[a]! + (id % k)]!;
          yield [id, handleOf(f), f + 1];
        }
      }
    }
  })());
  await inBatches(loader, 'post_hashtags', POST_HASHTAG_COLUMNS, (function* () {
    for (let id = 1; id <= P; id++) if (!boostOf[id] && !replyTo[id] && id % 5 === 0) yield [1 + (id % 50), id, 1, postTime(id)];
  })());

  progress('sources and items');
  const S = options.sources;
  const K = options.itemsPerSource;
  const dormantSource = (s: number) => s % 10 === 0;
  const itemTime = (s: number, j: number) => (dormantSource(s) ? endMs - (100 + ((s + j) % 200)) * DAY : endMs - Math.floor(((K - j) * WINDOW_DAYS * DAY) / K));
  await inBatches(loader, 'sources', SOURCE_COLUMNS, (function* () {
    for (let s = 0; s < S; s++) yield [s + 1, `https://blog${s + 1}.example/feed`, `Blog ${s + 1}`, 3600_000, endMs, itemTime(s, K - 1), startMs - 365 * DAY];
  })());
  const items = await inBatches(loader, 'source_items', ITEM_COLUMNS, (function* () {
    for (let s = 0; s < S; s++) for (let j = 0; j < K; j++) yield [s * K + j + 1, s + 1, `i${j}`, `Item ${j}`, itemTime(s, j), itemTime(s, j), itemTime(s, j), `h${s}-${j}`];
  })());

  progress('subscriptions and reads');
  const subRandom = new Random(mixSeed(options.seed, 4));
  const sourcePopularity = new WeightedSampler(zipfWeights(S, 0.8));
  const subsOf: Int32Array[] = [];
  const subscriptions = await inBatches(loader, 'subscriptions', SUBSCRIPTION_COLUMNS, (function* () {
    let id = 0;
    for (let m = 0; m < n; m++) {
      const want = subRandom.int(17);
      const set = new Set<number>();
      for (let t = 0; t < 4 * want && set.size < want; t++) set.add(sourcePopularity.sample(subRandom));
      subsOf[m] = Int32Array.from(set);
      for (const s of set) yield [++id, m + 1, s + 1, endMs - (30 + subRandom.int(300)) * DAY];
    }
  })());
  const reads = await inBatches(loader, 'item_states', ITEM_STATE_COLUMNS, (function* () {
    for (let m = 0; m < n; m++) {
      const subs = subsOf[m]!;
      if (subs.length === 0) continue;
      const want = Math.round(subRandom.logNormal(options.reads / 1.6, 1));
      const set = new Set<number>();
      for (let t = 0; t < 2 * want && set.size < want; t++) {
        const s = subs[subRandom.int(subs.length)]!;
        // Recent items are read more than old ones.
        set.add(s * K + (K - 1 - Math.min(K - 1, Math.floor(subRandom.logNormal(3, 1.5)))) + 1);
      }
      for (const item of set) yield [m + 1, item, 1];
    }
  })());

  progress('indexes');
  await loader.finish();
  return { members: n, follows, mutualPairs, posts, mentions, sources: S, items, subscriptions, reads };
}
