import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeasureInput, RoundsOutput } from './measure.ts';

/**
 * Python's feedparser, the parser the issue measures ours against: finds a Python that can
 * import it — `python3` on the PATH, else Debian's /usr/bin/python3, where the Debian package
 * python3-feedparser installs it (a pyenv or venv python3 does not see it) — and, when none can
 * and we are root, installs that package with apt-get (updating the package lists if the first
 * try fails).
 */

const CANDIDATES = ['python3', '/usr/bin/python3'];
const SCRIPT = fileURLToPath(new URL('./feedparser_bench.py', import.meta.url));

export interface Feedparser {
  python: string;
  pythonVersion: string;
  version: string;
}

export interface FeedparserOutput extends RoundsOutput {
  feedparser: string;
  python: string;
  /** Documents feedparser flagged as not well-formed (or not a feed). */
  bozo: number;
}

function probe(python: string): Feedparser | null {
  const result = spawnSync(python, ['-c', 'import sys, feedparser; print(feedparser.__version__, sys.version.split()[0])'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) return null;
  const [version, pythonVersion] = result.stdout.trim().split(/\s+/);
  return version && pythonVersion ? { python, version, pythonVersion } : null;
}

const findOne = (): Feedparser | null => {
  for (const python of CANDIDATES) {
    const found = probe(python);
    if (found) return found;
  }
  return null;
};

function aptGet(args: string[]): { ok: boolean; detail: string } {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
  const detail = (result.error?.message ?? `${result.stderr ?? ''}`.trim().split('\n').at(-1) ?? '').trim();
  return { ok: result.status === 0, detail: detail || `apt-get exited with ${result.status ?? result.signal}` };
}

/** A Python with feedparser, or why there is none. `log` reports an installation under way. */
export function findFeedparser(log: (line: string) => void): Feedparser | { skipped: string } {
  const found = findOne();
  if (found) return found;
  if (process.getuid?.() !== 0)
    return {
      skipped: `python3 -c 'import feedparser' fails, and installing python3-feedparser needs root (apt-get install -y python3-feedparser)`,
    };
  log(`feedparser is not installed: apt-get install -y python3-feedparser …`);
  let install = aptGet(['install', '-y', 'python3-feedparser']);
  if (!install.ok) {
    log(`that failed (${install.detail}); apt-get update, then again …`);
    const update = aptGet(['update']);
    if (!update.ok) return { skipped: `apt-get update failed: ${update.detail}` };
    install = aptGet(['install', '-y', 'python3-feedparser']);
  }
  if (!install.ok) return { skipped: `apt-get install -y python3-feedparser failed: ${install.detail}` };
  return findOne() ?? { skipped: `python3-feedparser is installed but neither ${CANDIDATES.join(' nor ')} can import feedparser` };
}

/** Runs feedparser_bench.py on the same input as our side, `rounds` timed rounds at most and for about `maxSeconds`. */
export async function runFeedparser(
  feedparser: Feedparser,
  tempDir: string,
  name: string,
  input: MeasureInput & { rounds: number; maxSeconds: number },
): Promise<FeedparserOutput> {
  const inputPath = join(tempDir, `${name}.input.json`);
  writeFileSync(inputPath, JSON.stringify(input));
  const child = spawn(feedparser.python, [SCRIPT, inputPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${feedparser.python} ${SCRIPT} exited with ${code}:\n${stderr.trim()}`);
  return JSON.parse(stdout) as FeedparserOutput;
}
