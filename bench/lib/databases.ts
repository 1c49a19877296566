import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { type Database, type Dialect, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/**
 * Scratch databases for benchmarks: a SQLite file in a temporary directory, or a fresh
 * database on a PostgreSQL server. Each is migrated by the product's own migrations and
 * removed afterwards (unless kept for inspection). Ctrl-C removes them too.
 */
export interface BenchDatabase {
  dialect: Dialect;
  label: 'SQLite' | 'PostgreSQL';
  /** The server's DATA_DIR: holds the SQLite file; on PostgreSQL, only uploads and the secret key. */
  dataDir: string;
  /** The server's DATABASE_URL (PostgreSQL), or undefined (SQLite). */
  databaseUrl: string | undefined;
  /** For the report: the file, or the server and database (no password). */
  location: string;
  /** The database engine's version, for the report. */
  version: string;
  /** Opens it the way the product does, migrated to the latest schema. */
  open(): Promise<Database>;
  sizeBytes(): Promise<number>;
  /** Deletes it; with `keep`, leaves it and says where it is. */
  dispose(keep?: boolean): Promise<void>;
}

const SQLITE_FILE = 'commonroom.db';
const DEFAULT_POSTGRES_URL = 'postgres://commonroom:commonroom@127.0.0.1:5432/postgres';

const pending = new Set<() => Promise<void>>();
let interruptHandled = false;

/** Disposes of scratch databases on Ctrl-C, so an interrupted run leaves nothing behind. */
function cleanUpOnInterrupt(dispose: () => Promise<void>): () => void {
  pending.add(dispose);
  if (!interruptHandled) {
    interruptHandled = true;
    process.once('SIGINT', () => {
      console.error('\nInterrupted: removing scratch databases…');
      void Promise.allSettled([...pending].map((d) => d())).then(() => process.exit(130));
    });
  }
  return () => pending.delete(dispose);
}

async function openMigrated(databaseUrl: string | undefined, dataDir: string): Promise<Database> {
  const database = openDatabase({ databaseUrl, dataDir });
  await migrateToLatest(database);
  return database;
}

export function scratchSqlite(): BenchDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'cr-bench-'));
  const file = join(dataDir, SQLITE_FILE);
  const probe = new DatabaseSync(':memory:');
  const version = (probe.prepare('select sqlite_version() as v').get() as { v: string }).v;
  probe.close();
  const remove = async () => rmSync(dataDir, { recursive: true, force: true });
  const forget = cleanUpOnInterrupt(remove);
  return {
    dialect: 'sqlite',
    label: 'SQLite',
    dataDir,
    databaseUrl: undefined,
    location: file,
    version: `SQLite ${version} (node:sqlite)`,
    open: () => openMigrated(undefined, dataDir),
    async sizeBytes() {
      // The WAL holds recent writes not yet copied into the main file: count it too.
      return ['', '-wal', '-shm']
        .map((suffix) => file + suffix)
        .filter(existsSync)
        .reduce((sum, f) => sum + statSync(f).size, 0);
    },
    async dispose(keep = false) {
      forget();
      if (keep) console.log(`  kept: ${file}`);
      else await remove();
    },
  };
}

const redact = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL server to use: BENCH_POSTGRES_URL, else DATABASE_URL, else the local
 * development server; `skipped` says why there is none. The role must be allowed to create
 * databases.
 */
export async function findPostgres(): Promise<{ url: string } | { skipped: string }> {
  const url = process.env.BENCH_POSTGRES_URL || process.env.DATABASE_URL || DEFAULT_POSTGRES_URL;
  try {
    await query(url, 'select 1');
    return { url };
  } catch (error) {
    return { skipped: `cannot connect to ${redact(url)}: ${(error as Error).message}` };
  }
}

/** A fresh database `<prefix>_<random>` on the server at adminUrl. */
export async function scratchPostgres(adminUrl: string, prefix = 'cr_bench'): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await query(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const [settings] = await query<{ version: string; buffers: string }>(
    databaseUrl,
    `select current_setting('server_version') as version, current_setting('shared_buffers') as buffers`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'cr-bench-'));
  const remove = async () => {
    await query(adminUrl, `drop database if exists ${name} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const forget = cleanUpOnInterrupt(remove);
  return {
    dialect: 'postgres',
    label: 'PostgreSQL',
    dataDir,
    databaseUrl,
    location: redact(databaseUrl),
    // shared_buffers decides how much of the data PostgreSQL itself keeps in memory.
    version: `PostgreSQL ${settings!.version}, shared_buffers ${settings!.buffers}`,
    open: () => openMigrated(databaseUrl, dataDir),
    async sizeBytes() {
      const [row] = await query<{ size: string }>(databaseUrl, 'select pg_database_size(current_database()) as size');
      return Number(row!.size);
    },
    async dispose(keep = false) {
      forget();
      if (keep) {
        console.log(`  kept: ${redact(databaseUrl)} (drop database ${name} when done)`);
        rmSync(dataDir, { recursive: true, force: true });
      } else {
        await remove();
      }
    },
  };
}

/**
 * Runs a benchmark on a scratch SQLite database, then on a scratch PostgreSQL one when a server
 * is reachable (saying so when not), as `--sqlite-only` and `--postgres-only` ask.
 */
export async function onEachDatabase<R>(
  choice: { sqliteOnly: boolean; postgresOnly: boolean },
  benchmark: (database: BenchDatabase) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  if (!choice.postgresOnly) results.push(await benchmark(scratchSqlite()));
  if (!choice.sqliteOnly) {
    const postgres = await findPostgres();
    if ('skipped' in postgres) console.log(`\nPostgreSQL: skipped (${postgres.skipped})`);
    else results.push(await benchmark(await scratchPostgres(postgres.url)));
  }
  return results;
}
