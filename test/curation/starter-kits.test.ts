import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Person } from '@fedify/vocab';
import { createMembers, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Starter kits: people with notes, the preview of how a kit changes the viewer's network, and
 * "follow all" with unticking, through the API and the pages, on a real server.
 */

let server: TestServer;
let m: Record<'curator' | 'vic' | 'lib' | 'sw' | 'school' | 'locked' | 'blocked' | 'shy' | 'helper', Member>;
let remote: { id: number; acct: string };

async function profile(who: Member, fields: Record<string, unknown>): Promise<void> {
  const res = await who.api('PATCH', '/api/v1/profile', fields);
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

before(async () => {
  server = await startTestServer();
  m = await createMembers(server, ['curator', 'vic', 'lib', 'sw', 'school', 'locked', 'blocked', 'shy', 'helper']);
  await profile(m.vic, { role: 'teacher', location: 'Austin, Texas' });
  await profile(m.lib, { role: 'public_librarian', location: 'Austin, Texas' });
  await profile(m.sw, { role: 'social_worker', location: 'Dayton, Ohio' });
  // The same city written differently is the same place.
  await profile(m.school, { role: 'school_librarian', location: 'austin,  texas' });
  await profile(m.locked, { role: 'teacher', location: 'Galway, Ireland' });
  await profile(m.blocked, { role: 'researcher', location: 'Lisbon, Portugal' });
  assert.equal((await m.locked.api('PATCH', '/api/v1/privacy', { locked: true })).status, 200);
  // vic already follows a public librarian in Austin, and blocked someone.
  await follow(m.vic, m.lib);
  assert.equal((await m.vic.api('POST', '/api/v1/people/blocked/block')).status, 204);
  // Someone on another server, known here (as after a search): a real actor document, stored as federation stores it.
  const saved = await server.services.federation.actors.save(
    new Person({
      id: new URL('https://remote.example/users/rafa'),
      preferredUsername: 'rafa',
      name: 'Rafa Remote',
      inbox: new URL('https://remote.example/users/rafa/inbox'),
    }),
  );
  remote = { id: saved.id, acct: saved.acct };
});
after(() => server.close());

const KITS = '/api/v1/curation/starter-kits';
const COLLECTIONS = '/api/v1/curation/collections';

async function createKit(who: Member, fields: Record<string, unknown>): Promise<Json> {
  const res = await who.api('POST', KITS, fields);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  assert.equal(res.json.kind, 'starter_kit');
  return res.json;
}

async function addPerson(who: Member, kitId: number, acct: string, note: string, status = 201): Promise<Json> {
  const res = await who.api('POST', `${KITS}/${kitId}/people`, { acct, note });
  assert.equal(res.status, status, `adding @${acct}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function relationship(who: Member, acct: string): Promise<Json> {
  return getJson(server, who, `/api/v1/people/${acct}/relationship`);
}

describe('starter kits', () => {
  let kitId: number;

  test('a kit of people with notes; the person added is notified', async () => {
    const { curator } = m;
    const kit = await createKit(curator, { title: 'Austin and beyond', description: 'People I learn from.', visibility: 'public' });
    kitId = kit.id;
    for (const [acct, note] of [
      ['lib', 'Runs the best teen programmes in town.'],
      ['sw', 'Child welfare and technology, clearly explained.'],
      ['school', 'Genrefied a whole library.'],
      ['locked', 'Thoughtful; approves followers.'],
      ['vic', 'Our newest teacher.'],
      ['blocked', 'Research on reading.'],
      [remote.acct, 'On another server, worth it.'],
    ] as const) {
      await addPerson(curator, kitId, acct, note);
    }
    const view = await getJson(server, null, `${KITS}/${kitId}`);
    assert.deepEqual(
      view.entries.map((e: Json) => e.person.acct),
      ['lib', 'sw', 'school', 'locked', 'vic', 'blocked', 'rafa@remote.example'],
    );
    assert.equal(view.entries[1].note, 'Child welfare and technology, clearly explained.');
    assert.equal(view.entries[1].person.roleLabel, 'Social worker');
    assert.equal(view.entries[1].person.location, 'Dayton, Ohio');

    const notified = await getJson(server, m.sw, '/api/v1/notifications?kind=kit_added');
    assert.equal(notified.notifications.length, 1);
    assert.equal(notified.notifications[0].actor.acct, 'curator');
    assert.equal(notified.notifications[0].collection.title, 'Austin and beyond');
    assert.equal(notified.notifications[0].collection.url, `${server.url}/starter-kits/${kitId}`);
    const page = await m.sw.web.get('/notifications');
    assert.match(page.text('.notifications'), /Curator added you to a starter kit/);
    assert.ok(page.document.querySelector(`.notifications a[href="/starter-kits/${kitId}"]`));

    // The kit's page, for a visitor: people with their notes and a Follow all button.
    const visitor = await server.client().get(`/starter-kits/${kitId}`);
    assert.equal(visitor.status, 200);
    assert.match(visitor.text('.collection-entries'), /Child welfare and technology, clearly explained\./);
    assert.ok(visitor.document.querySelector(`a[href="/starter-kits/${kitId}/follow"]`));
    // A kit is a collection: its collection address leads to the kit page.
    const moved = await server.client().get(`/collections/${kitId}`);
    assert.equal(moved.status, 301);
    assert.equal(moved.location, `/starter-kits/${kitId}`);
    // Only people go in a kit.
    const link = await curator.api('POST', `${COLLECTIONS}/${kitId}/entries`, { kind: 'link', url: 'https://example.org' });
    assert.equal(link.status, 422);
    assert.match(link.json.error.message, /A starter kit holds people only/);
    assert.equal((await curator.api('POST', `${KITS}/${kitId}/people`, { acct: 'sw', note: 'twice' })).status, 409);
  });

  test('the preview counts new people and the roles and places they add', async () => {
    const preview = await getJson(server, m.vic, `${KITS}/${kitId}/preview`);
    const status = Object.fromEntries(preview.people.map((p: Json) => [p.person.acct, p.status]));
    assert.deepEqual(status, {
      lib: 'following',
      sw: 'new',
      school: 'new',
      locked: 'new',
      vic: 'self',
      blocked: 'blocked',
      'rafa@remote.example': 'new',
    });
    assert.equal(preview.newPeople, 4);
    // vic follows a public librarian in Austin: social worker, school librarian and teacher are new roles
    // (vic is a teacher, but follows none); Dayton and Galway are new places, Austin is not.
    assert.deepEqual(preview.rolesAdded, [
      { label: 'School librarian', count: 1 },
      { label: 'Social worker', count: 1 },
      { label: 'Teacher', count: 1 },
    ]);
    assert.deepEqual(preview.placesAdded, [
      { label: 'Dayton, Ohio', count: 1 },
      { label: 'Galway, Ireland', count: 1 },
    ]);

    // The page says the same before anything happens, with everyone new ticked.
    const page = await m.vic.web.get(`/starter-kits/${kitId}/follow`);
    assert.equal(page.status, 200);
    assert.match(page.text('#changes-heading + p'), /adds 4 new people/);
    assert.match(page.text('main'), /Roles no one you follow has: School librarian \(1\), Social worker \(1\), Teacher \(1\)\./);
    assert.match(page.text('main'), /Places new to your network: Dayton, Ohio \(1\), Galway, Ireland \(1\)\./);
    const boxes = [...page.document.querySelectorAll('input[type=checkbox][name=actor]')];
    assert.equal(boxes.length, 4);
    assert.ok(boxes.every((b) => b.hasAttribute('checked')));
    assert.deepEqual((await getJson(server, m.vic, '/api/v1/people/sw/relationship')).following, false, 'the preview follows no one');

    // Signed out, the preview asks to sign in first.
    const visitor = await server.client().get(`/starter-kits/${kitId}/follow`);
    assert.equal(visitor.status, 303);
    assert.match(visitor.location!, /^\/login\?next=/);
  });

  test('unticking: only the ticked people are followed; a locked account gets a request', async () => {
    const { vic } = m;
    const ids = Object.fromEntries(
      (await getJson(server, vic, `${KITS}/${kitId}/preview`)).people.map((p: Json) => [p.person.acct, p.person.id]),
    );
    // Through the page: school is unticked.
    const sent = await vic.web.post(`/starter-kits/${kitId}/follow`, { actor: [String(ids.sw), String(ids.locked)] });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/starter-kits/${kitId}`);
    const after = await vic.web.get(sent.location!);
    assert.match(after.text('.notice'), /You now follow 1 more person\. 1 follow request waits for approval\./);
    assert.equal((await relationship(vic, 'sw')).following, true);
    assert.equal((await relationship(vic, 'locked')).requested, true);
    assert.equal((await relationship(vic, 'school')).following, false);
    assert.equal((await relationship(vic, 'school')).requested, false);
    // The kit page now says who vic follows.
    assert.match(after.text(`#entry-${(await getJson(server, vic, `${KITS}/${kitId}`)).entries[1].id}`), /you follow them/);

    // The preview has moved on: school and rafa are left.
    const preview = await getJson(server, vic, `${KITS}/${kitId}/preview`);
    assert.equal(preview.newPeople, 2);
    assert.deepEqual(preview.rolesAdded, [{ label: 'School librarian', count: 1 }]);
    assert.deepEqual(preview.placesAdded, []);

    // Through the API: everything, including people already followed and blocked, who are skipped.
    const res = await vic.api('POST', `${KITS}/${kitId}/follow`, {
      actorIds: [ids.school, ids.sw, ids.blocked, ids.vic, ids['rafa@remote.example']],
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(
      res.json.followed.map((p: Json) => p.acct),
      ['school'],
    );
    assert.deepEqual(
      res.json.requested.map((p: Json) => p.acct),
      ['rafa@remote.example'],
      'a remote account answers later',
    );
    assert.deepEqual(
      res.json.skipped.map((s: Json) => [s.person.acct, s.reason]),
      [
        ['sw', 'You already follow them.'],
        ['vic', 'That is you.'],
        ['blocked', 'One of you blocked the other.'],
      ],
    );
    assert.equal((await relationship(vic, 'blocked')).following, false);
    assert.equal((await getJson(server, vic, `${KITS}/${kitId}/preview`)).newPeople, 0);
  });

  test('follow all in one click for a newcomer, and wrong choices refused', async () => {
    const { helper } = m;
    const page = await helper.web.get(`/starter-kits/${kitId}/follow`);
    const fields = { actor: [...page.document.querySelectorAll('input[name=actor][checked]')].map((b) => b.getAttribute('value')!) };
    assert.equal(fields.actor.length, 7, 'everyone but nobody: helper follows no one yet');
    const sent = await helper.web.post(`/starter-kits/${kitId}/follow`, fields);
    assert.equal(sent.status, 303);
    assert.match(
      (await helper.web.get(sent.location!)).text('.notice'),
      /You now follow 5 more people\. 2 follow requests wait for approval\./,
    );
    for (const acct of ['lib', 'sw', 'school', 'vic', 'blocked']) assert.equal((await relationship(helper, acct)).following, true, acct);
    for (const acct of ['locked', remote.acct]) assert.equal((await relationship(helper, acct)).requested, true, acct);

    // Nobody ticked, or someone who is not in the kit.
    const none = await m.curator.api('POST', `${KITS}/${kitId}/follow`, { actorIds: [] });
    assert.equal(none.status, 422);
    assert.match(none.json.error.message + JSON.stringify(none.json.error.issues), /Tick at least one person/);
    const stranger = await m.curator.api('POST', `${KITS}/${kitId}/follow`, { actorIds: [m.shy.actorId] });
    assert.equal(stranger.status, 422);
    assert.match(JSON.stringify(stranger.json.error.issues), /not in this starter kit/);
    const emptyForm = await m.curator.web.post(`/starter-kits/${kitId}/follow`, {});
    assert.equal(emptyForm.status, 422);
    assert.match(emptyForm.text('.error-summary'), /Tick at least one person to follow\./);
    assert.equal((await m.curator.api('GET', `${KITS}/999999/preview`)).status, 404);
    assert.equal((await m.curator.api('POST', `${KITS}/999999/follow`, { actorIds: [m.sw.actorId] })).status, 404);
    // A plain collection is not a kit.
    const col = await m.curator.api('POST', COLLECTIONS, { title: 'Links', visibility: 'public' });
    assert.equal((await m.curator.api('GET', `${KITS}/${col.json.id}/preview`)).status, 404);
  });

  test('a member who declined to be featured cannot be added to a public kit; a featured one is notified', async () => {
    const { curator, shy, helper } = m;
    // Declined through the privacy settings page.
    const settings = await shy.web.get('/settings/privacy');
    assert.equal(settings.document.querySelector('#field-featurable')!.hasAttribute('checked'), true, 'featured by default');
    assert.equal((await shy.web.post('/settings/privacy', { locked: 'no', featurableShown: 'yes' })).status, 303);
    assert.equal((await shy.web.get('/settings/privacy')).document.querySelector('#field-featurable')!.hasAttribute('checked'), false);
    assert.deepEqual(await getJson(server, shy, '/api/v1/privacy'), { locked: false, featurable: false });

    const publicKit = await createKit(curator, { title: 'Everyone to follow', visibility: 'public' });
    const before = await getJson(server, shy, '/api/v1/notifications');
    const refused = await curator.api('POST', `${KITS}/${publicKit.id}/people`, { acct: 'shy', note: 'Quiet but great.' });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'not_featurable');
    assert.match(refused.json.error.message, /@shy declined to be featured in public starter kits/);
    const form = await curator.web.post(`/collections/${publicKit.id}/entries`, { kind: 'person', acct: 'shy', note: 'Quiet but great.' });
    assert.equal(form.status, 403);
    assert.match(form.text('#field-acct-error'), /declined to be featured/);
    assert.equal((await getJson(server, null, `${KITS}/${publicKit.id}`)).entries.length, 0);
    assert.deepEqual((await getJson(server, shy, '/api/v1/notifications')).notifications, before.notifications, 'not notified');

    // A members-only kit may list them; it cannot then be made public.
    const membersKit = await createKit(curator, { title: 'For members', visibility: 'members' });
    await addPerson(curator, membersKit.id, 'shy', 'Quiet but great.');
    const toPublic = await curator.api('PATCH', `${COLLECTIONS}/${membersKit.id}`, { visibility: 'public' });
    assert.equal(toPublic.status, 403);
    assert.match(toPublic.json.error.message, /@shy declined to be featured/);
    assert.equal((await getJson(server, curator, `${KITS}/${membersKit.id}`)).visibility, 'members');

    // A featured member is notified when added.
    await addPerson(curator, publicKit.id, 'helper', 'Always helps newcomers.');
    const notes = await getJson(server, helper, '/api/v1/notifications?kind=kit_added');
    assert.deepEqual(
      notes.notifications.map((n: Json) => n.collection.title),
      ['Everyone to follow'],
    );

    // Declining later leaves them out of public kits that list them (their owner still sees why).
    await addPerson(curator, publicKit.id, 'sw', 'Clear on child welfare tech.');
    assert.equal((await m.sw.api('PATCH', '/api/v1/privacy', { featurable: false })).status, 200);
    assert.deepEqual(
      (await getJson(server, null, `${KITS}/${publicKit.id}`)).entries.map((e: Json) => e.person.acct),
      ['helper'],
    );
    const own = await getJson(server, curator, `${KITS}/${publicKit.id}`);
    assert.match(own.entries.find((e: Json) => e.person.acct === 'sw').hiddenReason, /declined to be featured/);
    assert.ok(!(await getJson(server, m.vic, `${KITS}/${publicKit.id}/preview`)).people.some((p: Json) => p.person.acct === 'sw'));
  });

  test('kits are listed: public ones for everyone, your own for you', async () => {
    const { curator } = m;
    const privateKit = await createKit(curator, { title: 'Not yet', visibility: 'private' });
    const publicList = await getJson(server, null, KITS);
    assert.ok(publicList.collections.some((k: Json) => k.id === kitId));
    assert.ok(!publicList.collections.some((k: Json) => k.id === privateKit.id));
    assert.ok(publicList.collections.every((k: Json) => k.kind === 'starter_kit'));
    const mine = await getJson(server, curator, `${KITS}?scope=mine`);
    assert.ok(mine.collections.some((k: Json) => k.id === privateKit.id));
    const page = await server.client().get('/starter-kits');
    assert.equal(page.status, 200);
    assert.ok(page.document.querySelector(`a[href="/starter-kits/${kitId}"]`));
    assert.equal(page.document.querySelector(`a[href="/starter-kits/${privateKit.id}"]`), null);
    const minePage = await curator.web.get('/starter-kits');
    assert.ok(minePage.document.querySelector(`a[href="/starter-kits/${privateKit.id}"]`));
  });
});
