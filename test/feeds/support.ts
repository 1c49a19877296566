import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json, Member } from '../social/helpers.ts';
import type { TestServer } from '../support/server.ts';

/**
 * Helpers for the Sources tests: subscribing through the API, reading a subscription back,
 * and a look at the database for what the API does not show (how many items a source has).
 */

/** Subscribes through the API and fails the test unless it is created. */
export async function subscribe(member: Member, url: string, extra: { folder?: string; title?: string } = {}): Promise<Json> {
  const res = await member.api('POST', '/api/v1/subscriptions', { url, ...extra });
  assert.equal(res.status, 201, `@${member.handle} subscribing to ${url}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The member's subscription with this id, as GET /api/v1/subscriptions lists it. */
export async function subscription(member: Member, id: number): Promise<Json> {
  const res = await member.api('GET', '/api/v1/subscriptions');
  assert.equal(res.status, 200);
  const found = res.json.subscriptions.find((s: Json) => s.id === id);
  assert.ok(found, `subscription ${id} of @${member.handle}`);
  return found;
}

/** Fetches a source now ("retry"), through the API. */
export async function refresh(member: Member, subscriptionId: number): Promise<Json> {
  const res = await member.api('POST', `/api/v1/subscriptions/${subscriptionId}/refresh`);
  assert.equal(res.status, 200, `refresh ${subscriptionId}: ${JSON.stringify(res.json)}`);
  return res.json;
}

/** Every item of a scope, following cursors. */
export async function allItems(member: Member, query = 'scope=all', maxPages = 100): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const res = await member.api('GET', `/api/v1/items?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    items.push(...res.json.items);
    cursor = res.json.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('too many pages');
}

/** How many items the database holds for a source. */
export async function itemCount(server: TestServer, sourceId: number): Promise<number> {
  const row = await server.services.database.db
    .selectFrom('source_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The source's row, straight from the database. */
export async function sourceRow(server: TestServer, sourceId: number) {
  return server.services.database.db.selectFrom('sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
}

/** Milliseconds between two ISO dates of a subscription (e.g. lastFetchedAt → nextFetchAt). */
export function gap(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

export const MINUTE = 60_000;
export const HOUR = 3600_000;

/** An RSS feed whose items are `count` apart by `everyMs`, newest first (ending at `newest`). */
export function datedRss(title: string, count: number, everyMs: number, newest = Date.now() - MINUTE, prefix = title): string {
  const items = Array.from({ length: count }, (_, i) => {
    const date = new Date(newest - i * everyMs).toUTCString();
    return `<item><title>${prefix} ${i}</title><guid isPermaLink="false">${prefix}-${i}</guid><pubDate>${date}</pubDate><description>Item ${i}</description></item>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${title}</title><link>https://blog.example/</link>${items.join('')}</channel></rss>`;
}

export function atom(
  title: string,
  entries: Array<{ id: string; title: string; link: string; updated: string; content?: string }>,
): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><id>urn:x:${title}</id><updated>${entries[0]?.updated ?? '2026-01-01T00:00:00Z'}</updated><link rel="alternate" href="https://atom.example/"/>
${entries.map((e) => `<entry><id>${e.id}</id><title>${e.title}</title><link rel="alternate" href="${e.link}"/><updated>${e.updated}</updated><content type="html">${(e.content ?? `<p>${e.title}</p>`).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</content></entry>`).join('\n')}
</feed>`;
}

/**
 * A bare loopback server on another address (127.0.0.2: loopback too, but not in the test
 * allow-list), recording requests: the SSRF tests check nothing ever reached it.
 */
export class PrivateServer {
  readonly requests: string[] = [];
  #server: Server | null = null;
  url = '';

  static async start(host = '127.0.0.2'): Promise<PrivateServer> {
    const self = new PrivateServer();
    self.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      self.requests.push(req.url ?? '/');
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end('<rss version="2.0"><channel><title>Private</title><item><title>secret</title><guid>secret</guid></item></channel></rss>');
    });
    await new Promise<void>((resolve) => self.#server!.listen(0, host, resolve));
    self.url = `http://${host}:${(self.#server!.address() as AddressInfo).port}`;
    return self;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
