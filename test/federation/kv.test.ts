import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Temporal } from '@js-temporal/polyfill';
import { DatabaseKvStore } from '../../src/federation/kv.ts';
import { openTestDatabase } from '../support/database.ts';

/** Fedify's key–value store on our database: its circuit breaker relies on compare-and-swap. */

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let kv: DatabaseKvStore;
before(async () => {
  db = await openTestDatabase();
  kv = new DatabaseKvStore(db.database);
});
after(() => db.close());

const ttl = (ms: number) => ({ ttl: Temporal.Duration.from({ milliseconds: ms }) as unknown as globalThis.Temporal.Duration });

describe('federation key–value store', () => {
  test('set, get, list by prefix and delete', async () => {
    await kv.set(['a', 'https://x.test/1%_'], { n: 1 });
    await kv.set(['a', 'https://x.test/2'], { n: 2 });
    await kv.set(['ab'], 'not under a');
    assert.deepEqual(await kv.get(['a', 'https://x.test/1%_']), { n: 1 });
    const listed = [];
    for await (const entry of kv.list(['a'])) listed.push(entry);
    assert.deepEqual(
      listed.map((e) => e.key),
      [
        ['a', 'https://x.test/1%_'],
        ['a', 'https://x.test/2'],
      ],
    );
    await kv.delete(['a', 'https://x.test/2']);
    assert.equal(await kv.get(['a', 'https://x.test/2']), undefined);
  });

  test('expired entries read as missing and are pruned', async () => {
    await kv.set(['short'], 1, ttl(1));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(await kv.get(['short']), undefined);
    assert.ok((await kv.prune()) >= 1);
  });

  test('compare-and-swap: absent, equal (whatever the key order), different, delete', async () => {
    assert.equal(await kv.cas(['c'], undefined, { state: 'closed', failures: ['t1'] }), true);
    assert.equal(await kv.cas(['c'], undefined, { state: 'open' }), false, 'no longer absent');
    assert.equal(await kv.cas(['c'], { state: 'open' }, { state: 'half-open' }), false, 'a different value');
    // Fedify hands back what it read, parsed and rebuilt: key order and undefined fields differ.
    assert.equal(
      await kv.cas(['c'], { failures: ['t1'], state: 'closed', opened: undefined }, { state: 'open', failures: ['t1', 't2'] }),
      true,
    );
    assert.deepEqual(await kv.get(['c']), { state: 'open', failures: ['t1', 't2'] });
    assert.equal(await kv.cas(['c'], { state: 'open', failures: ['t1', 't2'] }, undefined), true, 'undefined deletes');
    assert.equal(await kv.get(['c']), undefined);
    assert.equal(await kv.cas(['c'], undefined, 1), true, 'absent again after the delete');
    await kv.set(['expired'], 'old', ttl(1));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(await kv.cas(['expired'], undefined, 'new'), true, 'an expired entry counts as absent');
  });

  test('of many concurrent swaps from the same value, exactly one wins', async () => {
    await kv.set(['race'], 0);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.cas(['race'], 0, i + 1)));
    assert.equal(results.filter(Boolean).length, 1);
    const absent = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.cas(['race-absent'], undefined, i)));
    assert.equal(absent.filter(Boolean).length, 1);
  });
});
