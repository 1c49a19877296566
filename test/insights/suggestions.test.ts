import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { createMember, createMembers, follow, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Who to follow through the doors people use: the JSON API with a token and the page with a
 * session. A small community is built where each signal points at one person, so each
 * reason and each exclusion can be checked on its own.
 */

async function profile(who: Member, fields: Record<string, unknown>): Promise<void> {
  const res = await who.api('PATCH', '/api/v1/profile', fields);
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

async function suggestions(who: Member, limit = 10): Promise<Json[]> {
  const res = await who.api('GET', `/api/v1/insights/suggestions?limit=${limit}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.suggestions;
}

const handles = (list: Json[]) => list.map((s: Json) => s.actor.handle as string);
const reasonsOf = (list: Json[], handle: string): string[] => list.find((s: Json) => s.actor.handle === handle)?.reasons ?? [];

describe('who to follow with no one else here', () => {
  let server: TestServer;
  let solo: Member;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  test('a lone member gets an empty list and a page that says what to do', async () => {
    solo = await createMember(server, 'solo');
    await profile(solo, { role: 'school_librarian', passions: ['Genrefication', 'Makerspaces'] });
    assert.deepEqual(await suggestions(solo), []);
    const page = await solo.web.get('/insights/suggestions');
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /No suggestions yet/);
    assert.equal(page.document.querySelectorAll('.suggestions li').length, 0);
  });

  test('on a new server, a newcomer who has said nothing yet is still offered the members here, saying who they are', async () => {
    const fresh = await createMember(server, 'fresh');
    const list = await suggestions(fresh);
    assert.deepEqual(handles(list), ['solo']);
    assert.deepEqual(reasonsOf(list, 'solo'), ['a school librarian here']);
    // And the first member now has someone to follow too.
    assert.deepEqual(handles(await suggestions(solo)), ['fresh']);
  });
});

describe('who to follow', () => {
  let server: TestServer;
  let m: Record<string, Member>;

  before(async () => {
    server = await startTestServer();
    m = await createMembers(server, [
      'vera',
      'ann',
      'bob',
      'cal',
      'gus',
      'hal',
      'dee',
      'eve',
      'fay',
      'ivy',
      'jon',
      'kim',
      'liz',
      'ned',
      'oli',
      'pat',
    ]);
    await profile(m.vera!, { role: 'school_librarian', location: 'Dayton, Ohio', passions: ['Genrefication', 'Makerspaces'] });
    for (const h of ['ann', 'bob', 'cal', 'gus', 'hal']) await profile(m[h]!, { role: 'school_librarian' });
    await profile(m.fay!, { passions: ['Genrefication', 'Makerspaces', 'Robotics'] });
    await profile(m.ivy!, { role: 'public_librarian', location: 'Accra, Ghana' });
    // Vera's network: five school librarians.
    for (const h of ['ann', 'bob', 'cal', 'gus', 'hal']) await follow(m.vera!, m[h]!);
    // Dee is followed by four of them; Eve and Ivy by one.
    for (const h of ['ann', 'bob', 'cal', 'gus']) await follow(m[h]!, m.dee!);
    await follow(m.ann!, m.eve!);
    await follow(m.bob!, m.ivy!);
    // People who would rank high but must never be suggested (they too are followed by three of Vera's follows).
    for (const h of ['jon', 'kim', 'liz', 'ned', 'oli']) for (const f of ['ann', 'bob', 'cal']) await follow(m[f]!, m[h]!);
    // The followees also follow Vera herself.
    for (const h of ['ann', 'bob', 'cal']) await follow(m[h]!, m.vera!);
    assert.equal((await m.vera!.api('POST', '/api/v1/people/jon/block')).status, 204);
    assert.equal((await m.kim!.api('POST', '/api/v1/people/vera/block')).status, 204);
    assert.equal((await m.vera!.api('POST', '/api/v1/people/liz/mute')).status, 204);
    await server.services.accounts.suspend('ned', 'spam', null);
    // Pat posts about one of Vera's passions.
    await m.pat!.post('Our #genrefication weekend: the fiction shelves are done.');
  });
  after(async () => server?.close());

  test('friends of friends rank first, with the reason in words', async () => {
    const list = await suggestions(m.vera!);
    assert.equal(list[0].actor.handle, 'dee', JSON.stringify(handles(list)));
    assert.deepEqual(list[0].reasons.slice(0, 1), ['4 people you follow follow them']);
    assert.ok(reasonsOf(list, 'eve').includes('1 person you follow follows them'), JSON.stringify(list));
    assert.equal(typeof list[0].score, 'number');
    assert.ok(
      list.every((s: Json, i: number) => i === 0 || s.score <= list[i - 1].score),
      'best first',
    );
  });

  test('shared passions, hashtag co-use and missing roles give reasons', async () => {
    const list = await suggestions(m.vera!);
    assert.ok(
      reasonsOf(list, 'fay').includes('shares your passions: Genrefication and Makerspaces'),
      JSON.stringify(reasonsOf(list, 'fay')),
    );
    assert.ok(
      reasonsOf(list, 'pat').some((r) => r.startsWith('posts about #genrefication')),
      JSON.stringify(reasonsOf(list, 'pat')),
    );
    assert.ok(reasonsOf(list, 'ivy').includes('a public librarian (your network has few)'), JSON.stringify(reasonsOf(list, 'ivy')));
    assert.ok(reasonsOf(list, 'ivy').includes('in Accra, Ghana (few people you follow are there)'));
    const ivy = list.find((s: Json) => s.actor.handle === 'ivy');
    assert.equal(ivy.actor.roleLabel, 'Public librarian');
    assert.equal(ivy.actor.location, 'Accra, Ghana');
  });

  test('self, followed, requested, blocked (both ways), muted, suspended and dismissed people never appear', async () => {
    const list = await suggestions(m.vera!, 50);
    const shown = handles(list);
    for (const never of ['vera', 'ann', 'bob', 'cal', 'gus', 'hal', 'jon', 'kim', 'liz', 'ned'])
      assert.ok(!shown.includes(never), `${never} in ${shown}`);
    assert.ok(shown.includes('oli'), 'oli is suggested until dismissed');

    // Dismissed through the API: gone, and still gone on the next request and after other changes.
    const res = await m.vera!.api('POST', `/api/v1/insights/suggestions/${m.oli!.actorId}/dismiss`);
    assert.equal(res.status, 204);
    assert.equal(
      (await m.vera!.api('POST', `/api/v1/insights/suggestions/${m.oli!.actorId}/dismiss`)).status,
      204,
      'dismissing twice is fine',
    );
    await follow(m.hal!, m.oli!);
    assert.ok(!handles(await suggestions(m.vera!, 50)).includes('oli'));

    // A follow request (locked account) counts as already asked.
    await server.services.database.db.updateTable('actors').set({ locked: 1 }).where('id', '=', m.eve!.actorId).execute();
    assert.equal((await m.vera!.api('POST', '/api/v1/people/eve/follow')).status, 200);
    assert.ok(!handles(await suggestions(m.vera!, 50)).includes('eve'));
  });

  test('the page lists people with reasons, Follow and Dismiss buttons that work without JavaScript', async () => {
    const page = await m.vera!.web.get('/insights/suggestions');
    assert.equal(page.status, 200);
    const first = page.document.querySelector('.suggestions li')!;
    assert.match(first.querySelector('h2')!.textContent!, /Dee/);
    assert.match(first.textContent!, /4 people you follow follow them/);
    const followForm = first.querySelector('form[action="/@dee/follow"]')!;
    // Follow comes back to Dee's card, which stays in the list (keep) saying Following.
    const back = `/insights/suggestions?keep=${m.dee!.actorId}#suggestion-${m.dee!.actorId}`;
    assert.equal(followForm.querySelector('input[name=back]')!.getAttribute('value'), back);

    const followed = await m.vera!.web.post('/@dee/follow', { back });
    assert.equal(followed.status, 303);
    assert.equal(followed.headers.get('location'), back);
    const kept = await m.vera!.web.get(back);
    assert.match(kept.document.getElementById(`suggestion-${m.dee!.actorId}`)!.textContent!, /Following/);
    const dismissed = await m.vera!.web.post(`/insights/suggestions/${m.fay!.actorId}/dismiss`, {
      back: '/insights/suggestions',
      name: 'Fay',
    });
    assert.equal(dismissed.status, 303);
    const after = await m.vera!.web.get('/insights/suggestions');
    assert.match(after.text('.notice'), /Fay will not be suggested again/);
    const names = [...after.document.querySelectorAll('.suggestions h2')].map((h) => h.textContent!.trim());
    assert.ok(!names.includes('Dee') && !names.includes('Fay'), JSON.stringify(names));
  });

  test('a brand-new member with only a role and two passions gets ten suggestions with reasons', async () => {
    // A small community: people who share the passions, and active people in the same or a related role.
    const community: Member[] = [];
    for (let i = 0; i < 6; i++) {
      const who = await createMember(server, `gn${i}`);
      await profile(who, {
        role: i % 2 ? 'teacher' : 'public_librarian',
        passions: i < 3 ? ['Graphic novels', 'Robotics'] : ['Graphic novels'],
      });
      community.push(who);
    }
    for (let i = 0; i < 6; i++) {
      const who = await createMember(server, `sl${i}`);
      await profile(who, { role: i < 4 ? 'school_librarian' : 'teacher' });
      await who.post(`Today in the library, day ${i}.`);
      community.push(who);
    }
    const newt = await createMember(server, 'newt');
    await profile(newt, { role: 'school_librarian', passions: ['Graphic novels', 'Robotics'] });
    const list = await suggestions(newt);
    assert.equal(list.length, 10, JSON.stringify(handles(list)));
    for (const s of list) assert.ok(s.reasons.length > 0, `${s.actor.handle} has no reason`);
    // Those sharing both passions come first.
    assert.deepEqual(handles(list).slice(0, 3).sort(), ['gn0', 'gn1', 'gn2']);
    assert.ok(reasonsOf(list, 'gn0').includes('shares your passions: Graphic novels and Robotics'));
    assert.ok(
      list.some((s: Json) => s.reasons.includes('also a school librarian')),
      JSON.stringify(list.map((s: Json) => s.reasons)),
    );
  });

  test('bad input: unknown or invalid people, limits out of range, not signed in', async () => {
    const unknown = await m.vera!.api('POST', '/api/v1/insights/suggestions/99999999/dismiss');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'not_found');
    assert.equal((await m.vera!.api('POST', '/api/v1/insights/suggestions/abc/dismiss')).status, 422);
    assert.equal((await m.vera!.api('POST', `/api/v1/insights/suggestions/${m.vera!.actorId}/dismiss`)).status, 422);
    assert.equal(
      (await m.vera!.api('POST', `/api/v1/insights/suggestions/${m.ned!.actorId}/dismiss`)).status,
      404,
      'suspended members are not there',
    );
    for (const limit of ['0', '51', '-3', 'ten', '2.5']) {
      const res = await m.vera!.api('GET', `/api/v1/insights/suggestions?limit=${limit}`);
      assert.equal(res.status, 422, `limit=${limit}`);
      assert.equal(res.json.error.issues[0].path, 'limit');
    }
    assert.equal((await m.vera!.api('GET', '/api/v1/insights/suggestions?limit=10&sort=x')).status, 422, 'unknown parameters are refused');
    assert.equal((await server.client().api('GET', '/api/v1/insights/suggestions')).status, 401);
    assert.equal((await server.client().api('POST', `/api/v1/insights/suggestions/${m.dee!.actorId}/dismiss`)).status, 401);
    // The page: signed out goes to sign in; a bad id is a 404 page.
    const signedOut = await server.client().get('/insights/suggestions');
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.location!, /^\/login\?next=/);
    assert.equal((await m.vera!.web.post('/insights/suggestions/nope/dismiss', { back: '/insights/suggestions' })).status, 404);
    assert.equal((await m.vera!.web.post('/insights/suggestions/99999999/dismiss', { back: '/insights/suggestions' })).status, 404);
    // An attacker's back link does not leave the site.
    const offsite = await m.vera!.web.post(`/insights/suggestions/${m.pat!.actorId}/dismiss`, { back: 'https://evil.example/' });
    assert.equal(offsite.status, 303);
    assert.ok(offsite.location!.startsWith('/') && !offsite.location!.startsWith('//'), offsite.location!);
  });
});

describe('who to follow: following back, and the pools of best-known people', () => {
  let server: TestServer;
  let m: Record<string, Member>;
  before(async () => {
    server = await startTestServer();
    m = await createMembers(server, ['rae', 'fan', 'p0', 'p1', 'p2', 'q0', 'q1', 'q2']);
    await profile(m.rae!, { role: 'public_librarian', passions: ['Storytime'] });
    for (const h of ['p0', 'p1', 'p2']) await profile(m[h]!, { passions: ['Storytime'] });
    // p2 is well known (three followers) but silent; p1 has no followers but posted today.
    for (const h of ['q0', 'q1', 'q2']) await follow(m[h]!, m.p2!);
    await m.p1!.post('Rhymes that worked at storytime this morning.');
    await follow(m.fan!, m.rae!);
  });
  after(async () => server?.close());

  const pool = async (kind: 'passion' | 'role' | 'place', key: string) =>
    (
      await server.services.database.db
        .selectFrom('suggestion_pools')
        .innerJoin('actors', 'actors.id', 'suggestion_pools.actor_id')
        .select('actors.handle')
        .where('kind', '=', kind)
        .where('key', '=', key)
        .orderBy('rank')
        .execute()
    ).map((r) => r.handle);

  test('someone who follows you and whom you do not follow back comes first, saying so', async () => {
    const list = await suggestions(m.rae!);
    assert.equal(list[0].actor.handle, 'fan', JSON.stringify(handles(list)));
    assert.equal(list[0].reasons[0], 'follows you');
    await follow(m.rae!, m.fan!);
    assert.ok(!handles(await suggestions(m.rae!)).includes('fan'), 'followed back: no longer suggested');
  });

  test('the pools job ranks active people first, then by followers, skips the suspended, and can run again', async () => {
    const passion = await server.services.database.db
      .selectFrom('passions')
      .select('id')
      .where('slug', '=', 'storytime')
      .executeTakeFirstOrThrow();
    await server.services.insights.pools.refresh();
    assert.deepEqual(await pool('passion', String(passion.id)), ['p1', 'p2', 'rae', 'p0']);
    assert.deepEqual(await pool('role', 'public_librarian'), ['rae']);
    await server.services.accounts.suspend('p1', 'spam', null);
    const again = await server.services.insights.pools.refresh();
    assert.deepEqual(await pool('passion', String(passion.id)), ['p2', 'rae', 'p0']);
    const stored = await server.services.database.db
      .selectFrom('suggestion_pools')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(again.rows, Number(stored.n), 'the refresh replaces the table, it does not add to it');
    // With the pools in place, Rae is offered the best-known holders of her passion.
    const list = await suggestions(m.rae!);
    assert.deepEqual(handles(list).slice(0, 2), ['p2', 'p0'], JSON.stringify(list.map((s: Json) => [s.actor.handle, s.reasons])));
    assert.ok(reasonsOf(list, 'p2').includes('shares your passion: Storytime'));
  });
});

describe('who to follow: related passions', () => {
  let server: TestServer;
  let m: Record<string, Member>;
  before(async () => {
    server = await startTestServer();
    m = await createMembers(server, ['boss', 'sam', 'lia', 'ted', 'tia', 'zed']);
    await profile(m.sam!, { passions: ['Storytime', 'Youth services'] });
    await profile(m.lia!, { passions: ['Early literacy', 'Lapsit'] });
    await profile(m.ted!, { passions: ['Storytimes'] });
    await profile(m.tia!, { passions: ['Teen services'] });
    await profile(m.zed!, { passions: ['Knitting'] });
  });
  after(async () => server?.close());

  test('people with a related passion are suggested, saying which and like which of yours', async () => {
    const list = await suggestions(m.sam!);
    const seen = JSON.stringify(list.map((s: Json) => [s.actor.handle, s.reasons]));
    assert.deepEqual(handles(list).sort(), ['lia', 'ted', 'tia'], seen);
    assert.ok(reasonsOf(list, 'ted').includes('shares your passion: Storytime'), seen);
    assert.ok(reasonsOf(list, 'lia').includes('also into Early literacy and Lapsit (like your Storytime)'), seen);
    assert.ok(reasonsOf(list, 'tia').includes('also into Teen services (like your Youth services)'), seen);
    // The same passion counts for more than a related one.
    assert.ok(handles(list).indexOf('ted') < handles(list).indexOf('tia'), seen);
    // With the pools built the same people come, from the pools.
    await server.services.insights.pools.refresh();
    assert.deepEqual(handles(await suggestions(m.sam!)).sort(), ['lia', 'ted', 'tia']);
  });

  test('the suggestions follow the vocabulary the administrators keep', async () => {
    const put = await m.boss!.api('PUT', '/api/v1/admin/passions', { groups: [['Storytime', 'Knitting']] });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    await server.services.insights.pools.refresh();
    const list = await suggestions(m.sam!);
    assert.deepEqual(handles(list).sort(), ['ted', 'zed'], JSON.stringify(list.map((s: Json) => [s.actor.handle, s.reasons])));
    assert.ok(reasonsOf(list, 'zed').includes('also into Knitting (like your Storytime)'));
  });
});

describe('who to follow: people from the same chats', () => {
  let server: TestServer;
  let m: Record<string, Member>;

  /** A weekly chat of `host`'s whose first occurrence starts half an hour from now, started early, with Q1 asked. */
  async function liveChat(host: Member, slug: string): Promise<string> {
    const at = utcToZoned(Date.now() + 30 * 60_000, 'UTC');
    const created = await host.api('POST', '/api/v1/chats', {
      hashtag: `#${slug}`,
      title: `${slug} chat`,
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: at.weekday },
      startDate: at.date,
      time: at.time,
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const api = `/api/v1/chats/${slug}/${at.date}`;
    assert.equal((await host.api('POST', `${api}/questions`, { text: 'What are you reading?' })).status, 201);
    assert.equal((await host.api('POST', `${api}/start`)).status, 200);
    assert.equal((await host.api('POST', `${api}/release`, { number: 1 })).status, 200);
    return api;
  }

  before(async () => {
    server = await startTestServer();
    m = await createMembers(server, ['host', 'uma', 'zed', 'tagger', 'hidden', 'other', 'elsewhere', 'third']);
    // Before the chat is live, a post with its hashtag is not part of it (but it is hashtag co-use).
    await m.tagger!.post('Looking forward to #samechat tonight');
    const api = await liveChat(m.host!, 'samechat');
    await m.uma!.post('A1: The Wild Robot, with my fourth graders #samechat');
    await m.zed!.post('A1 Graphic novels, always #samechat');
    const offTopic = await m.hidden!.post('A1: buy my course #samechat');
    // A moderator hides an off-topic post: it no longer counts as taking part.
    assert.equal((await m.host!.api('POST', `${api}/posts/${offTopic.id}/hide`)).status, 204);
    await liveChat(m.other!, 'otherchat');
    await m.elsewhere!.post('A1: Poetry month plans #otherchat');
    await m.third!.post('A1 A poem a day on the library door #otherchat');
  });
  after(async () => server?.close());

  test('two members answering in the same chat are suggested to each other, saying so', async () => {
    const forUma = await suggestions(m.uma!);
    assert.ok(
      reasonsOf(forUma, 'zed').includes('you were both in #samechat'),
      JSON.stringify(forUma.map((s: Json) => [s.actor.handle, s.reasons])),
    );
    assert.ok(reasonsOf(await suggestions(m.zed!), 'uma').includes('you were both in #samechat'));
  });

  test('the reason needs the chat itself: not the hashtag outside it, not a hidden post, not another chat', async () => {
    const list = await suggestions(m.uma!, 50);
    const tagger = reasonsOf(list, 'tagger');
    assert.ok(tagger.includes('posts about #samechat'), `hashtag co-use is its own reason: ${JSON.stringify(tagger)}`);
    assert.ok(!tagger.some((r) => r.startsWith('you were both in')), JSON.stringify(tagger));
    assert.ok(!reasonsOf(list, 'hidden').some((r) => r.startsWith('you were both in')), JSON.stringify(reasonsOf(list, 'hidden')));
    for (const h of ['other', 'elsewhere', 'third'])
      assert.ok(!reasonsOf(list, h).some((r) => r.startsWith('you were both in')), `${h}: ${JSON.stringify(reasonsOf(list, h))}`);
    assert.ok(reasonsOf(await suggestions(m.elsewhere!), 'third').includes('you were both in #otherchat'), 'each chat has its own people');
  });
});
