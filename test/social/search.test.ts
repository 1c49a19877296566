import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, getJson, ids, type Json, type Member, snapshot } from './helpers.ts';

let server: TestServer;
let m: Record<'maria' | 'omar' | 'june' | 'kofi', Member>;
const p: Record<string, number> = {};
before(async () => {
  server = await startTestServer();
  m = await createMembers(server, ['maria', 'omar', 'june', 'kofi']);
  const { maria, omar, june, kofi } = m;
  p.genre1 = (await maria.post('Genrefication of the picture book shelves is done #Genrefication')).id;
  p.genre2 = (await omar.post('Thinking about genrefication for our teen section #genrefication #TeenServices')).id;
  p.makers = (await omar.post('Makerspace open house: 3D printers and sewing machines #makerspace')).id;
  p.phrase = (await june.post('The picture book shelves need new labels')).id;
  p.shuffled = (await june.post('Labels for shelves of picture books, new')).id;
  p.accent = (await kofi.post('Café reading club at the école #Edtech')).id;
  p.members = (await kofi.post('Members-only planning note about makerspace', { visibility: 'members' })).id;
});
after(() => server.close());

const search = async (who: Member | null, q: string) => ids(await getJson(server, who, `/api/v1/search/posts?q=${encodeURIComponent(q)}`));

describe('searching posts', () => {
  test('full text: every word must match, any order and case; "quoted phrases" match in order', async () => {
    assert.deepEqual(await search(null, 'genrefication'), [p.genre2, p.genre1]);
    assert.deepEqual(await search(null, 'PICTURE shelves'), [p.shuffled, p.phrase, p.genre1]);
    assert.deepEqual(await search(null, 'book Picture'), [p.phrase, p.genre1], 'whole words: "books" is not "book"');
    assert.deepEqual(await search(null, 'cafe ecole'), [p.accent], 'accents do not matter');
    assert.deepEqual(await search(null, '"CAFÉ reading"'), [p.accent]);
    assert.deepEqual(await search(null, '"picture book shelves"'), [p.phrase, p.genre1]);
    assert.deepEqual(await search(null, 'sewing printers'), [p.makers]);
    assert.deepEqual(await search(null, 'nothingmatchesthis'), []);
  });

  test('#hashtag and from:handle narrow the search, alone or with words', async () => {
    assert.deepEqual(await search(null, '#genrefication'), [p.genre2, p.genre1]);
    assert.deepEqual(await search(null, '#GENREFICATION from:omar'), [p.genre2]);
    assert.deepEqual(await search(null, 'from:@Maria'), [p.genre1]);
    assert.deepEqual(await search(null, 'from:june labels'), [p.shuffled, p.phrase]);
    assert.deepEqual(await search(null, 'teen #genrefication'), [p.genre2]);
    assert.deepEqual(await search(m.june, '#makerspace'), [p.makers], 'the operator needs the hashtag, not the word');
    assert.deepEqual(await search(null, 'makerspace'), [p.makers], 'members-only posts are not for anonymous readers');
    assert.deepEqual(await search(m.june, 'makerspace'), [p.members, p.makers]);
    assert.deepEqual(await search(null, 'from:nobody_here'), []);
  });

  test('bad syntax is a 400 that says what to fix (API and page), never a silent empty result', async () => {
    const before = await snapshot(server);
    const cases: Array<[string, RegExp]> = [
      ['"unclosed phrase', /quotation mark is not closed/],
      ['form:maria', /Unknown search operator "form:"/],
      ['from:', /from: needs a handle/],
      ['from:a b from:c', /from: only once/],
      ['from:bad!handle', /from: needs a handle/],
      ['#', /not a hashtag/],
      ['   ', /Type some words/],
      ['x'.repeat(301), /.+/],
    ];
    for (const [q, message] of cases) {
      const res = await m.maria.api('GET', `/api/v1/search/posts?q=${encodeURIComponent(q)}`);
      assert.ok([400, 422].includes(res.status), `${q} → ${res.status}`);
      assert.match(res.json.error.message, message, q);
      if (q.length <= 300 && q.trim()) {
        assert.equal(res.status, 400, q);
        assert.equal(res.json.error.code, 'invalid_query');
        const page = await m.maria.web.get(`/search?type=posts&q=${encodeURIComponent(q)}`);
        assert.equal(page.status, 400, q);
        assert.match(page.text('#field-q-error, .error-summary'), message);
        assert.equal(page.document.querySelector('input[name=q]')?.getAttribute('value'), q, 'the search box keeps the query');
      }
    }
    assert.equal((await server.client().api('GET', '/api/v1/search/posts')).status, 422, 'q is required');
    assert.equal((await server.client().get('/search?q=x&type=everything')).status, 400);
    // URLs are words, not operators.
    assert.equal((await server.client().api('GET', `/api/v1/search/posts?q=${encodeURIComponent('https://example.org')}`)).status, 200);
    assert.deepEqual(await snapshot(server), before);
  });

  test('the search page lists the same posts', async () => {
    const page = await server.client().get('/search?type=posts&q=genrefication');
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('.timeline article')].map((a) => a.id),
      [`post-${p.genre2}`, `post-${p.genre1}`],
    );
    assert.match((await server.client().get('/search?type=posts&q=zzzznothing')).text('.timeline'), /No posts match/);
  });

  test('edits and deletions update the index', async () => {
    const post = await m.kofi.post('Temporary xylophone workshop');
    assert.deepEqual(await search(null, 'xylophone'), [post.id]);
    assert.equal((await m.kofi.api('PATCH', `/api/v1/posts/${post.id}`, { text: 'Temporary marimba workshop' })).status, 200);
    assert.deepEqual(await search(null, 'xylophone'), []);
    assert.deepEqual(await search(null, 'marimba'), [post.id]);
    assert.equal((await m.kofi.api('DELETE', `/api/v1/posts/${post.id}`)).status, 204);
    assert.deepEqual(await search(null, 'marimba'), []);
  });

  test('pages with a cursor through many matches', async () => {
    const made: number[] = [];
    for (let i = 0; i < 25; i++) made.push((await m.june.post(`Weeding project update ${i}`)).id);
    const first = await getJson(server, null, '/api/v1/search/posts?q=weeding');
    assert.equal(first.posts.length, 20);
    const second = await getJson(server, null, `/api/v1/search/posts?q=weeding&cursor=${first.nextCursor}`);
    assert.equal(second.nextCursor, null);
    assert.deepEqual([...ids(first), ...ids(second)], [...made].reverse());
  });
});

describe('searching people and hashtags; trends', () => {
  test('people by name or handle (API and page)', async () => {
    const found = await getJson(server, null, '/api/v1/people?q=omar');
    assert.deepEqual(
      found.people.map((x: Json) => x.handle),
      ['omar'],
    );
    const page = await server.client().get('/search?type=people&q=june');
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent?.trim()),
      ['June'],
    );
    assert.match((await server.client().get('/search?type=people&q=zzzz')).text('.callout'), /No one matches/);
  });

  test('people by a passion they hold, in other words: another ending or a related passion', async () => {
    const res = await m.omar.api('PATCH', '/api/v1/profile', { passions: ['Teen services', 'Early literacy'] });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    for (const q of ['youth services', 'Storytimes', 'teen service']) {
      const page = await server.client().get(`/search?type=people&q=${encodeURIComponent(q)}`);
      assert.equal(page.status, 200);
      assert.deepEqual(
        [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent?.trim()),
        ['Omar'],
        q,
      );
    }
  });

  test('hashtags by their first letters, with how many posts use each', async () => {
    await m.june.post('Genre talk #genres');
    const tags = await getJson(server, null, '/api/v1/search/hashtags?q=%23Genre');
    assert.deepEqual(tags.hashtags, [
      { slug: 'genrefication', name: 'Genrefication', posts: 2 },
      { slug: 'genres', name: 'genres', posts: 1 },
    ]);
    assert.deepEqual((await getJson(server, null, '/api/v1/search/hashtags?q=zzz')).hashtags, []);
    assert.equal((await server.client().api('GET', '/api/v1/search/hashtags')).status, 422);
    const page = await server.client().get('/search?type=hashtags&q=genre');
    assert.deepEqual(
      [...page.document.querySelectorAll('.hashtag-list li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
      ['#Genrefication 2 posts', '#genres 1 post'],
    );
  });

  test('trending hashtags: by how many people used them this week, then uses; hidden posts do not count', async () => {
    const { maria, omar, june, kofi } = m;
    for (const who of [maria, omar, june]) await who.post('Trend #alphaTrend');
    for (let i = 0; i < 4; i++) await kofi.post(`Trend #betaTrend ${i}`);
    await maria.post('#gammaTrend one');
    await omar.post('#gammaTrend two');
    for (const who of [maria, omar, june, kofi]) await who.post('#deltaTrend secret', { visibility: 'followers' });
    const trends = (await getJson(server, null, '/api/v1/trends/hashtags')).hashtags;
    const ours = trends.filter((t: Json) => t.slug.endsWith('trend'));
    assert.deepEqual(ours, [
      { slug: 'alphatrend', name: 'alphaTrend', uses: 3, people: 3 },
      { slug: 'gammatrend', name: 'gammaTrend', uses: 2, people: 2 },
      { slug: 'betatrend', name: 'betaTrend', uses: 4, people: 1 },
    ]);
    const local = await server.client().get('/local');
    assert.match(local.text(), /#alphaTrend 3 people, 3 posts/);
  });
});
