import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { AppEnv } from './context.ts';

const DIR = join(import.meta.dirname, 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** Text worth compressing (PNG already is). */
const TEXT = new Set(['.css', '.js', '.svg']);

/** An asset's bytes as sent: as they are, and compressed once at start-up for browsers that accept it. */
export interface AssetBytes {
  raw: Buffer<ArrayBuffer>;
  gzip?: Buffer<ArrayBuffer>;
  br?: Buffer<ArrayBuffer>;
}

/** Gzip (level 9) and Brotli (quality 11) of a text asset, as the server sends them. */
export function compress(raw: Buffer<ArrayBuffer>): Required<AssetBytes> {
  return {
    raw,
    gzip: gzipSync(raw, { level: 9 }),
    br: brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
  };
}

/** Static assets, read (and compressed) once at start-up; URLs carry a content hash so they can be cached forever. */
export const ASSETS: ReadonlyMap<string, AssetBytes> = new Map(
  readdirSync(DIR)
    .filter((name) => TYPES[extname(name)])
    .map((name) => {
      const raw = readFileSync(join(DIR, name));
      return [name, TEXT.has(extname(name)) ? compress(raw) : { raw }] as const;
    }),
);

export const ASSET_VERSION = [...ASSETS.values()]
  .reduce((hash, bytes) => hash.update(bytes.raw), createHash('sha256'))
  .digest('hex')
  .slice(0, 10);

export function registerAssets(app: Hono<AppEnv>): void {
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const asset = ASSETS.get(name);
    if (!asset) return c.notFound();
    const cache = c.req.query('v') === ASSET_VERSION ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
    const headers: Record<string, string> = { 'content-type': TYPES[extname(name)]!, 'cache-control': cache };
    if (!asset.gzip) return c.body(asset.raw, 200, headers);
    headers.vary = 'accept-encoding';
    const accepted = acceptedEncodings(c.req.header('accept-encoding'));
    if (asset.br && accepted.has('br')) return c.body(asset.br, 200, { ...headers, 'content-encoding': 'br' });
    if (accepted.has('gzip')) return c.body(asset.gzip, 200, { ...headers, 'content-encoding': 'gzip' });
    return c.body(asset.raw, 200, headers);
  });
}

/** The encodings an Accept-Encoding header allows (those not refused with q=0). */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding);
  }
  return accepted;
}
