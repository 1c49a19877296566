import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { utcToZoned } from '../../src/chats/time.ts';
import { FeedServer } from '../feeds/feed-server.ts';
import { eventually, type Json, SseStream } from '../social/helpers.ts';
import { Client } from '../support/client.ts';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/database.ts';

/**
 * The README's promise for PostgreSQL: stateless web processes and worker processes scale out
 * on one database. Real processes (`commonroom serve --no-jobs` twice, `commonroom worker`
 * twice) share DATABASE_URL, SECRET_KEY and DATA_DIR, as behind a load balancer. Live events
 * cross processes, a session made on one web process works on the other, and background jobs
 * that both web processes enqueued run exactly once between two workers (counted where they
 * take effect: requests to the sites they fetch).
 */

const SKIP = TEST_DB !== 'postgres' && 'PostgreSQL only: a SQLite site is served by one process (its live events stay in that process)';
const PASSWORD = 'a long enough password';

interface Process {
  child: ChildProcess;
  /** Where a web process listens. */
  url: string;
  output(): string;
  /** SIGTERM, then wait for it to exit; returns the exit code. */
  stop(): Promise<number | null>;
}

let database: TestDatabase;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let sites: FeedServer;
let a: Process;
let b: Process;
const workers: Process[] = [];
let db: pg.Client;

/** Starts `src/main.ts <args>` and waits for the log line that says it is ready. */
function start(args: string[], ready: string): Promise<Process> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      buffer += d.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let entry: { msg?: string; port?: number };
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (entry.msg !== ready) continue;
        resolve({
          child,
          url: entry.port ? `http://127.0.0.1:${entry.port}` : '',
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${output}`)));
  });
}

/** Runs a CLI command to its end. */
function cli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      env: { ...env, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Signs a member in with the sign-in form on this web process; returns the browser-like client. */
async function signIn(url: string, handle: string): Promise<Client> {
  const client = new Client(url);
  const page = await client.post('/login', { login: handle, password: PASSWORD });
  assert.equal(page.status, 303, `@${handle} signs in on ${url}: ${page.text('.error-summary')}`);
  return client;
}

/** The same browser (its cookies) talking to another web process, as a load balancer would send it. */
function sameBrowser(client: Client, url: string): Client {
  const other = new Client(url);
  for (const [name, value] of client.cookies) other.cookies.set(name, value);
  return other;
}

const cookieOf = (client: Client) => ({ cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });

async function post(client: Client, text: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await client.api('POST', '/api/v1/posts', { text, ...extra });
  assert.equal(res.status, 201, `posting "${text}" through ${client.baseUrl}: ${JSON.stringify(res.json)}`);
  return res.json;
}

async function count(query: string, values: unknown[] = []): Promise<number> {
  return Number((await db.query(query, values)).rows[0].n);
}

before(async () => {
  if (SKIP) return;
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'commonroom-processes-'));
  sites = await FeedServer.start();
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // A run under faketime (the suite's calendar check) fakes the processes' clocks too.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name === 'LD_PRELOAD' || name.startsWith('FAKETIME'))),
    DATABASE_URL: database.url,
    SECRET_KEY: 'one secret key shared by every process of this site',
    DATA_DIR: dataDir,
    BASE_URL: 'http://pln.example.org',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    FETCH_ALLOW_PRIVATE: '127.0.0.1',
  };
  // Both web processes start (and migrate) at once, as after a deployment.
  [a, b] = await Promise.all([
    start(['serve', '--no-jobs'], 'Commonroom is listening'),
    start(['serve', '--no-jobs'], 'Commonroom is listening'),
  ]);
  for (const handle of ['ana', 'bo']) {
    const created = await cli(['user', 'create', handle, '--email', `${handle}@example.org`, '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(created.code, 0, created.stderr);
  }
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
});

after(async () => {
  if (SKIP) return;
  await Promise.all([...workers, a, b].filter(Boolean).map((p) => p.stop()));
  await db?.end();
  await sites.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two web processes and two workers on one PostgreSQL database', { skip: SKIP }, () => {
  test('a session made on one web process works on the other, forms included', async () => {
    const anaOnA = await signIn(a.url, 'ana');
    const anaOnB = sameBrowser(anaOnA, b.url);
    const profile = await anaOnB.api('GET', '/api/v1/profile');
    assert.equal(profile.status, 200);
    assert.equal(profile.json.handle, 'ana');
    assert.equal((await anaOnB.get('/stream')).status, 200, 'a signed-in page on B');
    // A form rendered by A (its CSRF token) is accepted by B.
    const token = (await anaOnA.get('/stream')).document.querySelector('input[name=_csrf]')?.getAttribute('value');
    assert.ok(token);
    const posted = await anaOnB.post('/posts', { _csrf: token, text: 'Written on A, sent to B', visibility: 'public' });
    assert.equal(posted.status, 303, posted.text('.error-summary'));
    // Signing out on B ends the session on A too.
    assert.equal((await anaOnB.post('/logout', { _csrf: token })).status, 303);
    assert.equal((await anaOnA.api('GET', '/api/v1/profile')).status, 401);
  });

  test('a post made through one web process reaches a live stream held on the other; a reconnect on either misses nothing', async () => {
    const ana = await signIn(a.url, 'ana');
    const bo = await signIn(b.url, 'bo');
    assert.equal((await ana.api('POST', '/api/v1/people/bo/follow', {})).status, 200);
    const home = `/api/v1/streaming?timeline=home`;
    const onB = await SseStream.open(`${b.url}${home}`, cookieOf(ana));
    const first = await post(sameBrowser(bo, a.url), 'Posted through A, read on B');
    await onB.nextPost(first.id, 5000);
    const last = onB.lastEventId!;
    onB.close();
    // Missed while away, through both processes; then ana reconnects to A.
    const missed = [await post(sameBrowser(bo, a.url), 'Missed, through A'), await post(bo, 'Missed, through B')];
    const onA = await SseStream.open(`${a.url}${home}`, { ...cookieOf(ana), 'last-event-id': last });
    try {
      const live = await post(bo, 'Live again, through B');
      await onA.nextPost(live.id, 5000);
      assert.deepEqual(onA.postIds(), [...missed.map((p) => p.id), live.id]);
    } finally {
      onA.close();
    }
  });

  test('a chat room open on one web process follows a chat run through the other, and catches up after a reconnect', async () => {
    const host = await signIn(a.url, 'ana');
    const hostOnB = sameBrowser(host, b.url);
    const bo = await signIn(b.url, 'bo');
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const created = await host.api('POST', '/api/v1/chats', {
      hashtag: '#scaleout',
      title: 'Scale-out',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const api = `/api/v1/chats/scaleout/${at.date}`;
    assert.equal((await host.api('POST', `${api}/questions`, { text: 'What did you learn today?' })).status, 201);
    assert.equal((await host.api('POST', `${api}/start`, {})).status, 200);
    const room = `/chats/scaleout/${at.date}/live`;
    const onB = await SseStream.open(`${b.url}${room}`);
    assert.equal((await hostOnB.api('POST', `${api}/release`, {})).status, 200);
    await onB.next((e) => e.event === 'question', 5000);
    const answer = await post(sameBrowser(bo, a.url), 'A1 posted through A #scaleout');
    await onB.nextPost(answer.id, 5000);
    const last = onB.lastEventId!;
    onB.close();
    const missed = await post(bo, 'A1 missed, through B #scaleout');
    const onA = await SseStream.open(`${a.url}${room}`, { 'last-event-id': last });
    try {
      const live = await post(sameBrowser(bo, a.url), 'A1 live, through A #scaleout');
      await onA.nextPost(live.id, 5000);
      assert.deepEqual(onA.postIds(), [missed.id, live.id]);
    } finally {
      onA.close();
    }
  });

  test('jobs enqueued through both web processes run exactly once between two workers; the web processes run none', async () => {
    const ana = await signIn(a.url, 'ana');
    const bo = await signIn(b.url, 'bo');
    const pages = Array.from({ length: 12 }, (_, i) =>
      sites.set(`/page-${i}`, { headers: { 'content-type': 'text/html' }, body: `<html><head><title>Page ${i}</title></head></html>` }),
    );
    const feeds = Array.from({ length: 6 }, (_, i) =>
      sites.set(`/feed-${i}.xml`, {
        body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${i}</title><link>${sites.url}/</link><item><title>Item ${i}</title><link>${sites.url}/item-${i}</link><guid>item-${i}</guid></item></channel></rss>`,
      }),
    );
    // Link cards: one social.card job per post, enqueued by whichever process took the post.
    for (const [i, page] of pages.entries()) await post(i % 2 ? ana : bo, `Worth reading: ${page}`);
    // Feeds: each subscription fetches its new source at once (in the web process).
    for (const [i, feed] of feeds.entries()) {
      const res = await (i % 2 ? ana : bo).api('POST', '/api/v1/subscriptions', { url: feed });
      assert.equal(res.status, 201, JSON.stringify(res.json));
    }
    assert.equal(
      await count(`select count(*) as n from jobs where kind = 'social.card'`),
      pages.length,
      'the web processes ran none of them',
    );
    assert.equal(await count(`select count(*) as n from link_cards`), 0);
    for (const page of pages) assert.equal(sites.hits(new URL(page).pathname).length, 0);
    // Every source due again, and more refresh passes than needed competing for them.
    const due = Date.now();
    await db.query(`update sources set next_fetch_at = 0`);
    await db.query(
      `insert into jobs (kind, payload, run_at, attempts, max_attempts, timeout_ms, created_at) select 'feeds.refresh', 'null', $1, 0, 1, 900000, $1 from generate_series(1, 3)`,
      [due],
    );

    workers.push(
      ...(await Promise.all([start(['worker'], 'Commonroom job worker started'), start(['worker'], 'Commonroom job worker started')])),
    );
    await eventually(
      async () => (await count(`select count(*) as n from jobs where kind in ('social.card', 'feeds.refresh')`)) === 0,
      60_000,
      'the card and refresh jobs to finish',
    );
    await eventually(
      async () => (await count(`select count(*) as n from sources where last_fetched_at >= $1`, [due])) === feeds.length,
      60_000,
      'every source to be fetched',
    );
    // Stopped workers have nothing running: every fetch they were to make has been made.
    const codes = await Promise.all(workers.splice(0).map((w) => w.stop()));
    assert.deepEqual(codes, [0, 0]);
    assert.equal(await count(`select count(*) as n from link_cards`), pages.length);
    for (const page of pages) assert.equal(sites.hits(new URL(page).pathname).length, 1, `${page} fetched once`);
    for (const feed of feeds)
      assert.equal(sites.hits(new URL(feed).pathname).filter((r) => r.at >= due).length, 1, `${feed} refreshed once`);
    assert.equal(await count(`select count(*) as n from jobs where failed_at is not null`), 0);
  });
});
