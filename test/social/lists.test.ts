import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, follow, getJson, ids, type Json, type Member, snapshot } from './helpers.ts';

let server: TestServer;
let m: Record<'owner' | 'lib1' | 'lib2' | 'other' | 'outsider', Member>;
before(async () => {
  server = await startTestServer();
  m = await createMembers(server, ['owner', 'lib1', 'lib2', 'other', 'outsider']);
});
after(() => server.close());

const handles = (people: Json[]) => people.map((p: Json) => p.handle);

describe('lists', () => {
  test('a private list: only its owner sees it, its members and its timeline', async () => {
    const { owner, lib1, lib2, other } = m;
    const early = await lib1.post('Posted before being listed');
    const created = await owner.api('POST', '/api/v1/lists', { name: 'Public librarians', description: 'Branch staff' });
    assert.equal(created.status, 201);
    assert.equal(created.json.visibility, 'private');
    const id = created.json.id;
    for (const handle of ['lib1', 'lib2']) assert.equal((await owner.api('POST', `/api/v1/lists/${id}/members`, { handle })).status, 204);
    const fromLib2 = await lib2.post('Story time at 10');
    const fromOther = await other.post('Not on the list');
    const timeline = await getJson(server, owner, `/api/v1/timelines/lists/${id}`);
    assert.deepEqual(ids(timeline), [fromLib2.id, early.id]);
    assert.ok(!ids(timeline).includes(fromOther.id));
    assert.deepEqual(handles((await getJson(server, owner, `/api/v1/lists/${id}/members`)).people), ['lib1', 'lib2']);
    assert.deepEqual(
      (await getJson(server, owner, '/api/v1/lists')).lists.map((l: Json) => [l.name, l.members]),
      [['Public librarians', 2]],
    );

    for (const who of [other, null]) {
      await getJson(server, who, `/api/v1/lists/${id}`, 404);
      await getJson(server, who, `/api/v1/timelines/lists/${id}`, 404);
      await getJson(server, who, `/api/v1/lists/${id}/members`, 404);
    }
    assert.equal((await other.web.get(`/lists/${id}`)).status, 404);
    assert.deepEqual((await getJson(server, other, '/api/v1/lists')).lists, []);
    assert.equal((await other.api('POST', `/api/v1/lists/${id}/members`, { handle: 'other' })).status, 404);

    // Removing someone takes their posts out of the list's timeline.
    assert.equal((await owner.api('DELETE', `/api/v1/lists/${id}/members/lib1`)).status, 204);
    assert.deepEqual(ids(await getJson(server, owner, `/api/v1/timelines/lists/${id}`)), [fromLib2.id]);
    assert.equal((await owner.api('DELETE', `/api/v1/lists/${id}/members/lib1`)).status, 409);
  });

  test('a public list: anyone may read it, it shows on the owner’s profile, only the owner may change it', async () => {
    const { owner, lib1, other } = m;
    const page = await owner.web.post('/lists', { name: 'Read-aloud crew', description: 'Shared with everyone', visibility: 'public' });
    assert.equal(page.status, 303);
    const id = Number(page.location!.split('/').pop());
    const add = await owner.web.post(`/lists/${id}/members`, { handle: '@lib1' });
    assert.equal(add.status, 303);
    const post = await lib1.post('Reading Gruffalo today');
    // Adding someone brings their recent posts in (lib1 posted once in the test before).
    assert.deepEqual(ids(await getJson(server, null, `/api/v1/timelines/lists/${id}`)), [
      post.id,
      ...ids(await getJson(server, null, '/api/v1/people/lib1/posts')).slice(1),
    ]);
    assert.equal(ids(await getJson(server, null, `/api/v1/timelines/lists/${id}`)).length, 2);
    assert.deepEqual(handles((await getJson(server, other, `/api/v1/lists/${id}/members`)).people), ['lib1']);
    const html = await server.client().get(`/lists/${id}`);
    assert.equal(html.status, 200);
    assert.ok(html.document.querySelector(`#post-${post.id}`));
    assert.equal(html.document.querySelector(`form[action="/lists/${id}/members"]`), null, 'no add form for visitors');
    const profile = await server.client().get('/@owner');
    assert.deepEqual(
      [...profile.document.querySelectorAll('[aria-labelledby="shared-lists"] a')].map((a) => a.textContent?.trim()),
      ['Read-aloud crew (1)'],
    );

    const before = await snapshot(server);
    assert.equal((await other.api('POST', `/api/v1/lists/${id}/members`, { handle: 'other' })).status, 403);
    assert.equal((await other.api('PATCH', `/api/v1/lists/${id}`, { name: 'Mine now' })).status, 403);
    assert.equal((await other.api('DELETE', `/api/v1/lists/${id}`)).status, 403);
    assert.deepEqual(await snapshot(server), before);

    // Renaming changes only the name: the description and the sharing stay.
    const before2 = (await owner.api('GET', `/api/v1/lists/${id}`)).json;
    const renamed = await owner.api('PATCH', `/api/v1/lists/${id}`, { name: 'Read-aloud friends' });
    assert.equal(renamed.status, 200);
    assert.deepEqual(
      [renamed.json.name, renamed.json.description, renamed.json.visibility],
      ['Read-aloud friends', before2.description, 'public'],
    );

    // Made private again, it disappears for others.
    const patched = await owner.api('PATCH', `/api/v1/lists/${id}`, { visibility: 'private' });
    assert.equal(patched.json.visibility, 'private');
    assert.equal(patched.json.name, 'Read-aloud friends');
    await getJson(server, null, `/api/v1/timelines/lists/${id}`, 404);
    assert.equal((await server.client().get('/@owner')).document.querySelector('[aria-labelledby="shared-lists"]'), null);
    assert.equal((await owner.api('DELETE', `/api/v1/lists/${id}`)).status, 204);
    await getJson(server, owner, `/api/v1/lists/${id}`, 404);
  });

  test('followers-only posts of a list member reach the list only if the owner follows them, and show only to readers who may see them', async () => {
    const { owner, lib2, outsider } = m;
    const list = (await owner.api('POST', '/api/v1/lists', { name: 'Shared', visibility: 'public' })).json;
    assert.equal((await owner.api('POST', `/api/v1/lists/${list.id}/members`, { handle: 'lib2' })).status, 204);
    const before = await lib2.post('Followers only, owner not yet a follower', { visibility: 'followers' });
    assert.deepEqual(
      ids(await getJson(server, owner, `/api/v1/timelines/lists/${list.id}`)).filter((id) => id === before.id),
      [],
    );
    await follow(owner, lib2);
    const secret = await lib2.post('Followers only, owner follows', { visibility: 'followers' });
    assert.equal(ids(await getJson(server, owner, `/api/v1/timelines/lists/${list.id}`))[0], secret.id);
    // The list is public, but the post is not: others reading it do not get it.
    assert.ok(!ids(await getJson(server, outsider, `/api/v1/timelines/lists/${list.id}`)).includes(secret.id));
    assert.ok(!ids(await getJson(server, null, `/api/v1/timelines/lists/${list.id}`)).includes(secret.id));
    assert.ok(!(await server.client().get(`/lists/${list.id}`)).html.includes('owner follows'));
  });

  test('bad input: names, handles, duplicates and blocked people are refused; nothing changes', async () => {
    const { owner, other } = m;
    const list = (await owner.api('POST', '/api/v1/lists', { name: 'Edge cases' })).json;
    assert.equal((await other.api('POST', '/api/v1/people/owner/block')).status, 204);
    assert.equal((await owner.api('POST', `/api/v1/lists/${list.id}/members`, { handle: 'lib1' })).status, 204);
    const before = await snapshot(server);
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/v1/lists', { name: '' }, 422, 'invalid'],
      ['POST', '/api/v1/lists', { name: 'n'.repeat(81) }, 422, 'invalid'],
      ['POST', '/api/v1/lists', { name: 'ok', visibility: 'friends' }, 422, 'invalid'],
      ['POST', `/api/v1/lists/${list.id}/members`, { handle: 'nobody_here' }, 404, 'not_found'],
      ['POST', `/api/v1/lists/${list.id}/members`, { handle: 'lib1' }, 409, 'already_listed'],
      ['POST', `/api/v1/lists/${list.id}/members`, { handle: 'other' }, 403, 'forbidden'],
      ['POST', '/api/v1/lists/999999/members', { handle: 'lib1' }, 404, 'not_found'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await owner.api(method, path, body);
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(res.json.error.code, code);
    }
    const page = await owner.web.post(`/lists/${list.id}/members`, { handle: 'nobody_here' });
    assert.equal(page.status, 404);
    assert.match(page.text('#field-handle-error'), /no one called @nobody_here/);
    const empty = await owner.web.post('/lists', { name: '  ', visibility: 'private' });
    assert.equal(empty.status, 422);
    assert.match(empty.text('.error-summary'), /Give the list a name/);
    assert.deepEqual(await snapshot(server), before);
  });
});
