import { readFileSync } from 'node:fs';
import { NotAFeedError, parseFeed } from '../../src/feeds/parse.ts';
import { serveChild } from '../lib/child.ts';

/**
 * Times parseFeed on a list of files, in a process of its own (run by bench/lib/child.ts's
 * runChild), so its peak RSS is the parser's and not the feed generator's. The files are read
 * first; a round parses every file once from its bytes, so the timed part does no I/O. Warm-up
 * rounds (on `warmup`, else on the files themselves) run until both of their minimums are met,
 * then timed rounds until both of theirs are (or `maxRounds`).
 *
 * Python's side is feedparser_bench.py beside this file: the same input, the same loop.
 */

export interface FileSpec {
  path: string;
  url: string;
  contentType: string;
}

export interface MeasureInput {
  files: FileSpec[];
  /** What to warm up on; the timed files when absent. */
  warmup?: FileSpec[];
  warmupMinRounds: number;
  warmupMinMs: number;
  minRounds: number;
  minMs: number;
  maxRounds: number;
}

/** What one side of the comparison reports, ours or feedparser's. */
export interface RoundsOutput {
  files: number;
  bytes: number;
  warmupRounds: number;
  warmupMs: number;
  /** Milliseconds of each timed round. */
  roundMs: number[];
  /** Items in one round (all files), from the documents parsed. */
  items: number;
  /** Files that threw anything else than "not a feed" (in one round): a parser bug. */
  errors: Array<{ path: string; error: string }>;
  /** maxRSS in bytes: after reading the files, and at the end. */
  maxRssBefore: number;
  maxRss: number;
}

export interface MeasureOutput extends RoundsOutput {
  /** Files that threw NotAFeedError (in one round). */
  notFeeds: number;
}

interface Loaded {
  spec: FileSpec;
  bytes: Uint8Array;
}

interface RoundResult {
  items: number;
  notFeeds: number;
  errors: Array<{ path: string; error: string }>;
}

function round(files: readonly Loaded[]): RoundResult {
  let items = 0;
  let notFeeds = 0;
  const errors: RoundResult['errors'] = [];
  for (const { spec, bytes } of files) {
    try {
      items += parseFeed(bytes, { url: spec.url, contentType: spec.contentType }).items.length;
    } catch (error) {
      if (error instanceof NotAFeedError) notFeeds++;
      else errors.push({ path: spec.path, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return { items, notFeeds, errors };
}

const load = (specs: readonly FileSpec[]): Loaded[] => specs.map((spec) => ({ spec, bytes: new Uint8Array(readFileSync(spec.path)) }));
const maxRss = () => process.resourceUsage().maxRSS * 1024;

export async function measure(input: MeasureInput): Promise<MeasureOutput> {
  const files = load(input.files);
  const warmupFiles = input.warmup ? load(input.warmup) : files;
  const maxRssBefore = maxRss();

  let warmupRounds = 0;
  const warmupStart = performance.now();
  while (warmupRounds < input.warmupMinRounds || performance.now() - warmupStart < input.warmupMinMs) {
    round(warmupFiles);
    warmupRounds++;
  }
  const warmupMs = performance.now() - warmupStart;

  const roundMs: number[] = [];
  let first: RoundResult | undefined;
  let elapsed = 0;
  while (roundMs.length < input.maxRounds && (roundMs.length < input.minRounds || elapsed < input.minMs)) {
    const start = performance.now();
    const result = round(files);
    const ms = performance.now() - start;
    roundMs.push(ms);
    elapsed += ms;
    first ??= result;
  }
  return {
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.bytes.length, 0),
    warmupRounds,
    warmupMs,
    roundMs,
    items: first!.items,
    notFeeds: first!.notFeeds,
    errors: first!.errors,
    maxRssBefore,
    maxRss: maxRss(),
  };
}

if (process.argv[1] === import.meta.filename) serveChild(measure);
