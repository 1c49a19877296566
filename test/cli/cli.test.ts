import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServices } from '../../src/app/services.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let dataDir: string;
let database: TestDatabase;
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'commonroom-cli-'));
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the real CLI (src/main.ts) as a user would. */
function cli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...options.env,
    };
    if (database.url && !options.env?.DATABASE_URL) env.DATABASE_URL = database.url;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.stdin ?? '');
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A failure is one readable line on stderr. */
function assertOneLineError(result: { code: number; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.match(lines[0]!, /^commonroom: /);
  assert.match(lines[0]!, pattern);
}

describe('commonroom CLI', () => {
  test('help, and unknown commands or options', async () => {
    const help = await cli(['help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /user reset-password <handle>/);
    assertOneLineError(await cli(['frobnicate']), 2, /unknown command "frobnicate"/);
    assertOneLineError(await cli(['user', 'list', '--colour']), 2, /Unknown option '--colour'/);
  });

  test('migrate applies the schema, --status lists it', async () => {
    const first = await cli(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    const status = await cli(['migrate', '--status']);
    assert.match(status.stdout, /^applied {2}0001_foundation$/m);
    assert.match((await cli(['migrate'])).stdout, /up to date/);
  });

  test('user create, list, suspend, unsuspend, reset-password', async () => {
    const created = await cli(['user', 'create', 'Anna_K', '--email', 'anna@example.org', '--name', 'Anna Kowalski', '--admin']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created @Anna_K \(administrator\)/);
    assert.match(created.stdout, /choose a password at: http:\/\/localhost:3000\/reset-password\/[\w-]+/);

    const withPassword = await cli(['user', 'create', 'bob', '--email', 'bob@example.org', '--password-stdin'], {
      stdin: 'bobs long password\n',
    });
    assert.equal(withPassword.code, 0, withPassword.stderr);
    assert.doesNotMatch(withPassword.stdout, /administrator/);

    const list = await cli(['user', 'list']);
    assert.match(list.stdout, /^HANDLE +NAME +EMAIL +ADMIN +STATUS +JOINED$/m);
    assert.match(list.stdout, /@Anna_K +Anna Kowalski +anna@example.org +yes +active/);
    const json = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as Array<{ handle: string }>;
    assert.deepEqual(json.map((m) => m.handle).sort(), ['Anna_K', 'bob']);

    assert.equal((await cli(['user', 'suspend', '@bob', '--reason', 'left the district'])).code, 0);
    assert.match((await cli(['user', 'list', '--suspended'])).stdout, /@bob .*suspended/);
    assert.equal((await cli(['user', 'unsuspend', 'bob'])).code, 0);

    const reset = await cli(['user', 'reset-password', 'anna_k']);
    assert.equal(reset.code, 0);
    assert.match(reset.stdout, /@Anna_K; it works once, for 24 hours:\nhttp:\/\/localhost:3000\/reset-password\/[\w-]+/);

    // The password given on stdin works.
    const services = await createServices(
      loadConfig({ file: null, env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(database.url ? { DATABASE_URL: database.url } : {}) } }),
    );
    try {
      const { member } = await services.accounts.login('bob', 'bobs long password', { ip: '127.0.0.1', userAgent: null });
      assert.equal(member.actor.handle, 'bob');
    } finally {
      await services.close();
    }
  });

  test('bad input is one readable line and changes nothing', async () => {
    assertOneLineError(
      await cli(['user', 'create', 'bad handle', '--email', 'x@example.org']),
      1,
      /handle: Use only letters, digits and underscores/,
    );
    assertOneLineError(await cli(['user', 'create', 'ANNA_K', '--email', 'new@example.org']), 1, /handle: That handle is taken/);
    assertOneLineError(await cli(['user', 'create', 'carol', '--email', 'not-email']), 1, /email: Enter a valid email address/);
    assertOneLineError(
      await cli(['user', 'create', 'carol', '--email', 'c@example.org', '--password-stdin'], { stdin: 'short' }),
      1,
      /password: Use at least 10 characters/,
    );
    assertOneLineError(await cli(['user', 'create', 'carol']), 2, /needs a handle and --email/);
    assertOneLineError(await cli(['user', 'suspend', 'ghost']), 1, /There is no member @ghost/);
    assertOneLineError(await cli(['user', 'reset-password']), 2, /needs a handle/);
    const list = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as unknown[];
    assert.equal(list.length, 2);
  });

  test('feed parse prints JSON Feed 1.1 from a file or a URL; feed import-opml subscribes a member', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'commonroom-feed-'));
    try {
      const rssFile = join(dir, 'blog.xml');
      writeFileSync(
        rssFile,
        `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Reading Rockets</title><link>https://blog.example/</link>
        <item><title>Phonics &amp; fluency</title><link>/phonics</link><guid>urn:1</guid><pubDate>Tue, 10 Nov 2026 09:30:00 GMT</pubDate>
        <description><![CDATA[<p onclick="evil()">Try <a href="javascript:alert(1)">this</a> and <b>that</b>.</p><script>alert(2)</script>]]></description></item></channel></rss>`,
      );
      const parsed = await cli(['feed', 'parse', rssFile]);
      assert.equal(parsed.code, 0, parsed.stderr);
      const doc = JSON.parse(parsed.stdout);
      assert.equal(doc.version, 'https://jsonfeed.org/version/1.1');
      assert.equal(doc.title, 'Reading Rockets');
      assert.equal(doc.items[0].title, 'Phonics & fluency');
      assert.equal(doc.items[0].url, 'https://blog.example/phonics');
      assert.equal(doc.items[0].date_published, '2026-11-10T09:30:00.000Z');
      assert.doesNotMatch(doc.items[0].content_html, /script|onclick|javascript:/);
      assert.match(doc.items[0].content_html, /<b>that<\/b>/);

      // A URL, served on loopback (allowed explicitly, as an administrator would).
      const server = createServer((_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/feed+json' })
          .end(
            JSON.stringify({ version: 'https://jsonfeed.org/version/1', title: 'JSON blog', items: [{ id: '1', content_text: 'Hello' }] }),
          ),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`;
      try {
        const fromUrl = await cli(['feed', 'parse', url], { env: { FETCH_ALLOW_PRIVATE: '127.0.0.1' } });
        assert.equal(fromUrl.code, 0, fromUrl.stderr);
        assert.equal(JSON.parse(fromUrl.stdout).items[0].content_text, 'Hello');
        assertOneLineError(await cli(['feed', 'parse', url]), 1, /private network/);
      } finally {
        server.close();
      }
      // 150,000 nested <div>s in one item (1.6 MB): the sanitiser would take minutes; its text is kept instead.
      // The sanitiser keeps <div>s, so an item with none left never went through it.
      const nested = join(dir, 'nested.xml');
      writeFileSync(
        nested,
        `<rss version="2.0"><channel><title>Deep</title><item><guid>deep</guid><description><![CDATA[${'<div>'.repeat(150_000)}deep text${'</div>'.repeat(150_000)}]]></description></item><item><guid>plain</guid><description><![CDATA[<p>plain <b>bold</b></p>]]></description></item><item><guid>shallow</guid><description><![CDATA[<div><div>shallow text</div></div>]]></description></item></channel></rss>`,
      );
      const deep = await cli(['feed', 'parse', nested]);
      assert.equal(deep.code, 0, deep.stderr);
      const deepItems = JSON.parse(deep.stdout).items;
      assert.equal(deepItems[0].content_html, 'deep text');
      assert.equal(deepItems[1].content_html, '<p>plain <b>bold</b></p>');
      assert.equal(deepItems[2].content_html, '<div><div>shallow text</div></div>');

      const page = join(dir, 'page.html');
      writeFileSync(page, '<!doctype html><html><body><p>Not a feed</p></body></html>');
      assertOneLineError(await cli(['feed', 'parse', page]), 1, /page\.html: This is a web page, not a feed/);
      assertOneLineError(await cli(['feed', 'parse', join(dir, 'missing.xml')]), 1, /missing\.xml: no such file/);
      assertOneLineError(await cli(['feed', 'parse']), 2, /needs one file or URL/);

      const opml = join(dir, 'subs.opml');
      writeFileSync(
        opml,
        `<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
        <outline text="Libraries"><outline text="ALA" type="rss" xmlUrl="https://www.ala.org/news/feed"/><outline text="Bad" xmlUrl="javascript:alert(1)"/></outline>
        <outline text="Edutopia" type="rss" xmlUrl="https://www.edutopia.org/rss.xml"/></body></opml>`,
      );
      const imported = await cli(['feed', 'import-opml', opml, '--member', 'bob']);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /Imported 2 sources for @bob; 0 already followed; 1 folder\./);
      assert.match(imported.stdout, /Skipped “Bad”: not an http or https address/);
      assert.match((await cli(['feed', 'import-opml', opml, '--member', 'bob'])).stdout, /Imported 0 sources for @bob; 2 already followed/);
      writeFileSync(join(dir, 'bad.opml'), '<html><body>nope</body></html>');
      assertOneLineError(
        await cli(['feed', 'import-opml', join(dir, 'bad.opml'), '--member', 'bob']),
        1,
        /bad\.opml: This (file is not OPML|OPML file lists no sources)/,
      );
      assertOneLineError(await cli(['feed', 'import-opml', opml, '--member', 'ghost']), 1, /There is no member @ghost/);
      assertOneLineError(await cli(['feed', 'import-opml', opml]), 2, /needs a file and --member/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('configuration errors name the setting', async () => {
    assertOneLineError(await cli(['serve'], { env: { PORT: 'eighty' } }), 1, /PORT \(port\)/);
    assertOneLineError(
      await cli(['migrate'], { env: { DATABASE_URL: 'mysql://localhost/x' } }),
      1,
      /DATABASE_URL \(databaseUrl\): must start with postgres:\/\//,
    );
    assertOneLineError(await cli(['migrate'], { env: { SIGNUP_MODE: 'sometimes' } }), 1, /SIGNUP_MODE \(signupMode\)/);
    assertOneLineError(
      await cli(['migrate'], { env: { DATABASE_URL: 'postgres://nobody:wrong@127.0.0.1:1/none' } }),
      1,
      /cannot reach the database/,
    );
  });
});
