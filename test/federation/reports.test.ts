import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { REPORTS_PER_HOUR } from '../../src/federation/report-schemas.ts';
import { createMember, follow, type Json, type Member } from '../social/helpers.ts';
import type { Page } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Reports through the doors people use: "Report" on post cards and profiles, the report form and
 * its confirmation, the administrators' queue (notes, resolve, reopen, suspend, silence,
 * forward) and the JSON API, with who may see what. Someone on another server is stored as
 * federation stores them; forwarding goes as far as the delivery queue (jobs are not run here;
 * test/federation/federation.test.ts delivers one to a real second server).
 */

let server: TestServer;
let ada: Member; // the first member, so the administrator
let lee: Member;
let mo: Member;
let kim: Member;
let joId: number;
let joPostId: number;
let leePublic: Json;
let leeFollowersOnly: Json;

before(async () => {
  server = await startTestServer();
  ada = await createMember(server, 'ada');
  lee = await createMember(server, 'lee', { displayName: 'Lee Loud' });
  mo = await createMember(server, 'mo');
  kim = await createMember(server, 'kim');
  await follow(mo, lee);
  leePublic = await lee.post('Buy cheap followers at spam.example');
  leeFollowersOnly = await lee.post('Only my followers read this: more spam', { visibility: 'followers' });
  const db = server.services.database.db;
  const now = Date.now();
  joId = (
    await db
      .insertInto('actors')
      .values({
        acct: 'jo@books.example',
        handle: 'jo',
        domain: 'books.example',
        uri: 'https://books.example/users/jo',
        url: 'https://books.example/@jo',
        inbox_url: 'https://books.example/users/jo/inbox',
        shared_inbox_url: 'https://books.example/inbox',
        display_name: 'Jo Reads',
        bio: '',
        avatar_url: null,
        links: '[]',
        search_text: 'jo',
        created_at: now - 3600_000,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  joPostId = await server.services.social.remotePosts.receive(joId, {
    uri: 'https://books.example/users/jo/statuses/1',
    url: 'https://books.example/@jo/1',
    text: 'Rude words from another server',
    html: '<p>Rude words from another server</p>',
    contentWarning: null,
    visibility: 'public',
    replyToId: null,
    hashtags: [],
    mentions: [],
    media: [],
    createdAt: now - 60_000,
  });
});
after(() => server.close());

const reportRow = (id: number) =>
  server.services.database.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const reportLinks = (page: Page) =>
  [...page.document.querySelectorAll('main a')].filter((a) => a.textContent?.trim() === 'Report').map((a) => a.getAttribute('href'));
const idFrom = (location: string | null) => Number(/^\/reports\/(\d+)$/.exec(location ?? '')?.[1]);

describe('members report posts and people', () => {
  let postReportId: number;

  test('"Report" is on every post card but one’s own, and opens a form about the post', async () => {
    const own = await lee.post('My own post');
    const page = await mo.web.get('/stream');
    assert.equal(page.status, 200);
    assert.ok(reportLinks(page).includes(`/posts/${leePublic.id}/report`), 'Lee’s post has a Report link');
    assert.ok(reportLinks(await mo.web.get(`/@lee/${leeFollowersOnly.id}`)).includes(`/posts/${leeFollowersOnly.id}/report`));
    const lees = await lee.web.get('/@lee');
    assert.equal(lees.document.querySelector(`#post-${own.id} a[href$="/report"]`), null, 'no Report on one’s own post');
    assert.equal((await server.client().get('/local')).document.querySelector('a[href$="/report"]'), null, 'not for visitors');

    const form = await mo.web.get(`/posts/${leePublic.id}/report`);
    assert.equal(form.status, 200);
    assert.equal(form.text('h1'), 'Report @lee');
    assert.match(form.text('main'), /is not told who reported them/);
    const radios = [...form.document.querySelectorAll('input[name=category]')].map((i) => i.getAttribute('value'));
    assert.deepEqual(radios, ['spam', 'harassment', 'sensitive', 'illegal', 'other']);
    const boxes = [...form.document.querySelectorAll('input[name=postIds]')];
    assert.ok(boxes.length >= 3, 'Lee’s recent posts, followers-only ones included, are offered');
    assert.deepEqual(
      boxes.filter((b) => b.hasAttribute('checked')).map((b) => b.getAttribute('value')),
      [String(leePublic.id)],
      'the post reported is ticked',
    );
    assert.ok(form.document.querySelector(`label[for="${boxes[0]!.id}"]`), 'each post is a labelled checkbox');
    assert.equal(form.document.querySelector('input[name=forward]'), null, 'no forwarding for a member here');
    assert.equal(form.document.querySelector('form[action="/reports"] input[name=acct]')?.getAttribute('value'), 'lee');

    const sent = await mo.web.post('/reports', {
      acct: 'lee',
      postIds: [String(leePublic.id), String(leeFollowersOnly.id)],
      category: 'spam',
      comment: 'Selling followers',
      back: `/@lee/${leePublic.id}`,
    });
    assert.equal(sent.status, 303);
    postReportId = idFrom(sent.location);
    assert.ok(postReportId > 0, `redirected to the confirmation: ${sent.location}`);
    const row = await reportRow(postReportId);
    assert.deepEqual(
      { reporter: row.reporter_id, target: row.target_id, category: row.category, comment: row.comment, resolved: row.resolved_at },
      { reporter: mo.actorId, target: lee.actorId, category: 'spam', comment: 'Selling followers', resolved: null },
    );

    const confirmation = await mo.web.get(`/reports/${postReportId}`);
    assert.equal(confirmation.status, 200);
    assert.match(confirmation.text('main .notice'), /Thank you/);
    assert.match(confirmation.text('.report-facts'), /Open: the moderators have not dealt with it yet/);
    assert.match(confirmation.text('.report-facts'), /2 posts/);
    assert.ok(confirmation.document.querySelector('form[action="/@lee/mute"]'), 'offers to mute them meanwhile');
    assert.ok(confirmation.document.querySelector('form[action="/@lee/block"]'), 'and to block them');
  });

  test('the same thing reported again while the report is open is refused', async () => {
    const again = await mo.web.post('/reports', { acct: 'lee', postIds: String(leePublic.id), category: 'spam', comment: 'Again!' });
    assert.equal(again.status, 409);
    assert.match(again.text('.error-summary'), /You already reported this post/);
    assert.equal(
      again.document.querySelector('input[name=category][value=spam]')?.hasAttribute('checked'),
      true,
      'what was chosen is kept',
    );
    const api = await mo.api('POST', '/api/v1/reports', { postIds: [leeFollowersOnly.id], category: 'spam' });
    assert.equal(api.status, 409);
    assert.equal(api.json.error.code, 'already_reported');
    const account = await mo.api('POST', '/api/v1/reports', { acct: 'lee', category: 'spam' });
    assert.equal(account.status, 409, 'the account, for the same reason, is covered too');
    assert.match(account.json.error.message, /You already reported @lee/);
    // Another reason is another report.
    const scam = await mo.api('POST', '/api/v1/reports', { postIds: [leePublic.id], category: 'illegal', comment: 'It is a scam' });
    assert.equal(scam.status, 201, JSON.stringify(scam.json));
  });

  test('"Report" on a profile, here and on another server, where it can be forwarded', async () => {
    const profile = await kim.web.get('/@lee');
    assert.ok(profile.document.querySelector('.profile-actions a[href="/@lee/report"]'), 'a Report link next to Mute and Block');
    assert.equal((await lee.web.get('/@lee')).document.querySelector('a[href="/@lee/report"]'), null, 'not on one’s own profile');

    const form = await kim.web.get('/@lee/report');
    assert.equal(form.status, 200);
    assert.equal([...form.document.querySelectorAll('input[name=postIds][checked]')].length, 0, 'nothing ticked from a profile');
    assert.equal(
      form.document.querySelector(`input[name=postIds][value="${leeFollowersOnly.id}"]`),
      null,
      'posts Kim cannot see are not offered',
    );
    const sent = await kim.web.post('/reports', { acct: 'lee', category: 'harassment', comment: 'Keeps messaging me', back: '/@lee' });
    assert.equal(sent.status, 303);
    const row = await reportRow(idFrom(sent.location));
    assert.equal(row.target_id, lee.actorId);
    assert.equal(row.post_id, null);

    const remoteProfile = await kim.web.get('/@jo@books.example');
    assert.ok(remoteProfile.document.querySelector('a[href="/@jo@books.example/report"]'));
    const remoteForm = await kim.web.get('/@jo@books.example/report');
    assert.equal(remoteForm.status, 200);
    assert.match(remoteForm.text('label[for=field-forward]'), /Also send the report to books\.example/);
    const jobsBefore = await server.services.database.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const forwarded = await kim.web.post('/reports', {
      acct: 'jo@books.example',
      postIds: String(joPostId),
      category: 'harassment',
      forward: '1',
      back: '/@jo@books.example',
    });
    assert.equal(forwarded.status, 303);
    const remote = await reportRow(idFrom(forwarded.location));
    assert.ok(remote.forwarded_at, 'forwarded with the existing forwarding');
    const jobsAfter = await server.services.database.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.ok(Number(jobsAfter.n) > Number(jobsBefore.n), 'a delivery to books.example is queued');
    assert.match((await kim.web.get(`/reports/${remote.id}`)).text('.report-facts'), /a copy without your name went to their server/);
  });

  test('bad input is refused with a clear 4xx and nothing is stored', async () => {
    const count = async () =>
      Number(
        (
          await server.services.database.db
            .selectFrom('reports')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();

    // No category: the form again, the error next to the radios.
    const empty = await kim.web.post('/reports', { acct: 'lee', category: '', comment: 'x' });
    assert.equal(empty.status, 422);
    assert.match(empty.text('title'), /^Error:/);
    assert.match(empty.text('#field-category-error'), /Choose what is wrong/);
    assert.ok(empty.document.querySelector('.error-summary a[href="#field-category"]'));
    assert.equal(empty.document.querySelector('#field-comment')?.textContent, 'x', 'the comment is kept');
    // "Something else" needs a comment.
    const other = await kim.web.post('/reports', { acct: 'lee', category: 'other', comment: '  ' });
    assert.equal(other.status, 422);
    assert.match(other.text('#field-comment-error'), /Tell the moderators what is wrong/);
    // Oneself, by page and by API.
    assert.equal((await lee.web.get(`/posts/${leePublic.id}/report`)).status, 422);
    assert.equal((await lee.web.get('/@lee/report')).status, 422);
    const self = await lee.api('POST', '/api/v1/reports', { acct: 'lee', category: 'spam' });
    assert.equal(self.status, 422);
    assert.equal(self.json.error.code, 'own_account');
    // Posts that do not exist, or that the reporter cannot see.
    assert.equal((await kim.web.get('/posts/999999/report')).status, 404);
    assert.equal((await kim.web.get(`/posts/${leeFollowersOnly.id}/report`)).status, 404, 'Kim does not follow Lee');
    assert.equal((await kim.web.get('/@nobody/report')).status, 404);
    const unknownPost = await kim.web.post('/reports', { acct: 'lee', postIds: '999999', category: 'spam' });
    assert.equal(unknownPost.status, 404);
    assert.match(unknownPost.text('.error-summary'), /no such post/);
    assert.equal((await kim.api('POST', '/api/v1/reports', { postIds: [999999], category: 'spam' })).status, 404);
    assert.equal((await kim.api('POST', '/api/v1/reports', { postIds: [leeFollowersOnly.id], category: 'spam' })).status, 404);
    assert.equal((await kim.api('POST', '/api/v1/reports', { acct: 'nobody', category: 'spam' })).status, 404);
    // Fields that make no sense.
    const cases: Array<[unknown, string]> = [
      [{ acct: 'lee' }, 'category'],
      [{ acct: 'lee', category: 'rude' }, 'category'],
      [{ category: 'spam' }, 'acct'],
      [{ acct: 'lee', category: 'spam', comment: 'x'.repeat(2001) }, 'comment'],
      [{ acct: 'lee', category: 'spam', forward: true }, 'forward'],
      [{ acct: 'lee', postIds: [joPostId], category: 'spam' }, 'postIds'],
      [{ acct: 'lee', category: 'spam', postIds: Array.from({ length: 21 }, (_, i) => i + 1) }, 'postIds'],
      [{ acct: 'lee', category: 'spam', severity: 'high' }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await kim.api('POST', '/api/v1/reports', body);
      assert.equal(res.status, 422, `${JSON.stringify(body).slice(0, 80)} → ${res.status} ${JSON.stringify(res.json)}`);
      assert.ok(
        res.json.error.issues.some((i: Json) => i.path === path),
        `${JSON.stringify(body).slice(0, 80)}: an issue at "${path}": ${JSON.stringify(res.json.error.issues)}`,
      );
    }
    assert.equal((await server.client().api('POST', '/api/v1/reports', { acct: 'lee', category: 'spam' })).status, 401);
    const visitor = await server.client().get(`/posts/${leePublic.id}/report`);
    assert.equal(visitor.status, 303);
    assert.match(visitor.location ?? '', /^\/login\?next=/);
    assert.equal(await count(), before, 'nothing was stored');
  });

  test('a member sees only their own reports', async () => {
    const mine = await mo.api('GET', `/api/v1/reports/${postReportId}`);
    assert.equal(mine.status, 200);
    assert.deepEqual(
      { status: mine.json.status, category: mine.json.category, target: mine.json.target.acct, postIds: [...mine.json.postIds].sort() },
      { status: 'open', category: 'spam', target: 'lee', postIds: [leePublic.id, leeFollowersOnly.id].sort() },
    );
    assert.equal((await kim.api('GET', `/api/v1/reports/${postReportId}`)).status, 404);
    assert.equal((await kim.web.get(`/reports/${postReportId}`)).status, 404);
    assert.equal((await lee.web.get(`/reports/${postReportId}`)).status, 404, 'least of all the person reported');
    assert.equal((await ada.web.get(`/reports/${postReportId}`)).status, 404, 'administrators use the queue');
    for (const who of [mo, lee]) {
      assert.equal((await who.web.get('/admin/reports')).status, 403);
      assert.equal((await who.web.get(`/admin/reports/${postReportId}`)).status, 403);
      assert.equal((await who.web.post(`/admin/reports/${postReportId}/resolve`, { note: 'mine now' })).status, 403);
      assert.equal((await who.web.post(`/admin/reports/${postReportId}/notes`, { text: 'hello' })).status, 403);
      assert.equal((await who.api('GET', '/api/v1/admin/reports')).status, 403);
      assert.equal((await who.api('GET', `/api/v1/admin/reports/${postReportId}`)).status, 403);
      assert.equal((await who.api('POST', `/api/v1/admin/reports/${postReportId}/resolve`, {})).status, 403);
      assert.equal((await who.api('POST', `/api/v1/admin/reports/${postReportId}/notes`, { text: 'x' })).status, 403);
    }
    assert.equal((await reportRow(postReportId)).resolved_at, null);
    const visitor = await server.client().get('/admin/reports');
    assert.equal(visitor.status, 303);
    assert.equal(visitor.location, `/login?next=${encodeURIComponent('/admin/reports')}`);
  });

  test('a flood of reports is cut off after ten an hour', async () => {
    const flooder = await createMember(server, 'flooder');
    const targets = await Promise.all(Array.from({ length: REPORTS_PER_HOUR + 1 }, (_, i) => lee.post(`Post number ${i} to report`)));
    for (const post of targets.slice(0, REPORTS_PER_HOUR))
      assert.equal((await flooder.api('POST', '/api/v1/reports', { postIds: [post.id], category: 'spam' })).status, 201);
    const limited = await flooder.api('POST', '/api/v1/reports', { postIds: [targets.at(-1)!.id], category: 'spam' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const page = await flooder.web.post('/reports', { acct: 'lee', postIds: String(targets.at(-1)!.id), category: 'spam' });
    assert.equal(page.status, 429);
    assert.match(page.text('.error-summary'), /Please wait/);
  });
});

describe('the moderation queue', () => {
  let reportId: number;

  before(async () => {
    const res = await kim.api('POST', '/api/v1/reports', {
      postIds: [leePublic.id],
      category: 'other',
      comment: 'Lee sells followers.\nSee the link.',
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    reportId = res.json.id;
    // Lee edits the post afterwards: the moderators still read what it said when it was reported.
    const edited = await lee.api('PATCH', `/api/v1/posts/${leePublic.id}`, { text: 'Buy cheap followers at spam.example (edited)' });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
  });

  test('open reports, newest first, with the reporter, the account and the comment', async () => {
    const page = await ada.web.get('/admin/reports');
    assert.equal(page.status, 200);
    assert.equal(page.text('nav[aria-label=Administration] a[aria-current=page]'), 'Reports');
    assert.match(page.text('nav[aria-label=Reports] a[aria-current=page]'), /Open \(\d+\)/);
    const cards = [...page.document.querySelectorAll('.report-list article')];
    const ids = cards.map((a) => Number(a.querySelector('h2 a')!.getAttribute('href')!.split('/').pop()));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'newest first',
    );
    const card = cards.find((a) => a.querySelector(`a[href="/admin/reports/${reportId}"]`))!;
    assert.match(card.textContent!, /Something else, about @lee/);
    assert.ok(card.querySelector('a[href="/@kim"]'), 'who reported it');
    assert.match(card.textContent!, /Lee sells followers/);
    assert.match(card.textContent!, /1 post/);
    assert.ok(card.querySelector('time[datetime]'));
  });

  test('a report shows its posts, whatever their audience, to the administrator', async () => {
    const moReport = (await server.services.federation.reports.list('open')).reports.find(
      (r) => r.reporter?.acct === 'mo' && r.postIds.length === 2,
    )!;
    const page = await ada.web.get(`/admin/reports/${moReport.id}`);
    assert.equal(page.status, 200);
    assert.equal(page.text('h1'), `Report #${moReport.id}: @lee`);
    assert.match(page.text('.report-facts'), /Open/);
    assert.match(page.text('.report-facts'), /Spam/);
    assert.match(page.text('.report-facts'), /member of this server/);
    const posts = page.text('main ol.timeline__list');
    assert.match(posts, /Only my followers read this/, 'the followers-only post, which Ada cannot otherwise see');
    assert.match(posts, /Followers only/);
    assert.equal((await ada.api('GET', `/api/v1/posts/${leeFollowersOnly.id}`)).status, 404, 'outside the report it stays hidden from her');

    const edited = await ada.web.get(`/admin/reports/${reportId}`);
    assert.match(edited.text('main ol.timeline__list'), /\(edited\)/);
    assert.match(edited.text('main ol.timeline__list details'), /Edited since it was reported.*Buy cheap followers at spam\.example$/);
    assert.match(edited.text('blockquote.report-text'), /Lee sells followers/);
  });

  test('the administrator adds notes, resolves with a note, and reopens', async () => {
    const empty = await ada.web.post(`/admin/reports/${reportId}/notes`, { text: '   ' });
    assert.equal(empty.status, 422);
    assert.match(empty.text('#field-text-error'), /Write the note/);
    assert.ok(empty.document.querySelector('.error-summary a[href="#field-text"]'));

    const noted = await ada.web.post(`/admin/reports/${reportId}/notes`, { text: 'Asked Lee about it by email.' });
    assert.equal(noted.status, 303);
    assert.equal(noted.location, `/admin/reports/${reportId}`);
    let page = await ada.web.get(`/admin/reports/${reportId}`);
    const note = [...page.document.querySelectorAll('.report-notes li')].at(-1)!;
    assert.match(note.textContent!, /Asked Lee about it by email/);
    assert.ok(note.querySelector('a[href="/@ada"]'), 'who wrote it');
    assert.ok(note.querySelector('time[datetime]'), 'and when');

    const resolved = await ada.web.post(`/admin/reports/${reportId}/resolve`, { note: 'Lee removed the link.' });
    assert.equal(resolved.status, 303);
    assert.equal(resolved.location, '/admin/reports');
    const row = await reportRow(reportId);
    assert.ok(row.resolved_at, 'resolved_at is written');
    assert.equal(row.resolved_by, ada.actorId, 'and resolved_by');
    const queue = await ada.web.get('/admin/reports');
    assert.match(queue.text('main .notice'), new RegExp(`Report #${reportId} is resolved`));
    assert.equal(queue.document.querySelector(`.report-list a[href="/admin/reports/${reportId}"]`), null, 'no longer among the open ones');
    const done = await ada.web.get('/admin/reports?status=resolved');
    const card = done.document.querySelector(`.report-list a[href="/admin/reports/${reportId}"]`)?.closest('article');
    assert.ok(card, 'listed apart, with the resolved ones');
    assert.match(card.textContent!, /Resolved by @ada/);
    page = await ada.web.get(`/admin/reports/${reportId}`);
    assert.match(page.text('.report-facts'), /Resolved by @ada/);
    assert.match(page.text('.report-notes'), /Resolved the report.*Lee removed the link/);
    assert.match((await kim.api('GET', `/api/v1/reports/${reportId}`)).json.status, /resolved/, 'the reporter sees it was dealt with');

    assert.equal((await ada.web.post(`/admin/reports/${reportId}/resolve`, {})).status, 409, 'not twice');
    const reopened = await ada.web.post(`/admin/reports/${reportId}/reopen`, { note: 'The link is back.' });
    assert.equal(reopened.status, 303);
    const open = await reportRow(reportId);
    assert.deepEqual({ at: open.resolved_at, by: open.resolved_by }, { at: null, by: null });
    assert.match((await ada.web.get(`/admin/reports/${reportId}`)).text('.report-notes'), /Reopened the report.*The link is back/);
    assert.equal((await ada.web.post(`/admin/reports/${reportId}/reopen`, {})).status, 409);
    assert.equal((await ada.web.get('/admin/reports/999999')).status, 404);
    assert.equal((await ada.web.post('/admin/reports/999999/notes', { text: 'x' })).status, 404);
  });

  test('quick actions: suspend the member, silence the server, forward; each is kept in the history', async () => {
    const page = await ada.web.get(`/admin/reports/${reportId}`);
    assert.ok(page.document.querySelector(`form[action="/admin/reports/${reportId}/suspend"] button`), 'a member here can be suspended');
    assert.equal(page.document.querySelector(`form[action="/admin/reports/${reportId}/moderate"]`), null);
    const suspended = await ada.web.post(`/admin/reports/${reportId}/suspend`, { reason: 'Spam' });
    assert.equal(suspended.status, 303);
    const member = await server.services.database.db
      .selectFrom('members')
      .select(['suspended_at', 'suspended_reason'])
      .where('id', '=', lee.memberId)
      .executeTakeFirstOrThrow();
    assert.ok(member.suspended_at);
    assert.equal(member.suspended_reason, 'Spam');
    const after = await ada.web.get(`/admin/reports/${reportId}`);
    assert.match(after.text('.report-facts'), /suspended since/);
    assert.match(after.text('.report-notes'), /Suspended the account.*Spam/);
    assert.ok(after.document.querySelector('main a[href^="/admin/members?q=lee"]'), 'the suspension is lifted on the Members page');
    assert.equal(
      (await ada.web.post(`/admin/reports/${reportId}/moderate`, { moderation: 'block' })).status,
      422,
      'a member here has no server to block',
    );

    const remote = (await server.services.federation.reports.list('open')).reports.find((r) => r.target.acct === 'jo@books.example')!;
    const remotePage = await ada.web.get(`/admin/reports/${remote.id}`);
    assert.match(remotePage.text('.report-facts'), /on books\.example/);
    assert.match(remotePage.text('main ol.timeline__list'), /Rude words from another server/);
    assert.equal(
      remotePage.document.querySelector(`form[action="/admin/reports/${remote.id}/forward"]`),
      null,
      'already forwarded by the reporter',
    );
    assert.equal((await ada.web.post(`/admin/reports/${remote.id}/suspend`, {})).status, 422);
    const bad = await ada.web.post(`/admin/reports/${remote.id}/moderate`, { moderation: 'obliterate' });
    assert.equal(bad.status, 422);
    assert.match(bad.text('.error-summary'), /silence or block/);
    const silenced = await ada.web.post(`/admin/reports/${remote.id}/moderate`, { moderation: 'silence', domainReason: 'Rude accounts' });
    assert.equal(silenced.status, 303);
    assert.equal((await server.services.federation.instances.list()).find((i) => i.domain === 'books.example')?.moderation, 'silence');
    const afterSilence = await ada.web.get(`/admin/reports/${remote.id}`);
    assert.match(afterSilence.text('.report-facts'), /which is silenced/);
    assert.match(afterSilence.text('.report-notes'), /Silenced their server.*Rude accounts/);
    assert.equal((await ada.web.post(`/admin/reports/${remote.id}/forward`, {})).status, 409, 'sent once only');

    // A remote report the reporter did not forward: the administrator can.
    const unforwarded = await mo.api('POST', '/api/v1/reports', { acct: 'jo@books.example', category: 'spam' });
    assert.equal(unforwarded.status, 201);
    const withButton = await ada.web.get(`/admin/reports/${unforwarded.json.id}`);
    assert.ok(withButton.document.querySelector(`form[action="/admin/reports/${unforwarded.json.id}/forward"] button`));
    assert.equal((await ada.web.post(`/admin/reports/${unforwarded.json.id}/forward`, {})).status, 303);
    assert.ok((await reportRow(unforwarded.json.id)).forwarded_at);
    assert.match(
      (await ada.web.get(`/admin/reports/${unforwarded.json.id}`)).text('.report-notes'),
      /Forwarded the report to their server/,
    );
    assert.equal((await ada.api('POST', `/api/v1/admin/reports/${reportId}/forward`)).status, 422, 'a member here: nowhere to forward to');
  });
});

describe('the reports API for administrators', () => {
  test('lists open and resolved reports page by page, reads one, adds notes, resolves and reopens', async () => {
    const first = await ada.api('GET', '/api/v1/admin/reports?limit=2');
    assert.equal(first.status, 200);
    assert.equal(first.json.reports.length, 2);
    assert.ok(first.json.nextCursor);
    const all: Json[] = [...first.json.reports];
    let cursor: string | null = first.json.nextCursor;
    while (cursor) {
      const next = await ada.api('GET', `/api/v1/admin/reports?limit=2&cursor=${cursor}`);
      assert.equal(next.status, 200);
      all.push(...next.json.reports);
      cursor = next.json.nextCursor;
    }
    const ids = all.map((r) => r.id);
    assert.deepEqual(
      ids,
      [...new Set(ids)].sort((a, b) => b - a),
      'newest first, no repeats',
    );
    assert.ok(all.every((r) => r.resolvedAt === null));
    const open = all.find((r) => r.reporter?.acct === 'mo' && r.postIds.length === 2);
    assert.deepEqual(
      { category: open.category, target: open.target.acct, fromRemote: open.fromRemote },
      { category: 'spam', target: 'lee', fromRemote: false },
    );

    const detail = await ada.api('GET', `/api/v1/admin/reports/${open.id}`);
    assert.equal(detail.status, 200);
    assert.ok(
      detail.json.posts.some((p: Json) => p.post?.visibility === 'followers' && p.reportedText.startsWith('Only my followers')),
      'the followers-only post, for the administrator',
    );
    assert.equal(detail.json.targetState.local, true);

    const note = await ada.api('POST', `/api/v1/admin/reports/${open.id}/notes`, { text: 'Looking into it.' });
    assert.equal(note.status, 201);
    assert.deepEqual(
      { author: note.json.author.acct, action: note.json.action, text: note.json.text },
      { author: 'ada', action: null, text: 'Looking into it.' },
    );
    assert.equal((await ada.api('POST', `/api/v1/admin/reports/${open.id}/notes`, { text: '' })).status, 422);
    assert.equal((await ada.api('POST', `/api/v1/admin/reports/${open.id}/notes`, { text: 'x'.repeat(2001) })).status, 422);

    const resolved = await ada.api('POST', `/api/v1/admin/reports/${open.id}/resolve`, { note: 'Done.' });
    assert.equal(resolved.status, 200);
    assert.ok(resolved.json.resolvedAt);
    assert.equal(resolved.json.resolvedBy.acct, 'ada');
    assert.deepEqual(
      resolved.json.notes.map((n: Json) => [n.action, n.text]),
      [
        [null, 'Looking into it.'],
        ['resolved', 'Done.'],
      ],
    );
    const withoutBody = await ada.api('POST', `/api/v1/admin/reports/${open.id}/reopen`);
    assert.equal(withoutBody.status, 200, JSON.stringify(withoutBody.json));
    assert.equal(withoutBody.json.resolvedAt, null);
    assert.equal((await ada.api('POST', `/api/v1/admin/reports/${open.id}/resolve`, {})).status, 200);
    assert.equal((await ada.api('POST', `/api/v1/admin/reports/${open.id}/resolve`, {})).status, 409);

    const done = await ada.api('GET', '/api/v1/admin/reports?status=resolved');
    assert.ok(done.json.reports.some((r: Json) => r.id === open.id));
    assert.ok(done.json.reports.every((r: Json) => r.resolvedAt));

    assert.equal((await ada.api('GET', '/api/v1/admin/reports?cursor=nonsense')).status, 400);
    assert.equal((await ada.api('GET', '/api/v1/admin/reports?status=closed')).status, 422);
    assert.equal((await ada.api('GET', '/api/v1/admin/reports/999999')).status, 404);
    assert.equal((await ada.api('POST', '/api/v1/admin/reports/999999/resolve', {})).status, 404);
    assert.equal((await ada.api('POST', `/api/v1/admin/reports/${open.id}/notes`, { text: 'x', extra: 1 })).status, 422);
  });
});
