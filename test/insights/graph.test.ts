import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMember, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * My PLN's network picture grouped by role (GET /api/v1/insights `health.graph`, the SVG and
 * its table on /insights), and "move to a list" for quiet people: through the page's form and
 * POST /api/v1/insights/move-to-list, with the bad input refused and nothing changed.
 */

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const DAY = 86_400_000;
const insights = (member: Member): Promise<Json> => getJson(server, member, '/api/v1/insights');

async function person(handle: string, role: string, displayName?: string): Promise<Member> {
  const m = await createMember(server, handle, displayName ? { displayName } : {});
  const res = await m.api('PATCH', '/api/v1/profile', { role });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return m;
}

/** Makes an account look as if it joined long ago and never posted (time passing; nothing a request can do). */
async function quietSinceLongAgo(member: Member): Promise<void> {
  await server.services.database.db
    .updateTable('actors')
    .set({ created_at: Date.now() - 200 * DAY })
    .where('id', '=', member.actorId)
    .execute();
}

const relationship = async (who: Member, handle: string): Promise<Json> => getJson(server, who, `/api/v1/people/${handle}/relationship`);
const listHandles = async (who: Member, listId: number): Promise<string[]> =>
  (await getJson(server, who, `/api/v1/lists/${listId}/members`)).people.map((p: Json) => p.handle).sort();

describe('the network picture', () => {
  test('roles are counted following, followers and mutuals; the SVG draws each relation with its own mark and the table has the numbers', async () => {
    const hub = await person('ghub', 'school_librarian');
    const s1 = await person('gs1', 'school_librarian');
    const s2 = await person('gs2', 'school_librarian');
    const s3 = await person('gs3', 'school_librarian');
    const t1 = await person('gt1', 'teacher');
    const p1 = await person('gp1', 'public_librarian');
    const p2 = await person('gp2', 'public_librarian');
    for (const m of [s1, s2, s3, t1, p1]) await follow(hub, m);
    for (const m of [s1, p1, p2]) await follow(m, hub);

    const { graph } = (await insights(hub)).health;
    assert.equal(graph.people, 6);
    assert.deepEqual(
      graph.roles.map((r: Json) => [r.role, r.following, r.followers, r.mutuals]),
      [
        ['school_librarian', 3, 1, 1],
        ['public_librarian', 1, 2, 1],
        ['teacher', 1, 0, 0],
      ],
    );
    assert.equal(graph.nodes.length, 6);
    assert.deepEqual(
      graph.nodes
        .slice(0, 2)
        .map((n: Json) => n.acct)
        .sort(),
      ['gp1', 'gs1'],
      'mutual follows first',
    );
    const p2node = graph.nodes.find((n: Json) => n.acct === 'gp2');
    assert.deepEqual(
      { following: p2node.following, follower: p2node.follower, role: p2node.role, url: p2node.url },
      { following: false, follower: true, role: 'public_librarian', url: '/@gp2' },
    );

    const page = await hub.web.get('/insights');
    assert.equal(page.status, 200);
    const svg = page.document.querySelector('svg#network-picture')!;
    assert.equal(svg.getAttribute('role'), 'img');
    assert.equal(svg.querySelector('title')!.textContent, 'Your network by role');
    const desc = svg.querySelector('desc')!.textContent!;
    assert.match(desc, /You follow 5 people and 3 people follow you; 2 of them both ways/);
    assert.match(desc, /School librarian: you follow 3, 1 follow you, 1 both ways/);
    assert.equal(svg.querySelectorAll('g.graph-node--mutual polygon').length, 2, 'mutuals: diamonds');
    assert.equal(svg.querySelectorAll('g.graph-node--following circle').length, 3, 'people followed: circles');
    assert.equal(svg.querySelectorAll('g.graph-node--follower rect').length, 1, 'followers: squares');
    assert.deepEqual(
      [...svg.querySelectorAll('text.graph-role')].map((t) => t.textContent),
      ['School librarian (3)', 'Public librarian (2)', 'Teacher (1)'],
    );
    const table = [...page.document.querySelectorAll('table')].find((t) =>
      /Your network by role/.test(t.querySelector('caption')!.textContent!),
    )!;
    const rows = [...table.querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent!.trim()));
    assert.deepEqual(rows, [
      ['School librarian', '3', '1', '1'],
      ['Public librarian', '1', '2', '1'],
      ['Teacher', '1', '0', '0'],
    ]);

    // Deterministic: the same network draws the same picture.
    const again = await hub.web.get('/insights');
    assert.equal(again.document.querySelector('svg#network-picture')!.outerHTML, svg.outerHTML);
  });

  test('the picture is bounded: with more than 60 people it draws 60 and says how many more', async () => {
    const star = await person('gstar', 'author');
    for (let i = 0; i < 63; i++) {
      const fan = await createMember(server, `gfan${i}`);
      await follow(fan, star);
    }
    const { graph } = (await insights(star)).health;
    assert.equal(graph.people, 63);
    assert.equal(graph.nodes.length, 60);
    assert.deepEqual(graph.roles, [{ role: 'none', label: 'No role given', following: 0, followers: 63, mutuals: 0 }]);
    const page = await star.web.get('/insights');
    assert.equal(page.document.querySelectorAll('svg#network-picture g.graph-node').length, 60);
    assert.match(page.document.querySelector('svg#network-picture')!.textContent!, /and 3 more not drawn/);
  });

  test('a well-known member: followers by role are estimated from the newest 5,000, and the page says so', async () => {
    // 5,200 followers on another server (written directly: thousands of sign-ups would take minutes).
    const famous = await person('gfamous', 'public_librarian');
    const { db } = server.services.database;
    const now = Date.now();
    const fans: Array<{ id: number }> = [];
    for (let first = 0; first < 5200; first += 1000) {
      const rows = Array.from({ length: Math.min(1000, 5200 - first) }, (_, k) => first + k).map((i) => ({
        acct: `fan${i}@far.test`,
        handle: `fan${i}`,
        domain: 'far.test',
        uri: `https://far.test/users/fan${i}`,
        display_name: `Fan ${i}`,
        bio: '',
        role: i % 5 < 3 ? 'teacher' : 'author',
        links: '[]',
        search_text: `fan${i}`,
        created_at: now,
        updated_at: now,
      }));
      const ids = await db.insertInto('actors').values(rows).returning('id').execute();
      await db
        .insertInto('follows')
        .values(ids.map((f) => ({ follower_id: f.id, followee_id: famous.actorId, state: 'accepted' as const, created_at: now })))
        .execute();
      fans.push(...ids);
    }
    await db.updateTable('actors').set({ followers_count: 5200 }).where('id', '=', famous.actorId).execute();
    // One of them is followed back: mutuals stay exact.
    await db
      .insertInto('follows')
      .values({ follower_id: famous.actorId, followee_id: fans[0]!.id, state: 'accepted', created_at: now })
      .execute();

    const { health } = await insights(famous);
    assert.equal(health.graph.followersEstimated, true);
    assert.equal(health.mutuals, 1);
    const teacher = health.graph.roles.find((r: Json) => r.role === 'teacher');
    const author = health.graph.roles.find((r: Json) => r.role === 'author');
    assert.equal(teacher.mutuals, 1);
    assert.ok(Math.abs(teacher.followers + author.followers - 5200) <= 2, JSON.stringify(health.graph.roles));
    assert.ok(Math.abs(teacher.followers - 3120) <= 3, JSON.stringify(health.graph.roles));
    const page = await famous.web.get('/insights');
    assert.match(page.text('main'), /estimated from the newest 5,000 accounts among them/);
  });

  test('nobody around: no picture, a sentence instead', async () => {
    const alone = await createMember(server, 'galone');
    const data = await insights(alone);
    assert.deepEqual(data.health.graph, { people: 0, followersEstimated: false, roles: [], nodes: [] });
    const page = await alone.web.get('/insights');
    assert.equal(page.document.querySelector('svg#network-picture'), null);
    assert.match(page.html, /no picture to draw/);
  });
});

describe('move to a list', () => {
  test('onto an existing list: on the list, unfollowed, their public posts in the list timeline and not at home', async () => {
    const tidy = await createMember(server, 'mtidy');
    const quiet = await createMember(server, 'mquiet', { displayName: 'Quiet Quentin' });
    await follow(tidy, quiet);
    await quietSinceLongAgo(quiet);
    const list = await tidy.api('POST', '/api/v1/lists', { name: 'Occasional voices' });
    assert.equal(list.status, 201, JSON.stringify(list.json));

    const page = await tidy.web.get('/insights');
    const form = page.document.querySelector('form[action="/insights/move-to-list"]')!;
    assert.ok(form, 'a move form next to the quiet person');
    assert.equal(form.querySelector('input[name=acct]')!.getAttribute('value'), 'mquiet');
    assert.deepEqual(
      [...form.querySelectorAll('select[name=list] option')].map((o) => o.textContent!.trim()),
      ['Occasional voices', 'A new list (name it below)'],
    );

    const moved = await tidy.web.post('/insights/move-to-list', { acct: 'mquiet', list: String(list.json.id), newList: '' });
    assert.equal(moved.status, 303);
    assert.equal(moved.location, '/insights');
    const rel = await relationship(tidy, 'mquiet');
    assert.equal(rel.following, false);
    assert.deepEqual(await listHandles(tidy, list.json.id), ['mquiet']);
    const after = await insights(tidy);
    assert.equal(after.health.dormantFollows.total, 0);
    assert.equal(after.health.following, 0);

    const post = await quiet.post('Back after a long break!');
    const listTimeline = await getJson(server, tidy, `/api/v1/timelines/lists/${list.json.id}`);
    assert.ok(
      listTimeline.posts.some((p: Json) => p.id === post.id),
      'the list still reaches them',
    );
    const home = await getJson(server, tidy, '/api/v1/timelines/home');
    assert.ok(!home.posts.some((p: Json) => p.id === post.id), 'the home timeline no longer does');
  });

  test('onto a new list by name, through the API too', async () => {
    const owner = await createMember(server, 'mowner');
    const a = await createMember(server, 'mquieta');
    const b = await createMember(server, 'mquietb');
    await follow(owner, a);
    await follow(owner, b);
    const moved = await owner.web.post('/insights/move-to-list', { acct: 'mquieta', list: 'new', newList: '  Quiet for now  ' });
    assert.equal(moved.status, 303);
    const lists = (await getJson(server, owner, '/api/v1/lists')).lists;
    assert.deepEqual(
      lists.map((l: Json) => [l.name, l.members]),
      [['Quiet for now', 1]],
    );
    assert.equal((await relationship(owner, 'mquieta')).following, false);

    const api = await owner.api('POST', '/api/v1/insights/move-to-list', { acct: 'mquietb', listId: lists[0].id });
    assert.equal(api.status, 200, JSON.stringify(api.json));
    assert.deepEqual(api.json, { listId: lists[0].id, listName: 'Quiet for now' });
    assert.deepEqual(await listHandles(owner, lists[0].id), ['mquieta', 'mquietb']);
    assert.equal((await relationship(owner, 'mquietb')).following, false);
  });

  test('bad input: someone else’s list is 404, a blank new name and a person not followed are 422; nothing changes', async () => {
    const me = await createMember(server, 'mme');
    const them = await createMember(server, 'mthem');
    const quiet = await createMember(server, 'mquietc', { displayName: 'Quiet Cleo' });
    await createMember(server, 'mstranger');
    await follow(me, quiet);
    await quietSinceLongAgo(quiet);
    const theirs = await them.api('POST', '/api/v1/lists', { name: 'Their public list', visibility: 'public' });
    const theirsPrivate = await them.api('POST', '/api/v1/lists', { name: 'Their private list' });
    const counts = async () => ({
      lists: (await getJson(server, me, '/api/v1/lists')).lists.length,
      theirs: (await listHandles(them, theirs.json.id)).length,
      following: (await relationship(me, 'mquietc')).following,
    });
    const before = await counts();
    assert.deepEqual(before, { lists: 0, theirs: 0, following: true });

    for (const id of [theirs.json.id, theirsPrivate.json.id, 99_999_999]) {
      assert.equal((await me.web.post('/insights/move-to-list', { acct: 'mquietc', list: String(id), newList: '' })).status, 404);
      assert.equal((await me.api('POST', '/api/v1/insights/move-to-list', { acct: 'mquietc', listId: id })).status, 404);
    }
    assert.equal((await me.web.post('/insights/move-to-list', { acct: 'mquietc', list: 'abc', newList: '' })).status, 404);

    const blank = await me.web.post('/insights/move-to-list', { acct: 'mquietc', list: 'new', newList: '   ' });
    assert.equal(blank.status, 422);
    const summary = blank.document.querySelector('.error-summary')!;
    assert.match(summary.textContent!, /Give the new list a name/);
    const target = summary.querySelector('a')!.getAttribute('href')!;
    assert.ok(blank.document.querySelector(target), `the summary links to the field (${target})`);
    assert.equal(blank.document.querySelector(target)!.getAttribute('aria-invalid'), 'true');
    assert.ok(blank.document.querySelector('details.move-to-list[open]'), 'the form with the error is open');
    const apiBlank = await me.api('POST', '/api/v1/insights/move-to-list', { acct: 'mquietc', newList: '' });
    assert.equal(apiBlank.status, 422);
    assert.equal(apiBlank.json.error.issues[0].path, 'newList');

    const notFollowed = await me.web.post('/insights/move-to-list', { acct: 'mstranger', list: 'new', newList: 'Strangers' });
    assert.equal(notFollowed.status, 422);
    assert.match(notFollowed.document.querySelector('.error-summary')!.textContent!, /You do not follow @mstranger/);
    const apiNotFollowed = await me.api('POST', '/api/v1/insights/move-to-list', { acct: 'mstranger', newList: 'Strangers' });
    assert.equal(apiNotFollowed.status, 422);
    assert.equal(apiNotFollowed.json.error.code, 'not_following');
    assert.equal((await me.api('POST', '/api/v1/insights/move-to-list', { acct: 'nobody-here', newList: 'X' })).status, 404);
    assert.equal((await me.api('POST', '/api/v1/insights/move-to-list', { acct: 'mquietc', newList: 'x'.repeat(81) })).status, 422);
    assert.equal((await me.api('POST', '/api/v1/insights/move-to-list', { acct: 'mquietc', newList: 'X', extra: 1 })).status, 422);

    assert.deepEqual(await counts(), before, 'nothing changed: no list made, nobody added, still following');
  });
});
