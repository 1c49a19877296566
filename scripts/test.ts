/**
 * `npm test`: the whole suite, as CI runs it.
 *
 *   1. type-checks the project;
 *   2. makes sure Debian's Chromium and a PostgreSQL server are there (installing them with
 *      apt-get when running as root on a machine without them);
 *   3. runs every test on SQLite, then every non-browser test again on PostgreSQL.
 *
 * Options: --sqlite-only, --no-browser, and test file paths to run only those.
 * PostgreSQL: DATABASE_URL (or TEST_POSTGRES_URL) names a server and role allowed to create
 * databases; each test server gets a fresh database there. Without one, a local Debian
 * cluster is started and a `commonroom` role created.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'sqlite-only': { type: 'boolean' }, 'no-browser': { type: 'boolean' } },
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOCAL_PG_URL = 'postgres://commonroom:commonroom@127.0.0.1:5432/postgres';
const isRoot = process.getuid?.() === 0;

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return spawnSync(command, args, { stdio: 'inherit', env }).status === 0;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;
function aptInstall(packages: string[]): void {
  if (!isRoot || !has('apt-get')) {
    throw new Error(`missing ${packages.join(', ')}: install them (Debian: apt-get install -y ${packages.join(' ')}) or see the README`);
  }
  step(`Installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated && !run('apt-get', ['update', '-qq'], env)) throw new Error('apt-get update failed');
  aptUpdated = true;
  if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], env)) throw new Error(`apt-get install ${packages.join(' ')} failed`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensurePostgres(): Promise<string> {
  const given = process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL;
  if (given) {
    if (!(await canConnect(given))) throw new Error(`cannot connect to PostgreSQL at ${given.replace(/:[^:@/]*@/, ':***@')}`);
    return given;
  }
  if (await canConnect(LOCAL_PG_URL)) return LOCAL_PG_URL;
  if (!has('pg_lsclusters')) aptInstall(['postgresql']);
  if (!isRoot) throw new Error('PostgreSQL is installed but not reachable as commonroom@127.0.0.1; set DATABASE_URL, or run npm test --sqlite-only');
  step('Starting the local PostgreSQL cluster');
  const clusters = execFileSync('pg_lsclusters', ['--no-header']).toString().trim().split('\n').filter(Boolean);
  if (clusters.length === 0) throw new Error('no PostgreSQL cluster: create one with pg_createcluster');
  const [version, name] = clusters[0]!.split(/\s+/);
  if (!clusters[0]!.includes('online')) run('pg_ctlcluster', [version!, name!, 'start']);
  const sql = `do $$ begin
      if not exists (select from pg_roles where rolname = 'commonroom') then
        create role commonroom login createdb password 'commonroom';
      end if; end $$;`;
  if (!run('su', ['postgres', '-c', `psql -q -v ON_ERROR_STOP=1 -c "${sql.replace(/\s+/g, ' ').replace(/"/g, '\\"').replace(/\$/g, '\\$')}"`])) {
    throw new Error('could not create the commonroom PostgreSQL role');
  }
  for (let i = 0; i < 20 && !(await canConnect(LOCAL_PG_URL)); i++) await new Promise((r) => setTimeout(r, 500));
  if (!(await canConnect(LOCAL_PG_URL))) throw new Error('PostgreSQL started but refuses commonroom@127.0.0.1');
  return LOCAL_PG_URL;
}

function ensureChromium(): void {
  if (!existsSync(CHROMIUM)) aptInstall(['chromium', 'fonts-dejavu-core']);
}

function nodeTest(files: string[], env: NodeJS.ProcessEnv): boolean {
  const concurrency = String(Math.max(2, availableParallelism()));
  return run(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], env);
}

async function main(): Promise<number> {
  const all = positionals.length > 0 ? positionals : globSync('test/**/*.test.{ts,tsx}').sort();
  const browser = values['no-browser'] ? [] : all.filter((f) => f.startsWith('test/browser/'));
  const nonBrowser = all.filter((f) => !f.startsWith('test/browser/'));

  step('Type-checking');
  if (!run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'])) return 1;

  if (browser.length > 0) ensureChromium();
  // The federation tests make a throw-away certificate authority with the openssl CLI.
  if (!has('openssl')) aptInstall(['openssl']);
  const postgresUrl = values['sqlite-only'] ? null : await ensurePostgres();

  // The suite's servers never read the developer's own configuration.
  const base: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: CHROMIUM };
  delete base.DATABASE_URL;

  step(`Tests on SQLite (${nonBrowser.length + browser.length} files)`);
  let ok = nodeTest([...nonBrowser, ...browser], { ...base, TEST_DB: 'sqlite' });

  if (postgresUrl && nonBrowser.length > 0) {
    step(`Tests on PostgreSQL (${nonBrowser.length} files)`);
    ok = nodeTest(nonBrowser, { ...base, TEST_DB: 'postgres', TEST_POSTGRES_URL: postgresUrl }) && ok;
  }
  console.log(ok ? '\n✔ All tests passed.' : '\n✖ Some tests failed (see above).');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm test: ${(error as Error).message}`);
    process.exit(1);
  },
);
