import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NotAFeedError, parseFeed, type FeedDocument } from '../../../src/feeds/parse.ts';
import { feedparserEnv } from './feedparser-view.ts';
import { checkGofeed, verdict, type GofeedModel, type Verdict } from './gofeed.ts';
import { evaluate, PyError, Skip, truthy } from './python-expr.ts';

/**
 * The conformance cases: loading them from the shared test data, serving the ones that need
 * HTTP from a loopback server, parsing each with our parser and judging the result.
 */

export interface CaseResult extends Verdict {
  /** Relative to the test data directory: `feedparser-cases/wellformed/rss/channel_title.xml`. */
  path: string;
  /** The directory, for the table: `feedparser/wellformed/rss`. */
  category: string;
}

export function listFiles(dir: string): string[] {
  dir = dir.replace(/\/+$/, '');
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = `${dir}/${name}`;
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Universal Feed Parser cases

export interface FeedparserCase {
  path: string;
  category: string;
  bytes: Buffer;
  description: string;
  expect: string;
  headers: Array<[string, string]>;
}

export function loadFeedparserCases(testdata: URL, under: 'wellformed' | 'illformed'): FeedparserCase[] {
  const root = fileURLToPath(new URL('feedparser-cases/', testdata));
  return listFiles(`${root}${under}`)
    .filter((f) => f.endsWith('.xml'))
    .map((file) => {
      const bytes = readFileSync(file);
      const text = bytes.toString('latin1'); // the comment is ASCII; the feed's own bytes stay as they are
      const comment = /Description:\s*(.*?)\s*Expect:\s*(.*)/.exec(text);
      const rel = file.slice(root.length);
      return {
        path: `feedparser-cases/${rel}`,
        category: `feedparser/${rel.slice(0, rel.lastIndexOf('/'))}`,
        bytes,
        description: comment?.[1] ?? '',
        expect: comment?.[2]?.trim() ?? '',
        headers: [...text.matchAll(/^Header:\s+([^:]+):(.*)$/gm)].map((m): [string, string] => [m[1]!.trim(), m[2]!.trim()]),
      };
    });
}

/** feedparser's suite fetched its cases from this address; expectations mention it. */
const FEEDPARSER_ORIGIN = 'http://127.0.0.1:8097';

/** Serves cases on loopback with the HTTP headers they ask for. */
export class CaseServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly routes: Map<string, { body: Buffer; headers: Array<[string, string]> }>,
  ) {}

  static async start(): Promise<CaseServer> {
    const routes = new Map<string, { body: Buffer; headers: Array<[string, string]> }>();
    const server = createServer((req, res) => {
      const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'text/xml', 'content-length': String(route.body.length) };
      for (const [name, value] of route.headers) headers[name.toLowerCase()] = value;
      res.writeHead(200, headers).end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new CaseServer(server, `http://127.0.0.1:${port}`, routes);
  }

  serve(path: string, body: Buffer, headers: Array<[string, string]>): string {
    this.routes.set(`/${path}`, { body, headers });
    return `${this.origin}/${path}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function needsHttp(c: FeedparserCase): boolean {
  return c.headers.length > 0 || c.expect.includes(FEEDPARSER_ORIGIN);
}

/** Parses a case as the application would: fetched over HTTP when it is about HTTP, else from its bytes. */
async function parseCase(c: FeedparserCase, server: CaseServer): Promise<{ doc: FeedDocument; expect: string }> {
  if (!needsHttp(c)) return { doc: parseFeed(c.bytes, { checkWellFormed: true }), expect: c.expect };
  const url = server.serve(c.path, c.bytes, c.headers);
  const response = await fetch(url);
  const body = new Uint8Array(await response.arrayBuffer());
  const contentType = response.headers.get('content-type') ?? undefined;
  const doc = parseFeed(body, { url: response.url, checkWellFormed: true, ...(contentType ? { contentType } : {}) });
  return { doc, expect: c.expect.replaceAll(FEEDPARSER_ORIGIN, server.origin) };
}

const isCdf = (bytes: Buffer) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<channel\b/i.test(bytes.toString('latin1'));

export async function runFeedparserCase(c: FeedparserCase, server: CaseServer): Promise<CaseResult> {
  const result = (v: Verdict): CaseResult => ({ path: c.path, category: c.category, ...v });
  if (!c.expect) return result({ status: 'fail', reason: 'no Expect: line in the case' });
  let parsed: { doc: FeedDocument; expect: string };
  try {
    parsed = await parseCase(c, server);
  } catch (error) {
    if (error instanceof NotAFeedError && isCdf(c.bytes)) return result({ status: 'skip', reason: 'cdf' });
    return result({ status: 'fail', reason: `parse threw ${(error as Error).name}: ${(error as Error).message}` });
  }
  try {
    const value = evaluate(parsed.expect, feedparserEnv(parsed.doc));
    const t = truthy(value);
    if (t instanceof Skip) return result({ status: 'skip', reason: t.kind });
    return result(t ? { status: 'pass' } : { status: 'fail', reason: `false: ${parsed.expect}` });
  } catch (error) {
    if (error instanceof PyError) return result({ status: 'fail', reason: `${error.message} — ${parsed.expect}` });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// gofeed cases

export interface GofeedCase {
  path: string;
  category: string;
  input: Buffer;
  /** gofeed's result, in `model`; or what detection should say. */
  expected: { model: GofeedModel; value: unknown } | { detect: 'rss' | 'rdf' | 'atom' | 'json' | 'none' };
}

export function loadGofeedCases(testdata: URL): GofeedCase[] {
  const root = fileURLToPath(new URL('gofeed-cases/', testdata));
  const cases: GofeedCase[] = [];
  const add = (file: string, expected: GofeedCase['expected']) => {
    const rel = file.slice(root.length);
    cases.push({ path: `gofeed-cases/${rel}`, category: `gofeed/${rel.slice(0, rel.lastIndexOf('/'))}`, input: readFileSync(file), expected });
  };
  const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;
  for (const file of listFiles(root)) {
    const rel = file.slice(root.length);
    const dir = rel.slice(0, rel.lastIndexOf('/'));
    if (/\.(md|txt)$|LICENSE|README/i.test(rel)) continue;
    if (dir === 'parser/universal') {
      const name = rel.slice(dir.length + 1);
      const detect = /^(empty|unknown)_feed|^invalid/.test(name) ? 'none' : name.startsWith('atom') ? 'atom' : name.startsWith('rdf') ? 'rdf' : name.startsWith('rss') ? 'rss' : 'json';
      add(file, { detect });
    } else if (dir === 'parser/json/invalid') add(file, { detect: 'none' });
    else if (/^(parser|translator)\/(rss|atom)$/.test(dir) && file.endsWith('.xml')) {
      add(file, { model: dir.startsWith('parser') ? (dir.endsWith('rss') ? 'rss' : 'atom') : 'universal', value: json(file.replace(/\.xml$/, '.json')) });
    } else if (/^(parser|translator)\/json$/.test(dir) && file.endsWith('.json') && !file.endsWith('_expected.json')) {
      add(file, { model: dir.startsWith('parser') ? 'json' : 'universal', value: json(file.replace(/\.json$/, '_expected.json')) });
    }
  }
  return cases;
}

export function runGofeedCase(c: GofeedCase): CaseResult {
  const result = (v: Verdict): CaseResult => ({ path: c.path, category: c.category, ...v });
  let doc: FeedDocument | undefined;
  let error: Error | undefined;
  try {
    doc = parseFeed(c.input, {});
  } catch (e) {
    if (!(e instanceof NotAFeedError)) return result({ status: 'fail', reason: `parse threw ${(e as Error).name}: ${(e as Error).message}` });
    error = e;
  }
  if ('detect' in c.expected) {
    const format = doc?._commonroom.format ?? 'none';
    return result(format === c.expected.detect ? { status: 'pass' } : { status: 'fail', reason: `detected ${format}, expected ${c.expected.detect}` });
  }
  if (!doc) return result({ status: 'fail', reason: `not a feed: ${error?.message}` });
  return result(verdict(checkGofeed(c.expected.model, c.expected.value, doc)));
}

// ---------------------------------------------------------------------------------------------
// Expected failures and the report

export interface ExpectedFailure {
  path: string;
  reason: string;
}

/** `path  reason` per line; `#` starts a comment. */
export function loadExpectedFailures(file: URL): ExpectedFailure[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+)\s*(.*)$/.exec(line)!;
      return { path: m[1]!, reason: m[2]! };
    });
}

export interface Tally {
  category: string;
  pass: number;
  skip: number;
  fail: number;
}

export function tally(results: CaseResult[]): { rows: Tally[]; total: Tally; rate: number } {
  const by = new Map<string, Tally>();
  const total: Tally = { category: 'total', pass: 0, skip: 0, fail: 0 };
  for (const r of results) {
    const row = by.get(r.category) ?? { category: r.category, pass: 0, skip: 0, fail: 0 };
    by.set(r.category, row);
    row[r.status]++;
    total[r.status]++;
  }
  const rows = [...by.values()].sort((a, b) => a.category.localeCompare(b.category));
  return { rows, total, rate: total.pass / Math.max(1, total.pass + total.fail) };
}

export function formatTable(results: CaseResult[]): string {
  const { rows, total, rate } = tally(results);
  const pct = (t: Tally) => (t.pass + t.fail ? `${((100 * t.pass) / (t.pass + t.fail)).toFixed(1)}%` : '—');
  const lines = [...rows, total].map((t) => [t.category, String(t.pass), String(t.skip), String(t.fail), pct(t)]);
  const header = ['category', 'pass', 'skip', 'fail', 'pass rate'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [row(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.slice(0, -1).map(row), row(lines.at(-1)!.map((c, i) => (i === 0 ? '**total**' : c))), '', `Pass rate over applicable (non-skipped) cases: ${(100 * rate).toFixed(1)}% (${total.pass} of ${total.pass + total.fail}); ${total.skip} skipped.`].join('\n');
}

export function skipSummary(results: CaseResult[], describe: (kind: string) => string): string {
  const counts = new Map<string, number>();
  for (const r of results) if (r.status === 'skip') for (const kind of (r.reason ?? '').split(', ')) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${String(n).padStart(4)}  ${describe(kind)}`)
    .join('\n');
}
