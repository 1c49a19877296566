import { monitorEventLoopDelay } from 'node:perf_hooks';
import { utcToZoned } from '../../src/chats/time.ts';
import { mixSeed, Random } from '../lib/random.ts';
import { ApiClient } from './http.ts';
import type { ConnectOutcome } from './reader-worker.ts';
import { ReaderPool, type ReaderResults } from './readers.ts';
import type { ChatServer, Memory, WindowStats } from './server.ts';
import { chatPost, handleOf, now, questionText, sleep } from './text.ts';

/**
 * The busy chat itself, played against the server over loopback: a host makes a weekly series
 * through the API, prepares one question per chat minute, opens the room and asks them on
 * time; hundreds of participants hold the room's event stream open (worker threads, see
 * readers.ts) while some of them answer every 30–90 s of chat time through POST /api/v1/posts.
 * Time is compressed: a 10-minute chat at 10× lasts a minute.
 */

export interface LiveOptions {
  participants: number;
  posters: number;
  /** Connections without a token (the participants who post always have one). */
  anonymous: number;
  minutes: number;
  compress: number;
  /** Chat-time seconds between one person's posts. */
  gapSeconds: { min: number; max: number };
  seed: number;
  readerThreads: number;
  /** How long to wait for the last deliveries after the last post. */
  drainMs: number;
  profileTo: string | null;
}

export interface SentPost {
  poster: number;
  sentAt: number;
  /** When the 201 came back (its headers); NaN if it did not. */
  acceptedAt: number;
  id: number;
  /** The question its text answers (0: none), to check what the stream says. */
  intended: number;
}

export interface LiveRun {
  slug: string;
  date: string;
  connections: ConnectOutcome[];
  /** Connections that opened (and so should get every post). */
  open: number;
  anonymousOpen: number;
  posts: SentPost[];
  postErrors: Map<string, number>;
  /** Requests sent again after meeting a connection the server had just closed (see http.ts). */
  retries: number;
  questions: Array<{ number: number; sentAt: number; acceptedAt: number }>;
  /** When the host started the chat (text.ts now()). */
  startAt: number;
  /** From the chat's start to the last poster stopping (wall clock). */
  loadMs: number;
  /** Waiting for stragglers after the last post: how long, and whether everything came. */
  drain: { ms: number; complete: boolean };
  readers: ReaderResults;
  memoryBeforeConnections: Memory;
  memoryConnected: Memory;
  memoryAfter: Memory;
  server: WindowStats;
  /** The main thread's event-loop delay during the load (how late it may have noticed 201s). */
  posterLoopDelay: { p50: number; p99: number; max: number };
}

export const LIVE_HASHTAG = 'benchchat';

export async function runLiveChat(
  server: ChatServer,
  baseUrl: string,
  options: LiveOptions,
  progress: (line: string) => void,
): Promise<LiveRun> {
  const started = server.started!;
  const client = new ApiClient(baseUrl);
  const token = started.hostToken;
  let readers: ReaderPool | null = null;
  try {
    // ---- the host prepares the chat ----
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const series = JSON.parse(
      (
        await client.expect(201, 'POST', '/api/v1/chats', token, {
          hashtag: `#${LIVE_HASHTAG}`,
          title: 'Benchmark chat',
          timeZone: 'UTC',
          recurrence: { freq: 'weekly', weekday: at.weekday },
          startDate: at.date,
          time: at.time,
          durationMinutes: 60,
        })
      ).body,
    ) as { slug: string };
    const upcoming = JSON.parse((await client.expect(200, 'GET', `/api/v1/chats/${series.slug}/chats?when=upcoming`, token)).body) as {
      chats: Array<{ date: string }>;
    };
    const date = upcoming.chats[0]?.date;
    if (!date) throw new Error(`the series ${series.slug} has no coming chat`);
    const api = `/api/v1/chats/${series.slug}/${date}`;
    for (let n = 1; n <= options.minutes; n++) await client.expect(201, 'POST', `${api}/questions`, token, { text: questionText(n) });

    // ---- the audience connects ----
    const memoryBeforeConnections = await server.memory();
    // The last `anonymous` participants read without signing in (they never post).
    const tokens = started.tokens.map((token, i) => (i >= options.participants - options.anonymous ? null : token));
    readers = new ReaderPool(baseUrl, `/chats/${series.slug}/${date}/live`, tokens, options.readerThreads);
    progress(`connecting ${tokens.length} event streams…`);
    const connections = await readers.connect();
    const open = connections.filter((c) => c.error === null);
    await sleep(500);
    const memoryConnected = await server.memory();

    // ---- the chat ----
    const minuteMs = 60_000 / options.compress;
    const loadMs = options.minutes * minuteMs;
    progress(`the chat: ${options.minutes} chat minutes in ${(loadMs / 1000).toFixed(0)} s…`);
    await server.windowStart(options.profileTo);
    const posterDelay = monitorEventLoopDelay({ resolution: 5 });
    posterDelay.enable();
    await client.expect(200, 'POST', `${api}/start`, token);
    const questions: LiveRun['questions'] = [];
    let current = 0;
    const release = async () => {
      const sentAt = now();
      const response = await client.expect(200, 'POST', `${api}/release`, token);
      const question = JSON.parse(response.body) as { number: number };
      questions.push({ number: question.number, sentAt, acceptedAt: response.at });
      current = question.number;
    };
    const startAt = now();
    const endAt = startAt + loadMs;
    await release();

    const posts: SentPost[] = [];
    const postErrors = new Map<string, number>();
    const fail = (reason: string) => postErrors.set(reason, (postErrors.get(reason) ?? 0) + 1);
    const poster = async (i: number) => {
      const random = new Random(mixSeed(options.seed, i + 1));
      const gap = () => random.between(options.gapSeconds.min * 1000, options.gapSeconds.max * 1000) / options.compress;
      await sleep(random.next() * gap());
      for (let k = 0; now() < endAt; k++) {
        const other = random.int(options.participants);
        const text = chatPost(options.seed, (i + 1) * 100_000 + k, current, LIVE_HASHTAG, other !== i ? handleOf(other + 1) : null);
        const post: SentPost = { poster: i, sentAt: now(), acceptedAt: NaN, id: 0, intended: text.answer ? current : 0 };
        const result = await client.send('POST', '/api/v1/posts', started.tokens[i]!, { text: text.text, visibility: 'public' });
        const id = result.status === 201 ? idOf(result.body) : 0;
        if (id) {
          post.acceptedAt = result.at;
          post.id = id;
          posts.push(post);
        } else {
          fail(result.error ? result.error : `HTTP ${result.status}: ${result.body.slice(0, 120)}`);
        }
        await sleep(Math.min(gap(), endAt - now()));
      }
    };
    const host_ = (async () => {
      for (let n = 2; n <= options.minutes; n++) {
        await sleep(startAt + (n - 1) * minuteMs - now());
        await release();
      }
    })();
    let lastReport = now();
    const ticker = setInterval(() => {
      if (now() - lastReport < 9_500) return;
      lastReport = now();
      progress(
        `  ${((now() - startAt) / 1000).toFixed(0)} s: ${posts.length} posts accepted, ${[...postErrors.values()].reduce((a, b) => a + b, 0)} failed, Q${current}`,
      );
    }, 1000);
    try {
      await Promise.all([host_, ...Array.from({ length: options.posters }, (_, i) => poster(i))]);
    } finally {
      clearInterval(ticker);
    }
    const loadEnded = now();
    posterDelay.disable();

    // ---- stragglers: wait until every connection has every post, or give up ----
    const expectedPosts = posts.length * open.length;
    const expectedQuestions = questions.length * open.length;
    let complete = false;
    while (now() - loadEnded < options.drainMs) {
      const got = await readers.delivered();
      if (got.posts >= expectedPosts && got.questions >= expectedQuestions) {
        complete = true;
        break;
      }
      await sleep(100);
    }
    const drainMs = now() - loadEnded;
    const serverStats = await server.windowStop();
    await client.expect(200, 'POST', `${api}/end`, token);
    await sleep(300);
    const results = await readers.close();
    const memoryAfter = await server.memory();
    return {
      slug: series.slug,
      date,
      connections,
      open: open.length,
      anonymousOpen: open.filter((c) => tokens[c.index] === null).length,
      posts,
      postErrors,
      retries: client.retries,
      questions,
      startAt,
      loadMs: loadEnded - startAt,
      drain: { ms: drainMs, complete },
      readers: results,
      memoryBeforeConnections,
      memoryConnected,
      memoryAfter,
      server: serverStats,
      posterLoopDelay: { p50: posterDelay.percentile(50) / 1e6, p99: posterDelay.percentile(99) / 1e6, max: posterDelay.max / 1e6 },
    };
  } finally {
    await readers?.terminate();
    client.close();
  }
}

function idOf(body: string): number {
  try {
    return Number((JSON.parse(body) as { id?: unknown }).id) || 0;
  } catch {
    return 0;
  }
}
