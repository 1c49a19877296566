import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMember, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * U+0000 (NUL) in any text a visitor sends. PostgreSQL refuses it in text, SQLite would keep it:
 * the database layer removes it from every value on both, so each door answers as it would
 * without the character, never with a 500, and what is stored is the same on both databases.
 */

const NUL = '\u0000';
let server: TestServer;
let ana: Member;
before(async () => {
  server = await startTestServer();
  ana = await createMember(server, 'ana');
  await createMember(server, 'nulmember');
});
after(() => server.close());

const db = () => server.services.database.db;

function assertNot5xx(status: number, label: string): void {
  assert.ok(status < 500, `${label}: ${status}`);
}

describe('U+0000 in text input', () => {
  test('JSON API bodies: posts, profile, lists, collections, articles', async () => {
    const post = await ana.api('POST', '/api/v1/posts', { text: `Nul${NUL} post #nul${NUL}tag` });
    assert.equal(post.status, 201, JSON.stringify(post.json));
    assert.equal(post.json.text, 'Nul post #nultag');

    const edited = await ana.api('PATCH', `/api/v1/posts/${post.json.id}`, { text: `Edited${NUL} post` });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    assert.equal(edited.json.text, 'Edited post');

    const profile = await ana.api('PATCH', '/api/v1/profile', {
      displayName: `Ana${NUL} Nul`,
      bio: `Bio${NUL}`,
      location: `Lo${NUL}c`,
      passions: [`Pass${NUL}ion`],
    });
    assert.equal(profile.status, 200, JSON.stringify(profile.json));
    assert.equal(profile.json.displayName, 'Ana Nul');
    assert.equal(profile.json.bio, 'Bio');

    const list = await ana.api('POST', '/api/v1/lists', { name: `Li${NUL}st`, description: `D${NUL}` });
    assert.equal(list.status, 201, JSON.stringify(list.json));
    assert.equal(list.json.name, 'List');

    const collection = await ana.api('POST', '/api/v1/curation/collections', { title: `Col${NUL}lection`, description: `About${NUL}` });
    assert.equal(collection.status, 201, JSON.stringify(collection.json));
    assert.equal(collection.json.title, 'Collection');

    const article = await ana.api('POST', '/api/v1/articles', { title: `Art${NUL}icle`, markdown: `Some *text*${NUL} here.` });
    assert.equal(article.status, 201, JSON.stringify(article.json));
    assert.equal(article.json.title, 'Article');
  });

  test('pages and forms: sign-up, sign-in, posts, profile, lists, collections, articles', async () => {
    const visitor = server.client();
    const signup = await visitor.signup({ handle: 'nulsigner', displayName: `Sign${NUL}er` });
    assert.equal(signup.status, 303, signup.text('.error-summary'));
    const login = await server.client().post('/login', { login: `nulmember${NUL}`, password: 'a long enough password' });
    assert.equal(login.status, 303, "the character is not part of anyone's handle: it is dropped like surrounding spaces");
    const wrong = await server.client().post('/login', { login: `no${NUL}body`, password: `x${NUL}` });
    assert.equal(wrong.status, 401);

    const forms: Array<[string, Record<string, string>]> = [
      ['/posts', { text: `Form${NUL} post` }],
      ['/settings/profile', { displayName: `Ana${NUL} Form`, bio: `B${NUL}`, timeZone: 'UTC', profileVisibility: 'public' }],
      ['/lists', { name: `Form${NUL} list` }],
      ['/collections', { title: `Form${NUL} collection`, description: `D${NUL}` }],
      ['/articles', { title: `Form${NUL} article`, markdown: `Text${NUL}`, action: 'save' }],
    ];
    for (const [path, fields] of forms) {
      const page = await ana.web.post(path, fields);
      assert.equal(page.status, 303, `${path}: ${page.status} ${page.text('.error-summary')}`);
    }
    const stored = [
      ...(await db().selectFrom('posts').select('text as value').execute()),
      ...(await db().selectFrom('actors').select('display_name as value').execute()),
      ...(await db().selectFrom('actors').select('bio as value').execute()),
      ...(await db().selectFrom('lists').select('name as value').execute()),
      ...(await db().selectFrom('collections').select('title as value').execute()),
      ...(await db().selectFrom('articles').select('title as value').execute()),
      ...(await db().selectFrom('articles').select('markdown as value').execute()),
    ].map((r) => r.value);
    for (const expected of ['Form post', 'Ana Form', 'Signer', 'Form list', 'Form collection', 'Form article'])
      assert.ok(stored.includes(expected), `${expected} in ${JSON.stringify(stored)}`);
    assert.ok(
      stored.every((v) => !v?.includes(NUL)),
      'nothing stored keeps the character',
    );
  });

  test('query strings and path parameters: search, people, tags, person lookup', async () => {
    const nul = encodeURIComponent(NUL);
    const paths = [
      `/people?q=${nul}`,
      `/people?passion=${nul}&location=a${nul}`,
      `/search?q=${nul}&type=posts`,
      `/search?q=a${nul}b&type=people`,
      `/search?q=${nul}&type=hashtags`,
      `/search?q=@a${nul}@b.example`,
      `/tags/${nul}`,
      `/tags/nul${nul}tag`,
      `/@nulmember${nul}`,
      `/@nulmember${nul}@b.example`,
      `/@nulmember/followers?cursor=${nul}`,
      `/api/v1/people?q=${nul}`,
      `/api/v1/people?passion=a${nul}&location=${nul}`,
      `/api/v1/people/nulmember${nul}`,
      `/api/v1/people/${nul}/posts`,
      `/api/v1/timelines/tags/${nul}`,
      `/api/v1/timelines/tags/nul${nul}tag`,
      `/api/v1/search/posts?q=${nul}`,
      `/api/v1/search/hashtags?q=${nul}`,
      `/api/v1/passions?q=${nul}`,
      `/api/v1/federation/lookup?acct=a${nul}@b.example`,
    ];
    for (const path of paths) {
      for (const client of [server.client(), ana.web]) {
        const response = await client.fetch(path, { headers: path.startsWith('/api/') ? ana.auth : {} });
        assertNot5xx(response.status, path);
      }
    }
    const people = await server.client().api('GET', `/api/v1/people?q=nul${nul}member`);
    assert.equal(people.status, 200);
    assert.deepEqual(
      people.json.people.map((p: { handle: string }) => p.handle),
      ['nulmember'],
    );
  });
});
