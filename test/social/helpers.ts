import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { hashPassword } from '../../src/platform/crypto.ts';
import { SESSION_COOKIE } from '../../src/web/middleware.ts';
import type { Client } from '../support/client.ts';
import type { TestServer } from '../support/server.ts';

/**
 * Helpers shared by the social tests. Members are created directly (sign-up itself is tested in
 * test/accounts); everything they then do goes through the doors people use: the JSON API with
 * an API token, or pages and forms with a session cookie.
 */

export const PASSWORD = 'a long enough password';
let passwordHash: Promise<string> | undefined;

// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export type Json = any;
export interface ApiResult {
  status: number;
  headers: Headers;
  json: Json;
}

export interface Member {
  handle: string;
  memberId: number;
  actorId: number;
  token: string;
  /** A cookie-keeping client signed in with a session (pages and forms). */
  web: Client;
  /** A JSON API call with this member's API token. */
  api(method: string, path: string, body?: unknown): Promise<ApiResult>;
  /** Publishes a post through the API; fails the test unless it is created. */
  post(text: string, extra?: Record<string, unknown>): Promise<Json>;
  /** The Authorization header of this member's token. */
  auth: { authorization: string };
}

export async function createMember(server: TestServer, handle: string, options: { displayName?: string } = {}): Promise<Member> {
  passwordHash ??= hashPassword(PASSWORD);
  const created = await server.services.accounts.createMember({
    handle,
    displayName: options.displayName ?? handle[0]!.toUpperCase() + handle.slice(1),
    email: `${handle}@example.org`,
    password: PASSWORD,
    passwordHash: await passwordHash,
  });
  const token = await server.services.accounts.createApiToken(created.id, 'tests');
  const session = await server.services.accounts.createSession(created.id, { ip: '127.0.0.1', userAgent: 'tests' });
  const web = server.client();
  web.cookies.set(SESSION_COOKIE, session);
  const auth = { authorization: `Bearer ${token}` };
  const api = (method: string, path: string, body?: unknown) => server.client().api(method, path, body, auth);
  return {
    handle,
    memberId: created.id,
    actorId: created.actor.id,
    token,
    web,
    auth,
    api,
    async post(text, extra = {}) {
      const res = await api('POST', '/api/v1/posts', { text, ...extra });
      assert.equal(res.status, 201, `@${handle} posting "${text}": ${JSON.stringify(res.json)}`);
      return res.json;
    },
  };
}

export async function createMembers<const T extends readonly string[]>(
  server: TestServer,
  handles: T,
): Promise<{ [K in T[number]]: Member }> {
  const result: Record<string, Member> = {};
  for (const handle of handles) result[handle] = await createMember(server, handle);
  return result as { [K in T[number]]: Member };
}

/** `a` follows `b` through the API (accepted: b does not approve followers). */
export async function follow(a: Member, b: Member): Promise<void> {
  const res = await a.api('POST', `/api/v1/people/${b.handle}/follow`);
  assert.equal(res.status, 200, `@${a.handle} follows @${b.handle}: ${JSON.stringify(res.json)}`);
  assert.equal(res.json.state, 'accepted');
}

/** GETs JSON as `who` (null: anonymous) and checks the status (200 unless told otherwise). */
export async function getJson(server: TestServer, who: Member | null, path: string, status = 200): Promise<Json> {
  const res = who ? await who.api('GET', path) : await server.client().api('GET', path);
  assert.equal(res.status, status, `GET ${path} as ${who ? `@${who.handle}` : 'anonymous'} → ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The ids of the posts on a JSON page (`{ posts: [...] }`). */
export function ids(page: { posts: Array<{ id: number }> }): number[] {
  return page.posts.map((p) => p.id);
}

/** Every post id of a paged JSON timeline, following `nextCursor` to the end. */
export async function allIds(read: (cursor: string | null) => Promise<Json>, maxPages = 50): Promise<number[]> {
  const seen: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await read(cursor);
    seen.push(...ids(page));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('too many pages');
}

/** A small real PNG. */
export async function png(width = 64, height = 48, colour = '#1d5c80'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

export function pngBlob(bytes: Buffer): Blob {
  return new Blob([new Uint8Array(bytes)], { type: 'image/png' });
}

/** Counts rows of a table (optionally filtered by one column), straight from the database. */
export async function countRows(
  server: TestServer,
  table:
    | 'posts'
    | 'media'
    | 'follows'
    | 'likes'
    | 'notifications'
    | 'hashtags'
    | 'post_hashtags'
    | 'mentions'
    | 'timeline_entries'
    | 'bookmarks'
    | 'pins'
    | 'lists'
    | 'list_members'
    | 'blocks'
    | 'mutes'
    | 'link_cards'
    | 'post_edits',
  where?: [string, unknown],
): Promise<number> {
  // Kysely's typed builder cannot take a table name chosen at run time.
  // biome-ignore lint/suspicious/noExplicitAny: dynamic table and column for a test count
  let query = (server.services.database.db as any).selectFrom(table).select((eb: any) => eb.fn.countAll().as('n'));
  if (where) query = query.where(where[0], '=', where[1]);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A snapshot of the social tables' row counts: compare before and after a refused request. */
export async function snapshot(server: TestServer): Promise<Record<string, number>> {
  const tables = [
    'posts',
    'media',
    'follows',
    'likes',
    'notifications',
    'hashtags',
    'post_hashtags',
    'mentions',
    'timeline_entries',
    'bookmarks',
    'pins',
    'lists',
    'list_members',
    'blocks',
    'mutes',
    'post_edits',
  ] as const;
  const result: Record<string, number> = {};
  for (const table of tables) result[table] = await countRows(server, table);
  // Uploaded files too: a refused post must not leave images behind.
  result.files = readdirSync(server.services.storage.root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  return result;
}

/** Waits until `check` is true (polling), or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000, message = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${message}`);
}

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
  /** When it arrived (ms since epoch). */
  at: number;
}

/**
 * A real streaming Server-Sent Events reader: fetch, then read the body as it arrives and
 * parse `event:`, `data:` and `id:` lines into events.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  readonly response: Response;
  readonly #controller: AbortController;
  #waiters: Array<() => void> = [];
  #ended = false;
  readonly done: Promise<void>;

  private constructor(response: Response, controller: AbortController) {
    this.response = response;
    this.#controller = controller;
    this.done = this.#pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    assert.equal(response.status, 200, `GET ${url} → ${response.status}`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const stream = new SseStream(response, controller);
    await stream.next((e) => e.event === 'ready', 5000);
    return stream;
  }

  async #pump(): Promise<void> {
    const reader = this.response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let current: { event: string; data: string[]; id: string | null } = { event: 'message', data: [], id: null };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.search(/\r?\n/)) !== -1) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
          if (line === '') {
            if (current.data.length > 0 || current.event !== 'message') {
              this.events.push({ event: current.event, data: current.data.join('\n'), id: current.id, at: Date.now() });
              for (const wake of this.#waiters.splice(0)) wake();
            }
            current = { event: 'message', data: [], id: null };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') current.event = value;
          else if (field === 'data') current.data.push(value);
          else if (field === 'id') current.id = value;
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      this.#ended = true;
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  /** The id a reconnecting EventSource would send as `Last-Event-ID`: the last one received. */
  get lastEventId(): string | null {
    return this.events.findLast((e) => e.id !== null)?.id ?? null;
  }

  /** Events of one kind, `data` parsed as JSON. */
  data(kind: string): Json[] {
    return this.events.filter((e) => e.event === kind).map((e) => JSON.parse(e.data));
  }

  /** The first event (from the start of the stream) matching `predicate`; waits for it. */
  async next(predicate: (event: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (this.#ended) assert.fail(`the stream ended before the awaited event; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = end - Date.now();
      if (left <= 0)
        assert.fail(
          `no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => `${e.event} ${e.data.slice(0, 80)}`))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** A `post` event for this post id (API streams carry the Post JSON, page streams its key). */
  nextPost(postId: number, timeoutMs = 3000): Promise<SseEvent> {
    return this.next((e) => e.event === 'post' && postIdOf(e) === postId, timeoutMs);
  }

  postIds(): number[] {
    return this.events.filter((e) => e.event === 'post').map(postIdOf);
  }

  close(): void {
    this.#controller.abort();
  }
}

function postIdOf(event: SseEvent): number {
  const data = JSON.parse(event.data) as { id?: number; key?: string };
  return data.id ?? Number(data.key!.split(':')[0]);
}
