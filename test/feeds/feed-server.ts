import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that plays websites and feeds for the tests: each path
 * answers as told (status, headers, body, delay), and every request is recorded, so a test can
 * check what the product asked for (conditional headers, how often, with which User-Agent).
 */

export type Route =
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number }
  | ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>);

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  at: number;
}

export class FeedServer {
  readonly routes = new Map<string, Route>();
  readonly requests: RecordedRequest[] = [];
  #server: Server | null = null;
  url = '';

  /** On 127.0.0.1 unless told otherwise (`::1` is another host on loopback). */
  static async start(host = '127.0.0.1'): Promise<FeedServer> {
    const feeds = new FeedServer();
    feeds.#server = createServer((req, res) => void feeds.#handle(req, res));
    await new Promise<void>((resolve) => feeds.#server!.listen(0, host, resolve));
    const port = (feeds.#server!.address() as AddressInfo).port;
    feeds.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return feeds;
  }

  set(path: string, route: Route): string {
    this.routes.set(path, route);
    return `${this.url}${path}`;
  }

  hits(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push({ path, headers: req.headers, at: Date.now() });
    const route = this.routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>Not found</title><h1>Not found</h1>');
      return;
    }
    if (typeof route === 'function') return route(req, res);
    if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
    if (res.destroyed) return;
    res.writeHead(route.status ?? 200, route.headers ?? { 'content-type': 'application/rss+xml; charset=utf-8' }).end(route.body ?? '');
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

export function rss(
  title: string,
  items: Array<{ title: string; link?: string; guid?: string; date?: string; description?: string }>,
  extra = '',
): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>${title}</title><link>https://blog.example/</link><description>About ${title}</description>${extra}
${items
  .map(
    (i) =>
      `<item><title>${i.title}</title>${i.link ? `<link>${i.link}</link>` : ''}${i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : ''}${i.date ? `<pubDate>${i.date}</pubDate>` : ''}<description><![CDATA[${i.description ?? `<p>${i.title} — the text.</p>`}]]></description></item>`,
  )
  .join('\n')}
</channel></rss>`;
}
