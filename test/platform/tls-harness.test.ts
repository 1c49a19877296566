import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { lookup as lookupPromise } from 'node:dns/promises';
import https, { type Server } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/platform/http.ts';
import { createTestCa, loopbackAddress, mapHosts, type TestCa, trustCa } from '../support/tls.ts';

/**
 * The TLS test harness itself: servers with real names on port 443, a CA of our own, and both
 * global fetch and the project's HttpClient reaching them with certificate checks left on.
 */
const names = ['a.test', 'b.test', 'c.test'];
let ca: TestCa;
let strangerCa: TestCa;
const servers: Server[] = [];
const restore: Array<() => void> = [];

before(async () => {
  ca = createTestCa();
  strangerCa = createTestCa();
  for (const [index, name] of names.entries()) {
    // c.test presents a certificate from a CA nobody trusts.
    const { key, cert } = (name === 'c.test' ? strangerCa : ca).issue([name]);
    const server = https.createServer({ key, cert }, (_req, res) => res.end(`hello from ${name}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(443, loopbackAddress(index), resolve);
    });
    servers.push(server);
  }
  restore.push(trustCa(ca.certPem));
  restore.push(mapHosts(Object.fromEntries(names.map((name, index) => [name, loopbackAddress(index)]))));
});

after(async () => {
  for (const undo of restore.reverse()) undo();
  for (const server of servers) {
    // fetch keeps idle keep-alive connections in its pool; close them or close() would wait.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  ca?.cleanup();
  strangerCa?.cleanup();
});

describe('TLS test harness', () => {
  test('mapped names resolve through every form of dns.lookup', async () => {
    const viaCallback = (options?: object) =>
      new Promise((resolve, reject) => {
        const cb = (error: Error | null, address: unknown, family?: number) => (error ? reject(error) : resolve([address, family]));
        if (options) lookup('B.test', options, cb);
        else lookup('B.test', cb);
      });
    const [a, b] = [loopbackAddress(0), loopbackAddress(1)];
    assert.deepEqual(await viaCallback(), [b, 4]);
    assert.deepEqual(await viaCallback({ family: 4 }), [b, 4]);
    assert.deepEqual(await viaCallback({ all: true }), [[{ address: b, family: 4 }], undefined]);
    assert.deepEqual(await lookupPromise('a.test'), { address: a, family: 4 });
    assert.deepEqual(await lookupPromise('a.test', { all: true }), [{ address: a, family: 4 }]);
    await assert.rejects(lookupPromise('a.test', { family: 6 }), { code: 'ENOTFOUND' });
    // Real names still go to the real resolver.
    assert.equal((await lookupPromise('localhost', { family: 4 })).address, '127.0.0.1');
  });

  test('global fetch reaches each server by name, over verified TLS', async () => {
    for (const name of ['a.test', 'b.test']) {
      const response = await fetch(`https://${name}/`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), `hello from ${name}`);
    }
  });

  test('the project HttpClient (node:https) reaches a server by name', async () => {
    const client = new HttpClient({ userAgent: 'test', allowPrivate: '127.0.0.0/8' });
    const result = await client.fetch('https://b.test/');
    assert.equal(result.status, 200);
    assert.equal(result.body.toString(), 'hello from b.test');
  });

  test('names not in the map still fail in DNS', async () => {
    await assert.rejects(fetch('https://nothing.invalid/'), (error: Error & { cause?: { code?: string } }) => {
      assert.match(String(error.cause?.code), /^(ENOTFOUND|EAI_AGAIN)$/);
      return true;
    });
    const client = new HttpClient({ userAgent: 'test', allowPrivate: '127.0.0.0/8' });
    await assert.rejects(client.fetch('https://nothing.invalid/'), { code: 'network' });
  });

  test('a certificate from another CA is refused', async () => {
    await assert.rejects(fetch('https://c.test/'), (error: Error & { cause?: { code?: string } }) => {
      assert.equal(error.cause?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      return true;
    });
    const client = new HttpClient({ userAgent: 'test', allowPrivate: '127.0.0.0/8' });
    await assert.rejects(client.fetch('https://c.test/'), { code: 'network', message: /UNABLE_TO_VERIFY_LEAF_SIGNATURE/ });
  });

  test('a server certificate does not cover other names', async () => {
    // a.test's certificate served under another name: hostname verification is on.
    const restoreExtra = mapHosts({ 'other.test': loopbackAddress(0) });
    try {
      await assert.rejects(fetch('https://other.test/'), (error: Error & { cause?: { code?: string } }) => {
        assert.equal(error.cause?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
        return true;
      });
    } finally {
      restoreExtra();
    }
  });
});
