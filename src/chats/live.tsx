import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Viewer } from '../accounts/service.ts';
import type { LiveEvent } from '../platform/events.ts';
import type { Services } from '../server.ts';
import { topics } from '../social/context.ts';
import type { AppContext } from '../web/context.ts';
import { chatTopic, type ChatView, type SeriesView } from './service.ts';
import { ChatPostItem, QuestionHeading } from './views.tsx';

/**
 * The live room's stream. A busy chat sends every new post to hundreds of open rooms, so the
 * work is done once per room and process, not once per connection: one listener per room (a
 * hub) reads and renders each post once per time zone, encodes the Server-Sent Event once, and
 * writes the same bytes to every connection whose reader may see it. What differs between
 * readers is checked without a query: signed in or not (members-only posts), people they muted
 * or blocked (read when they connect), moderator or not (hidden posts).
 *
 * The hub writes to the Node response directly: going through a web stream per connection cost
 * more than everything else together (measured with `npm run bench -- chat --cpu-prof`). A
 * connection whose unsent output passes MAX_BUFFERED (a client that stopped reading) is closed.
 *
 * Events: `ready`; `post` (a new chat post: { id, question, author, firstTime, html });
 * `question` (a question asked: { number, label, text, imageUrl, imageAlt, html });
 * `moderation` ({ postId, highlighted, hidden }); `state` ({ state }); `delete` ({ id }).
 */

const HEARTBEAT_MS = 25_000;
/** Unsent bytes a connection may hold (beyond what the network buffers) before it is dropped. */
export const MAX_BUFFERED = 512 * 1024;

interface Client {
  res: ServerResponse;
  signedIn: boolean;
  moderator: boolean;
  timeZone: string;
  /** Actors this reader muted or blocked, or who blocked them. */
  quiet: Set<number>;
}

interface Frame {
  visibility: string;
  authorActorId: number;
  bytes: Buffer;
}

function frame(event: string, data: unknown, id?: number): Buffer {
  return Buffer.from(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
}

class RoomHub {
  readonly clients = new Set<Client>();
  readonly #services: Services;
  readonly #series: SeriesView;
  readonly #chat: ChatView;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  /** Events are sent one after another, in the order they came. */
  #queue: Promise<void> = Promise.resolve();
  readonly #onEmpty: () => void;

  constructor(services: Services, series: SeriesView, chat: ChatView, onEmpty: () => void) {
    this.#services = services;
    this.#series = series;
    this.#chat = chat;
    this.#onEmpty = onEmpty;
    this.#unsubscribe = services.events.subscribe([chatTopic(chat.id), topics.postChanges], (event) => {
      // Events are read and rendered as soon as they come (on PostgreSQL that is several round
      // trips each, so one at a time would fall behind a busy chat), then sent in their order.
      const ready = this.#prepare(event).catch((error: unknown) => {
        services.logger.warn({ error: (error as Error).message, chat: chat.id }, 'live room event failed');
        return null;
      });
      this.#queue = this.#queue.then(async () => (await ready)?.());
    });
    this.#heartbeat = setInterval(() => this.#broadcast(() => KEEP_ALIVE), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  add(client: Client): void {
    this.clients.add(client);
    client.res.on('close', () => this.remove(client));
  }

  remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    if (this.clients.size === 0) {
      this.#unsubscribe();
      clearInterval(this.#heartbeat);
      this.#onEmpty();
    }
  }

  /** Writes to every client what `pick` chooses for it (null: nothing). */
  #broadcast(pick: (client: Client) => Buffer | null): void {
    for (const client of this.clients) {
      const bytes = pick(client);
      if (!bytes) continue;
      if (client.res.writableLength > MAX_BUFFERED) {
        this.#services.logger.info({ chat: this.#chat.id }, 'dropping a live room client that does not keep up');
        client.res.destroy();
        this.remove(client);
        continue;
      }
      client.res.write(bytes);
    }
  }

  /** What an event means for this room: a function that sends it to each client (null: nothing to send). */
  async #prepare(event: LiveEvent): Promise<(() => void) | null> {
    if (this.clients.size === 0) return null;
    if (event.kind === 'chat.state') {
      const state = frame('state', event.data);
      return () => this.#broadcast(() => state);
    }
    if (event.kind === 'chat.moderation') {
      const { postId, hidden } = event.data as { postId: number; hidden: boolean };
      const moderation = frame('moderation', event.data);
      // Readers other than moderators only learn that a post went (not that it was hidden).
      const gone = frame('delete', { id: postId });
      return () => this.#broadcast((c) => (c.moderator || !hidden ? moderation : gone));
    }
    if (event.kind === 'delete') {
      const { postId, visibility } = event.data as { postId: number; visibility: string };
      // Only deletions of this room's posts, and only to readers who could have seen them.
      const here = await this.#services.database.db.selectFrom('chat_posts').select('post_id').where('chat_id', '=', this.#chat.id).where('post_id', '=', postId).executeTakeFirst();
      if (!here) return null;
      const gone = frame('delete', { id: postId });
      return () => this.#broadcast((c) => (visibility === 'public' || c.signedIn ? gone : null));
    }
    if (event.kind !== 'post' || !event.topics.includes(chatTopic(this.#chat.id))) return null;
    const render = await this.#load(Number(event.data.postId));
    if (!render) return null;
    const zones = [...new Set([...this.clients].map((c) => c.timeZone))];
    const frames = new Map(await Promise.all(zones.map(async (zone) => [zone, await render(zone)] as const)));
    return () =>
      this.#broadcast((c) => {
        const f = frames.get(c.timeZone) ?? null;
        if (!f || (f.visibility !== 'public' && !c.signedIn) || c.quiet.has(f.authorActorId)) return null;
        return f.bytes;
      });
  }

  /** Reads a post of the room (or a question just asked) once, and renders it for any time zone. */
  async #load(postId: number): Promise<((timeZone: string) => Promise<Frame>) | null> {
    const { chats, database } = this.#services;
    const [asked, [post]] = await Promise.all([
      database.db.selectFrom('chat_questions').select('number').where('chat_id', '=', this.#chat.id).where('post_id', '=', postId).executeTakeFirst(),
      chats.roomPosts(this.#chat.id, { includeHidden: true, postId }),
    ]);
    if (asked) {
      const { questions } = await chats.chat(null, this.#series.slug, this.#chat.date);
      const question = questions.find((q) => q.number === asked.number);
      if (!question) return null;
      return async (timeZone) => {
        const html = String(await (<QuestionHeading question={question} timeZone={timeZone} />).toString());
        const data = { number: question.number, label: question.label, text: question.text, imageUrl: question.imageUrl, imageAlt: question.imageAlt, html };
        return { visibility: 'public', authorActorId: 0, bytes: frame('question', data, postId) };
      };
    }
    if (!post) return null;
    const question = post.questionId === null ? 0 : ((await database.db.selectFrom('chat_questions').select('number').where('id', '=', post.questionId).executeTakeFirst())?.number ?? 0);
    return async (timeZone) => {
      const html = String(await (<ChatPostItem post={post} timeZone={timeZone} />).toString());
      const data = { id: post.id, question, author: post.author.displayName, firstTime: post.firstTime, html };
      return { visibility: post.visibility, authorActorId: post.authorActorId, bytes: frame('post', data, post.id) };
    };
  }
}

const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');
const hubs = new Map<number, RoomHub>();

/** How many connections follow a chat's room in this process (for tests and metrics). */
export function roomConnections(chatId: number): number {
  return hubs.get(chatId)?.clients.size ?? 0;
}

/** Opens the room's event stream for this request: the response is written by the room's hub from here on. */
export async function roomLiveStream(c: AppContext, series: SeriesView, chat: ChatView) {
  const services = c.var.services;
  const viewer: Viewer | null = c.var.viewer;
  // @hono/node-server passes Node's request and response as the environment.
  const { incoming, outgoing: res } = c.env as unknown as { incoming: IncomingMessage; outgoing: ServerResponse };
  const client: Client = {
    res,
    signedIn: viewer !== null,
    moderator: series.role !== null,
    timeZone: viewer?.timeZone ?? 'UTC',
    quiet: await services.chats.silenced(viewer),
  };
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies (nginx) must pass events on at once.
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  res.write('retry: 3000\nevent: ready\ndata: {}\n\n');
  incoming.socket.setNoDelay(true);
  let hub = hubs.get(chat.id);
  if (!hub) {
    const created = new RoomHub(services, series, chat, () => {
      if (hubs.get(chat.id) === created) hubs.delete(chat.id);
    });
    hubs.set(chat.id, created);
    hub = created;
  }
  hub.add(client);
  return RESPONSE_ALREADY_SENT;
}
