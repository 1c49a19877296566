import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, follow, getJson, ids, type Json, type Member, SseStream } from './helpers.ts';

/**
 * Who may see what, through every door: ana writes one post of each audience, each with a
 * word found nowhere else. `fol` follows ana, `men` is mentioned in some posts, `str` is a
 * member who is neither, and anonymous readers are nobody at all.
 */
let server: TestServer;
let ana: Member;
let fol: Member;
let men: Member;
let str: Member;
let listId: number;
const posts: Record<'pub' | 'mem' | 'fol1' | 'fol2' | 'dir' | 'reply', Json> = {} as never;

type Reader = 'anon' | 'str' | 'fol' | 'men' | 'ana';
const WORDS = {
  pub: 'pandapublic',
  mem: 'lemurmembers',
  fol1: 'zebrafollowers',
  fol2: 'okapimentioned',
  dir: 'narwhaldirect',
  reply: 'quokkareply',
} as const;
/** Who may see each post. */
const ALLOWED: Record<keyof typeof WORDS, Reader[]> = {
  pub: ['anon', 'str', 'fol', 'men', 'ana'],
  mem: ['str', 'fol', 'men', 'ana'],
  fol1: ['fol', 'ana'],
  fol2: ['fol', 'men', 'ana'],
  dir: ['men', 'ana'],
  reply: ['fol', 'ana'],
};
const KEYS = Object.keys(WORDS) as Array<keyof typeof WORDS>;
const READERS: Reader[] = ['anon', 'str', 'fol', 'men', 'ana'];

before(async () => {
  server = await startTestServer();
  ({ ana, fol, men, str } = await createMembers(server, ['ana', 'fol', 'men', 'str']));
  await follow(fol, ana);
  // fol shares a public list holding ana; str follows the hashtag every post carries.
  listId = (await fol.api('POST', '/api/v1/lists', { name: 'Ana and co', visibility: 'public' })).json.id;
  assert.equal((await fol.api('POST', `/api/v1/lists/${listId}/members`, { handle: 'ana' })).status, 204);
  assert.equal((await str.api('POST', '/api/v1/hashtags/vistag/follow')).status, 204);
  posts.pub = await ana.post(`${WORDS.pub} #vistag`);
  posts.mem = await ana.post(`${WORDS.mem} #vistag`, { visibility: 'members' });
  posts.fol1 = await ana.post(`${WORDS.fol1} #vistag`, { visibility: 'followers' });
  posts.fol2 = await ana.post(`${WORDS.fol2} #vistag @men`, { visibility: 'followers' });
  posts.dir = await ana.post(`${WORDS.dir} #vistag @men`, { visibility: 'direct' });
  // A followers-only reply inside a public thread.
  posts.reply = await ana.post(`${WORDS.reply} #vistag`, { visibility: 'followers', replyToId: posts.pub.id });
});
after(() => server.close());

const member = (r: Reader): Member | null => ({ anon: null, str, fol, men, ana })[r];
const json = async (r: Reader, path: string) => {
  const who = member(r);
  return who ? who.api('GET', path) : server.client().api('GET', path);
};
const html = async (r: Reader, path: string) => (member(r) ? member(r)!.web.get(path) : server.client().get(path));

/** Checks that exactly the allowed posts among `candidates` are in `shown` (post ids or page HTML). */
function expectOnly(r: Reader, surface: string, shown: number[] | string, candidates: Array<keyof typeof WORDS>) {
  for (const key of candidates) {
    const present = typeof shown === 'string' ? shown.includes(WORDS[key]) : shown.includes(posts[key].id);
    assert.equal(present, ALLOWED[key].includes(r), `${surface} as ${r}: ${key} post ${present ? 'shown' : 'missing'}`);
  }
}

describe('followers-only, direct and members-only posts reach exactly their audience', () => {
  test('GET /api/v1/posts/{id}, the thread API, the post page and its history', async () => {
    for (const r of READERS) {
      for (const key of KEYS) {
        const id = posts[key].id;
        const allowed = ALLOWED[key].includes(r);
        const single = await json(r, `/api/v1/posts/${id}`);
        assert.equal(single.status, allowed ? 200 : 404, `post ${key} as ${r}`);
        if (allowed) assert.equal(single.json.text.split(' ')[0], WORDS[key]);
        else assert.ok(!JSON.stringify(single.json).includes(WORDS[key]));
        assert.equal((await json(r, `/api/v1/posts/${id}/thread`)).status, allowed ? 200 : 404, `thread ${key} as ${r}`);
        assert.equal((await json(r, `/api/v1/posts/${id}/history`)).status, allowed ? 200 : 404, `history ${key} as ${r}`);
        const page = await html(r, `/@ana/${id}`);
        assert.equal(page.status, allowed ? 200 : 404, `page ${key} as ${r}`);
        assert.equal(page.html.includes(WORDS[key]), allowed, `page ${key} as ${r}`);
        assert.equal((await html(r, `/posts/${id}`)).status, allowed ? 301 : 404);
      }
      // The public thread shows the followers-only reply only to those who may see it.
      const thread = await json(r, `/api/v1/posts/${posts.pub.id}/thread`);
      expectOnly(
        r,
        'public thread (API)',
        thread.json.descendants.map((d: Json) => d.id),
        ['reply'],
      );
      expectOnly(r, 'public thread (page)', (await html(r, `/@ana/${posts.pub.id}`)).html, ['pub', 'reply']);
      // The reply's own thread does not show more than the reader may see either.
      const replyThread = await json(r, `/api/v1/posts/${posts.reply.id}/thread`);
      if (replyThread.status === 200)
        assert.deepEqual(
          replyThread.json.ancestors.map((a: Json) => a.id),
          [posts.pub.id],
        );
    }
  });

  test('home, local, hashtag, list and profile timelines (API and pages)', async () => {
    for (const r of READERS) {
      if (r !== 'anon') {
        const homeIds = ids((await json(r, '/api/v1/timelines/home')).json);
        const homeHtml = (await html(r, '/stream')).html;
        // Home holds what reached the reader: ana's followers' posts for fol, mentions for men, the hashtag for str.
        const reached: Record<Reader, Array<keyof typeof WORDS>> = {
          anon: [],
          str: ['pub', 'mem'],
          fol: ['pub', 'mem', 'fol1', 'fol2', 'reply'],
          men: ['fol2', 'dir'],
          ana: KEYS,
        };
        for (const key of KEYS) {
          assert.equal(homeIds.includes(posts[key].id), reached[r].includes(key), `home (API) as ${r}: ${key}`);
          assert.equal(homeHtml.includes(WORDS[key]), reached[r].includes(key), `home (page) as ${r}: ${key}`);
          if (reached[r].includes(key)) assert.ok(ALLOWED[key].includes(r), 'home never holds more than the reader may see');
        }
      }
      const listed: Array<keyof typeof WORDS> = ['pub', 'mem'];
      const local = ids((await json(r, '/api/v1/timelines/local')).json);
      expectOnly(r, 'local (API)', local, listed);
      for (const key of ['fol1', 'fol2', 'dir', 'reply'] as const) assert.ok(!local.includes(posts[key].id), `local never lists ${key}`);
      const localPage = (await html(r, '/local')).html;
      expectOnly(r, 'local (page)', localPage, listed);
      for (const key of ['fol1', 'fol2', 'dir', 'reply'] as const) assert.ok(!localPage.includes(WORDS[key]));

      const tag = ids((await json(r, '/api/v1/timelines/tags/vistag')).json);
      expectOnly(r, 'hashtag (API)', tag, listed);
      for (const key of ['fol1', 'fol2', 'dir', 'reply'] as const)
        assert.ok(!tag.includes(posts[key].id), `the hashtag never lists ${key}`);
      const tagPage = (await html(r, '/tags/vistag')).html;
      expectOnly(r, 'hashtag (page)', tagPage, listed);
      for (const key of ['fol1', 'fol2', 'dir', 'reply'] as const) assert.ok(!tagPage.includes(WORDS[key]));

      // fol's public list: its timeline holds ana's followers-only posts, which only fol (and ana) may read.
      const list = ids((await json(r, `/api/v1/timelines/lists/${listId}`)).json);
      expectOnly(r, 'public list (API)', list, ['pub', 'mem', 'fol1', 'fol2']);
      assert.ok(!list.includes(posts.dir.id));
      const listPage = (await html(r, `/lists/${listId}`)).html;
      expectOnly(r, 'public list (page)', listPage, ['pub', 'mem', 'fol1', 'fol2']);
      assert.ok(!listPage.includes(WORDS.dir));

      for (const filter of ['posts', 'replies']) {
        const profile = ids((await json(r, `/api/v1/people/ana/posts?filter=${filter}`)).json);
        expectOnly(r, `profile ${filter} (API)`, profile, filter === 'replies' ? KEYS : ['pub', 'mem', 'fol1', 'fol2', 'dir']);
      }
      expectOnly(r, 'profile (page)', (await html(r, '/@ana')).html, ['pub', 'mem', 'fol1', 'fol2', 'dir']);
      expectOnly(r, 'profile with replies (page)', (await html(r, '/@ana/with-replies')).html, KEYS);
    }
  });

  test('search: words, #hashtag and from: (API and page)', async () => {
    for (const r of READERS) {
      for (const key of KEYS) {
        const found = ids((await json(r, `/api/v1/search/posts?q=${WORDS[key]}`)).json);
        assert.equal(found.includes(posts[key].id), ALLOWED[key].includes(r), `search "${WORDS[key]}" as ${r}`);
        const page = await html(r, `/search?type=posts&q=${WORDS[key]}`);
        assert.equal(page.status, 200);
        assert.equal(
          page.document.querySelector(`#post-${posts[key].id}`) !== null,
          ALLOWED[key].includes(r),
          `search page "${WORDS[key]}" as ${r}`,
        );
      }
      expectOnly(r, 'search #vistag', ids((await json(r, '/api/v1/search/posts?q=%23vistag')).json), KEYS);
      expectOnly(r, 'search from:ana', ids((await json(r, '/api/v1/search/posts?q=from:ana')).json), KEYS);
      expectOnly(r, 'search page from:ana #vistag', (await html(r, '/search?type=posts&q=from%3Aana+%23vistag')).html, KEYS);
    }
  });

  test('notifications: only the people mentioned; a mention edited away takes the post out of them', async () => {
    const mentions = (await getJson(server, men, '/api/v1/notifications?kind=mention')).notifications.map((n: Json) => n.post.id);
    assert.deepEqual(mentions, [posts.dir.id, posts.fol2.id]);
    for (const who of [str, fol]) {
      const all = await getJson(server, who, '/api/v1/notifications');
      for (const key of ['fol1', 'fol2', 'dir', 'reply'] as const)
        assert.ok(!JSON.stringify(all).includes(WORDS[key]), `${who.handle}'s notifications hold no ${key}`);
    }
    // ana edits men out of a followers-only post: men can no longer read it, notification included.
    const edited = await ana.post('capybarasecret @men', { visibility: 'followers' });
    assert.equal((await getJson(server, men, '/api/v1/notifications/unread')).unread, 3);
    assert.equal((await ana.api('PATCH', `/api/v1/posts/${edited.id}`, { text: 'capybarasecret, nobody mentioned' })).status, 200);
    await getJson(server, men, `/api/v1/posts/${edited.id}`, 404);
    const after = await getJson(server, men, '/api/v1/notifications');
    assert.ok(!JSON.stringify(after).includes('capybarasecret'));
    assert.ok(!(await men.web.get('/notifications')).html.includes('capybarasecret'));
    assert.equal(
      (await getJson(server, men, '/api/v1/notifications/unread')).unread,
      after.notifications.filter((n: Json) => !n.read).length,
      'the unread count matches what the list shows',
    );
  });

  test('SSE: a follower’s stream gets the followers-only post; a non-follower’s never does (home, public list, local)', async () => {
    const sse = (who: Member | null, timeline: string, page = false) =>
      SseStream.open(
        `${server.url}${page ? '/live' : '/api/v1/streaming'}?timeline=${encodeURIComponent(timeline)}`,
        who ? (page ? { cookie: [...who.web.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : who.auth) : {},
      );
    const streams = {
      folHome: await sse(fol, 'home'),
      strHome: await sse(str, 'home'),
      menHome: await sse(men, 'home'),
      folList: await sse(fol, `list:${listId}`),
      strList: await sse(str, `list:${listId}`),
      anonList: await sse(null, `list:${listId}`),
      anonListPage: await sse(null, `list:${listId}`, true),
      strLocal: await sse(str, 'local', true),
      anonLocal: await sse(null, 'local'),
    };
    try {
      const secret = await ana.post('sse followers only', { visibility: 'followers' });
      const members = await ana.post('sse members only', { visibility: 'members' });
      const direct = await ana.post('sse direct @men', { visibility: 'direct' });
      await streams.folHome.nextPost(secret.id);
      await streams.folList.nextPost(secret.id);
      await streams.menHome.nextPost(direct.id);
      await streams.strLocal.nextPost(members.id);
      // A later public post reaches every stream; events arrive in order, so by then anything
      // the non-followers were going to get would have arrived.
      const sentinel = await ana.post('sse public sentinel');
      const strOwn = await str.post('sse str sentinel');
      const menOwn = await men.post('sse men sentinel');
      for (const s of [
        streams.folHome,
        streams.folList,
        streams.strList,
        streams.anonList,
        streams.anonListPage,
        streams.strLocal,
        streams.anonLocal,
      ])
        await s.nextPost(sentinel.id);
      await streams.strHome.nextPost(strOwn.id);
      await streams.menHome.nextPost(menOwn.id);

      assert.deepEqual(
        streams.folHome.postIds().filter((id) => [secret.id, members.id, direct.id].includes(id)),
        [secret.id, members.id],
      );
      for (const name of ['strHome', 'strList', 'anonList', 'anonListPage', 'anonLocal'] as const) {
        assert.ok(!streams[name].postIds().includes(secret.id), `${name} got the followers-only post`);
        assert.ok(!streams[name].postIds().includes(direct.id), `${name} got the direct post`);
        assert.ok(!streams[name].events.some((e) => e.data.includes('sse followers only')), name);
      }
      assert.ok(!streams.anonLocal.postIds().includes(members.id), 'anonymous local stream got a members-only post');
      assert.ok(!streams.menHome.postIds().includes(secret.id));
      // The page stream carries ready HTML with the post.
      assert.match(streams.strLocal.data('post').find((d: Json) => d.key === `${members.id}:`).html, /sse members only/);
    } finally {
      for (const s of Object.values(streams)) s.close();
    }
  });
});

describe('blocks: neither side sees the other', () => {
  test('posts, threads, timelines, search, notifications and boosts by third parties', async () => {
    const { blk, cy, watcher } = await createMembers(server, ['blk', 'cy', 'watcher']);
    await follow(blk, ana);
    await follow(ana, cy);
    const anaPost = await ana.post('blockedword1 from ana #blocktag');
    const blkPost = await blk.post('blockedword2 from blk #blocktag');
    const cyPost = await cy.post('A neutral thread');
    const anaReply = await ana.post('blockedword3 ana replies', { replyToId: cyPost.id });
    const blkReply = await blk.post('blockedword4 blk replies', { replyToId: cyPost.id });
    assert.equal((await ana.api('POST', '/api/v1/people/blk/block')).status, 204);
    // After the block: cy boosts blk's post (ana follows cy), blk mentions ana.
    assert.equal((await cy.api('POST', `/api/v1/posts/${blkPost.id}/boost`)).status, 204);
    await blk.post('blockedword5 hey @ana');
    const blkLater = await blk.post('blockedword6 later #blocktag');

    const sides: Array<[Member, Json[], Json[]]> = [
      [ana, [blkPost, blkReply, blkLater], [anaPost, anaReply]],
      [blk, [anaPost, anaReply], [blkPost, blkReply, blkLater]],
    ];
    for (const [reader, hidden, own] of sides) {
      const other = reader === ana ? 'blk' : 'ana';
      for (const post of hidden) {
        await getJson(server, reader, `/api/v1/posts/${post.id}`, 404);
        assert.equal((await reader.web.get(`/@${other}/${post.id}`)).status, 404);
      }
      const thread = await getJson(server, reader, `/api/v1/posts/${cyPost.id}/thread`);
      assert.deepEqual(
        thread.descendants.map((d: Json) => d.id),
        [reader === ana ? anaReply.id : blkReply.id],
      );
      const surfaces = [
        ids(await getJson(server, reader, '/api/v1/timelines/home')),
        ids(await getJson(server, reader, '/api/v1/timelines/local')),
        ids(await getJson(server, reader, '/api/v1/timelines/tags/blocktag')),
        ids(await getJson(server, reader, `/api/v1/people/${other}/posts?filter=replies`)),
        ids(await getJson(server, reader, '/api/v1/search/posts?q=%23blocktag')),
        ids(await getJson(server, reader, `/api/v1/search/posts?q=from:${other}`)),
      ];
      for (const [i, shown] of surfaces.entries())
        for (const post of hidden) assert.ok(!shown.includes(post.id), `${reader.handle}: surface ${i} shows ${post.text}`);
      for (const page of [
        '/stream',
        '/local',
        '/tags/blocktag',
        `/@${other}/with-replies`,
        `/@cy/${cyPost.id}`,
        '/search?type=posts&q=%23blocktag',
        '/notifications',
      ]) {
        const body = (await reader.web.get(page)).html;
        for (const post of hidden) assert.ok(!body.includes(post.text.split(' ')[0]), `${reader.handle} on ${page} sees "${post.text}"`);
      }
      // Their own posts are still there for them (the assertions above can fail).
      assert.ok(ids(await getJson(server, reader, '/api/v1/timelines/tags/blocktag')).includes(own[0].id));
    }
    assert.ok(
      !(await getJson(server, ana, '/api/v1/notifications')).notifications.some(
        (n: Json) => n.actor.handle === 'blk' && n.kind !== 'follow',
      ),
    );
    // Everyone else still sees both.
    const tag = ids(await getJson(server, watcher, '/api/v1/timelines/tags/blocktag'));
    assert.ok(tag.includes(anaPost.id) && tag.includes(blkPost.id) && tag.includes(blkLater.id));
  });
});
