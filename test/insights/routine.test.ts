import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { createMember, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Routine through the doors members use: GET /api/v1/insights/routine, the /insights/routine
 * page and its forms. The plan's steps turn done as the member reads, replies and shares; the
 * streak and the heat map count days in the member's time zone.
 */

let server: TestServer;
let feeds: FeedServer;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
});
after(async () => {
  await server.close();
  await feeds.close();
});

const DAY = 86_400_000;
const routine = (member: Member): Promise<Json> => getJson(server, member, '/api/v1/insights/routine');
const step = (data: Json, key: string): Json => data.steps.find((s: Json) => s.key === key);

/** Moves a member's posts, likes and bookmarks made since `since` back in time (time passing; nothing a request can do). */
async function backdate(member: Member, since: number, to: number): Promise<void> {
  const { db } = server.services.database;
  await db.updateTable('posts').set({ created_at: to }).where('actor_id', '=', member.actorId).where('created_at', '>=', since).execute();
  await db.updateTable('likes').set({ created_at: to }).where('actor_id', '=', member.actorId).where('created_at', '>=', since).execute();
  await db
    .updateTable('bookmarks')
    .set({ created_at: to })
    .where('member_id', '=', member.memberId)
    .where('created_at', '>=', since)
    .execute();
}

/** Noon, `daysAgo` days before today, in UTC (the members here keep the default time zone, UTC). */
function noonDaysAgo(daysAgo: number): number {
  const today = new Date().toISOString().slice(0, 10);
  return Date.parse(`${today}T12:00:00Z`) - daysAgo * DAY;
}

async function subscribe(member: Member, path: string, titles: string[]): Promise<Json[]> {
  const url = feeds.set(path, {
    headers: { 'content-type': 'application/rss+xml' },
    body: rss(
      `Feed ${path}`,
      titles.map((title, i) => ({
        title,
        guid: `${path}-${i}`,
        link: `${feeds.url}${path}/${i}`,
        date: new Date(Date.now() - (i + 1) * 3600_000).toUTCString(),
      })),
    ),
  });
  const sub = await member.api('POST', '/api/v1/subscriptions', { url });
  assert.equal(sub.status, 201, JSON.stringify(sub.json));
  let items = (await getJson(server, member, '/api/v1/items?scope=all')).items as Json[];
  if (items.length < titles.length) {
    await member.api('POST', `/api/v1/subscriptions/${sub.json.id}/refresh`);
    items = (await getJson(server, member, '/api/v1/items?scope=all')).items;
  }
  assert.equal(items.length, titles.length);
  return items;
}

describe('the plan', () => {
  test('zero activity: no streak, an empty heat map with a note, and a plan that still has three steps', async () => {
    const newbie = await createMember(server, 'rnewbie');
    const data = await routine(newbie);
    assert.equal(data.timeZone, 'UTC');
    assert.equal(data.today, utcToZoned(Date.now(), 'UTC').date);
    assert.deepEqual(data.streak, { days: 0, includesToday: false, capped: false });
    assert.equal(data.days.length, 84);
    assert.equal(data.days[83].date, data.today);
    assert.ok(data.days.every((d: Json) => d.count === 0));
    assert.equal(data.activeDays, 0);
    assert.deepEqual(
      data.steps.map((s: Json) => [s.key, s.done]),
      [
        ['read', false],
        ['answer', false],
        ['share', false],
      ],
    );
    assert.deepEqual(
      step(data, 'read').links.map((l: Json) => l.url),
      ['/insights/suggestions', '/sources/manage'],
      'nothing to read: suggests following and subscribing',
    );
    assert.deepEqual(
      step(data, 'answer').links.map((l: Json) => l.url),
      ['/stream'],
    );

    const page = await newbie.web.get('/insights/routine');
    assert.equal(page.status, 200);
    assert.ok(page.document.querySelector('#heatmap-empty'), 'a friendly note instead of an empty picture only');
    assert.equal(page.document.querySelectorAll('svg#heatmap[role=img] g.heat-cell').length, 84);
    assert.match(page.document.querySelector('#streak')!.textContent!, /No streak yet/);
    assert.equal(page.document.querySelectorAll('.routine-step__status').length, 3);
    assert.doesNotMatch(page.html, /NaN|Infinity|undefined/);
  });

  test('steps turn done after reading from the plan, replying and sharing; the plan names concrete things', async () => {
    const reader = await createMember(server, 'rreader');
    const pat = await createMember(server, 'rpat', { displayName: 'Pat' });
    const quinn = await createMember(server, 'rquinn', { displayName: 'Quinn' });
    await follow(reader, pat);
    await follow(reader, quinn);
    const question = await pat.post('Has anyone tried genrefication in a middle school library?');
    const popular = await quinn.post('Our makerspace opened today: https://example.org/makerspace');
    assert.equal((await pat.api('POST', `/api/v1/posts/${popular.id}/like`)).status, 204);
    const items = await subscribe(reader, '/rreader.xml', ['Weeding the collection', 'Author visits on a budget']);

    let data = await routine(reader);
    const read = step(data, 'read');
    assert.deepEqual(
      read.links
        .filter((l: Json) => l.kind === 'item')
        .map((l: Json) => l.id)
        .sort(),
      items.map((i) => i.id).sort(),
    );
    assert.deepEqual(
      read.links.filter((l: Json) => l.kind === 'post').map((l: Json) => l.id),
      [popular.id, question.id],
      'the most engaged-with post first',
    );
    assert.equal(step(data, 'answer').links[0].id, question.id, 'a question from someone followed');
    assert.equal(step(data, 'answer').links[0].url, `/@rpat/${question.id}`);
    assert.ok(
      step(data, 'share').links.some((l: Json) => l.url === `/sources/items/${read.links[0].id}/share` || l.url.endsWith('/share')),
    );
    assert.deepEqual(
      data.steps.map((s: Json) => s.done),
      [false, false, false],
    );
    const before = await reader.web.get('/insights/routine');
    assert.equal(
      before.document.querySelectorAll('#step-read form[action="/insights/routine/read"] input[name=kind]').length,
      4,
      'things to read open through the plan',
    );
    assert.ok(before.document.querySelector(`#step-answer a[href="/@rpat/${question.id}"]`), 'the post to answer is a plain link');
    assert.ok(before.document.querySelector('#step-share a[href="/compose"]'));

    // Read: the plan's form opens the item (which marks it read) and ticks the step.
    const opened = await reader.web.post('/insights/routine/read', { kind: 'item', id: String(items[0].id) });
    assert.equal(opened.status, 303);
    assert.equal(opened.location, `/sources/items/${items[0].id}`);
    data = await routine(reader);
    assert.deepEqual(
      data.steps.map((s: Json) => s.done),
      [true, false, false],
    );
    assert.equal(data.days[83].reads, 1);

    // Answer: a reply to someone else.
    await reader.post('Yes — by topic, two years ago. Happy to share notes.', { replyToId: question.id });
    data = await routine(reader);
    assert.deepEqual(
      data.steps.map((s: Json) => s.done),
      [true, true, false],
    );
    assert.notEqual(step(data, 'answer').links[0]?.id, question.id, 'an answered post is not suggested again');

    // Share: a boost.
    assert.equal((await reader.api('POST', `/api/v1/posts/${popular.id}/boost`)).status, 204);
    data = await routine(reader);
    assert.deepEqual(
      data.steps.map((s: Json) => s.done),
      [true, true, true],
    );
    assert.deepEqual(data.streak, { days: 1, includesToday: true, capped: false });
    assert.equal(data.days[83].count, 3, 'one read, one reply, one boost');

    const page = await reader.web.get('/insights/routine');
    assert.match(page.document.querySelector('#plan-progress')!.textContent!, /All three steps done today/);
    assert.equal(page.document.querySelectorAll('.routine-step--done').length, 3);
    const myPln = await reader.web.get('/insights');
    assert.match(myPln.document.querySelector('#routine-card')!.textContent!, /All three steps done today.*Streak: 1 day in a row/s);
  });

  test('a post mentioning the member comes before questions; sharing also counts a link post or a public bookmark', async () => {
    const me = await createMember(server, 'rmentioned');
    const asker = await createMember(server, 'rasker');
    const fan = await createMember(server, 'rfan');
    await follow(me, asker);
    await asker.post('Does anyone have a good booktalk template?');
    const mention = await fan.post('@rmentioned thank you for the reading list!');
    let data = await routine(me);
    assert.equal(step(data, 'answer').links[0].id, mention.id);
    assert.match(step(data, 'answer').text, /mentioned you/);

    await me.post('Worth reading: https://example.org/reading-list');
    data = await routine(me);
    assert.equal(step(data, 'share').done, true, 'a post with a link');

    const other = await createMember(server, 'rbookmarker');
    const guide = await asker.post('A guide to booktalks');
    const guide2 = await asker.post('Another guide to booktalks');
    const res = await other.api('POST', '/api/v1/curation/bookmarks', { postId: guide.id, visibility: 'private' });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(step(await routine(other), 'share').done, false, 'a private bookmark is not sharing');
    const shared = await other.api('POST', '/api/v1/curation/bookmarks', { postId: guide2.id, visibility: 'public' });
    assert.equal(shared.status, 201, JSON.stringify(shared.json));
    assert.equal(step(await routine(other), 'share').done, true, 'a public bookmark is');
  });

  test('with no questions around, a recent post about a passion is suggested to answer', async () => {
    const me = await createMember(server, 'rpassion');
    assert.equal((await me.api('PATCH', '/api/v1/profile', { passions: ['Makerspaces'] })).status, 200);
    const stranger = await createMember(server, 'rstranger');
    const post = await stranger.post('Cardboard week in the #makerspaces corner');
    const data = await routine(me);
    assert.equal(step(data, 'answer').links[0].id, post.id);
    assert.match(step(data, 'answer').text, /passions/);
  });
});

describe('streak and heat map', () => {
  test('the streak counts consecutive days back from yesterday, breaks on a gap, and takes in today once done', async () => {
    const keen = await createMember(server, 'rkeen');
    const poster = await createMember(server, 'rposter');
    const target = await poster.post('Something to like');
    // Active 1, 2 and 3 days ago and 5 days ago; 4 days ago nothing: a gap.
    for (const daysAgo of [1, 2, 3, 5]) {
      const since = Date.now() - 1;
      await keen.post(`Note from ${daysAgo} days ago`);
      if (daysAgo === 2) {
        await keen.post('A second post that day');
        assert.equal((await keen.api('POST', `/api/v1/posts/${target.id}/like`)).status, 204);
      }
      await backdate(keen, since, noonDaysAgo(daysAgo));
    }
    let data = await routine(keen);
    assert.deepEqual(data.streak, { days: 3, includesToday: false, capped: false });
    assert.equal(data.activeDays, 4);
    const day = (daysAgo: number) => data.days[83 - daysAgo];
    assert.deepEqual([day(0).count, day(1).count, day(2).count, day(3).count, day(4).count, day(5).count], [0, 1, 3, 1, 0, 1]);
    assert.deepEqual({ posts: day(2).posts, likes: day(2).likes }, { posts: 2, likes: 1 });

    const page = await keen.web.get('/insights/routine');
    assert.match(page.document.querySelector('#streak')!.textContent!, /3 days in a row up to yesterday/);
    const cell = page.document.querySelector(`g.heat-cell[data-date="${day(2).date}"]`)!;
    assert.equal(cell.getAttribute('data-count'), '3');
    assert.match(cell.querySelector('title')!.textContent!, /2 posts, 1 like \(moderate\)/);
    assert.equal(cell.querySelector('text')!.textContent, '3', 'the number is in the square, not only its shade');
    const rows = [...page.document.querySelectorAll('.routine-table tbody tr')];
    assert.equal(rows.length, 12);
    const cells = rows.flatMap((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent)));
    assert.deepEqual(
      cells,
      data.days.map((d: Json) => d.count),
      'the table has the same numbers, in the same order',
    );

    // Doing something today joins today to the streak.
    await keen.post('Today, too.');
    data = await routine(keen);
    assert.deepEqual(data.streak, { days: 4, includesToday: true, capped: false });
  });

  test('days are the member’s local days: a post late in the UTC evening is tomorrow in Auckland', async () => {
    const kiwi = await createMember(server, 'rkiwi');
    const res = await kiwi.api('PATCH', '/api/v1/profile', { timeZone: 'Pacific/Auckland' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const since = Date.now() - 1;
    await kiwi.post('Morning in Auckland');
    // 2 days ago at 23:00 UTC is already the next day (+12 or +13 hours) in Auckland.
    const at = noonDaysAgo(2) + 11 * 3600_000;
    await backdate(kiwi, since, at);
    const data = await routine(kiwi);
    assert.equal(data.timeZone, 'Pacific/Auckland');
    assert.equal(data.today, utcToZoned(Date.now(), 'Pacific/Auckland').date);
    const local = utcToZoned(at, 'Pacific/Auckland').date;
    assert.notEqual(local, new Date(at).toISOString().slice(0, 10));
    const active = data.days.filter((d: Json) => d.count > 0).map((d: Json) => d.date);
    assert.deepEqual(active, [local]);
    const page = await kiwi.web.get('/insights/routine');
    assert.match(page.html, /Pacific\/Auckland/);
  });

  test('marking reading done by hand counts once a day', async () => {
    const elsewhere = await createMember(server, 'relsewhere');
    const page = await elsewhere.web.post('/insights/routine/read', {});
    assert.equal(page.status, 303);
    assert.equal(page.location, '/insights/routine', 'back to the plan (at #step-read)');
    assert.equal((await elsewhere.api('POST', '/api/v1/insights/routine/read', {})).status, 204);
    const data = await routine(elsewhere);
    assert.equal(step(data, 'read').done, true);
    assert.equal(data.days[83].reads, 1);
    assert.deepEqual(data.streak, { days: 1, includesToday: true, capped: false });
  });

  test('reading a feed item anywhere counts: the read step is done and each item read counts on the day; unread takes it back', async () => {
    const anywhere = await createMember(server, 'ranywhere');
    const items = await subscribe(anywhere, '/ranywhere.xml', ['One', 'Two', 'Three']);
    assert.equal(step(await routine(anywhere), 'read').done, false);
    for (const item of items.slice(0, 2)) assert.equal((await anywhere.api('POST', `/api/v1/items/${item.id}/read`)).status, 204);
    let data = await routine(anywhere);
    assert.equal(step(data, 'read').done, true);
    assert.equal(data.days[83].reads, 2);
    // Ticking the plan's read step as well adds nothing: the day already has reading.
    assert.equal((await anywhere.api('POST', '/api/v1/insights/routine/read', {})).status, 204);
    assert.equal((await routine(anywhere)).days[83].reads, 2);
    assert.equal((await anywhere.api('DELETE', `/api/v1/items/${items[0].id}/read`)).status, 204);
    data = await routine(anywhere);
    assert.equal(data.days[83].reads, 1);
  });
});

describe('bad input and privacy', () => {
  test('the API is the caller’s own: unknown parameters are refused, anonymous callers are not let in', async () => {
    const someone = await createMember(server, 'rsomeone');
    assert.equal((await someone.api('GET', '/api/v1/insights/routine?member=1')).status, 422);
    assert.equal((await server.client().api('GET', '/api/v1/insights/routine')).status, 401);
    const anonymous = await server.client().get('/insights/routine');
    assert.notEqual(anonymous.status, 200);
  });

  test('reading something that is not yours to see is 404 and ticks nothing; both an item and a post is 422', async () => {
    const owner = await createMember(server, 'rowner');
    const snoop = await createMember(server, 'rsnoop');
    const [item] = await subscribe(owner, '/rowner.xml', ['Private reading']);
    const secret = await owner.post('For followers only', { visibility: 'followers' });
    assert.equal(
      (await snoop.api('POST', '/api/v1/insights/routine/read', { itemId: item.id })).status,
      404,
      'an item of a source they do not follow',
    );
    assert.equal((await snoop.api('POST', '/api/v1/insights/routine/read', { postId: secret.id })).status, 404, 'a followers-only post');
    assert.equal((await snoop.api('POST', '/api/v1/insights/routine/read', { postId: 99_999_999 })).status, 404);
    assert.equal((await snoop.api('POST', '/api/v1/insights/routine/read', { itemId: item.id, postId: secret.id })).status, 422);
    assert.equal((await snoop.api('POST', '/api/v1/insights/routine/read', { itemId: 'x' })).status, 422);
    assert.equal((await snoop.web.post('/insights/routine/read', { kind: 'post', id: String(secret.id) })).status, 404);
    assert.equal((await snoop.web.post('/insights/routine/read', { kind: 'item', id: 'abc' })).status, 404);
    assert.equal(step(await routine(snoop), 'read').done, false);
  });
});
