import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/**
 * Which database the suite runs on: TEST_DB=postgres uses the PostgreSQL server at
 * TEST_POSTGRES_URL (a role allowed to create databases); anything else uses SQLite files.
 * Each test server gets its own fresh database, dropped afterwards.
 */
export const TEST_DB: 'sqlite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** DATABASE_URL for the server, or undefined for SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === 'sqlite') return { url: undefined, drop: async () => {} };
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_POSTGRES_URL (npm test sets it up)');
  const name = `cr_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // FORCE ends our own leftover connections, but not a superuser's (an autovacuum worker
        // that happens to be on the database): wait for that to finish and try again.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`drop database if exists ${name} with (force)`);
            break;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (attempt >= 20 || (code !== '42501' && code !== '55006')) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated database of its own (no server), for tests of the data layer and jobs. */
export async function openTestDatabase(): Promise<{
  database: Database;
  url: string | undefined;
  dataDir: string;
  close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-db-'));
  const test = await createTestDatabase();
  const database = openDatabase({ databaseUrl: test.url, dataDir });
  await migrateToLatest(database);
  return {
    database,
    url: test.url,
    dataDir,
    async close() {
      await database.close();
      await test.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
