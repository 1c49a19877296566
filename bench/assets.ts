/**
 * `npm run bench -- assets`: how many bytes of CSS and JavaScript a first visit downloads.
 *
 * Every page links one stylesheet and one script (web/layout.tsx); the server sends them
 * compressed, as web/assets.ts prepares them at start-up (gzip level 9, Brotli quality 11),
 * to browsers that accept it (all current ones accept Brotli over HTTPS and on localhost).
 * Later visits take them from the browser's cache (their URLs carry a content hash). The
 * service worker, the manifest and the icons follow after the page has loaded; they are
 * listed apart. The goal (issue 18): CSS and JavaScript together under 60 KB compressed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS, type AssetBytes, compress } from '../src/web/assets.ts';
import { table } from './lib/format.ts';

const GOAL_BYTES = 60 * 1024;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export async function run(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: npm run bench -- assets\n\nPrints the raw, gzip and Brotli bytes of the CSS and JavaScript every page links.');
    return;
  }
  const row = (label: string, bytes: Required<AssetBytes>) => [label, kb(bytes.raw.length), kb(bytes.gzip.length), kb(bytes.br.length)];
  const first = ['app.css', 'app.js'].map((name) => {
    const asset = ASSETS.get(name);
    if (!asset?.gzip || !asset.br) throw new Error(`${name} is not a compressed asset`);
    return { name, bytes: { raw: asset.raw, gzip: asset.gzip, br: asset.br } };
  });
  const total = (key: 'raw' | 'gzip' | 'br') => first.reduce((sum, f) => sum + f.bytes[key].length, 0);
  const worker = compress(readFileSync(join(import.meta.dirname, '..', 'src', 'web', 'sw.js')));
  const icon = ASSETS.get('icon.svg')!;
  console.log('\nCSS and JavaScript of a first visit (what every page links):\n');
  console.log(
    table(
      ['file', 'raw', 'gzip -9', 'brotli 11'],
      [
        ...first.map((f) => row(f.name, f.bytes)),
        [''],
        ['together', kb(total('raw')), kb(total('gzip')), kb(total('br'))],
        [''],
        row('sw.js (after load)', worker),
        row('icon.svg', { raw: icon.raw, gzip: icon.gzip!, br: icon.br! }),
      ],
      ['left', 'right', 'right', 'right'],
    ),
  );
  const worst = total('gzip');
  console.log(
    `\nGoal: under ${kb(GOAL_BYTES)} together: ${worst < GOAL_BYTES ? 'met' : 'NOT met'} (${kb(worst)} with gzip, ${kb(total('br'))} with Brotli).`,
  );
  if (worst >= GOAL_BYTES) process.exitCode = 1;
}
