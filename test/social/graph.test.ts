import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createMembers, follow, getJson, ids, type Json, type Member, snapshot } from './helpers.ts';

let server: TestServer;
let m: Record<'ana' | 'bo' | 'cy' | 'dee' | 'eve' | 'fay' | 'gus', Member>;
before(async () => {
  server = await startTestServer();
  m = await createMembers(server, ['ana', 'bo', 'cy', 'dee', 'eve', 'fay', 'gus']);
});
after(() => server.close());

const home = async (who: Member) => ids(await getJson(server, who, '/api/v1/timelines/home'));
const relationship = (who: Member, other: Member) => getJson(server, who, `/api/v1/people/${other.handle}/relationship`);
const handles = (people: Json[]) => people.map((p: Json) => p.handle);

describe('following people', () => {
  test('a follow brings the account’s recent posts into home; unfollow takes them out', async () => {
    const { ana, bo } = m;
    const earlier = await bo.post('Posted before anyone followed me');
    const earlierReply = await bo.post('A reply to myself', { replyToId: earlier.id });
    assert.deepEqual(await home(ana), []);
    await follow(ana, bo);
    assert.deepEqual(await home(ana), [earlierReply.id, earlier.id]);
    const later = await bo.post('Posted after');
    assert.deepEqual(await home(ana), [later.id, earlierReply.id, earlier.id]);
    assert.deepEqual(await relationship(ana, bo), {
      following: true,
      requested: false,
      followedBy: false,
      muting: false,
      blocking: false,
      blockedBy: false,
    });
    assert.equal((await relationship(bo, ana)).followedBy, true);
    assert.deepEqual(handles((await getJson(server, null, '/api/v1/people/bo/followers')).people), ['ana']);
    assert.deepEqual(handles((await getJson(server, null, '/api/v1/people/ana/following')).people), ['bo']);

    assert.equal((await ana.api('DELETE', '/api/v1/people/bo/follow')).status, 204);
    assert.deepEqual(await home(ana), []);
    assert.deepEqual((await getJson(server, null, '/api/v1/people/bo/followers')).people, []);
    const again = await ana.api('DELETE', '/api/v1/people/bo/follow');
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'not_following');
  });

  test('through the profile page: the Follow button, then the counts', async () => {
    const { cy, dee } = m;
    const before = await cy.web.get('/@dee');
    const followButton = before.document.querySelector('form[action="/@dee/follow"] button');
    assert.ok(followButton, 'a Follow button');
    // Follow is the primary button; Mute and Block are quieter, and Block is not a red alarm beside it.
    const classes = (action: string, page = before) =>
      (page.document.querySelector(`.profile-actions form[action="/@dee/${action}"] button`)?.getAttribute('class') ?? '').split(/\s+/);
    assert.ok(classes('follow').includes('button'), classes('follow').join(' '));
    assert.ok(!classes('follow').some((c) => /secondary|post-action|danger/.test(c)), classes('follow').join(' '));
    for (const quiet of ['mute', 'block']) {
      assert.ok(!classes(quiet).includes('button'), `${quiet}: ${classes(quiet).join(' ')}`);
      assert.ok(classes(quiet).includes('post-action--quiet'), `${quiet}: ${classes(quiet).join(' ')}`);
      assert.ok(!classes(quiet).some((c) => /danger/.test(c)), `${quiet}: ${classes(quiet).join(' ')}`);
    }
    const res = await cy.web.post('/@dee/follow', { back: '/@dee' });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/@dee');
    const after = await cy.web.get('/@dee');
    assert.equal(after.text('p.notice'), 'You now follow @dee.');
    assert.ok(after.document.querySelector('form[action="/@dee/unfollow"]'), 'now an Unfollow button');
    assert.deepEqual(classes('unfollow', after).sort(), ['button', 'button--secondary', 'button--small']);
    assert.match(after.text('.profile-stats'), /1 follower\b/);
    assert.equal((await relationship(dee, cy)).followedBy, true);
  });

  test('refused: following yourself, following twice, unknown people; nothing changes', async () => {
    const { ana, cy } = m;
    await follow(ana, cy);
    const before = await snapshot(server);
    const self = await ana.api('POST', '/api/v1/people/ana/follow');
    assert.equal(self.status, 422);
    assert.equal(self.json.error.code, 'self_follow');
    const twice = await ana.api('POST', '/api/v1/people/cy/follow');
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.code, 'already_following');
    assert.equal((await ana.api('POST', '/api/v1/people/nobody_here/follow')).status, 404);
    assert.equal((await ana.web.post('/@ana/follow', { back: '/@ana' })).status, 422);
    assert.equal((await ana.web.post('/@cy/follow', { back: '/@cy' })).status, 409);
    assert.equal((await server.client().api('POST', '/api/v1/people/cy/follow')).status, 401);
    assert.deepEqual(await snapshot(server), before);
    assert.deepEqual(handles((await getJson(server, null, '/api/v1/people/cy/followers')).people), ['ana']);
  });
});

describe('following hashtags', () => {
  test('listed posts with a followed hashtag land in home; followers-only ones do not; unfollow stops it', async () => {
    const { eve, fay } = m;
    assert.equal((await eve.api('POST', '/api/v1/hashtags/%23BookClub/follow')).status, 204);
    assert.deepEqual((await getJson(server, eve, '/api/v1/hashtags/followed')).hashtags, [{ slug: 'bookclub', name: 'BookClub' }]);
    const twice = await eve.api('POST', '/api/v1/hashtags/bookclub/follow');
    assert.equal(twice.status, 409);
    const bad = await eve.api('POST', '/api/v1/hashtags/%25%25/follow');
    assert.equal(bad.status, 422);

    const listed = await fay.post('Our #bookclub meets Tuesday');
    const members = await fay.post('Members: #BookClub snacks', { visibility: 'members' });
    const hidden = await fay.post('Followers: #bookclub gossip', { visibility: 'followers' });
    const untagged = await fay.post('No tag here');
    const timeline = await home(eve);
    assert.deepEqual(timeline, [members.id, listed.id]);
    assert.ok(!timeline.includes(hidden.id) && !timeline.includes(untagged.id));

    // The tag page has a follow button too.
    const page = await eve.web.get('/tags/bookclub');
    assert.ok(page.document.querySelector('form[action="/tags/bookclub/unfollow"]'));
    assert.equal((await eve.web.post('/tags/bookclub/unfollow', { back: '/tags/bookclub' })).status, 303);
    assert.deepEqual((await getJson(server, eve, '/api/v1/hashtags/followed')).hashtags, []);
    const after = await fay.post('Another #bookclub note');
    assert.ok(!(await home(eve)).includes(after.id));
    assert.equal((await eve.api('DELETE', '/api/v1/hashtags/bookclub/follow')).status, 409);
  });
});

describe('follow requests', () => {
  test('a locked account: follows become requests, answered from the API and the page; unlocking accepts the rest', async () => {
    const { gus, ana, bo, cy, dee } = m;
    const locked = await gus.api('PATCH', '/api/v1/privacy', { locked: true });
    assert.deepEqual([locked.status, locked.json], [200, { locked: true, featurable: true }]);
    assert.deepEqual(await getJson(server, gus, '/api/v1/privacy'), { locked: true, featurable: true });
    const secret = await gus.post('Only for approved followers', { visibility: 'followers' });

    for (const who of [ana, bo, cy, dee]) {
      const res = await who.api('POST', '/api/v1/people/gus/follow');
      assert.deepEqual([res.status, res.json], [200, { state: 'pending' }], who.handle);
    }
    const twice = await ana.api('POST', '/api/v1/people/gus/follow');
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.code, 'already_requested');
    assert.deepEqual(await relationship(ana, gus), {
      following: false,
      requested: true,
      followedBy: false,
      muting: false,
      blocking: false,
      blockedBy: false,
    });
    assert.deepEqual(handles((await getJson(server, gus, '/api/v1/follow-requests')).people), ['ana', 'bo', 'cy', 'dee']);
    const requests = await getJson(server, gus, '/api/v1/notifications?kind=follow_request');
    assert.deepEqual(handles(requests.notifications.map((n: Json) => n.actor)).sort(), ['ana', 'bo', 'cy', 'dee']);
    // Pending is not following: the followers-only post stays hidden.
    await getJson(server, ana, `/api/v1/posts/${secret.id}`, 404);

    assert.equal((await gus.api('POST', '/api/v1/follow-requests/ana/accept')).status, 204);
    assert.equal((await gus.api('POST', '/api/v1/follow-requests/bo/reject')).status, 204);
    assert.equal((await gus.api('POST', '/api/v1/follow-requests/bo/accept')).status, 404, 'no request left');
    // cy withdraws; the request and its notification go.
    assert.equal((await cy.api('DELETE', '/api/v1/people/gus/follow')).status, 204);
    // dee is accepted through the page.
    const page = await gus.web.get('/follow-requests');
    assert.ok(page.document.querySelector('form[action="/follow-requests/dee/accept"]'));
    assert.equal(page.document.querySelector('form[action="/follow-requests/cy/accept"]'), null);
    assert.equal((await gus.web.post('/follow-requests/dee/accept', {})).status, 303);

    assert.equal((await getJson(server, ana, `/api/v1/posts/${secret.id}`)).text, 'Only for approved followers');
    assert.ok((await home(ana)).includes(secret.id), 'accepting backfills home');
    await getJson(server, bo, `/api/v1/posts/${secret.id}`, 404);
    assert.deepEqual(handles((await getJson(server, null, '/api/v1/people/gus/followers')).people).sort(), ['ana', 'dee']);
    assert.deepEqual((await getJson(server, gus, '/api/v1/notifications?kind=follow_request')).notifications, []);
    assert.deepEqual(
      handles((await getJson(server, gus, '/api/v1/notifications?kind=follow')).notifications.map((n: Json) => n.actor)).sort(),
      ['ana', 'dee'],
    );

    // bo asks again; unlocking accepts waiting requests.
    assert.equal((await bo.api('POST', '/api/v1/people/gus/follow')).json.state, 'pending');
    assert.deepEqual((await gus.api('PATCH', '/api/v1/privacy', { locked: false })).json, { locked: false, featurable: true });
    assert.deepEqual((await getJson(server, gus, '/api/v1/follow-requests')).people, []);
    assert.equal((await relationship(bo, gus)).following, true);
    assert.equal((await gus.api('PATCH', '/api/v1/privacy', { locked: 'yes' })).status, 422);
  });
});

describe('mutes and blocks', () => {
  test('a mute hides someone’s posts from your timelines and their notifications; unmute brings them back', async () => {
    const { eve, fay } = m;
    await follow(eve, fay);
    const post = await fay.post('Before the mute, on the local timeline');
    assert.ok((await home(eve)).includes(post.id));
    assert.equal((await eve.api('POST', '/api/v1/people/fay/mute')).status, 204);
    assert.equal((await eve.api('POST', '/api/v1/people/fay/mute')).status, 409);
    assert.equal((await eve.api('POST', '/api/v1/people/eve/mute')).status, 422);
    assert.equal((await relationship(eve, fay)).muting, true);
    const muted = await fay.post('Hello @eve, are you there?');
    assert.ok(!(await home(eve)).includes(post.id));
    assert.ok(!(await home(eve)).includes(muted.id));
    assert.ok(!ids(await getJson(server, eve, '/api/v1/timelines/local')).includes(post.id));
    assert.ok(ids(await getJson(server, null, '/api/v1/timelines/local')).includes(post.id), 'others still see it');
    assert.ok(!(await getJson(server, eve, '/api/v1/notifications')).notifications.some((n: Json) => n.post?.id === muted.id));
    // A thread still shows a muted person's post when you open it.
    assert.equal((await getJson(server, eve, `/api/v1/posts/${post.id}`)).id, post.id);
    assert.equal((await eve.api('DELETE', '/api/v1/people/fay/mute')).status, 204);
    assert.ok((await home(eve)).includes(post.id));
    assert.equal((await relationship(eve, fay)).following, true, 'a mute does not unfollow');
  });

  test('a block ends follows both ways, hides each from the other and prevents new follows and replies', async () => {
    const { ana, dee } = m;
    await follow(ana, dee);
    await follow(dee, ana);
    const anaPost = await ana.post('Ana speaks');
    const deePost = await dee.post('Dee speaks');
    const page = await ana.web.post('/@dee/block', { back: '/@dee' });
    assert.equal(page.status, 303);
    assert.deepEqual(await relationship(ana, dee), {
      following: false,
      requested: false,
      followedBy: false,
      muting: false,
      blocking: true,
      blockedBy: false,
    });
    assert.equal((await relationship(dee, ana)).blockedBy, true);
    assert.equal((await ana.api('POST', '/api/v1/people/dee/block')).status, 409);

    await getJson(server, dee, `/api/v1/posts/${anaPost.id}`, 404);
    await getJson(server, ana, `/api/v1/posts/${deePost.id}`, 404);
    assert.deepEqual(ids(await getJson(server, dee, '/api/v1/people/ana/posts')), []);
    assert.deepEqual(ids(await getJson(server, ana, '/api/v1/people/dee/posts')), []);
    assert.ok(!(await home(ana)).includes(deePost.id) && !(await home(dee)).includes(anaPost.id));

    const before = await snapshot(server);
    assert.equal((await dee.api('POST', '/api/v1/people/ana/follow')).status, 403);
    assert.equal((await ana.api('POST', '/api/v1/people/dee/follow')).status, 403);
    assert.equal((await dee.api('POST', '/api/v1/posts', { text: 'Reply', replyToId: anaPost.id })).status, 422);
    assert.equal((await dee.api('POST', `/api/v1/posts/${anaPost.id}/like`)).status, 404);
    assert.equal((await dee.api('POST', `/api/v1/posts/${anaPost.id}/boost`)).status, 404);
    assert.deepEqual(await snapshot(server), before);
    // A mention from the blocked side is no notification.
    await dee.post('Hey @ana');
    assert.ok(
      !(await getJson(server, ana, '/api/v1/notifications?kind=mention')).notifications.some((n: Json) => n.actor.handle === 'dee'),
    );

    assert.equal((await ana.api('DELETE', '/api/v1/people/dee/block')).status, 204);
    assert.equal((await getJson(server, dee, `/api/v1/posts/${anaPost.id}`)).id, anaPost.id);
    assert.equal((await relationship(ana, dee)).following, false, 'follows do not come back');
  });
});
