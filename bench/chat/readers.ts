import { Worker } from 'node:worker_threads';
import type { Arrivals, ConnectOutcome, FromReader, ReaderData, ReaderSetup, ToReader } from './reader-worker.ts';

/**
 * The live room's audience: Server-Sent Events connections spread over worker threads, so
 * reading hundreds of streams does not hold up the posters' clocks in the main thread (or
 * the other way round). Each worker answers one message at a time, in order.
 */

export interface ReaderResults {
  posts: Arrivals[];
  questions: Arrivals[];
  postQuestions: Map<number, number>;
  disconnections: ReaderData['disconnections'];
  events: ReaderData['events'];
  /** The worst reading thread's event-loop delay. */
  loopDelay: ReaderData['loopDelay'];
}

class ReaderThread {
  readonly #worker: Worker;
  readonly #waiting: Array<{ resolve: (message: FromReader) => void; reject: (error: Error) => void }> = [];
  #failure: Error | null = null;

  constructor(setup: ReaderSetup) {
    this.#worker = new Worker(new URL('./reader-worker.ts', import.meta.url), { workerData: setup });
    this.#worker.on('message', (message: FromReader) => {
      const waiter = this.#waiting.shift();
      if (!waiter) return;
      if (message.type === 'error') waiter.reject(new Error(`reader thread: ${message.error}`));
      else waiter.resolve(message);
    });
    const fail = (error: Error) => {
      this.#failure = error;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`reader thread exited (${code})`)));
  }

  ask<T extends FromReader['type']>(message: ToReader, expect: T): Promise<Extract<FromReader, { type: T }>> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        resolve: (reply) =>
          reply.type === expect
            ? resolve(reply as Extract<FromReader, { type: T }>)
            : reject(new Error(`reader thread: expected ${expect}, got ${reply.type}`)),
        reject,
      });
      this.#worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}

export class ReaderPool {
  readonly #threads: ReaderThread[];

  /** `tokens[i]` is connection i's Bearer token (null: anonymous); connections are dealt round-robin to `threads` workers. */
  constructor(baseUrl: string, path: string, tokens: Array<string | null>, threads: number, batch = 50) {
    const shares = Array.from({ length: Math.max(1, Math.min(threads, tokens.length)) }, () => [] as ReaderSetup['connections']);
    for (const [index, token] of tokens.entries()) shares[index % shares.length]!.push({ index, token });
    this.#threads = shares.map(
      (connections) => new ReaderThread({ baseUrl, path, connections, batch: Math.max(1, Math.ceil(batch / shares.length)) }),
    );
  }

  /** Opens every connection and waits for each one's `ready` event (or failure). */
  async connect(): Promise<ConnectOutcome[]> {
    const replies = await Promise.all(this.#threads.map((t) => t.ask({ type: 'connect' }, 'connected')));
    return replies.flatMap((r) => r.outcomes).sort((a, b) => a.index - b.index);
  }

  /** Events received so far, over all connections. */
  async delivered(): Promise<{ posts: number; questions: number }> {
    const replies = await Promise.all(this.#threads.map((t) => t.ask({ type: 'count' }, 'count')));
    return { posts: replies.reduce((n, r) => n + r.posts, 0), questions: replies.reduce((n, r) => n + r.questions, 0) };
  }

  /** Closes every connection and collects what arrived. */
  async close(): Promise<ReaderResults> {
    const replies = await Promise.all(this.#threads.map((t) => t.ask({ type: 'close' }, 'closed')));
    const data = replies.map((r) => r.data);
    const events = { state: 0, moderation: 0, delete: 0, keepAlive: 0, other: 0, badData: 0 };
    for (const d of data) for (const key of Object.keys(events) as Array<keyof typeof events>) events[key] += d.events[key];
    return {
      posts: data.map((d) => d.posts),
      questions: data.map((d) => d.questions),
      postQuestions: new Map(data.flatMap((d) => d.postQuestions)),
      disconnections: data.flatMap((d) => d.disconnections),
      events,
      loopDelay: data.map((d) => d.loopDelay).reduce((worst, d) => (d.p99 > worst.p99 ? d : worst)),
    };
  }

  /** Ends the worker threads (and with them any connection still open). */
  async terminate(): Promise<void> {
    await Promise.allSettled(this.#threads.map((t) => t.terminate()));
  }
}
