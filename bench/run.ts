/**
 * `npm run bench -- NAME [--options]`: runs the benchmark in bench/NAME.ts.
 *
 * A benchmark is a module next to this one that exports `run(args)`; adding bench/feeds.ts
 * makes `npm run bench -- feeds` work with no change here. Shared helpers live in bench/lib/
 * and a benchmark's own helpers in bench/NAME/, so neither is mistaken for a benchmark.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

export interface Benchmark {
  /** Runs with the arguments after the benchmark's name; a rejection fails the run. */
  run(args: string[]): Promise<void>;
}

const HERE = new URL('.', import.meta.url);

function available(): string[] {
  return readdirSync(HERE)
    .filter((file) => file.endsWith('.ts') && file !== basename(import.meta.filename))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

function usage(problem: string): never {
  const names = available();
  console.error(
    `${problem}\n\nUsage: npm run bench -- NAME [--options]\n\nBenchmarks:\n${names.map((n) => `  ${n}`).join('\n') || '  (none)'}`,
  );
  process.exit(2);
}

const [name, ...args] = process.argv.slice(2);
if (!name || name.startsWith('-')) usage('Which benchmark?');
if (!available().includes(name)) usage(`There is no benchmark "${name}".`);

const benchmark = (await import(new URL(`${name}.ts`, HERE).href)) as Partial<Benchmark>;
if (typeof benchmark.run !== 'function') usage(`bench/${name}.ts does not export run(args).`);
try {
  await benchmark.run(args);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
