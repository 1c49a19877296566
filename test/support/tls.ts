import { execFileSync } from 'node:child_process';
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { TEST_DB } from './database.ts';

/**
 * Real HTTPS between in-process servers: each server gets its own loopback address (so all of
 * them can listen on port 443 and URLs need no port), a host name (a.test, mastodon.test …)
 * that this process resolves to that address, and a certificate from a throw-away CA that this
 * process trusts. Code under test then runs unchanged: it sees `https://a.test/`, verifies
 * certificates normally, and needs no test-only switches.
 *
 * Everything here is process-wide. `node --test` runs each file in its own process, so a test
 * file patches only itself; restore in `after` anyway.
 */

export interface TestCa {
  /** The CA certificate (PEM), to pass to `trustCa`. */
  certPem: string;
  /** A server certificate (and its key) for these names, signed by the CA. */
  issue(hostNames: string[]): { key: string; cert: string };
  cleanup(): void;
}

/**
 * `127.0.0.2`, `127.0.0.3` …: on Linux the whole 127.0.0.0/8 answers without any set-up. The
 * PostgreSQL pass runs beside the SQLite one (scripts/test.ts), so it takes `127.0.1.2` … instead.
 */
export function loopbackAddress(index: number): string {
  return `127.0.${TEST_DB === 'postgres' ? 1 : 0}.${index + 2}`;
}

/** A fresh CA (EC P-256, valid 2 days) made with the `openssl` CLI in a temporary directory. */
export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=Commonroom test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  let issued = 0;
  return {
    certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    issue(hostNames) {
      // The names go into an openssl config file: refuse anything that is not a plain DNS name.
      const bad = hostNames.find((name) => !/^[a-z0-9*]([a-z0-9.-]*[a-z0-9])?$/i.test(name));
      if (bad !== undefined || hostNames.length === 0) throw new Error(`not a host name: "${bad}"`);
      const name = `server-${++issued}`;
      writeFileSync(
        join(dir, `${name}.ext`),
        [
          'basicConstraints=CA:FALSE',
          'keyUsage=digitalSignature,keyEncipherment',
          'extendedKeyUsage=serverAuth',
          'subjectKeyIdentifier=hash',
          'authorityKeyIdentifier=keyid',
          `subjectAltName=${hostNames.map((h) => `DNS:${h}`).join(',')}`,
        ].join('\n'),
      );
      openssl('req', '-new', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${hostNames[0]}`);
      // No serial file: openssl 3 then picks a random serial, so certificates never collide.
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      );
      return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Adds a CA to the process's default trust store (Node ≥ 22.19 / 24.5). Every TLS client that
 * does not pass its own `ca` uses it: `node:https`, and global `fetch` (undici calls tls.connect
 * without `ca`). Returns a function putting the previous store back.
 */
export function trustCa(certPem: string): () => void {
  const previous = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...previous, certPem]);
  return () => tls.setDefaultCACertificates(previous);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Makes `dns.lookup` (callback and promise forms) answer the names in `map` with the given
 * addresses; other names go to the real resolver. `net.connect` reads `dns.lookup` at connect
 * time, so this covers `node:http(s)` and global `fetch` (undici connects through net/tls).
 * `syncBuiltinESMExports` re-points named imports such as `import { lookup } from 'node:dns'`.
 * Returns a function undoing the patch.
 */
export function mapHosts(map: Record<string, string>): () => void {
  const hosts = new Map(
    Object.entries(map).map(([name, address]) => {
      if (!isIP(address)) throw new Error(`${name}: not an IP address: ${address}`);
      return [name.toLowerCase(), { address, family: isIP(address) }] as const;
    }),
  );
  /** The mapped answer for this name and requested family, `undefined` if not ours. */
  const answer = (hostname: string, family: number): LookupAddress | Error | undefined => {
    const entry = hosts.get(hostname.toLowerCase().replace(/\.$/, ''));
    if (!entry) return undefined;
    if (family && family !== entry.family)
      return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    return entry;
  };
  const familyOf = (options: unknown) =>
    typeof options === 'number' ? options : Number((options as LookupOptions | undefined)?.family) || 0;

  const original = dns.lookup;
  const originalPromise = dns.promises.lookup;
  const lookup = (hostname: string, options: unknown, callback?: LookupCallback) => {
    const cb = (callback ?? options) as LookupCallback;
    const opts = callback ? options : undefined;
    const found = answer(hostname, familyOf(opts));
    if (!found) return (original as (...args: unknown[]) => void)(hostname, ...(callback ? [options, callback] : [options]));
    // Like the real lookup, answer asynchronously.
    if (found instanceof Error) return process.nextTick(cb, found, '');
    const all = typeof opts === 'object' && (opts as LookupOptions | null)?.all;
    return all ? process.nextTick(cb, null, [found]) : process.nextTick(cb, null, found.address, found.family);
  };
  const promiseLookup = async (hostname: string, options?: unknown) => {
    const found = answer(hostname, familyOf(options));
    if (!found) return originalPromise(hostname, options as LookupOptions);
    if (found instanceof Error) throw found;
    return typeof options === 'object' && (options as LookupOptions | null)?.all ? [found] : found;
  };

  const install = (callbackForm: unknown, promiseForm: unknown) => {
    Object.assign(dns, { lookup: callbackForm });
    Object.assign(dns.promises, { lookup: promiseForm });
    syncBuiltinESMExports();
  };
  install(lookup, promiseLookup);
  return () => install(original, originalPromise);
}
