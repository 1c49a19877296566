/**
 * `npm run bench -- pages [--requests N]`: the server time of each kind of page on the demo
 * community, as a signed-in member and as a visitor.
 *
 * Starts a server in this process on a new SQLite database in a temporary folder, loads the
 * demo (about 36 members, their posts, chats, sources, kits), and asks each page N times (100
 * by default) after a few warm-up requests, one at a time over a kept-alive connection. Prints
 * p50, p99 and the maximum per page. The aim (issue 18): every page's p99 under 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemo } from '../src/app/demo/demo.ts';
import { startServer } from '../src/app/process.ts';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/platform/config.ts';
import { SESSION_COOKIE } from '../src/web/middleware.ts';
import { ms, table } from './lib/format.ts';
import { TimingClient } from './lib/http.ts';
import { summarize } from './lib/stats.ts';

const AIM_P99_MS = 100;
const MEMBER = 'mslibrarian';

const SIGNED_IN = [
  '/',
  '/welcome',
  '/welcome/people',
  '/welcome/chats',
  '/welcome/sources',
  '/welcome/post',
  '/stream',
  '/local',
  '/people',
  '/notifications',
  '/chats',
  '/sources',
  '/bookmarks',
  '/starter-kits',
  '/insights',
  '/insights/suggestions',
  `/@${MEMBER}`,
  '/settings/profile',
];
const SIGNED_OUT = ['/', '/about', '/people', `/@${MEMBER}`, '/login', '/signup'];

export async function run(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: npm run bench -- pages [--requests N]\n\nServer time of each page on the demo community (SQLite).');
    return;
  }
  const at = args.indexOf('--requests');
  const requests = at >= 0 ? Number(args[at + 1]) : 100;
  if (!Number.isInteger(requests) || requests < 10) throw new Error('--requests takes a whole number, at least 10');

  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-bench-pages-'));
  const config = loadConfig({ file: null, env: { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  const services = await createServices(config);
  const server = await startServer(services, { jobs: false });
  Object.assign(config, { baseUrl: `http://127.0.0.1:${server.port}` });
  const client = new TimingClient(config.baseUrl);
  try {
    console.log('Loading the demo community…');
    await loadDemo(services);
    const member = await services.accounts.memberByHandle(MEMBER);
    const session = await services.accounts.createSession(member.id, { ip: '127.0.0.1', userAgent: 'bench' });
    const rows: string[][] = [];
    let worst = 0;
    for (const [who, paths, cookie] of [
      ['member', SIGNED_IN, `${SESSION_COOKIE}=${session}`],
      ['visitor', SIGNED_OUT, 'cr_theme=system'],
    ] as const) {
      for (const path of paths) {
        for (let i = 0; i < 5; i++) await client.expect(200, 'GET', path, { cookie });
        const samples: number[] = [];
        let bytes = 0;
        for (let i = 0; i < requests; i++) {
          const response = await client.expect(200, 'GET', path, { cookie });
          samples.push(response.ms);
          bytes = response.body.length;
        }
        const s = summarize(samples);
        worst = Math.max(worst, s.p99);
        rows.push([who, path, ms(s.p50), ms(s.p99), ms(s.max), `${(bytes / 1024).toFixed(1)} KB`]);
      }
    }
    console.log(`\nServer time per page (${requests} requests each, one at a time, SQLite, demo data):\n`);
    console.log(
      table(['viewer', 'page', 'p50 ms', 'p99 ms', 'max ms', 'HTML'], rows, ['left', 'left', 'right', 'right', 'right', 'right']),
    );
    console.log(
      `\nWorst p99: ${ms(worst)} ms (aim: under ${AIM_P99_MS} ms) → ${worst < AIM_P99_MS ? 'met' : 'NOT met'}. Load average: ${(await import('node:os')).loadavg()[0]!.toFixed(2)}.`,
    );
  } finally {
    client.close();
    await server.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
