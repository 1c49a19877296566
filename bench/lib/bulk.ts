import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import pg from 'pg';
import type { Dialect } from '../../src/db/database.ts';
import type { BenchDatabase } from './databases.ts';

/**
 * Bulk loading for benchmarks: millions of rows straight into the tables, bypassing the
 * services (which write one post at a time, as the product should). The usual bulk-load
 * moves: secondary indexes (and PostgreSQL's foreign keys) are dropped first and rebuilt in
 * one pass at the end, rows go in many per statement inside large transactions, and
 * durability is relaxed while loading (a failed load is simply thrown away).
 */

export type ColumnType = 'bigint' | 'integer' | 'text';
export type Columns = ReadonlyArray<readonly [name: string, type: ColumnType]>;
export type SqlValue = number | string | null;
export type Row = SqlValue[];

export interface InsertOptions {
  /**
   * Extra columns PostgreSQL computes from the inserted ones, as SQL over their names
   * (e.g. a tsvector from the text). Ignored on SQLite.
   */
  derived?: Record<string, string>;
}

export interface BulkLoader {
  dialect: Dialect;
  /** Drops secondary indexes (and PostgreSQL foreign keys) of these tables until finish(). */
  dropIndexes(tables: string[]): Promise<void>;
  /** Runs `work` in one transaction. */
  transaction(work: () => Promise<void>): Promise<void>;
  insert(table: string, columns: Columns, rows: Row[], options?: InsertOptions): Promise<void>;
  exec(sql: string): Promise<void>;
  /**
   * Rebuilds what dropIndexes dropped, moves id sequences past the loaded ids, and on
   * PostgreSQL vacuums and analyzes as autovacuum would have on a live server.
   */
  finish(): Promise<void>;
  close(): Promise<void>;
}

export async function openBulkLoader(database: BenchDatabase): Promise<BulkLoader> {
  return database.databaseUrl
    ? PostgresBulkLoader.connect(database.databaseUrl)
    : new SqliteBulkLoader(join(database.dataDir, 'commonroom.db'));
}

// ---- SQLite --------------------------------------------------------------------------------

/** SQLite allows 32,766 parameters per statement; 500 rows keeps statements cacheable. */
const SQLITE_MAX_PARAMS = 32_766;
const SQLITE_MAX_ROWS = 500;

class SqliteBulkLoader implements BulkLoader {
  readonly dialect = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #dropped: string[] = [];

  constructor(file: string) {
    this.#db = new DatabaseSync(file);
    // No journal and no fsync while loading; foreign keys are the generator's responsibility.
    // A large page cache keeps the B-trees being filled in memory. The product's own
    // connection settings (WAL, foreign keys on) apply again when the server opens the file.
    this.#db.exec(`
      PRAGMA journal_mode = OFF;
      PRAGMA synchronous = OFF;
      PRAGMA foreign_keys = OFF;
      PRAGMA locking_mode = EXCLUSIVE;
      PRAGMA temp_store = MEMORY;
      PRAGMA cache_size = -1048576;
      PRAGMA threads = 2;
    `);
  }

  async dropIndexes(tables: string[]): Promise<void> {
    // Indexes behind PRIMARY KEY / UNIQUE constraints have no SQL of their own and stay.
    const indexes = this.#db
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => '?').join(', ')})`,
      )
      .all(...tables) as Array<{ name: string; sql: string }>;
    for (const index of indexes) {
      this.#db.exec(`drop index "${index.name}"`);
      this.#dropped.push(index.sql);
    }
  }

  async transaction(work: () => Promise<void>): Promise<void> {
    this.#db.exec('begin');
    try {
      await work();
      this.#db.exec('commit');
    } catch (error) {
      this.#db.exec('rollback');
      throw error;
    }
  }

  async insert(table: string, columns: Columns, rows: Row[]): Promise<void> {
    const perStatement = Math.max(1, Math.min(SQLITE_MAX_ROWS, Math.floor(SQLITE_MAX_PARAMS / columns.length)));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      this.#statement(table, columns, chunk.length).run(...(chunk.flat() as SQLInputValue[]));
    }
  }

  #statement(table: string, columns: Columns, rowCount: number): StatementSync {
    const key = `${table}:${columns.length}:${rowCount}`;
    let statement = this.#statements.get(key);
    if (!statement) {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      statement = this.#db.prepare(
        `insert into ${table} (${columns.map(([name]) => name).join(', ')}) values ${Array(rowCount).fill(tuple).join(', ')}`,
      );
      this.#statements.set(key, statement);
    }
    return statement;
  }

  async exec(sql: string): Promise<void> {
    this.#db.exec(sql);
  }

  async finish(): Promise<void> {
    for (const sql of this.#dropped.splice(0)) this.#db.exec(sql);
    // AUTOINCREMENT ids continue from sqlite_sequence, which explicit ids already advanced.
    // No ANALYZE: the product never runs it, so a real server has no statistics either.
    this.#db.exec('PRAGMA journal_mode = WAL');
  }

  async close(): Promise<void> {
    this.#statements.clear();
    this.#db.close();
  }
}

// ---- PostgreSQL ------------------------------------------------------------------------------

class PostgresBulkLoader implements BulkLoader {
  readonly dialect = 'postgres';
  readonly #client: pg.Client;
  readonly #droppedIndexes: string[] = [];
  readonly #droppedKeys: Array<{ table: string; name: string; definition: string }> = [];

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async connect(url: string): Promise<PostgresBulkLoader> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // Commits need not wait for the disk; index builds may sort in memory.
    await client.query(`set synchronous_commit = off; set maintenance_work_mem = '1GB'`);
    return new PostgresBulkLoader(client);
  }

  async dropIndexes(tables: string[]): Promise<void> {
    const keys = await this.#client.query<{ table: string; name: string; definition: string }>(
      `select conrelid::regclass::text as "table", conname as name, pg_get_constraintdef(oid) as definition
         from pg_constraint where contype = 'f' and conrelid::regclass::text = any($1)`,
      [tables],
    );
    for (const key of keys.rows) {
      await this.#client.query(`alter table ${key.table} drop constraint ${key.name}`);
      this.#droppedKeys.push(key);
    }
    // Indexes behind PRIMARY KEY / UNIQUE constraints stay: other tables' keys refer to them.
    const indexes = await this.#client.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes
        where schemaname = current_schema() and tablename = any($1)
          and indexname not in (select conname from pg_constraint)`,
      [tables],
    );
    for (const index of indexes.rows) {
      await this.#client.query(`drop index ${index.name}`);
      this.#droppedIndexes.push(index.definition);
    }
  }

  async transaction(work: () => Promise<void>): Promise<void> {
    await this.#client.query('begin');
    try {
      await work();
      await this.#client.query('commit');
    } catch (error) {
      await this.#client.query('rollback');
      throw error;
    }
  }

  /** One statement per batch: each column travels as one array parameter, unnest turns them back into rows. */
  async insert(table: string, columns: Columns, rows: Row[], options: InsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    const names = columns.map(([name]) => name);
    const arrays = columns.map((_, i) => rows.map((row) => row[i] ?? null));
    const derived = Object.entries(options.derived ?? {});
    await this.#client.query(
      `insert into ${table} (${[...names, ...derived.map(([name]) => name)].join(', ')})
       select ${[...names, ...derived.map(([, expression]) => expression)].join(', ')}
         from unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) as u(${names.join(', ')})`,
      arrays,
    );
  }

  async exec(sql: string): Promise<void> {
    await this.#client.query(sql);
  }

  async finish(): Promise<void> {
    for (const definition of this.#droppedIndexes.splice(0)) await this.#client.query(definition);
    for (const key of this.#droppedKeys.splice(0))
      await this.#client.query(`alter table ${key.table} add constraint ${key.name} ${key.definition}`);
    await this.#advanceIdentities();
    await this.#client.query('vacuum analyze');
  }

  /** Rows were given explicit ids: identity sequences must continue after them. */
  async #advanceIdentities(): Promise<void> {
    const columns = await this.#client.query<{ table: string; column: string }>(
      `select table_name as "table", column_name as "column" from information_schema.columns
        where table_schema = current_schema() and is_identity = 'YES'`,
    );
    for (const { table, column } of columns.rows) {
      await this.#client.query(
        `select setval(pg_get_serial_sequence($1, $2), max(${column})) from ${table} having max(${column}) is not null`,
        [table, column],
      );
    }
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}

/** Inserts rows from a generator 5,000 at a time, all in one transaction; returns how many. */
export async function inBatches(loader: BulkLoader, table: string, columns: Columns, rows: Iterable<Row>, size = 5000): Promise<number> {
  let total = 0;
  await loader.transaction(async () => {
    let batch: Row[] = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length === size) {
        await loader.insert(table, columns, batch);
        total += batch.length;
        batch = [];
      }
    }
    await loader.insert(table, columns, batch);
    total += batch.length;
  });
  return total;
}
