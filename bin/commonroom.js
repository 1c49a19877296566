#!/usr/bin/env node
// The `commonroom` command. It runs on the project's own Node.js 24 (the npm package `node`),
// whichever `node` comes first on the PATH, and loads the TypeScript sources through tsx.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'src', 'main.ts');

if (Number(process.versions.node.split('.')[0]) >= 24) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(main);
} else {
  const node = join(root, 'node_modules', 'node', 'bin', 'node');
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
