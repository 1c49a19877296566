import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The static assets go out compressed to browsers that accept it (Brotli first, then gzip),
 * as they are to those that do not, and each answer says it varies with Accept-Encoding.
 */

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const ASSETS = join(import.meta.dirname, '..', '..', 'src', 'web', 'assets');

/** A GET with the raw answer (node:http does not decode bodies). */
function get(path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compressed assets', () => {
  for (const name of ['app.css', 'app.js', 'icon.svg']) {
    test(`${name}: Brotli, gzip or as it is, each the same file`, async () => {
      const file = readFileSync(join(ASSETS, name));
      const br = await get(`/assets/${name}`, 'gzip, deflate, br, zstd');
      assert.equal(br.status, 200);
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(br.headers.vary, 'accept-encoding');
      assert.ok(br.body.length < file.length, `${br.body.length} < ${file.length}`);
      assert.deepEqual(brotliDecompressSync(br.body), file);

      const gzip = await get(`/assets/${name}`, 'gzip;q=1.0, br;q=0');
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(gzip.body), file);

      const plain = await get(`/assets/${name}`);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.deepEqual(plain.body, file);
    });
  }

  test('PNG icons go as they are', async () => {
    const png = await get('/assets/icon-192.png', 'gzip, br');
    assert.equal(png.status, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.equal(png.headers['content-encoding'], undefined);
    assert.deepEqual(png.body, readFileSync(join(ASSETS, 'icon-192.png')));
  });
});
