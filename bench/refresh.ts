/**
 * `npm run bench -- refresh [--feeds N] [--concurrency N] [--per-host N] [--sqlite-only] …`
 *
 * How long does one full refresh cycle of the feed reader take, and how much memory does the
 * refresher need? Serves 10,000 feeds from a loopback HTTP server in its own process (fresh,
 * unchanged/304, slow, failing and redirecting ones, generated from a seed), registers them as
 * sources followed by a member, and runs `RefreshService.refreshDue()` to completion twice: cold
 * (every item new) and again with every source due (304s, a few new items). Each cycle runs
 * in a fresh process holding only the refresher, so its peak RSS is the refresher's. On
 * SQLite, and on PostgreSQL when a server is reachable (as bench/timeline.ts finds it).
 *
 * The issue's goals: a cycle under 2 minutes, peak RSS under 300 MB.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.ts';
import { type BenchDatabase, onEachDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { wholeNumbers } from './lib/options.ts';
import type { Summary } from './lib/stats.ts';
import { type CycleOutput, runCycle } from './refresh/cycle.ts';
import { expectedNewItems, FAILURES, type Failure, type FeedKind, type FeedPlan, KINDS, planFeeds } from './refresh/feeds.ts';
import { WriteProbe } from './refresh/probe.ts';
import { newestProfile, summarizeProfile } from './refresh/profile.ts';
import { FeedServer, type ServerStats } from './refresh/server.ts';

/** The issue's goals. */
const CYCLE_GOAL_MS = 2 * 60_000;
const RSS_GOAL_BYTES = 300 * 1024 * 1024;
/** What the product uses when nothing is configured (src/platform/config.ts, src/feeds/fetch.ts). */
const PRODUCT_HOST_CONCURRENCY = 2;
const PRODUCT_TIMEOUT_MS = 30_000;
const PRODUCT_MAX_BYTES = 10 * 1024 * 1024;
const INTERVAL_MS = 3600_000;
const CYCLES = [
  { n: 1, label: '1 (cold)' },
  { n: 2, label: '2 (again)' },
] as const;

interface Options {
  feeds: number;
  hosts: number;
  concurrency: number;
  perHost: number;
  perHostGiven: boolean;
  timeoutMs: number | undefined;
  seed: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  cpuProf: boolean;
  nodeFlags: string[];
  keep: boolean;
  progress: number;
}

interface CycleResult {
  cycle: (typeof CYCLES)[number];
  output: CycleOutput;
  server: ServerStats;
  storedItems: number;
  expectedItems: number;
  statuses: Array<{ status: string; last_status: number | null; n: number }>;
  moved: number;
  profile: string | null;
  /** SQLite: how long a small write from another process waited during the cycle. */
  writeWait: Summary | null;
  /** PostgreSQL: pg_stat_user_tables for source_items after the cycle (cumulative). */
  itemWrites: ItemWrites | null;
}

interface ItemWrites {
  inserted: number;
  updated: number;
  hot: number;
  dead: number;
  bytes: number;
}

interface DatabaseResult {
  label: string;
  cycles: CycleResult[];
}

const USAGE = `npm run bench -- refresh [options]

  --feeds N          feeds served and sources registered (default 10000)
  --hosts N          sites the feeds are spread over (ports of the feed server; default 1); a few
                     hold most feeds (Zipf), as big blogging platforms do
  --concurrency N    fetches at once (default 32; the product's default is 16)
  --per-host N       fetches at once per host (default: the concurrency with one host, see below;
                     the product's default, 2, with several)
  --timeout-ms N     the refresher's time limit per fetch (default: the product's, 30000)
  --seed N           generator seed (default 1)
  --sqlite-only      skip PostgreSQL
  --postgres-only    skip SQLite
  --cpu-prof         profile each cycle's process (node --cpu-prof) and say where the time went
  --node-flags="…"  extra Node flags for the refresher's process (e.g. --node-flags=--max-old-space-size=128)
  --progress N       a progress line every N seconds during a cycle (default 15; 0: none)
  --keep             keep the databases afterwards (prints where they are)

With one host (the default) every feed comes from the same place, so the per-host limit (2 in
production) would allow only 2 fetches at once: by default it is raised to the concurrency.

Quick run: npm run bench -- refresh --feeds 1000 --sqlite-only`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  const anchorMs = Math.floor(Date.now() / 60_000) * 60_000;
  const plans = planFeeds(options.seed, options.feeds, options.hosts);
  console.log(header(options, plans));
  const results = await onEachDatabase(options, (database) => benchmark(database, options, plans, anchorMs));
  console.log(summary(results));
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      feeds: { type: 'string', default: '10000' },
      hosts: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '32' },
      'per-host': { type: 'string' },
      'timeout-ms': { type: 'string' },
      seed: { type: 'string', default: '1' },
      'sqlite-only': { type: 'boolean', default: false },
      'postgres-only': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: '' },
      progress: { type: 'string', default: '15' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = wholeNumbers(USAGE);
  const concurrency = number('concurrency', values.concurrency, 1);
  const hosts = number('hosts', values.hosts, 1);
  return {
    feeds: number('feeds', values.feeds, 10),
    hosts,
    concurrency,
    perHost:
      values['per-host'] !== undefined ? number('per-host', values['per-host'], 1) : hosts === 1 ? concurrency : PRODUCT_HOST_CONCURRENCY,
    perHostGiven: values['per-host'] !== undefined,
    timeoutMs: values['timeout-ms'] === undefined ? undefined : number('timeout-ms', values['timeout-ms'], 100),
    seed: number('seed', values.seed, 0),
    sqliteOnly: values['sqlite-only'],
    postgresOnly: values['postgres-only'],
    cpuProf: values['cpu-prof'],
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    progress: number('progress', values.progress, 0),
    keep: values.keep,
  };
}

const tally = <K extends string>(keys: readonly K[], values: Array<K | null>) => {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) if (v !== null) counts[v]++;
  return counts;
};

function header(options: Options, plans: FeedPlan[]): string {
  const cpu = cpus();
  const kinds = tally<FeedKind>(
    KINDS,
    plans.map((p) => p.kind),
  );
  const failures = tally<Failure>(
    FAILURES,
    plans.map((p) => p.failure),
  );
  const slow = plans.filter((p) => p.kind === 'slow');
  const slowMs = slow.reduce((sum, p) => sum + p.delayMs, 0);
  const timeoutMs = options.timeoutMs ?? PRODUCT_TIMEOUT_MS;
  const waitingMs = slowMs + failures.timeout * timeoutMs;
  const documents = plans.filter((p) => p.kind !== 'failing');
  const rss = documents.filter((p) => p.format === 'rss').length;
  const items = plans.reduce((sum, p) => sum + expectedNewItems(options.seed, p, 1), 0);
  const perHostLine =
    options.hosts > 1
      ? `Hosts:     ${options.hosts} (ports of the feed server), Zipf: the biggest serves ${count(hostShare(plans, 0))} feeds, the ${ordinal(Math.min(10, options.hosts))} ${count(hostShare(plans, Math.min(10, options.hosts) - 1))}, the last ${count(hostShare(plans, options.hosts - 1))}; at most ${options.perHost} fetches at once per host${options.perHostGiven ? '' : " (the product's default)"}.`
      : options.perHostGiven
        ? `Per host:  ${options.perHost} at once (given). Every feed is on one host (127.0.0.1); the product's default is ${PRODUCT_HOST_CONCURRENCY}.`
        : `Per host:  raised to ${options.perHost}, the concurrency: every feed here is on one host (127.0.0.1), and the product's default of ${PRODUCT_HOST_CONCURRENCY} per host would let only ${PRODUCT_HOST_CONCURRENCY} fetches run at once, timing politeness rather than the refresher.`;
  return [
    `Feed refresh benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Machine:   ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}`,
    `Feeds:     ${count(options.feeds)} on a loopback HTTP server in its own process, seed ${options.seed}:`,
    `           fresh ${count(kinds.fresh)} · unchanged ${count(kinds.unchanged)} · slow ${count(kinds.slow)} (1–3 s) · failing ${count(kinds.failing)} · redirecting ${count(kinds.redirecting)} (301)`,
    `           failing: HTTP 500 ${count(failures.server_error)}, 404 ${count(failures.not_found)}, an HTML page ${count(failures.html_page)}, binary garbage ${count(failures.garbage)}, never answers ${count(failures.timeout)}`,
    `           documents: RSS 2.0 ${count(rss)}, Atom 1.0 ${count(documents.length - rss)}; 10–30 items of HTML each (${count(items)} items in all), 70% gzipped`,
    `           cycle 2: fresh, slow and redirecting feeds have 1–3 new items; unchanged ones answer 304; failing ones fail again`,
    `Refresher: RefreshService.refreshDue() in its own process per cycle${options.nodeFlags.length ? ` (node ${options.nodeFlags.join(' ')})` : ''}; concurrency ${options.concurrency}, time limit ${timeoutMs / 1000} s per fetch${options.timeoutMs === undefined ? " (the product's default)" : ''}, at most ${bytes(PRODUCT_MAX_BYTES)} per feed`,
    perHostLine,
    `Waiting:   the server makes the refresher wait ${duration(waitingMs)} in all (slow feeds ${duration(slowMs)}, feeds that never answer ${count(failures.timeout)} × ${timeoutMs / 1000} s),`,
    `           so a cycle takes at least ${duration(Math.max(waitingMs / options.concurrency, failures.timeout ? timeoutMs : 0))} at concurrency ${options.concurrency} even if everything else were instant${failures.timeout ? ` (and never less than the ${timeoutMs / 1000} s time limit)` : ''}.`,
  ].join('\n');
}

const hostShare = (plans: FeedPlan[], host: number) => plans.filter((p) => p.host === host).length;
const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

// ---- one database ----------------------------------------------------------------------------

async function benchmark(database: BenchDatabase, options: Options, plans: FeedPlan[], anchorMs: number): Promise<DatabaseResult> {
  console.log(`\n━━ ${database.label}: ${database.version} — ${database.location}`);
  const server = await FeedServer.start({ seed: options.seed, feeds: options.feeds, hosts: options.hosts, anchorMs });
  const profileDir = options.cpuProf ? mkdtempSync(join(tmpdir(), 'cr-bench-refresh-prof-')) : null;
  try {
    let db = await database.open();
    const setupStarted = performance.now();
    try {
      await registerSources(db, server.ports, plans);
    } finally {
      await db.close();
    }
    const where =
      server.ports.length === 1 ? `http://127.0.0.1:${server.ports[0]}/feed/N` : `http://127.0.0.1:{${server.ports.length} ports}/feed/N`;
    console.log(
      `  Setup: ${count(options.feeds)} sources (${where}), one member following all of them, in ${duration(performance.now() - setupStarted)}`,
    );
    const cycles: CycleResult[] = [];
    for (const cycle of CYCLES) {
      if (cycle.n > 1) {
        // Every source due again, as if its interval had passed.
        db = await database.open();
        await db.db
          .updateTable('sources')
          .set({ next_fetch_at: Date.now() - 1000 })
          .execute();
        await db.close();
      }
      await server.setCycle(cycle.n);
      console.log(`  Cycle ${cycle.label}…`);
      const probe = database.dialect === 'sqlite' ? new WriteProbe(database.dataDir) : null;
      const output = await runCycle(
        {
          label: `cycle ${cycle.n}`,
          dataDir: database.dataDir,
          databaseUrl: database.databaseUrl,
          concurrency: options.concurrency,
          perHost: options.perHost,
          maxBytes: PRODUCT_MAX_BYTES,
          timeoutMs: options.timeoutMs,
          progressEverySeconds: options.progress,
        },
        [
          ...options.nodeFlags,
          ...(profileDir
            ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${database.dialect}-cycle${cycle.n}.cpuprofile`]
            : []),
        ],
      );
      const writeWait = probe?.stop() ?? null;
      const serverStats = await server.stats();
      db = await database.open();
      const state = await databaseState(db);
      await db.close();
      const expectedItems = plans.reduce((sum, p) => sum + expectedNewItems(options.seed, p, cycle.n), 0);
      const profile = profileDir ? newestProfile(profileDir) : null;
      cycles.push({
        cycle,
        output,
        server: serverStats,
        storedItems: state.items,
        expectedItems,
        statuses: state.statuses,
        moved: state.moved,
        profile,
        writeWait,
        itemWrites: state.itemWrites,
      });
    }
    console.log(report(database, cycles, options, plans));
    return { label: database.label, cycles };
  } finally {
    await server.stop();
    await database.dispose(options.keep);
  }
}

/** One member, following every source; each source due now. */
async function registerSources(database: Database, ports: number[], plans: FeedPlan[]): Promise<void> {
  const now = Date.now();
  await database.db.transaction().execute(async (tx) => {
    const actor = await tx
      .insertInto('actors')
      .values({
        acct: 'reader',
        handle: 'reader',
        domain: null,
        uri: null,
        url: null,
        inbox_url: null,
        shared_inbox_url: null,
        display_name: 'Reader',
        bio: '',
        avatar_url: null,
        role: null,
        role_other: null,
        organisation: null,
        location: null,
        links: '[]',
        location_key: null,
        search_text: 'reader',
        last_post_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const member = await tx
      .insertInto('members')
      .values({
        actor_id: actor.id,
        email: 'reader@bench.example',
        email_key: 'reader@bench.example',
        password_hash: 'not-for-signing-in',
        is_admin: 0,
        time_zone: 'UTC',
        profile_visibility: 'public',
        suspended_at: null,
        suspended_reason: null,
        created_at: now,
        last_login_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let start = 0; start < plans.length; start += 1000) {
      const rows = plans.slice(start, start + 1000).map((plan) => ({
        url: `http://127.0.0.1:${ports[plan.host]}/feed/${plan.n}`,
        interval_ms: INTERVAL_MS,
        next_fetch_at: now,
        subscriber_count: 1,
        created_at: now,
      }));
      const ids = await tx.insertInto('sources').values(rows).returning('id').execute();
      await tx
        .insertInto('subscriptions')
        .values(ids.map(({ id }) => ({ member_id: member.id, source_id: id, created_at: now })))
        .execute();
    }
  });
  if (database.dialect === 'postgres') await sql`analyze`.execute(database.db);
}

async function databaseState(database: Database) {
  const { db } = database;
  const items = await db
    .selectFrom('source_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const statuses = await db
    .selectFrom('sources')
    .select((eb) => ['status', 'last_status', eb.fn.countAll<number>().as('n')])
    .groupBy(['status', 'last_status'])
    .orderBy('status')
    .orderBy('last_status')
    .execute();
  const moved = await db
    .selectFrom('sources')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('url', 'like', '%/moved/%')
    .executeTakeFirstOrThrow();
  // PostgreSQL: row versions written to source_items (an update after an insert writes the row again).
  let itemWrites: ItemWrites | null = null;
  if (database.dialect === 'postgres') {
    const result = await sql<ItemWrites>`
      select n_tup_ins::int as inserted, n_tup_upd::int as updated, n_tup_hot_upd::int as hot, n_dead_tup::int as dead,
             pg_total_relation_size('source_items')::bigint as bytes
        from pg_stat_user_tables where relname = 'source_items'`.execute(db);
    itemWrites = result.rows[0] ?? null;
  }
  return {
    items: Number(items.n),
    statuses: statuses.map((s) => ({ status: s.status, last_status: s.last_status, n: Number(s.n) })),
    moved: Number(moved.n),
    itemWrites,
  };
}

// ---- report -------------------------------------------------------------------------------------

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const perSecond = (n: number, wallMs: number) => count(n / (wallMs / 1000));
const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;

function report(database: BenchDatabase, cycles: CycleResult[], options: Options, plans: FeedPlan[]): string {
  const column = (f: (c: CycleResult) => string) => cycles.map(f);
  const o = (c: CycleResult) => c.output;
  const newItems = (c: CycleResult) => {
    const stored = o(c).summary.newItems;
    return `${count(stored)}${stored === c.expectedItems ? ' ✓' : ` (expected ${count(c.expectedItems)})`}`;
  };
  const answers = (c: CycleResult) => {
    const a = c.server.answers;
    return `${count(a.feed + a.slow)} / ${count(a.not_modified)} / ${count(a.redirect)} / ${count(a.server_error + a.not_found + a.html_page + a.garbage + a.timeout)}`;
  };
  const rows: string[][] = [
    ['cycle time', ...column((c) => duration(o(c).wallMs))],
    ['sources fetched', ...column((c) => count(o(c).summary.fetched))],
    ['  new items stored', ...column(newItems)],
    ['  304 not modified', ...column((c) => count(o(c).summary.notModified))],
    ['  errors', ...column((c) => count(o(c).summary.errors))],
    ['items stored / s', ...column((c) => perSecond(o(c).summary.newItems, o(c).wallMs))],
    ['sources / s', ...column((c) => perSecond(o(c).summary.fetched, o(c).wallMs))],
    [''],
    ['peak RSS (maxRSS)', ...column((c) => mb(o(c).memory.maxRss))],
    ['peak RSS (polled 100 ms)', ...column((c) => mb(o(c).memory.rssPeakPolled))],
    ['RSS before the cycle', ...column((c) => mb(o(c).memory.rssBefore))],
    ['peak heap used', ...column((c) => mb(o(c).memory.heapUsedPeak))],
    [
      'at the peak: V8 heap',
      ...column(
        (c) =>
          `${mb(o(c).memory.atPeak.heapTotal)} (young ${mb(o(c).memory.spacesAtPeak.new!)}, old ${mb(o(c).memory.spacesAtPeak.old! + o(c).memory.spacesAtPeak.large!)})`,
      ),
    ],
    ['  outside the V8 heap', ...column((c) => mb(o(c).memory.atPeak.rss - o(c).memory.atPeak.heapTotal))],
    [''],
    ['refresher CPU', ...column((c) => `${duration(o(c).cpuMs)} (${pct(o(c).cpuMs / o(c).wallMs)} of a core)`)],
    ['event loop busy', ...column((c) => pct(o(c).eventLoopUtilization))],
    ['load average before / after', ...column((c) => `${o(c).load.before.toFixed(1)} / ${o(c).load.after.toFixed(1)}`)],
    ['event-loop delay p99 / max', ...column((c) => `${ms(o(c).loopDelay.p99)} / ${ms(o(c).loopDelay.max)} ms`)],
    ['fetches in flight, mean / max', ...column((c) => `${(o(c).http.fetchMs / o(c).wallMs).toFixed(1)} / ${o(c).http.maxInFlight}`)],
    ['mean fetch time', ...column((c) => `${ms(o(c).http.fetchMs / Math.max(1, o(c).http.fetches))} ms`)],
    ['feed bytes received', ...column((c) => bytes(o(c).http.bodyBytes))],
    ['fetch time-outs', ...column((c) => count(o(c).http.timeouts))],
    [''],
    ...(cycles.some((c) => c.writeWait)
      ? [
          [
            "other process's write: p50 / p99 / max",
            ...column((c) => (c.writeWait ? `${ms(c.writeWait.p50)} / ${ms(c.writeWait.p99)} / ${ms(c.writeWait.max)} ms` : '–')),
          ],
          [''],
        ]
      : []),
    ['server: 200 / 304 / 301 / failed', ...column(answers)],
    ['server CPU', ...column((c) => duration(c.server.cpuMs))],
  ];
  const lines = [
    '',
    table(['', ...cycles.map((c) => `cycle ${c.cycle.label}`)], rows, ['left', ...cycles.map(() => 'right' as const)]),
    '',
    `  cycle time: RefreshService.refreshDue() from the call to the promise settling (claiming, fetching, parsing, storing).`,
    `  new items stored: what refreshDue() reported; ✓ when it equals what the generated feeds hold (all items on the`,
    `  first cycle, the 1–3 added per growing feed on the second). items stored / s: new items over the cycle time.`,
    `  peak RSS: the refresher's process only (it runs nothing else; the feed server and the database server are other`,
    `  processes). maxRSS is the kernel's high-water mark, including start-up; polled is memoryUsage().rss every 100 ms.`,
    `  at the peak: the V8 heap when the polled RSS peaked, its young generation (new objects; V8 sizes it from the`,
    `  machine's memory, up to 128 MB) and old generation; outside the V8 heap: Node itself, tsx, native code, buffers${database.dialect === 'sqlite' ? ', SQLite' : ''}.`,
    `  refresher CPU: user + system time of that process; on ${cpus().length} cores it shares the machine with the feed server${database.dialect === 'postgres' ? ', PostgreSQL' : ''}`,
    `  and whatever else runs (see the load average: above ${cpus().length}, processes wait for a core and every time here grows).`,
    `  event loop busy: share of the cycle the refresher's one thread was not waiting for I/O (running JavaScript${database.dialect === 'sqlite' ? ' or SQLite' : ''},`,
    `  or ready to but descheduled). event-loop delay: how late timers fired, i.e. the longest stretches of synchronous work.`,
    `  fetches in flight: the sum of fetch durations over the cycle time (the concurrency limit is ${options.concurrency}); a fetch runs`,
    `  from the request to the last body byte, redirects included, so a busy event loop lengthens it.`,
    ...(cycles.some((c) => c.writeWait)
      ? [
          `  other process's write: a one-row update in its own transaction from another process every 250 ms during the cycle,`,
          `  as the web server's writes would be; it waits while the refresher holds SQLite's write lock (one source's transaction).`,
        ]
      : []),
    `  server: what the feed server answered (200 includes slow feeds; failed: 500, 404, HTML page, garbage, no answer).`,
    '',
    ...cycles.map(
      (c) =>
        `  After cycle ${c.cycle.n}: ${statusLine(c)}; ${count(c.storedItems)} items in source_items${c.moved ? `; ${count(c.moved)} sources moved to their 301 target` : ''}.`,
    ),
  ];
  for (const c of cycles) {
    const w = c.itemWrites;
    if (w)
      lines.push(
        `  source_items after cycle ${c.cycle.n} (pg_stat_user_tables, cumulative): ${count(w.inserted)} rows inserted, ${count(w.updated)} updated (${count(w.hot)} in place, HOT), ${count(w.dead)} dead row versions; ${bytes(Number(w.bytes))} with indexes and TOAST.`,
      );
  }
  for (const c of cycles) {
    const errors = o(c).loggedErrors;
    if (errors.count)
      lines.push(`  Cycle ${c.cycle.n}: the refresher logged ${count(errors.count)} unexpected errors, e.g. ${errors.first.join(' | ')}`);
  }
  const unexpected = cycles.filter((c) => o(c).summary.fetched !== plans.length);
  for (const c of unexpected) lines.push(`  Cycle ${c.cycle.n}: fetched ${count(o(c).summary.fetched)} sources of ${count(plans.length)}.`);
  for (const c of cycles) if (c.profile) lines.push('', `  Cycle ${c.cycle.label}`, summarizeProfile(c.profile));
  return lines.join('\n');
}

function statusLine(c: CycleResult): string {
  const words = (status: string, last: number | null) => {
    if (status === 'active') return last === 304 ? '304 not modified' : `${last} with a feed`;
    if (last === null) return 'error, no answer';
    return last === 200 ? 'error, 200 but not a feed' : `error ${last}`;
  };
  const byStatus = new Map<string, number>();
  for (const s of c.statuses) {
    const key = words(s.status, s.last_status);
    byStatus.set(key, (byStatus.get(key) ?? 0) + s.n);
  }
  return [...byStatus.entries()].map(([k, n]) => `${k} ${count(n)}`).join(', ');
}

/** Side by side, and the issue's goals. */
function summary(results: DatabaseResult[]): string {
  if (results.length === 0) return '';
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const rows = results.flatMap((r) =>
    r.cycles.map((c) => [
      r.label,
      c.cycle.label,
      duration(c.output.wallMs),
      met(c.output.wallMs < CYCLE_GOAL_MS),
      mb(c.output.memory.maxRss),
      met(c.output.memory.maxRss < RSS_GOAL_BYTES),
      count(c.output.summary.newItems),
      perSecond(c.output.summary.newItems, c.output.wallMs),
      duration(c.output.cpuMs),
      `${c.output.load.before.toFixed(1)}–${c.output.load.after.toFixed(1)}`,
    ]),
  );
  return [
    `\n━━ Summary (goals from the issue: a full cycle under ${duration(CYCLE_GOAL_MS)}, peak RSS under ${mb(RSS_GOAL_BYTES)})`,
    '',
    table(['database', 'cycle', 'time', 'goal < 2 min', 'peak RSS', 'goal < 300 MB', 'new items', 'items / s', 'CPU', 'load'], rows, [
      'left',
      'left',
      'right',
      'left',
      'right',
      'left',
      'right',
      'right',
      'right',
      'right',
    ]),
    `  peak RSS: maxRSS of the process that ran the cycle (the refresher alone). CPU: that process's CPU time; unlike the`,
    `  cycle time it hardly depends on what else the machine runs. load: the machine's 1-minute load average as the cycle`,
    `  started and ended (more than the ${cpus().length} cores means the refresher waited for a core, and its times are inflated).`,
  ].join('\n');
}
