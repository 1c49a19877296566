import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { FetchError, HttpClient, isDeniedAddress, parseAllowList } from '../../src/platform/http.ts';

/**
 * The SSRF-guarded HTTP client, against real servers on loopback addresses: 127.0.0.1 (allowed
 * for these tests) and 127.0.0.2 (not allowed; it records any request that reaches it).
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const seen: string[] = [];
const forbiddenSeen: string[] = [];
/** Responses still being written by the server, to learn when the client gave up on one. */
const closed = new Map<string, Promise<void>>();
let main: Server;
let forbidden: Server;
let base: string;
let forbiddenPort: number;

const ua = 'Commonroom-test/1 (+http://test.example)';
const client = new HttpClient({ userAgent: ua, allowPrivate: '127.0.0.1/32' });
const strict = new HttpClient({ userAgent: ua });

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  main = createServer((req, res) => {
    seen.push(req.url!);
    closed.set(req.url!, new Promise((resolve) => res.on('close', () => resolve())));
    const handler = routes.get(req.url!.split('?')[0]!);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  forbidden = createServer((req, res) => {
    forbiddenSeen.push(req.url!);
    res.end('you should not be here');
  });
  base = `http://127.0.0.1:${await listen(main, '127.0.0.1')}`;
  forbiddenPort = await listen(forbidden, '127.0.0.2');
  routes.set('/hello', (req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'x-ua': req.headers['user-agent'] }).end('hello'));
  routes.set('/to-forbidden', (_req, res) => res.writeHead(302, { location: `http://127.0.0.2:${forbiddenPort}/secret` }).end());
  routes.set('/to-metadata', (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
  routes.set('/to-ipv6-loopback', (_req, res) => res.writeHead(307, { location: `http://[::1]:${forbiddenPort}/` }).end());
  routes.set('/to-hello', (_req, res) => res.writeHead(303, { location: '/hello' }).end());
  routes.set('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
  routes.set('/endless', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(16 * 1024, 1);
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => clearInterval(timer));
  });
  routes.set('/declared-large', (_req, res) => {
    res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
    res.write(Buffer.alloc(1024));
  });
  const bomb = gzipSync(Buffer.alloc(30 * 1024 * 1024));
  routes.set('/gzip-bomb', (_req, res) =>
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb),
  );
  routes.set('/gzip', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('compressed hello')));
  routes.set('/brotli', (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('brotli hello')));
  routes.set('/never', () => {});
  routes.set('/slow-body', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('a beginning');
  });
});

after(async () => {
  main.closeAllConnections();
  forbidden.closeAllConnections();
  await new Promise((resolve) => main.close(resolve));
  await new Promise((resolve) => forbidden.close(resolve));
});

async function refusal(promise: Promise<unknown>, code: FetchError['code']): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FetchError, `expected a FetchError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected a ${code} refusal, but the fetch succeeded`);
}

describe('HttpClient', () => {
  test('fetches from an allowed address, with its User-Agent; follows same-site redirects', async () => {
    const res = await client.fetch(`${base}/hello`);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hello');
    assert.equal(res.headers['x-ua'], ua);
    const redirected = await client.fetch(`${base}/to-hello`);
    assert.equal(redirected.body.toString(), 'hello');
    assert.equal(redirected.url, `${base}/hello`);
    assert.deepEqual(redirected.redirects, [{ status: 303, from: `${base}/to-hello`, to: `${base}/hello` }]);
  });

  test('refuses literal private, loopback, link-local and metadata addresses without connecting', async () => {
    const port = new URL(base).port;
    const before = seen.length;
    for (const host of [
      '127.0.0.1',
      '10.0.0.1',
      '169.254.169.254',
      '192.168.1.10',
      '172.16.0.1',
      '100.64.0.1',
      '0.0.0.0',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[fe80::1]',
      '[fd00::1]',
      '[::]',
    ]) {
      const error = await refusal(strict.fetch(`http://${host}:${port}/hello`, { timeoutMs: 2000 }), 'blocked_address');
      assert.match(error.message, /private address/);
    }
    // A name that resolves to loopback is refused too, after DNS.
    await refusal(strict.fetch(`http://localhost:${port}/hello`, { timeoutMs: 2000 }), 'blocked_address');
    assert.equal(seen.length, before, 'the server saw no request');
    // The allow-list opens exactly what it names.
    await refusal(client.fetch(`http://127.0.0.2:${forbiddenPort}/x`), 'blocked_address');
    await refusal(client.fetch(`http://[::1]:${port}/hello`), 'blocked_address');
    assert.deepEqual(forbiddenSeen, []);
  });

  test('a redirect from an allowed server to a blocked address is refused before connecting', async () => {
    for (const path of ['/to-forbidden', '/to-metadata', '/to-ipv6-loopback']) {
      await refusal(client.fetch(`${base}${path}`, { timeoutMs: 3000 }), 'blocked_address');
    }
    assert.deepEqual(forbiddenSeen, [], 'the blocked server never saw a request');
    await refusal(client.fetch(`${base}/loop`), 'too_many_redirects');
  });

  test('the size limit holds while streaming, for declared lengths and for decompressed bodies', async () => {
    // Refused as too large (not as too slow: the time limit is a minute away) while the body was still coming.
    const endless = await refusal(client.fetch(`${base}/endless`, { maxBytes: 256 * 1024, timeoutMs: 60_000 }), 'too_large');
    assert.match(endless.message, /larger than 256 KB/);
    await closed.get('/endless'); // the client hung up: the endless response was ended
    await refusal(client.fetch(`${base}/declared-large`, { maxBytes: 1024 * 1024 }), 'too_large');
    const bomb = await refusal(client.fetch(`${base}/gzip-bomb`, { maxBytes: 1024 * 1024 }), 'too_large');
    assert.match(bomb.message, /larger than 1024 KB/);
    assert.equal((await client.fetch(`${base}/gzip`)).body.toString(), 'compressed hello');
    assert.equal((await client.fetch(`${base}/brotli`)).body.toString(), 'brotli hello');
  });

  test('a time limit for the whole exchange: no answer, or a body that never ends', async () => {
    for (const path of ['/never', '/slow-body']) {
      // The same exchange twice at once: with a 300 ms limit, and with the default (15 s). The
      // first gives up while the second still waits, so the limit asked for is the one applied.
      const patient = new AbortController();
      const waiting = client.fetch(`${base}${path}`, { signal: patient.signal });
      let patientSettled = false;
      waiting.then(
        () => (patientSettled = true),
        () => (patientSettled = true),
      );
      await refusal(client.fetch(`${base}${path}`, { timeoutMs: 300 }), 'timeout');
      assert.equal(patientSettled, false, `${path}: the fetch with the default limit is still waiting`);
      patient.abort();
      await waiting.catch(() => {});
    }
  });

  test('only http and https URLs', async () => {
    await refusal(client.fetch('ftp://127.0.0.1/file'), 'bad_url');
    await refusal(client.fetch('file:///etc/passwd'), 'bad_url');
    await refusal(client.fetch('not a url'), 'bad_url');
  });

  test('address rules: mapped IPv6 is unwrapped; the allow-list parser refuses junk', () => {
    const none = { allow: parseAllowList('') };
    for (const address of [
      '127.0.0.1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '10.1.2.3',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'not-an-ip',
    ]) {
      assert.equal(isDeniedAddress(address, none), true, address);
    }
    assert.equal(isDeniedAddress('::ffff:a00:1', none), true, '10.0.0.1, mapped, in hex');
    // Public addresses must stay reachable, IPv4 ones included (an IPv4-mapped IPv6 rule once denied them all).
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '1.1.1.1',
      '2606:2800:220:1:248:1893:25c8:1946',
      '::ffff:93.184.216.34',
      '::ffff:5db8:d822',
    ]) {
      assert.equal(isDeniedAddress(address, none), false, address);
    }
    const loopback = { allow: parseAllowList('127.0.0.0/8, ::1') };
    assert.equal(isDeniedAddress('127.0.0.5', loopback), false);
    assert.equal(isDeniedAddress('::ffff:127.0.0.5', loopback), false);
    assert.equal(isDeniedAddress('::1', loopback), false);
    assert.equal(isDeniedAddress('10.0.0.1', loopback), true);
    assert.throws(() => parseAllowList('localhost'), /not an IP address/);
  });

  test('IPv6 forms that embed an IPv4 address are judged by the address they embed', () => {
    const none = { allow: parseAllowList('') };
    const embedding = (v4: string) => {
      const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
      const high = ((a << 8) | b).toString(16);
      const low = ((c << 8) | d).toString(16);
      const teredoHigh = (~((a << 8) | b) & 0xffff).toString(16);
      const teredoLow = (~((c << 8) | d) & 0xffff).toString(16);
      return [
        `::${v4}`, // IPv4-compatible (::/96)
        `::${high}:${low}`,
        `0:0:0:0:0:0:${v4}`,
        `::ffff:${v4}`, // IPv4-mapped (::ffff:0:0/96)
        `::ffff:0:${v4}`, // IPv4-translated (::ffff:0:0:0/96)
        `::ffff:0:${high}:${low}`,
        `64:ff9b::${v4}`, // NAT64 (64:ff9b::/96)
        `64:ff9b::${high}:${low}`,
        `2002:${high}:${low}::1`, // 6to4 (2002::/16)
        `2002:${high}:${low}:5:6:7:8:9`,
        `2001:0:4136:e378:8000:63bf:${teredoHigh}:${teredoLow}`, // Teredo (2001::/32), the client's address
      ];
    };
    for (const v4 of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '192.168.1.10', '172.16.0.1', '100.64.0.1', '0.0.0.0']) {
      for (const address of embedding(v4)) assert.equal(isDeniedAddress(address, none), true, `${address} (${v4})`);
    }
    // Teredo's server address is embedded too.
    assert.equal(isDeniedAddress('2001:0:a00:1::1', none), true, 'Teredo through 10.0.0.1');
    // A public address embedded stays reachable (an IPv6-only server reaches IPv4 sites through NAT64).
    for (const address of embedding('93.184.216.34')) assert.equal(isDeniedAddress(address, none), false, address);
    // The allow-list opens the embedded forms of what it names, and nothing else.
    const loopback = { allow: parseAllowList('127.0.0.1/32') };
    for (const address of embedding('127.0.0.1')) assert.equal(isDeniedAddress(address, loopback), false, address);
    for (const address of embedding('127.0.0.2')) assert.equal(isDeniedAddress(address, loopback), true, address);
    const nat64 = { allow: parseAllowList('64:ff9b::/96') };
    assert.equal(isDeniedAddress('64:ff9b::10.0.0.1', nat64), false, 'an IPv6 network can be allowed as such');
  });

  test('a URL naming an IPv6 form of a private IPv4 address is refused without connecting', async () => {
    for (const host of [
      '[::127.0.0.2]',
      '[::7f00:2]',
      '[::ffff:0:127.0.0.2]',
      '[::ffff:127.0.0.2]',
      '[64:ff9b::127.0.0.2]',
      '[2002:7f00:2::1]',
    ]) {
      await refusal(strict.fetch(`http://${host}:${forbiddenPort}/secret`, { timeoutMs: 2000 }), 'blocked_address');
      await refusal(client.fetch(`http://${host}:${forbiddenPort}/secret`, { timeoutMs: 2000 }), 'blocked_address');
    }
    assert.deepEqual(forbiddenSeen, [], 'the blocked server never saw a request');
  });
});
