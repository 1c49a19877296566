import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type RunningServer, startServer } from '../../src/app/process.ts';
import { createServices, type Services } from '../../src/app/services.ts';
import { utcToZoned } from '../../src/chats/time.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { hashPassword } from '../../src/platform/crypto.ts';
import type { Viewer } from '../../src/platform/viewer.ts';
import { mixSeed, Random } from '../lib/random.ts';
import { percentile } from '../lib/stats.ts';
import { chatPost, displayNameOf, handleOf, now, questionText } from './text.ts';

/**
 * The server under test, in a process of its own (so the clients' work does not show in its
 * memory or steal its event loop): a real `startServer` on 127.0.0.1 and a free port, on the
 * benchmark's scratch database, with the recurring jobs off (the benchmark's host runs the
 * chat by hand). The parent drives it by messages: make the members, watch a stretch of time
 * (memory, CPU, event loop, optionally a CPU profile), fill a chat for the transcript, stop.
 */

export interface StartInput {
  dataDir: string;
  databaseUrl: string | undefined;
  /** Members besides the host (member 0). */
  participants: number;
  /** Participant i lives in zones[i % zones.length] (the room renders once per zone). */
  zones: string[];
}

export interface Started {
  port: number;
  /** The host's API token (member 0, the site's first member and so its admin). */
  hostToken: string;
  /** Participants' API tokens, participant i at index i. */
  tokens: string[];
  setupMs: number;
}

export interface Memory {
  rss: number;
  heapUsed: number;
  /** VmHWM: the kernel's high-water mark of the RSS since start-up or the last window-start. */
  hwm: number;
}

export interface WindowStats {
  wallMs: number;
  /** User + system CPU time of the server's process. */
  cpuMs: number;
  /** Share of the time the event loop was busy. */
  eventLoopUtilization: number;
  loopDelay: { p50: number; p99: number; max: number };
  rssStart: number;
  /** process.memoryUsage().rss, polled every 50 ms. */
  rssPeak: number;
  /** VmHWM at the end (reset at the start): catches peaks between polls. */
  hwm: number;
  heapUsedPeak: number;
  rssEnd: number;
  /** Most live-event listeners attached at once (one per open stream and topic). */
  listenersPeak: number;
  /** Where the window's CPU profile went, when asked for. */
  profile: string | null;
}

export interface SeedInput {
  hashtag: string;
  title: string;
  posts: number;
  questions: number;
  seed: number;
  /** Share of posts a moderator highlights. */
  highlightShare: number;
}

export interface SeedOutput {
  slug: string;
  date: string;
  posts: number;
  answers: number;
  authors: number;
  highlighted: number;
  wallMs: number;
  /** services.social.posts.create per post: p50 / p99 ms. */
  createMs: { p50: number; p99: number };
}

type Request =
  | { type: 'start'; input: StartInput }
  | { type: 'memory' }
  | { type: 'window-start'; profileTo: string | null }
  | { type: 'window-stop' }
  | { type: 'seed'; input: SeedInput }
  | { type: 'stop' };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
interface Replies {
  start: Started;
  memory: Memory;
  'window-start': null;
  'window-stop': WindowStats;
  seed: SeedOutput;
  stop: null;
}

/** The parent's handle on the server's process. */
export class ChatServer {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #exited: Promise<void>;
  started: Started | null = null;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (reply: Reply) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`in the server's process: ${reply.error}`));
    });
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const waiter of this.#waiting.values()) waiter.reject(new Error(`the server's process exited (${signal ?? code})`));
        this.#waiting.clear();
        resolve();
      }),
    );
  }

  /** Starts the process (with extra Node flags if given) and the server in it. */
  static async start(input: StartInput, nodeFlags: string[] = []): Promise<ChatServer> {
    const child = fork(new URL(import.meta.url), ['serve'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      execArgv: [...process.execArgv, ...nodeFlags],
    });
    const server = new ChatServer(child);
    try {
      server.started = await server.#ask('start', { type: 'start', input });
    } catch (error) {
      await server.kill();
      throw error;
    }
    return server;
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  #ask<K extends keyof Replies>(_kind: K, request: Request): Promise<Replies[K]> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null)
      return Promise.reject(new Error("the server's process is not running"));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve: (value) => resolve(value as Replies[K]), reject });
      this.#child.send({ id, ...request });
    });
  }

  memory(): Promise<Memory> {
    return this.#ask('memory', { type: 'memory' });
  }

  /** Starts watching: resets the RSS high-water mark, polls memory, counts CPU; profiles into `profileTo` if given. */
  windowStart(profileTo: string | null = null): Promise<null> {
    return this.#ask('window-start', { type: 'window-start', profileTo });
  }

  windowStop(): Promise<WindowStats> {
    return this.#ask('window-stop', { type: 'window-stop' });
  }

  seed(input: SeedInput): Promise<SeedOutput> {
    return this.#ask('seed', { type: 'seed', input });
  }

  /** Stops the server and its process; kills it if it does not go within 10 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#ask('stop', { type: 'stop' }).catch(() => {});
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill('SIGKILL');
    await this.#exited;
  }
}

// ---- the child -----------------------------------------------------------------------------------

function kib(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

function memory(): Memory {
  const status = readFileSync('/proc/self/status', 'utf8');
  return { rss: kib(status, 'VmRSS'), heapUsed: process.memoryUsage().heapUsed, hwm: kib(status, 'VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false where that is not allowed. */
function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

class Child {
  services: Services | null = null;
  server: RunningServer | null = null;
  memberIds: number[] = [];
  #window: {
    started: number;
    cpu: NodeJS.CpuUsage;
    elu: ReturnType<typeof performance.eventLoopUtilization>;
    delay: ReturnType<typeof monitorEventLoopDelay>;
    poll: NodeJS.Timeout;
    rssStart: number;
    rssPeak: number;
    heapUsedPeak: number;
    listenersPeak: number;
    session: Session | null;
    profileTo: string | null;
  } | null = null;

  async handle(request: Request): Promise<unknown> {
    switch (request.type) {
      case 'start':
        return this.start(request.input);
      case 'memory':
        return memory();
      case 'window-start':
        return this.windowStart(request.profileTo);
      case 'window-stop':
        return this.windowStop();
      case 'seed':
        return this.seed(request.input);
      case 'stop':
        await this.stop();
        return null;
    }
  }

  async start(input: StartInput): Promise<Started> {
    const started = now();
    const config = loadConfig({
      file: null,
      env: {
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: input.dataDir,
        LOG_LEVEL: 'warn',
        RUN_JOBS: 'false',
        ...(input.databaseUrl ? { DATABASE_URL: input.databaseUrl } : {}),
      },
    });
    const services = (this.services = await createServices(config));
    this.server = await startServer(services, { jobs: false });
    Object.assign(config, { baseUrl: `http://127.0.0.1:${this.server.port}` });
    // One password hash for everyone: scrypt is deliberately slow, and nobody signs in here.
    const passwordHash = await hashPassword('a long enough password');
    const tokens: string[] = new Array<string>(input.participants + 1);
    this.memberIds = new Array<number>(input.participants + 1);
    const make = async (i: number) => {
      const member = await services.accounts.createMember({
        handle: handleOf(i),
        displayName: displayNameOf(i),
        email: `${handleOf(i)}@bench.example`,
        password: 'a long enough password',
        passwordHash,
        timeZone: i === 0 ? 'UTC' : input.zones[(i - 1) % input.zones.length]!,
      });
      this.memberIds[i] = member.id;
      tokens[i] = await services.accounts.createApiToken(member.id, 'chat bench');
    };
    // The host first: the site's first member (and admin).
    await make(0);
    for (let i = 1; i <= input.participants; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, input.participants + 1 - i) }, (_, k) => make(i + k)));
    }
    return { port: this.server.port, hostToken: tokens[0]!, tokens: tokens.slice(1), setupMs: now() - started };
  }

  async windowStart(profileTo: string | null): Promise<null> {
    if (this.#window) throw new Error('a window is already open');
    let session: Session | null = null;
    if (profileTo) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    resetHighWaterMark();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const rss = memory().rss;
    const window = {
      started: now(),
      cpu: process.cpuUsage(),
      elu: performance.eventLoopUtilization(),
      delay,
      poll: setInterval(() => {
        const m = process.memoryUsage();
        window.rssPeak = Math.max(window.rssPeak, m.rss);
        window.heapUsedPeak = Math.max(window.heapUsedPeak, m.heapUsed);
        window.listenersPeak = Math.max(window.listenersPeak, this.services?.events.listenerCount ?? 0);
      }, 50),
      rssStart: rss,
      rssPeak: rss,
      heapUsedPeak: process.memoryUsage().heapUsed,
      listenersPeak: this.services?.events.listenerCount ?? 0,
      session,
      profileTo,
    };
    this.#window = window;
    return null;
  }

  async windowStop(): Promise<WindowStats> {
    const w = this.#window;
    if (!w) throw new Error('no window is open');
    this.#window = null;
    clearInterval(w.poll);
    w.delay.disable();
    const cpu = process.cpuUsage(w.cpu);
    const elu = performance.eventLoopUtilization(w.elu);
    const end = memory();
    let profile: string | null = null;
    if (w.session && w.profileTo) {
      const result = await w.session.post('Profiler.stop');
      writeFileSync(w.profileTo, JSON.stringify(result.profile));
      w.session.disconnect();
      profile = w.profileTo;
    }
    return {
      wallMs: now() - w.started,
      cpuMs: (cpu.user + cpu.system) / 1000,
      eventLoopUtilization: elu.utilization,
      loopDelay: { p50: w.delay.percentile(50) / 1e6, p99: w.delay.percentile(99) / 1e6, max: w.delay.max / 1e6 },
      rssStart: w.rssStart,
      rssPeak: Math.max(w.rssPeak, end.rss),
      hwm: end.hwm,
      heapUsedPeak: w.heapUsedPeak,
      rssEnd: end.rss,
      listenersPeak: w.listenersPeak,
      profile,
    };
  }

  /**
   * A chat for the transcript, filled through the product's own paths: the series, questions,
   * start, release and end through ChatsService; every post through services.social.posts.create,
   * so it joins the chat (and its question) in its own transaction as in production.
   */
  async seed(input: SeedInput): Promise<SeedOutput> {
    const services = this.services!;
    const { chats, social, accounts } = services;
    const started = now();
    const host = (await accounts.viewerForMember(this.memberIds[0]!))!;
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const series = await chats.series.create(host, {
      hashtag: input.hashtag,
      title: input.title,
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    const date = at.date;
    for (let n = 1; n <= input.questions; n++) await chats.questions.add(host, series.slug, date, { text: questionText(n) });
    await chats.occurrences.start(host, series.slug, date);
    const viewers = new Map<number, Viewer>();
    const viewerOf = async (i: number): Promise<Viewer> => {
      const known = viewers.get(i);
      if (known) return known;
      const viewer = (await accounts.viewerForMember(this.memberIds[i]!))!;
      viewers.set(i, viewer);
      return viewer;
    };
    const random = new Random(mixSeed(input.seed, 0x7a5c));
    const participants = this.memberIds.length - 1;
    const perQuestion = Math.ceil(input.posts / input.questions);
    const createMs: number[] = [];
    const authors = new Set<number>();
    let answers = 0;
    let highlighted = 0;
    let question = 0;
    for (let k = 0; k < input.posts; k++) {
      if (k % perQuestion === 0 && question < input.questions) {
        await chats.questions.release(host, series.slug, date);
        question++;
      }
      // Some people post a lot, most a few times (squared uniform: skewed to the low indexes).
      const author = 1 + Math.floor(random.next() ** 2 * participants);
      authors.add(author);
      const other = 1 + random.int(participants);
      const post = chatPost(input.seed, 1_000_000 + k, question, input.hashtag, other !== author ? handleOf(other) : null);
      if (post.answer) answers++;
      const t = now();
      const created = await social.posts.create(await viewerOf(author), { text: post.text, visibility: 'public' });
      createMs.push(now() - t);
      if (random.chance(input.highlightShare)) {
        await chats.moderation.setHighlighted(host, series.slug, date, created.id, true);
        highlighted++;
      }
    }
    await chats.occurrences.end(host, series.slug, date);
    const sorted = createMs.sort((a, b) => a - b);
    return {
      slug: series.slug,
      date,
      posts: input.posts,
      answers,
      authors: authors.size,
      highlighted,
      wallMs: now() - started,
      createMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
    };
  }

  async stop(): Promise<void> {
    if (this.#window) await this.windowStop().catch(() => null);
    await this.server?.close();
    await this.services?.close();
  }
}

if (process.argv[1] === import.meta.filename && process.argv[2] === 'serve') {
  if (!process.send) throw new Error("the server's process runs as a child of ChatServer.start()");
  const child = new Child();
  // The parent going away (Ctrl-C, a crash) ends the server too.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Request & { id: number }) => {
    child.handle(message).then(
      (value) => {
        process.send!({ id: message.id, ok: true, value } satisfies Reply, () => {
          if (message.type === 'stop') process.exit(0);
        });
      },
      (error: unknown) =>
        process.send!({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Reply),
    );
  });
}
