import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { allIds, createMembers, follow, getJson, ids, type Json, type Member, png, pngBlob } from './helpers.ts';

let server: TestServer;
let m: Record<'ana' | 'bo' | 'cy' | 'dee' | 'eve' | 'pat', Member>;
before(async () => {
  server = await startTestServer();
  m = await createMembers(server, ['ana', 'bo', 'cy', 'dee', 'eve', 'pat']);
});
after(() => server.close());

const page = (who: Member | null, path: string) => getJson(server, who, path);
const descending = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1]! > v);

describe('home, local, hashtag and profile timelines', () => {
  test('home: your own posts, people you follow, boosts by them; newest first; replies only between people you follow', async () => {
    const { ana, bo, cy, dee } = m;
    await follow(ana, bo);
    await follow(ana, cy);
    const own = await ana.post('My own post');
    const fromBo = await bo.post('From bo');
    const fromDee = await dee.post('From dee, whom ana does not follow');
    const boosted = await cy.api('POST', `/api/v1/posts/${fromDee.id}/boost`);
    assert.equal(boosted.status, 204);
    const replyToFollowed = await cy.post('@bo agreed', { replyToId: fromBo.id });
    const replyToStranger = await bo.post('@dee interesting', { replyToId: fromDee.id });
    const timeline = await page(ana, '/api/v1/timelines/home');
    assert.deepEqual(ids(timeline), [replyToFollowed.id, fromDee.id, fromBo.id, own.id]);
    assert.ok(!ids(timeline).includes(replyToStranger.id), 'a reply to someone ana does not follow stays out');
    const boost = timeline.posts[1];
    assert.equal(boost.boostedBy.actor.handle, 'cy');
    assert.equal(boost.author.handle, 'dee');
    assert.equal(timeline.posts[0].boostedBy, null);
    assert.equal(timeline.nextCursor, null);
    // The page shows the same, with the boost line.
    const html = await ana.web.get('/stream');
    assert.deepEqual(
      [...html.document.querySelectorAll('.timeline__list article')].map((a) => a.id),
      ids(timeline).map((id) => `post-${id}`),
    );
    assert.match(html.text(`.timeline__list article#post-${fromDee.id} .post__boost`), /Cy boosted/);
    assert.equal((await server.client().api('GET', '/api/v1/timelines/home')).status, 401);
    assert.equal((await server.client().get('/stream')).location, '/local');
  });

  test('a post reached twice (followed author and a followed booster, or two boosters) shows once', async () => {
    const { eve, pat, bo, cy, dee } = m;
    // eve follows bo and cy; cy boosts bo's post: once, as bo's own post.
    await follow(eve, bo);
    await follow(eve, cy);
    const post = await bo.post('Worth sharing twice');
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/boost`)).status, 204);
    const eveHome = await page(eve, '/api/v1/timelines/home');
    assert.equal(ids(eveHome).filter((id) => id === post.id).length, 1);
    assert.equal(eveHome.posts.find((p: Json) => p.id === post.id).boostedBy, null);
    // pat follows cy and dee (not bo); both boost it: once, with the first booster.
    await follow(pat, cy);
    await follow(pat, dee);
    assert.equal((await dee.api('POST', `/api/v1/posts/${post.id}/boost`)).status, 204);
    const patHome = await page(pat, '/api/v1/timelines/home');
    assert.equal(ids(patHome).filter((id) => id === post.id).length, 1);
    assert.equal(patHome.posts.find((p: Json) => p.id === post.id).boostedBy.actor.handle, 'cy');
    const html = await pat.web.get('/stream');
    assert.equal(html.document.querySelectorAll(`article#post-${post.id}`).length, 1);
    // cy takes the boost back: pat still has it through dee; once dee does too, it is gone.
    assert.equal((await cy.api('DELETE', `/api/v1/posts/${post.id}/boost`)).status, 204);
    const afterOne = await page(pat, '/api/v1/timelines/home');
    assert.equal(afterOne.posts.find((p: Json) => p.id === post.id)?.boostedBy.actor.handle, 'dee');
    assert.equal(ids(await page(eve, '/api/v1/timelines/home')).filter((id) => id === post.id).length, 1);
    assert.equal((await dee.api('DELETE', `/api/v1/posts/${post.id}/boost`)).status, 204);
    assert.equal(ids(await page(pat, '/api/v1/timelines/home')).includes(post.id), false);
    assert.equal((await dee.api('DELETE', `/api/v1/posts/${post.id}/boost`)).status, 409);
  });

  test('local: original top-level posts by members; anonymous readers get only public ones', async () => {
    const { ana, bo } = m;
    const pub = await ana.post('Local public');
    const members = await ana.post('Local members', { visibility: 'members' });
    const followers = await ana.post('Local followers', { visibility: 'followers' });
    const reply = await bo.post('A reply is not on local', { replyToId: pub.id });
    const signedIn = ids(await page(bo, '/api/v1/timelines/local'));
    assert.deepEqual(signedIn.slice(0, 2), [members.id, pub.id]);
    assert.ok(!signedIn.includes(followers.id) && !signedIn.includes(reply.id));
    const anonymous = ids(await page(null, '/api/v1/timelines/local'));
    assert.equal(anonymous[0], pub.id);
    assert.ok(!anonymous.includes(members.id));
    assert.ok(descending(anonymous));
    const html = await server.client().get('/local');
    assert.equal(html.status, 200);
    assert.ok(html.document.querySelector(`#post-${pub.id}`));
    assert.equal(html.document.querySelector(`#post-${members.id}`), null);
  });

  test('hashtag: listed posts with the tag, any spelling; the page shows the count', async () => {
    const { cy, dee } = m;
    const a = await cy.post('#Genrefication day one');
    const b = await dee.post('More #genrefication', { visibility: 'members' });
    const hidden = await dee.post('#genrefication for followers', { visibility: 'followers' });
    assert.deepEqual(ids(await page(cy, '/api/v1/timelines/tags/GENREFICATION')), [b.id, a.id]);
    assert.deepEqual(ids(await page(cy, '/api/v1/timelines/tags/%23genrefication')), [b.id, a.id]);
    assert.deepEqual(ids(await page(null, '/api/v1/timelines/tags/genrefication')), [a.id]);
    assert.deepEqual(ids(await page(null, '/api/v1/timelines/tags/neverused')), []);
    const html = await server.client().get('/tags/genrefication');
    assert.equal(html.status, 200);
    assert.equal(html.text('h1'), '#Genrefication');
    assert.equal(html.text('.page-head .meta'), '2 posts');
    assert.ok(!html.html.includes('for followers'));
    assert.equal((await server.client().get('/tags/Genrefication')).location, '/tags/genrefication');
    assert.ok(hidden.id > 0);
  });

  test('profile: posts (with boosts and self-replies, without replies to others), replies, media; API and pages', async () => {
    const { pat, ana } = m;
    const original = await pat.post('Profile original');
    const thread = await pat.post('Continuing my own thread', { replyToId: original.id });
    const elsewhere = await ana.post('Someone else');
    const replyToOther = await pat.post('@ana replying to you', { replyToId: elsewhere.id });
    assert.equal((await pat.api('POST', `/api/v1/posts/${elsewhere.id}/boost`)).status, 204);
    const form = new FormData();
    form.append('file', pngBlob(await png()), 'p.png');
    form.append('alt', 'A picture');
    const upload = await fetch(new URL('/api/v1/media', server.url), { method: 'POST', headers: pat.auth, body: form });
    const media = (await upload.json()) as Json;
    const withImage = await pat.post('With a picture', { mediaIds: [media.id] });

    const posts = await page(null, '/api/v1/people/pat/posts');
    assert.deepEqual(posts.posts.map((p: Json) => [p.id, p.boostedBy?.actor.handle ?? null]).slice(0, 4), [
      [withImage.id, null],
      [elsewhere.id, 'pat'],
      [thread.id, null],
      [original.id, null],
    ]);
    assert.ok(!ids(posts).includes(replyToOther.id));
    const replies = ids(await page(null, '/api/v1/people/pat/posts?filter=replies'));
    assert.ok(replies.includes(replyToOther.id) && replies.includes(thread.id) && replies.includes(original.id));
    assert.deepEqual(ids(await page(null, '/api/v1/people/pat/posts?filter=media')), [withImage.id]);
    assert.equal((await server.client().api('GET', '/api/v1/people/pat/posts?filter=everything')).status, 422);
    await getJson(server, null, '/api/v1/people/nobody_here/posts', 404);

    const articles = async (path: string) =>
      [...(await server.client().get(path)).document.querySelectorAll('.timeline article')].map((a) => Number(a.id.slice(5)));
    assert.deepEqual((await articles('/@pat')).slice(0, 4), [withImage.id, elsewhere.id, thread.id, original.id]);
    assert.ok((await articles('/@pat/with-replies')).includes(replyToOther.id));
    assert.deepEqual(await articles('/@pat/media'), [withImage.id]);
  });
});

describe('cursor pagination', () => {
  test('stable while new posts arrive: no duplicates, no gaps, newest first (home, local, hashtag, profile)', async () => {
    const { dee, eve } = m;
    // A fresh author so the pages hold only these posts.
    const { writer } = await createMembers(server, ['writer']);
    await follow(dee, writer);
    const written: number[] = [];
    for (let i = 0; i < 45; i++) written.push((await writer.post(`Paged post ${i} #paging`)).id);
    const expected = [...written].reverse();
    const paths = ['/api/v1/timelines/home', '/api/v1/people/writer/posts', '/api/v1/timelines/tags/paging', '/api/v1/timelines/local'];
    for (const path of paths) {
      let arrived = 0;
      const seen = await allIds(async (cursor) => {
        const res = await page(path.includes('home') ? dee : eve, `${path}${cursor ? `?cursor=${cursor}` : ''}`);
        assert.ok(res.posts.length <= 20, 'pages of at most 20');
        // New posts arrive between page reads.
        for (let i = 0; i < 2; i++) arrived += Number(Boolean(await writer.post(`Arrived meanwhile #paging ${arrived}`)));
        return res;
      });
      const mine = seen.filter((id) => written.includes(id));
      assert.deepEqual(mine, expected, `${path}: every post exactly once, newest first`);
      assert.equal(new Set(seen).size, seen.length, `${path}: no duplicates`);
      assert.ok(descending(seen), `${path}: newest first`);
      assert.ok(arrived >= 6);
    }
    // Later arrivals are on the first page when it is read again.
    const fresh = await page(dee, '/api/v1/timelines/home');
    assert.match(fresh.posts[0].text, /Arrived meanwhile/);
  });

  test('posts deleted between pages drop out without shifting the rest', async () => {
    const { eve } = m;
    const { deleter } = await createMembers(server, ['deleter']);
    const written: number[] = [];
    for (let i = 0; i < 30; i++) written.push((await deleter.post(`Deletable ${i}`)).id);
    const first = await page(eve, '/api/v1/people/deleter/posts');
    assert.deepEqual(ids(first), [...written].reverse().slice(0, 20));
    const victims = [written[5]!, written[0]!];
    for (const id of victims) assert.equal((await deleter.api('DELETE', `/api/v1/posts/${id}`)).status, 204);
    const second = await page(eve, `/api/v1/people/deleter/posts?cursor=${first.nextCursor}`);
    assert.deepEqual(
      ids(second),
      [...written]
        .reverse()
        .slice(20)
        .filter((id) => !victims.includes(id)),
    );
    assert.equal(second.nextCursor, null);
  });

  test('a tampered cursor is a clear 400 on every timeline, API and page; nothing else happens', async () => {
    const { ana } = m;
    const list = await ana.api('POST', '/api/v1/lists', { name: 'Cursor list' });
    const bad = [
      'garbage!',
      'WyJ4Il0',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1.5]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      'x'.repeat(600),
    ];
    const apis = [
      '/api/v1/timelines/home',
      '/api/v1/timelines/local',
      '/api/v1/timelines/tags/paging',
      `/api/v1/timelines/lists/${list.json.id}`,
      '/api/v1/people/ana/posts',
      '/api/v1/people/ana/followers',
      '/api/v1/notifications',
      '/api/v1/bookmarks',
      '/api/v1/search/posts?q=paged',
    ];
    for (const cursor of bad) {
      for (const path of apis) {
        const res = await ana.api('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
        if (cursor.length > 500) {
          assert.ok([400, 422].includes(res.status), `${path} with a long cursor → ${res.status}`);
          continue;
        }
        assert.equal(res.status, 400, `${path} with ${cursor} → ${res.status} ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error.code, 'invalid_cursor', path);
      }
    }
    for (const path of [
      '/stream',
      '/local',
      '/tags/paging',
      `/lists/${list.json.id}`,
      '/@ana',
      '/notifications',
      '/bookmarks',
      '/search?q=paged&type=posts',
    ]) {
      const res = await ana.web.get(`${path}${path.includes('?') ? '&' : '?'}cursor=WyJ4Il0`);
      assert.equal(res.status, 400, path);
      assert.match(res.text('main'), /page link is invalid/, path);
    }
  });
});
