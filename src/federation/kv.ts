import { isDeepStrictEqual } from 'node:util';
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import type { Database, Queryable } from '../db/database.ts';
import { writeAtCompletion } from './queue.ts';

/** Key parts are joined with the unit separator, which never occurs in Fedify's keys (URLs, ids). */
const SEP = '\u001f';
const encode = (key: KvKey) => key.join(SEP);
const decode = (key: string) => key.split(SEP) as unknown as KvKey;

/**
 * Fedify's mark that a received activity was processed (its default `activityIdempotence` key
 * prefix). It is written with the receive job's completion, together with what the activity
 * made us queue: marked without its Accept committed, a crash would lose the Accept.
 */
const isProcessedMark = (key: KvKey) => key[0] === '_fedify' && key[1] === 'activityIdempotence';

function expiry(options?: KvStoreSetOptions): number | null {
  return options?.ttl ? Date.now() + options.ttl.total({ unit: 'millisecond' }) : null;
}

/**
 * Fedify's key–value store (public key cache, activity idempotency, circuit breaker state) on the
 * application database, so every web and worker process shares it. Expired entries read as
 * missing and are removed by `prune` (a recurring job).
 */
export class DatabaseKvStore implements KvStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  get #db() {
    return this.#database.db;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.#db
      .selectFrom('federation_kv')
      .select(['value', 'expires_at'])
      .where('key', '=', encode(key))
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return undefined;
    return JSON.parse(row.value) as T;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const values = { key: encode(key), value: JSON.stringify(value ?? null), expires_at: expiry(options) };
    const write = async (db: Queryable) => {
      await db
        .insertInto('federation_kv')
        .values(values)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: values.value, expires_at: values.expires_at }))
        .execute();
    };
    if (isProcessedMark(key) && writeAtCompletion(write)) return;
    await write(this.#db);
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.deleteFrom('federation_kv').where('key', '=', encode(key)).execute();
  }

  /**
   * Sets `newValue` only if the stored value still equals `expectedValue` (undefined: absent or
   * expired); a `newValue` of undefined deletes. Values are compared as JSON, as Fedify's own
   * stores compare them (key order and undefined fields do not matter).
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const k = encode(key);
    const now = Date.now();
    const expected = expectedValue === undefined ? undefined : JSON.parse(JSON.stringify(expectedValue));
    return this.#db.transaction().execute(async (tx) => {
      let select = tx.selectFrom('federation_kv').select(['value', 'expires_at']).where('key', '=', k);
      if (this.#database.dialect === 'postgres') select = select.forUpdate();
      const row = await select.executeTakeFirst();
      const live = row && (row.expires_at === null || row.expires_at > now);
      if (!isDeepStrictEqual(live ? JSON.parse(row.value) : undefined, expected)) return false;
      if (newValue === undefined) {
        if (row) await tx.deleteFrom('federation_kv').where('key', '=', k).execute();
        return true;
      }
      const values = { value: JSON.stringify(newValue), expires_at: expiry(options) };
      if (row) {
        await tx.updateTable('federation_kv').set(values).where('key', '=', k).execute();
        return true;
      }
      // Absent: another process may insert the same key at the same moment; only one wins.
      const inserted = await tx
        .insertInto('federation_kv')
        .values({ key: k, ...values })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      return Boolean(inserted);
    });
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    let query = this.#db
      .selectFrom('federation_kv')
      .select(['key', 'value'])
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('key')
      .limit(10_000);
    if (prefix) {
      const p = encode(prefix);
      // Range instead of LIKE: keys hold URLs, whose `%` and `_` LIKE would treat as wildcards.
      query = query.where((eb) => eb.or([eb('key', '=', p), eb.and([eb('key', '>=', p + SEP), eb('key', '<', `${p}\u0020`)])]));
    }
    for (const row of await query.execute()) yield { key: decode(row.key), value: JSON.parse(row.value) };
  }

  /** Removes expired entries; returns how many. */
  async prune(): Promise<number> {
    const result = await this.#db.deleteFrom('federation_kv').where('expires_at', '<=', Date.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
