import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { EventBus, type PublishedEvent } from '../../src/platform/events.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { eventually } from '../social/helpers.ts';
import { openTestDatabase } from '../support/database.ts';

/**
 * The live-event log's order. A stream skips a live event whose id is not above the last one it
 * handled (that is how a replay and live events are merged without doubles), so every process
 * must receive events in id order, and a replay must hold every id below one already received.
 */
test('events published at once by several publishers reach every process in id order, none lost, and replay in the same order', async () => {
  const test = await openTestDatabase();
  const logger = createLogger('silent');
  // On PostgreSQL, three "processes": each bus with its own pool and LISTEN connection. On
  // SQLite one process serves a site: one bus, publishing concurrently.
  const databases: Database[] = test.url
    ? [0, 1, 2].map(() => openDatabase({ databaseUrl: test.url, dataDir: test.dataDir, poolSize: 4 }))
    : [test.database];
  const buses = databases.map((database) => new EventBus(logger, database, test.url));
  try {
    for (const bus of buses) await bus.start();
    const received = buses.map(() => [] as PublishedEvent[]);
    for (const [i, bus] of buses.entries()) bus.subscribe(['ordered'], (event) => received[i]!.push(event));
    const head = await buses[0]!.head();
    const perBus = 240 / buses.length;
    await Promise.all(
      buses.flatMap((bus, b) =>
        Array.from({ length: perBus }, (_, n) => bus.publish({ topics: ['ordered', `other:${n}`], kind: 'test', data: { b, n } })),
      ),
    );
    await eventually(() => received.every((events) => events.length >= 240), 20_000, 'every process to receive every event');
    const replay = await buses[0]!.replay(['ordered'], head, { limit: 1000 });
    assert.equal(replay.reset, false);
    const replayed = replay.reset ? [] : replay.events.map((e) => e.id);
    assert.equal(replayed.length, 240);
    assert.ok(
      replayed.every((id, i) => i === 0 || id > replayed[i - 1]!),
      'the log is in id order',
    );
    for (const events of received)
      assert.deepEqual(
        events.map((e) => e.id),
        replayed,
        'each process received them in id order, as the log holds them',
      );
    assert.deepEqual(new Set(received[0]!.map((e) => `${e.data.b}:${e.data.n}`)).size, 240);
  } finally {
    for (const bus of buses) await bus.close();
    if (test.url) for (const database of databases) await database.close();
    await test.close();
  }
});
