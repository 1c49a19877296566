import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { now } from './text.ts';

/**
 * A worker thread holding a share of the live room's Server-Sent Events connections, as
 * browsers would: one plain HTTP/1.1 request each (no pool that could queue them), read as the
 * bytes arrive and parsed here. It notes when each `post` and `question` event arrived on each
 * connection (the machine's monotonic clock, comparable with the posters' in the main thread)
 * and hands everything over when told to close. See readers.ts for the parent's side.
 */

export interface ReaderSetup {
  baseUrl: string;
  /** The room's stream, e.g. /chats/benchchat/2027-03-02/live. */
  path: string;
  /** This worker's connections: their index among all connections, and a Bearer token (null: anonymous). */
  connections: Array<{ index: number; token: string | null }>;
  /** Connections opened at once while connecting. */
  batch: number;
}

export type ToReader = { type: 'connect' } | { type: 'count' } | { type: 'close' };

export interface ConnectOutcome {
  index: number;
  /** From sending the request to the `ready` event; NaN when it failed. */
  ms: number;
  error: string | null;
}

/** Arrivals of one kind of event: parallel arrays, one entry per event per connection. */
export interface Arrivals {
  /** Post id (`post` events) or question number (`question` events). */
  keys: Int32Array;
  connections: Int32Array;
  times: Float64Array;
}

export interface ReaderData {
  posts: Arrivals;
  questions: Arrivals;
  /** For each post id, the question number its first `post` event gave (0: none): checks the linking. */
  postQuestions: Array<[postId: number, question: number]>;
  /** Connections that ended while still wanted: index, when, why. */
  disconnections: Array<{ index: number; at: number; reason: string }>;
  events: { state: number; moderation: number; delete: number; keepAlive: number; other: number; badData: number };
  /** This thread's event-loop delay while reading (how late it may have noticed arrivals). */
  loopDelay: { p50: number; p99: number; max: number };
}

export type FromReader =
  | { type: 'connected'; outcomes: ConnectOutcome[] }
  | { type: 'count'; posts: number; questions: number }
  | { type: 'closed'; data: ReaderData }
  | { type: 'error'; error: string };

/** A growable set of parallel arrays. */
class ArrivalLog {
  keys = new Int32Array(1 << 14);
  connections = new Int32Array(1 << 14);
  times = new Float64Array(1 << 14);
  length = 0;

  add(key: number, connection: number, at: number): void {
    if (this.length === this.keys.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.keys = grow(this.keys, (n) => new Int32Array(n));
      this.connections = grow(this.connections, (n) => new Int32Array(n));
      this.times = grow(this.times, (n) => new Float64Array(n));
    }
    this.keys[this.length] = key;
    this.connections[this.length] = connection;
    this.times[this.length] = at;
    this.length++;
  }

  take(): Arrivals {
    return {
      keys: this.keys.slice(0, this.length),
      connections: this.connections.slice(0, this.length),
      times: this.times.slice(0, this.length),
    };
  }
}

const posts = new ArrivalLog();
const questions = new ArrivalLog();
const postQuestions = new Map<number, number>();
const disconnections: ReaderData['disconnections'] = [];
const events: ReaderData['events'] = { state: 0, moderation: 0, delete: 0, keepAlive: 0, other: 0, badData: 0 };
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let closing = false;

const CONNECT_TIMEOUT_MS = 30_000;

/** One Server-Sent Events connection, parsed line by line as the specification says. */
class Connection {
  readonly index: number;
  readonly #token: string | null;
  #request: ClientRequest | null = null;
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #ready: ((outcome: ConnectOutcome) => void) | null = null;
  #started = 0;
  #ended = false;

  constructor(index: number, token: string | null) {
    this.index = index;
    this.#token = token;
  }

  open(setup: ReaderSetup): Promise<ConnectOutcome> {
    return new Promise((resolve) => {
      this.#started = now();
      const timer = setTimeout(() => this.#fail('no ready event within 30 s'), CONNECT_TIMEOUT_MS);
      this.#ready = (outcome) => {
        clearTimeout(timer);
        this.#ready = null;
        resolve(outcome);
      };
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.#token) headers.authorization = `Bearer ${this.#token}`;
      // agent: false — a connection of its own, outside any pool (and its limits).
      const req = request(new URL(setup.path, setup.baseUrl), { headers, agent: false }, (res) => this.#response(res));
      req.on('error', (error) => this.#fail(error.message));
      req.end();
      this.#request = req;
    });
  }

  #response(res: IncomingMessage): void {
    if (res.statusCode !== 200 || !String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => this.#fail(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.#feed(chunk, now()));
    res.on('end', () => this.#lost('the server ended the stream'));
    res.on('error', (error) => this.#lost(error.message));
    res.on('close', () => this.#lost('the connection closed'));
  }

  #fail(error: string): void {
    if (this.#ready) this.#ready({ index: this.index, ms: NaN, error });
    else this.#lost(error);
    this.#request?.destroy();
  }

  #lost(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!closing) disconnections.push({ index: this.index, at: now(), reason });
  }

  #feed(chunk: string, at: number): void {
    this.#buffer += chunk;
    let start = 0;
    for (;;) {
      const newline = this.#buffer.indexOf('\n', start);
      if (newline === -1) break;
      const end = newline > start && this.#buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.#line(this.#buffer.slice(start, end), at);
      start = newline + 1;
    }
    this.#buffer = start === this.#buffer.length ? '' : this.#buffer.slice(start);
  }

  #line(line: string, at: number): void {
    if (line === '') {
      if (this.#data.length > 0 || this.#event) this.#dispatch(this.#event || 'message', this.#data.join('\n'), at);
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      events.keepAlive++;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + (line.charCodeAt(colon + 1) === 32 ? 2 : 1));
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    // `id` and `retry` are not needed: the data says which post it is.
  }

  #dispatch(event: string, data: string, at: number): void {
    switch (event) {
      case 'ready':
        this.#ready?.({ index: this.index, ms: at - this.#started, error: null });
        return;
      case 'post': {
        const parsed = parse(data) as { id?: unknown; question?: unknown } | null;
        if (typeof parsed?.id !== 'number') {
          events.badData++;
          return;
        }
        posts.add(parsed.id, this.index, at);
        if (!postQuestions.has(parsed.id)) postQuestions.set(parsed.id, typeof parsed.question === 'number' ? parsed.question : 0);
        return;
      }
      case 'question': {
        const parsed = parse(data) as { number?: unknown } | null;
        if (typeof parsed?.number !== 'number') {
          events.badData++;
          return;
        }
        questions.add(parsed.number, this.index, at);
        return;
      }
      case 'state':
      case 'moderation':
      case 'delete':
        events[event]++;
        return;
      default:
        events.other++;
    }
  }

  close(): void {
    this.#ended = true;
    this.#request?.destroy();
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

async function connectAll(setup: ReaderSetup, connections: Connection[]): Promise<ConnectOutcome[]> {
  const outcomes: ConnectOutcome[] = [];
  for (let i = 0; i < connections.length; i += setup.batch) {
    outcomes.push(...(await Promise.all(connections.slice(i, i + setup.batch).map((c) => c.open(setup)))));
  }
  loopDelay.enable();
  return outcomes;
}

if (parentPort) {
  const port = parentPort;
  const setup = workerData as ReaderSetup;
  const connections = setup.connections.map((c) => new Connection(c.index, c.token));
  const reply = (message: FromReader, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  port.on('message', (message: ToReader) => {
    const work = async (): Promise<void> => {
      switch (message.type) {
        case 'connect':
          return reply({ type: 'connected', outcomes: await connectAll(setup, connections) });
        case 'count':
          return reply({ type: 'count', posts: posts.length, questions: questions.length });
        case 'close': {
          closing = true;
          for (const c of connections) c.close();
          loopDelay.disable();
          const data: ReaderData = {
            posts: posts.take(),
            questions: questions.take(),
            postQuestions: [...postQuestions.entries()],
            disconnections,
            events,
            loopDelay: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
          };
          const buffers = [data.posts, data.questions].flatMap((a) => [
            a.keys.buffer,
            a.connections.buffer,
            a.times.buffer,
          ]) as ArrayBuffer[];
          return reply({ type: 'closed', data }, buffers);
        }
      }
    };
    work().catch((error: unknown) =>
      reply({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
