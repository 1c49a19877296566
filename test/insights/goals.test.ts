import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadDemo } from '../../src/app/demo/demo.ts';
import { DEMO_GOALS } from '../../src/app/demo/goals.ts';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { createMember, createMembers, follow, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Learning goals through the doors people use: the JSON API with a token and the pages with a
 * session. A small community is built where each suggestion kind has one thing that should
 * match and one that should not, and progress is moved one count at a time.
 */

async function profile(who: Member, fields: Record<string, unknown>): Promise<void> {
  const res = await who.api('PATCH', '/api/v1/profile', fields);
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

async function createGoal(who: Member, body: Record<string, unknown>): Promise<Json> {
  const res = await who.api('POST', '/api/v1/insights/goals', body);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

async function goal(who: Member, id: number): Promise<Json> {
  const res = await who.api('GET', `/api/v1/insights/goals/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
}

async function goalCount(server: TestServer, memberId: number): Promise<{ goals: number; tags: number }> {
  const db = server.services.database.db;
  const goals = await db.selectFrom('goals').select('id').where('member_id', '=', memberId).execute();
  const tags =
    goals.length === 0
      ? []
      : await db
          .selectFrom('goal_tags')
          .select('slug')
          .where(
            'goal_id',
            'in',
            goals.map((g) => g.id),
          )
          .execute();
  return { goals: goals.length, tags: tags.length };
}

const manyTags = (n: number) => Array.from({ length: n }, (_, i) => `topic${i}`);

describe('learning goals: writing them', () => {
  let server: TestServer;
  let m: { lib: Member; other: Member; busy: Member };
  before(async () => {
    server = await startTestServer();
    m = await createMembers(server, ['lib', 'other', 'busy']);
  });
  after(async () => server?.close());

  test('create, read, edit, achieve, reactivate and delete through the API', async () => {
    const created = await createGoal(m.lib, { title: '  Genrefy   the fiction  ', description: 'By June.', tags: ['genrefication'] });
    assert.equal(created.title, 'Genrefy the fiction');
    assert.equal(created.description, 'By June.');
    assert.equal(created.status, 'active');
    assert.deepEqual(created.tags, [{ slug: 'genrefication', name: 'genrefication', passion: false }]);
    assert.equal(created.achievedAt, null);
    assert.deepEqual(created.notes, []);

    const list = (await m.lib.api('GET', '/api/v1/insights/goals')).json.goals;
    assert.deepEqual(
      list.map((g: Json) => g.id),
      [created.id],
    );

    const edited = await m.lib.api('PATCH', `/api/v1/insights/goals/${created.id}`, {
      title: 'Genrefy the whole library',
      tags: ['genrefication', 'signage'],
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    assert.equal(edited.json.title, 'Genrefy the whole library');
    assert.deepEqual(
      edited.json.tags.map((t: Json) => t.slug),
      ['genrefication', 'signage'],
    );

    const achieved = await m.lib.api('PATCH', `/api/v1/insights/goals/${created.id}`, { status: 'achieved' });
    assert.equal(achieved.json.status, 'achieved');
    assert.ok(achieved.json.achievedAt, 'achievedAt is set');
    const again = await m.lib.api('PATCH', `/api/v1/insights/goals/${created.id}`, { status: 'active' });
    assert.equal(again.json.status, 'active');
    assert.equal(again.json.achievedAt, null);

    assert.equal((await m.lib.api('DELETE', `/api/v1/insights/goals/${created.id}`)).status, 204);
    assert.equal((await m.lib.api('GET', `/api/v1/insights/goals/${created.id}`)).status, 404);
    assert.deepEqual(await goalCount(server, m.lib.memberId), { goals: 0, tags: 0 });
  });

  test('300 tags are refused with the limit named, and nothing is stored (API and form)', async () => {
    const before = await goalCount(server, m.lib.memberId);
    const res = await m.lib.api('POST', '/api/v1/insights/goals', { title: 'Everything', tags: manyTags(300) });
    assert.equal(res.status, 422, JSON.stringify(res.json));
    assert.equal(res.json.error.issues[0].path, 'tags');
    assert.match(res.json.error.issues[0].message, /at most 10 tags; you gave 300/);
    assert.deepEqual(await goalCount(server, m.lib.memberId), before);

    const page = await m.lib.web.post('/insights/goals', { title: 'Everything', tags: manyTags(300).join(', ') });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /at most 10 tags; you gave 300/);
    assert.equal(page.document.querySelector('#field-tags')!.getAttribute('aria-invalid'), 'true');
    assert.equal(
      page.document.querySelector<HTMLInputElement>('#field-title')!.getAttribute('value'),
      'Everything',
      'the form keeps what was typed',
    );
    assert.match(page.document.title, /^Error:/);
    assert.deepEqual(await goalCount(server, m.lib.memberId), before);

    // An edit with too many tags leaves the old ones in place.
    const kept = await createGoal(m.lib, { title: 'Kept', tags: ['one'] });
    const patch = await m.lib.api('PATCH', `/api/v1/insights/goals/${kept.id}`, { tags: manyTags(11) });
    assert.equal(patch.status, 422);
    assert.deepEqual(
      (await goal(m.lib, kept.id)).tags.map((t: Json) => t.slug),
      ['one'],
    );
    await m.lib.api('DELETE', `/api/v1/insights/goals/${kept.id}`);
  });

  test('tags normalise like hashtags and duplicates merge before the limit is counted', async () => {
    const g = await createGoal(m.lib, {
      title: 'Author visits',
      tags: ['#AuthorVisits', 'author visits', 'Author-Visits', '#genrefication', 'Genrefication', ...manyTags(8), 'topic0', 'TOPIC1'],
    });
    assert.deepEqual(
      g.tags.map((t: Json) => t.slug),
      ['authorvisits', 'genrefication', ...manyTags(8)],
    );
    assert.equal(g.tags[0].name, 'AuthorVisits', 'the first spelling is kept');

    // The form: commas separate when there are any, spaces otherwise.
    const spaced = await m.lib.web.post('/insights/goals', { title: 'Edtech', tags: '#edtech  apps #EdTech' });
    assert.equal(spaced.status, 303);
    const spacedId = Number(spaced.location!.split('/').pop());
    assert.deepEqual(
      (await goal(m.lib, spacedId)).tags.map((t: Json) => t.slug),
      ['edtech', 'apps'],
    );
    const commas = await m.lib.web.post('/insights/goals', { title: 'Visits', tags: 'author visits, Virtual visits,, ' });
    const commasId = Number(commas.location!.split('/').pop());
    assert.deepEqual(
      (await goal(m.lib, commasId)).tags.map((t: Json) => t.name),
      ['author visits', 'Virtual visits'],
    );

    const long = await m.lib.api('POST', '/api/v1/insights/goals', { title: 'Long', tags: ['x'.repeat(51)] });
    assert.equal(long.status, 422);
    assert.match(long.json.error.issues[0].message, /at most 50 characters/);
    const symbols = await m.lib.api('POST', '/api/v1/insights/goals', { title: 'Symbols', tags: ['#!!'] });
    assert.equal(symbols.status, 422);
    assert.match(symbols.json.error.issues[0].message, /needs letters or digits/);
    for (const id of [g.id, spacedId, commasId]) await m.lib.api('DELETE', `/api/v1/insights/goals/${id}`);
  });

  test('a blank or over-long title, unknown fields and bad statuses are 422', async () => {
    for (const title of ['', '   ', 'x'.repeat(121)]) {
      const res = await m.lib.api('POST', '/api/v1/insights/goals', { title });
      assert.equal(res.status, 422, title);
      assert.equal(res.json.error.issues[0].path, 'title');
    }
    assert.equal((await m.lib.api('POST', '/api/v1/insights/goals', { tags: ['x'] })).status, 422);
    assert.equal((await m.lib.api('POST', '/api/v1/insights/goals', { title: 'x', owner: 3 })).status, 422);
    const g = await createGoal(m.lib, { title: 'Status' });
    assert.equal((await m.lib.api('PATCH', `/api/v1/insights/goals/${g.id}`, { status: 'done' })).status, 422);
    assert.equal((await m.lib.api('PATCH', `/api/v1/insights/goals/${g.id}`, { title: ' ' })).status, 422);
    const page = await m.lib.web.post('/insights/goals', { title: '  ', tags: 'x' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /Give the goal a title/);
    await m.lib.api('DELETE', `/api/v1/insights/goals/${g.id}`);
  });

  test('at most 25 active goals: the 26th is 422; archiving makes room; reactivating past the limit is 422', async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 25; i++) ids.push((await createGoal(m.busy, { title: `Goal ${i}` })).id);
    const res = await m.busy.api('POST', '/api/v1/insights/goals', { title: 'Goal 26' });
    assert.equal(res.status, 422);
    assert.match(res.json.error.message, /at most 25 active goals/);
    const page = await m.busy.web.post('/insights/goals', { title: 'Goal 26' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /at most 25 active goals/);
    assert.equal((await goalCount(server, m.busy.memberId)).goals, 25);

    assert.equal((await m.busy.api('PATCH', `/api/v1/insights/goals/${ids[0]}`, { status: 'archived' })).status, 200);
    const extra = await createGoal(m.busy, { title: 'Goal 26' });
    const back = await m.busy.api('PATCH', `/api/v1/insights/goals/${ids[0]}`, { status: 'active' });
    assert.equal(back.status, 422);
    const list = (await m.busy.api('GET', '/api/v1/insights/goals')).json.goals;
    assert.equal(list.filter((g: Json) => g.status === 'active').length, 25);
    assert.equal(list.at(-1).id, ids[0], 'closed goals come after the active ones');
    assert.ok(list.some((g: Json) => g.id === extra.id));
  });

  test("unknown goals and someone else's goal are 404 everywhere", async () => {
    const mine = await createGoal(m.lib, { title: 'Mine', tags: ['privacy'] });
    const note = (await m.lib.api('POST', `/api/v1/insights/goals/${mine.id}/notes`, { text: 'private' })).json;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/insights/goals/${mine.id}`],
      ['PATCH', `/api/v1/insights/goals/${mine.id}`, { title: 'Taken' }],
      ['DELETE', `/api/v1/insights/goals/${mine.id}`],
      ['GET', `/api/v1/insights/goals/${mine.id}/suggestions`],
      ['POST', `/api/v1/insights/goals/${mine.id}/notes`, { text: 'hi' }],
      ['DELETE', `/api/v1/insights/goals/${mine.id}/notes/${note.id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await m.other.api(method, path, body);
      assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.json)}`);
    }
    assert.equal((await m.lib.api('GET', '/api/v1/insights/goals/999999')).status, 404);
    assert.equal((await m.lib.api('DELETE', `/api/v1/insights/goals/${mine.id}/notes/999999`)).status, 404);
    for (const path of [`/insights/goals/${mine.id}`, `/insights/goals/${mine.id}/delete`, '/insights/goals/999999']) {
      assert.equal((await m.other.web.get(path)).status, 404, path);
    }
    assert.equal((await m.other.web.post(`/insights/goals/${mine.id}/delete`, {})).status, 404);
    assert.equal((await m.other.web.post(`/insights/goals/${mine.id}/notes`, { text: 'hi' })).status, 404);
    // Nothing changed.
    const still = await goal(m.lib, mine.id);
    assert.equal(still.title, 'Mine');
    assert.equal(still.notes.length, 1);
    assert.equal((await m.other.api('GET', '/api/v1/insights/goals')).json.goals.length, 0);
    assert.equal((await server.client().api('GET', '/api/v1/insights/goals')).status, 401);
    assert.equal((await server.client().get('/insights/goals')).status, 303, 'anonymous visitors are sent to sign in');
    await m.lib.api('DELETE', `/api/v1/insights/goals/${mine.id}`);
  });

  test('notes: add, newest first, delete; blank or long notes are 422 (API and form)', async () => {
    const g = await createGoal(m.lib, { title: 'Journal' });
    const first = await m.lib.api('POST', `/api/v1/insights/goals/${g.id}/notes`, { text: 'Read the genrefication guide.' });
    assert.equal(first.status, 201);
    assert.equal(first.json.text, 'Read the genrefication guide.');
    const form = await m.lib.web.post(`/insights/goals/${g.id}/notes`, { text: 'Asked on #tlchat.\nGot three answers.' });
    assert.equal(form.status, 303);
    let read = await goal(m.lib, g.id);
    assert.deepEqual(
      read.notes.map((n: Json) => n.text),
      ['Asked on #tlchat.\nGot three answers.', 'Read the genrefication guide.'],
    );
    assert.equal(read.progress.notes, 2);

    for (const text of ['', '   ', 'x'.repeat(2001)])
      assert.equal((await m.lib.api('POST', `/api/v1/insights/goals/${g.id}/notes`, { text })).status, 422);
    const blank = await m.lib.web.post(`/insights/goals/${g.id}/notes`, { text: ' ' });
    assert.equal(blank.status, 422);
    assert.match(blank.text('.error-summary'), /Write the note/);

    const page = await m.lib.web.get(`/insights/goals/${g.id}`);
    const del = page.document.querySelector(`form[action="/insights/goals/${g.id}/notes/${first.json.id}/delete"]`);
    assert.ok(del, 'each note has a delete button');
    assert.equal((await m.lib.web.post(`/insights/goals/${g.id}/notes/${first.json.id}/delete`, {})).status, 303);
    read = await goal(m.lib, g.id);
    assert.deepEqual(
      read.notes.map((n: Json) => n.text),
      ['Asked on #tlchat.\nGot three answers.'],
    );
    assert.equal((await m.lib.api('DELETE', `/api/v1/insights/goals/${g.id}/notes/${read.notes[0].id}`)).status, 204);
    assert.equal((await goal(m.lib, g.id)).progress.notes, 0);
    await m.lib.api('DELETE', `/api/v1/insights/goals/${g.id}`);
  });

  test('the pages: edit, mark achieved, archive and delete with a confirmation, without JavaScript', async () => {
    const g = await createGoal(m.lib, { title: 'Pages', tags: ['makerspaces'] });
    const edit = await m.lib.web.post(`/insights/goals/${g.id}`, {
      title: 'Run a makerspace',
      tags: 'makerspaces, robotics',
      description: 'Fridays.',
    });
    assert.equal(edit.status, 303);
    let read = await goal(m.lib, g.id);
    assert.equal(read.title, 'Run a makerspace');
    assert.deepEqual(
      read.tags.map((t: Json) => t.slug),
      ['makerspaces', 'robotics'],
    );
    const bad = await m.lib.web.post(`/insights/goals/${g.id}`, { title: '', tags: '' });
    assert.equal(bad.status, 422);
    assert.equal((await goal(m.lib, g.id)).title, 'Run a makerspace');

    assert.equal((await m.lib.web.post(`/insights/goals/${g.id}/status`, { status: 'achieved' })).status, 303);
    assert.equal((await goal(m.lib, g.id)).status, 'achieved');
    const list = await m.lib.web.get('/insights/goals');
    assert.match(list.text('#closed-heading'), /Achieved and archived/);
    assert.match(list.text('main'), /Run a makerspace/);
    assert.equal((await m.lib.web.post(`/insights/goals/${g.id}/status`, { status: 'archived' })).status, 303);
    assert.equal((await goal(m.lib, g.id)).status, 'archived');
    assert.equal((await m.lib.web.post(`/insights/goals/${g.id}/status`, { status: 'nonsense' })).status, 422);

    const confirm = await m.lib.web.get(`/insights/goals/${g.id}/delete`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text('h1'), /Delete “Run a makerspace”\?/);
    assert.equal((await goal(m.lib, g.id)).id, g.id, 'showing the confirmation deletes nothing');
    const deleted = await m.lib.web.post(`/insights/goals/${g.id}/delete`, {});
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, '/insights/goals');
    assert.equal((await m.lib.api('GET', `/api/v1/insights/goals/${g.id}`)).status, 404);
    read = (await m.lib.api('GET', '/api/v1/insights/goals')).json;
    assert.ok(!read.goals.some((x: Json) => x.id === g.id));
  });
});

describe('learning goals: a member with zero activity', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  test('empty states, example goals from passions, zeros and empty suggestions', async () => {
    const solo = await createMember(server, 'solo');
    assert.deepEqual((await solo.api('GET', '/api/v1/insights/goals')).json.goals, []);
    let page = await solo.web.get('/insights/goals');
    assert.equal(page.status, 200);
    assert.match(page.text('#empty-heading'), /No goals yet/);
    assert.match(page.text('main'), /Host virtual author visits/, 'the classics when there are no passions');

    await profile(solo, { passions: ['Genrefication', 'Makerspaces'] });
    page = await solo.web.get('/insights/goals');
    const examples = [...page.document.querySelectorAll('[aria-label="Example goals"] li strong')].map((e) => e.textContent);
    assert.deepEqual(examples, ['Learn more about genrefication', 'Learn more about makerspaces', 'Host virtual author visits']);
    // One click adds an example.
    const form = page.document.querySelector('[aria-label="Example goals"] form')!;
    const fields = Object.fromEntries(
      [...form.querySelectorAll('input[type=hidden]')].map((i) => [i.getAttribute('name')!, i.getAttribute('value')!]),
    );
    const added = await solo.web.post('/insights/goals', { title: fields.title!, tags: fields.tags! });
    assert.equal(added.status, 303);
    const id = Number(added.location!.split('/').pop());
    const g = await goal(solo, id);
    assert.deepEqual(g.tags, [{ slug: 'genrefication', name: 'Genrefication', passion: true }]);
    assert.deepEqual(g.progress, { peopleFollowed: 0, itemsRead: 0, itemsSaved: 0, questionsAsked: 0, questionsAnswered: 0, notes: 0 });
    assert.deepEqual((await solo.api('GET', `/api/v1/insights/goals/${id}/suggestions`)).json, {
      experts: [],
      sources: [],
      chats: [],
      collections: [],
    });

    const detail = await solo.web.get(`/insights/goals/${id}`);
    assert.equal(detail.status, 200);
    assert.match(detail.text('main'), /Nothing yet — every count is 0/);
    assert.match(detail.text('main'), /No one posts about these tags yet/);
    assert.match(detail.text('main'), /No notes yet/);
    assert.match(detail.document.querySelector('svg[role=img] desc')!.textContent!, /Items read: 0/);
    assert.ok(!detail.html.includes('NaN'), 'no division by zero anywhere');

    // A goal with no tags at all.
    const bare = await createGoal(solo, { title: 'Just a goal' });
    assert.deepEqual(bare.progress.peopleFollowed, 0);
    assert.deepEqual((await solo.api('GET', `/api/v1/insights/goals/${bare.id}/suggestions`)).json, {
      experts: [],
      sources: [],
      chats: [],
      collections: [],
    });
    assert.match((await solo.web.get(`/insights/goals/${bare.id}`)).text('main'), /Add tags to this goal/);
  });
});

describe('learning goals: suggestions and progress', () => {
  let server: TestServer;
  let feeds: FeedServer;
  let m: Record<'vera' | 'ann' | 'bob' | 'cat' | 'dan' | 'eve', Member>;
  let goalId: number;

  before(async () => {
    feeds = await FeedServer.start();
    server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
    m = await createMembers(server, ['vera', 'ann', 'bob', 'cat', 'dan', 'eve']);
    await profile(m.cat, { passions: ['Genrefication'] });
    // Vera already follows Bob, who posts about it too.
    await follow(m.vera, m.bob);
    for (const text of ['Our #genrefication labels are up', 'Week two of #genrefication', 'Students love #Genrefication'])
      await m.ann.post(text);
    await m.bob.post('Finished #genrefication of the mysteries');
    await m.dan.post('Nothing to do with it: #robotics');
    goalId = (await createGoal(m.vera, { title: 'Genrefy the fiction', tags: ['genrefication'] })).id;
  });
  after(async () => {
    await server?.close();
    await feeds?.close();
  });

  async function suggestions(): Promise<Json> {
    const res = await m.vera.api('GET', `/api/v1/insights/goals/${goalId}/suggestions`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json;
  }

  test('experts: people who post with the tag or hold it as a passion, most active first, never followed ones or yourself', async () => {
    await m.vera.post('My own #genrefication plan');
    const { experts } = await suggestions();
    const handles = experts.map((e: Json) => e.actor.handle);
    assert.deepEqual(handles, ['ann', 'cat'], JSON.stringify(experts));
    assert.deepEqual(experts[0].reasons, ['posted 3 times about #genrefication in the last 30 days']);
    assert.equal(experts[0].recentPosts, 3);
    assert.deepEqual(experts[1].reasons, ['lists Genrefication among their passions']);

    const page = await m.vera.web.get(`/insights/goals/${goalId}`);
    const list = page.document.querySelector('[aria-label="People to follow for this goal"]')!;
    assert.match(list.textContent!, /Posted 3 times about #genrefication in the last 30 days/);
    const followForm = list.querySelector('form[action="/@ann/follow"]')!;
    assert.equal(followForm.querySelector('input[name=back]')!.getAttribute('value'), `/insights/goals/${goalId}`);
  });

  test('sources, chats and collections that match the tag, with where to act', async () => {
    // A source another member follows, with recent items about the tag; and one that is not about it.
    const url = feeds.set('/shelf.xml', {
      headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
      body: rss('The Shelf', [
        { title: 'Genrefication: a first-year report', guid: 'g1', link: `${feeds.url}/a/1`, date: new Date().toUTCString() },
        { title: 'Weeding tips', guid: 'g2', link: `${feeds.url}/a/2`, date: new Date().toUTCString() },
      ]),
    });
    const other = feeds.set('/robots.xml', {
      headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
      body: rss('Robots weekly', [{ title: 'Robotics club', guid: 'r1', link: `${feeds.url}/r/1` }]),
    });
    for (const u of [url, other]) assert.equal((await m.eve.api('POST', '/api/v1/subscriptions', { url: u })).status, 201);

    // A chat series with the hashtag, and one whose topic is not about it.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const chat = await m.eve.api('POST', '/api/v1/chats', {
      hashtag: '#Genrefication',
      title: 'Genre shelves',
      timeZone: 'UTC',
      recurrence: { freq: 'once' },
      startDate: day,
      time: '18:00',
      durationMinutes: 60,
    });
    assert.equal(chat.status, 201, JSON.stringify(chat.json));
    const unrelated = await m.eve.api('POST', '/api/v1/chats', {
      hashtag: '#robochat',
      title: 'Robots',
      timeZone: 'UTC',
      recurrence: { freq: 'once' },
      startDate: day,
      time: '19:00',
      durationMinutes: 60,
    });
    assert.equal(unrelated.status, 201);

    // A public collection that mentions it, a private one that does too, and Vera's own.
    const col = await m.eve.api('POST', '/api/v1/curation/collections', { title: 'Genrefication resources', visibility: 'public' });
    assert.equal(col.status, 201, JSON.stringify(col.json));
    const byEntry = await m.dan.api('POST', '/api/v1/curation/collections', { title: 'Shelving', visibility: 'public' });
    const entry = await m.dan.api('POST', `/api/v1/curation/collections/${byEntry.json.id}/entries`, {
      kind: 'link',
      url: 'https://example.org/genre',
      title: 'Genrefication in ten steps',
    });
    assert.equal(entry.status, 201, JSON.stringify(entry.json));
    await m.dan.api('POST', '/api/v1/curation/collections', { title: 'Private genrefication notes', visibility: 'private' });
    await m.vera.api('POST', '/api/v1/curation/collections', { title: 'My genrefication links', visibility: 'public' });

    const s = await suggestions();
    assert.deepEqual(
      s.sources.map((x: Json) => x.title),
      ['The Shelf'],
      JSON.stringify(s.sources),
    );
    assert.equal(s.sources[0].url, url);
    assert.deepEqual(s.sources[0].reasons, ['1 recent item is about #genrefication', '1 member follows it']);
    assert.deepEqual(
      s.chats.map((x: Json) => x.title),
      ['Genre shelves'],
      JSON.stringify(s.chats),
    );
    assert.match(s.chats[0].url, new RegExp(`/chats/genrefication/${day}$`));
    assert.deepEqual(s.chats[0].reasons, ['a #Genrefication chat', 'coming up']);
    assert.deepEqual(
      s.collections.map((x: Json) => x.title),
      ['Genrefication resources', 'Shelving'],
      JSON.stringify(s.collections),
    );
    assert.deepEqual(s.collections[1].reasons, ['1 entry mentions #genrefication']);

    const page = await m.vera.web.get(`/insights/goals/${goalId}`);
    const subscribe = page.document.querySelector('[aria-label="Sources for this goal"] form[action="/sources/subscribe"]')!;
    assert.equal(subscribe.querySelector('input[name=url]')!.getAttribute('value'), url);
    assert.ok(page.document.querySelector(`[aria-label="Chats for this goal"] a[href="/chats/genrefication/${day}"]`));
    assert.ok(page.document.querySelector(`[aria-label="Collections for this goal"] a[href="/collections/${col.json.id}"]`));

    // Subscribing removes the source from the suggestions.
    assert.equal((await m.vera.api('POST', '/api/v1/subscriptions', { url })).status, 201);
    assert.deepEqual((await suggestions()).sources, []);
  });

  test('progress counts move with following, reading, saving, asking and answering', async () => {
    // A fresh goal: what happened before it does not count.
    const g = await createGoal(m.vera, { title: 'Genre labels', tags: ['genrefication', 'labels'] });
    const progress = async () => (await goal(m.vera, g.id)).progress;
    assert.deepEqual(await progress(), {
      peopleFollowed: 0,
      itemsRead: 0,
      itemsSaved: 0,
      questionsAsked: 0,
      questionsAnswered: 0,
      notes: 0,
    });

    await follow(m.vera, m.ann);
    await follow(m.vera, m.dan);
    assert.equal((await progress()).peopleFollowed, 1, 'Ann posts about it; Dan does not');
    await follow(m.vera, m.cat);
    assert.equal((await progress()).peopleFollowed, 2, 'Cat lists it as a passion');

    const mine = await m.vera.post('Saving this for later #labels');
    const saved = await m.vera.api('POST', '/api/v1/curation/bookmarks', { postId: mine.id, tags: ['Labels'] });
    assert.equal(saved.status, 201, JSON.stringify(saved.json));
    const untagged = await m.vera.api('POST', '/api/v1/curation/bookmarks', { url: 'https://example.org/x', tags: ['other'] });
    assert.equal(untagged.status, 201);
    assert.equal((await progress()).itemsSaved, 1);

    await m.vera.post('How do you label graphic novels? #genrefication');
    await m.vera.post('Done with the labels today. #genrefication https://example.org/?page=2');
    let p = await progress();
    assert.equal(p.questionsAsked, 1, 'a question mark in a link is not a question');

    const annPost = await m.ann.post('Which colours for #genrefication labels?');
    await m.vera.post('@ann We use blue for mysteries.', { replyToId: annPost.id });
    p = await progress();
    assert.equal(p.questionsAnswered, 1);
    assert.equal(p.questionsAsked, 1, 'a reply to someone else is an answer, not a question');

    // Reading: an item about the tag arrives after the goal began and is read.
    const url = feeds.set('/labels.xml', {
      headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
      body: rss('Labels blog', [
        { title: 'New spine labels for genre sections', guid: 'l1', link: `${feeds.url}/l/1`, date: new Date().toUTCString() },
        { title: 'Something else', guid: 'l2', link: `${feeds.url}/l/2`, date: new Date().toUTCString() },
      ]),
    });
    assert.equal((await m.vera.api('POST', '/api/v1/subscriptions', { url })).status, 201);
    const items = (await m.vera.api('GET', '/api/v1/items')).json.items as Json[];
    for (const item of items) {
      if (item.title === 'New spine labels for genre sections' || item.title === 'Something else') {
        assert.equal((await m.vera.api('POST', `/api/v1/items/${item.id}/read`)).status, 204);
      }
    }
    p = await progress();
    assert.equal(p.itemsRead, 1, 'only the item about the tag');

    // The list page summarises it; the goal page shows the numbers as a list and a chart.
    const list = await m.vera.web.get('/insights/goals');
    assert.match(list.text('main'), /Since you started: 2 people followed, 1 item read, 1 saved, 1 question asked, 1 answered, 0 notes\./);
    const page = await m.vera.web.get(`/insights/goals/${g.id}`);
    const numbers = [...page.document.querySelectorAll('.goal-progress dd')].map((d) => d.textContent);
    assert.deepEqual(numbers, ['2', '1', '1', '1', '1', '0']);
    assert.match(page.document.querySelector('svg[role=img] desc')!.textContent!, /People followed who post about it: 2/);
  });
});

describe('learning goals: the demo community', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await loadDemo(server.services);
  });
  after(async () => server?.close());

  test('demo members have goals with notes, suggestions and progress', async () => {
    const service = server.services.insights.goals;
    const db = server.services.database.db;
    for (const demo of DEMO_GOALS) {
      const member = await db
        .selectFrom('members')
        .innerJoin('actors', 'actors.id', 'members.actor_id')
        .select(['members.id as memberId', 'actors.id as actorId'])
        .where('actors.acct', '=', demo.member)
        .executeTakeFirstOrThrow();
      const { active } = await service.list(member);
      assert.equal(active.length, 1, demo.member);
      const g = active[0]!;
      assert.equal(g.title, demo.title);
      assert.equal(g.progress.notes, demo.notes.length);
      const s = await service.suggestions(member, g.id);
      const found = s.experts.length + s.sources.length + s.chats.length + s.collections.length;
      assert.ok(found >= 2, `${demo.member}: ${JSON.stringify(s)}`);
      assert.ok(s.experts.length > 0, `${demo.member} gets experts`);
    }
  });
});
