import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The simulated fediverse: one node:http listener per "server" on 127.0.0.1, each on a port
 * of its own, so each is its own domain (`127.0.0.1:<port>`). A server answers inbox POSTs
 * at once (healthy), after a delay (slow) or with a 500 (failing), and records each request;
 * GETs are answered from the documents put on it (actor documents for the inbox benchmark).
 */

export type Behaviour = 'healthy' | 'slow' | 'failing';

export interface Delivery {
  path: string;
  /** performance.now() when the request's body had arrived, and when it was answered. */
  at: number;
  answeredAt: number | null;
  /** Signed the RFC 9421 way (`signature-input`), the draft-cavage way (`signature` alone), or not at all. */
  signature: 'rfc9421' | 'cavage' | 'none';
}

export interface Remote {
  behaviour: Behaviour;
  host: string;
  origin: string;
  deliveries: Delivery[];
  /** Path → JSON document served on GET. */
  documents: Map<string, unknown>;
}

export class Remotes {
  readonly servers: Remote[] = [];
  readonly #listeners: Server[] = [];

  /** Starts the servers, behaviours shuffled (deterministically) among them. */
  static async start(counts: Record<Behaviour, number>, slowMs: number, seed = 1): Promise<Remotes> {
    const behaviours: Behaviour[] = [
      ...Array<Behaviour>(counts.slow).fill('slow'),
      ...Array<Behaviour>(counts.failing).fill('failing'),
      ...Array<Behaviour>(counts.healthy).fill('healthy'),
    ];
    let state = seed >>> 0;
    for (let i = behaviours.length - 1; i > 0; i--) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const j = state % (i + 1);
      [behaviours[i], behaviours[j]] = [behaviours[j]!, behaviours[i]!];
    }
    const remotes = new Remotes();
    // Listening is quick, but 500 at once is a burst of sockets: 50 at a time.
    for (let start = 0; start < behaviours.length; start += 50) {
      await Promise.all(behaviours.slice(start, start + 50).map((b) => remotes.#listen(b, slowMs)));
    }
    return remotes;
  }

  async #listen(behaviour: Behaviour, slowMs: number): Promise<void> {
    const remote: Remote = { behaviour, host: '', origin: '', deliveries: [], documents: new Map() };
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const path = req.url ?? '/';
        if (req.method !== 'POST') {
          const document = remote.documents.get(path.split('?')[0]!);
          if (!document) return void res.writeHead(404).end();
          return void res.writeHead(200, { 'content-type': 'application/activity+json' }).end(JSON.stringify(document));
        }
        const signature = req.headers['signature-input'] ? 'rfc9421' : req.headers.signature ? 'cavage' : 'none';
        const delivery: Delivery = { path, at: performance.now(), answeredAt: null, signature };
        remote.deliveries.push(delivery);
        const answer = (status: number) => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 202 ? '' : 'simulated failure');
          delivery.answeredAt = performance.now();
        };
        if (behaviour === 'failing') answer(500);
        else if (behaviour === 'slow') setTimeout(() => answer(202), slowMs);
        else answer(202);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    remote.host = `127.0.0.1:${port}`;
    remote.origin = `http://${remote.host}`;
    this.servers.push(remote);
    this.#listeners.push(server);
  }

  of(behaviour: Behaviour): Remote[] {
    return this.servers.filter((s) => s.behaviour === behaviour);
  }

  /** Forgets what was received (between the benchmark's parts). */
  reset(): void {
    for (const server of this.servers) server.deliveries.length = 0;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#listeners.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }
}

/** process.memoryUsage() polled every 50 ms: the highest RSS and heap seen while running. */
export class MemorySampler {
  readonly start = process.memoryUsage();
  peakRss = this.start.rss;
  peakHeapUsed = this.start.heapUsed;
  readonly #timer = setInterval(() => this.sample(), 50);

  sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeapUsed = Math.max(this.peakHeapUsed, m.heapUsed);
  }

  stop(): { startRss: number; peakRss: number; peakHeapUsed: number } {
    this.sample();
    clearInterval(this.#timer);
    return { startRss: this.start.rss, peakRss: this.peakRss, peakHeapUsed: this.peakHeapUsed };
  }
}

/** Brackets a measured stretch: a CPU profile of it with --cpu-prof, nothing otherwise. */
export interface Window {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const NO_WINDOW: Window = { start: async () => {}, stop: async () => {} };
