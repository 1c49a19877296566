import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROLES } from '../../src/accounts/roles.ts';
import { canonicalTimeZone, passionSlug } from '../../src/accounts/validation.ts';
import { DEMO_PASSWORD, loadDemo, type DemoSummary } from '../../src/demo/demo.ts';
import { DEMO_MEMBERS } from '../../src/demo/members.ts';
import { UserError } from '../../src/platform/errors.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let summary: DemoSummary;
before(async () => {
  server = await startTestServer();
  summary = await loadDemo(server.services);
});
after(() => server.close());

const ADMIN = DEMO_MEMBERS.find((m) => m.admin)!;
const MEMBERS_ONLY = DEMO_MEMBERS.filter((m) => m.membersOnly);

/** The names on the directory cards of `path`, as an anonymous visitor or signed in. */
async function cardNames(path: string, signedIn = false): Promise<string[]> {
  const client = server.client();
  if (signedIn) assert.equal((await client.login(ADMIN.handle, DEMO_PASSWORD)).status, 303);
  const page = await client.get(path);
  assert.equal(page.status, 200);
  return [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent!.trim());
}

const count = (values: string[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
};

describe('demo data', () => {
  test('covers every role, with several of the common ones and an "other" in their own words', () => {
    const roles = count(DEMO_MEMBERS.map((m) => m.role));
    for (const role of ROLES) assert.ok(roles.has(role.key), `someone is a ${role.label}`);
    for (const role of ['school_librarian', 'public_librarian', 'academic_librarian', 'teacher', 'administrator', 'social_worker', 'educator', 'student']) {
      assert.ok(roles.get(role)! >= 2, `several ${role}s`);
    }
    assert.ok(DEMO_MEMBERS.filter((m) => m.role === 'other').every((m) => m.roleOther));
    assert.ok(DEMO_MEMBERS.length >= 30 && DEMO_MEMBERS.length <= 40, `about 36 members, got ${DEMO_MEMBERS.length}`);
  });

  test('handles are unique; one administrator; two members-only profiles', () => {
    assert.equal(new Set(DEMO_MEMBERS.map((m) => m.handle.toLowerCase())).size, DEMO_MEMBERS.length);
    assert.equal(DEMO_MEMBERS.filter((m) => m.admin).length, 1);
    assert.equal(MEMBERS_ONLY.length, 2);
  });

  test('passions come from a shared vocabulary, 3 to 7 each', () => {
    for (const m of DEMO_MEMBERS) assert.ok(m.passions.length >= 3 && m.passions.length <= 7, `@${m.handle} has ${m.passions.length} passions`);
    const uses = count(DEMO_MEMBERS.flatMap((m) => m.passions.map(passionSlug)));
    for (const [slug, n] of uses) assert.ok(n >= 2, `#${slug} is shared by at least two members`);
  });

  test('places span several countries, with time zones that exist', () => {
    const countries = new Set(DEMO_MEMBERS.map((m) => m.location.split(', ').at(-1)));
    assert.ok(countries.size >= 10, [...countries].join(', '));
    for (const m of DEMO_MEMBERS) assert.ok(canonicalTimeZone(m.timeZone), `@${m.handle}: ${m.timeZone}`);
  });

  test('at most two links each, all on fictional example.org addresses', () => {
    for (const m of DEMO_MEMBERS) {
      assert.ok((m.links ?? []).length <= 2, `@${m.handle} has too many links`);
      for (const link of m.links ?? []) assert.match(new URL(link.url).hostname, /(^|\.)example\.org$/, link.url);
      for (const link of m.links ?? []) assert.equal(new URL(link.url).protocol, 'https:');
    }
  });
});

describe('demo community', () => {
  test('reports what it loaded, suggesting a public librarian', async () => {
    assert.deepEqual(summary, { members: DEMO_MEMBERS.length, password: DEMO_PASSWORD, exampleHandle: summary.exampleHandle });
    const page = await server.client().get(`/@${summary.exampleHandle}`);
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /Public librarian/);
  });

  test('the directory lists several public librarians', async () => {
    const publicLibrarians = await cardNames('/people?role=public_librarian');
    assert.ok(publicLibrarians.length >= 4, publicLibrarians.join(', '));
    assert.ok(publicLibrarians.includes('Tova Lindqvist'));
  });

  test('passions and places make the filters meaningful', async () => {
    const genrefiers = await cardNames('/people?passion=genrefication');
    assert.ok(genrefiers.length >= 3, genrefiers.join(', '));
    assert.ok(genrefiers.includes('Rosa Delgado'));
    const chicago = await cardNames('/people?location=chicago');
    assert.ok(chicago.length >= 4, chicago.join(', '));
    assert.ok(!chicago.includes('Rosa Delgado'));
    const ireland = await cardNames('/people?location=ireland');
    assert.deepEqual(ireland.sort(), ['Aoife O’Connor', 'Brian Walsh']);
    assert.ok((await cardNames('/people?role=social_worker&passion=childwelfare')).includes('Grace Mensah'));
  });

  test('a profile page shows role, organisation, passions and bio', async () => {
    const page = await server.client().get('/@mslibrarian');
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /School librarian at Maple Grove Elementary/);
    assert.match(page.text('.tags'), /Genrefication/);
    assert.match(page.text('.tags'), /Graphic novels/);
    assert.match(page.text('.bio'), /genrefied the whole collection/i);
    const other = DEMO_MEMBERS.find((m) => m.role === 'other')!;
    assert.match((await server.client().get(`/@${other.handle}`)).text('main'), new RegExp(other.roleOther!));
  });

  test('demo members sign in with the demo password', async () => {
    for (const handle of ['mslibrarian', 'grace_msw', summary.exampleHandle]) {
      const client = server.client();
      assert.equal((await client.login(handle, DEMO_PASSWORD)).status, 303, handle);
      assert.match((await client.get('/')).text('.member-menu__me'), new RegExp(`@${handle}$`));
    }
    assert.equal((await server.client().login('mslibrarian', 'not the demo password')).status, 401);
  });

  test('members-only profiles are hidden from visitors and shown to members', async () => {
    for (const person of MEMBERS_ONLY) {
      assert.equal((await server.client().get(`/@${person.handle}`)).status, 401);
      assert.ok(!(await cardNames(`/people?q=${person.handle}`)).includes(person.name));
      assert.ok((await cardNames(`/people?q=${person.handle}`, true)).includes(person.name), person.handle);
    }
    assert.ok(!(await cardNames('/people?passion=makerspaces')).includes('Lukas Becker'));
    assert.ok((await cardNames('/people?passion=makerspaces', true)).includes('Lukas Becker'));
  });

  test('exactly one administrator, who can administer; other demo members cannot', async () => {
    const admin = server.client();
    await admin.login(ADMIN.handle, DEMO_PASSWORD);
    const page = await admin.get('/admin/members');
    assert.equal(page.status, 200);
    assert.equal(page.document.querySelectorAll('tbody tr').length, DEMO_MEMBERS.length);
    const admins = [...page.document.querySelectorAll('tbody .meta')].filter((m) => /administrator/.test(m.textContent ?? ''));
    assert.equal(admins.length, 1);
    assert.match(admins[0]!.textContent!, new RegExp(`@${ADMIN.handle}\\b`));

    const librarian = server.client();
    await librarian.login(summary.exampleHandle, DEMO_PASSWORD);
    assert.equal((await librarian.get('/admin')).status, 403);
  });
});

describe('demo loading is all or nothing', () => {
  let other: TestServer;
  before(async () => {
    other = await startTestServer();
  });
  after(() => other.close());

  test('a taken handle stops the load before any demo member exists', async () => {
    const taken = DEMO_MEMBERS.at(-1)!;
    assert.equal((await other.client().signup({ handle: taken.handle, displayName: 'Someone Else' })).status, 303);
    await assert.rejects(loadDemo(other.services), (error) => error instanceof UserError && error.status === 409);
    const members = await other.services.accounts.listMembers({});
    assert.deepEqual(members.members.map((m) => m.displayName), ['Someone Else']);
  });
});

describe('commonroom demo (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-demo-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs `commonroom demo` on its own SQLite database in `dataDir`. */
  const run = () =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'demo'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  test('loads into an empty database, and only into an empty one', async () => {
    const first = await run();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`Demo community loaded: ${DEMO_MEMBERS.length} members`));
    assert.match(first.stdout, new RegExp(`"${DEMO_PASSWORD}"`));

    const second = await run();
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.stdout, '');
    const lines = second.stderr.trim().split('\n');
    assert.equal(lines.length, 1, second.stderr);
    assert.match(lines[0]!, /^commonroom: The database already has members/);
  });
});
