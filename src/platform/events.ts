import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import type { Logger } from './logger.ts';

/**
 * Live events for Server-Sent Events: "a post entered these timelines", "member 12 has a new
 * notification". Events are addressed to topics (`home:12`, `list:3`, `local`, `tag:edtech`,
 * `member:12`, …) and reach every process: through PostgreSQL LISTEN/NOTIFY when the database
 * is PostgreSQL, in-process on SQLite (one process serves a SQLite site).
 * Publish after the transaction that made the change has committed.
 *
 * Every event is first written to the `live_events` log, whose id becomes the event's SSE id.
 * A client that reconnects with `Last-Event-ID` is sent what it missed from the log (`replay`),
 * on whichever process it reconnects to. Ids are committed in the order they are assigned: on
 * PostgreSQL the log is written under a transaction-level advisory lock, on SQLite one writer
 * does it (see docs/timelines.md). The log keeps `REPLAY_WINDOW_MS` of events (`prune`).
 */
export interface LiveEvent {
  topics: string[];
  kind: string;
  data: Record<string, unknown>;
}

/** An event as listeners get it: with its id in the log (ids grow in publishing order). */
export interface PublishedEvent extends LiveEvent {
  id: number;
}

export type Listener = (event: PublishedEvent) => void;

/** What a reconnecting client missed, or (reset) that it missed too much to be told. */
export type Replay = { reset: false; events: PublishedEvent[] } | { reset: true; head: number };

const CHANNEL = 'commonroom_events';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7000;
/** How long the log keeps events: a client away for longer is told to reload. */
export const REPLAY_WINDOW_MS = 10 * 60_000;
/** The most events one replay sends; a client further behind is told to reload. */
export const MAX_REPLAY = 500;
/** The log never keeps more rows than this, however busy the window. */
const MAX_LOG_ROWS = 100_000;
/** Serialises publishing on PostgreSQL, so that log ids commit in order (any constant key). */
const PUBLISH_LOCK = 7_361_004_417;

/** A `Last-Event-ID` header as one of our ids (null when absent or not one). */
export function parseEventId(value: string | undefined): number | null {
  const text = value?.trim();
  return text && /^[0-9]{1,15}$/.test(text) ? Number(text) : null;
}

export class EventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #logger: Logger;
  readonly #database: Database;
  readonly #databaseUrl: string | undefined;
  #listenClient: pg.Client | null = null;
  /** PostgreSQL: connections for publishing. */
  #pool: pg.Pool | null = null;
  #closed = false;
  /** SQLite: publishes one at a time, so that listeners get events in id order. */
  #publishing: Promise<void> = Promise.resolve();
  /** PostgreSQL: the newest id dispatched, to fill a gap after the LISTEN connection was lost. */
  #lastDispatched = 0;
  /** PostgreSQL: notifications that arrive while a gap is being filled wait here. */
  #held: PublishedEvent[] | null = null;

  constructor(logger: Logger, database: Database, databaseUrl?: string) {
    this.#logger = logger.child({ component: 'events' });
    this.#database = database;
    this.#databaseUrl = database.dialect === 'postgres' ? databaseUrl : undefined;
  }

  /** Connects the LISTEN side on PostgreSQL (no-op on SQLite). */
  async start(): Promise<void> {
    if (!this.#databaseUrl || this.#listenClient) return;
    // Read before listening: every notification is then newer (streams open only after start).
    this.#lastDispatched = await this.head();
    await this.#listen();
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload) return;
      try {
        const event = JSON.parse(message.payload) as PublishedEvent;
        if (this.#held) this.#held.push(event);
        else this.#deliver(event);
      } catch (error) {
        this.#logger.warn({ error: (error as Error).message }, 'bad live event payload');
      }
    });
    client.on('error', (error) => {
      this.#logger.warn({ error: error.message }, 'live events connection lost; reconnecting');
      this.#listenClient = null;
      client.end().catch(() => {});
      if (!this.#closed) setTimeout(() => void this.#relisten(), 1000).unref();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.#listenClient = client;
  }

  /** Listens again after the connection was lost, and dispatches from the log what was published meanwhile. */
  async #relisten(): Promise<void> {
    this.#held = [];
    try {
      await this.#listen();
      // A page at a time; a stream that cannot take them all is dropped, and replays itself.
      for (;;) {
        const rows = await this.#database.db
          .selectFrom('live_events')
          .select(['id', 'topics', 'kind', 'data'])
          .where('id', '>', this.#lastDispatched)
          .orderBy('id')
          .limit(MAX_REPLAY)
          .execute();
        for (const row of rows)
          this.#deliver({ id: row.id, topics: row.topics.trim().split(' '), kind: row.kind, data: JSON.parse(row.data) });
        if (rows.length < MAX_REPLAY) break;
      }
    } catch (error) {
      this.#logger.warn({ error: (error as Error).message }, 'could not listen for live events again');
      // Listening without having caught up would miss events: start over.
      await this.#listenClient?.end().catch(() => {});
      this.#listenClient = null;
      if (!this.#closed) setTimeout(() => void this.#relisten(), 1000).unref();
    } finally {
      const held = this.#held ?? [];
      this.#held = null;
      for (const event of held) this.#deliver(event);
    }
  }

  /** Dispatches a notification unless it is older than what was dispatched (chunks of one event share its id). */
  #deliver(event: PublishedEvent): void {
    if (event.id < this.#lastDispatched) return;
    this.#lastDispatched = event.id;
    this.#dispatch(event);
  }

  subscribe(topics: string[], listener: Listener): () => void {
    for (const topic of topics) {
      let set = this.#listeners.get(topic);
      if (!set) this.#listeners.set(topic, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const topic of topics) {
        const set = this.#listeners.get(topic);
        set?.delete(listener);
        if (set?.size === 0) this.#listeners.delete(topic);
      }
    };
  }

  /** How many listeners are attached (for tests and metrics). */
  get listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  /**
   * Writes the event to the log and sends it to every process's listeners. An event that cannot
   * be logged is not sent (a warning is logged): a live stream never shows what a replay would not.
   */
  async publish(event: LiveEvent): Promise<void> {
    if (event.topics.length === 0) return;
    const topics = [...new Set(event.topics)];
    const row = { topics: ` ${topics.join(' ')} `, kind: event.kind, data: JSON.stringify(event.data), created_at: Date.now() };
    try {
      // The log separates topics with spaces (topics are ids and slugs: they have none).
      if (topics.some((topic) => /\s/.test(topic))) throw new Error(`a live event topic has a space: ${topics.join(', ')}`);
      if (this.#database.dialect === 'sqlite') {
        const done = this.#publishing.then(async () => {
          const { id } = await this.#database.db.insertInto('live_events').values(row).returning('id').executeTakeFirstOrThrow();
          // Let the publisher finish its request first.
          setImmediate(() => this.#dispatch({ ...event, topics, id }));
        });
        this.#publishing = done.catch(() => {});
        await done;
        return;
      }
      // Its own small pool: publishers waiting for the lock must not hold the connections that
      // requests need.
      this.#pool ??= this.#publishPool();
      const client = await this.#pool.connect();
      try {
        await client.query('begin');
        // Ids are assigned and committed one publisher at a time, so that no reader can see id
        // n+1 before id n has committed (a sequence alone would allow it).
        await client.query('select pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
        const inserted = await client.query<{ id: number }>(
          'insert into live_events (topics, kind, data, created_at) values ($1, $2, $3, $4) returning id',
          [row.topics, row.kind, row.data, row.created_at],
        );
        const payloads = chunkTopics({ ...event, topics, id: Number(inserted.rows[0]!.id) }).map((chunk) => JSON.stringify(chunk));
        // Sent at commit, in this order.
        await client.query('select pg_notify($1, payload) from unnest($2::text[]) with ordinality as p(payload, n) order by n', [
          CHANNEL,
          payloads,
        ]);
        await client.query('commit');
        client.release();
      } catch (error) {
        await client.query('rollback').catch(() => {});
        client.release(error as Error);
        throw error;
      }
    } catch (error) {
      this.#logger.warn({ error: (error as Error).message, kind: event.kind }, 'could not publish a live event');
    }
  }

  /**
   * The events on these topics published after `afterId`, in order, for a client reconnecting
   * with `Last-Event-ID`. Reset when the log no longer holds all of them (pruned), when they are
   * more than `limit`, or when `afterId` is newer than any event (not an id of this log).
   * Subscribe before calling this, then skip live events whose id is not above the last replayed.
   */
  async replay(topics: string[], afterId: number, options: { limit?: number } = {}): Promise<Replay> {
    const limit = options.limit ?? MAX_REPLAY;
    const { db, dialect } = this.#database;
    const has = (topic: string) =>
      dialect === 'postgres' ? sql<boolean>`strpos(topics, ${` ${topic} `}) > 0` : sql<boolean>`instr(topics, ${` ${topic} `}) > 0`;
    const rows =
      topics.length === 0
        ? []
        : await db
            .selectFrom('live_events')
            .select(['id', 'kind', 'data'])
            .select(topics.map((topic, i) => has(topic).as(`t${i}`)))
            .where('id', '>', afterId)
            .where((eb) => eb.or(topics.map((topic) => has(topic))))
            .orderBy('id')
            .limit(limit + 1)
            .execute();
    // Read after the events: pruning deletes the oldest rows first, so if the oldest row left is
    // still at or below afterId + 1, none of the events after afterId had been pruned.
    const bounds = await db
      .selectFrom('live_events')
      .select((eb) => [eb.fn.min('id').as('oldest'), eb.fn.max('id').as('newest')])
      .executeTakeFirstOrThrow();
    const oldest = bounds.oldest === null ? null : Number(bounds.oldest);
    const head = bounds.newest === null ? 0 : Number(bounds.newest);
    if (afterId > head || (oldest !== null && oldest > afterId + 1) || rows.length > limit) return { reset: true, head };
    return {
      reset: false,
      events: rows.map((row) => {
        const flags = row as unknown as Record<string, unknown>;
        return {
          id: row.id,
          kind: row.kind,
          data: JSON.parse(row.data),
          topics: topics.filter((_, i) => flags[`t${i}`] === true || flags[`t${i}`] === 1),
        };
      }),
    };
  }

  /** The newest id in the log (0 when it is empty). */
  async head(): Promise<number> {
    const row = await this.#database.db
      .selectFrom('live_events')
      .select((eb) => eb.fn.max('id').as('newest'))
      .executeTakeFirstOrThrow();
    return row.newest === null ? 0 : Number(row.newest);
  }

  /**
   * Deletes events older than the replay window (and beyond MAX_LOG_ROWS), always keeping the
   * newest, which tells `replay` where the log stands. Deletes oldest first. Returns the count.
   */
  async prune(now = Date.now()): Promise<number> {
    const { db } = this.#database;
    const head = await this.head();
    const young = await db
      .selectFrom('live_events')
      .select('id')
      .where('created_at', '>=', now - REPLAY_WINDOW_MS)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    const keepFrom = Math.min(Math.max(young?.id ?? head, head - MAX_LOG_ROWS + 1), head);
    const result = await db.deleteFrom('live_events').where('id', '<', keepFrom).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  #dispatch(event: PublishedEvent): void {
    const called = new Set<Listener>();
    for (const topic of event.topics) {
      for (const listener of this.#listeners.get(topic) ?? []) {
        if (called.has(listener)) continue;
        called.add(listener);
        try {
          listener(event);
        } catch (error) {
          this.#logger.warn({ error: (error as Error).message }, 'live event listener failed');
        }
      }
    }
  }

  #publishPool(): pg.Pool {
    const pool = new pg.Pool({ connectionString: this.#databaseUrl, max: 2 });
    // An idle client losing its server must not crash the process; the next publish reconnects.
    pool.on('error', () => {});
    return pool;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#listenClient?.end().catch(() => {});
    await this.#pool?.end().catch(() => {});
    this.#listenClient = null;
    this.#pool = null;
  }
}

/** Splits an event addressed to many topics into events that each fit one NOTIFY. */
function chunkTopics(event: PublishedEvent): PublishedEvent[] {
  const base = JSON.stringify({ ...event, topics: [] }).length;
  const chunks: PublishedEvent[] = [];
  let current: string[] = [];
  let size = base;
  for (const topic of event.topics) {
    if (size + topic.length + 3 > MAX_PAYLOAD && current.length > 0) {
      chunks.push({ ...event, topics: current });
      current = [];
      size = base;
    }
    current.push(topic);
    size += topic.length + 3;
  }
  if (current.length > 0) chunks.push({ ...event, topics: current });
  return chunks;
}
