/**
 * Reads the source tree for the structure rules of docs/architecture.md:
 *
 *   - leaf libraries (platform, db, jobs, web, api) import no capability and not the composition root;
 *   - only the composition root (src/app) and the command line (src/main.ts) import src/app;
 *   - a capability imports another only through its index.ts, and capabilities never import
 *     each other in a circle;
 *   - a capability's SQL names only its own tables, the kernel's, and tables another capability
 *     shares as a read model (read, never written); insights reads others' tables, never writes.
 *
 * `node --import tsx test/architecture/check.ts [folder]` prints what breaks them (the test
 * structure.test.ts asserts there is nothing).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

export const LEAVES = ['platform', 'db', 'jobs', 'web', 'api'] as const;

export interface SourceFile {
  path: string;
  /** The folder directly under src/ ('' for src/main.ts). */
  folder: string;
  text: string;
}

export function sourceFiles(dir = SRC): SourceFile[] {
  const files: SourceFile[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name)) {
      const rel = relative(SRC, path);
      files.push({ path: rel, folder: rel.includes('/') ? rel.split('/')[0]! : '', text: readFileSync(path, 'utf8') });
    }
  }
  return files;
}

/** Folders under src/ that are capabilities (they have an index.ts). */
export function capabilityFolders(files: SourceFile[]): string[] {
  return [...new Set(files.filter((f) => /^[a-z-]+\/index\.ts$/.test(f.path)).map((f) => f.folder))].filter(
    (f) => f !== 'app' && !(LEAVES as readonly string[]).includes(f),
  );
}

export interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Relative imports of every file, resolved to paths under src/. */
export function imports(files: SourceFile[]): Import[] {
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?\s*from\s*'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;
  for (const file of files) {
    for (const match of file.text.matchAll(pattern)) {
      const spec = match[3] ?? match[4]!;
      const target = relative(SRC, resolve(SRC, dirname(file.path), spec));
      if (target.startsWith('..')) continue;
      found.push({ from: file.path, to: target, typeOnly: Boolean(match[2]) });
    }
  }
  return found;
}

const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : '');

export interface TableUse {
  file: string;
  table: string;
  write: boolean;
}

const KYSELY =
  /\b(selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|replaceInto|mergeInto)\(\s*(\[[^\]]*\]|'[^']*')/g;
const RAW_SQL = /\bsql(?:<[^`]*?>)?`([^`]*)`/g;
const RAW_TABLE = /\b(from|join|update|into|exists\s*\(\s*select\s+1\s+from)\s+([a-z_]+)\b/gi;
const WRITES = new Set(['insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);

/** Every table a file's SQL names (Kysely's builders and raw `sql` templates). */
export function tableUses(file: SourceFile, tables: ReadonlySet<string>): TableUse[] {
  const uses: TableUse[] = [];
  for (const match of file.text.matchAll(KYSELY)) {
    for (const name of match[2]!.matchAll(/'([a-z_]+)/g)) {
      if (tables.has(name[1]!)) uses.push({ file: file.path, table: name[1]!, write: WRITES.has(match[1]!) });
    }
  }
  for (const match of file.text.matchAll(RAW_SQL)) {
    const body = match[1]!.replace(/\$\{[^}]*\}/g, ' ');
    for (const name of body.matchAll(RAW_TABLE)) {
      const table = name[2]!.toLowerCase();
      if (tables.has(table)) uses.push({ file: file.path, table, write: /^(update|into)$/i.test(name[1]!) });
    }
  }
  return uses;
}

export interface Ownership {
  /** table → owning capability ('kernel' for the platform's own). */
  owner: Map<string, string>;
  /** tables any capability may read (a read model its owner shares). */
  shared: Set<string>;
  /** capabilities that may read every table (never write another's). */
  readsAll: Set<string>;
}

export interface Problem {
  rule: 'leaf-imports-capability' | 'imports-app' | 'capability-internals' | 'capability-cycle' | 'foreign-table';
  where: string;
  detail: string;
}

/** What breaks the rules, given the tables each capability owns. */
export function problems(files: SourceFile[], ownership: Ownership): Problem[] {
  const found: Problem[] = [];
  const capabilities = new Set(capabilityFolders(files));
  const leaves = new Set<string>(LEAVES);
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports(files)) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    if (leaves.has(a) && (capabilities.has(b) || b === 'app')) {
      found.push({ rule: 'leaf-imports-capability', where: from, detail: `imports ${to}` });
    }
    if (b === 'app' && a !== '' && a !== 'app') found.push({ rule: 'imports-app', where: from, detail: `imports ${to}` });
    if (capabilities.has(a) && capabilities.has(b)) {
      if (to !== `${b}/index.ts`) found.push({ rule: 'capability-internals', where: from, detail: `imports ${to} (use ${b}/index.ts)` });
      let set = edges.get(a);
      if (!set) edges.set(a, (set = new Set()));
      set.add(b);
    }
  }
  for (const cycle of cycles(edges)) found.push({ rule: 'capability-cycle', where: cycle[0]!, detail: cycle.join(' → ') });

  const tables = new Set(ownership.owner.keys());
  for (const file of files) {
    if (!capabilities.has(file.folder)) continue;
    for (const use of tableUses(file, tables)) {
      const owner = ownership.owner.get(use.table);
      if (owner === file.folder || owner === 'kernel') continue;
      if (!use.write && (ownership.shared.has(use.table) || ownership.readsAll.has(file.folder))) continue;
      found.push({
        rule: 'foreign-table',
        where: file.path,
        detail: `${use.write ? 'writes' : 'reads'} ${use.table}, a table of ${owner ?? 'no one'}`,
      });
    }
  }
  return found;
}

/** Every elementary cycle's first appearance, as a path that returns to its start. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = [...path.slice(at), next];
        const key = [...cycle.slice(0, -1)].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(cycle);
        }
      } else visit(next, [...path, next]);
    }
  };
  for (const node of edges.keys()) visit(node, [node]);
  return found;
}
