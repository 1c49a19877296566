import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/demo.ts';
import { DEMO_MEMBERS } from '../../src/demo/members.ts';
import { ROLES } from '../../src/accounts/roles.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await loadDemo(server.services);
});
after(() => server.close());

const cardNames = async (path: string, signedIn = false) => {
  const client = server.client();
  if (signedIn) await client.login('dana', DEMO_PASSWORD);
  const page = await client.get(path);
  assert.equal(page.status, 200);
  return [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent!.trim());
};

describe('demo community', () => {
  test('covers every role, with several public librarians', async () => {
    for (const role of ROLES) assert.ok(DEMO_MEMBERS.some((m) => m.role === role.key), `someone is a ${role.label}`);
    const publicLibrarians = await cardNames('/people?role=public_librarian');
    assert.ok(publicLibrarians.length >= 4, publicLibrarians.join(', '));
    assert.ok(publicLibrarians.includes('Tova Lindqvist'));
  });

  test('passions and places make the filters meaningful', async () => {
    const genrefiers = await cardNames('/people?passion=genrefication');
    assert.ok(genrefiers.length >= 3, genrefiers.join(', '));
    const chicago = await cardNames('/people?location=chicago');
    assert.ok(chicago.length >= 4, chicago.join(', '));
    assert.ok((await cardNames('/people?role=social_worker&passion=childwelfare')).includes('Grace Mensah'));
  });

  test('a demo profile shows role, passions and bio', async () => {
    const page = await server.client().get('/@mslibrarian');
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /School librarian at Maple Grove Elementary/);
    assert.match(page.text('.tags'), /Genrefication/);
    assert.match(page.text('.bio'), /genrefied the whole collection/i);
  });

  test('demo members sign in with the demo password; members-only profiles stay private', async () => {
    assert.equal((await server.client().login('mslibrarian', DEMO_PASSWORD)).status, 303);
    assert.equal((await server.client().get('/@lukas_bib')).status, 401);
    assert.ok(!(await cardNames('/people?passion=makerspaces')).includes('Lukas Becker'));
    assert.ok((await cardNames('/people?passion=makerspaces', true)).includes('Lukas Becker'));
    const admins = await server.services.accounts.listMembers({});
    assert.deepEqual(admins.members.filter((m) => m.isAdmin).map((m) => m.handle), ['dana']);
  });
});

describe('commonroom demo (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-demo-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const run = () =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'demo'], {
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  test('loads into an empty database only', async () => {
    const first = await run();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Demo community loaded: 36 members/);
    const second = await run();
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim(), 'commonroom: The database already has members; the demo loads only into an empty one.');
  });
});
