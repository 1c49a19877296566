/**
 * `npm run bench -- chat [--participants N] [--posters N] [--compress N] [--quick] …`
 *
 * Can the live room keep up with a busy chat? Simulates one on loopback: a real server in its
 * own process (SQLite, and PostgreSQL when a server is reachable, found as bench/timeline.ts
 * finds it), 500 participants holding the room's Server-Sent Events stream open, 200 of them
 * answering every 30–90 s of a 10-minute chat compressed in time (10×: a minute), a host asking
 * a question every chat minute. Reports how long each post took from its 201 to every open
 * stream, whether every stream got every post, the server's memory, and how long a 5,000-post
 * chat's transcript takes to build in each format.
 *
 * The issue's aims: p99 delivery under 250 ms; a transcript under 1 s.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type LiveSummary, type Quantiles, summarizeLive } from './chat/analysis.ts';
import { type LiveRun, runLiveChat } from './chat/load.ts';
import { ChatServer, type SeedOutput, type WindowStats } from './chat/server.ts';
import { type TranscriptCheck, type TranscriptTiming, timeTranscript } from './chat/transcript.ts';
import { type BenchDatabase, onEachDatabase } from './lib/databases.ts';
import { bytes, count, duration, ms, table } from './lib/format.ts';
import { wholeNumbers } from './lib/options.ts';
import { summarizeProfile } from './refresh/profile.ts';

/** The issue's aims. */
const DELIVERY_P99_AIM_MS = 250;
const TRANSCRIPT_AIM_MS = 1000;
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'America/Los_Angeles',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Europe/Berlin',
  'America/Chicago',
];
const TRANSCRIPT_HASHTAG = 'benchtranscript';

interface Options {
  participants: number;
  posters: number;
  anonymous: number;
  minutes: number;
  compress: number;
  gapSeconds: { min: number; max: number };
  zones: number;
  transcriptPosts: number;
  transcriptQuestions: number;
  repeats: number;
  readerThreads: number;
  drainSeconds: number;
  seed: number;
  sqliteOnly: boolean;
  postgresOnly: boolean;
  cpuProf: boolean;
  quick: boolean;
}

interface DatabaseResult {
  label: string;
  live: LiveSummary;
  transcript: TranscriptTiming[];
}

const USAGE = `npm run bench -- chat [options]

  --participants N        members connected to the live room by SSE (default 500)
  --posters N             of them, how many post answers (default 200)
  --anonymous N           of the others, how many read without signing in (default 0)
  --minutes N             chat minutes; the host asks a question each minute (default 10)
  --compress N            time compression: 10 plays a 10-minute chat in a minute (default 10)
  --min-gap N             chat seconds between one poster's posts, at least (default 30)
  --max-gap N             … and at most (default 90)
  --zones N               time zones the participants live in (the room renders once per zone;
                          default 4, at most ${ZONES.length})
  --transcript-posts N    posts in the chat whose transcript is timed (default 5000)
  --transcript-questions N  its questions (default 10)
  --repeats N             requests per transcript format (default 7)
  --reader-threads N      worker threads reading the event streams (default 2)
  --drain N               seconds to wait for the last deliveries after the last post (default 15)
  --seed N                seed for texts and timings (default 1)
  --sqlite-only           skip PostgreSQL
  --postgres-only         skip SQLite
  --cpu-prof              profile the server during the chat and during the transcript requests,
                          and say where its time went
  --quick                 a shorter run: 3 chat minutes, a 1,000-post transcript, 3 repeats,
                          SQLite only (options given explicitly still apply)

The server runs in a process of its own; the participants run in this one (posters in the
main thread, stream readers in worker threads), all on this machine: on a small machine they
compete for the same cores, which shows in the latencies (see the load average).`;

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) return;
  console.log(header(options));
  const results = await onEachDatabase(options, (database) => benchmark(database, options));
  console.log(verdict(results));
}

function parseOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      participants: { type: 'string' },
      posters: { type: 'string' },
      anonymous: { type: 'string' },
      minutes: { type: 'string' },
      compress: { type: 'string' },
      'min-gap': { type: 'string' },
      'max-gap': { type: 'string' },
      zones: { type: 'string' },
      'transcript-posts': { type: 'string' },
      'transcript-questions': { type: 'string' },
      repeats: { type: 'string' },
      'reader-threads': { type: 'string' },
      drain: { type: 'string' },
      seed: { type: 'string' },
      'sqlite-only': { type: 'boolean', default: false },
      'postgres-only': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const quick = values.quick;
  const number = wholeNumbers(USAGE);
  const option = (name: keyof typeof values, normal: number, short: number, min: number) => {
    const given = values[name];
    return typeof given === 'string' ? number(name, given, min) : quick ? short : normal;
  };
  const options: Options = {
    participants: option('participants', 500, 500, 1),
    posters: option('posters', 200, 200, 1),
    anonymous: option('anonymous', 0, 0, 0),
    minutes: option('minutes', 10, 3, 1),
    compress: option('compress', 10, 10, 1),
    gapSeconds: { min: option('min-gap', 30, 30, 1), max: option('max-gap', 90, 90, 1) },
    zones: option('zones', 4, 4, 1),
    transcriptPosts: option('transcript-posts', 5000, 1000, 1),
    transcriptQuestions: option('transcript-questions', 10, 10, 1),
    repeats: option('repeats', 7, 3, 1),
    readerThreads: option('reader-threads', 2, 2, 1),
    drainSeconds: option('drain', 15, 15, 1),
    seed: option('seed', 1, 1, 0),
    sqliteOnly: values['sqlite-only'] || (quick && !values['postgres-only']),
    postgresOnly: values['postgres-only'],
    cpuProf: values['cpu-prof'],
    quick,
  };
  const problem =
    options.posters + options.anonymous > options.participants
      ? '--posters plus --anonymous cannot be more than --participants (posters sign in to post)'
      : options.gapSeconds.max < options.gapSeconds.min
        ? '--max-gap must be at least --min-gap'
        : options.zones > ZONES.length
          ? `--zones can be at most ${ZONES.length}`
          : options.transcriptQuestions > 30
            ? '--transcript-questions can be at most 30 (a chat has at most 30 questions)'
            : options.minutes > 30
              ? '--minutes can be at most 30 (one question a minute, at most 30 questions)'
              : null;
  if (problem) throw new Error(`${problem}\n\n${USAGE}`);
  return options;
}

function header(options: Options): string {
  const cpu = cpus();
  const minuteS = 60 / options.compress;
  const meanGap = (options.gapSeconds.min + options.gapSeconds.max) / 2;
  const zones = ZONES.slice(0, options.zones);
  return [
    `Chat benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Machine:    ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${bytes(totalmem())} RAM, Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min)`,
    `Chat:       ${options.minutes} chat minutes at ${options.compress}× (${duration(options.minutes * minuteS * 1000)} of wall time), a question every chat minute (${minuteS.toFixed(1)} s); seed ${options.seed}`,
    `Audience:   ${count(options.participants)} participants on the room's event stream (${count(options.participants - options.anonymous)} with API tokens, ${count(options.anonymous)} anonymous), in ${zones.length} time zone${zones.length === 1 ? '' : 's'} (${zones.join(', ')})`,
    `Posting:    ${count(options.posters)} of them answer every ${options.gapSeconds.min}–${options.gapSeconds.max} chat seconds (${(options.gapSeconds.min / options.compress).toFixed(1)}–${(options.gapSeconds.max / options.compress).toFixed(1)} s), about ${(options.posters / (meanGap / options.compress)).toFixed(0)} posts/s, through POST /api/v1/posts`,
    `Transcript: a chat of ${count(options.transcriptPosts)} posts over ${options.transcriptQuestions} questions, made through services.social.posts.create, then each format requested ${options.repeats} times`,
    `Processes:  the server alone in a child process (127.0.0.1, recurring jobs off); posters in this process's main thread, stream readers in ${options.readerThreads} worker thread${options.readerThreads === 1 ? '' : 's'}`,
  ].join('\n');
}

// ---- one database ----------------------------------------------------------------------------

async function benchmark(database: BenchDatabase, options: Options): Promise<DatabaseResult> {
  console.log(`\n━━ ${database.label}: ${database.version} — ${database.location}`);
  const profileDir = options.cpuProf ? mkdtempSync(join(tmpdir(), 'cr-bench-chat-prof-')) : null;
  let server: ChatServer | null = null;
  try {
    console.log(`  Starting the server and making ${count(options.participants + 1)} members…`);
    server = await ChatServer.start({
      dataDir: database.dataDir,
      databaseUrl: database.databaseUrl,
      participants: options.participants,
      zones: ZONES.slice(0, options.zones),
    });
    const baseUrl = `http://127.0.0.1:${server.started!.port}`;
    const live = await runLiveChat(
      server,
      baseUrl,
      {
        participants: options.participants,
        posters: options.posters,
        anonymous: options.anonymous,
        minutes: options.minutes,
        compress: options.compress,
        gapSeconds: options.gapSeconds,
        seed: options.seed,
        readerThreads: options.readerThreads,
        drainMs: options.drainSeconds * 1000,
        profileTo: profileDir ? join(profileDir, `${database.dialect}-chat.cpuprofile`) : null,
      },
      (line) => console.log(`  ${line}`),
    );
    const summary = summarizeLive(live, 60_000 / options.compress, options.minutes);
    console.log(liveReport(live, summary, server.started!.setupMs, options));

    console.log(`\n  Filling a chat with ${count(options.transcriptPosts)} posts for the transcript…`);
    const seeded = await server.seed({
      hashtag: TRANSCRIPT_HASHTAG,
      title: 'Transcript benchmark chat',
      posts: options.transcriptPosts,
      questions: options.transcriptQuestions,
      seed: options.seed,
      highlightShare: 0.02,
    });
    await server.windowStart(profileDir ? join(profileDir, `${database.dialect}-transcript.cpuprofile`) : null);
    const { timings, check } = await timeTranscript(baseUrl, seeded.slug, seeded.date, server.started!.hostToken, options.repeats);
    const transcriptServer = await server.windowStop();
    console.log(transcriptReport(seeded, check, timings, transcriptServer, options));
    if (live.server.profile || transcriptServer.profile) {
      for (const [title, file] of [
        ['during the chat', live.server.profile],
        ['while answering transcript requests', transcriptServer.profile],
      ] as const) {
        if (file) console.log(`\n  Server CPU profile ${title}\n${summarizeProfile(file, 15)}`);
      }
    }
    return { label: database.label, live: summary, transcript: timings };
  } finally {
    try {
      await server?.stop();
    } catch {
      await server?.kill();
    }
    await database.dispose();
    // Kept on purpose: open them in Chrome's DevTools or speedscope for the whole picture.
    if (profileDir) console.log(`  CPU profiles kept in ${profileDir}`);
  }
}

// ---- report -------------------------------------------------------------------------------------

const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(part === whole ? 0 : 2)}%` : '–');
const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;

function quantileRow(label: string, q: Quantiles): string[] {
  return [label, count(q.n), ms(q.p50), ms(q.p95), ms(q.p99), ms(q.max), ms(q.mean)];
}

function liveReport(run: LiveRun, s: LiveSummary, setupMs: number, options: Options): string {
  const failedConnections = run.connections.filter((c) => c.error !== null);
  const connectMs = run.connections
    .filter((c) => c.error === null)
    .map((c) => c.ms)
    .sort((a, b) => a - b);
  const connectQ = quantiles(connectMs);
  const w = run.server;
  const lines = [
    '',
    `  Setup         ${count(options.participants + 1)} members with API tokens (through AccountsService) in ${duration(setupMs)}; the series and ${options.minutes} questions through the API`,
    `  Connections   ${count(run.open)} of ${count(run.connections.length)} streams open (${count(run.anonymousOpen)} anonymous); ready after p50 ${ms(connectQ.p50)} ms, max ${ms(connectQ.max)} ms (opened 50 at a time)`,
    `  Posts         ${count(s.accepted)} accepted (${s.postsPerSecond.toFixed(1)}/s over ${duration(run.loadMs)}), ${count(s.failed)} failed; ${run.questions.length} questions asked`,
    `  Deliveries    ${count(s.delivered)} of ${count(s.expected)} expected (${pct(s.delivered, s.expected)}): ${count(s.missing)} missing${s.missingOnDropped ? ` (${count(s.missingOnDropped)} on dropped streams)` : ''}, ${count(s.duplicates)} duplicates, ${count(s.unknown)} unknown posts; ${count(s.deliveriesPerSecond)}/s`,
    `                questions: ${count(s.questionsDelivered)} of ${count(s.questionsExpected)}; waited ${duration(run.drain.ms)} after the last post${run.drain.complete ? ' for the last deliveries' : ' and gave up (see missing)'}`,
    `  Linking       ${count(s.linkChecked - s.misLinked)} of ${count(s.linkChecked)} posts came with the question their "A<n>:" named${s.misLinked ? ` — ${count(s.misLinked)} did not` : ' ✓'}`,
    '',
    table(
      ['latency (ms)', 'n', 'p50', 'p95', 'p99', 'max', 'mean'],
      [
        quantileRow('post: 201 → each stream', s.latency),
        quantileRow('post: POST sent → each stream', s.fromSent),
        quantileRow('POST /api/v1/posts (sent → 201)', s.post),
        quantileRow('fan-out: first → last stream', s.spread),
        quantileRow('question: release 200 → each stream', s.question),
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    `  201 → each stream: from the poster's 201 to the event's bytes reaching each connection (${pct(s.beforeAccepted, s.delivered)} arrived`,
    `  before the 201 did: the server announces a post before it has finished answering, so those count as negative).`,
    `  fan-out: per post, from the first connection receiving it to the last.`,
    `  p99 by chat minute (posts): ${s.byMinute.map((m) => `${m.minute}: ${ms(m.latency.p99)} (${m.posts})`).join(' · ')}`,
    '',
    table(
      ['server process', 'before streams', `${count(run.open)} streams idle`, 'chat (peak)', 'after'],
      [
        [
          'RSS',
          mb(run.memoryBeforeConnections.rss),
          mb(run.memoryConnected.rss),
          `${mb(w.rssPeak)} (VmHWM ${mb(w.hwm)})`,
          mb(run.memoryAfter.rss),
        ],
        [
          'V8 heap used',
          mb(run.memoryBeforeConnections.heapUsed),
          mb(run.memoryConnected.heapUsed),
          mb(w.heapUsedPeak),
          mb(run.memoryAfter.heapUsed),
        ],
      ],
      ['left', 'right', 'right', 'right', 'right'],
    ),
    `  During the chat: server CPU ${duration(w.cpuMs)} in ${duration(w.wallMs)} (${pct(w.cpuMs, w.wallMs)} of a core), event loop busy ${pct(w.eventLoopUtilization, 1)},`,
    `  event-loop delay p50 ${ms(w.loopDelay.p50)} / p99 ${ms(w.loopDelay.p99)} / max ${ms(w.loopDelay.max)} ms; up to ${count(w.listenersPeak)} live-event listeners.`,
    `  Clients' event-loop delay (how late they may have noticed arrivals): posters p99 ${ms(run.posterLoopDelay.p99)} / max ${ms(run.posterLoopDelay.max)} ms,`,
    `  stream readers (worst thread) p99 ${ms(run.readers.loopDelay.p99)} / max ${ms(run.readers.loopDelay.max)} ms. Load average now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}.`,
  ];
  const problems: string[] = [];
  for (const [reason, n] of run.postErrors) problems.push(`posts failed ×${count(n)}: ${reason}`);
  const failures = new Map<string, number>();
  for (const c of failedConnections) failures.set(c.error!, (failures.get(c.error!) ?? 0) + 1);
  for (const [reason, n] of failures) problems.push(`streams that did not open ×${count(n)}: ${reason}`);
  const drops = new Map<string, number>();
  for (const d of run.readers.disconnections) drops.set(d.reason, (drops.get(d.reason) ?? 0) + 1);
  for (const [reason, n] of drops)
    problems.push(
      `streams lost during the chat ×${count(n)}: ${reason} (first after ${duration(Math.min(...run.readers.disconnections.filter((d) => d.reason === reason).map((d) => d.at)) - run.startAt)})`,
    );
  if (run.readers.events.badData) problems.push(`events with unreadable data: ${count(run.readers.events.badData)}`);
  if (run.readers.events.other) problems.push(`events of unexpected kinds: ${count(run.readers.events.other)}`);
  lines.push(
    problems.length ? `  Errors: ${problems.join('; ')}` : '  Errors: none (every post accepted, every stream opened and stayed open).',
  );
  return lines.join('\n');
}

function quantiles(sorted: number[]): Quantiles {
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]! : NaN);
  return {
    n: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: sorted.at(-1) ?? NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
  };
}

function transcriptReport(
  seeded: SeedOutput,
  check: TranscriptCheck,
  timings: TranscriptTiming[],
  w: WindowStats,
  options: Options,
): string {
  const ok = check.posts === seeded.posts && check.questions === options.transcriptQuestions && check.answers === seeded.answers;
  return [
    `  Transcript chat: ${count(seeded.posts)} posts (${count(seeded.answers)} answers) by ${count(seeded.authors)} people over ${options.transcriptQuestions} questions, ${count(seeded.highlighted)} highlighted;`,
    `  made in ${duration(seeded.wallMs)} (posts.create p50 ${ms(seeded.createMs.p50)} ms, p99 ${ms(seeded.createMs.p99)} ms per post), then ended.`,
    `  The API's transcript counts ${count(check.posts)} posts, ${count(check.answers)} answers, ${count(check.participants)} participants, ${check.questions} questions${ok ? ' ✓' : ' ✗ (expected otherwise!)'}`,
    '',
    table(
      ['transcript request', 'size', 'first ms', 'median ms', 'max ms'],
      timings.map((t) => [t.label, bytes(t.bytes), ms(t.firstMs), ms(t.ms.p50), ms(t.ms.max)]),
      ['left', 'right', 'right', 'right', 'right'],
    ),
    `  ${options.repeats} requests each, one at a time, formats taking turns; from sending the request to the last byte. The`,
    `  transcript is built from the database on every request. Server meanwhile: CPU ${duration(w.cpuMs)} in ${duration(w.wallMs)}, RSS peak ${mb(w.rssPeak)} (VmHWM ${mb(w.hwm)}), heap used peak ${mb(w.heapUsedPeak)}.`,
  ].join('\n');
}

function verdict(results: DatabaseResult[]): string {
  if (results.length === 0) return '';
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const lines = [
    `\n━━ Verdict (aims from the issue: p99 delivery under ${DELIVERY_P99_AIM_MS} ms; a transcript under ${duration(TRANSCRIPT_AIM_MS)})`,
    '',
  ];
  for (const r of results) {
    const slowest = r.transcript.reduce((a, b) => (b.ms.p50 > a.ms.p50 ? b : a));
    const slowestMax = r.transcript.reduce((a, b) => (b.ms.max > a.ms.max ? b : a));
    const complete = r.live.missing === 0 && r.live.failed === 0;
    lines.push(
      `  ${r.label.padEnd(10)}  delivery p99 ${ms(r.live.latency.p99)} ms (from sending ${ms(r.live.fromSent.p99)} ms): ${met(r.live.latency.p99 < DELIVERY_P99_AIM_MS)}${complete ? '' : ` — but ${count(r.live.missing)} deliveries missing, ${count(r.live.failed)} posts failed`}`,
      `  ${''.padEnd(10)}  transcript: slowest median ${ms(slowest.ms.p50)} ms (${slowest.label.replace(/^\S+\s+/, '')}), slowest request ${ms(slowestMax.ms.max)} ms: ${met(slowest.ms.p50 < TRANSCRIPT_AIM_MS)}`,
    );
  }
  return lines.join('\n');
}
