import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { TEST_DB } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * /healthz is what a load balancer or a monitor asks: 200 while the database answers, 503 as
 * soon as it does not (on PostgreSQL the server's database is dropped under it, on SQLite the
 * database is closed under it), and never a 500.
 */

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** Takes the database away from the running server. */
async function databaseGoesAway(): Promise<void> {
  if (TEST_DB === 'sqlite') {
    await server.services.database.db.destroy();
    return;
  }
  const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await admin.connect();
  try {
    // FORCE ends the server's open connections; new ones fail: the database no longer exists.
    await admin.query(`drop database ${new URL(server.databaseUrl!).pathname.slice(1)} with (force)`);
  } finally {
    await admin.end();
  }
}

describe('/healthz', () => {
  test('503 with a JSON reason when the database is down', async () => {
    // No other request first: nothing the server caches from the database (site settings) may hide the outage.
    await databaseGoesAway();
    const down = await fetch(`${server.url}/healthz`);
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { status: 'error', database: 'unreachable' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 503, 'and again');
  });
});

describe('/healthz while the database is up', () => {
  let up: TestServer;
  before(async () => {
    up = await startTestServer();
  });
  after(() => up.close());

  test('200 with the database kind and version', async () => {
    const res = await fetch(`${up.url}/healthz`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.database, TEST_DB);
  });
});
