import { ROLE_KEYS } from '../../src/accounts/roles.ts';
import { TAGS } from '../timeline/words.ts';
import { type BulkLoader, type Columns, inBatches } from './bulk.ts';
import { mixSeed, Random, WeightedSampler, zipfWeights } from './random.ts';

/**
 * The synthetic learning network shared by the insights and recommend benchmarks: members
 * with roles, places and passions who follow each other the way professional learning
 * networks grow, then 120 days of posts (with their authors' hashtags), replies, boosts,
 * mentions and likes (as counters), sources with items, subscriptions and item reads.
 *
 * How people follow (generateCommunity), from what is known of such networks:
 * - most follows stay inside communities: people who share a passion (45%), a place (15%)
 *   or a role or a role that works with theirs (15%); the rest (25%) go to whoever is
 *   well known everywhere;
 * - each community has its own well-known people: someone can be a star among the
 *   genrefication crowd and unknown to social workers (local popularity, correlated with,
 *   but not the same as, global popularity);
 * - 30% of a member's follows come from friends of friends (triadic closure);
 * - about a fifth of follows are followed back (reciprocity).
 * Degrees are log-normal (a few people follow thousands). Rows are generated as they are
 * written, so a 5,000,000-follow network needs little memory beyond the follow lists.
 * Member i has actor id = member id = i + 1.
 */

export const ROLES = ROLE_KEYS.filter((r) => r !== 'other');
/** Librarians dominate, as on a real Commonroom (same order as ROLES). */
const ROLE_WEIGHTS = [30, 18, 8, 6, 14, 5, 6, 4, 3, 4, 2];
export const PASSIONS = TAGS.filter((t) => /^[a-z0-9]+$/.test(t)).slice(0, 80);
export const PLACES = Array.from({ length: 40 }, (_, i) => `Town ${i + 1}`);
/** Roles that follow each other (a subset of the product's own complements). */
const COMPLEMENT: Record<string, string[]> = {
  school_librarian: ['teacher', 'administrator'],
  public_librarian: ['library_staff', 'social_worker'],
  teacher: ['school_librarian', 'educator'],
  social_worker: ['public_librarian', 'researcher'],
};
const SHARES = { passion: 0.45, place: 0.15, role: 0.15 } as const;
const CLOSURE = 0.3;
const RECIPROCITY = 0.2;

export interface CommunityOptions {
  members: number;
  follows: number;
  seed: number;
}

/** Who the members are and whom they follow (indexes, not ids). */
export interface Community {
  n: number;
  /** Index into ROLES, PLACES; passions index into PASSIONS. */
  role: Uint8Array;
  place: Uint8Array;
  passions: Uint8Array[];
  /** Followees of each member, in the order they were followed. */
  follows: Int32Array[];
  followers: Int32Array;
  totalFollows: number;
}

export function generateCommunity(options: CommunityOptions): Community {
  const random = new Random(options.seed);
  const n = options.members;
  const roleSampler = new WeightedSampler(ROLE_WEIGHTS);
  const passionSampler = new WeightedSampler(zipfWeights(PASSIONS.length, 0.8));
  const placeSampler = new WeightedSampler(zipfWeights(PLACES.length, 0.6));
  const role = new Uint8Array(n);
  const place = new Uint8Array(n);
  const passions: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    role[i] = roleSampler.sample(random);
    place[i] = placeSampler.sample(random);
    const mine = new Set<number>();
    const want = random.between(2, 4);
    while (mine.size < want) mine.add(passionSampler.sample(random));
    passions.push(Uint8Array.from(mine));
  }
  // Global popularity: a random Zipf rank per member (a few very followed people, a long tail).
  const ranks = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const zipf = zipfWeights(n, 0.85);
  const popularity = Float64Array.from({ length: n }, (_, i) => zipf[ranks[i]!]!);
  // Each community's own stars: global popularity, dampened, times a local factor.
  const community = (size: number, keysOf: (i: number) => ArrayLike<number>) => {
    const lists: number[][] = Array.from({ length: size }, () => []);
    for (let i = 0; i < n; i++) for (const k of Array.from(keysOf(i))) lists[k]!.push(i);
    return lists.map((members) => ({
      members,
      sampler: new WeightedSampler(members.map((m) => Math.sqrt(popularity[m]!) * random.logNormal(1, 1.5))),
    }));
  };
  const byPassion = community(PASSIONS.length, (i) => passions[i]!);
  const byPlace = community(PLACES.length, (i) => [place[i]!]);
  const byRole = community(ROLES.length, (i) => [role[i]!]);
  const global = new WeightedSampler(popularity);
  const draw = (c: { members: number[]; sampler: WeightedSampler }) => (c.members.length === 0 ? -1 : c.members[c.sampler.sample(random)]!);
  const roleIndex = new Map<string, number>(ROLES.map((r, i) => [r, i]));

  // Out-degrees: log-normal, scaled so that the total with follow-backs is what was asked for.
  const degrees = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += degrees[i] = random.logNormal(30, 1);
  const scale = options.follows / (1 + RECIPROCITY) / sum;
  const cap = Math.min(n - 1, 5000);
  const firstPass: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const want = Math.max(1, Math.min(cap, Math.round(degrees[i]! * scale)));
    degrees[i] = want;
    const first = Math.max(1, Math.round(want * (1 - CLOSURE)));
    const chosen = new Set<number>();
    const roleKey = ROLES[role[i]!]!;
    for (let tries = 0; chosen.size < first && tries < first * 4; tries++) {
      const r = random.next();
      let j: number;
      if (r < SHARES.passion) j = draw(byPassion[random.pick(Array.from(passions[i]!))]!);
      else if (r < SHARES.passion + SHARES.place) j = draw(byPlace[place[i]!]!);
      else if (r < SHARES.passion + SHARES.place + SHARES.role) {
        const other = COMPLEMENT[roleKey];
        j = draw(byRole[other && random.chance(0.5) ? roleIndex.get(random.pick(other))! : role[i]!]!);
      } else j = global.sample(random);
      if (j >= 0 && j !== i) chosen.add(j);
    }
    firstPass.push(Int32Array.from(chosen));
  }
  // Friends of friends: what the people one follows follow.
  const lists: Set<number>[] = [];
  for (let i = 0; i < n; i++) {
    const chosen = new Set<number>(firstPass[i]!);
    const want = degrees[i]!;
    const via = firstPass[i]!;
    for (let tries = 0; chosen.size < want && tries < want * 4; tries++) {
      const theirs = firstPass[via[random.int(via.length)]!]!;
      const j = theirs.length > 0 && random.chance(0.9) ? theirs[random.int(theirs.length)]! : global.sample(random);
      if (j !== i) chosen.add(j);
    }
    lists.push(chosen);
  }
  // Following back: later than the follow it answers, so appended after the member's own.
  const order = lists.map((set) => random.shuffle(Int32Array.from(set)));
  const backs: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const j of order[i]!) {
      if (!lists[j]!.has(i) && random.chance(RECIPROCITY)) {
        lists[j]!.add(i);
        backs[j]!.push(i);
      }
    }
  }
  const follows: Int32Array[] = [];
  const followers = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const list = Int32Array.from([...order[i]!, ...backs[i]!]);
    follows.push(list);
    total += list.length;
    for (const j of list) followers[j]!++;
  }
  return { n, role, place, passions, follows, followers, totalFollows: total };
}

export interface NetworkOptions {
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
const TABLES = [
  'actors',
  'members',
  'passions',
  'actor_passions',
  'follows',
  'posts',
  'mentions',
  'hashtags',
  'post_hashtags',
  'sources',
  'source_items',
  'subscriptions',
  'item_states',
];

const ACTOR_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['acct', 'text'],
  ['handle', 'text'],
  ['display_name', 'text'],
  ['bio', 'text'],
  ['role', 'text'],
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
const PASSION_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['slug', 'text'],
  ['name', 'text'],
  ['created_at', 'bigint'],
];
const ACTOR_PASSION_COLUMNS: Columns = [
  ['actor_id', 'bigint'],
  ['passion_id', 'bigint'],
  ['position', 'integer'],
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
  ['like_count', 'integer'],
  ['created_at', 'bigint'],
];
const MENTION_COLUMNS: Columns = [
  ['post_id', 'bigint'],
  ['acct', 'text'],
  ['actor_id', 'bigint'],
];
const HASHTAG_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['slug', 'text'],
  ['name', 'text'],
  ['created_at', 'bigint'],
];
const POST_HASHTAG_COLUMNS: Columns = [
  ['hashtag_id', 'bigint'],
  ['post_id', 'bigint'],
  ['listed', 'integer'],
  ['created_at', 'bigint'],
];
const SOURCE_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['url', 'text'],
  ['title', 'text'],
  ['interval_ms', 'bigint'],
  ['next_fetch_at', 'bigint'],
  ['last_item_at', 'bigint'],
  ['created_at', 'bigint'],
];
const ITEM_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['source_id', 'bigint'],
  ['dedupe_key', 'text'],
  ['title', 'text'],
  ['seen_at', 'bigint'],
  ['sort_at', 'bigint'],
  ['published_at', 'bigint'],
  ['content_hash', 'text'],
];
const SUBSCRIPTION_COLUMNS: Columns = [
  ['id', 'bigint'],
  ['member_id', 'bigint'],
  ['source_id', 'bigint'],
  ['created_at', 'bigint'],
];
const ITEM_STATE_COLUMNS: Columns = [
  ['member_id', 'bigint'],
  ['item_id', 'bigint'],
  ['read', 'integer'],
];

const handleOf = (m: number) => `m${m + 1}`;

/** Who follows whom, for look-ups: per member a sorted list of followees. */
interface FollowGraph {
  start: Int32Array;
  list: Int32Array;
}

function followGraph(c: Community): FollowGraph {
  const start = new Int32Array(c.n + 1);
  for (let m = 0; m < c.n; m++) start[m + 1] = start[m]! + c.follows[m]!.length;
  const list = new Int32Array(start[c.n]!);
  for (let m = 0; m < c.n; m++) list.set(Int32Array.from(c.follows[m]!).sort(), start[m]!);
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

/** Generates the network and writes it into a migrated, empty database. */
export async function loadNetwork(
  loader: BulkLoader,
  community: Community,
  options: NetworkOptions,
  progress: (step: string) => void,
): Promise<LoadedNetwork> {
  const { endMs } = options;
  const n = community.n;
  const startMs = endMs - WINDOW_DAYS * DAY;
  const random = new Random(options.seed);
  await loader.dropIndexes(TABLES);

  const graph = followGraph(community);
  const followers = community.followers;

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
  const roleOf = (m: number) => ROLES[community.role[m]!]!;
  const placeOf = (m: number) => PLACES[community.place[m]!]!;
  await inBatches(
    loader,
    'actors',
    ACTOR_COLUMNS,
    (function* () {
      for (let m = 0; m < n; m++) {
        const joined = startMs - (30 + (mixSeed(options.seed, m) % 700)) * DAY;
        const place = placeOf(m);
        yield [
          m + 1,
          handleOf(m),
          handleOf(m),
          `Member ${m + 1}`,
          '',
          roleOf(m),
          place,
          place.toLowerCase(),
          '[]',
          handleOf(m),
          followers[m]!,
          graph.start[m + 1]! - graph.start[m]!,
          postsCount[m]!,
          lastPost[m] ? postTime(lastPost[m]!) : null,
          joined,
          joined,
        ];
      }
    })(),
  );
  await inBatches(
    loader,
    'members',
    MEMBER_COLUMNS,
    (function* () {
      for (let m = 0; m < n; m++)
        yield [
          m + 1,
          m + 1,
          `${handleOf(m)}@bench.example`,
          `${handleOf(m)}@bench.example`,
          'not-a-password-hash',
          0,
          'UTC',
          'public',
          startMs,
        ];
    })(),
  );
  await inBatches(
    loader,
    'passions',
    PASSION_COLUMNS,
    PASSIONS.map((p, i) => [i + 1, p, p, startMs]),
  );
  await inBatches(
    loader,
    'actor_passions',
    ACTOR_PASSION_COLUMNS,
    (function* () {
      for (let m = 0; m < n; m++) for (const [position, p] of Array.from(community.passions[m]!).entries()) yield [m + 1, p + 1, position];
    })(),
  );

  progress('follows');
  let mutualPairs = 0;
  const followRandom = new Random(mixSeed(options.seed, 2));
  const follows = await inBatches(
    loader,
    'follows',
    FOLLOW_COLUMNS,
    (function* () {
      let id = 0;
      for (let m = 0; m < n; m++) {
        for (const f of community.follows[m]!) {
          if (f > m && followsOf(graph, f, m)) mutualPairs++;
          // Most follows are old; a few were made in the last weeks.
          const age = followRandom.chance(0.1) ? followRandom.int(60 * DAY) : 90 * DAY + followRandom.int(365 * DAY);
          yield [++id, m + 1, f + 1, 'accepted', endMs - age];
        }
      }
    })(),
  );

  progress('posts');
  const likeRandom = new Random(mixSeed(options.seed, 3));
  // Hashtags are the passions' slugs, as in the product (a passion's page lists its hashtag).
  await inBatches(
    loader,
    'hashtags',
    HASHTAG_COLUMNS,
    PASSIONS.map((p, i) => [i + 1, p, p, startMs]),
  );
  const posts = await inBatches(
    loader,
    'posts',
    POST_COLUMNS,
    (function* () {
      for (let id = 1; id <= P; id++) {
        const boost = boostOf[id]!;
        const reply = replyTo[id]!;
        const text = boost ? '' : `Post ${id} about books and kids`;
        const likes = boost ? 0 : Math.floor(likeRandom.logNormal(1, 1.2));
        yield [
          id,
          author[id]! + 1,
          text,
          boost ? '' : `<p>${text}</p>`,
          'public',
          reply || null,
          reply ? author[reply]! + 1 : null,
          reply ? reply : id,
          boost || null,
          !boost && !reply && id % 3 === 0 ? `https://example.org/p/${id}` : null,
          1,
          replyCount[id]!,
          boostCount[id]!,
          likes,
          postTime(id),
        ];
      }
    })(),
  );
  const mentions = await inBatches(
    loader,
    'mentions',
    MENTION_COLUMNS,
    (function* () {
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
    })(),
  );
  await inBatches(
    loader,
    'post_hashtags',
    POST_HASHTAG_COLUMNS,
    (function* () {
      // Half the posts carry a hashtag, mostly one of their author's passions.
      for (let id = 1; id <= P; id++) {
        if (boostOf[id] || replyTo[id] || id % 2 === 0) continue;
        const own = community.passions[author[id]!]!;
        yield [1 + (mixSeed(options.seed, id) % 5 === 0 ? id % PASSIONS.length : own[id % own.length]!), id, 1, postTime(id)];
      }
    })(),
  );

  progress('sources and items');
  const S = options.sources;
  const K = options.itemsPerSource;
  const dormantSource = (s: number) => s % 10 === 0;
  const itemTime = (s: number, j: number) =>
    dormantSource(s) ? endMs - (100 + ((s + j) % 200)) * DAY : endMs - Math.floor(((K - j) * WINDOW_DAYS * DAY) / K);
  await inBatches(
    loader,
    'sources',
    SOURCE_COLUMNS,
    (function* () {
      for (let s = 0; s < S; s++)
        yield [s + 1, `https://blog${s + 1}.example/feed`, `Blog ${s + 1}`, 3600_000, endMs, itemTime(s, K - 1), startMs - 365 * DAY];
    })(),
  );
  const items = await inBatches(
    loader,
    'source_items',
    ITEM_COLUMNS,
    (function* () {
      for (let s = 0; s < S; s++)
        for (let j = 0; j < K; j++)
          yield [s * K + j + 1, s + 1, `i${j}`, `Item ${j}`, itemTime(s, j), itemTime(s, j), itemTime(s, j), `h${s}-${j}`];
    })(),
  );

  progress('subscriptions and reads');
  const subRandom = new Random(mixSeed(options.seed, 4));
  const sourcePopularity = new WeightedSampler(zipfWeights(S, 0.8));
  const subsOf: Int32Array[] = [];
  const subscriptions = await inBatches(
    loader,
    'subscriptions',
    SUBSCRIPTION_COLUMNS,
    (function* () {
      let id = 0;
      for (let m = 0; m < n; m++) {
        const want = subRandom.int(17);
        const set = new Set<number>();
        for (let t = 0; t < 4 * want && set.size < want; t++) set.add(sourcePopularity.sample(subRandom));
        subsOf[m] = Int32Array.from(set);
        for (const s of set) yield [++id, m + 1, s + 1, endMs - (30 + subRandom.int(300)) * DAY];
      }
    })(),
  );
  const reads = await inBatches(
    loader,
    'item_states',
    ITEM_STATE_COLUMNS,
    (function* () {
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
    })(),
  );

  progress('indexes');
  await loader.finish();
  return { members: n, follows, mutualPairs, posts, mentions, sources: S, items, subscriptions, reads };
}
