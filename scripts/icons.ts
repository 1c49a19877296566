/**
 * `node --import tsx scripts/icons.ts`: draws the installable app's PNG icons (the web app
 * manifest's 192 and 512 px, and a 512 px "maskable" one with room around the mark) from
 * src/web/assets/icon.svg. Run it again after changing the SVG, and commit the PNGs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const DIR = join(import.meta.dirname, '..', 'src', 'web', 'assets');
const svg = readFileSync(join(DIR, 'icon.svg'), 'utf8');

for (const size of [192, 512]) {
  await sharp(Buffer.from(svg), { density: (72 * size) / 32 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(join(DIR, `icon-${size}.png`));
}

// Maskable: the launcher may cut any shape from the middle 80 %, so the square is filled with
// the background colour and the mark drawn at 70 % in the middle.
const inner = svg
  .replace(/^<svg[^>]*>/, '')
  .replace(/<\/svg>\s*$/, '')
  .replace(/<rect[^>]*\/>/, '');
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#1d5c80"/><g transform="translate(4.8 4.8) scale(0.7)">${inner}</g></svg>`;
await sharp(Buffer.from(maskable), { density: (72 * 512) / 32 })
  .resize(512, 512)
  .png({ compressionLevel: 9, palette: true })
  .toFile(join(DIR, 'icon-maskable-512.png'));
writeFileSync(1, 'Wrote icon-192.png, icon-512.png and icon-maskable-512.png in src/web/assets.\n');
