import { AsyncLocalStorage } from 'node:async_hooks';
import { FetchError, type HttpClient } from '../platform/http.ts';

/**
 * Fedify sends activities with the global `fetch`, which knows nothing of our SSRF guard and
 * has no time limit: a server that never answers would hold a federation slot until the job's
 * own limit. While a delivery job runs, its `fetch` calls go through our HttpClient instead —
 * private addresses refused (unless allowed), one time limit per request, a small cap on the
 * answer, redirects handed back to Fedify (which re-signs and follows them itself). Outside a
 * delivery the global `fetch` is untouched.
 */
export interface Delivery {
  http: HttpClient;
  timeoutMs: number;
  /** The job's signal: aborted when it runs out of time or the worker stops. */
  signal: AbortSignal;
  /** Set when Fedify's circuit breaker held the activity back (instead of sending, or after this attempt failed). */
  held: boolean;
  /** Why the last request of this delivery failed, if it did. */
  failure?: string;
}

const current = new AsyncLocalStorage<Delivery>();
let installed = false;

/** The delivery this code runs for, if any. */
export const currentDelivery = (): Delivery | undefined => current.getStore();

export function runDelivery<T>(delivery: Delivery, work: () => Promise<T>): Promise<T> {
  if (!installed) {
    installed = true;
    const original = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      const delivery = current.getStore();
      return delivery ? deliver(delivery, new Request(input, init)) : original(input, init);
    };
  }
  return current.run(delivery, work);
}

/** An inbox's answer is read only for an error message. */
const MAX_ANSWER_BYTES = 64 * 1024;
const NULL_BODY_STATUS = new Set([204, 205, 304]);
/** Describe the bytes we hand over (already decompressed), not the ones that came. */
const DROPPED_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding']);

async function deliver(delivery: Delivery, request: Request): Promise<Response> {
  try {
    const response = await send(delivery, request);
    delivery.failure = response.status >= 400 ? `the server answered ${response.status}` : undefined;
    return response;
  } catch (error) {
    delivery.failure = (error as Error).message;
    throw error;
  }
}

async function send(delivery: Delivery, request: Request): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method !== 'POST' && method !== 'GET') throw new FetchError('bad_url', `deliveries do not ${method}`);
  const result = await delivery.http.fetch(request.url, {
    method,
    headers: Object.fromEntries(request.headers),
    body: method === 'POST' ? Buffer.from(await request.arrayBuffer()) : undefined,
    maxBytes: MAX_ANSWER_BYTES,
    timeoutMs: delivery.timeoutMs,
    redirect: 'manual',
    signal: AbortSignal.any([delivery.signal, request.signal]),
  });
  if (result.status < 200 || result.status > 599) throw new FetchError('network', `the server answered with status ${result.status}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers)) {
    if (DROPPED_HEADERS.has(name)) continue;
    for (const item of [value ?? []].flat()) headers.append(name, item);
  }
  return new Response(NULL_BODY_STATUS.has(result.status) ? null : new Uint8Array(result.body), { status: result.status, headers });
}

/** Our FetchError behind Fedify's wrapping of it, if that is what failed. */
export function fetchErrorIn(error: unknown): FetchError | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof FetchError) return e;
  }
  return null;
}
