import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The conformance corpus in shared/testdata, as the parse benchmark reads it: every file under
 * feedparser-cases/wellformed (all feeds), and the feeds under gofeed-cases — its .xml files
 * and the JSON Feeds among its .json files. gofeed keeps beside each `X.xml` its own parse of
 * it as `X.json`, and beside a JSON Feed its parse as `*_expected.json`; those are answers,
 * not feeds, and are left out. Non-feeds kept on purpose (an empty file, an unknown root,
 * invalid JSON) stay in: a parser meets them too.
 */

/** shared/ is beside the repository: bench/feeds/ → ../../../shared/testdata/. */
export const TESTDATA = fileURLToPath(new URL('../../../shared/testdata/', import.meta.url));

export const SETS = [
  { name: 'feedparser wellformed', dir: 'feedparser-cases/wellformed' },
  { name: 'gofeed', dir: 'gofeed-cases' },
] as const;

export interface FeedFile {
  /** Absolute path. */
  path: string;
  /** What the parser is told, as if from HTTP: the URL (base for relative links) and Content-Type. */
  url: string;
  contentType: string;
  set: string;
  bytes: number;
}

export function findCorpus(root = TESTDATA): FeedFile[] {
  const files: FeedFile[] = [];
  for (const set of SETS) {
    const dir = join(root, set.dir);
    if (!existsSync(dir)) throw new Error(`The corpus is missing: ${dir} (shared/testdata beside the repository).`);
    for (const path of walk(dir)) {
      if (set.dir.startsWith('gofeed') && !isGofeedFeed(path)) continue;
      files.push(describe(path, root, set.name));
    }
  }
  return files;
}

export function describe(path: string, root: string, set: string): FeedFile {
  const rel = relative(root, path).split('\\').join('/');
  return {
    path,
    url: `https://feeds.example.org/${rel}`,
    contentType: extname(path) === '.json' ? 'application/feed+json' : 'application/xml',
    set,
    bytes: statSync(path).size,
  };
}

function isGofeedFeed(path: string): boolean {
  const ext = extname(path);
  if (ext === '.xml') return true;
  if (ext !== '.json' || basename(path).endsWith('_expected.json')) return false;
  return !existsSync(`${path.slice(0, -ext.length)}.xml`);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile() && !/^(LICENSE|README\.md)$/.test(entry.name)) out.push(path);
  }
  return out;
}
