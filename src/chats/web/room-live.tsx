import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type PublishedEvent, parseEventId } from '../../platform/events.ts';
import type { Viewer } from '../../platform/viewer.ts';
import { topics } from '../../social/index.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { type ChatView, chatTopic, type SeriesView } from '../records.ts';
import type { ChatsService } from '../service.ts';
import { ChatPostItem, QuestionHeading } from './chat-views.tsx';

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
 * Every event carries its id in the live-event log. A client that reconnects with
 * `Last-Event-ID` joins the hub at once (what comes live meanwhile waits for it), is sent what
 * it missed from the log, rendered and checked for it as live events are, then what waited
 * with a newer id; one that missed too much gets `reset` and live events from there.
 *
 * Events: `ready`; `post` (a new chat post: { id, question, author, firstTime, html });
 * `question` (a question asked: { number, label, text, imageUrl, imageAlt, html });
 * `moderation` ({ postId, highlighted, hidden }); `state` ({ state }); `delete` ({ id });
 * `reset` ({}: reload the room).
 */

const HEARTBEAT_MS = 25_000;
/** Unsent bytes a connection may hold (beyond what the network buffers) before it is dropped. */
export const MAX_BUFFERED = 512 * 1024;
/** Live events that may wait for a client while it catches up from the log. */
const MAX_WAITING = 500;

interface Client {
  res: ServerResponse;
  signedIn: boolean;
  moderator: boolean;
  timeZone: string;
  /** Actors this reader muted or blocked, or who blocked them. */
  quiet: Set<number>;
  /** The newest event handled for this client (sent or not). */
  handled: number;
  /** While the client catches up from the log, live events wait here. */
  waiting: Array<{ id: number; bytes: Buffer }> | null;
}

interface Frame {
  visibility: string;
  authorActorId: number;
  /** Hidden by a moderator (moderators still see it). */
  hidden: boolean;
  bytes: Buffer;
}

/** What an event means for one client: the bytes to send it (null: nothing). */
type Pick = (client: Client) => Buffer | null;

function frame(event: string, data: unknown, id: number): Buffer {
  return Buffer.from(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}

class RoomHub {
  readonly clients = new Set<Client>();
  readonly #service: ChatsService;
  readonly #series: SeriesView;
  readonly #chat: ChatView;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  /** Events are sent one after another, in the order they came. */
  #queue: Promise<void> = Promise.resolve();
  readonly #onEmpty: () => void;

  constructor(service: ChatsService, series: SeriesView, chat: ChatView, onEmpty: () => void) {
    this.#service = service;
    this.#series = series;
    this.#chat = chat;
    this.#onEmpty = onEmpty;
    this.#unsubscribe = service.events.subscribe(this.topics, (event) => {
      // Events are read and rendered as soon as they come (on PostgreSQL that is several round
      // trips each, so one at a time would fall behind a busy chat), then sent in their order.
      const ready = this.#prepare(event, this.#zones()).catch((error: unknown) => {
        service.logger.warn({ error: (error as Error).message, chat: chat.id }, 'live room event failed');
        return null;
      });
      this.#queue = this.#queue.then(async () => this.#broadcast(event.id, await ready));
    });
    this.#heartbeat = setInterval(() => this.#broadcast(0, () => KEEP_ALIVE), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  get topics(): string[] {
    return [chatTopic(this.#chat.id), topics.postChanges];
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

  /** Sends a client what it missed since `since` (from the log), then what waited for it meanwhile. */
  async catchUp(client: Client, since: number): Promise<void> {
    try {
      const missed = await this.#service.events.replay(this.topics, since);
      if (missed.reset) {
        client.handled = missed.head;
        this.#send(client, frame('reset', {}, missed.head));
      } else {
        for (const event of missed.events) {
          if (!this.clients.has(client)) return;
          const pick = await this.#prepare(event, [client.timeZone]);
          client.handled = event.id;
          const bytes = pick?.(client);
          if (bytes) this.#send(client, bytes);
        }
      }
    } catch (error) {
      // Closed rather than silently incomplete: the client reconnects and asks again.
      this.#service.logger.warn({ error: (error as Error).message, chat: this.#chat.id }, 'live room replay failed');
      client.res.destroy();
      this.remove(client);
      return;
    }
    for (const { id, bytes } of client.waiting ?? []) {
      if (id <= client.handled) continue;
      client.handled = id;
      this.#send(client, bytes);
    }
    client.waiting = null;
  }

  /** Writes to a client, or drops it when it does not keep up. */
  #send(client: Client, bytes: Buffer): void {
    if (client.res.destroyed) return;
    if (client.res.writableLength > MAX_BUFFERED) {
      this.#service.logger.info({ chat: this.#chat.id }, 'dropping a live room client that does not keep up');
      client.res.destroy();
      this.remove(client);
      return;
    }
    client.res.write(bytes);
  }

  /** Writes to every client what `pick` chooses for it (an event with id 0 is a heartbeat). */
  #broadcast(id: number, pick: Pick | null): void {
    if (!pick) {
      for (const client of this.clients) if (!client.waiting && id > client.handled) client.handled = id;
      return;
    }
    for (const client of this.clients) {
      const bytes = pick(client);
      if (client.waiting) {
        if (!bytes || id === 0) continue;
        if (client.waiting.length >= MAX_WAITING) {
          this.#service.logger.info({ chat: this.#chat.id }, 'dropping a live room client that does not catch up');
          client.res.destroy();
          this.remove(client);
          continue;
        }
        client.waiting.push({ id, bytes });
        continue;
      }
      if (id > 0) {
        if (id <= client.handled) continue;
        client.handled = id;
      }
      if (bytes) this.#send(client, bytes);
    }
  }

  #zones(): string[] {
    return [...new Set([...this.clients].map((c) => c.timeZone))];
  }

  /** What an event means for this room, rendered for these time zones (null: nothing to send). */
  async #prepare(event: PublishedEvent, zones: string[]): Promise<Pick | null> {
    if (this.clients.size === 0) return null;
    if (event.kind === 'chat.state') {
      const state = frame('state', event.data, event.id);
      return () => state;
    }
    if (event.kind === 'chat.moderation') {
      const { postId, hidden } = event.data as { postId: number; hidden: boolean };
      const moderation = frame('moderation', event.data, event.id);
      // Readers other than moderators only learn that a post went (not that it was hidden).
      const gone = frame('delete', { id: postId }, event.id);
      return (c) => (c.moderator || !hidden ? moderation : gone);
    }
    if (event.kind === 'delete') {
      const { postId, visibility } = event.data as { postId: number; visibility: string };
      // Only deletions of this room's posts, and only to readers who could have seen them.
      if (!(await this.#service.room.has(this.#chat.id, postId))) return null;
      const gone = frame('delete', { id: postId }, event.id);
      return (c) => (visibility === 'public' || c.signedIn ? gone : null);
    }
    if (event.kind !== 'post' || !event.topics.includes(chatTopic(this.#chat.id))) return null;
    const render = await this.#load(Number(event.data.postId), event.id);
    if (!render) return null;
    const frames = new Map(await Promise.all(zones.map(async (zone) => [zone, await render(zone)] as const)));
    return (c) => {
      const f = frames.get(c.timeZone) ?? null;
      if (!f || (f.visibility !== 'public' && !c.signedIn) || (f.hidden && !c.moderator) || c.quiet.has(f.authorActorId)) return null;
      return f.bytes;
    };
  }

  /** Reads a post of the room (or a question just asked) once, and renders it for any time zone. */
  async #load(postId: number, id: number): Promise<((timeZone: string) => Promise<Frame>) | null> {
    const { room, occurrences } = this.#service;
    const [asked, [post]] = await Promise.all([
      room.askedBy(this.#chat.id, postId),
      room.posts(this.#chat.id, { includeHidden: true, postId }),
    ]);
    if (asked !== null) {
      const { questions } = await occurrences.get(null, this.#series.slug, this.#chat.date);
      const question = questions.find((q) => q.number === asked);
      if (!question) return null;
      return async (timeZone) => {
        const html = String(await (<QuestionHeading question={question} timeZone={timeZone} />).toString());
        const data = {
          number: question.number,
          label: question.label,
          text: question.text,
          imageUrl: question.imageUrl,
          imageAlt: question.imageAlt,
          html,
        };
        return { visibility: 'public', authorActorId: 0, hidden: false, bytes: frame('question', data, id) };
      };
    }
    if (!post) return null;
    const question = post.questionId === null ? 0 : await room.questionNumber(post.questionId);
    return async (timeZone) => {
      const html = String(await (<ChatPostItem post={post} timeZone={timeZone} />).toString());
      const data = { id: post.id, question, author: post.author.displayName, firstTime: post.firstTime, html };
      return { visibility: post.visibility, authorActorId: post.authorActorId, hidden: post.hidden, bytes: frame('post', data, id) };
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
export async function roomLiveStream(c: AppContext, service: ChatsService, series: SeriesView, chat: ChatView) {
  const viewer: Viewer | null = c.var.viewer;
  // @hono/node-server passes Node's request and response as the environment.
  const { incoming, outgoing: res } = c.env as unknown as { incoming: IncomingMessage; outgoing: ServerResponse };
  const since = parseEventId(c.req.header('last-event-id'));
  const client: Client = {
    res,
    signedIn: viewer !== null,
    moderator: series.role !== null,
    timeZone: timeZoneOf(c),
    quiet: await service.room.silenced(viewer),
    handled: since ?? 0,
    waiting: since === null ? null : [],
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
    const created = new RoomHub(service, series, chat, () => {
      if (hubs.get(chat.id) === created) hubs.delete(chat.id);
    });
    hubs.set(chat.id, created);
    hub = created;
  }
  // Joined (subscribed) before the log is read: an event is then in the replay, or waits, or both.
  hub.add(client);
  if (since !== null) void hub.catchUp(client, since);
  return RESPONSE_ALREADY_SENT;
}
