import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/app/process.ts';
import { createServices, type Services } from '../../src/app/services.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { Client } from './client.ts';
import { createTestDatabase } from './database.ts';

export interface TestServer {
  url: string;
  services: Services;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A new cookie-keeping HTTP client for this server. */
  client(): Client;
  close(): Promise<void>;
}

/**
 * Starts a real Commonroom server on a free loopback port with its own data directory and
 * database (SQLite or PostgreSQL, see database.ts). Settings come only from `env`, never from
 * the developer's environment. With `clock` (a TestClock), the test says what time it is for
 * what follows the services' clock (see src/platform/clock.ts).
 */
export async function startTestServer(options: { env?: Record<string, string>; jobs?: boolean; clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-test-'));
  const database = await createTestDatabase();
  const config = loadConfig({
    file: null,
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...options.env,
    },
  });
  const services = await createServices(config, options.clock ? { clock: options.clock } : {});
  const server = await startServer(services, { jobs: options.jobs ?? false });
  // The port is only known once listening: point the base URL at it. A server with its own
  // certificate (federation tests) is reached by its name, as other servers reach it.
  const url = options.env?.TLS_CERT_FILE && options.env.BASE_URL ? options.env.BASE_URL : `http://127.0.0.1:${server.port}`;
  if (!options.env?.BASE_URL) Object.assign(config, { baseUrl: url });
  return {
    url,
    services,
    dataDir,
    databaseUrl: database.url,
    client: () => new Client(url),
    async close() {
      await server.close();
      await services.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
