import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { getHeapSpaceStatistics } from 'node:v8';
import { openDatabase } from '../../src/db/database.ts';
import { RefreshService, type RefreshSummary } from '../../src/feeds/refresh.ts';
import { FetchError, type FetchOptions, type FetchResult, HttpClient } from '../../src/platform/http.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { serveChild } from '../lib/child.ts';
import { count, duration } from '../lib/format.ts';

/**
 * One refresh cycle, in a process of its own: this process holds the refresher and nothing
 * else (the feed server and the database server are other processes; the data was written by
 * the parent), so its peak RSS is the refresher's. It opens the database as the product does,
 * runs `RefreshService.refreshDue()` to completion and reports time, counts, memory and CPU.
 */

export interface CycleInput {
  label: string;
  dataDir: string;
  databaseUrl: string | undefined;
  concurrency: number;
  perHost: number;
  maxBytes: number;
  timeoutMs: number | undefined;
  /** Seconds between progress lines (0: none). */
  progressEverySeconds: number;
}

export interface CycleOutput {
  wallMs: number;
  summary: RefreshSummary;
  memory: {
    /** RSS just before refreshDue() started (Node, tsx, the product's modules, an open database). */
    rssBefore: number;
    /** Highest process.memoryUsage().rss seen, polled every 100 ms. */
    rssPeakPolled: number;
    /** process.resourceUsage().maxRSS: the kernel's high-water mark for this process. */
    maxRss: number;
    heapUsedPeak: number;
    /** memoryUsage() when the polled RSS peaked. */
    atPeak: NodeJS.MemoryUsage;
    /** V8 heap spaces (allocated size) when the polled RSS peaked: new (young generation), old, code, large objects, other. */
    spacesAtPeak: Record<string, number>;
    rssAfter: number;
  };
  /** CPU time of this process during the cycle (user + system). */
  cpuMs: number;
  /** One-minute load average of the machine when the cycle started and ended. */
  load: { before: number; after: number };
  /** Share of the cycle the event loop was busy. */
  eventLoopUtilization: number;
  loopDelay: { p50: number; p99: number; max: number };
  http: {
    fetches: number;
    /** Sum of fetch durations (request to last byte, redirects included). */
    fetchMs: number;
    /** Decompressed body bytes. */
    bodyBytes: number;
    timeouts: number;
    redirectsFollowed: number;
    /** Highest number of fetches in flight at once. */
    maxInFlight: number;
  };
  /** Errors the refresher logged (exceptions it did not expect, e.g. from the database). */
  loggedErrors: { count: number; first: string[] };
}

/** Counts HTTP work without changing it. */
class MeasuredHttpClient extends HttpClient {
  fetches = 0;
  fetchMs = 0;
  bodyBytes = 0;
  timeouts = 0;
  redirects = 0;
  inFlight = 0;
  maxInFlight = 0;

  override async fetch(url: string, options?: FetchOptions): Promise<FetchResult> {
    const started = performance.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const result = await super.fetch(url, options);
      this.bodyBytes += result.body.length;
      this.redirects += result.redirects.length;
      return result;
    } catch (error) {
      if (error instanceof FetchError && error.code === 'timeout') this.timeouts++;
      throw error;
    } finally {
      this.inFlight--;
      this.fetches++;
      this.fetchMs += performance.now() - started;
    }
  }
}

/** Allocated bytes per V8 heap space, grouped: new (young generation), old, code, large objects, other. */
function heapSpaces(): Record<string, number> {
  const groups: Record<string, number> = { new: 0, old: 0, code: 0, large: 0, other: 0 };
  for (const space of getHeapSpaceStatistics()) {
    const name = space.space_name;
    const group =
      name === 'new_space' || name === 'new_large_object_space'
        ? 'new'
        : name === 'old_space' || name === 'trusted_space'
          ? 'old'
          : name.startsWith('code')
            ? 'code'
            : name === 'large_object_space' || name === 'trusted_large_object_space'
              ? 'large'
              : 'other';
    groups[group]! += space.space_size;
  }
  return groups;
}

/** A pino destination that counts error lines and keeps the first few. */
function errorCounter() {
  const state = { count: 0, first: [] as string[] };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        state.count++;
        if (state.first.length < 3) {
          try {
            const entry = JSON.parse(line) as { msg?: string; err?: { message?: string }; source?: number };
            state.first.push(`${entry.msg ?? ''}${entry.source ? ` (source ${entry.source})` : ''}: ${entry.err?.message ?? ''}`);
          } catch {
            state.first.push(line.slice(0, 200));
          }
        }
      }
      done();
    },
  });
  return { state, stream };
}

async function refreshCycle(input: CycleInput): Promise<CycleOutput> {
  const database = openDatabase({ databaseUrl: input.databaseUrl, dataDir: input.dataDir });
  const errors = errorCounter();
  const logger = createLogger('error', errors.stream);
  const http = new MeasuredHttpClient({ userAgent: 'Commonroom-bench/1 (+http://127.0.0.1/)', allowPrivate: '127.0.0.1' });
  const refresher = new RefreshService({
    database,
    http,
    logger,
    options: {
      concurrency: input.concurrency,
      perHost: input.perHost,
      maxBytes: input.maxBytes,
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
    },
  });
  // Warm the connection (and, on PostgreSQL, the pool) so the cycle does not pay for it.
  await database.db.selectFrom('sources').select('id').limit(1).execute();

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let heapPeak = process.memoryUsage().heapUsed;
  let atPeak = process.memoryUsage();
  let spacesAtPeak = heapSpaces();
  const poll = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > rssPeak) {
      atPeak = m;
      spacesAtPeak = heapSpaces();
    }
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 100);
  const started = performance.now();
  const progress =
    input.progressEverySeconds > 0
      ? setInterval(
          () =>
            console.log(
              `    ${input.label}: ${count(http.fetches)} fetched after ${duration(performance.now() - started)}, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB`,
            ),
          input.progressEverySeconds * 1000,
        )
      : null;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const eluBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const loadBefore = loadavg()[0]!;

  const summary = await refresher.refreshDue();

  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const elu = performance.eventLoopUtilization(eluBefore);
  loop.disable();
  clearInterval(poll);
  if (progress) clearInterval(progress);
  const after = process.memoryUsage();
  rssPeak = Math.max(rssPeak, after.rss);
  await database.close();
  return {
    wallMs,
    summary,
    memory: {
      rssBefore,
      rssPeakPolled: rssPeak,
      maxRss: process.resourceUsage().maxRSS * 1024,
      heapUsedPeak: Math.max(heapPeak, after.heapUsed),
      atPeak,
      spacesAtPeak,
      rssAfter: after.rss,
    },
    load: { before: loadBefore, after: loadavg()[0]! },
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopUtilization: elu.utilization,
    loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    http: {
      fetches: http.fetches,
      fetchMs: http.fetchMs,
      bodyBytes: http.bodyBytes,
      timeouts: http.timeouts,
      redirectsFollowed: http.redirects,
      maxInFlight: http.maxInFlight,
    },
    loggedErrors: errors.state,
  };
}

/**
 * Runs one cycle in a fresh process (as lib/child.ts's runChild does, plus Node flags such as
 * --cpu-prof for this child only).
 */
export function runCycle(input: CycleInput, extraNodeFlags: string[] = []): Promise<CycleOutput> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url), ['cycle'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      execArgv: [...process.execArgv, ...extraNodeFlags],
    });
    let answer: { ok: true; output: CycleOutput } | { ok: false; error: string } | null = null;
    child.once('message', (message: typeof answer) => (answer = message));
    child.once('error', reject);
    // Settle on exit, not on the answer: a CPU profile is written as the process exits.
    child.once('exit', (code, signal) => {
      if (!answer) reject(new Error(`the refresh cycle's process exited (${signal ?? code}) before answering`));
      else if (answer.ok) resolve(answer.output);
      else reject(new Error(`refresh cycle: ${answer.error}`));
    });
    child.send(input as Parameters<typeof child.send>[0]);
  });
}

if (process.argv[1] === import.meta.filename && process.argv[2] === 'cycle') serveChild(refreshCycle);
