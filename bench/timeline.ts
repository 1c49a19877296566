/**
 * `npm run bench -- timeline [--members N] [--posts N] [--sqlite-only] …`
 *
 * How fast are timelines, posting and search on a community of realistic size? For SQLite,
 * and PostgreSQL when a server is reachable (BENCH_POSTGRES_URL, else DATABASE_URL, else the
 * local development server): generates a community (10,000 members, 1,000,000 posts over 60
 * days, skewed follows), bulk-loads it with home timelines as fan-out on write leaves them,
 * starts a real server on it and times API requests over loopback. See docs/timelines.md.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { openBulkLoader } from './lib/bulk.ts';
import { runChild } from './lib/child.ts';
import { type BenchDatabase, onEachDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { DATABASE_OPTIONS, wholeNumbers } from './lib/options.ts';
import { type CommunityOptions, type CommunityShape, describeCommunity, generateCommunity } from './timeline/community.ts';
import { TextGenerator } from './timeline/content.ts';
import { type LoadedRows, loadCommunity } from './timeline/load.ts';
import type { MeasureInput, Measurement, MeasureOutput } from './timeline/measure.ts';
import { POPULAR_TAG, RARE_TAG, RARE_WORDS, TAGS, WORDS } from './timeline/words.ts';

/** The product's goal: a timeline page answers in under 10 ms at the 99th percentile. */
const TIMELINE_P99_GOAL_MS = 10;

interface Options {
  community: CommunityOptions;
  samples: number;
  warmup: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  keep: boolean;
}

interface DatabaseResult {
  label: string;
  measurements: Measurement[];
}

const USAGE = `npm run bench -- timeline [options]

  --members N      members (default 10000)
  --posts N        posts (default 1000000)
  --days N         days the posts span (default 60)
  --seed N         generator seed (default 1)
  --samples N      timed requests per measurement (default 300)
  --warmup N       untimed requests before each measurement (default 30)
  --sqlite-only    skip PostgreSQL
  --postgres-only  skip SQLite
  --keep           keep the databases afterwards (prints where they are)

Quick run: npm run bench -- timeline --members 2000 --posts 100000`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  console.log(header(options));
  const results = await onEachDatabase(options, (database) => benchmark(database, options));
  console.log(comparison(results));
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: 'string', default: '10000' },
      posts: { type: 'string', default: '1000000' },
      days: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      samples: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '30' },
      ...DATABASE_OPTIONS,
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = wholeNumbers(USAGE);
  return {
    community: {
      members: number('members', values.members, 100),
      posts: number('posts', values.posts, 1000),
      days: number('days', values.days, 1),
      seed: number('seed', values.seed, 0),
      // Rounded to the minute: the data is the same whenever in that minute the run starts.
      endMs: Math.floor(Date.now() / 60_000) * 60_000,
    },
    samples: number('samples', values.samples, 10),
    warmup: number('warmup', values.warmup, 0),
    sqliteOnly: values['sqlite-only'],
    postgresOnly: values['postgres-only'],
    keep: values.keep,
  };
}

function header(options: Options): string {
  const c = options.community;
  const cpu = cpus();
  return [
    `Timeline benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}`,
    `Community: ${count(c.members)} members, ${count(c.posts)} posts over ${c.days} days, seed ${c.seed}`,
    `Requests: sequential, over loopback, with a member's API token; ${options.warmup} warm-up requests then ${options.samples} timed per measurement.`,
  ].join('\n');
}

// ---- one database ----------------------------------------------------------------------------

async function benchmark(database: BenchDatabase, options: Options): Promise<DatabaseResult> {
  console.log(`\n━━ ${database.label}: ${database.version} — ${database.location}`);
  try {
    await (await database.open()).close();
    const build = await buildCommunity(database, options);
    const size = await database.sizeBytes();
    console.log(`  Measuring…`);
    const output = await runChild<MeasureInput, MeasureOutput>(new URL('./timeline/measure.ts', import.meta.url), {
      dataDir: database.dataDir,
      databaseUrl: database.databaseUrl,
      seed: options.community.seed,
      samples: options.samples,
      warmup: options.warmup,
      tags: [POPULAR_TAG, RARE_TAG].map((slug) => ({
        slug,
        label: `hashtag #${slug} (${count(build.rows.tagCounts[TAGS.indexOf(slug)]!)} posts)`,
      })),
      searches: build.searches,
    });
    console.log(report(database, build, size, output));
    return { label: database.label, measurements: output.measurements };
  } finally {
    await database.dispose(options.keep);
  }
}

interface Build {
  rows: LoadedRows;
  phases: Array<[step: string, ms: number]>;
  totalMs: number;
  shape: CommunityShape;
  searches: MeasureInput['searches'];
}

async function buildCommunity(database: BenchDatabase, options: Options): Promise<Build> {
  const started = performance.now();
  const phases: Array<[string, number]> = [];
  let phase = { step: 'generate', at: started };
  const endPhase = () => phases.push([phase.step, performance.now() - phase.at]);
  const progress = (step: string) => {
    endPhase();
    phase = { step, at: performance.now() };
    console.log(`  Building: ${step}…`);
  };
  console.log('  Building: generate…');
  const community = generateCommunity(options.community);
  const texts = new TextGenerator(options.community.seed);
  const loader = await openBulkLoader(database);
  let rows: LoadedRows;
  try {
    rows = await loadCommunity(loader, community, texts, progress);
  } finally {
    await loader.close();
  }
  endPhase();
  return { rows, phases, totalMs: performance.now() - started, shape: describeCommunity(community), searches: searchQueries(texts) };
}

/** A word in most posts, one in a few percent, one in a few dozen posts, and two words together. */
function searchQueries(texts: TextGenerator): MeasureInput['searches'] {
  const common = WORDS[0]!;
  const middling = WORDS[60]!;
  const rare = RARE_WORDS[0]!;
  return [
    { q: common, label: `search "${common}" (common: ${count(texts.postsWith(common))} posts)` },
    { q: middling, label: `search "${middling}" (${count(texts.postsWith(middling))} posts)` },
    { q: rare, label: `search "${rare}" (rare: ${count(texts.postsWith(rare))} posts)` },
    { q: `${middling} ${common}`, label: `search "${middling} ${common}" (two words)` },
  ];
}

// ---- report -------------------------------------------------------------------------------------

function report(database: BenchDatabase, build: Build, size: number, output: MeasureOutput): string {
  const { rows, shape } = build;
  const pct = (part: number) => `${((100 * part) / rows.posts).toFixed(0)}%`;
  const lines = [
    '',
    `  Build          ${duration(build.totalMs)}  (${build.phases.map(([step, t]) => `${step} ${duration(t)}`).join(', ')})`,
    `  Rows           members ${count(rows.members)} · posts ${count(rows.posts)} · follows ${count(rows.follows)} · timeline_entries ${count(rows.timelineEntries)} · post_hashtags ${count(rows.postHashtags)}`,
    `  Follows        per member: median ${count(shape.following.median)}, p99 ${count(shape.following.p99)}, max ${count(shape.following.max)} (${shape.following.atMost15} follow ≤ 15, ${shape.following.atLeast1500} follow ≥ 1,500)`,
    `                 followers: median ${count(shape.followers.median)}, p99 ${count(shape.followers.p99)}, max ${count(shape.followers.max)} (${shape.followers.atLeast2000} have ≥ 2,000)`,
    `  Posts          ${pct(shape.posts.originals)} originals, ${pct(shape.posts.replies)} replies, ${pct(shape.posts.boosts)} boosts; ${pct(shape.posts.followersOnly)} followers-only; ${pct(rows.taggedPosts)} with hashtags`,
    `  On disk        ${bytes(size)}${database.dialect === 'sqlite' ? ' (database file and WAL)' : ' (pg_database_size)'}`,
    '',
    latencyTable(output.measurements),
    `  Latency: from sending the request to the last byte of the answer. cpu ms: mean CPU time of the server's`,
    `  process per request (its own work, which waiting for a busy core does not inflate; PostgreSQL's work is not in it).`,
    `  posts: mean posts per page. Load average (1 min) while measuring: ${output.load.before.toFixed(2)} at the start, ${output.load.after.toFixed(2)} at the end.`,
    '',
    `  Memory         RSS ${bytes(output.memory.rss)} (peak ${bytes(output.memory.maxRss)}), heap used ${bytes(output.memory.heapUsed)}`,
    `                 process.memoryUsage() of the measuring process after the run: it runs the server and the`,
    `                 benchmark's HTTP client (nothing else; the data was generated in another process).`,
  ];
  return lines.join('\n');
}

function latencyTable(measurements: Measurement[]): string {
  return table(
    ['request', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'cpu ms', 'posts'],
    measurements.map((m) => [
      m.detail ? `  ${m.label}` : m.label,
      count(m.summary.n),
      ms(m.summary.p50),
      ms(m.summary.p99),
      ms(m.summary.mean),
      ms(m.summary.max),
      ms(m.cpuMs),
      m.postsPerPage === null ? '' : m.postsPerPage.toFixed(1),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** Side by side, and whether timeline pages meet the p99 goal. */
function comparison(results: DatabaseResult[]): string {
  if (results.length === 0) return '';
  const labels = results[0]!.measurements.map((m) => m.label);
  const lines = [
    `\n━━ Summary (p50 / p99 ms)`,
    '',
    table(
      ['request', ...results.map((r) => r.label)],
      labels.map((label, i) => [
        results[0]!.measurements[i]!.detail ? `  ${label.replace(/ \(.*/, '')}` : label.replace(/ \(.*/, ''),
        ...results.map((r) => {
          const m = r.measurements.find((x) => x.label === label) ?? r.measurements[i];
          return m ? `${ms(m.summary.p50)} / ${ms(m.summary.p99)}` : '–';
        }),
      ]),
      ['left', ...results.map(() => 'right' as const)],
    ),
    '',
  ];
  for (const result of results) {
    const pages = result.measurements.filter((m) => /^(home timeline|hashtag)/.test(m.label));
    const misses = pages.filter((m) => m.summary.p99 >= TIMELINE_P99_GOAL_MS);
    lines.push(
      misses.length === 0
        ? `  ${result.label}: every timeline page meets the goal (p99 < ${TIMELINE_P99_GOAL_MS} ms).`
        : `  ${result.label}: timeline pages over the ${TIMELINE_P99_GOAL_MS} ms p99 goal: ${misses.map((m) => `${m.label.replace(/ \(.*/, '')} (${ms(m.summary.p99)} ms)`).join('; ')}.`,
    );
  }
  return lines.join('\n');
}
