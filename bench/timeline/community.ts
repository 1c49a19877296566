import { TIMELINE_LIMIT } from '../../src/social/timelines.ts';
import { Random, WeightedSampler, zipfWeights } from '../lib/random.ts';

/**
 * The synthetic community's structure: who follows whom, who posted what (originals, replies,
 * boosts) and when, and every home timeline as fan-out on write would have left it. Texts are
 * not kept here (a million of them would take gigabytes): content.ts derives each post's
 * text from the seed and its id when it is written out.
 *
 * Members are numbered from 0 here; in the database, actor id = member id = index + 1.
 * Post ids start at 1 and grow with time, as in the product, so arrays are indexed by id.
 */

export interface CommunityOptions {
  members: number;
  posts: number;
  /** Posts are spread evenly over this many days, ending at endMs. */
  days: number;
  endMs: number;
  seed: number;
}

/** Follows per member: log-normal around a median of 150, capped at 2,000 (or half the members). */
const FOLLOWS_MEDIAN = 150;
const FOLLOWS_SIGMA = 1.0;
const FOLLOWS_MIN = 3;
const FOLLOWS_MAX = 2000;
/** Whom people follow: Zipf over a popularity ranking, so a few accounts are followed by nearly everyone. */
const POPULARITY_EXPONENT = 1.0;
/** How much people post: log-normal (most post a little, a few post a lot). */
const ACTIVITY_SIGMA = 1.1;
const REPLY_SHARE = 0.12;
const BOOST_SHARE = 0.08;
/** public, members, followers (direct posts are left out: they need mentions of their own). */
const VISIBILITY_SHARES = [0.8, 0.12, 0.08];

export const VISIBILITIES = ['public', 'members', 'followers'] as const;
export const ORIGINAL = 0;
export const REPLY = 1;
export const BOOST = 2;

/** Adjacency lists in compressed form: the neighbours of m are list[start[m]] … list[start[m + 1] - 1]. */
export interface Adjacency {
  start: Int32Array;
  list: Int32Array;
}

export interface Graph {
  size: number;
  /** Sorted, so "does a follow b" is a binary search. */
  followees: Adjacency;
  followers: Adjacency;
}

export interface Posts {
  count: number;
  /** All indexed by post id (index 0 unused). */
  author: Int32Array;
  kind: Uint8Array;
  /** Index into VISIBILITIES. */
  visibility: Uint8Array;
  /** The post replied to (REPLY) or boosted (BOOST); 0 otherwise. */
  target: Int32Array;
  /** Thread id (the thread's first post) of originals and replies; 0 for boosts. */
  thread: Int32Array;
  replyCount: Int32Array;
  boostCount: Int32Array;
  /** Per member: posts written (boosts excluded, as the product counts) and the newest one's id. */
  postsCount: Int32Array;
  lastPostId: Int32Array;
}

export interface Community {
  options: CommunityOptions;
  graph: Graph;
  posts: Posts;
  timelines: TimelineBuffers;
  startMs: number;
}

export const degree = (a: Adjacency, m: number): number => a.start[m + 1]! - a.start[m]!;

/** Whether member a follows member b. */
export function follows(graph: Graph, a: number, b: number): boolean {
  const { start, list } = graph.followees;
  let lo = start[a]!;
  let hi = start[a + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid]!;
    if (v === b) return true;
    if (v < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** When post `id` was written: evenly spread, so ids and times grow together. */
export function postTime(community: Community, id: number): number {
  const { days, posts } = community.options;
  return community.startMs + Math.floor(((id - 1) * days * 86_400_000) / posts);
}

export function generateCommunity(options: CommunityOptions): Community {
  const random = new Random(options.seed);
  const graph = generateGraph(options.members, random);
  const timelines = new TimelineBuffers(options.members, TIMELINE_LIMIT);
  const posts = generatePosts(options, graph, timelines, random);
  return { options, graph, posts, timelines, startMs: options.endMs - options.days * 86_400_000 };
}

// ---- follows ------------------------------------------------------------------------------

function generateGraph(size: number, random: Random): Graph {
  const max = Math.min(FOLLOWS_MAX, Math.floor((size - 1) / 2));
  const degrees = new Int32Array(size);
  for (let m = 0; m < size; m++) {
    degrees[m] = Math.max(Math.min(FOLLOWS_MIN, max), Math.min(max, Math.round(random.logNormal(FOLLOWS_MEDIAN, FOLLOWS_SIGMA))));
  }
  // byRank[r] is the member with popularity rank r: popularity is unrelated to member number.
  const byRank = random.shuffle(Int32Array.from({ length: size }, (_, i) => i));
  const popularity = new WeightedSampler(zipfWeights(size, POPULARITY_EXPONENT));
  const start = cumulative(degrees);
  const list = new Int32Array(start[size]!);
  const chosenBy = new Int32Array(size).fill(-1);
  for (let m = 0; m < size; m++) {
    const k = degrees[m]!;
    const out = list.subarray(start[m]!, start[m + 1]!);
    let n = 0;
    // Zipf draws repeat the popular accounts often; after enough tries, fill up uniformly
    // (the long tail) so heavy followers still reach their count quickly.
    for (let tries = 0; n < k && tries < 20 * k; tries++) {
      const f = byRank[popularity.sample(random)]!;
      if (f !== m && chosenBy[f] !== m) {
        chosenBy[f] = m;
        out[n++] = f;
      }
    }
    while (n < k) {
      const f = random.int(size);
      if (f !== m && chosenBy[f] !== m) {
        chosenBy[f] = m;
        out[n++] = f;
      }
    }
    out.sort();
  }
  const followees = { start, list };
  return { size, followees, followers: invert(followees, size) };
}

function cumulative(counts: Int32Array): Int32Array {
  const start = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) start[i + 1] = start[i]! + counts[i]!;
  return start;
}

/** Followers from followees (lists come out sorted, since members are visited in order). */
function invert(followees: Adjacency, size: number): Adjacency {
  const counts = new Int32Array(size);
  for (const f of followees.list) counts[f]!++;
  const start = cumulative(counts);
  const fill = start.slice(0, size);
  const list = new Int32Array(followees.list.length);
  for (let m = 0; m < size; m++) {
    for (let i = followees.start[m]!; i < followees.start[m + 1]!; i++) list[fill[followees.list[i]!]!++] = m;
  }
  return { start, list };
}

// ---- posts and fan-out ------------------------------------------------------------------------

function generatePosts(options: CommunityOptions, graph: Graph, timelines: TimelineBuffers, random: Random): Posts {
  const { posts: count, members } = options;
  const posts: Posts = {
    count,
    author: new Int32Array(count + 1),
    kind: new Uint8Array(count + 1),
    visibility: new Uint8Array(count + 1),
    target: new Int32Array(count + 1),
    thread: new Int32Array(count + 1),
    replyCount: new Int32Array(count + 1),
    boostCount: new Int32Array(count + 1),
    postsCount: new Int32Array(members),
    lastPostId: new Int32Array(members),
  };
  const activity = new WeightedSampler(Float64Array.from({ length: members }, () => random.logNormal(1, ACTIVITY_SIGMA)));
  const visibility = new WeightedSampler(VISIBILITY_SHARES);
  // The newest public or members-only post of each member: what their followers reply to and boost.
  const lastListed = new Int32Array(members);
  const boosted = new Set<number>();

  for (let id = 1; id <= count; id++) {
    const author = activity.sample(random);
    posts.author[id] = author;
    const roll = random.next();
    // People reply to and boost what they see: the newest post of someone they follow.
    const followed = randomFollowee(graph, author, random);
    const seen = followed >= 0 ? lastListed[followed]! : 0;
    if (seen && roll < REPLY_SHARE) {
      writeReply(posts, graph, timelines, id, author, seen, visibility.sample(random));
    } else if (seen && roll < REPLY_SHARE + BOOST_SHARE && !boosted.has(seen * members + author)) {
      boosted.add(seen * members + author);
      writeBoost(posts, graph, timelines, id, author, seen);
      continue;
    } else {
      posts.kind[id] = ORIGINAL;
      posts.visibility[id] = visibility.sample(random);
      posts.thread[id] = id;
      fanOut(graph, timelines, id, id, author, -1, false);
    }
    posts.postsCount[author]!++;
    posts.lastPostId[author] = id;
    if (posts.visibility[id]! < 2) lastListed[author] = id;
  }
  return posts;
}

function randomFollowee(graph: Graph, member: number, random: Random): number {
  const n = degree(graph.followees, member);
  return n === 0 ? -1 : graph.followees.list[graph.followees.start[member]! + random.int(n)]!;
}

function writeReply(
  posts: Posts,
  graph: Graph,
  timelines: TimelineBuffers,
  id: number,
  author: number,
  parent: number,
  visibility: number,
): void {
  posts.kind[id] = REPLY;
  posts.visibility[id] = visibility;
  posts.target[id] = parent;
  posts.thread[id] = posts.thread[parent]!;
  posts.replyCount[parent]!++;
  // A reply starts with an @mention of the author replied to (content.ts writes it).
  fanOut(graph, timelines, id, id, author, posts.author[parent]!, true);
}

function writeBoost(posts: Posts, graph: Graph, timelines: TimelineBuffers, id: number, booster: number, original: number): void {
  posts.kind[id] = BOOST;
  posts.visibility[id] = posts.visibility[original]!;
  posts.target[id] = original;
  posts.boostCount[original]!++;
  fanOut(graph, timelines, id, original, booster, -1, false);
}

/**
 * What fanOutPost / fanOutBoost in src/social/timelines.ts insert: the entry goes to the
 * author, the person mentioned, and the author's followers; a reply reaches only followers
 * who also follow the person replied to. (No blocks, mutes, hashtag follows or lists here.)
 */
function fanOut(
  graph: Graph,
  timelines: TimelineBuffers,
  sortId: number,
  postId: number,
  author: number,
  mentioned: number,
  isReply: boolean,
): void {
  timelines.push(author, sortId, postId);
  const replyRule = isReply && mentioned !== author;
  if (mentioned >= 0 && mentioned !== author) timelines.push(mentioned, sortId, postId);
  const { start, list } = graph.followers;
  for (let i = start[author]!; i < start[author + 1]!; i++) {
    const f = list[i]!;
    if (f === mentioned) continue;
    if (replyRule && !follows(graph, f, mentioned)) continue;
    timelines.push(f, sortId, postId);
  }
}

// ---- timelines ---------------------------------------------------------------------------------

/**
 * Every member's home timeline as a ring buffer of its newest `capacity` entries: what the
 * product keeps after trimming. An entry is (sort id, post id); sort id = the id of the post
 * or boost that brought it, so a boost is an entry whose post id differs from its sort id.
 */
export class TimelineBuffers {
  readonly capacity: number;
  readonly #sortIds: Int32Array;
  readonly #postIds: Int32Array;
  /** Where the next entry goes, and how many entries there are, per member. */
  readonly #next: Int32Array;
  readonly #size: Int32Array;

  constructor(members: number, capacity: number) {
    this.capacity = capacity;
    this.#sortIds = new Int32Array(members * capacity);
    this.#postIds = new Int32Array(members * capacity);
    this.#next = new Int32Array(members);
    this.#size = new Int32Array(members);
  }

  push(member: number, sortId: number, postId: number): void {
    const slot = member * this.capacity + this.#next[member]!;
    this.#sortIds[slot] = sortId;
    this.#postIds[slot] = postId;
    this.#next[member] = (this.#next[member]! + 1) % this.capacity;
    if (this.#size[member]! < this.capacity) this.#size[member]!++;
  }

  /** A member's entries, oldest first. */
  forEach(member: number, visit: (sortId: number, postId: number) => void): void {
    const size = this.#size[member]!;
    const first = (this.#next[member]! - size + this.capacity) % this.capacity;
    for (let i = 0; i < size; i++) {
      const slot = member * this.capacity + ((first + i) % this.capacity);
      visit(this.#sortIds[slot]!, this.#postIds[slot]!);
    }
  }
}

// ---- description ---------------------------------------------------------------------------------

export interface CommunityShape {
  follows: number;
  following: { median: number; p99: number; max: number; atMost15: number; atLeast1500: number };
  followers: { median: number; p99: number; max: number; atLeast2000: number };
  posts: { originals: number; replies: number; boosts: number; followersOnly: number };
}

/** The distributions the report shows, so a reader can judge how realistic the community is. */
export function describeCommunity(community: Community): CommunityShape {
  const { graph, posts } = community;
  const spread = (a: Adjacency) => {
    const values = Array.from({ length: graph.size }, (_, m) => degree(a, m)).sort((x, y) => x - y);
    const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
    return { values, median: at(0.5), p99: at(0.99), max: values.at(-1)! };
  };
  const following = spread(graph.followees);
  const followers = spread(graph.followers);
  const kinds = [0, 0, 0];
  let followersOnly = 0;
  for (let id = 1; id <= posts.count; id++) {
    kinds[posts.kind[id]!]!++;
    if (VISIBILITIES[posts.visibility[id]!] === 'followers') followersOnly++;
  }
  return {
    follows: graph.followees.list.length,
    following: {
      median: following.median,
      p99: following.p99,
      max: following.max,
      atMost15: following.values.filter((v) => v <= 15).length,
      atLeast1500: following.values.filter((v) => v >= 1500).length,
    },
    followers: {
      median: followers.median,
      p99: followers.p99,
      max: followers.max,
      atLeast2000: followers.values.filter((v) => v >= 2000).length,
    },
    posts: { originals: kinds[ORIGINAL]!, replies: kinds[REPLY]!, boosts: kinds[BOOST]!, followersOnly },
  };
}
