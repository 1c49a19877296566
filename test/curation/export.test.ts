import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMember, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A member takes their whole Library with them as one JSON file. */

let server: TestServer;
let rosa: Member;
let ben: Member;

before(async () => {
  server = await startTestServer();
  rosa = await createMember(server, 'rosa');
  ben = await createMember(server, 'ben');
});
after(() => server?.close());

describe('the whole-account curation export', () => {
  test('has the bookmarks, the collections and starter kits owned, and the articles with their Markdown', async () => {
    assert.equal(
      (
        await rosa.api('POST', '/api/v1/curation/bookmarks', {
          url: 'https://example.org/genrefication',
          title: 'Genrefication guide',
          tags: ['libraries'],
        })
      ).status,
      201,
    );
    const collection = (await rosa.api('POST', '/api/v1/curation/collections', { title: 'Reading lists', visibility: 'public' })).json;
    assert.equal(
      (
        await rosa.api('POST', `/api/v1/curation/collections/${collection.id}/entries`, {
          kind: 'link',
          url: 'https://example.org/lists',
          note: 'Start here',
        })
      ).status,
      201,
    );
    const kit = (await rosa.api('POST', '/api/v1/curation/starter-kits', { title: 'People to follow', visibility: 'public' })).json;
    assert.equal(
      (await rosa.api('POST', `/api/v1/curation/starter-kits/${kit.id}/people`, { acct: 'ben', note: 'Runs the maker club' })).status,
      201,
    );
    const draft = (await rosa.api('POST', '/api/v1/articles', { title: 'A draft', markdown: 'Not *yet*.' })).json;
    const published = (await rosa.api('POST', '/api/v1/articles', { title: 'Year one', markdown: '## What we learned\n\nA lot.' })).json;
    assert.equal((await rosa.api('POST', `/api/v1/articles/${published.id}/publish`)).status, 200);
    // Someone else's things stay out.
    await ben.api('POST', '/api/v1/curation/bookmarks', { url: 'https://example.org/ben', title: 'Ben’s page' });

    const response = await rosa.web.fetch('/library/export.json');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="curation-rosa\.json"/);
    const doc = (await response.json()) as {
      format: string;
      member: string;
      bookmarks: Array<{ url: string; title: string; tags: string[] }>;
      collections: Array<{
        collection: { title: string; kind: string };
        entries: Array<{ kind: string; note: string; url: string | null; person: { acct: string } | null }>;
      }>;
      articles: Array<{ title: string; markdown: string; status: string; url: string | null }>;
    };
    assert.equal(doc.format, 'commonroom-curation');
    assert.equal(doc.member, 'rosa');
    assert.deepEqual(
      doc.bookmarks.map((b) => [b.url, b.title, b.tags]),
      [['https://example.org/genrefication', 'Genrefication guide', ['libraries']]],
    );
    const byTitle = new Map(doc.collections.map((c) => [c.collection.title, c]));
    assert.equal(byTitle.get('Reading lists')?.entries[0]?.note, 'Start here');
    assert.equal(byTitle.get('People to follow')?.collection.kind, 'starter_kit');
    assert.equal(byTitle.get('People to follow')?.entries[0]?.person?.acct, 'ben');
    const articles = new Map(doc.articles.map((a) => [a.title, a]));
    assert.equal(articles.get('A draft')?.status, 'draft');
    assert.equal(articles.get('A draft')?.url, null, 'a draft has no public address yet');
    assert.equal(articles.get('Year one')?.markdown, '## What we learned\n\nA lot.');
    assert.match(articles.get('Year one')?.url ?? '', /\/@rosa\/blog\/year-one$/);
    assert.equal(draft.status, 'draft');

    // The API gives the same document to a token.
    const api = await rosa.api('GET', '/api/v1/curation/export.json');
    assert.equal(api.status, 200);
    assert.equal(api.json.bookmarks.length, 1);
    assert.equal(api.json.articles.length, 2);
  });

  test('an empty Library exports empty lists; visitors are asked to sign in', async () => {
    const newcomer = await createMember(server, 'newcomer');
    const doc = (await newcomer.api('GET', '/api/v1/curation/export.json')).json;
    assert.deepEqual([doc.bookmarks, doc.collections, doc.articles], [[], [], []]);
    assert.equal((await server.client().get('/api/v1/curation/export.json')).status, 401);
    const visitor = await server.client().get('/library/export.json');
    assert.equal(visitor.status, 303);
    assert.match(visitor.location ?? '', /^\/login/);
  });
});
