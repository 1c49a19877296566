import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMember, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Cohorts through the doors people use: the JSON API with tokens and the pages with a session.
 * An instructor makes a cohort, sets the assignment and invites students; students join with
 * consent, do the things the checkpoints ask for, leave and rejoin; bad links are refused; the
 * instructor sees progress only, never a student's private things.
 */

let server: TestServer;
let prof: Member;
let people: Member[];
before(async () => {
  server = await startTestServer();
  prof = await createMember(server, 'prof', { displayName: 'Professor Lin' });
  await setRole(prof, 'educator');
  const roles = ['student', 'student', 'teacher', 'public_librarian', 'school_librarian', 'author'];
  people = [];
  for (const [i, role] of roles.entries()) {
    const person = await createMember(server, `peer${i}`);
    await setRole(person, role);
    people.push(person);
  }
});
after(() => server.close());

const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function setRole(member: Member, role: string): Promise<void> {
  const res = await member.api('PATCH', '/api/v1/profile', { role });
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

async function student(handle: string, displayName?: string): Promise<Member> {
  const member = await createMember(server, handle, displayName ? { displayName } : {});
  await setRole(member, 'student');
  return member;
}

async function makeCohort(name: string, checkpoints: Json[] = []): Promise<Json> {
  const res = await prof.api('POST', '/api/v1/cohorts', {
    name,
    description: 'Build your PLN.\n\nWrite a reflection at the end.',
    dueDate: dateIn(21),
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  if (checkpoints.length > 0) {
    const put = await prof.api('PUT', `/api/v1/cohorts/${res.json.id}/checkpoints`, { checkpoints });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    return put.json;
  }
  return res.json;
}

async function invite(cohortId: number, body: Json = {}): Promise<Json> {
  const res = await prof.api('POST', `/api/v1/cohorts/${cohortId}/invites`, body);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

async function join(member: Member, token: string): Promise<Json> {
  const res = await member.api('POST', '/api/v1/cohorts/join', { token, consent: true });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
}

async function studentRows(cohortId: number): Promise<number> {
  const row = await server.services.database.db
    .selectFrom('cohort_students')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cohort_id', '=', cohortId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const progress = (who: Member, id: number): Promise<Json> => getJson(server, who, `/api/v1/cohorts/${id}/progress`);
const rowOf = (p: Json, handle: string): Json => p.students.find((s: Json) => s.student.handle === handle);
const checkpointOf = (row: Json, kind: string): Json => row.checkpoints.find((c: Json) => c.kind === kind);

describe('making a cohort', () => {
  test('an instructor creates a cohort and sets its checkpoints; bad input is refused with the field named', async () => {
    const cohort = await makeCohort('LIS 520: Build your PLN', [
      { kind: 'stage', stage: 'connection' },
      { kind: 'follow', target: 5, outsideRole: 2 },
      { kind: 'reply', target: 3 },
      { kind: 'join_chat' },
      { kind: 'article' },
    ]);
    assert.equal(cohort.role, 'instructor');
    assert.equal(cohort.instructor.handle, 'prof');
    assert.equal(cohort.daysLeft, 21);
    assert.equal(cohort.dueDate, dateIn(21));
    // Stored in the fixed order of kinds, whatever order they were sent in.
    assert.deepEqual(
      cohort.checkpoints.map((c: Json) => c.kind),
      ['follow', 'join_chat', 'reply', 'article', 'stage'],
    );
    assert.equal(cohort.checkpoints[0].label, 'Follow at least 5 people, including at least 2 whose role differs from yours');
    assert.equal(cohort.checkpoints[4].stage, 'connection');
    assert.deepEqual(cohort.invites, []);
    const list = await getJson(server, prof, '/api/v1/cohorts');
    assert.ok(list.teaching.some((s: Json) => s.id === cohort.id && s.checkpointCount === 5));

    const bad: Array<[Json, string]> = [
      [{ name: '', dueDate: dateIn(5) }, 'name'],
      [{ name: 'Past', dueDate: dateIn(-2) }, 'dueDate'],
      [{ name: 'Not a date', dueDate: '2027-02-30' }, 'dueDate'],
      [{ name: 'Extra', dueDate: dateIn(5), instructor: 'someone' }, ''],
    ];
    for (const [body, path] of bad) {
      const res = await prof.api('POST', '/api/v1/cohorts', body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(
        res.json.error.issues.some((i: Json) => i.path === path),
        `${JSON.stringify(body)}: ${JSON.stringify(res.json.error.issues)}`,
      );
    }
    const badCheckpoints: Array<[Json[], string]> = [
      [[{ kind: 'follow', target: 3, outsideRole: 5 }], 'checkpoints.0.outsideRole'],
      [
        [
          { kind: 'reply', target: 2 },
          { kind: 'reply', target: 4 },
        ],
        'checkpoints.1.kind',
      ],
      [[{ kind: 'reply', target: 0 }], 'checkpoints.0.target'],
      [[{ kind: 'stage', stage: 'nirvana' }], 'checkpoints.0.stage'],
      [[{ kind: 'telepathy', target: 1 }], 'checkpoints.0.kind'],
      [[{ kind: 'reply', target: 2, secret: true }], 'checkpoints.0'],
    ];
    for (const [checkpoints, path] of badCheckpoints) {
      const res = await prof.api('PUT', `/api/v1/cohorts/${cohort.id}/checkpoints`, { checkpoints });
      assert.equal(res.status, 422, JSON.stringify(checkpoints));
      assert.ok(
        res.json.error.issues.some((i: Json) => i.path === path),
        `${JSON.stringify(checkpoints)}: ${JSON.stringify(res.json.error.issues)}`,
      );
    }
    // Nothing changed.
    assert.equal((await getJson(server, prof, `/api/v1/cohorts/${cohort.id}`)).checkpoints.length, 5);
  });

  test('after the due date the checkpoints no longer change', async () => {
    const cohort = await makeCohort('Past due', [{ kind: 'reply', target: 1 }]);
    await server.services.database.db
      .updateTable('cohorts')
      .set({ due_at: Date.now() - 1000 })
      .where('id', '=', cohort.id)
      .execute();
    const res = await prof.api('PUT', `/api/v1/cohorts/${cohort.id}/checkpoints`, { checkpoints: [] });
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, 'past_due');
    assert.equal((await getJson(server, prof, `/api/v1/cohorts/${cohort.id}`)).editable, false);
  });

  test('zero students: an empty dashboard, a CSV with only its header, no division by zero', async () => {
    const cohort = await makeCohort('Empty', [
      { kind: 'follow', target: 2, outsideRole: 1 },
      { kind: 'reply', target: 1 },
    ]);
    const p = await progress(prof, cohort.id);
    assert.deepEqual(p.students, []);
    assert.deepEqual(
      p.totals.map((t: Json) => [t.done, t.percent]),
      [
        [0, null],
        [0, null],
      ],
    );
    const csv = await prof.web.fetch(`/api/v1/cohorts/${cohort.id}/progress.csv`);
    assert.equal(csv.status, 200);
    const lines = (await csv.text()).split('\r\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^handle,display_name,joined_at,/);
    const page = await prof.web.get(`/insights/cohorts/${cohort.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /No students yet/);
    assert.doesNotMatch(page.html, /NaN|Infinity/);
  });
});

describe('invite links and joining', () => {
  test('joining needs consent: without it 422 and nothing stored; with it the student is in, once', async () => {
    const cohort = await makeCohort('Consent', [{ kind: 'reply', target: 1 }]);
    const link = await invite(cohort.id);
    assert.match(link.url, /\/insights\/cohorts\/join\/[A-Za-z0-9_-]{43}$/);
    assert.equal(link.invite.status, 'active');
    assert.equal(Math.round((Date.parse(link.invite.expiresAt) - Date.now()) / DAY), 14);
    // Only the hash is stored.
    const stored = await server.services.database.db
      .selectFrom('cohort_invites')
      .select('token_hash')
      .where('cohort_id', '=', cohort.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, link.token);

    const ana = await student('ana_consent');
    const refused = await ana.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: false });
    assert.equal(refused.status, 422);
    assert.equal(refused.json.error.issues[0].path, 'consent');
    // The page: the consent checkbox left unticked.
    const path = new URL(link.url).pathname;
    const form = await ana.web.get(path);
    assert.equal(form.status, 200);
    assert.match(form.text('main'), /never sees/);
    assert.match(form.text('main'), /direct \(private\) messages/);
    const page = await ana.web.post(path, {});
    assert.equal(page.status, 422);
    assert.ok(page.document.querySelector('.error-summary a[href="#field-consent"]'));
    assert.match(page.document.title, /^Error:/);
    assert.equal(await studentRows(cohort.id), 0);
    assert.equal((await getJson(server, prof, `/api/v1/cohorts/${cohort.id}`)).invites[0].uses, 0);

    const joined = await ana.web.post(path, { consent: 'yes' });
    assert.equal(joined.status, 303);
    assert.equal(joined.location, `/insights/cohorts/${cohort.id}`);
    const row = await server.services.database.db
      .selectFrom('cohort_students')
      .selectAll()
      .where('cohort_id', '=', cohort.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.consented_at > 0);

    // Already a member: to the cohort, no second row.
    const again = await ana.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: true });
    assert.equal(again.status, 200);
    assert.equal(again.json.alreadyMember, true);
    assert.equal(again.json.cohort.role, 'student');
    const back = await ana.web.get(path);
    assert.equal(back.status, 303);
    assert.equal(back.location, `/insights/cohorts/${cohort.id}`);
    assert.equal(await studentRows(cohort.id), 1);
    assert.equal((await getJson(server, ana, '/api/v1/cohorts')).enrolled[0].id, cohort.id);

    // The instructor opening their own link gets a clear message.
    const own = await prof.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: true });
    assert.equal(own.status, 409);
    assert.equal(own.json.error.code, 'own_cohort');
    const ownPage = await prof.web.get(path);
    assert.equal(ownPage.status, 409);
    assert.match(ownPage.text('main'), /You teach this cohort/);
  });

  test('an expired link: 410 with a clear message', async () => {
    const cohort = await makeCohort('Expired');
    const link = await invite(cohort.id, { expiresInDays: 1 });
    await server.services.database.db
      .updateTable('cohort_invites')
      .set({ expires_at: Date.now() - 1000 })
      .where('cohort_id', '=', cohort.id)
      .execute();
    const bea = await student('bea_expired');
    const res = await bea.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: true });
    assert.equal(res.status, 410);
    assert.equal(res.json.error.code, 'expired');
    const page = await bea.web.get(new URL(link.url).pathname);
    assert.equal(page.status, 410);
    assert.match(page.text('main'), /expired/);
    assert.equal(await studentRows(cohort.id), 0);
    assert.equal((await getJson(server, prof, `/api/v1/cohorts/${cohort.id}`)).invites[0].status, 'expired');
  });

  test('a single-use link lets one student in, even when two use it at the same moment', async () => {
    const cohort = await makeCohort('Single use');
    const link = await invite(cohort.id, { maxUses: 1 });
    const [cy, dee] = [await student('cy_single'), await student('dee_single')];
    const results = await Promise.all([cy, dee].map((m) => m.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: true })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 410], JSON.stringify(results.map((r) => r.json)));
    assert.equal(results.find((r) => r.status === 410)!.json.error.code, 'used_up');
    assert.equal(await studentRows(cohort.id), 1);
    // A third person, later: 410, and the page says the link has been used.
    const eve = await student('eve_single');
    const page = await eve.web.get(new URL(link.url).pathname);
    assert.equal(page.status, 410);
    assert.match(page.text('main'), /has been used/);
    const invites = (await getJson(server, prof, `/api/v1/cohorts/${cohort.id}`)).invites;
    assert.deepEqual([invites[0].uses, invites[0].status], [1, 'used_up']);
  });

  test('a revoked or unknown link: 404', async () => {
    const cohort = await makeCohort('Revoked');
    const link = await invite(cohort.id);
    assert.equal((await prof.api('DELETE', `/api/v1/cohorts/${cohort.id}/invites/${link.invite.id}`)).status, 204);
    const fay = await student('fay_revoked');
    const res = await fay.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: true });
    assert.equal(res.status, 404);
    assert.equal((await fay.web.get(new URL(link.url).pathname)).status, 404);
    assert.equal((await fay.api('POST', '/api/v1/cohorts/join', { token: 'no-such-token', consent: true })).status, 404);
    assert.equal(await studentRows(cohort.id), 0);
    // Only the instructor revokes; another cohort's invite id is not found.
    assert.equal((await fay.api('DELETE', `/api/v1/cohorts/${cohort.id}/invites/${link.invite.id}`)).status, 404);
    assert.equal((await prof.api('DELETE', `/api/v1/cohorts/${cohort.id}/invites/999999`)).status, 404);
  });

  test('signed-out visitors are sent to sign in first', async () => {
    const cohort = await makeCohort('Signed out');
    const link = await invite(cohort.id);
    const page = await server.client().get(new URL(link.url).pathname);
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/login\?next=/);
  });
});

describe('progress', () => {
  test('each checkpoint kind moves when the student does the thing', async () => {
    const cohort = await makeCohort('Every kind', [
      { kind: 'follow', target: 3, outsideRole: 2 },
      { kind: 'join_chat', target: 1 },
      { kind: 'reply', target: 2 },
      { kind: 'article', target: 1 },
      { kind: 'stage', stage: 'connection' },
      { kind: 'bookmarks', target: 2 },
      { kind: 'collection', target: 1 },
    ]);
    const kim = await student('kim_progress');
    // Done before joining: a reply and an article do not count for the cohort.
    const early = await people[2]!.post('Before the course');
    await kim.post('An early reply', { replyToId: early.id });
    const draft = await kim.api('POST', '/api/v1/articles', { title: 'Before', markdown: 'Written before.' });
    assert.equal((await kim.api('POST', `/api/v1/articles/${draft.json.id}/publish`)).status, 200);
    await join(kim, (await invite(cohort.id)).token);

    let row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.equal(row.done, 0, JSON.stringify(row));
    assert.equal(checkpointOf(row, 'reply').count, 0);
    assert.equal(checkpointOf(row, 'article').count, 0);
    assert.equal(checkpointOf(row, 'stage').stage, 'consumption');

    // Follow: two students (same role) and three people outside the role.
    await follow(kim, people[0]!);
    await follow(kim, people[1]!);
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual(
      [checkpointOf(row, 'follow').count, checkpointOf(row, 'follow').outsideRoleCount, checkpointOf(row, 'follow').done],
      [2, 0, false],
    );
    await follow(kim, people[2]!);
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual(
      [checkpointOf(row, 'follow').count, checkpointOf(row, 'follow').outsideRoleCount, checkpointOf(row, 'follow').done],
      [3, 1, false],
      'three people, but only one outside the role',
    );
    await follow(kim, people[3]!);
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual(
      [checkpointOf(row, 'follow').count, checkpointOf(row, 'follow').outsideRoleCount, checkpointOf(row, 'follow').done],
      [4, 2, true],
    );

    // Reply to two different people (twice to one of them; a direct message does not count).
    const p1 = await people[2]!.post('What are you reading?');
    const p2 = await people[3]!.post('Any makerspace tips?');
    const p3 = await people[4]!.post('Hello, new people!');
    await kim.post('A graphic novel!', { replyToId: p1.id });
    await kim.post('And a poetry book.', { replyToId: p1.id });
    await kim.post('@peer4 only for you', { replyToId: p3.id, visibility: 'direct' });
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual([checkpointOf(row, 'reply').count, checkpointOf(row, 'reply').done], [1, false]);
    await kim.post('Start with cardboard.', { replyToId: p2.id });
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual([checkpointOf(row, 'reply').count, checkpointOf(row, 'reply').done], [2, true]);

    // Take part in a live chat.
    const at = utcToZoned(Date.now() + 5 * 60_000, 'UTC');
    const chat = await people[2]!.api('POST', '/api/v1/chats', {
      hashtag: '#cohortchat',
      title: 'Cohort chat',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    assert.equal(chat.status, 201, JSON.stringify(chat.json));
    assert.equal((await people[2]!.api('POST', `/api/v1/chats/cohortchat/${at.date}/start`)).json.state, 'live');
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.equal(checkpointOf(row, 'join_chat').done, false);
    await kim.post('Hi all, Kim from the LIS course #cohortchat');
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual([checkpointOf(row, 'join_chat').count, checkpointOf(row, 'join_chat').done], [1, true]);

    // Publish a reflection.
    const reflection = await kim.api('POST', '/api/v1/articles', { title: 'My PLN reflection', markdown: 'What I learned.' });
    assert.equal((await kim.api('POST', `/api/v1/articles/${reflection.json.id}/publish`)).status, 200);
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual([checkpointOf(row, 'article').count, checkpointOf(row, 'article').done], [1, true]);

    // Bookmarks and a public collection.
    for (const post of [p1, p2]) assert.equal((await kim.api('POST', '/api/v1/curation/bookmarks', { postId: post.id })).status, 201);
    const privateCollection = await kim.api('POST', '/api/v1/curation/collections', { title: 'Private notes', visibility: 'private' });
    assert.equal(privateCollection.status, 201);
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual([checkpointOf(row, 'bookmarks').count, checkpointOf(row, 'bookmarks').done], [2, true]);
    assert.deepEqual([checkpointOf(row, 'collection').count, checkpointOf(row, 'collection').done], [0, false]);
    assert.equal(
      (await kim.api('POST', '/api/v1/curation/collections', { title: 'Makerspace reading', visibility: 'public' })).status,
      201,
    );

    // Replies, mutual follows and a chat: the connection stage (at least).
    for (const p of people.slice(0, 4)) await follow(p, kim);
    row = rowOf(await progress(prof, cohort.id), 'kim_progress');
    assert.deepEqual([checkpointOf(row, 'collection').count, checkpointOf(row, 'collection').done], [1, true]);
    assert.notEqual(checkpointOf(row, 'stage').stage, 'consumption', JSON.stringify(row));
    assert.equal(checkpointOf(row, 'stage').done, true);
    assert.equal(row.done, 7);

    // The student sees the same on their checklist, and only their own row.
    const own = await progress(kim, cohort.id);
    assert.equal(own.students.length, 1);
    assert.equal(own.students[0].done, 7);
    const page = await kim.web.get(`/insights/cohorts/${cohort.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /7 of 7 checkpoints done/);
    assert.match(page.text('main'), /Leave this cohort/);
    // The instructor's dashboard.
    const dash = await prof.web.get(`/insights/cohorts/${cohort.id}`);
    assert.equal(dash.status, 200);
    assert.ok(dash.document.querySelector('svg[role="img"] title'));
    assert.match(dash.text('main'), /Kim_progress/);
    assert.match(dash.text('main'), /100% \(1 of 1\)/);
  });

  test('a student who leaves disappears from progress and CSV at once, and can rejoin with new consent', async () => {
    const cohort = await makeCohort('Leaving', [{ kind: 'reply', target: 1 }]);
    const link = await invite(cohort.id);
    const [lou, max] = [await student('lou_leaves'), await student('max_stays')];
    await join(lou, link.token);
    await join(max, link.token);
    assert.equal((await progress(prof, cohort.id)).students.length, 2);

    // The page asks first, then leaves.
    const confirm = await lou.web.get(`/insights/cohorts/${cohort.id}/leave`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text('main'), /disappears from Professor Lin’s dashboard/);
    const left = await lou.web.post(`/insights/cohorts/${cohort.id}/leave`, {});
    assert.equal(left.status, 303);
    const after = await progress(prof, cohort.id);
    assert.deepEqual(
      after.students.map((s: Json) => s.student.handle),
      ['max_stays'],
    );
    const csv = await (await prof.web.fetch(`/insights/cohorts/${cohort.id}/progress.csv`)).text();
    assert.doesNotMatch(csv, /lou_leaves/);
    assert.match(csv, /max_stays/);
    assert.equal((await lou.api('GET', `/api/v1/cohorts/${cohort.id}`)).status, 404);
    assert.equal((await lou.api('POST', `/api/v1/cohorts/${cohort.id}/leave`)).status, 404);

    // Rejoining asks for consent again.
    assert.equal((await lou.api('POST', '/api/v1/cohorts/join', { token: link.token, consent: false })).status, 422);
    await join(lou, link.token);
    assert.equal((await progress(prof, cohort.id)).students.length, 2);
  });

  test('the CSV: a download with a header row, fields escaped, formulas neutralised', async () => {
    const cohort = await makeCohort('CSV, "quoted"', [
      { kind: 'follow', target: 1, outsideRole: 1 },
      { kind: 'stage', stage: 'connection' },
    ]);
    const link = await invite(cohort.id);
    const evil = await student('evil_csv', '=HYPERLINK("http://evil.example","click")');
    const plus = await student('plus_csv', '+1, said "Bob"');
    await join(evil, link.token);
    await join(plus, link.token);
    await follow(plus, people[2]!);

    const res = await prof.web.fetch(`/api/v1/cohorts/${cohort.id}/progress.csv`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="csv-quoted-progress\.csv"$/);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    assert.equal(lines.length, 3);
    assert.equal(
      lines[0],
      'handle,display_name,joined_at,Follow 1 (1 outside role): count,Follow 1 (1 outside role): done,Follow 1 (1 outside role): outside role,Stage: connection: count,Stage: connection: done,checkpoints_done,checkpoints_total',
    );
    const evilLine = lines.find((l) => l.startsWith('evil_csv,'))!;
    assert.ok(evilLine.includes(`,"'=HYPERLINK(""http://evil.example"",""click"")",`), evilLine);
    assert.match(evilLine, /,0,no,0,consumption,no,0,2$/);
    const plusLine = lines.find((l) => l.startsWith('plus_csv,'))!;
    assert.ok(plusLine.includes(`,"'+1, said ""Bob""",`), plusLine);
    assert.match(plusLine, /,1,yes,1,consumption,no,1,2$/);
    // The page's link is the same download.
    const page = await prof.web.fetch(`/insights/cohorts/${cohort.id}/progress.csv`);
    assert.equal(page.headers.get('content-type'), 'text/csv; charset=utf-8');
    // Students do not download the class's progress.
    assert.equal((await evil.api('GET', `/api/v1/cohorts/${cohort.id}/progress.csv`)).status, 403);
  });
});

describe('privacy', () => {
  test('the instructor sees assignment progress only, never a student’s private things', async () => {
    const cohort = await makeCohort('Privacy', [
      { kind: 'bookmarks', target: 1 },
      { kind: 'reply', target: 1 },
    ]);
    const link = await invite(cohort.id);
    const pia = await student('pia_private');
    const other = await student('oz_other');
    const outsider = await student('nia_outsider');
    await join(pia, link.token);
    await join(other, link.token);

    // Pia's private things: a private bookmark with a note, a direct message, a followers-only post.
    const target = await people[2]!.post('A public post to bookmark');
    const bookmark = await pia.api('POST', '/api/v1/curation/bookmarks', {
      postId: target.id,
      note: 'SECRET-BOOKMARK-NOTE',
      visibility: 'private',
    });
    assert.equal(bookmark.status, 201, JSON.stringify(bookmark.json));
    const dm = await pia.post('@peer2 SECRET-DIRECT-MESSAGE', { visibility: 'direct' });
    const followersOnly = await pia.post('SECRET-FOLLOWERS-ONLY', { visibility: 'followers' });
    await pia.post('A public reply', { replyToId: target.id });

    // The progress: numbers only.
    const p = await progress(prof, cohort.id);
    const row = rowOf(p, 'pia_private');
    assert.deepEqual([checkpointOf(row, 'bookmarks').count, checkpointOf(row, 'reply').count], [1, 1]);
    const text = JSON.stringify(p);
    for (const secret of ['SECRET', 'A public reply', 'A public post'])
      assert.ok(!text.includes(secret), `progress JSON contains ${secret}`);
    assert.deepEqual(Object.keys(row).sort(), ['checkpoints', 'done', 'joinedAt', 'student']);
    assert.deepEqual(Object.keys(row.student).sort(), ['displayName', 'handle', 'memberId']);
    const csv = await (await prof.web.fetch(`/api/v1/cohorts/${cohort.id}/progress.csv`)).text();
    assert.doesNotMatch(csv, /SECRET|public reply/);

    // No parameter and no door for more.
    for (const query of ['include=bookmarks', 'member=pia_private', 'fields=posts']) {
      const res = await prof.api('GET', `/api/v1/cohorts/${cohort.id}/progress?${query}`);
      assert.equal(res.status, 422, query);
    }
    assert.equal((await prof.api('GET', `/api/v1/cohorts/${cohort.id}?include=students`)).status, 422);
    assert.equal((await prof.api('GET', `/api/v1/cohorts/${cohort.id}/students/${pia.memberId}/bookmarks`)).status, 404);
    assert.equal((await prof.api('GET', `/api/v1/cohorts/${cohort.id}/students/${pia.memberId}`)).status, 404);
    assert.equal((await prof.api('GET', `/api/v1/cohorts/${cohort.id}/progress.csv?include=bookmarks`)).status, 422);

    // The doors that exist show the instructor nothing private either.
    const bookmarks = await prof.api('GET', `/api/v1/people/pia_private/bookmarks`);
    assert.equal(bookmarks.status, 200);
    assert.equal(bookmarks.json.bookmarks.length, 0);
    assert.doesNotMatch(JSON.stringify(bookmarks.json), /SECRET/);
    const own = await prof.api('GET', '/api/v1/curation/bookmarks');
    assert.doesNotMatch(JSON.stringify(own.json), /SECRET/);
    const posts = await prof.api('GET', `/api/v1/people/pia_private/posts`);
    assert.equal(posts.status, 200);
    assert.doesNotMatch(JSON.stringify(posts.json), /SECRET/);
    assert.equal((await prof.api('GET', `/api/v1/posts/${dm.id}`)).status, 404);
    assert.equal((await prof.api('GET', `/api/v1/posts/${followersOnly.id}`)).status, 404);
    const home = await prof.api('GET', '/api/v1/timelines/home');
    assert.doesNotMatch(JSON.stringify(home.json), /SECRET/);

    // Other students see only their own row; outsiders see nothing at all.
    const theirs = await progress(other, cohort.id);
    assert.deepEqual(
      theirs.students.map((s: Json) => s.student.handle),
      ['oz_other'],
    );
    assert.equal(theirs.cohort.role, 'student');
    const asStudent = await getJson(server, other, `/api/v1/cohorts/${cohort.id}`);
    assert.equal(asStudent.invites, null);
    for (const path of [
      `/api/v1/cohorts/${cohort.id}`,
      `/api/v1/cohorts/${cohort.id}/progress`,
      `/api/v1/cohorts/${cohort.id}/progress.csv`,
    ]) {
      assert.equal((await outsider.api('GET', path)).status, 404, path);
    }
    assert.equal((await outsider.web.get(`/insights/cohorts/${cohort.id}`)).status, 404);
    assert.equal((await outsider.web.get(`/insights/cohorts/${cohort.id}/progress.csv`)).status, 404);
    // Students cannot change the cohort or make links.
    assert.equal((await other.api('PATCH', `/api/v1/cohorts/${cohort.id}`, { name: 'Mine now' })).status, 403);
    assert.equal((await other.api('POST', `/api/v1/cohorts/${cohort.id}/invites`, {})).status, 403);
    assert.equal((await outsider.api('PUT', `/api/v1/cohorts/${cohort.id}/checkpoints`, { checkpoints: [] })).status, 404);
    assert.equal((await other.web.get(`/insights/cohorts/${cohort.id}/edit`)).status, 403);
  });
});

describe('pages', () => {
  test('an instructor runs a cohort with forms alone', async () => {
    const created = await prof.web.post('/insights/cohorts', { name: 'Forms only', description: '', dueDate: dateIn(10) });
    assert.equal(created.status, 303);
    const id = Number(/\/insights\/cohorts\/(\d+)\/edit/.exec(created.location ?? '')![1]);
    const bad = await prof.web.post('/insights/cohorts', { name: '', description: '', dueDate: 'soon' });
    assert.equal(bad.status, 422);
    assert.ok(bad.document.querySelector('.error-summary a[href="#field-name"]'));
    assert.ok(bad.document.querySelector('.error-summary a[href="#field-dueDate"]'));

    const notANumber = await prof.web.post(`/insights/cohorts/${id}/checkpoints`, {
      'follow.on': 'yes',
      'follow.target': '2',
      'reply.on': 'yes',
      'reply.target': 'lots',
    });
    assert.equal(notANumber.status, 422);
    assert.ok(notANumber.document.querySelector('.error-summary a[href="#field-reply-target"]'), notANumber.text('.error-summary'));
    assert.equal(
      (notANumber.document.querySelector('#field-reply-target') as HTMLInputElement | null)?.getAttribute('value'),
      'lots',
      'what was typed is kept',
    );
    const tooMany = await prof.web.post(`/insights/cohorts/${id}/checkpoints`, {
      'follow.on': 'yes',
      'follow.target': '2',
      'follow.outsideRole': '5',
    });
    assert.equal(tooMany.status, 422);
    assert.ok(tooMany.document.querySelector('.error-summary a[href="#field-follow-outsideRole"]'), tooMany.text('.error-summary'));
    assert.equal((await getJson(server, prof, `/api/v1/cohorts/${id}`)).checkpoints.length, 0, 'nothing saved');
    const saved = await prof.web.post(`/insights/cohorts/${id}/checkpoints`, {
      'follow.on': 'yes',
      'follow.target': '2',
      'follow.outsideRole': '1',
      'stage.on': 'yes',
      'stage.stage': 'creation',
    });
    assert.equal(saved.status, 303);
    const cohort = await getJson(server, prof, `/api/v1/cohorts/${id}`);
    assert.deepEqual(
      cohort.checkpoints.map((c: Json) => [c.kind, c.target, c.outsideRole, c.stage]),
      [
        ['follow', 2, 1, null],
        ['stage', 2, 0, 'creation'],
      ],
    );

    const made = await prof.web.post(`/insights/cohorts/${id}/invites`, { expiresInDays: '7', maxUses: '' });
    assert.equal(made.status, 200);
    const url = (made.document.querySelector('#new-invite-url') as HTMLInputElement | null)?.getAttribute('value') ?? '';
    assert.match(url, /\/insights\/cohorts\/join\//);
    const badInvite = await prof.web.post(`/insights/cohorts/${id}/invites`, { expiresInDays: '400', maxUses: '0' });
    assert.equal(badInvite.status, 422);
    assert.ok(badInvite.document.querySelector('.error-summary a[href="#field-expiresInDays"]'));

    const sam = await student('sam_forms');
    assert.equal((await sam.web.post(new URL(url).pathname, { consent: 'yes' })).status, 303);
    const dash = await prof.web.get(`/insights/cohorts/${id}`);
    assert.match(dash.text('main'), /Sam_forms/);
    const inviteId = (await getJson(server, prof, `/api/v1/cohorts/${id}`)).invites[0].id;
    assert.equal((await prof.web.post(`/insights/cohorts/${id}/invites/${inviteId}/revoke`, {})).status, 303);
    assert.equal((await getJson(server, prof, `/api/v1/cohorts/${id}`)).invites[0].status, 'revoked');

    const deleted = await prof.web.post(`/insights/cohorts/${id}/delete`, {});
    assert.equal(deleted.status, 303);
    assert.equal((await prof.api('GET', `/api/v1/cohorts/${id}`)).status, 404);
    assert.equal(await studentRows(id), 0);
  });

  test('the due date is a date picker that also reads a typed date (month/day/year), and explains one it cannot', async () => {
    const form = await prof.web.get('/insights/cohorts/new');
    assert.equal(form.document.querySelector('input[name=dueDate]')?.getAttribute('type'), 'date');
    assert.match(form.text('#field-dueDate-hint'), /month\/day\/year/);
    const [year, month, day] = dateIn(12).split('-');
    const typed = `${Number(month)}/${Number(day)}/${year}`;
    const created = await prof.web.post('/insights/cohorts', { name: 'Typed due date', description: '', dueDate: typed });
    assert.equal(created.status, 303, created.text('.error-summary'));
    const id = Number(/\/insights\/cohorts\/(\d+)\/edit/.exec(created.location ?? '')![1]);
    const cohort = (await prof.api('GET', `/api/v1/cohorts/${id}`)).json;
    assert.equal(cohort.dueDate, dateIn(12));
    const bad = await prof.web.post('/insights/cohorts', { name: 'Impossible', description: '', dueDate: '13/45/2026' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('#field-dueDate-error'), /“13\/45\/2026” is not a date: there is no month 13/);
    assert.equal(bad.document.querySelector('input[name=dueDate]')?.getAttribute('value'), '13/45/2026');
  });

  test('the OpenAPI document lists the cohort endpoints', async () => {
    const doc = await getJson(server, null, '/api/v1/openapi.json');
    for (const path of [
      '/api/v1/cohorts',
      '/api/v1/cohorts/join',
      '/api/v1/cohorts/{id}/progress',
      '/api/v1/cohorts/{id}/progress.csv',
      '/api/v1/cohorts/{id}/checkpoints',
    ]) {
      assert.ok(doc.paths[path], path);
    }
  });
});
