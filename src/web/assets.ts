import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from './context.ts';

const DIR = join(import.meta.dirname, 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Static assets, read once at start-up; URLs carry a content hash so they can be cached forever. */
const FILES = new Map(
  readdirSync(DIR)
    .filter((name) => TYPES[extname(name)])
    .map((name) => [name, readFileSync(join(DIR, name))] as const),
);

export const ASSET_VERSION = [...FILES.values()]
  .reduce((hash, bytes) => hash.update(bytes), createHash('sha256'))
  .digest('hex')
  .slice(0, 10);

export function registerAssets(app: Hono<AppEnv>): void {
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const bytes = FILES.get(name);
    if (!bytes) return c.notFound();
    const cache = c.req.query('v') === ASSET_VERSION ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
    return c.body(bytes, 200, { 'content-type': TYPES[extname(name)]!, 'cache-control': cache });
  });
}
