/**
 * `npm run bench -- insights [--members N] [--follows N] [--sqlite-only] …`
 *
 * How long does a member's My PLN take to compute on a large network? For SQLite, and
 * PostgreSQL when a server is reachable (BENCH_POSTGRES_URL, else DATABASE_URL, else the local
 * development server): generates a network (bench/lib/network.ts, shared with the recommend benchmark; 100,000 members,
 * 5,000,000 follows, posts, replies, mentions, sources, item reads), bulk-loads it, then
 * computes the insights (stages + network health, as GET /api/v1/insights does) of sampled
 * members through the product's own code and prints p50/p99. See docs/insights.md.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { HealthService } from '../src/insights/health.ts';
import { MyPlnService } from '../src/insights/my-pln.ts';
import { StagesService } from '../src/insights/stages.ts';
import { openBulkLoader } from './lib/bulk.ts';
import { type BenchDatabase, onEachDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { type Community, generateCommunity, type LoadedNetwork, loadNetwork, type NetworkOptions } from './lib/network.ts';
import { DATABASE_OPTIONS, wholeNumbers } from './lib/options.ts';
import { Random } from './lib/random.ts';
import { type Summary, summarize } from './lib/stats.ts';

/** The goal: a member's insights in under 100 ms at the 99th percentile. */
const P99_GOAL_MS = 100;

interface Options {
  members: number;
  follows: number;
  network: NetworkOptions;
  samples: number;
  warmup: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  keep: boolean;
}

interface Result {
  label: string;
  rows: LoadedNetwork;
  buildMs: number;
  size: number;
  measurements: Array<{ what: string; summary: Summary }>;
}

const USAGE = `npm run bench -- insights [options]

  --members N      members (default 100000)
  --follows N      follows (default 5000000)
  --posts N        posts over 120 days (default 1000000)
  --sources N      sources (default 5000)
  --items N        items per source (default 40)
  --reads N        item reads per member, on average (default 20)
  --samples N      members whose insights are timed (default 500)
  --warmup N       untimed members first (default 50)
  --seed N         generator seed (default 1)
  --sqlite-only    skip PostgreSQL
  --postgres-only  skip SQLite
  --keep           keep the databases afterwards (prints where they are)

Quick run: npm run bench -- insights --members 5000 --follows 200000 --posts 50000 --sqlite-only`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  const cpu = cpus();
  const o = options.network;
  console.log(
    [
      `Insights benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}`,
      `Network: ${count(options.members)} members, ~${count(options.follows)} follows, ${count(o.posts)} posts, ${count(o.sources)} sources × ${o.itemsPerSource} items, ~${o.reads} reads per member, seed ${o.seed}`,
      `Timing: MyPlnService.of() (what GET /api/v1/insights and /insights compute) for ${options.samples} sampled members after ${options.warmup} warm-up ones, sequentially, in process.`,
    ].join('\n'),
  );
  const community = generateCommunity({ members: options.members, follows: options.follows, seed: options.network.seed });
  const results = await onEachDatabase(options, (database) => benchmark(database, options, community));
  console.log(
    JSON.stringify({
      benchmark: 'insights',
      members: options.members,
      follows: community.totalFollows,
      goalP99Ms: P99_GOAL_MS,
      results: results.map((r) => ({
        database: r.label,
        ...Object.fromEntries(
          r.measurements.map((m) => [m.what, { p50: round(m.summary.p50), p99: round(m.summary.p99), max: round(m.summary.max) }]),
        ),
      })),
    }),
  );
}

const round = (x: number) => Math.round(x * 100) / 100;

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: 'string', default: '100000' },
      follows: { type: 'string', default: '5000000' },
      posts: { type: 'string', default: '1000000' },
      sources: { type: 'string', default: '5000' },
      items: { type: 'string', default: '40' },
      reads: { type: 'string', default: '20' },
      samples: { type: 'string', default: '500' },
      warmup: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      ...DATABASE_OPTIONS,
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = wholeNumbers(USAGE);
  return {
    members: number('members', values.members, 100),
    follows: number('follows', values.follows, 100),
    network: {
      posts: number('posts', values.posts, 100),
      sources: number('sources', values.sources, 10),
      itemsPerSource: number('items', values.items, 1),
      reads: number('reads', values.reads, 0),
      seed: number('seed', values.seed, 0),
      endMs: Math.floor(Date.now() / 60_000) * 60_000,
    },
    samples: number('samples', values.samples, 10),
    warmup: number('warmup', values.warmup, 0),
    sqliteOnly: values['sqlite-only'],
    postgresOnly: values['postgres-only'],
    keep: values.keep,
  };
}

async function benchmark(database: BenchDatabase, options: Options, community: Community): Promise<Result> {
  console.log(`\n━━ ${database.label}: ${database.version} — ${database.location}`);
  try {
    await (await database.open()).close();
    const started = performance.now();
    const loader = await openBulkLoader(database);
    let rows: LoadedNetwork;
    try {
      rows = await loadNetwork(loader, community, options.network, (step) => console.log(`  Building: ${step}…`));
    } finally {
      await loader.close();
    }
    const buildMs = performance.now() - started;
    const size = await database.sizeBytes();

    console.log('  Measuring…');
    const db = await database.open();
    const measurements: Result['measurements'] = [];
    try {
      const random = new Random(options.network.seed + 7);
      const pick = () => {
        const id = 1 + random.int(options.members);
        return { memberId: id, actorId: id };
      };
      const now = options.network.endMs;
      const time = async (what: string, work: (m: { memberId: number; actorId: number }) => Promise<unknown>) => {
        for (let i = 0; i < options.warmup; i++) await work(pick());
        const samples: number[] = [];
        for (let i = 0; i < options.samples; i++) {
          const member = pick();
          const t = performance.now();
          await work(member);
          samples.push(performance.now() - t);
        }
        measurements.push({ what, summary: summarize(samples) });
      };
      // The product's own services, as the insights capability builds them (src/insights/service.ts).
      const stages = new StagesService({ database: db });
      const health = new HealthService({ database: db });
      const myPln = new MyPlnService({ stages, health });
      await time('insights', (m) => myPln.of(m, now));
      await time('stages', (m) => stages.of(m, now));
      await time('health', (m) => health.of(m, now));
      // The busiest member: the most followed (health lists and counts grow with the network).
      const top = await db.db.selectFrom('actors').select('id').orderBy('following_count', 'desc').limit(1).executeTakeFirstOrThrow();
      const heavy = { memberId: Number(top.id), actorId: Number(top.id) };
      const heavySamples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await myPln.of(heavy, now);
        heavySamples.push(performance.now() - t);
      }
      measurements.push({ what: 'insights (member following the most)', summary: summarize(heavySamples) });
    } finally {
      await db.close();
    }
    const result: Result = { label: database.label, rows, buildMs, size, measurements };
    console.log(report(result));
    return result;
  } finally {
    await database.dispose(options.keep);
  }
}

function report(r: Result): string {
  const rows = r.rows;
  return [
    '',
    `  Build          ${duration(r.buildMs)}; on disk ${bytes(r.size)}`,
    `  Rows           members ${count(rows.members)} · follows ${count(rows.follows)} (${count(rows.mutualPairs)} mutual pairs) · posts ${count(rows.posts)} · mentions ${count(rows.mentions)}`,
    `                 sources ${count(rows.sources)} · items ${count(rows.items)} · subscriptions ${count(rows.subscriptions)} · item reads ${count(rows.reads)}`,
    '',
    table(
      ['computing', 'samples', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', `p99 < ${P99_GOAL_MS} ms`],
      r.measurements.map((m) => [
        m.what,
        String(m.summary.n),
        ms(m.summary.p50),
        ms(m.summary.p99),
        ms(m.summary.mean),
        ms(m.summary.max),
        m.what.startsWith('insights') ? (m.summary.p99 < P99_GOAL_MS ? 'yes' : 'NO') : '',
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
  ].join('\n');
}
