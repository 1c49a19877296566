/**
 * `npm run bench -- recommend [--members N] [--follows N] [--sample N] [--sqlite-only] …`
 *
 * How good and how fast is Who to follow (src/insights/suggestions.ts) on a community of the
 * issue's size? Generates 100,000 members with roles, places and passions and 5,000,000
 * follows with structure (communities by passion, place and role, popularity by Zipf, and
 * friends-of-friends closure), with posts carrying hashtags; bulk-loads it; hides 10% of the
 * follows of each sampled member; asks for ten suggestions for each and reports recall@10
 * against the hidden follows next to two baselines (most-followed; random), with p50/p99 time
 * per member. SQLite, and PostgreSQL when a server is reachable (as the other benchmarks).
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { ROLE_KEYS } from '../src/accounts/roles.ts';
import { SuggestionsService } from '../src/insights/suggestions.ts';
import { openBulkLoader, type BulkLoader, type Columns, type Row } from './lib/bulk.ts';
import { findPostgres, scratchPostgres, scratchSqlite, type BenchDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { wholeNumbers } from './lib/options.ts';
import { Random, WeightedSampler, zipfWeights } from './lib/random.ts';
import { summarize, type Summary } from './lib/stats.ts';
import { TAGS } from './timeline/words.ts';

/** The goal: p99 under 50 ms per member. */
const P99_GOAL_MS = 50;
const K = 10;
const HIDE_SHARE = 0.1;
const DAY = 86_400_000;
const BATCH = 5000;

const USAGE = `npm run bench -- recommend [options]

  --members N      members (default 100000)
  --follows N      follows (default 5000000)
  --sample N       members whose follows are partly hidden and who get suggestions (default 1000)
  --seed N         generator seed (default 1)
  --sqlite-only    skip PostgreSQL
  --postgres-only  skip SQLite
  --keep           keep the databases afterwards (prints where they are)

Quick run: npm run bench -- recommend --members 5000 --follows 200000 --sample 200`;

interface Options {
  members: number;
  follows: number;
  sample: number;
  seed: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  keep: boolean;
}

// ---- the synthetic community ------------------------------------------------------------------

const ROLES = ROLE_KEYS.filter((r) => r !== 'other');
/** Librarians dominate, as on a real Commonroom. */
const ROLE_WEIGHTS = [30, 18, 8, 6, 14, 5, 6, 4, 3, 4, 2];
const PASSIONS = TAGS.filter((t) => /^[a-z0-9]+$/.test(t)).slice(0, 80);
const PLACES = Array.from({ length: 40 }, (_, i) => `Town ${i + 1}`);
const COMPLEMENT: Record<string, string[]> = {
  school_librarian: ['teacher', 'administrator'],
  public_librarian: ['library_staff', 'social_worker'],
  teacher: ['school_librarian', 'educator'],
};

interface Community {
  n: number;
  role: Uint8Array;
  place: Uint8Array;
  passions: Uint8Array[];
  /** Followees of each member (indexes), in the order they followed. */
  follows: Int32Array[];
  followers: Int32Array;
  lastPostAt: Float64Array;
  postsCount: Int32Array;
  totalFollows: number;
}

function generate(options: Options, now: number): Community {
  const random = new Random(options.seed);
  const n = options.members;
  const roleSampler = new WeightedSampler(ROLE_WEIGHTS);
  const passionSampler = new WeightedSampler(zipfWeights(PASSIONS.length, 0.8));
  const placeSampler = new WeightedSampler(zipfWeights(PLACES.length, 0.6));
  const role = new Uint8Array(n);
  const place = new Uint8Array(n);
  const passions: Uint8Array[] = [];
  // Popularity: a random Zipf rank per member (a few very followed people, a long tail).
  const ranks = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const zipf = zipfWeights(n, 0.85);
  const popularity = new Float64Array(n);
  for (let i = 0; i < n; i++) popularity[i] = zipf[ranks[i]!]!;
  for (let i = 0; i < n; i++) {
    role[i] = roleSampler.sample(random);
    place[i] = placeSampler.sample(random);
    const mine = new Set<number>();
    const want = random.between(2, 4);
    while (mine.size < want) mine.add(passionSampler.sample(random));
    passions.push(Uint8Array.from(mine));
  }
  // Communities: who holds each passion, lives in each place, has each role; drawn by popularity.
  const bucket = (size: number, keysOf: (i: number) => ArrayLike<number>) => {
    const lists: number[][] = Array.from({ length: size }, () => []);
    for (let i = 0; i < n; i++) for (const k of Array.from(keysOf(i))) lists[k]!.push(i);
    return lists.map((members) => ({ members, sampler: new WeightedSampler(members.map((m) => popularity[m]!)) }));
  };
  const byPassion = bucket(PASSIONS.length, (i) => passions[i]!);
  const byPlace = bucket(PLACES.length, (i) => [place[i]!]);
  const byRole = bucket(ROLES.length, (i) => [role[i]!]);
  const global = new WeightedSampler(popularity);
  const draw = (b: { members: number[]; sampler: WeightedSampler }) => b.members[b.sampler.sample(random)]!;

  // Out-degrees: log-normal, scaled to the total asked for.
  const degrees = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += degrees[i] = random.logNormal(30, 1);
  const scale = options.follows / sum;
  const cap = Math.min(n - 1, 5000);
  const follows: Int32Array[] = [];
  const firstPass: Int32Array[] = [];
  // First pass (70%): communities and popularity.
  for (let i = 0; i < n; i++) {
    const want = Math.max(1, Math.min(cap, Math.round(degrees[i]! * scale)));
    const first = Math.max(1, Math.round(want * 0.7));
    const chosen = new Set<number>();
    for (let tries = 0; chosen.size < first && tries < first * 4; tries++) {
      const r = random.next();
      const roleKey = ROLES[role[i]!]!;
      const j =
        r < 0.4
          ? draw(byPassion[random.pick(Array.from(passions[i]!))]!)
          : r < 0.55
            ? draw(byPlace[place[i]!]!)
            : r < 0.7
              ? draw(byRole[ROLES.indexOf((random.chance(0.5) && COMPLEMENT[roleKey] ? random.pick(COMPLEMENT[roleKey]) : roleKey) as (typeof ROLES)[number])]!)
              : global.sample(random);
      if (j !== i) chosen.add(j);
    }
    firstPass.push(Int32Array.from(chosen));
    degrees[i] = want;
  }
  // Second pass (30%): friends of friends (triadic closure), as real networks grow.
  let total = 0;
  const followers = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const chosen = new Set<number>(firstPass[i]!);
    const want = degrees[i]!;
    for (let tries = 0; chosen.size < want && tries < want * 4; tries++) {
      const via = firstPass[i]!;
      const friend = via[random.int(via.length)]!;
      const theirs = firstPass[friend]!;
      const j = theirs.length > 0 && random.chance(0.9) ? theirs[random.int(theirs.length)]! : global.sample(random);
      if (j !== i) chosen.add(j);
    }
    const list = random.shuffle(Int32Array.from(chosen));
    follows.push(list);
    total += list.length;
    for (const j of list) followers[j]!++;
  }
  // Activity: most people post now and then; posts land in the last 120 days.
  const lastPostAt = new Float64Array(n);
  const postsCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (random.chance(0.25)) continue;
    postsCount[i] = Math.max(1, Math.min(40, Math.round(random.logNormal(2, 1))));
    lastPostAt[i] = now - Math.floor(random.next() * random.next() * 120 * DAY);
  }
  return { n, role, place, passions, follows, followers, lastPostAt, postsCount, totalFollows: total };
}

// ---- loading -----------------------------------------------------------------------------------

const ACTOR_COLUMNS: Columns = [
  ['id', 'bigint'], ['acct', 'text'], ['handle', 'text'], ['display_name', 'text'], ['bio', 'text'], ['role', 'text'], ['location', 'text'],
  ['location_key', 'text'], ['links', 'text'], ['search_text', 'text'], ['followers_count', 'integer'], ['following_count', 'integer'],
  ['posts_count', 'integer'], ['last_post_at', 'bigint'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
];
const MEMBER_COLUMNS: Columns = [
  ['id', 'bigint'], ['actor_id', 'bigint'], ['email', 'text'], ['email_key', 'text'], ['password_hash', 'text'], ['is_admin', 'integer'],
  ['time_zone', 'text'], ['profile_visibility', 'text'], ['created_at', 'bigint'],
];
const FOLLOW_COLUMNS: Columns = [['id', 'bigint'], ['follower_id', 'bigint'], ['followee_id', 'bigint'], ['state', 'text'], ['created_at', 'bigint']];
const PASSION_COLUMNS: Columns = [['id', 'bigint'], ['slug', 'text'], ['name', 'text'], ['created_at', 'bigint']];
const ACTOR_PASSION_COLUMNS: Columns = [['actor_id', 'bigint'], ['passion_id', 'bigint'], ['position', 'integer']];
const HASHTAG_COLUMNS: Columns = [['id', 'bigint'], ['slug', 'text'], ['name', 'text'], ['post_count', 'integer'], ['created_at', 'bigint']];
const POST_COLUMNS: Columns = [['id', 'bigint'], ['actor_id', 'bigint'], ['text', 'text'], ['html', 'text'], ['visibility', 'text'], ['local', 'integer'], ['created_at', 'bigint']];
const POST_HASHTAG_COLUMNS: Columns = [['hashtag_id', 'bigint'], ['post_id', 'bigint'], ['listed', 'integer'], ['created_at', 'bigint']];
const TABLES = ['actors', 'members', 'follows', 'passions', 'actor_passions', 'hashtags', 'posts', 'post_hashtags'];

async function batches(loader: BulkLoader, table: string, columns: Columns, rows: Iterable<Row>): Promise<number> {
  let batch: Row[] = [];
  let written = 0;
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      await loader.insert(table, columns, batch);
      written += batch.length;
      batch = [];
    }
  }
  await loader.insert(table, columns, batch);
  return written + batch.length;
}

async function load(loader: BulkLoader, c: Community, seed: number, now: number): Promise<{ posts: number }> {
  const random = new Random(seed + 7);
  let posts = 0;
  await loader.dropIndexes(TABLES);
  await loader.transaction(async () => {
    await batches(loader, 'actors', ACTOR_COLUMNS, (function* () {
      for (let i = 0; i < c.n; i++) {
        const handle = `m${i + 1}`;
        const place = PLACES[c.place[i]!]!;
        yield [i + 1, handle, handle, `Member ${i + 1}`, '', ROLES[c.role[i]!]!, place, place.toLowerCase(), '[]', handle, c.followers[i]!, c.follows[i]!.length,
          c.postsCount[i]!, c.lastPostAt[i] || null, now - 400 * DAY, now - 400 * DAY];
      }
    })());
    await batches(loader, 'members', MEMBER_COLUMNS, (function* () {
      for (let i = 0; i < c.n; i++) yield [i + 1, i + 1, `m${i + 1}@example.org`, `m${i + 1}@example.org`, 'not-a-real-hash', 0, 'UTC', 'public', now - 400 * DAY];
    })());
    await batches(loader, 'passions', PASSION_COLUMNS, PASSIONS.map((p, i) => [i + 1, p, p, now - 400 * DAY]));
    await batches(loader, 'actor_passions', ACTOR_PASSION_COLUMNS, (function* () {
      for (let i = 0; i < c.n; i++) for (const [position, p] of Array.from(c.passions[i]!).entries()) yield [i + 1, p + 1, position];
    })());
  });
  await loader.transaction(async () => {
    let id = 0;
    await batches(loader, 'follows', FOLLOW_COLUMNS, (function* () {
      for (let i = 0; i < c.n; i++) for (const j of c.follows[i]!) yield [++id, i + 1, j + 1, 'accepted', now - 300 * DAY + id];
    })());
  });
  // Posts: each about one of the author's passions mostly (hashtag co-use), within their active days.
  await loader.transaction(async () => {
    await batches(loader, 'hashtags', HASHTAG_COLUMNS, PASSIONS.map((p, i) => [i + 1, p, p, 0, now - 400 * DAY]));
    const tagged: Row[] = [];
    await batches(loader, 'posts', POST_COLUMNS, (function* () {
      for (let i = 0; i < c.n; i++) {
        for (let k = 0; k < c.postsCount[i]!; k++) {
          const tag = random.chance(0.8) ? random.pick(Array.from(c.passions[i]!)) : random.int(PASSIONS.length);
          const at = Math.floor(c.lastPostAt[i]! - k * random.next() * 3 * DAY);
          posts++;
          tagged.push([tag + 1, posts, 1, at]);
          yield [posts, i + 1, `Notes on #${PASSIONS[tag]}`, `<p>Notes on #${PASSIONS[tag]}</p>`, 'public', 1, at];
        }
      }
    })());
    await batches(loader, 'post_hashtags', POST_HASHTAG_COLUMNS, tagged);
  });
  await loader.finish();
  return { posts };
}

// ---- measuring -----------------------------------------------------------------------------------

interface Result {
  label: string;
  buildMs: number;
  sizeBytes: number;
  recall: { commonroom: number; mostFollowed: number; random: number };
  latency: Summary;
  withReasons: number;
  emptyLists: number;
}

async function benchmark(database: BenchDatabase, community: Community, options: Options, now: number): Promise<Result> {
  console.log(`\n━━ ${database.label}: ${database.version} — ${database.location}`);
  try {
    await (await database.open()).close();
    const started = performance.now();
    console.log('  Loading…');
    const loader = await openBulkLoader(database);
    let posts: number;
    try {
      ({ posts } = await load(loader, community, options.seed, now));
    } finally {
      await loader.close();
    }
    const buildMs = performance.now() - started;
    console.log(`  Loaded ${count(community.n)} members, ${count(community.totalFollows)} follows, ${count(posts)} posts in ${duration(buildMs)}.`);

    const random = new Random(options.seed + 11);
    const eligible = Array.from({ length: community.n }, (_, i) => i).filter((i) => community.follows[i]!.length >= 10);
    random.shuffle(eligible);
    const sampled = eligible.slice(0, options.sample);
    const hidden = new Map<number, Set<number>>();
    for (const i of sampled) {
      const list = community.follows[i]!;
      const k = Math.max(1, Math.round(list.length * HIDE_SHARE));
      const copy = random.shuffle(Int32Array.from(list));
      hidden.set(i, new Set(Array.from(copy.subarray(0, k))));
    }
    const db = await database.open();
    try {
      // Hide: those follows are gone before anyone is recommended.
      await db.db.transaction().execute(async (tx) => {
        for (const [i, set] of hidden) {
          await tx.deleteFrom('follows').where('follower_id', '=', i + 1).where('followee_id', 'in', [...set].map((j) => j + 1)).execute();
        }
      });
      const service = new SuggestionsService(db, 'http://localhost:3000');
      // Warm up on members outside the sample (caches, prepared statements).
      for (const i of eligible.slice(options.sample, options.sample + 50)) await service.suggest({ memberId: i + 1, actorId: i + 1 }, K);
      console.log(`  Recommending for ${count(sampled.length)} members…`);
      const times: number[] = [];
      let withReasons = 0;
      let emptyLists = 0;
      let recallSum = 0;
      for (const i of sampled) {
        const t = performance.now();
        const list = await service.suggest({ memberId: i + 1, actorId: i + 1 }, K);
        times.push(performance.now() - t);
        const set = hidden.get(i)!;
        const hits = list.filter((s) => set.has(s.actor.id - 1)).length;
        recallSum += hits / set.size;
        if (list.length === 0) emptyLists++;
        withReasons += list.filter((s) => s.reasons.length > 0).length;
      }
      const shown = sampled.length * K - emptyLists * K;
      return {
        label: database.label,
        buildMs,
        sizeBytes: await database.sizeBytes(),
        recall: { commonroom: recallSum / sampled.length, ...baselines(community, sampled, hidden, options.seed) },
        latency: summarize(times),
        withReasons: shown > 0 ? withReasons / shown : 0,
        emptyLists,
      };
    } finally {
      await db.close();
    }
  } finally {
    await database.dispose(options.keep);
  }
}

/** Recall@10 of the two baselines: the most-followed people, and people drawn at random (neither the member nor anyone they still follow). */
function baselines(c: Community, sampled: number[], hidden: Map<number, Set<number>>, seed: number): { mostFollowed: number; random: number } {
  const byFollowers = Array.from({ length: c.n }, (_, i) => i).sort((a, b) => c.followers[b]! - c.followers[a]!);
  const random = new Random(seed + 13);
  let popular = 0;
  let chance = 0;
  for (const i of sampled) {
    const set = hidden.get(i)!;
    const kept = new Set(Array.from(c.follows[i]!).filter((j) => !set.has(j)));
    const skip = (j: number) => j === i || kept.has(j);
    const top: number[] = [];
    for (const j of byFollowers) {
      if (top.length === K) break;
      if (!skip(j)) top.push(j);
    }
    popular += top.filter((j) => set.has(j)).length / set.size;
    const picks = new Set<number>();
    while (picks.size < K) {
      const j = random.int(c.n);
      if (!skip(j)) picks.add(j);
    }
    chance += [...picks].filter((j) => set.has(j)).length / set.size;
  }
  return { mostFollowed: popular / sampled.length, random: chance / sampled.length };
}

// ---- the run ----------------------------------------------------------------------------------------

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  const now = Date.now();
  const cpu = cpus();
  console.log(
    [
      `Recommend benchmark — ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}`,
      `Community: ${count(options.members)} members, ~${count(options.follows)} follows, seed ${options.seed}; ${count(options.sample)} sampled members, ${HIDE_SHARE * 100}% of their follows hidden`,
    ].join('\n'),
  );
  const t = performance.now();
  const community = generate(options, now);
  const degrees = community.follows.map((f) => f.length).sort((a, b) => a - b);
  console.log(
    `Generated in ${duration(performance.now() - t)}: ${count(community.totalFollows)} follows; following per member median ${count(degrees[degrees.length >> 1]!)}, ` +
      `p99 ${count(degrees[Math.floor(degrees.length * 0.99)]!)}, max ${count(degrees.at(-1)!)}; most followed has ${count(Math.max(...community.followers))} followers.`,
  );
  const results: Result[] = [];
  if (!options.postgresOnly) results.push(await benchmark(scratchSqlite(), community, options, now));
  if (!options.sqliteOnly) {
    const postgres = await findPostgres();
    if ('skipped' in postgres) console.log(`\nPostgreSQL: skipped (${postgres.skipped})`);
    else results.push(await benchmark(await scratchPostgres(postgres.url), community, options, now));
  }
  console.log(report(results));
  console.log(`\n${JSON.stringify(figures(results, options, community))}`);
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: 'string', default: '100000' },
      follows: { type: 'string', default: '5000000' },
      sample: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      'sqlite-only': { type: 'boolean', default: false },
      'postgres-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = wholeNumbers(USAGE);
  const members = number('members', values.members, 100);
  return {
    members,
    follows: number('follows', values.follows, members),
    sample: Math.min(number('sample', values.sample, 10), Math.floor(members / 2)),
    seed: number('seed', values.seed, 0),
    sqliteOnly: values['sqlite-only'],
    postgresOnly: values['postgres-only'],
    keep: values.keep,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function report(results: Result[]): string {
  if (results.length === 0) return '';
  const lines = [
    '\n━━ Results',
    '',
    table(
      ['database', `recall@${K} Commonroom`, 'most-followed', 'random', 'p50 ms', 'p99 ms', 'max ms', 'with reasons', 'empty lists', 'build', 'on disk'],
      results.map((r) => [
        r.label,
        pct(r.recall.commonroom),
        pct(r.recall.mostFollowed),
        pct(r.recall.random),
        ms(r.latency.p50),
        ms(r.latency.p99),
        ms(r.latency.max),
        pct(r.withReasons),
        count(r.emptyLists),
        duration(r.buildMs),
        bytes(r.sizeBytes),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    `  recall@${K}: the share of each sampled member's hidden follows among their ${K} suggestions, averaged over members.`,
    `  Time: one suggest() call in process (all its queries), after ${50} warm-up calls.`,
  ];
  for (const r of results) {
    lines.push(`  ${r.label}: p99 ${ms(r.latency.p99)} ms ${r.latency.p99 < P99_GOAL_MS ? 'meets' : 'misses'} the ${P99_GOAL_MS} ms goal.`);
  }
  return lines.join('\n');
}

function figures(results: Result[], options: Options, community: Community) {
  return {
    benchmark: 'recommend',
    members: options.members,
    follows: community.totalFollows,
    sample: options.sample,
    k: K,
    results: results.map((r) => ({
      database: r.label,
      recall: { commonroom: round(r.recall.commonroom), mostFollowed: round(r.recall.mostFollowed), random: round(r.recall.random) },
      p50Ms: round(r.latency.p50),
      p99Ms: round(r.latency.p99),
      maxMs: round(r.latency.max),
      withReasons: round(r.withReasons),
      buildMs: Math.round(r.buildMs),
    })),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
