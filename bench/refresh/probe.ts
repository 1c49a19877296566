import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type Summary, summarize } from '../lib/stats.ts';

/**
 * What a refresh costs the rest of the product on SQLite: while the refresher runs (in its
 * own process), another process — this one, standing in for the web server — makes a small
 * write every 250 ms, as a sign-in or a post would, and times how long it waits for the
 * database's write lock. SQLite has one writer at a time, and the refresher holds the lock
 * for each source's transaction.
 */
export class WriteProbe {
  readonly #db: DatabaseSync;
  readonly #samples: number[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(dataDir: string) {
    this.#db = new DatabaseSync(join(dataDir, 'commonroom.db'));
    // As the product opens it (src/db/sqlite.ts).
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;');
    const update = this.#db.prepare('update members set last_login_at = ? where id = (select min(id) from members)');
    this.#timer = setInterval(() => {
      const started = performance.now();
      try {
        this.#db.exec('begin immediate');
        update.run(Date.now());
        this.#db.exec('commit');
        this.#samples.push(performance.now() - started);
      } catch {
        // busy for longer than busy_timeout: counts as the longest wait
        this.#samples.push(performance.now() - started);
        if (this.#db.isTransaction) this.#db.exec('rollback');
      }
    }, 250);
  }

  stop(): Summary {
    clearInterval(this.#timer);
    this.#db.close();
    return summarize(this.#samples);
  }
}
