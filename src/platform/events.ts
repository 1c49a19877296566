import pg from 'pg';
import type { Logger } from './logger.ts';

/**
 * Live events for Server-Sent Events: "a post entered these timelines", "member 12 has a new
 * notification". Events are addressed to topics (`home:12`, `list:3`, `local`, `tag:edtech`,
 * `member:12`, …) and reach every process: through PostgreSQL LISTEN/NOTIFY when the database
 * is PostgreSQL, in-process on SQLite (one process serves a SQLite site).
 * Publish after the transaction that made the change has committed.
 */
export interface LiveEvent {
  topics: string[];
  kind: string;
  data: Record<string, unknown>;
}

export type Listener = (event: LiveEvent) => void;

const CHANNEL = 'commonroom_events';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7000;

export class EventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #logger: Logger;
  readonly #databaseUrl: string | undefined;
  #pool: pg.Pool | null = null;
  #listenClient: pg.Client | null = null;
  #closed = false;

  constructor(logger: Logger, databaseUrl?: string) {
    this.#logger = logger.child({ component: 'events' });
    this.#databaseUrl = databaseUrl;
  }

  /** Connects the LISTEN side on PostgreSQL (no-op on SQLite). */
  async start(): Promise<void> {
    if (!this.#databaseUrl || this.#listenClient) return;
    this.#pool = new pg.Pool({ connectionString: this.#databaseUrl, max: 2 });
    this.#pool.on('error', () => {});
    await this.#listen();
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload) return;
      try {
        this.#dispatch(JSON.parse(message.payload) as LiveEvent);
      } catch (error) {
        this.#logger.warn({ error: (error as Error).message }, 'bad live event payload');
      }
    });
    client.on('error', (error) => {
      this.#logger.warn({ error: error.message }, 'live events connection lost; reconnecting');
      this.#listenClient = null;
      client.end().catch(() => {});
      if (!this.#closed) setTimeout(() => void this.#listen().catch(() => {}), 1000).unref();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.#listenClient = client;
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

  async publish(event: LiveEvent): Promise<void> {
    if (event.topics.length === 0) return;
    if (!this.#pool) {
      // Let the publisher finish its request first.
      setImmediate(() => this.#dispatch(event));
      return;
    }
    for (const chunk of chunkTopics(event)) {
      try {
        await this.#pool.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(chunk)]);
      } catch (error) {
        this.#logger.warn({ error: (error as Error).message }, 'could not publish a live event');
      }
    }
  }

  #dispatch(event: LiveEvent): void {
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

  async close(): Promise<void> {
    this.#closed = true;
    await this.#listenClient?.end().catch(() => {});
    await this.#pool?.end().catch(() => {});
    this.#listenClient = null;
    this.#pool = null;
  }
}

/** Splits an event addressed to many topics into events that each fit one NOTIFY. */
function chunkTopics(event: LiveEvent): LiveEvent[] {
  const base = JSON.stringify({ ...event, topics: [] }).length;
  const chunks: LiveEvent[] = [];
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
