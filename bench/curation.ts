/**
 * `npm run bench -- curation [--bookmarks N] [--searches N] [--duplicates P] [--seed N] …`
 *
 * How fast is a bookmark import, and searching what it brought? Generates a Netscape bookmark
 * export of 20,000 bookmarks (bench/curation/export.ts: topic folders, 1–5 tags each, notes
 * on a third, ~5% duplicates of pages saved before), imports it for one member through
 * BookmarkTransfer.importNetscape — the code the import API and page run, fed the file as a
 * stream of 64 KB chunks as a request body arrives — then runs 200 searches of that member's
 * bookmarks through BookmarksService.list (words, two words, a word and a tag, a tag alone,
 * a word that matches nothing), the code behind GET /api/v1/curation/bookmarks?q=. On SQLite,
 * and on PostgreSQL when a server is reachable (found as the other benchmarks find it).
 *
 * The issue asks for import time, items/s and p99 search time on both databases.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createServices, type Services } from '../src/app/services.ts';
import { BookmarkTransfer, type ImportSummary } from '../src/curation/bookmark-transfer.ts';
import { loadConfig } from '../src/platform/config.ts';
import { hashPassword } from '../src/platform/crypto.ts';
import type { Viewer } from '../src/platform/viewer.ts';
import { type GeneratedExport, generateExport } from './curation/export.ts';
import { type BenchDatabase, onEachDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { DATABASE_OPTIONS, wholeNumbers } from './lib/options.ts';
import { Random } from './lib/random.ts';
import { type Summary, summarize } from './lib/stats.ts';

interface Options {
  bookmarks: number;
  searches: number;
  duplicates: number;
  seed: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  keep: boolean;
}

interface SearchKind {
  label: string;
  samples: number[];
  /** Bookmarks found on the first page, summed (a search that finds nothing is no test). */
  found: number;
}

interface Result {
  label: string;
  version: string;
  importMs: number;
  summary: ImportSummary;
  sizeBytes: number;
  search: Summary;
  kinds: SearchKind[];
  exportMs: number;
}

const USAGE = `npm run bench -- curation [options]

  --bookmarks N     bookmarks in the generated export (default 20000)
  --searches N      searches after the import (default 200)
  --duplicates P    percent of entries that repeat a page saved before (default 5)
  --seed N          seed of the generated export and the searches (default 1)
  --sqlite-only     skip PostgreSQL
  --postgres-only   skip SQLite
  --keep            keep the scratch databases (prints where they are)
  -h, --help        this text

PostgreSQL: BENCH_POSTGRES_URL, else DATABASE_URL, else the local development server
(postgres://commonroom:commonroom@127.0.0.1:5432/postgres); the role must be allowed to create
databases. A scratch database is made and dropped.`;

const CHUNK = 64 * 1024;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  const started = performance.now();
  const generated = generateExport(options.bookmarks, options.duplicates / 100, options.seed);
  console.log(header(options, generated, performance.now() - started));
  const results = await onEachDatabase(options, (database) => benchmark(database, generated, options));
  console.log(report(results, generated));
  console.log(`\n${JSON.stringify(figures(results, generated, options))}`);
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      bookmarks: { type: 'string' },
      searches: { type: 'string' },
      duplicates: { type: 'string' },
      seed: { type: 'string' },
      ...DATABASE_OPTIONS,
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = wholeNumbers(USAGE);
  const option = (name: 'bookmarks' | 'searches' | 'duplicates' | 'seed', normal: number, min: number) =>
    typeof values[name] === 'string' ? number(name, values[name], min) : normal;
  const options: Options = {
    bookmarks: option('bookmarks', 20_000, 1),
    searches: option('searches', 200, 1),
    duplicates: option('duplicates', 5, 0),
    seed: option('seed', 1, 0),
    sqliteOnly: values['sqlite-only'],
    postgresOnly: values['postgres-only'],
    keep: values.keep,
  };
  if (options.duplicates > 90) throw new Error(`--duplicates is a percentage, at most 90\n\n${USAGE}`);
  if (options.sqliteOnly && options.postgresOnly) throw new Error(`--sqlite-only and --postgres-only exclude each other\n\n${USAGE}`);
  return options;
}

function header(options: Options, generated: GeneratedExport, generateMs: number): string {
  const cpu = cpus();
  return [
    `Curation benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Machine:   ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `Export:    ${count(generated.entries)} bookmarks in Netscape HTML, ${bytes(Buffer.byteLength(generated.html))} (generated in ${ms(generateMs)} ms, seed ${options.seed}): 10 topic folders, 1–5 tags each, notes on ~30%, ${count(generated.duplicates)} duplicates (${options.duplicates}%) → ${count(generated.distinct)} distinct pages`,
    `Import:    BookmarkTransfer.importNetscape (what POST /api/v1/curation/bookmarks/import and /bookmarks/import run), fed ${CHUNK / 1024} KB chunks; batches of 500 in one transaction each`,
    `Searches:  ${options.searches} × BookmarksService.list (GET /api/v1/curation/bookmarks?q=…): a first page of 20, newest first, after 20 warm-up searches`,
  ].join('\n');
}

async function* chunks(text: string): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
}

async function benchmark(database: BenchDatabase, generated: GeneratedExport, options: Options): Promise<Result> {
  console.log(`\n━━ ${database.label}: ${database.version} — ${database.location}`);
  let services: Services | null = null;
  try {
    const config = loadConfig({
      file: null,
      env: { DATA_DIR: database.dataDir, LOG_LEVEL: 'silent', ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) },
    });
    services = await createServices(config);
    const member = await services.accounts.createMember({
      handle: 'curator',
      displayName: 'Bench Curator',
      email: 'curator@bench.example',
      password: 'bench password',
      passwordHash: await hashPassword('bench password'),
    });
    const viewer: Viewer = {
      memberId: member.id,
      actorId: member.actor.id,
      handle: 'curator',
      displayName: 'Bench Curator',
      avatarUrl: null,
      isAdmin: false,
      timeZone: 'UTC',
    };
    const transfer = new BookmarkTransfer(services.curation.bookmarks);

    console.log(`  Importing ${count(generated.entries)} bookmarks…`);
    const started = performance.now();
    const summary = await transfer.importNetscape(viewer, chunks(generated.html));
    const importMs = performance.now() - started;
    if (summary.imported !== generated.distinct)
      throw new Error(`imported ${summary.imported} bookmarks, expected ${generated.distinct} distinct pages`);
    console.log(
      `  … ${duration(importMs)}: ${count(summary.imported)} imported, ${count(summary.merged)} merged, ${count(summary.skipped)} skipped`,
    );

    const kinds = await searches(services, viewer, generated, options);
    const all = summarize(kinds.flatMap((k) => k.samples));

    const exportStarted = performance.now();
    let exported = 0;
    for await (const part of transfer.netscape(viewer)) exported += part.length;
    const exportMs = performance.now() - exportStarted;
    if (exported === 0) throw new Error('the export is empty');
    return {
      label: database.label,
      version: database.version,
      importMs,
      summary,
      sizeBytes: await database.sizeBytes(),
      search: all,
      kinds,
      exportMs,
    };
  } finally {
    await services?.close();
    await database.dispose(options.keep);
  }
}

/** The searches, in a fixed order drawn from the seed: the same on both databases. */
async function searches(services: Services, viewer: Viewer, generated: GeneratedExport, options: Options): Promise<SearchKind[]> {
  const random = new Random(options.seed * 7919 + 1);
  const common = generated.words.slice(0, 40);
  const rare = generated.words.slice(-60);
  const kinds: Array<SearchKind & { query(): { q?: string; tag?: string } }> = [
    { label: 'one common word', samples: [], found: 0, query: () => ({ q: random.pick(common) }) },
    { label: 'one rarer word', samples: [], found: 0, query: () => ({ q: random.pick(rare) }) },
    { label: 'two words', samples: [], found: 0, query: () => ({ q: `${random.pick(common)} ${random.pick(generated.words)}` }) },
    {
      label: 'a word and a tag',
      samples: [],
      found: 0,
      query: () => ({ q: random.pick(common), tag: random.pick(generated.tags.slice(0, 20)) }),
    },
    { label: '#tag in the search', samples: [], found: 0, query: () => ({ q: `#${random.pick(generated.tags)}` }) },
    { label: 'no match', samples: [], found: 0, query: () => ({ q: `zz${random.int(1_000_000)}qq` }) },
  ];
  for (let i = 0; i < 20; i++) await services.curation.bookmarks.list(viewer, kinds[i % kinds.length]!.query());
  for (let i = 0; i < options.searches; i++) {
    const kind = kinds[i % kinds.length]!;
    const query = kind.query();
    const started = performance.now();
    const page = await services.curation.bookmarks.list(viewer, query);
    kind.samples.push(performance.now() - started);
    kind.found += page.bookmarks.length;
  }
  return kinds;
}

function report(results: Result[], generated: GeneratedExport): string {
  if (results.length === 0) return '\nNo database was measured.';
  const lines = ['', `Import of ${count(generated.entries)} bookmarks and ${results[0]!.search.n} searches`, ''];
  lines.push(
    table(
      [
        'database',
        'import',
        'bookmarks/s',
        'imported',
        'merged',
        'skipped',
        'database size',
        'search p50',
        'search p99',
        'search max',
        'export (HTML)',
      ],
      results.map((r) => [
        r.label,
        duration(r.importMs),
        count((generated.entries * 1000) / r.importMs),
        count(r.summary.imported),
        count(r.summary.merged),
        count(r.summary.skipped),
        bytes(r.sizeBytes),
        `${ms(r.search.p50)} ms`,
        `${ms(r.search.p99)} ms`,
        `${ms(r.search.max)} ms`,
        duration(r.exportMs),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  lines.push('', 'Searches by kind (ms; first page of 20)', '');
  lines.push(
    table(
      ['kind', ...results.flatMap((r) => [`${r.label} p50`, `${r.label} p99`, `${r.label} found/page`])],
      results[0]!.kinds.map((kind, k) => [
        kind.label,
        ...results.flatMap((r) => {
          const s = summarize(r.kinds[k]!.samples);
          return [ms(s.p50), ms(s.p99), (r.kinds[k]!.found / Math.max(1, s.n)).toFixed(1)];
        }),
      ]),
      ['left', ...results.flatMap(() => ['right', 'right', 'right'] as const)],
    ),
  );
  lines.push(
    '',
    'bookmarks/s counts every entry of the file (imported and merged); "found/page" is the average number of results on the first page.',
  );
  return lines.join('\n');
}

function figures(results: Result[], generated: GeneratedExport, options: Options) {
  const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;
  return {
    bench: 'curation',
    bookmarks: generated.entries,
    duplicates: generated.duplicates,
    searches: options.searches,
    seed: options.seed,
    results: results.map((r) => ({
      database: r.label,
      importS: round(r.importMs / 1000, 3),
      bookmarksPerS: Math.round((generated.entries * 1000) / r.importMs),
      imported: r.summary.imported,
      merged: r.summary.merged,
      skipped: r.summary.skipped,
      databaseBytes: r.sizeBytes,
      searchP50Ms: round(r.search.p50),
      searchP99Ms: round(r.search.p99),
      searchMaxMs: round(r.search.max),
      exportS: round(r.exportMs / 1000, 3),
    })),
  };
}
