import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CompiledQuery,
  Kysely,
  type Dialect as KyselyDialect,
  PostgresDialect,
  type RawBuilder,
  SqliteDialect,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.ts';
import { NodeSqliteDatabase } from './sqlite.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Schema>;
export type Tx = Transaction<Schema>;
/** Either the database or a transaction: store functions accept both. */
export type Queryable = Kysely<Schema> | Transaction<Schema>;

export interface Database {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, for logs: a file path or the PostgreSQL host/database. */
  location: string;
  /** Statements run through `db` so far (tests and benchmarks count work with it). */
  readonly statements: { count: number };
  close(): Promise<void>;
}

// int8 (bigint: ids, timestamps in ms, counts) as JS numbers. All such values stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of range: ${value}`);
  return n;
});

/**
 * `column in (ids…)` for thousands of ids: one array parameter on PostgreSQL (a list of
 * thousands of parameters costs it more to plan than to run), a list on SQLite (keep `ids`
 * under its 32,766 parameters).
 */
export function idIn(database: Database, column: string, ids: readonly number[]): RawBuilder<boolean> {
  return database.dialect === 'postgres'
    ? sql<boolean>`${sql.ref(column)} = any(${ids}::bigint[])`
    : sql<boolean>`${sql.ref(column)} in (${sql.join(ids)})`;
}

/** Text without U+0000. */
export function withoutNul<T extends string | null>(text: T): T {
  return (text?.includes('\u0000') ? text.replaceAll('\u0000', '') : text) as T;
}

function parameterWithoutNul(value: unknown): unknown {
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map(parameterWithoutNul);
  return value;
}

/**
 * PostgreSQL refuses U+0000 in text ("invalid byte sequence"), so any form field, JSON value,
 * query string, path parameter or fetched feed or remote post carrying one would fail its
 * query. It has no use in text, so it is removed here, from every parameter of every query,
 * on both databases (SQLite would keep it): one place, the same stored text everywhere.
 */
function withoutNulParameters(dialect: KyselyDialect): KyselyDialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => dialect.createDriver(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => {
      const compiler = dialect.createQueryCompiler();
      return {
        compileQuery(node, queryId): CompiledQuery {
          const compiled = compiler.compileQuery(node, queryId);
          const hasNul = (value: unknown): boolean =>
            typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) && value.some(hasNul);
          return compiled.parameters.some(hasNul) ? { ...compiled, parameters: compiled.parameters.map(parameterWithoutNul) } : compiled;
        },
      };
    },
  };
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export function openDatabase(options: OpenDatabaseOptions): Database {
  const statements = { count: 0 };
  const log = () => void statements.count++;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const url = new URL(options.databaseUrl);
    const db = new Kysely<Schema>({ dialect: withoutNulParameters(new PostgresDialect({ pool })), log });
    return { db, dialect: 'postgres', location: `postgres://${url.host}${url.pathname}`, statements, close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'commonroom.db');
  const sqlite = new NodeSqliteDatabase(file);
  const db = new Kysely<Schema>({ dialect: withoutNulParameters(new SqliteDialect({ database: sqlite })), log });
  return { db, dialect: 'sqlite', location: file, statements, close: () => db.destroy() };
}

/** Is this error a unique-constraint violation (on either database)? */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errcode?: string; message?: string };
  return e?.code === '23505' || (typeof e?.message === 'string' && e.message.includes('UNIQUE constraint failed'));
}
