import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify';
import type { Jobs } from '../jobs/jobs.ts';

/** Fedify's messages: `fanout` and `outbox` deliver, `inbox` processes a received activity. */
interface FedifyMessage {
  type?: string;
  /** Outbox messages: the inbox they go to. */
  inbox?: string;
}

/** Told after each delivery attempt (the admin's instance health). */
export type DeliveryObserver = (inbox: string, ok: boolean, error?: string) => Promise<void>;

type Handler = (message: unknown) => Promise<void> | void;

export const FEDERATION_LANE = 'federation';
const DELIVERY = 'federation.deliver';
const INBOX = 'federation.receive';

/**
 * Fedify's message queue on our durable job runner: a message is a job, so deliveries and
 * received activities survive restarts, are shared by every worker process and retry with
 * exponential backoff (`nativeRetrial`: Fedify leaves retrying to us). Both kinds run in the
 * federation lane, whose worker has its own concurrency, so a slow server cannot starve feeds.
 */
export class JobsMessageQueue implements MessageQueue {
  readonly nativeRetrial = true;
  readonly #jobs: Jobs;
  #handler: Handler | null = null;

  constructor(jobs: Jobs, observe?: DeliveryObserver) {
    this.#jobs = jobs;
    const run = async (message: FedifyMessage) => {
      if (!this.#handler) throw new Error('the federation queue is not listening in this process');
      if (message.type !== 'outbox' || !message.inbox || !observe) return this.#handler(message);
      try {
        await this.#handler(message);
      } catch (error) {
        await observe(message.inbox, false, (error as Error).message.split('\n')[0]);
        throw error;
      }
      await observe(message.inbox, true);
    };
    // About 1.5 days of retries: 30 s, 1 min, 2 min … capped at 6 h between attempts.
    jobs.register(DELIVERY, run, { lane: FEDERATION_LANE, maxAttempts: 12, backoffMs: 30_000, timeoutMs: 60_000 });
    jobs.register(INBOX, run, { lane: FEDERATION_LANE, maxAttempts: 6, backoffMs: 10_000, timeoutMs: 60_000 });
  }

  async enqueue(message: FedifyMessage, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.#jobs.enqueue(message.type === 'inbox' ? INBOX : DELIVERY, message, {
      delayMs: options?.delay ? Math.max(0, options.delay.total({ unit: 'millisecond' })) : undefined,
      orderingKey: options?.orderingKey ? `federation:${options.orderingKey}` : undefined,
    });
  }

  async enqueueMany(messages: readonly FedifyMessage[], options?: MessageQueueEnqueueOptions): Promise<void> {
    await Promise.all(messages.map((message) => this.enqueue(message, options)));
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
