import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createTestCa, loopbackAddress, mapHosts, trustCa } from '../support/tls.ts';

export interface FederatedServer {
  host: string;
  server: TestServer;
}

/**
 * Starts one Commonroom server per host name (`a.test`, `b.test` …), each on its own loopback
 * address on port 443 with a certificate from a throw-away CA, and makes this process trust
 * the CA and resolve the names. `firstAddress` keeps test files that run at the same time on
 * different addresses. Private addresses are allowed (FETCH_ALLOW_PRIVATE), as an admin would
 * for an intranet.
 */
export interface Network {
  /** Certificates for more hosts (fake remote servers), on `address(host)`. */
  issue(host: string): { key: string; cert: string };
  address(host: string): string;
  /** The CA certificate (PEM), for processes of their own (a worker) to trust. */
  caCertPem: string;
}

export async function startFederatedServers<const H extends string>(
  hosts: H[],
  firstAddress: number,
  options: { env?: Record<string, string>; extraHosts?: string[]; jobs?: boolean } = {},
): Promise<{ [K in H as K extends `${infer N}.test` ? N : K]: FederatedServer } & { close(): Promise<void>; network: Network }> {
  const env = options.env ?? {};
  const ca = createTestCa();
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-fed-'));
  const addresses: Record<string, string> = Object.fromEntries(
    [...hosts, ...(options.extraHosts ?? [])].map((host, i) => [host, loopbackAddress(firstAddress + i)]),
  );
  const restoreHosts = mapHosts(addresses);
  const restoreCa = trustCa(ca.certPem);
  const started: Record<string, FederatedServer> = {};
  const servers: FederatedServer[] = [];
  const closeAll = async () => {
    // Every server is closed even when one fails to (a server left open keeps the test process alive).
    const results = await Promise.allSettled(servers.map(({ server }) => server.close()));
    restoreCa();
    restoreHosts();
    ca.cleanup();
    rmSync(dir, { recursive: true, force: true });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    for (const host of hosts) {
      const { key, cert } = ca.issue([host]);
      writeFileSync(join(dir, `${host}.key`), key);
      writeFileSync(join(dir, `${host}.crt`), cert);
      const server = await startTestServer({
        // Without jobs, a worker process of the test's own runs them (crash tests).
        jobs: options.jobs ?? true,
        env: {
          HOST: addresses[host]!,
          PORT: '443',
          BASE_URL: `https://${host}`,
          TLS_CERT_FILE: join(dir, `${host}.crt`),
          TLS_KEY_FILE: join(dir, `${host}.key`),
          FETCH_ALLOW_PRIVATE: '127.0.0.0/8',
          ...env,
        },
      });
      started[host.replace(/\.test$/, '')] = { host, server };
      servers.push({ host, server });
    }
  } catch (error) {
    // One failed to start: close the others before saying so.
    await closeAll().catch(() => {});
    throw error;
  }
  const network: Network = { issue: (host) => ca.issue([host]), address: (host) => addresses[host]!, caCertPem: ca.certPem };
  return Object.assign(started as never, {
    network,
    close: closeAll,
  });
}
