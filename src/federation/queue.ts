import { AsyncLocalStorage } from 'node:async_hooks';
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify';
import type { Queryable, Tx } from '../db/database.ts';
import { type EnqueueOptions, type JobContext, type Jobs, PermanentJobError } from '../jobs/jobs.ts';
import type { HttpClient } from '../platform/http.ts';
import { currentDelivery, type Delivery, fetchErrorIn, runDelivery } from './delivery.ts';

/** Fedify's messages: `fanout` and `outbox` deliver, `inbox` processes a received activity. */
interface FedifyMessage {
  type?: string;
  /** Outbox messages: the inbox they go to. */
  inbox?: string;
  /** Outbox messages the circuit breaker held back (the host failed again and again). */
  circuitHeld?: boolean;
}

/** Told after each delivery attempt (the admin's instance health); a success is written in `db`, the job's completion. */
export type DeliveryObserver = (inbox: string, ok: boolean, error?: string, db?: Queryable) => Promise<void>;

export interface QueueOptions {
  jobs: Jobs;
  /** Deliveries go through this client (SSRF guard, limits); see delivery.ts. */
  http: HttpClient;
  /** Time limit of one delivery request. */
  deliveryTimeoutMs: number;
  observe?: DeliveryObserver;
}

type Handler = (message: unknown) => Promise<void> | void;

export const FEDERATION_LANE = 'federation';
export const DELIVERY_JOB = 'federation.deliver';
export const INBOX_JOB = 'federation.receive';
/** About 1.5 days of retries: 30 s, 1 min, 2 min … capped at 6 h between attempts. */
export const DELIVERY_JOB_OPTIONS = { lane: FEDERATION_LANE, maxAttempts: 12, backoffMs: 30_000, timeoutMs: 60_000 };
export const INBOX_JOB_OPTIONS = { lane: FEDERATION_LANE, maxAttempts: 6, backoffMs: 10_000, timeoutMs: 60_000 };
export type { FedifyMessage };

/**
 * Fedify's message queue on our durable job runner: a message is a job, so deliveries and
 * received activities survive restarts, are shared by every worker process and retry with
 * exponential backoff (`nativeRetrial`: Fedify leaves retrying to us). Both kinds run in the
 * federation lane, whose worker has its own concurrency, so a slow server cannot starve feeds.
 * What a job queues while it runs is inserted with its completion (completeWithQueued).
 *
 * When a host keeps failing, Fedify's circuit breaker holds its deliveries back: the attempt
 * then enqueues a held copy instead of sending. That attempt is neither a success nor a
 * failure for the instance's health; the held copy waits for the breaker, and is dropped after
 * the held-activity limit set in federation.ts (reported to the observer as a failure).
 */
export class JobsMessageQueue implements MessageQueue {
  readonly nativeRetrial = true;
  readonly #jobs: Jobs;
  #handler: Handler | null = null;
  /** Runs a delivery (or fan-out) message: the federation.deliver job. */
  readonly deliver: (message: FedifyMessage, ctx: JobContext) => Promise<void>;
  /** Processes a received activity: the federation.receive job. */
  readonly receive: (message: FedifyMessage, ctx: JobContext) => Promise<void>;

  constructor(options: QueueOptions) {
    const { jobs, http, deliveryTimeoutMs, observe } = options;
    this.#jobs = jobs;
    const handle = async (message: FedifyMessage) => {
      if (!this.#handler) throw new Error('the federation queue is not listening in this process');
      return this.#handler(message);
    };
    this.receive = (message, ctx) => completeWithQueued(jobs, ctx, () => handle(message));
    this.deliver = (message, ctx) => completeWithQueued(jobs, ctx, () => send(message, ctx));
    const send = async (message: FedifyMessage, ctx: JobContext) => {
      if (message.type !== 'outbox' || !message.inbox) return handle(message);
      const delivery: Delivery = { http, timeoutMs: deliveryTimeoutMs, signal: ctx.signal, held: false };
      try {
        await runDelivery(delivery, async () => handle(message));
      } catch (error) {
        await observe?.(message.inbox, false, (error as Error).message.split('\n')[0]);
        // An inbox at a private address or a bad URL will not get better by trying again.
        const cause = fetchErrorIn(error);
        if (cause?.code === 'blocked_address' || cause?.code === 'bad_url') throw new PermanentJobError(cause.message);
        throw error;
      }
      if (!delivery.held) {
        // A success is counted with the job's removal: a crash before it neither loses nor doubles the count.
        const inbox = message.inbox;
        if (observe && !writeAtCompletion((tx) => observe(inbox, true, undefined, tx))) await observe(inbox, true);
      } else if (delivery.failure) {
        // Held after a failed attempt: that attempt still counts as a failure.
        await observe?.(message.inbox, false, delivery.failure);
      }
    };
  }

  async enqueue(message: FedifyMessage, options?: MessageQueueEnqueueOptions): Promise<void> {
    if (message.circuitHeld) {
      const delivery = currentDelivery();
      if (delivery) delivery.held = true;
    }
    const kind = message.type === 'inbox' ? INBOX_JOB : DELIVERY_JOB;
    if (!queueAtCompletion(kind, [message], options)) await this.#jobs.enqueue(kind, message, jobOptions(options));
  }

  /** A fan-out to many inboxes: one insert per few hundred deliveries. */
  async enqueueMany(messages: readonly FedifyMessage[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const inbox = messages.filter((m) => m.type === 'inbox');
    const deliveries = messages.filter((m) => m.type !== 'inbox');
    if (inbox.length > 0 && !queueAtCompletion(INBOX_JOB, inbox, options))
      await this.#jobs.enqueueMany(INBOX_JOB, inbox, jobOptions(options));
    if (deliveries.length > 0 && !queueAtCompletion(DELIVERY_JOB, deliveries, options))
      await this.#jobs.enqueueMany(DELIVERY_JOB, deliveries, jobOptions(options));
  }

  /** Handles messages until `signal` aborts; the job runner does the polling. */
  listen(handler: Handler, options?: MessageQueueListenOptions): Promise<void> {
    this.#handler = handler;
    return new Promise((resolve) => {
      if (!options?.signal) return;
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

function jobOptions(options: MessageQueueEnqueueOptions | undefined) {
  return {
    delayMs: options?.delay ? Math.max(0, options.delay.total({ unit: 'millisecond' })) : undefined,
    orderingKey: options?.orderingKey ? `federation:${options.orderingKey}` : undefined,
  };
}

/**
 * What a federation job leaves behind: the jobs it queues (the fan-out of a post, one delivery
 * per inbox, a delivery held by the circuit breaker, the Accept of a received Follow) and the
 * mark that a received activity was processed (kv.ts).
 */
interface Successors {
  jobs: Array<{ kind: string; payloads: FedifyMessage[]; options: EnqueueOptions }>;
  writes: Array<(tx: Tx) => Promise<void>>;
}
const successors = new AsyncLocalStorage<Successors>();

/**
 * Runs a federation job's `work`, then writes what it queued (and marked) in the transaction
 * that removes the job. A worker killed at any moment thus leaves either the job, which runs
 * again, or everything it queued, never both: a crash never doubles a delivery upstream of the
 * delivery itself (docs/federation.md, "Delivery guarantees"). If the work fails, nothing it
 * queued is kept; the retry queues it again.
 */
export async function completeWithQueued(jobs: Jobs, ctx: JobContext, work: () => Promise<void>): Promise<void> {
  const pending: Successors = { jobs: [], writes: [] };
  await successors.run(pending, work);
  await ctx.complete(async (tx) => {
    for (const write of pending.writes) await write(tx);
    for (const { kind, payloads, options } of pending.jobs) await jobs.enqueueMany(kind, payloads, { ...options, tx });
  });
}

/** Inside completeWithQueued: keeps messages for the job's completion (true), or says to queue them now (false). */
function queueAtCompletion(kind: string, payloads: FedifyMessage[], options: MessageQueueEnqueueOptions | undefined): boolean {
  const pending = successors.getStore();
  if (!pending) return false;
  const { delayMs, orderingKey } = jobOptions(options);
  // The delay counts from now, not from the completion.
  pending.jobs.push({ kind, payloads, options: { runAt: Date.now() + (delayMs ?? 0), orderingKey } });
  return true;
}

/** Inside completeWithQueued: keeps a database write for the job's completion (true), or says to write it now (false). */
export function writeAtCompletion(write: (tx: Tx) => Promise<void>): boolean {
  const pending = successors.getStore();
  if (!pending) return false;
  pending.writes.push(write);
  return true;
}
