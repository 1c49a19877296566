import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { passionKey } from '../../src/accounts/index.ts';
import { ddl } from '../../src/db/ddl.ts';
import { up as passionMatching } from '../../src/db/migrations/0020_passion_matching.ts';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Passions that find people: stems, the vocabulary of related passions, its administration, suggestions. */

let server: TestServer;
let admin: Client;
let member: Client;

before(async () => {
  server = await startTestServer();
  admin = server.client();
  await admin.signup({ handle: 'root_admin', displayName: 'Root Admin' });
  const people: Array<[string, string[]]> = [
    ['marcus_storytime', ['Early literacy', 'Puppetry']],
    ['sid', ['Storytimes']],
    ['tess', ['Teen services', 'Graphic novels']],
    ['bea', ['Book talks']],
    ['fern', ['Foster care']],
    ['gus', ['Genrefication']],
  ];
  for (const [handle, passions] of people) {
    const client = server.client();
    await client.signup({ handle, displayName: handle[0]!.toUpperCase() + handle.slice(1) });
    const res = await client.api('PATCH', '/api/v1/profile', { passions });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    if (handle === 'sid') member = client;
  }
});
after(() => server.close());

async function handles(query: string): Promise<string[]> {
  const res = await server.client().api('GET', `/api/v1/people?${query}`);
  assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.json)}`);
  return res.json.people.map((p: { handle: string }) => p.handle).sort();
}

const byPassion = (passion: string) => handles(`passion=${encodeURIComponent(passion)}`);

describe('passions that find people', () => {
  test('"Storytime" finds "Early literacy" and "Storytimes"; "Youth services" finds "Teen services"', async () => {
    assert.deepEqual(await byPassion('Storytime'), ['marcus_storytime', 'sid']);
    assert.deepEqual(await byPassion('Youth services'), ['tess']);
    assert.deepEqual(await byPassion("Children's services"), ['tess']);
    assert.deepEqual(await byPassion("Readers' advisory"), ['bea']);
    assert.deepEqual(await byPassion('Child welfare'), ['fern']);
    assert.deepEqual(await byPassion('collection organization'), ['gus']);
    assert.deepEqual(await byPassion('Underwater basket weaving'), []);
    // The page filters the same way.
    const page = await server.client().get('/people?passion=Youth+services');
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent?.trim()),
      ['Tess'],
    );
  });

  test('case, spacing, punctuation, plurals and endings do not matter', async () => {
    for (const spelling of ['storytime', 'STORY-TIMES', 'story time', 'Storytimes', '#Storytime']) {
      assert.deepEqual(await byPassion(spelling), ['marcus_storytime', 'sid'], spelling);
    }
    for (const spelling of ['book talk', 'Book Talks', 'booktalk', 'book-talks']) {
      assert.deepEqual(await byPassion(spelling), ['bea'], spelling);
    }
    assert.deepEqual(await byPassion('Teen service'), ['tess']);
    assert.deepEqual(await byPassion('graphic novel'), ['tess']);
  });

  test('people search finds related passions too, by a word or by the words together', async () => {
    assert.deepEqual(await handles('q=storytime'), ['marcus_storytime', 'sid']);
    assert.deepEqual(await handles('q=youth%20services'), ['tess']);
    assert.deepEqual(await handles('q=book%20talk'), ['bea']);
    assert.deepEqual(await handles('q=puppetry'), ['marcus_storytime'], 'plain words still match the profile text');
    assert.deepEqual(await handles('q=storytime%20puppetry'), ['marcus_storytime']);
    const page = await server.client().get('/search?type=people&q=Youth+services');
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent?.trim()),
      ['Tess'],
    );
  });

  test('a directory search is a bounded number of statements, however many people match', async () => {
    const statements = async (query: string) => {
      const before = server.services.database.statements.count;
      const res = await server.client().api('GET', `/api/v1/people?${query}`);
      assert.equal(res.status, 200);
      return { count: server.services.database.statements.count - before, people: res.json.people.length };
    };
    const few = await statements('passion=storytime');
    const fewWords = await statements('q=youth%20services');
    for (let i = 0; i < 12; i++) {
      const client = server.client();
      await client.signup({ handle: `reader${i}`, displayName: `Reader ${i}` });
      await client.api('PATCH', '/api/v1/profile', { passions: [i % 2 ? 'Lapsit' : 'Storytime', 'Teen services', 'Youth services'] });
    }
    const many = await statements('passion=storytime');
    const manyWords = await statements('q=youth%20services');
    assert.equal(few.people, 2);
    assert.equal(many.people, 14);
    assert.equal(many.count, few.count, `${few.count} statements for 2 people, ${many.count} for 14`);
    assert.ok(fewWords.people >= 1);
    assert.equal(manyWords.count, fewWords.count);
    assert.ok(many.count <= 4, `${many.count} statements`);
  });
});

describe('passion suggestions', () => {
  test('GET /api/v1/passions: passions members hold by their first letters or a later word, most held first, with related ones', async () => {
    const sto = await server.client().api('GET', '/api/v1/passions?q=sto');
    assert.equal(sto.status, 200);
    assert.deepEqual(
      sto.json.passions.map((p: { name: string }) => p.name),
      ['Storytime', 'Storytimes'],
    );
    const storytime = sto.json.passions[0];
    assert.equal(storytime.slug, 'storytime');
    assert.ok(storytime.count >= 1);
    assert.ok(storytime.related.includes('Early literacy'), JSON.stringify(storytime));
    assert.ok(!storytime.related.includes('Storytimes'), 'the same passion is not related to itself');
    const lit = await server.client().api('GET', '/api/v1/passions?q=lit');
    assert.deepEqual(
      lit.json.passions.map((p: { name: string }) => p.name),
      ['Early literacy'],
    );
    assert.deepEqual((await server.client().api('GET', '/api/v1/passions?q=zzz')).json.passions, []);
    const top = await server.client().api('GET', '/api/v1/passions?limit=2');
    assert.deepEqual(
      top.json.passions.map((p: { name: string }) => p.name),
      ['Teen services', 'Youth services'],
    );
    assert.equal((await server.client().api('GET', '/api/v1/passions?limit=0')).status, 422);
    assert.equal((await server.client().api('GET', `/api/v1/passions?q=${'x'.repeat(41)}`)).status, 422);
  });

  test('the profile form offers the community’s passions without JavaScript', async () => {
    const page = await member.get('/settings/profile');
    assert.equal(page.status, 200);
    const input = page.document.querySelector('#field-passions');
    const list = page.document.getElementById(input?.getAttribute('list') ?? '');
    const options = [...(list?.querySelectorAll('option') ?? [])].map((o) => o.getAttribute('value'));
    assert.equal(options[0], 'Teen services');
    assert.ok(options.includes('Early literacy') && options.includes('Book talks'), JSON.stringify(options));
  });
});

describe('administering related passions', () => {
  test('members cannot see or change the vocabulary', async () => {
    assert.equal((await member.get('/admin/passions')).status, 403);
    const post = await member.post('/admin/passions', { vocabulary: 'Storytime, Knitting' });
    assert.equal(post.status, 403);
    assert.equal((await member.api('GET', '/api/v1/admin/passions')).status, 403);
    assert.equal((await member.api('PUT', '/api/v1/admin/passions', { groups: [['Storytime', 'Knitting']] })).status, 403);
    assert.equal((await server.client().api('GET', '/api/v1/admin/passions')).status, 401);
    assert.deepEqual(await byPassion('Knitting'), []);
  });

  test('bad vocabulary is refused with a message naming each line, and nothing changes', async () => {
    const before = (await admin.api('GET', '/api/v1/admin/passions')).json.groups;
    const bad = await admin.post('/admin/passions', {
      vocabulary: 'Storytime, Early literacy\nStorytime\n\nBook talks, x, Readers advisory\nTeen services, Teen service',
    });
    assert.equal(bad.status, 422);
    const error = bad.text('#field-vocabulary-error');
    assert.match(error, /Line 2: a group needs at least two different passions/);
    assert.match(error, /Line 4: “x”: A passion needs at least 2 characters/);
    assert.match(error, /Line 5: a group needs at least two different passions/, 'repeats by stem count once');
    assert.match(bad.document.querySelector('#field-vocabulary')?.textContent ?? '', /Book talks, x/, 'the text is kept');
    const tooMany = await admin.post('/admin/passions', { vocabulary: Array.from({ length: 21 }, (_, i) => `Passion ${i}`).join(', ') });
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.text('#field-vocabulary-error'), /at most 20 passions/);
    for (const body of [{ groups: [['Storytime']] }, { groups: 'Storytime, Lapsit' }, { groups: [['Storytime', '!!']] }, {}]) {
      const res = await admin.api('PUT', '/api/v1/admin/passions', body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(res.json.error, JSON.stringify(res.json));
    }
    assert.deepEqual((await admin.api('GET', '/api/v1/admin/passions')).json.groups, before);
    const readers = Array.from({ length: 12 }, (_, i) => `reader${i}`);
    assert.deepEqual(await byPassion('Storytime'), ['marcus_storytime', 'sid', ...readers].sort(), 'Storytime, Lapsit, Early literacy');
  });

  test('an administrator edits the vocabulary on its page and the directory follows it', async () => {
    const page = await admin.get('/admin/passions');
    assert.equal(page.status, 200);
    const text = page.document.querySelector('#field-vocabulary')?.textContent ?? '';
    assert.match(text, /^Storytime, Early literacy, Lapsit/m);
    assert.ok(text.split('\n').length >= 20, 'the default has a field’s worth of groups');

    const saved = await admin.post('/admin/passions', { vocabulary: '# Ours\nStorytime, Puppetry\n\nBook talks, Foster care\n' });
    assert.equal(saved.status, 303);
    const after = await admin.follow('/admin/passions');
    assert.match(after.text('.notice'), /2 groups/);
    assert.equal(after.document.querySelector('#field-vocabulary')?.textContent, 'Storytime, Puppetry\nBook talks, Foster care');

    // Early literacy is no longer related to Storytime; Puppetry now is. Stems still match.
    assert.deepEqual(await byPassion('Storytimes'), [
      'marcus_storytime',
      'reader0',
      'reader10',
      'reader2',
      'reader4',
      'reader6',
      'reader8',
      'sid',
    ]);
    assert.deepEqual(await byPassion('Early literacy'), ['marcus_storytime']);
    const youth = await byPassion('Youth services');
    assert.equal(youth.length, 12);
    assert.ok(!youth.includes('tess'), 'Teen services is no longer related');
    assert.deepEqual(await byPassion('Book talk'), ['bea', 'fern']);

    // The API sees and replaces the same groups.
    assert.deepEqual((await admin.api('GET', '/api/v1/admin/passions')).json.groups, [
      ['Storytime', 'Puppetry'],
      ['Book talks', 'Foster care'],
    ]);
    const put = await admin.api('PUT', '/api/v1/admin/passions', { groups: [['Youth services', 'Teen services', 'Teen service']] });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json.groups, [['Youth services', 'Teen services']]);
    assert.deepEqual(await byPassion('Book talk'), ['bea']);
    assert.ok((await byPassion('Youth services')).includes('tess'));
  });
});

describe('migration 0020', () => {
  test('computes the keys of the passions stored before it, and ships the default vocabulary (run again here)', async () => {
    const { db, dialect } = server.services.database;
    await db.schema.dropIndex('passions_match_key').execute();
    await db.schema.alterTable('passions').dropColumn('match_key').execute();
    await db.schema.dropTable('related_passions').execute();
    await passionMatching(ddl(db, dialect));
    const passions = await db.selectFrom('passions').select(['name', 'match_key']).execute();
    assert.ok(passions.length >= 10);
    for (const p of passions) assert.equal(p.match_key, passionKey(p.name), p.name);
    assert.ok((await byPassion('Storytime')).includes('marcus_storytime'), 'the default vocabulary again');
    assert.ok((await byPassion('Youth services')).includes('tess'));
  });
});
