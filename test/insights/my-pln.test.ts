import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { createMember, createMembers, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * My PLN through the doors members use: GET /api/v1/insights and the /insights page. Each
 * member below does one kind of thing, through the API, and lands in the matching stage.
 */

let server: TestServer;
let feeds: FeedServer;
let others: Member[];
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  const o = await createMembers(server, ['ona', 'oli', 'oto', 'ova', 'ozzy', 'opal', 'orin']);
  others = Object.values(o);
});
after(async () => {
  await server.close();
  await feeds.close();
});

const DAY = 86_400_000;
const insights = (member: Member): Promise<Json> => getJson(server, member, '/api/v1/insights');

/** Makes an account look as if it joined long ago (time passing; nothing a request can do). */
async function joinedLongAgo(member: Member, days = 200): Promise<void> {
  await server.services.database.db
    .updateTable('actors')
    .set({ created_at: Date.now() - days * DAY })
    .where('id', '=', member.actorId)
    .execute();
}

async function setRole(member: Member, role: string): Promise<void> {
  const res = await member.api('PATCH', '/api/v1/profile', { role });
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

describe('stages', () => {
  test('zero activity: all zeros, a first step, no division by zero', async () => {
    const newbie = await createMember(server, 'newbie');
    const data = await insights(newbie);
    assert.deepEqual(data.scores, { consumption: 0, connection: 0, creation: 0, contribution: 0 });
    assert.equal(data.stage, 'consumption');
    assert.match(data.nextStep.text, /^Start small/);
    // Not the directory: the guided step with starter kits and suggestions, one click each.
    assert.equal(data.nextStep.href, '/welcome/people');
    assert.equal(data.health.following, 0);
    assert.equal(data.health.reciprocity, null);
    assert.deepEqual(data.health.roles, []);
    assert.equal(data.health.diversityNudge, null);
    assert.equal(data.health.dormantFollows.total, 0);
    const page = await newbie.web.get('/insights');
    assert.equal(page.status, 200);
    assert.match(page.html, /Start small/);
    assert.match(page.html, /You follow nobody yet/);
    assert.doesNotMatch(page.html, /NaN|Infinity/);
  });

  test('a lurker who reads and follows is in consumption, told to reply', async () => {
    const lurker = await createMember(server, 'lurker');
    const url = feeds.set('/lurker.xml', {
      headers: { 'content-type': 'application/rss+xml' },
      body: rss(
        'Library news',
        [1, 2, 3, 4].map((i) => ({
          title: `News ${i}`,
          guid: `n${i}`,
          link: `${feeds.url}/n${i}`,
          date: new Date(Date.now() - i * 3600_000).toUTCString(),
        })),
      ),
    });
    const sub = await lurker.api('POST', '/api/v1/subscriptions', { url });
    assert.equal(sub.status, 201, JSON.stringify(sub.json));
    let items = (await getJson(server, lurker, '/api/v1/items?scope=all')).items as Json[];
    if (items.length === 0) {
      await lurker.api('POST', `/api/v1/subscriptions/${sub.json.id}/refresh`);
      items = (await getJson(server, lurker, '/api/v1/items?scope=all')).items;
    }
    assert.equal(items.length, 4);
    for (const item of items.slice(0, 3)) assert.equal((await lurker.api('POST', `/api/v1/items/${item.id}/read`)).status, 204);
    const before = await insights(lurker);
    assert.equal(before.activity.itemsRead, 3);

    for (const other of others.slice(0, 6)) await follow(lurker, other);
    const data = await insights(lurker);
    assert.equal(data.activity.followsMade, 7, 'six people and one source');
    assert.ok(data.scores.consumption >= 40, JSON.stringify(data.scores));
    assert.equal(data.scores.connection, 0);
    assert.equal(data.stage, 'consumption');
    assert.match(data.nextStep.text, /reply to one post a day/);
  });

  test('a member who replies and has mutual follows reaches connection', async () => {
    const connector = await createMember(server, 'connector');
    for (const other of others.slice(0, 3)) {
      await follow(connector, other);
      await follow(other, connector);
      const post = await other.post(`What are you reading this week, ${other.handle}?`);
      await connector.post('A graphic novel about bees!', { replyToId: post.id });
    }
    const data = await insights(connector);
    assert.equal(data.activity.repliesToOthers, 3);
    assert.equal(data.activity.mutuals, 3);
    assert.equal(data.health.mutuals, 3);
    assert.equal(data.health.reciprocity, 1);
    assert.equal(data.stage, 'connection', JSON.stringify(data.scores));
    assert.ok(data.scores.creation < 40);
    assert.match(data.nextStep.text, /share one useful link/);
  });

  test('a member who publishes articles and makes a collection reaches creation', async () => {
    const creator = await createMember(server, 'creator');
    for (const title of ['Genrefication, a year on', 'Author visits on a budget']) {
      const draft = await creator.api('POST', '/api/v1/articles', { title, markdown: `Notes on ${title}.` });
      assert.equal(draft.status, 201, JSON.stringify(draft.json));
      assert.equal((await creator.api('POST', `/api/v1/articles/${draft.json.id}/publish`)).status, 200);
    }
    const collection = await creator.api('POST', '/api/v1/curation/collections', { title: 'Makerspace ideas', visibility: 'public' });
    assert.equal(collection.status, 201, JSON.stringify(collection.json));
    const data = await insights(creator);
    assert.equal(data.activity.articlesPublished, 2);
    assert.equal(data.activity.collectionsMade, 1);
    assert.equal(data.stage, 'creation', JSON.stringify(data.scores));
    assert.match(data.nextStep.text, /starter kit/);
  });

  test('a member whose posts are boosted and liked and who hosts a chat reaches contribution', async () => {
    const giver = await createMember(server, 'giver');
    const post = await giver.post('Free lesson plans for #medialiteracy week: https://example.org/plans');
    for (const other of others.slice(0, 3)) {
      assert.equal((await other.api('POST', `/api/v1/posts/${post.id}/boost`)).status, 204);
      assert.equal((await other.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
    }
    const start = utcToZoned(Date.now() + 2 * DAY, 'UTC');
    const chat = await giver.api('POST', '/api/v1/chats', {
      hashtag: '#givechat',
      title: 'Giving back',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: start.weekday },
      startDate: start.date,
      time: '18:00',
      durationMinutes: 60,
    });
    assert.equal(chat.status, 201, JSON.stringify(chat.json));
    const data = await insights(giver);
    assert.equal(data.activity.reactionsReceived, 6);
    assert.ok(data.activity.chatsHosted >= 1);
    assert.equal(data.stage, 'contribution', JSON.stringify(data.scores));
  });
});

describe('network health', () => {
  test('dormant follows are listed, and unfollowing from the page works', async () => {
    const tidy = await createMember(server, 'tidy');
    const quiet = await createMember(server, 'quiet');
    const fresh = await createMember(server, 'fresh');
    await joinedLongAgo(quiet);
    await follow(tidy, quiet);
    await follow(tidy, fresh);
    const data = await insights(tidy);
    assert.equal(data.health.dormantFollows.total, 1, 'a newcomer who has not posted yet is not "quiet"');
    assert.equal(data.health.dormantFollows.people[0].acct, 'quiet');

    const page = await tidy.web.get('/insights');
    assert.equal(page.status, 200);
    assert.match(page.html, /action="\/@quiet\/unfollow"/);
    const res = await tidy.web.post('/@quiet/unfollow', { back: '/insights#dormant-follows' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/insights#dormant-follows');
    const after = await insights(tidy);
    assert.equal(after.health.dormantFollows.total, 0);
    assert.equal(after.health.following, 1);

    // Posting recently takes someone off the list.
    const back = await createMember(server, 'backagain');
    await joinedLongAgo(back);
    await follow(tidy, back);
    assert.equal((await insights(tidy)).health.dormantFollows.total, 1);
    await back.post('I am back from leave!');
    assert.equal((await insights(tidy)).health.dormantFollows.total, 0);
  });

  test('a dormant source is listed with an unfollow button', async () => {
    const reader = await createMember(server, 'reader');
    const url = feeds.set('/old.xml', {
      headers: { 'content-type': 'application/rss+xml' },
      body: rss('Old blog', [
        { title: 'Last post', guid: 'last', link: `${feeds.url}/last`, date: new Date(Date.now() - 200 * DAY).toUTCString() },
      ]),
    });
    const sub = await reader.api('POST', '/api/v1/subscriptions', { url });
    assert.equal(sub.status, 201);
    // Followed long ago, and the source has published nothing since.
    await server.services.database.db
      .updateTable('subscriptions')
      .set({ created_at: Date.now() - 120 * DAY })
      .where('id', '=', sub.json.id)
      .execute();
    const row = await server.services.database.db
      .selectFrom('subscriptions')
      .select('source_id')
      .where('id', '=', sub.json.id)
      .executeTakeFirstOrThrow();
    await server.services.database.db
      .updateTable('sources')
      .set({ last_item_at: Date.now() - 200 * DAY })
      .where('id', '=', row.source_id)
      .execute();
    const data = await insights(reader);
    assert.equal(data.health.dormantSources.total, 1);
    assert.equal(data.health.dormantSources.sources[0].subscriptionId, sub.json.id);
    const page = await reader.web.get('/insights');
    assert.match(page.html, new RegExp(`action="/sources/subscriptions/${sub.json.id}/delete"`));
    assert.equal((await reader.web.post(`/sources/subscriptions/${sub.json.id}/delete`, {})).status, 303);
    assert.equal((await insights(reader)).health.dormantSources.total, 0);
  });

  test('the diversity nudge appears when one role dominates, and not otherwise', async () => {
    const narrow = await createMember(server, 'narrow');
    const peers = await createMembers(server, ['sl1', 'sl2', 'sl3', 'sl4', 'sl5', 'pl1']);
    for (const [handle, peer] of Object.entries(peers)) {
      await setRole(peer, handle.startsWith('sl') ? 'school_librarian' : 'public_librarian');
      await follow(narrow, peer);
    }
    const data = await insights(narrow);
    assert.equal(data.health.roles[0].key, 'school_librarian');
    assert.equal(data.health.roles[0].count, 5);
    assert.ok(data.health.diversityNudge, 'five of six are school librarians');
    assert.match(data.health.diversityNudge.text, /^83% of the people you follow are school librarians —/);
    assert.equal(data.health.diversityNudge.href, '/insights/suggestions');
    const page = await narrow.web.get('/insights');
    assert.match(page.html, /83% of the people you follow are school librarians —/);
    assert.match(page.html, /<svg[^>]*id="roles-chart"[^>]*role="img"/);
    assert.match(page.html, /<caption>Roles of the people you follow<\/caption>/);

    const wide = await createMember(server, 'wide');
    const mixed = await createMembers(server, ['m1', 'm2', 'm3', 'm4', 'm5']);
    const roles = ['school_librarian', 'public_librarian', 'author', 'teacher', 'social_worker'];
    for (const [i, peer] of Object.values(mixed).entries()) {
      await setRole(peer, roles[i]!);
      await follow(wide, peer);
    }
    assert.equal((await insights(wide)).health.diversityNudge, null);
  });

  test('tie strength lists the people talked with both ways', async () => {
    const [a, b, c] = await Promise.all([createMember(server, 'tiea'), createMember(server, 'tieb'), createMember(server, 'tiec')]);
    const first = await a.post('Anyone tried sticker-based genrefication?');
    const reply = await b.post('We did! Ask me anything.', { replyToId: first.id });
    await a.post('How long did it take?', { replyToId: reply.id });
    await a.post('@tiec you might like this thread');
    const data = await insights(a);
    assert.deepEqual(
      data.health.ties.map((t: Json) => [t.acct, t.toThem, t.fromThem]),
      [['tieb', 1, 1]],
      'c was only mentioned, never answered: not a tie yet',
    );
    assert.ok(c);
  });
});

describe('privacy and bad input', () => {
  test('no one can ask for another member’s insights', async () => {
    const [me, them] = [others[0]!, others[1]!];
    const res = await me.api('GET', `/api/v1/insights?member=${them.memberId}`);
    assert.equal(res.status, 422, JSON.stringify(res.json));
    const also = await me.api('GET', `/api/v1/insights?actor=${them.actorId}&handle=${them.handle}`);
    assert.equal(also.status, 422);
    const anonymous = await server.client().api('GET', '/api/v1/insights');
    assert.equal(anonymous.status, 401);
    const page = await server.client().get('/insights');
    assert.equal(page.status, 303);
    assert.equal(page.location, '/login?next=%2Finsights');
    assert.doesNotMatch(page.html, /Network health/);
  });

  test('the page shows the stage chart with its table and the next step', async () => {
    const page = await others[0]!.web.get('/insights');
    assert.equal(page.status, 200);
    assert.match(page.html, /<svg[^>]*id="stage-chart"[^>]*role="img"[^>]*aria-labelledby="stage-chart-title stage-chart-desc"/);
    assert.match(page.html, /<caption>Stage scores/);
    assert.match(page.html, /Next step:/);
    assert.match(page.html, /href="\/insights\/suggestions"/, 'the section tabs link to the suggestions');
  });
});
