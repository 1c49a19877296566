import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type FeedPlan, feedDocument, garbage, htmlPage, planFeeds } from './feeds.ts';

/**
 * The loopback feed server of the refresh benchmark, in a process of its own so that its CPU
 * and memory are not the refresher's. It serves /feed/N (and /moved/N, where redirecting
 * feeds point) for N in 0..feeds-1 as bench/refresh/feeds.ts plans them, for the cycle the
 * benchmark last set, and counts what it answered. It listens on one port per "host": the
 * refresher's per-host limit counts host and port, so several ports stand for several sites.
 *
 * The parent side is `FeedServer.start()`; the child side runs when this file is forked.
 */

export type Answer = 'feed' | 'not_modified' | 'redirect' | 'slow' | 'server_error' | 'not_found' | 'timeout' | 'html_page' | 'garbage';

export interface ServerStats {
  answers: Record<Answer, number>;
  requests: number;
  /** Bytes written as bodies (after gzip). */
  bodyBytes: number;
  /** Bytes of feed documents before gzip. */
  documentBytes: number;
  /** CPU time the server process used since the cycle was set. */
  cpuMs: number;
  /** Connections held open without an answer when the stats were taken. */
  hanging: number;
}

interface StartMessage {
  type: 'start';
  seed: number;
  feeds: number;
  /** Ports to listen on: each is a host to the refresher's per-host limit. */
  hosts: number;
  anchorMs: number;
}
type Request = StartMessage | { type: 'cycle'; cycle: number } | { type: 'stats' } | { type: 'stop' };
type Reply = { type: 'ready'; ports: number[] } | { type: 'ok' } | { type: 'stats'; stats: ServerStats } | { type: 'error'; error: string };

/** The parent's handle on the feed server child. */
export class FeedServer {
  readonly #child: ChildProcess;
  readonly #waiting: Array<(reply: Reply) => void> = [];
  /** Port of each host, by FeedPlan.host. */
  ports: number[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (reply: Reply) => this.#waiting.shift()?.(reply));
    child.on('exit', (code, signal) => {
      for (const waiter of this.#waiting.splice(0)) waiter({ type: 'error', error: `feed server exited (${signal ?? code})` });
    });
  }

  static async start(options: { seed: number; feeds: number; hosts: number; anchorMs: number }): Promise<FeedServer> {
    const child = fork(new URL(import.meta.url), ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const server = new FeedServer(child);
    const reply = await server.#ask({ type: 'start', ...options });
    if (reply.type !== 'ready') throw new Error(`feed server did not start: ${JSON.stringify(reply)}`);
    server.ports = reply.ports;
    return server;
  }

  #ask(request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.#waiting.push((reply) => (reply.type === 'error' ? reject(new Error(reply.error)) : resolve(reply)));
      this.#child.send(request);
    });
  }

  /** Serves the documents of `cycle` from now on, and starts counting afresh. */
  async setCycle(cycle: number): Promise<void> {
    await this.#ask({ type: 'cycle', cycle });
  }

  async stats(): Promise<ServerStats> {
    const reply = await this.#ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error('feed server: unexpected reply');
    return reply.stats;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.send({ type: 'stop' });
    await exited;
  }
}

// ---- the child ---------------------------------------------------------------------------------

async function serve(start: StartMessage): Promise<number[]> {
  const { seed, anchorMs } = start;
  const plans = planFeeds(seed, start.feeds, start.hosts);
  let cycle = 1;
  let stats = emptyStats();
  let cpuAtCycle = process.cpuUsage();
  const hanging = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (res: ServerResponse, kind: Answer, status: number, headers: Record<string, string>, body?: string | Buffer) => {
    stats.answers[kind]++;
    const bytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    if (bytes) headers['content-length'] = String(bytes.length);
    res.writeHead(status, headers);
    res.end(bytes);
    stats.bodyBytes += bytes?.length ?? 0;
  };

  const sendDocument = (req: IncomingMessage, res: ServerResponse, plan: FeedPlan, path: string, kind: Answer) => {
    const selfUrl = `http://${req.headers.host}${path}`;
    const doc = feedDocument(seed, plan, cycle, anchorMs, selfUrl);
    const useEtag = plan.validators === 'both' || plan.validators === 'etag';
    const useLastModified = plan.validators === 'both' || plan.validators === 'last_modified';
    const headers: Record<string, string> = { 'cache-control': 'max-age=300' };
    if (useEtag) headers.etag = doc.etag;
    if (useLastModified) headers['last-modified'] = doc.lastModified;
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    // RFC 9110: If-None-Match wins when both are sent (and the server knows ETags).
    const notModified =
      useEtag && ifNoneMatch !== undefined
        ? ifNoneMatch === doc.etag
        : useLastModified && ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(doc.lastModified);
    if (notModified) return answer(res, 'not_modified', 304, headers);
    headers['content-type'] = doc.contentType;
    stats.documentBytes += Buffer.byteLength(doc.body);
    if (plan.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      headers['content-encoding'] = 'gzip';
      headers.vary = 'Accept-Encoding';
      return answer(res, kind, 200, headers, gzipSync(doc.body, { level: 4 }));
    }
    answer(res, kind, 200, headers, doc.body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const match = /^\/(feed|moved)\/(\d+)$/.exec(req.url ?? '');
    const plan = match ? plans[Number(match[2])] : undefined;
    if (!match || !plan || (match[1] === 'moved' && plan.kind !== 'redirecting')) {
      return answer(res, 'not_found', 404, { 'content-type': 'text/plain' }, 'no such feed');
    }
    const path = req.url!;
    switch (plan.kind) {
      case 'fresh':
      case 'unchanged':
        return sendDocument(req, res, plan, path, 'feed');
      case 'redirecting':
        if (match[1] === 'feed')
          return answer(res, 'redirect', 301, { location: `/moved/${plan.n}`, 'content-type': 'text/html' }, '<a href="/moved/">Moved</a>');
        return sendDocument(req, res, plan, path, 'feed');
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) sendDocument(req, res, plan, path, 'slow');
        }, plan.delayMs);
        timers.add(timer);
        req.socket.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'failing':
        switch (plan.failure!) {
          case 'server_error':
            return answer(res, 'server_error', 500, { 'content-type': 'text/html' }, '<h1>500 Internal Server Error</h1>');
          case 'not_found':
            return answer(res, 'not_found', 404, { 'content-type': 'text/html' }, '<h1>404 Not Found</h1>');
          case 'html_page':
            return answer(res, 'html_page', 200, { 'content-type': 'text/html; charset=utf-8' }, htmlPage(seed, plan));
          case 'garbage':
            return answer(res, 'garbage', 200, { 'content-type': 'application/rss+xml' }, garbage(seed, plan));
          case 'timeout': {
            // Accept, read the request, never answer: the client's time limit has to end it.
            stats.answers.timeout++;
            const socket = req.socket;
            hanging.add(socket);
            socket.once('close', () => hanging.delete(socket));
            return;
          }
        }
    }
  };
  const servers = Array.from({ length: start.hosts }, () => {
    const server = createServer(handle);
    server.keepAliveTimeout = 5000;
    // Hanging requests must be ended by the client, not by Node's default request timeout.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    return server;
  });

  process.on('message', (message: Request) => {
    switch (message.type) {
      case 'cycle':
        cycle = message.cycle;
        stats = emptyStats();
        cpuAtCycle = process.cpuUsage();
        return process.send!({ type: 'ok' } satisfies Reply);
      case 'stats': {
        const cpu = process.cpuUsage(cpuAtCycle);
        return process.send!({
          type: 'stats',
          stats: { ...stats, cpuMs: (cpu.user + cpu.system) / 1000, hanging: hanging.size },
        } satisfies Reply);
      }
      case 'stop':
        for (const timer of timers) clearTimeout(timer);
        for (const server of servers) server.closeAllConnections();
        void Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))).then(() => process.exit(0));
        return;
      case 'start':
        return;
    }
  });

  return Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', 1024, () => {
            const address = server.address();
            resolve(typeof address === 'object' && address ? address.port : 0);
          });
        }),
    ),
  );
}

function emptyStats(): ServerStats {
  const answers = Object.fromEntries(
    (['feed', 'not_modified', 'redirect', 'slow', 'server_error', 'not_found', 'timeout', 'html_page', 'garbage'] as Answer[]).map((a) => [
      a,
      0,
    ]),
  ) as Record<Answer, number>;
  return { answers, requests: 0, bodyBytes: 0, documentBytes: 0, cpuMs: 0, hanging: 0 };
}

if (process.argv[1] === import.meta.filename && process.argv[2] === 'serve') {
  if (!process.send) throw new Error('the feed server runs as a child of FeedServer.start()');
  // The parent going away (Ctrl-C, a crash) ends the server too.
  process.on('disconnect', () => process.exit(0));
  process.once('message', (message: Request) => {
    if (message.type !== 'start') return;
    serve(message).then(
      (ports) => process.send!({ type: 'ready', ports } satisfies Reply),
      (error: unknown) => process.send!({ type: 'error', error: String(error) } satisfies Reply),
    );
  });
}
