/**
 * `npm run bench -- recommend [--members N] [--follows N] [--sample N] [--sqlite-only] …`
 *
 * How good and how fast is Who to follow (src/insights/suggestions.ts) on a community of the
 * issue's size? Generates 100,000 members with roles, places and passions and 5,000,000
 * follows with structure, plus posts carrying hashtags (bench/lib/network.ts, shared with the
 * insights benchmark: communities with their own well-known people, friends-of-friends
 * closure, follow-backs); bulk-loads it; hides 10% of the
 * follows of each sampled member; asks for ten suggestions for each and reports recall@10
 * against the hidden follows next to two baselines (most-followed; random), with p50/p99 time
 * per member. SQLite, and PostgreSQL when a server is reachable (as the other benchmarks).
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { SuggestionPoolsService } from '../src/insights/pools.ts';
import { SuggestionsService } from '../src/insights/suggestions.ts';
import { openBulkLoader } from './lib/bulk.ts';
import { type BenchDatabase, onEachDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { type Community, generateCommunity, loadNetwork } from './lib/network.ts';
import { DATABASE_OPTIONS, wholeNumbers } from './lib/options.ts';
import { Random } from './lib/random.ts';
import { type Summary, summarize } from './lib/stats.ts';

/** The goal: p99 under 50 ms per member. */
const P99_GOAL_MS = 50;
const K = 10;
const HIDE_SHARE = 0.1;

const USAGE = `npm run bench -- recommend [options]

  --members N      members (default 100000)
  --follows N      follows (default 5000000)
  --posts N        posts over 120 days (default 1000000)
  --sample N       members whose follows are partly hidden and who get suggestions (default 1000)
  --seed N         generator seed (default 1)
  --sqlite-only    skip PostgreSQL
  --postgres-only  skip SQLite
  --keep           keep the databases afterwards (prints where they are)

Quick run: npm run bench -- recommend --members 20000 --follows 1000000 --posts 200000 --sample 300 --sqlite-only`;

interface Options {
  members: number;
  follows: number;
  posts: number;
  sample: number;
  seed: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  keep: boolean;
}

// ---- measuring -----------------------------------------------------------------------------------

interface Result {
  label: string;
  buildMs: number;
  poolsMs: number;
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
      // Sources and reads matter little here; a few keep the network whole.
      const network = { posts: options.posts, sources: 200, itemsPerSource: 10, reads: 5, seed: options.seed, endMs: now };
      ({ posts } = await loadNetwork(loader, community, network, (step) => console.log(`  Building: ${step}…`)));
    } finally {
      await loader.close();
    }
    const buildMs = performance.now() - started;
    let poolsMs = 0;
    console.log(
      `  Loaded ${count(community.n)} members, ${count(community.totalFollows)} follows, ${count(posts)} posts in ${duration(buildMs)}.`,
    );

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
          await tx
            .deleteFrom('follows')
            .where('follower_id', '=', i + 1)
            .where(
              'followee_id',
              'in',
              [...set].map((j) => j + 1),
            )
            .execute();
        }
      });
      // The hourly job that ranks the best-known people of each passion, role and place.
      const poolsStarted = performance.now();
      const pools = await new SuggestionPoolsService({ database: db }).refresh(now);
      poolsMs = performance.now() - poolsStarted;
      console.log(`  Pools refreshed (${count(pools.rows)} rows) in ${duration(poolsMs)}.`);
      const service = new SuggestionsService({ database: db, baseUrl: 'http://localhost:3000' });
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
        poolsMs,
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
function baselines(
  c: Community,
  sampled: number[],
  hidden: Map<number, Set<number>>,
  seed: number,
): { mostFollowed: number; random: number } {
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
  const community = generateCommunity(options);
  const degrees = community.follows.map((f) => f.length).sort((a, b) => a - b);
  console.log(
    `Generated in ${duration(performance.now() - t)}: ${count(community.totalFollows)} follows; following per member median ${count(degrees[degrees.length >> 1]!)}, ` +
      `p99 ${count(degrees[Math.floor(degrees.length * 0.99)]!)}, max ${count(degrees.at(-1)!)}; most followed has ${count(Math.max(...community.followers))} followers.`,
  );
  const results = await onEachDatabase(options, (database) => benchmark(database, community, options, now));
  console.log(report(results));
  console.log(`\n${JSON.stringify(figures(results, options, community))}`);
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: 'string', default: '100000' },
      follows: { type: 'string', default: '5000000' },
      posts: { type: 'string', default: '1000000' },
      sample: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      ...DATABASE_OPTIONS,
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
    posts: number('posts', values.posts, 100),
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
      [
        'database',
        `recall@${K} Commonroom`,
        'most-followed',
        'random',
        'p50 ms',
        'p99 ms',
        'max ms',
        'with reasons',
        'empty lists',
        'build',
        'pools job',
        'on disk',
      ],
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
        duration(r.poolsMs),
        bytes(r.sizeBytes),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
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
      poolsMs: Math.round(r.poolsMs),
    })),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
