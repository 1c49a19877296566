/**
 * `npm test`: the whole suite, as CI runs it.
 *
 *   1. type-checks the project and checks format and lint with Biome;
 *   2. makes sure Debian's Chromium and a PostgreSQL server are there (installing them with
 *      apt-get when running as root on a machine without them);
 *   3. runs every test file on SQLite and again on PostgreSQL, the two passes side by side
 *      (each runs a few files at once, each file in its own process with its own servers,
 *      databases and browser). The PostgreSQL pass's report follows the SQLite one's.
 *
 * Options: --sqlite-only, --no-browser, --one-pass-at-a-time (the PostgreSQL pass after the
 * SQLite one, as on a machine short of memory), and test file paths to run only those.
 * TEST_CONCURRENCY sets how many files each pass runs at once (default: the number of cores,
 * at least 2).
 * PostgreSQL: DATABASE_URL (or TEST_POSTGRES_URL) names a server and role allowed to create
 * databases; each test server gets a fresh database there. Without one, a local Debian
 * cluster is started and a `commonroom` role created.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'sqlite-only': { type: 'boolean' }, 'no-browser': { type: 'boolean' }, 'one-pass-at-a-time': { type: 'boolean' } },
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
  if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], env))
    throw new Error(`apt-get install ${packages.join(' ')} failed`);
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
  if (!isRoot)
    throw new Error('PostgreSQL is installed but not reachable as commonroom@127.0.0.1; set DATABASE_URL, or run npm test --sqlite-only');
  step('Starting the local PostgreSQL cluster');
  const clusters = execFileSync('pg_lsclusters', ['--no-header']).toString().trim().split('\n').filter(Boolean);
  if (clusters.length === 0) throw new Error('no PostgreSQL cluster: create one with pg_createcluster');
  const [version, name] = clusters[0]!.split(/\s+/);
  if (!clusters[0]!.includes('online')) run('pg_ctlcluster', [version!, name!, 'start']);
  const sql = `do $$ begin
      if not exists (select from pg_roles where rolname = 'commonroom') then
        create role commonroom login createdb password 'commonroom';
      end if; end $$;`;
  if (
    !run('su', ['postgres', '-c', `psql -q -v ON_ERROR_STOP=1 -c "${sql.replace(/\s+/g, ' ').replace(/"/g, '\\"').replace(/\$/g, '\\$')}"`])
  ) {
    throw new Error('could not create the commonroom PostgreSQL role');
  }
  for (let i = 0; i < 20 && !(await canConnect(LOCAL_PG_URL)); i++) await new Promise((r) => setTimeout(r, 500));
  if (!(await canConnect(LOCAL_PG_URL))) throw new Error('PostgreSQL started but refuses commonroom@127.0.0.1');
  return LOCAL_PG_URL;
}

function ensureChromium(): void {
  if (!existsSync(CHROMIUM)) aptInstall(['chromium', 'fonts-dejavu-core']);
}

const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;

interface Pass {
  name: string;
  files: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Runs one pass with Node's test runner. With `live`, its report goes straight to the terminal;
 * otherwise it is kept and returned, to be printed when the live pass is done.
 */
function nodeTest(pass: Pass, live: boolean): Promise<{ ok: boolean; output: string; ms: number }> {
  const concurrency = String(Number(process.env.TEST_CONCURRENCY) || Math.max(2, availableParallelism()));
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...pass.files];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'], env: pass.env });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (code) => resolve({ ok: code === 0, output: Buffer.concat(chunks).toString(), ms: Date.now() - started }));
  });
}

/** Runs the passes side by side (or one after the other), the first one's report live. */
async function runPasses(passes: Pass[], sideBySide: boolean): Promise<boolean> {
  let ok = true;
  const report = (pass: Pass, result: { ok: boolean; ms: number }) => {
    console.log(
      `\n${result.ok ? '✔' : '✖'} ${pass.name}: ${pass.files.length} files in ${minutes(result.ms)}${result.ok ? '' : ', with failures'}`,
    );
    ok &&= result.ok;
  };
  if (!sideBySide || passes.length === 1) {
    for (const pass of passes) {
      step(`Tests on ${pass.name} (${pass.files.length} files)`);
      report(pass, await nodeTest(pass, true));
    }
    return ok;
  }
  step(`Tests on ${passes.map((p) => `${p.name} (${p.files.length} files)`).join(' and ')}, side by side; ${passes[0]!.name} first`);
  const [first, ...rest] = passes;
  const later = rest.map((pass) => nodeTest(pass, false));
  report(first!, await nodeTest(first!, true));
  for (const [i, pending] of later.entries()) {
    const pass = rest[i]!;
    const result = await pending;
    step(`Tests on ${pass.name} (${pass.files.length} files)`);
    process.stdout.write(result.output);
    report(pass, result);
  }
  return ok;
}

async function main(): Promise<number> {
  const started = Date.now();
  const all = positionals.length > 0 ? positionals : globSync('test/**/*.test.{ts,tsx}').sort();
  const files = values['no-browser'] ? all.filter((f) => !f.startsWith('test/browser/')) : all;
  const browser = files.some((f) => f.startsWith('test/browser/'));

  step('Type-checking');
  if (!run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'])) return 1;
  step('Checking format and lint (Biome; `npm run format` fixes what it can)');
  if (!run(process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'check', '--error-on-warnings', '.'])) return 1;

  if (browser) ensureChromium();
  // The federation tests make a throw-away certificate authority with the openssl CLI.
  if (!has('openssl')) aptInstall(['openssl']);
  const postgresUrl = values['sqlite-only'] ? null : await ensurePostgres();

  // The suite's servers never read the developer's own configuration.
  const base: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: CHROMIUM };
  delete base.DATABASE_URL;

  const passes: Pass[] = [{ name: 'SQLite', files, env: { ...base, TEST_DB: 'sqlite' } }];
  if (postgresUrl) passes.push({ name: 'PostgreSQL', files, env: { ...base, TEST_DB: 'postgres', TEST_POSTGRES_URL: postgresUrl } });
  const ok = await runPasses(passes, !values['one-pass-at-a-time']);
  console.log(`\n${ok ? '✔ All tests passed' : '✖ Some tests failed (see above)'} in ${minutes(Date.now() - started)}.`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm test: ${(error as Error).message}`);
    process.exit(1);
  },
);
