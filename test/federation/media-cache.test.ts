import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The remote media proxy's disk cache (federation/media.ts) has a total size
 * (REMOTE_MEDIA_CACHE_BYTES): past it, the least recently shown files are removed, and are
 * fetched again when shown again. A real image server on loopback plays the remote servers.
 */

const CAP = 1024 * 1024;
let server: TestServer;
let images: Server;
let imagesUrl = '';
let png: Buffer;
const hits = new Map<string, number>();

before(async () => {
  // A real PNG of random pixels (it does not compress): about 197 KB, so five fit under the cap and six do not.
  png = await sharp(randomBytes(256 * 256 * 3), { raw: { width: 256, height: 256, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  images = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    if (!/^\/img\/\d+\.png$/.test(req.url!)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1', REMOTE_MEDIA_CACHE_BYTES: String(CAP) } });
});

after(async () => {
  await server.close();
  images.closeAllConnections();
  await new Promise((resolve) => images.close(resolve));
});

const remoteDir = () => join(server.dataDir, 'media', 'remote');
const remote = (n: number) => `${imagesUrl}/img/${n}.png`;
/** Is this remote file in the cache (its file on disk, named by the SHA-256 of its address)? */
function cached(n: number): boolean {
  const key = createHash('sha256').update(remote(n)).digest('hex');
  return existsSync(join(remoteDir(), key.slice(0, 2), key));
}
/** Bytes of every file in the cache directory. */
function diskBytes(): number {
  if (!existsSync(remoteDir())) return 0;
  let total = 0;
  for (const dir of readdirSync(remoteDir()))
    for (const file of readdirSync(join(remoteDir(), dir))) total += statSync(join(remoteDir(), dir, file)).size;
  return total;
}

async function show(n: number): Promise<void> {
  const res = await server.client().fetch(server.services.federation.media.url(remote(n)));
  assert.equal(res.status, 200, `image ${n}`);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(png), `image ${n}: the same bytes`);
}

describe('remote media cache', () => {
  test('the cache stays under REMOTE_MEDIA_CACHE_BYTES by removing the least recently shown files, which are fetched again when shown', async () => {
    assert.ok(png.length * 5 < CAP && png.length * 6 > CAP, `five images fit, six do not (${png.length} bytes each)`);
    /** Images in the order they were last shown, the most recent last. */
    const recency: number[] = [];
    const plan = [0, 1, 2, 3, 4, 0, 5, 6, 1, 7, 0, 8, 9, 2, 3];
    for (const [step, n] of plan.entries()) {
      const before = hits.get(`/img/${n}.png`) ?? 0;
      const wasCached = cached(n);
      await show(n);
      assert.equal(
        hits.get(`/img/${n}.png`) ?? 0,
        wasCached ? before : before + 1,
        `step ${step}: image ${n} ${wasCached ? 'from the cache' : 'fetched'}`,
      );
      if (recency.includes(n)) recency.splice(recency.indexOf(n), 1);
      recency.push(n);
      assert.ok(diskBytes() <= CAP, `step ${step}: ${diskBytes()} bytes on disk, at most ${CAP}`);
      // What is cached is always the most recently shown images, the one just shown included.
      const kept = recency.filter(cached);
      assert.ok(kept.length >= 1 && kept.at(-1) === n, `step ${step}: image ${n} is cached`);
      assert.deepEqual(
        kept,
        recency.slice(-kept.length),
        `step ${step}: the least recently shown went first (${recency.join(',')} → ${kept.join(',')})`,
      );
      if (step === 7) {
        // 0 was shown again after 1 was fetched: when 5 and 6 needed room, 1 went and 0 stayed.
        assert.ok(cached(0), 'image 0, shown again, stayed');
        assert.ok(!cached(1), 'image 1 went');
      }
    }
    // Image 1 was evicted, then shown again: fetched a second time. Image 0 never was.
    assert.equal(hits.get('/img/1.png'), 2);
    assert.equal(hits.get('/img/0.png'), 1);
    assert.equal(server.services.config.remoteMediaCacheBytes, CAP, 'the setting');
  });

  test('many new files shown at once: every one is served, and the cache ends within its size', async () => {
    const fresh = Array.from({ length: 12 }, (_, i) => 100 + i);
    await Promise.all(fresh.map((n) => show(n)));
    for (const n of fresh) assert.equal(hits.get(`/img/${n}.png`), 1);
    assert.ok(diskBytes() <= CAP, `${diskBytes()} bytes on disk, at most ${CAP}`);
    assert.ok(fresh.filter(cached).length >= 1, 'the newest files are kept');
    assert.deepEqual(
      readdirSync(remoteDir())
        .flatMap((dir) => readdirSync(join(remoteDir(), dir)))
        .filter((f) => f.endsWith('.tmp')),
      [],
      'no download left half-written',
    );
  });
});
