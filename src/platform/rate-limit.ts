import { sql } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * Fixed-window counters in the database, so every web process sees the same count.
 * `hit` adds one and returns the new count and when the window resets.
 */
export class RateLimiter {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async peek(key: string): Promise<{ count: number; resetAt: number }> {
    const row = await this.#database.db.selectFrom('rate_limits').select(['count', 'reset_at']).where('key', '=', key).executeTakeFirst();
    if (!row || row.reset_at <= Date.now()) return { count: 0, resetAt: 0 };
    return { count: row.count, resetAt: row.reset_at };
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }> {
    const now = Date.now();
    const row = await this.#database.db
      .insertInto('rate_limits')
      .values({ key, count: 1, reset_at: now + windowMs })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.count + 1 end`,
          reset_at: sql`case when rate_limits.reset_at <= ${now} then ${now + windowMs} else rate_limits.reset_at end`,
        }),
      )
      .returning(['count', 'reset_at'])
      .executeTakeFirstOrThrow();
    return { count: row.count, resetAt: row.reset_at };
  }

  async clear(key: string): Promise<void> {
    await this.#database.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }

  /** Drops expired windows (run by a recurring job). */
  async prune(): Promise<void> {
    await this.#database.db.deleteFrom('rate_limits').where('reset_at', '<=', Date.now()).execute();
  }
}
