import { type KeyCache, verifyRequest } from '@fedify/fedify';
import type { CryptographicKey, Multikey } from '@fedify/vocab';
import type { DocumentLoader } from '@fedify/vocab-runtime';
import { Temporal } from '@js-temporal/polyfill';
import type { Database } from '../db/database.ts';
import type { DatabaseKvStore } from './kv.ts';

const KEY = ['commonroom', 'relayed'] as const;
/** Long enough for the receive job (and its retries) to ask. */
const REMEMBER = Temporal.Duration.from({ hours: 24 }) as unknown as globalThis.Temporal.Duration;
/** Relay keys are kept this long in memory (relays send many activities, each signed). */
const KEY_CACHE_MS = 3600_000;

/**
 * Mastodon-style relays forward the public activities they receive as they came (FEP-ae0c): a
 * Create signed by its author (LD signature or object proof), delivered under the relay's own
 * HTTP signature. Fedify verifies the author's signature and hands the Create on as the
 * author's, so nothing would tell the inbox that a relay brought it, and a post by someone
 * nobody here follows would be dropped. Before Fedify sees such a request, this checks the
 * relay's HTTP signature (only for requests whose key belongs to a relay we subscribe to) and
 * notes the activity id, which the inbox then asks about.
 */
export interface RelayedActivitiesDeps {
  database: Database;
  kv: DatabaseKvStore;
  loader: () => DocumentLoader;
}

export class RelayedActivitiesService {
  readonly #database: Database;
  readonly #kv: DatabaseKvStore;
  readonly #loader: () => DocumentLoader;
  readonly #keys = new MemoryKeyCache();

  constructor(deps: RelayedActivitiesDeps) {
    this.#database = deps.database;
    this.#kv = deps.kv;
    this.#loader = deps.loader;
  }

  /** Notes the activity of an inbox POST when a subscribed relay signed the request. Never throws. */
  async note(request: Request): Promise<void> {
    const keyId = signerKeyId(request.headers);
    if (!keyId) return;
    let origin: string;
    try {
      origin = new URL(keyId).origin;
    } catch {
      return;
    }
    const relays = await this.#database.db
      .selectFrom('relays')
      .select(['inbox_url', 'actor_uri'])
      .where('state', '=', 'accepted')
      .execute();
    if (!relays.some((r) => new URL(r.inbox_url).origin === origin || (r.actor_uri !== null && new URL(r.actor_uri).origin === origin)))
      return;
    try {
      const loader = this.#loader();
      const key = await verifyRequest(request.clone(), {
        documentLoader: loader,
        contextLoader: loader,
        keyCache: this.#keys,
        timeWindow: { hours: 12 },
      });
      if (!key) return;
      const id = (JSON.parse(await request.clone().text()) as { id?: unknown }).id;
      if (typeof id === 'string') await this.#kv.set([...KEY, id], true, { ttl: REMEMBER });
    } catch {
      // Not verifiable, or not JSON: Fedify answers it as it would anyway.
    }
  }

  async wasRelayed(activityId: string): Promise<boolean> {
    return (await this.#kv.get([...KEY, activityId])) === true;
  }
}

/** The key id a request is signed with (draft-cavage `Signature`, or RFC 9421 `Signature-Input`). */
function signerKeyId(headers: Headers): string | null {
  const cavage = headers.get('signature')?.match(/keyId="([^"]+)"/i);
  if (cavage && !headers.has('signature-input')) return cavage[1]!;
  return headers.get('signature-input')?.match(/keyid="([^"]+)"/i)?.[1] ?? null;
}

class MemoryKeyCache implements KeyCache {
  readonly #keys = new Map<string, { key: CryptographicKey | Multikey | null; at: number }>();

  async get(keyId: URL): Promise<CryptographicKey | Multikey | null | undefined> {
    const entry = this.#keys.get(keyId.href);
    if (!entry || Date.now() - entry.at > KEY_CACHE_MS) return undefined;
    return entry.key;
  }

  async set(keyId: URL, key: CryptographicKey | Multikey | null): Promise<void> {
    if (this.#keys.size > 100) this.#keys.clear();
    this.#keys.set(keyId.href, { key, at: Date.now() });
  }
}
