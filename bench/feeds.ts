/**
 * `npm run bench -- feeds [--quick] [--seed N] [--no-feedparser] [--keep]`
 *
 * How fast is the feed parser (src/feeds/parse.ts, parseFeed: any feed's bytes → a JSON Feed
 * 1.1 document), and how does it compare with Python's feedparser, the reference the issue
 * names? Parses (1) the conformance corpus in shared/testdata (feedparser's wellformed cases
 * and gofeed's feeds: ~1,300 tiny files, parsed over and over) and (2) two large generated
 * feeds, 5 MB and 10,000 items each, RSS 2.0 with content:encoded and Atom 1.0; then (3) the
 * same files with feedparser, in Python, the same number of times, and (4) compares the two.
 * Each workload runs in a fresh process of its own on each side, from bytes already in
 * memory, after a warm-up.
 *
 * The issue's goal: at least 10× feedparser's throughput.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type FeedFile, findCorpus, SETS } from './feeds/corpus.ts';
import { generateLargeFeed, type LargeFeed, type LargeFormat } from './feeds/generate.ts';
import type { FileSpec, MeasureInput, MeasureOutput, RoundsOutput } from './feeds/measure.ts';
import { type Feedparser, type FeedparserOutput, findFeedparser, runFeedparser } from './feeds/python.ts';
import { runChild } from './lib/child.ts';
import { type Align, bytes, count, duration, ms, table } from './lib/format.ts';
import { median } from './lib/stats.ts';

/** The issue's goal: our parser's throughput at least this many times feedparser's. */
const GOAL_RATIO = 10;
const LARGE_ITEMS = 10_000;
const LARGE_BYTES = 5 * 1024 * 1024;
/** The warm-up feed for the large runs: the same generator, 1/20 of the size. */
const WARMUP_ITEMS = 500;
const MB = 1024 * 1024;

interface Plan {
  /** Our side's warm-up and timed rounds. */
  warmupMinRounds: number;
  warmupMinMs: number;
  minRounds: number;
  minMs: number;
  maxRounds: number;
  /** feedparser runs as many timed rounds as we did, unless they would take longer than this. */
  feedparserMaxSeconds: number;
}

interface Options {
  quick: boolean;
  seed: number;
  feedparser: boolean;
  keep: boolean;
  corpus: Plan;
  large: Plan;
}

const USAGE = `npm run bench -- feeds [options]

  --quick          fewer rounds (a run of about half a minute; the figures are noisier)
  --seed N         seed of the generated large feeds (default 1)
  --no-feedparser  only our parser: skip Python's feedparser and the comparison
  --keep           keep the temporary directory with the generated feeds (prints where)
  -h, --help       this text

Parses the conformance corpus (shared/testdata: feedparser-cases/wellformed, gofeed-cases)
and two generated 5 MB / 10,000-item feeds (RSS 2.0, Atom 1.0) with src/feeds/parse.ts, then
the same files with Python's feedparser (installs python3-feedparser with apt-get when it is
missing and we are root), and compares them against the goal of at least ${GOAL_RATIO}× feedparser.`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  const corpus = findCorpus();
  const feedparser = options.feedparser ? findFeedparser((line) => console.log(`(${line})`)) : { skipped: '--no-feedparser' };
  console.log(header(options, feedparser));

  const tempDir = mkdtempSync(join(tmpdir(), 'commonroom-bench-feeds-'));
  try {
    const results: Comparison[] = [];
    results.push(await corpusSection(corpus, feedparser, options, tempDir));
    results.push(...(await largeSection(feedparser, options, tempDir)));
    console.log(comparison(results, feedparser));
  } finally {
    if (options.keep) console.log(`\nGenerated feeds and inputs kept in ${tempDir}`);
    else rmSync(tempDir, { recursive: true, force: true });
  }
  console.log(
    `\nTotal run time ${duration(performance.now() - started)}. Load average (1 min): ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end` +
      ` (this run adds about 1 on ${cpus().length} cores; more means other work shared the CPU and slowed both sides).`,
  );
}

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  seed: { type: 'string', default: '1' },
  'no-feedparser': { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions(args: string[]): Options | null {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number of at least 0\n\n${USAGE}`);
  const quick = values.quick;
  return {
    quick,
    seed,
    feedparser: !values['no-feedparser'],
    keep: values.keep,
    corpus: quick
      ? { warmupMinRounds: 1, warmupMinMs: 300, minRounds: 1, minMs: 500, maxRounds: 100_000, feedparserMaxSeconds: 5 }
      : { warmupMinRounds: 2, warmupMinMs: 1500, minRounds: 3, minMs: 2000, maxRounds: 100_000, feedparserMaxSeconds: 20 },
    large: quick
      ? { warmupMinRounds: 1, warmupMinMs: 300, minRounds: 1, minMs: 500, maxRounds: 50, feedparserMaxSeconds: 5 }
      : { warmupMinRounds: 3, warmupMinMs: 1000, minRounds: 3, minMs: 3000, maxRounds: 50, feedparserMaxSeconds: 15 },
  };
}

function header(options: Options, feedparser: Feedparser | { skipped: string }): string {
  const cpu = cpus();
  const c = options.corpus;
  const l = options.large;
  return [
    `Feed parser benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${options.quick ? ' (--quick)' : ''}`,
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}`,
    `Ours: src/feeds/parse.ts parseFeed(bytes, { url, contentType }) → JSON Feed 1.1 (sanitised HTML, resolved URLs, ISO dates).`,
    'skipped' in feedparser
      ? `feedparser: skipped (${feedparser.skipped}).`
      : `feedparser: ${feedparser.version} on Python ${feedparser.pythonVersion} (${feedparser.python}), its defaults (sanitises HTML, resolves relative URIs).`,
    `Method: each workload in a fresh process per side; files read into memory first, so nothing timed touches the disk;`,
    `  each document gets its URL and Content-Type as from HTTP. Warm-up, then timed rounds (a round parses every file once):`,
    `  corpus ≥ ${plural(c.minRounds, 'round')} and ≥ ${duration(c.minMs)} after ≥ ${duration(c.warmupMinMs)} warm-up; large feeds ≥ ${plural(l.minRounds, 'parse')} and ≥ ${duration(l.minMs)} after warming up`,
    `  on a ${WARMUP_ITEMS}-item version of the same feed. feedparser runs the same number of rounds, or fewer if they would`,
    `  take more than ${c.feedparserMaxSeconds} s (corpus) / ${l.feedparserMaxSeconds} s (each large feed). MB = 2^20 bytes; rates are per median round.`,
  ].join('\n');
}

// ---- measuring ------------------------------------------------------------------------------

/** One side's result on one workload, in the terms the tables use. */
interface SideResult {
  rounds: number;
  totalMs: number;
  medianMs: number;
  bestMs: number;
  bytes: number;
  files: number;
  items: number;
  /** ours: NotAFeedError; feedparser: bozo (not well-formed, or not a feed). */
  flagged: number;
  errors: Array<{ path: string; error: string }>;
  maxRssBefore: number;
  maxRss: number;
}

interface Comparison {
  workload: string;
  ours: SideResult;
  feedparser: SideResult | null;
}

/** Both sides report the same shape; only the name of the "not a feed" count differs. */
function sideResult(o: RoundsOutput, flagged: number): SideResult {
  return {
    rounds: o.roundMs.length,
    totalMs: o.roundMs.reduce((a, b) => a + b, 0),
    medianMs: median(o.roundMs),
    bestMs: Math.min(...o.roundMs),
    bytes: o.bytes,
    files: o.files,
    items: o.items,
    flagged,
    errors: o.errors,
    maxRssBefore: o.maxRssBefore,
    maxRss: o.maxRss,
  };
}
const fromOurs = (o: MeasureOutput): SideResult => sideResult(o, o.notFeeds);
const fromFeedparser = (o: FeedparserOutput): SideResult => sideResult(o, o.bozo);

const MEASURE = new URL('./feeds/measure.ts', import.meta.url);

async function measureBoth(
  name: string,
  files: FileSpec[],
  warmup: FileSpec[] | undefined,
  plan: Plan,
  feedparser: Feedparser | { skipped: string },
  tempDir: string,
): Promise<{ ours: SideResult; feedparser: SideResult | null }> {
  const input: MeasureInput = {
    files,
    ...(warmup ? { warmup } : {}),
    warmupMinRounds: plan.warmupMinRounds,
    warmupMinMs: plan.warmupMinMs,
    minRounds: plan.minRounds,
    minMs: plan.minMs,
    maxRounds: plan.maxRounds,
  };
  console.log(`  Measuring ours…`);
  const ours = fromOurs(await runChild<MeasureInput, MeasureOutput>(MEASURE, input));
  if ('skipped' in feedparser) return { ours, feedparser: null };
  console.log(`  Measuring feedparser (${plural(ours.rounds, 'round')}, at most ~${plan.feedparserMaxSeconds} s)…`);
  // Python warms up by parsing once: it has no JIT to warm, only imports and regular-expression caches.
  const output = await runFeedparser(feedparser, tempDir, name, {
    ...input,
    warmupMinRounds: 1,
    warmupMinMs: 0,
    rounds: ours.rounds,
    maxSeconds: plan.feedparserMaxSeconds,
  });
  return { ours, feedparser: fromFeedparser(output) };
}

// ---- 1. the corpus --------------------------------------------------------------------------

async function corpusSection(
  corpus: FeedFile[],
  feedparser: Feedparser | { skipped: string },
  options: Options,
  tempDir: string,
): Promise<Comparison> {
  const total = corpus.reduce((sum, f) => sum + f.bytes, 0);
  const perSet = SETS.map((set) => {
    const files = corpus.filter((f) => f.set === set.name);
    return `${set.name} ${count(files.length)} files, ${bytes(files.reduce((sum, f) => sum + f.bytes, 0))}`;
  });
  console.log(`\n━━ 1. Conformance corpus: ${count(corpus.length)} files, ${bytes(total)} (${perSet.join('; ')})`);
  console.log(`  Median file ${bytes(median(corpus.map((f) => f.bytes)))}, largest ${bytes(Math.max(...corpus.map((f) => f.bytes)))}.`);
  const specs = corpus.map(({ path, url, contentType }) => ({ path, url, contentType }));
  const result = await measureBoth('corpus', specs, undefined, options.corpus, feedparser, tempDir);

  const rows = sides(result).map(([label, r]) => [
    label,
    count(r.rounds),
    duration(r.totalMs),
    milliseconds(r.medianMs),
    rate(r.bytes / MB, r.medianMs),
    rate(r.files, r.medianMs, 0),
    rate(r.items, r.medianMs, 0),
    count(r.items),
    count(r.flagged),
    count(r.errors.length),
    bytes(r.maxRss),
  ]);
  console.log(
    '\n' +
      table(
        ['parser', 'rounds', 'timed', 'ms/round', 'MB/s', 'files/s', 'items/s', 'items/round', 'rejected', 'errors', 'peak RSS'],
        rows,
        ['left', ...Array<Align>(10).fill('right')],
      ),
  );
  console.log(
    [
      `  ms/round: median time to parse every file once; rates are from it. items/round: items (entries) in the documents`,
      `  read. rejected: ours — NotAFeedError (not a feed: empty, unknown root, invalid JSON…); feedparser — bozo (not`,
      `  well-formed or not a feed; it still returns what it read). errors: any other exception, per round.`,
      `  peak RSS: the process's high-water mark (maxRSS), run-time and file bytes included.`,
      ...notes(result),
    ].join('\n'),
  );
  return { workload: `corpus (${count(corpus.length)} files)`, ...result };
}

function notes(result: { ours: SideResult; feedparser: SideResult | null }): string[] {
  const lines: string[] = [];
  for (const [label, r] of sides(result)) {
    if (!r.errors.length) continue;
    const shown = r.errors.slice(0, 3).map((e) => `${e.path.replace(/^.*\/testdata\//, '')} (${e.error.slice(0, 100)})`);
    lines.push(`  ${label} errors: ${shown.join('; ')}${r.errors.length > 3 ? `; and ${r.errors.length - 3} more` : ''}.`);
  }
  return lines;
}

// ---- 2. large feeds -------------------------------------------------------------------------

const FORMAT_LABEL: Record<LargeFormat, string> = { rss: 'RSS 2.0', atom: 'Atom 1.0' };

async function largeSection(feedparser: Feedparser | { skipped: string }, options: Options, tempDir: string): Promise<Comparison[]> {
  console.log(`\n━━ 2. Large generated feeds: ${count(LARGE_ITEMS)} items, ${bytes(LARGE_BYTES)} each (seed ${options.seed})`);
  const generated: Array<{ format: LargeFormat; feed: LargeFeed; spec: FileSpec; warmup: FileSpec }> = [];
  const started = performance.now();
  for (const format of ['rss', 'atom'] as const) {
    const feed = generateLargeFeed({ format, items: LARGE_ITEMS, targetBytes: LARGE_BYTES, seed: options.seed });
    const small = generateLargeFeed({
      format,
      items: WARMUP_ITEMS,
      targetBytes: (LARGE_BYTES * WARMUP_ITEMS) / LARGE_ITEMS,
      seed: options.seed + 1,
    });
    const path = join(tempDir, `large-${format}.xml`);
    const warmupPath = join(tempDir, `warmup-${format}.xml`);
    writeFileSync(path, feed.xml);
    writeFileSync(warmupPath, small.xml);
    const url = `https://fieldnotes.example.org/${format === 'rss' ? 'feed.xml' : 'atom.xml'}`;
    const contentType = format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8';
    generated.push({ format, feed, spec: { path, url, contentType }, warmup: { path: warmupPath, url, contentType } });
    console.log(
      `  ${FORMAT_LABEL[format].padEnd(8)}  ${bytes(feed.bytes)} (${count(feed.bytes)} bytes), ${count(feed.items)} items, HTML ${count(feed.meanHtmlBytes)} bytes per item on average` +
        (format === 'atom' ? ' (escaped)' : ' (CDATA)'),
    );
  }
  console.log(
    [
      `  Generated in ${duration(performance.now() - started)} into ${tempDir}. Each item: title, link, guid/id, pubDate (Atom: published,`,
      `  updated), dc:creator (author), 1–3 categories and HTML of a few sentences to a few paragraphs (links, emphasis, code,`,
      `  lists, quotes, entities, non-ASCII text), its length log-normal around what the 5 MB leave after the markup.`,
    ].join('\n'),
  );

  const results: Comparison[] = [];
  for (const g of generated) {
    console.log(`\n  ${FORMAT_LABEL[g.format]}:`);
    const result = await measureBoth(`large-${g.format}`, [g.spec], [g.warmup], options.large, feedparser, tempDir);
    results.push({ workload: `${FORMAT_LABEL[g.format]}, ${bytes(g.feed.bytes)}`, ...result });
  }

  const rows: string[][] = [];
  for (const [i, r] of results.entries()) {
    if (i > 0) rows.push(['']);
    for (const [label, side] of sides(r)) {
      rows.push([
        label === 'ours' ? FORMAT_LABEL[generated[i]!.format] : '',
        label,
        count(side.rounds),
        milliseconds(side.medianMs),
        milliseconds(side.bestMs),
        rate(side.bytes / MB, side.medianMs),
        rate(side.items, side.medianMs, 0),
        count(side.items),
        bytes(side.maxRssBefore),
        bytes(side.maxRss),
        bytes(side.maxRss - side.maxRssBefore),
      ]);
    }
  }
  console.log(
    '\n' +
      table(['feed', 'parser', 'parses', 'ms/parse', 'best ms', 'MB/s', 'items/s', 'items', 'RSS before', 'peak RSS', 'growth'], rows, [
        'left',
        'left',
        ...Array<Align>(9).fill('right'),
      ]),
  );
  const lines = [
    `  ms/parse: median of the timed parses (best: the fastest); MB/s and items/s are from the median. items: items read`,
    `  from the document (all ${count(LARGE_ITEMS)} expected). RSS before: the process's maxRSS with the run-time loaded and the`,
    `  file read, before any parsing; peak RSS: maxRSS at the end (warm-up and timed parses included); growth: the`,
    `  difference, what parsing a 5 MB feed needs on top (for Node: its heap grows lazily, so garbage of earlier parses counts).`,
  ];
  for (const r of results) {
    for (const [label, side] of sides(r)) {
      if (side.items !== LARGE_ITEMS)
        lines.push(`  Note: ${label} read ${count(side.items)} items from the ${r.workload} feed, not ${count(LARGE_ITEMS)}.`);
    }
    lines.push(...notes(r));
  }
  console.log(lines.join('\n'));
  return results;
}

// ---- 4. comparison --------------------------------------------------------------------------

function comparison(results: Comparison[], feedparser: Feedparser | { skipped: string }): string {
  const title = `\n━━ 3. Ours vs feedparser — the issue's goal: at least ${GOAL_RATIO}× feedparser's throughput`;
  if ('skipped' in feedparser) return `${title}\n\n  skipped: ${feedparser.skipped}`;
  const rows = results.map((r) => {
    const fp = r.feedparser!;
    // Both sides did the same work per round, so the ratio of throughputs is the ratio of round times.
    const ratio = fp.medianMs / r.ours.medianMs;
    return [
      r.workload,
      `${rate(r.ours.bytes / MB, r.ours.medianMs)} MB/s`,
      `${rate(fp.bytes / MB, fp.medianMs)} MB/s`,
      `${milliseconds(r.ours.medianMs)} ms`,
      `${milliseconds(fp.medianMs)} ms`,
      times(ratio),
      ratio >= GOAL_RATIO ? 'met' : 'not met',
    ];
  });
  const met = results.filter((r) => r.feedparser!.medianMs / r.ours.medianMs >= GOAL_RATIO).length;
  return [
    title,
    '',
    table(['workload', 'ours', 'feedparser', 'ours/round', 'feedparser/round', 'ratio', `goal ≥ ${GOAL_RATIO}×`], rows, [
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'left',
    ]),
    `  ratio: feedparser's median round time over ours (how many times faster ours is; below 1× it is slower). A round is`,
    `  the whole corpus, or one parse of a large feed; both sides parse the same bytes with the same URL and Content-Type.`,
    '',
    met === results.length
      ? `  Goal met on every workload (≥ ${GOAL_RATIO}×).`
      : `  Goal not met: ${met} of ${results.length} workloads reach ${GOAL_RATIO}× (${results
          .filter((r) => r.feedparser!.medianMs / r.ours.medianMs < GOAL_RATIO)
          .map((r) => r.workload.replace(/,.*| \(.*/, ''))
          .join(', ')} fall short).`,
  ].join('\n');
}

// ---- helpers --------------------------------------------------------------------------------

function sides(result: { ours: SideResult; feedparser: SideResult | null }): Array<[string, SideResult]> {
  return result.feedparser
    ? [
        ['ours', result.ours],
        ['feedparser', result.feedparser],
      ]
    : [['ours', result.ours]];
}

/** `amount` per second, given the milliseconds it took. */
function rate(amount: number, milliseconds: number, digits?: number): string {
  const perSecond = amount / (milliseconds / 1000);
  if (!Number.isFinite(perSecond)) return '–';
  if (digits === 0 || perSecond >= 1000) return count(perSecond);
  return perSecond.toFixed(digits ?? (perSecond < 10 ? 2 : 1));
}

const milliseconds = (x: number): string => (x >= 1000 ? count(x) : ms(x));
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;
const times = (ratio: number): string => `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
