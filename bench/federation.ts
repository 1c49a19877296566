/**
 * `npm run bench -- federation [--followers N] [--servers N] [--slow N] [--failing N] …`
 *
 * Can the server federate at the scale of a popular member? Two measurements against a real
 * server in this process (its HTTP server and job worker, on SQLite, or on a scratch database
 * on the PostgreSQL server at DATABASE_URL when that is set) and 500 simulated servers on
 * loopback, each a node:http listener on a port of its own (so a domain of its own):
 *
 *  1. Delivery: one post by a member with 10,000 remote followers, 20 on each server; most
 *     servers answer 202 at once, some slowly, some with 500. Total time, requests sent (shared
 *     inboxes should make that one per server), what is left waiting for retry, peak memory.
 *  2. Inbox: 2,000 signed Create(Note) activities from 50 followed remote actors, POSTed to the
 *     shared inbox; how many per second are accepted at the door, and verified and stored.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DeliveryResult, measureDelivery } from './federation/delivery.ts';
import { type InboxResult, measureInbox } from './federation/inbox.ts';
import { NO_WINDOW, Remotes, type Window } from './federation/remotes.ts';
import { BenchServer } from './federation/server.ts';
import { type BenchDatabase, scratchPostgres, scratchSqlite } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { wholeNumbers } from './lib/options.ts';
import { summarizeProfile } from './refresh/profile.ts';

interface Options {
  followers: number;
  servers: number;
  slow: number;
  failing: number;
  slowMs: number;
  sharedInbox: boolean;
  activities: number;
  actors: number;
  concurrency: number;
  federationConcurrency: number;
  timeoutS: number;
  only: 'delivery' | 'inbox' | null;
  cpuProf: boolean;
}

const USAGE = `npm run bench -- federation [options]

  --followers N        remote followers of the posting member (default 10000)
  --servers N          simulated servers they are spread over, round-robin (default 500)
  --slow N             of the servers, how many answer deliveries only after --slow-ms (default 10)
  --slow-ms N          … that delay in milliseconds (default 5000)
  --failing N          of the servers, how many answer deliveries with 500 (default 10)
  --no-shared-inbox    give the followers no shared inbox: one delivery per follower
  --activities N       signed activities POSTed to the inbox (default 2000)
  --actors N           remote actors (followed by the member) sending them (default 50)
  --concurrency N      inbox requests in flight at once (default 32)
  --federation-concurrency N  the server's FEDERATION_CONCURRENCY: federation jobs it runs at
                       once (default 16, as the product's)
  --timeout N          seconds to wait for the deliveries or stalled inbox processing (default 300)
  --only PART          run only "delivery" or only "inbox"
  --cpu-prof           profile each measured stretch and say where the CPU time went (the
                       profile is of this whole process: server, simulated servers and client)

SQLite by default; with DATABASE_URL set, a scratch database on that PostgreSQL server (the
role must be allowed to create databases; it is dropped afterwards). The server, the simulated
servers and the inbox client all run in this process: the peak RSS is theirs together.`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  const database = process.env.DATABASE_URL ? await scratchPostgres(process.env.DATABASE_URL) : scratchSqlite();
  console.log(header(options, database));
  let remotes: Remotes | null = null;
  let server: BenchServer | null = null;
  try {
    remotes = await Remotes.start(
      { healthy: options.servers - options.slow - options.failing, slow: options.slow, failing: options.failing },
      options.slowMs,
    );
    server = await BenchServer.start({
      dataDir: database.dataDir,
      databaseUrl: database.databaseUrl,
      federationConcurrency: options.federationConcurrency,
    });
    const progress = (line: string) => console.log(`    … ${line}`);
    let delivery: DeliveryResult | null = null;
    let inbox: InboxResult | null = null;
    if (options.only !== 'inbox') {
      console.log(`\n  Delivery: adding ${count(options.followers)} followers, then one post…`);
      const window = options.cpuProf ? profiler('delivery') : NO_WINDOW;
      delivery = await measureDelivery(
        server,
        remotes,
        { followers: options.followers, sharedInbox: options.sharedInbox, timeoutMs: options.timeoutS * 1000, progress },
        window,
      );
      console.log(deliveryReport(delivery, options));
      if (options.cpuProf) console.log((window as Profiler).summary());
    }
    if (options.only !== 'delivery') {
      console.log(
        `\n  Inbox: ${count(options.activities)} signed activities from ${options.actors} actors, ${options.concurrency} in flight…`,
      );
      const window = options.cpuProf ? profiler('inbox') : NO_WINDOW;
      inbox = await measureInbox(
        server,
        remotes.of('healthy')[0]!,
        {
          actors: options.actors,
          activities: options.activities,
          concurrency: options.concurrency,
          stallMs: options.timeoutS * 1000,
          progress,
        },
        window,
      );
      console.log(inboxReport(inbox));
      if (options.cpuProf) console.log((window as Profiler).summary());
    }
    console.log(logReport(server));
    console.log(`\n${JSON.stringify(figures(database, options, delivery, inbox))}`);
  } finally {
    await server?.close();
    await remotes?.close();
    await database.dispose();
  }
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      followers: { type: 'string' },
      servers: { type: 'string' },
      slow: { type: 'string' },
      'slow-ms': { type: 'string' },
      failing: { type: 'string' },
      'no-shared-inbox': { type: 'boolean', default: false },
      activities: { type: 'string' },
      actors: { type: 'string' },
      concurrency: { type: 'string' },
      'federation-concurrency': { type: 'string' },
      timeout: { type: 'string' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const number = wholeNumbers(USAGE);
  const option = (name: keyof typeof values, normal: number, min: number) =>
    typeof values[name] === 'string' ? number(name, values[name], min) : normal;
  const options: Options = {
    followers: option('followers', 10_000, 1),
    servers: option('servers', 500, 1),
    slow: option('slow', 10, 0),
    slowMs: option('slow-ms', 5000, 0),
    failing: option('failing', 10, 0),
    sharedInbox: !values['no-shared-inbox'],
    activities: option('activities', 2000, 1),
    actors: option('actors', 50, 1),
    concurrency: option('concurrency', 32, 1),
    federationConcurrency: option('federation-concurrency', 16, 1),
    timeoutS: option('timeout', 300, 1),
    only: values.only === 'delivery' || values.only === 'inbox' ? values.only : null,
    cpuProf: values['cpu-prof'],
  };
  const problem =
    values.only !== undefined && options.only === null
      ? '--only is "delivery" or "inbox"'
      : options.slow + options.failing >= options.servers
        ? '--slow plus --failing must leave at least one healthy server (it also serves the inbox benchmark’s actors)'
        : options.federationConcurrency > 256
          ? '--federation-concurrency can be at most 256 (the configuration allows no more)'
          : null;
  if (problem) throw new Error(`${problem}\n\n${USAGE}`);
  return options;
}

function header(options: Options, database: BenchDatabase): string {
  const cpu = cpus();
  const healthy = options.servers - options.slow - options.failing;
  return [
    `Federation benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Machine:   ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `Database:  ${database.label}: ${database.version} — ${database.location}`,
    `Servers:   ${count(options.servers)} simulated on 127.0.0.1: ${count(healthy)} healthy (202 at once), ${options.slow} slow (202 after ${duration(options.slowMs)}), ${options.failing} failing (500)`,
    `Delivery:  one post to ${count(options.followers)} followers (${(options.followers / options.servers).toFixed(1)} per server), ${options.sharedInbox ? 'with shared inboxes' : 'WITHOUT shared inboxes (--no-shared-inbox)'}; FEDERATION_CONCURRENCY ${options.federationConcurrency}`,
    `Inbox:     ${count(options.activities)} signed Create(Note) from ${options.actors} followed actors to /inbox, ${options.concurrency} in flight`,
  ].join('\n');
}

type Profiler = Window & { summary(): string };

/** A CPU profile of one measured stretch, kept in a temporary directory. */
function profiler(label: string): Profiler {
  const session = new Session();
  let file = '';
  return {
    async start() {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      file = join(mkdtempSync(join(tmpdir(), 'cr-bench-federation-prof-')), `${label}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
    summary: () => `\n  CPU profile of the ${label} stretch (${file})\n${summarizeProfile(file, 15)}`,
  };
}

/** Every healthy server has had its deliveries and every slow one has answered its own. */
const total = (d: DeliveryResult) =>
  d.healthyDoneMs === null || d.slowAnsweredMs === null ? null : Math.max(d.healthyDoneMs, d.slowAnsweredMs);

const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
const seconds = (x: number | null) => (x === null ? 'not reached' : `${(x / 1000).toFixed(2)} s`);

function deliveryReport(d: DeliveryResult, options: Options): string {
  const healthy = options.servers - options.slow - options.failing;
  const r = d.requests;
  const attempts =
    Object.entries(d.waiting.attempts)
      .map(([a, n]) => `${count(n)} after ${a} attempt${a === '1' ? '' : 's'}`)
      .join(', ') || 'none';
  return [
    `  Setup: ${count(options.followers)} remote actors and follows inserted in ${duration(d.setupMs)}; posts.create returned in ${ms(d.createMs)} ms.`,
    '',
    table(
      ['from posts.create to…', 'time'],
      [
        ['the first request arrived somewhere', seconds(d.firstMs)],
        [`every healthy server had its request${options.sharedInbox ? '' : 's'} (${count(healthy)})`, seconds(d.healthyDoneMs)],
        ['  half of the healthy servers’ requests had arrived', seconds(d.healthyP50Ms)],
        ...(options.slow
          ? [
              [`every slow server had its request${options.sharedInbox ? '' : 's'} (${options.slow})`, seconds(d.slowArrivedMs)],
              ['… and had answered (all but the failing done)', seconds(d.slowAnsweredMs)],
            ]
          : []),
        ['TOTAL: every server but the failing ones served', seconds(total(d))],
        ['no federation job running or due (settled)', seconds(d.settledMs)],
      ],
      ['left', 'right'],
    ),
    '',
    `  Requests: ${count(r.total)} received in all — healthy ${count(r.healthy)}, slow ${count(r.slow)}, failing ${count(r.failing)} — for ${count(options.followers)} followers`,
    `            (expected ${count(d.expected)} by the healthy and slow servers; ${options.sharedInbox ? `${count(options.followers)} without shared inboxes` : 'one per follower'}).`,
    `            ${d.duplicated ? `${d.duplicated} healthy servers got MORE than expected` : 'No healthy server got more than expected'}; ${d.missing ? `${d.missing} servers got LESS` : 'none got less'}.`,
    `            Signatures: ${count(r.rfc9421)} RFC 9421, ${count(r.cavage)} draft-cavage, ${count(r.unsigned)} unsigned (Fedify signs the RFC 9421 way first and,
            on any 4xx or 5xx answer, knocks again signed the draft-cavage way: a failing server gets two requests per attempt).`,
    d.waiting.deliveries
      ? `  Waiting:  ${count(d.waiting.deliveries)} deliveries queued (${count(d.waiting.toFailing)} to failing servers): ${attempts}; next attempts in ${d.waiting.nextRunInS.min.toFixed(0)}–${d.waiting.nextRunInS.max.toFixed(0)} s` +
        (d.waiting.held
          ? `\n            ${count(d.waiting.held)} of them held by Fedify's circuit breaker (re-queued as new jobs, attempts back to 0; 5 failures in 10 min open a host's circuit for 30 min)`
          : '') +
        `\n            last error: ${d.waiting.lastError?.slice(0, 200)}`
      : '  Waiting:  no delivery left for retry.',
    ...(d.waiting.other ? [`            ${d.waiting.other} other federation jobs left`] : []),
    `  Instances (admin view): ${count(d.instances.delivered)} deliveries recorded as done, ${count(d.instances.failed)} as failed` +
      (d.instances.delivered > d.expected
        ? ` — ${count(d.instances.delivered - d.expected)} more done than the ${count(d.expected)} really delivered (held ones count as done).`
        : '.'),
    `  Memory:   RSS ${mb(d.memory.startRss)} before the post, peak ${mb(d.memory.peakRss)} (+${mb(d.memory.peakRss - d.memory.startRss)}); V8 heap used peak ${mb(d.memory.peakHeapUsed)}`,
    `            (this process: the server and the simulated servers; polled every 50 ms from the post until settled).`,
  ].join('\n');
}

function inboxReport(i: InboxResult): string {
  const refused = Object.entries(i.refused);
  return [
    `  Signed ${count(i.activities)} requests beforehand in ${duration(i.signMs)} (not counted below).`,
    '',
    table(
      ['inbox', 'count', 'time', 'per second'],
      [
        ['accepted at the door (2xx)', count(i.accepted), seconds(i.doorMs), count((i.accepted * 1000) / i.doorMs)],
        ['verified and stored (posts)', count(i.stored), seconds(i.storedMs), i.storedMs ? count((i.stored * 1000) / i.storedMs) : '–'],
      ],
      ['left', 'right', 'right', 'right'],
    ),
    `  Both timed from the first request sent. Response time p50 ${ms(i.responseMs.p50)} ms, p99 ${ms(i.responseMs.p99)} ms, max ${ms(i.responseMs.max)} ms.`,
    `  Non-2xx answers: ${refused.length ? refused.map(([k, n]) => `${count(n)} × ${k}`).join('; ') : 'none'}.`,
    `  Failed receive jobs: ${i.receiveErrors ? `${i.receiveErrors} (${i.receiveError})` : 'none'}.`,
    `  Memory:   RSS ${mb(i.memory.startRss)} before, peak ${mb(i.memory.peakRss)}; V8 heap used peak ${mb(i.memory.peakHeapUsed)} (the server and the sending client together).`,
  ].join('\n');
}

function logReport(server: BenchServer): string {
  if (server.log.size === 0) return '\n  Server log over the whole run (warn and above): nothing.';
  const lines = [...server.log]
    .sort((a, b) => b[1].n - a[1].n)
    .map(([key, { n, example }]) => `    ${count(n).padStart(6)} × ${key}\n             e.g. ${example.slice(0, 300)}`);
  return `\n  Server log over the whole run (warn and above; retries of the failing deliveries included), by message:\n${lines.join('\n')}`;
}

function figures(database: BenchDatabase, options: Options, d: DeliveryResult | null, i: InboxResult | null) {
  const s = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? null : Math.round(x) / 1000);
  return {
    bench: 'federation',
    database: database.label,
    followers: options.followers,
    servers: options.servers,
    slow: options.slow,
    failing: options.failing,
    sharedInbox: options.sharedInbox,
    federationConcurrency: options.federationConcurrency,
    delivery: d && {
      totalS: s(total(d)),
      healthyDoneS: s(d.healthyDoneMs),
      slowAnsweredS: s(d.slowAnsweredMs),
      settledS: s(d.settledMs),
      requests: d.requests.total,
      expected: d.expected,
      duplicatedServers: d.duplicated,
      missingServers: d.missing,
      failingRequests: d.requests.failing,
      waitingRetries: d.waiting.deliveries,
      heldByCircuitBreaker: d.waiting.held,
      recordedDelivered: d.instances.delivered,
      peakRssMb: Math.round(d.memory.peakRss / 1048576),
    },
    inbox: i && {
      activities: i.activities,
      accepted: i.accepted,
      acceptedPerS: Math.round((i.accepted * 1000) / i.doorMs),
      stored: i.stored,
      storedPerS: i.storedMs ? Math.round((i.stored * 1000) / i.storedMs) : null,
      refused: Object.values(i.refused).reduce((a, b) => a + b, 0),
      peakRssMb: Math.round(i.memory.peakRss / 1048576),
    },
  };
}
