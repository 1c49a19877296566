import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ms, table } from '../lib/format.ts';

/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time by
 * package or source file, and inclusive (synchronous) time of the product's own functions.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The newest .cpuprofile in `dir`. */
export function newestProfile(dir: string): string | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  return files.length ? join(dir, files.at(-1)!) : null;
}

/** node_modules/<pkg> (or @scope/pkg), src/<path>, node:<module>, or the V8 pseudo-frames. */
function area(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native code)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src\/.+?)(?:\?.*)?$/.exec(url);
  if (src) return src[1]!;
  const bench = /\/(bench\/.+?)(?:\?.*)?$/.exec(url);
  if (bench) return bench[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').replace(/\/.*$/, '');
  return url.replace(/^.*\//, '');
}

export function summarizeProfile(file: string, top = 12): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const totalUs = profile.endTime - profile.startTime;

  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    if (t) byArea.set(area(node.callFrame), (byArea.get(area(node.callFrame)) ?? 0) + t);
  }

  // Inclusive time of product functions: a node's self time counts once for each distinct
  // product function on its stack (recursion is not counted twice).
  const inclusive = new Map<string, number>();
  const children = new Map<number, number[]>(profile.nodes.map((n) => [n.id, n.children ?? []]));
  const referenced = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const roots = profile.nodes.filter((n) => !referenced.has(n.id));
  const keyOf = (node: ProfileNode) => {
    const a = area(node.callFrame);
    return a.startsWith('src/') && node.callFrame.functionName ? `${node.callFrame.functionName} (${a})` : null;
  };
  const stack: Array<{ id: number; keys: string[] }> = roots.map((r) => ({ id: r.id, keys: [] }));
  while (stack.length) {
    const { id, keys } = stack.pop()!;
    const node = byId.get(id)!;
    const key = keyOf(node);
    const path = key && !keys.includes(key) ? [...keys, key] : keys;
    const t = self.get(id) ?? 0;
    if (t) for (const k of path) inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    for (const child of children.get(id) ?? []) stack.push({ id: child, keys: path });
  }

  const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1)}%`;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => [name, ms(us / 1000), pct(us)]);
  return [
    `  CPU profile: ${file} (${ms(totalUs / 1000)} ms profiled)`,
    '',
    table(['self time by package or file', 'ms', 'share'], rows(byArea), ['left', 'right', 'right'], '    '),
    '',
    table(
      ['inclusive time of product functions (synchronous work under them)', 'ms', 'share'],
      rows(inclusive),
      ['left', 'right', 'right'],
      '    ',
    ),
    `    (idle) is the event loop waiting for the network or the database; (garbage collector) is V8's GC.`,
  ].join('\n');
}
