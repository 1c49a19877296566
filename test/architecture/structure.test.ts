import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ownershipOf } from './ownership.ts';
import { type Ownership, problems, ROOT, type SourceFile, sourceFiles } from './structure.ts';

const file = (path: string, text: string): SourceFile => ({ path, folder: path.includes('/') ? path.split('/')[0]! : '', text });

/** A small tree: two capabilities (each with an index.ts), a leaf library and the composition root. */
const tree = (...extra: SourceFile[]): SourceFile[] => [
  file('web/layout.tsx', "import { x } from './context.ts';"),
  file('web/context.ts', ''),
  file('social/index.ts', "export { SocialService } from './service.ts';"),
  file('social/service.ts', "const rows = db.selectFrom('posts').selectAll();"),
  file('curation/index.ts', "import type { SocialService } from '../social/index.ts';"),
  file('curation/bookmarks.ts', "const rows = db.selectFrom('bookmarks').innerJoin('posts', 'posts.id', 'bookmarks.post_id');"),
  file('app/capabilities.ts', "import { social } from '../social/index.ts';\nimport { curation } from '../curation/index.ts';"),
  ...extra,
];

const owners: Ownership = {
  owner: new Map([
    ['posts', 'social'],
    ['bookmarks', 'curation'],
    ['actors', 'accounts'],
    ['jobs', 'kernel'],
  ]),
  shared: new Set(['actors']),
  readsAll: new Set(['insights']),
};

const rules = (files: SourceFile[]) => problems(files, owners).map((p) => `${p.rule} ${p.where}`);

describe('the structure rules', () => {
  test('the source tree keeps them: no leaf imports a capability, no circles, no SQL on another capability’s tables', async () => {
    const found = problems(sourceFiles(), await ownershipOf());
    assert.deepEqual(
      found.map((p) => `${p.rule}\t${p.where}\t${p.detail}`),
      [],
      'see docs/architecture.md; `node --import tsx test/architecture/check.ts` lists them',
    );
  });

  test('every table of the schema has one owner', async () => {
    const schema = readFileSync(join(ROOT, 'src/db/schema.ts'), 'utf8');
    const body = schema.slice(
      schema.indexOf('export interface Schema {'),
      schema.indexOf('\n}', schema.indexOf('export interface Schema {')),
    );
    const tables = [...body.matchAll(/^\s+([a-z_]+): /gm)].map((m) => m[1]!);
    assert.ok(tables.length > 40, `read ${tables.length} tables from schema.ts`);
    const { owner } = await ownershipOf();
    assert.deepEqual(
      tables.filter((t) => !owner.has(t)),
      [],
      'declare each in its capability’s index.ts (tables) or in KERNEL_TABLES',
    );
  });

  test('a join on another capability’s table is found; without it, imports through index.ts and SQL on its own tables are fine', () => {
    assert.deepEqual(rules(tree()), ['foreign-table curation/bookmarks.ts']);
    assert.deepEqual(rules(tree().filter((f) => f.path !== 'curation/bookmarks.ts')), []);
  });

  test('a leaf library importing a capability or the composition root is found', () => {
    assert.deepEqual(rules([file('web/layout.tsx', "import { social } from '../social/index.ts';"), file('social/index.ts', '')]), [
      'leaf-imports-capability web/layout.tsx',
    ]);
    assert.deepEqual(rules([file('web/context.ts', "import type { Services } from '../app/services.ts';")]), [
      'leaf-imports-capability web/context.ts',
      'imports-app web/context.ts',
    ]);
  });

  test('a capability’s internals imported from another folder are found', () => {
    const found = rules(tree(file('curation/articles.ts', "import { PostsService } from '../social/posts.ts';")));
    assert.ok(found.includes('capability-internals curation/articles.ts'), found.join('\n'));
  });

  test('two capabilities importing each other are found, type-only imports too', () => {
    const found = rules(tree(file('social/hydrate.ts', "import type { CurationService } from '../curation/index.ts';")));
    assert.ok(
      found.some((p) => p.startsWith('capability-cycle')),
      found.join('\n'),
    );
  });

  test('writing a shared read model, or a table no one owns, is found; reading a shared one is not', () => {
    const found = rules([
      file('social/index.ts', ''),
      file('social/people.ts', "db.selectFrom('actors').selectAll(); db.updateTable('actors').set({ x: 1 });"),
      file('social/raw.ts', 'sql`update actors set locked = 1`; sql`select * from bookmarks`;'),
    ]);
    assert.deepEqual(found, ['foreign-table social/people.ts', 'foreign-table social/raw.ts', 'foreign-table social/raw.ts']);
  });

  test('insights may read every table and write none but its own', () => {
    const found = rules([
      file('insights/index.ts', ''),
      file('insights/stages.ts', "db.selectFrom('posts').selectAll(); db.selectFrom('bookmarks').selectAll();"),
      file('insights/goals.ts', "db.insertInto('posts').values({});"),
    ]);
    assert.deepEqual(found, ['foreign-table insights/goals.ts']);
  });
});
