import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ddl } from '../../src/db/ddl.ts';
import { up as cleanStoredNames } from '../../src/db/migrations/0019_plain_display_names.ts';
import { createMember, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Display names cannot carry bidirectional embedding, override or isolate controls
 * (U+202A–U+202E, U+2066–U+2069): "Mallory\u202Egpj.exe" would show as "Malloryexe.jpg", and an
 * unclosed override reorders whatever follows the name on the page. They are removed where a
 * name comes in (sign-up, profile, other servers' actors, and names stored before), so every
 * page, export and API answer shows the name as its characters are.
 */

const CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
const SPOOF = 'Mallory\u202Egpj.exe';
let server: TestServer;
let ana: Member;
before(async () => {
  server = await startTestServer();
  ana = await createMember(server, 'ana');
});
after(() => server.close());

const storedName = async (acct: string) =>
  (await server.services.database.db.selectFrom('actors').select('display_name').where('acct', '=', acct).executeTakeFirstOrThrow())
    .display_name;

describe('bidirectional controls in display names', () => {
  test('sign-up and the profile form store the name without them; pages show it so', async () => {
    const mallory = server.client();
    assert.equal((await mallory.signup({ handle: 'mallory', displayName: SPOOF })).status, 303);
    assert.equal(await storedName('mallory'), 'Mallorygpj.exe');
    const profile = await server.client().get('/@mallory');
    assert.equal(profile.status, 200);
    assert.ok(!CONTROLS.some((c) => profile.html.includes(c)), 'no control character anywhere on the page');
    assert.match(profile.text('h1'), /Mallorygpj\.exe/);

    const saved = await mallory.post('/settings/profile', {
      displayName: `\u2067Mal\u202Dlory\u2069 ${CONTROLS.join('')}`,
      timeZone: 'UTC',
      profileVisibility: 'public',
    });
    assert.equal(saved.status, 303, saved.text('.error-summary'));
    assert.equal(await storedName('mallory'), 'Mallory');
  });

  test('the API stores the name without them; a name of nothing else is refused; right-to-left names and marks stay', async () => {
    const patched = await ana.api('PATCH', '/api/v1/profile', { displayName: `Ana ${SPOOF}` });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.displayName, 'Ana Mallorygpj.exe');
    const empty = await ana.api('PATCH', '/api/v1/profile', { displayName: CONTROLS.join('') });
    assert.equal(empty.status, 422);
    assert.equal(empty.json.error.issues[0].path, 'displayName');
    const arabic = 'سارة\u200F (Sara)';
    const rtl = await ana.api('PATCH', '/api/v1/profile', { displayName: arabic });
    assert.equal(rtl.json.displayName, arabic, 'letters of any direction, and the direction marks, are kept');
  });

  test('exports carry the clean name', async () => {
    assert.equal((await ana.api('PATCH', '/api/v1/profile', { displayName: SPOOF })).status, 200);
    const collection = await ana.api('POST', '/api/v1/curation/collections', { title: 'Mine', visibility: 'public' });
    assert.equal(collection.status, 201);
    const exported = await ana.api('GET', `/api/v1/curation/collections/${collection.json.id}/export`);
    assert.equal(exported.json.collection.owner.displayName, 'Mallorygpj.exe');
    const rss = await server.client().get(`/collections/${collection.json.id}/feed.rss`);
    assert.ok(!CONTROLS.some((c) => rss.html.includes(c)));
  });

  test('names stored before are cleaned by the migration (run again here on a name written directly)', async () => {
    const { db, dialect } = server.services.database;
    await db
      .updateTable('actors')
      .set({ display_name: `Old ${SPOOF}\u2066` })
      .where('acct', '=', 'ana')
      .execute();
    await cleanStoredNames(ddl(db, dialect));
    assert.equal(await storedName('ana'), 'Old Mallorygpj.exe');
  });
});
