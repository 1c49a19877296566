import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_COLLECTIONS } from '../../src/app/demo/collections.ts';
import { DEMO_PASSWORD, loadDemo } from '../../src/app/demo/demo.ts';
import type { Json } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The demo's starter kits and collections, as a visitor and a demo member find them. */

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await loadDemo(server.services);
});
after(() => server.close());

describe('demo collections and starter kits', () => {
  test('the three named starter kits are public, with people and a note for each', async () => {
    const list = (await server.client().api('GET', '/api/v1/curation/starter-kits')).json;
    const titles = list.collections.map((k: Json) => k.title);
    for (const title of ['Public librarians to follow', 'School library advocacy', 'Social work and technology'])
      assert.ok(titles.includes(title), title);
    for (const kit of list.collections) {
      const view = (await server.client().api('GET', `/api/v1/curation/starter-kits/${kit.id}`)).json;
      const wanted = DEMO_COLLECTIONS.find((c) => c.title === kit.title)!;
      // Visitors do not see members-only profiles; members see everyone.
      assert.ok(view.entries.length >= 5, `${kit.title}: ${view.entries.length} people`);
      assert.ok(view.entries.length <= wanted.entries.length);
      assert.ok(view.entries.every((e: Json) => e.kind === 'person' && e.note.length > 20));
      assert.equal((await server.client().get(`/starter-kits/${kit.id}`)).status, 200);
    }
  });

  test('a demo member sees how a kit would change their network', async () => {
    const client = server.client();
    assert.equal((await client.login('lis_student_maya', DEMO_PASSWORD)).status, 303);
    const kit = (await client.api('GET', '/api/v1/curation/starter-kits')).json.collections.find(
      (k: Json) => k.title === 'Social work and technology',
    );
    const page = await client.get(`/starter-kits/${kit.id}/follow`);
    assert.equal(page.status, 200);
    assert.ok(page.document.querySelectorAll('input[name=actor]').length > 0);
    assert.match(page.text('main'), /Roles no one you follow has: .*Social worker/);
  });

  test('the public collections of links have their entries, collaborators and followers', async () => {
    const list = (await server.client().api('GET', '/api/v1/curation/collections')).json;
    const genre = list.collections.find((c: Json) => c.title === 'Genrefication: how-tos and stories');
    assert.ok(genre);
    assert.equal(genre.followerCount, 3);
    const view = (await server.client().api('GET', `/api/v1/curation/collections/${genre.id}`)).json;
    assert.equal(view.entries.length, 5);
    assert.deepEqual(
      view.collaborators.map((a: Json) => a.acct),
      ['ellen_k12'],
    );
    assert.ok(view.entries.some((e: Json) => e.addedBy.acct === 'ellen_k12'));
    assert.ok(list.collections.some((c: Json) => c.title === 'Trauma-informed practice: a reading list'));
    const rss = await server.client().get(`/collections/${genre.id}/feed.rss`);
    assert.equal(rss.status, 200);
    assert.match(rss.html, /Free spine labels for twelve genres/);
  });
});
