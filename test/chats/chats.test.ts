import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { utcToZoned } from '../../src/chats/time.ts';
import { roomConnections } from '../../src/chats/web/room-live.tsx';
import { TestClock } from '../../src/platform/clock.ts';
import { createMembers, eventually, getJson, type Json, type Member, SseStream } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Chats through the doors people use: the JSON API with tokens, the live room's stream, the
 * downloads and calendars as a calendar app fetches them. The timer (`tick`) is called with
 * chosen times, as the recurring job calls it with the clock's. The server's clock follows the
 * machine's, except where a test stops it at a chosen date (and puts it back after).
 */

const clock = new TestClock();
let server: TestServer;
let host: Member;
let mod: Member;
let ana: Member;
let bo: Member;
let cy: Member;
before(async () => {
  // Long posts allowed: the test of a client that never reads fills the network buffers sooner.
  server = await startTestServer({ env: { POST_MAX_CHARS: '50000' }, clock });
  ({ host, mod, ana, bo, cy } = await createMembers(server, ['host', 'mod', 'ana', 'bo', 'cy']));
});
after(() => server.close());

/** A weekly chat whose first occurrence starts `inMinutes` from now (UTC), with `questions` prepared. */
async function weeklyChat(
  slug: string,
  options: { inMinutes?: number; questions?: number; interval?: number; kind?: 'chat' | 'backchannel'; by?: Member } = {},
): Promise<{ series: Json; chat: Json; base: string; api: string }> {
  const at = utcToZoned(Date.now() + (options.inMinutes ?? 30) * 60_000, 'UTC');
  const by = options.by ?? host;
  const created = await by.api('POST', '/api/v1/chats', {
    kind: options.kind ?? 'chat',
    hashtag: `#${slug}`,
    title: `${slug} chat`,
    timeZone: 'UTC',
    recurrence: options.kind === 'backchannel' ? { freq: 'once' } : { freq: 'weekly', weekday: at.weekday },
    startDate: at.date,
    time: at.time,
    durationMinutes: options.kind === 'backchannel' ? 600 : 60,
    ...(options.interval ? { questionInterval: options.interval } : {}),
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const api = `/api/v1/chats/${slug}/${at.date}`;
  for (let i = 1; i <= (options.questions ?? 0); i++) {
    const q = await by.api('POST', `${api}/questions`, { text: `Question number ${i}?` });
    assert.equal(q.status, 201, JSON.stringify(q.json));
  }
  const { chat } = await getJson(server, by, api);
  return { series: created.json, chat, base: `/chats/${slug}/${at.date}`, api };
}

async function room(api: string, who: Member | null = ana): Promise<Json> {
  return getJson(server, who, `${api}/room`);
}

describe('chat series', () => {
  test('a weekly series plans its coming chats in the host’s zone; bad input is refused with the field named', async (t) => {
    // Friday 20 November 2026: the series starts on the Tuesday after next, in winter time.
    clock.set('2026-11-20T12:00:00Z');
    t.after(() => clock.reset());
    const created = await host.api('POST', '/api/v1/chats', {
      hashtag: '#TLChat',
      title: 'Teacher librarians',
      timeZone: 'America/New_York',
      recurrence: { freq: 'weekly', weekday: 2 },
      startDate: '2026-12-01',
      time: '20:00',
      durationMinutes: 60,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.slug, 'tlchat');
    assert.equal(created.json.hashtag, 'TLChat');
    assert.equal(created.json.scheduleText, 'Every Tuesday at 20:00 New York time');
    assert.equal(created.json.role, 'host');
    const upcoming = await getJson(server, null, '/api/v1/chats/tlchat/chats?when=upcoming');
    assert.ok(upcoming.chats.length >= 10, `planned ${upcoming.chats.length}`);
    assert.equal(upcoming.chats[0].date, '2026-12-01');
    // 20:00 in New York in December is 01:00 UTC the next day.
    assert.equal(upcoming.chats[0].startsAt, '2026-12-02T01:00:00.000Z');
    assert.ok(upcoming.chats.every((c: Json) => new Date(c.startsAt).getUTCDay() === 3));

    const again = await host.api('POST', '/api/v1/chats', {
      hashtag: 'tlchat',
      title: 'Again',
      timeZone: 'UTC',
      recurrence: { freq: 'weekly', weekday: 1 },
      startDate: '2026-12-01',
      time: '10:00',
      durationMinutes: 60,
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.issues[0].path, 'slug');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ timeZone: '+02:00' }, 'timeZone'],
      [{ startDate: '2027-02-30' }, 'startDate'],
      [{ time: '24:00' }, 'time'],
      [{ recurrence: { freq: 'hourly' } }, 'recurrence.freq'],
      [{ recurrence: { freq: 'monthly', week: 5, weekday: 1 } }, 'recurrence.week'],
      [{ hashtag: '#not a tag' }, 'hashtag'],
      [{ durationMinutes: 5 }, 'durationMinutes'],
    ];
    for (const [change, path] of cases) {
      const bad = await host.api('POST', '/api/v1/chats', {
        hashtag: 'other',
        title: 'Other',
        timeZone: 'UTC',
        recurrence: { freq: 'weekly', weekday: 1 },
        startDate: '2026-12-01',
        time: '10:00',
        durationMinutes: 60,
        slug: 'other',
        ...change,
      });
      assert.equal(bad.status, 422, `${JSON.stringify(change)} → ${bad.status}`);
      assert.ok(
        bad.json.error.issues.some((i: Json) => i.path === path),
        `${JSON.stringify(change)}: ${JSON.stringify(bad.json.error.issues)}`,
      );
    }
    assert.equal((await getJson(server, null, '/api/v1/chats/other', 404)).error.code, 'not_found');
  });

  test('a chat over a daylight-saving change keeps its local hour', async () => {
    const viewer = (await server.services.accounts.viewerForMember(host.memberId))!;
    // Planned from 1 March 2027: New York moves to daylight time on 14 March.
    const series = await server.services.chats.series.create(
      viewer,
      {
        hashtag: 'dstchat',
        title: 'DST',
        timeZone: 'America/New_York',
        recurrence: { freq: 'weekly', weekday: 4 },
        startDate: '2027-03-01',
        time: '20:00',
        durationMinutes: 60,
      },
      Date.parse('2027-03-01T00:00:00Z'),
    );
    const chats = await server.services.chats.occurrences.list(null, series.slug, {
      when: 'upcoming',
      now: Date.parse('2027-03-01T00:00:00Z'),
    });
    const byDate = new Map(chats.map((c) => [c.date, new Date(c.startsAt).toISOString()]));
    assert.equal(byDate.get('2027-03-11'), '2027-03-12T01:00:00.000Z');
    assert.equal(byDate.get('2027-03-18'), '2027-03-19T00:00:00.000Z');
  });

  test('only hosts manage a series; moderators run its chats; a series keeps a host', async () => {
    const { api } = await weeklyChat('rolechat');
    assert.equal((await ana.api('POST', `${api}/questions`, { text: 'Mine?' })).status, 403);
    assert.equal((await ana.api('POST', '/api/v1/chats/rolechat/moderators', { handle: 'ana' })).status, 403);
    const added = await host.api('POST', '/api/v1/chats/rolechat/moderators', { handle: '@mod' });
    assert.equal(added.status, 200);
    assert.deepEqual(
      added.json.hosts.map((h: Json) => [h.handle, h.role]),
      [
        ['host', 'host'],
        ['mod', 'moderator'],
      ],
    );
    assert.equal((await mod.api('POST', `${api}/questions`, { text: 'Mod question?' })).status, 201);
    assert.equal((await mod.api('PATCH', '/api/v1/chats/rolechat', { title: 'Renamed' })).status, 403);
    // A moderator of this series is nobody on another one.
    const other = await weeklyChat('otherchat', { by: cy });
    assert.equal((await mod.api('POST', `${other.api}/questions`, { text: 'Sneaky?' })).status, 403);
    assert.equal((await mod.api('POST', `${other.api}/start`)).status, 403);
    const last = await host.api('DELETE', '/api/v1/chats/rolechat/moderators/host');
    assert.equal(last.status, 409);
    assert.equal(last.json.error.code, 'last_host');
    assert.equal((await host.api('POST', '/api/v1/chats/rolechat/moderators', { handle: 'nobody' })).status, 422);
  });
});

describe('a live chat', () => {
  test('questions go out in order, answers are linked however they are written, and the room groups them', async () => {
    const { api, chat } = await weeklyChat('livechat', { questions: 6 });
    assert.equal(chat.state, 'scheduled');
    const early = await host.api('POST', `${api}/release`);
    assert.equal(early.status, 409);
    assert.equal(early.json.error.code, 'not_live');

    assert.equal((await host.api('POST', `${api}/start`)).json.state, 'live');
    const twice = await host.api('POST', `${api}/start`);
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.code, 'already_live');

    const hello = await bo.post('Hi all, Bo from a rural library #livechat');
    const outOfOrder = await host.api('POST', `${api}/release`, { number: 3 });
    assert.equal(outOfOrder.status, 409);
    assert.equal(outOfOrder.json.error.code, 'out_of_order');
    assert.match(outOfOrder.json.error.message, /ask Q1 before Q3/);
    const q1 = await host.api('POST', `${api}/release`, { number: 1 });
    assert.equal(q1.status, 200, JSON.stringify(q1.json));
    assert.ok(q1.json.releasedAt);
    const q1Post = await getJson(server, null, `/api/v1/posts/${q1.json.postId}`);
    assert.equal(q1Post.text, 'Q1 Question number 1? #livechat');
    assert.equal(q1Post.visibility, 'public');

    const a1 = await ana.post('A1: We read aloud every morning #livechat');
    const a1b = await bo.post('a1) Picture books for older kids #livechat');
    const a1c = await cy.post('@host A1 - graphic novels! #livechat');
    const reply = await cy.post('Reply without the tag, still an answer', { replyToId: q1.json.postId });
    const a17 = await ana.post('A17 is not a question here #livechat');
    const privateAnswer = await bo.post('A1: only for my followers #livechat', { visibility: 'followers' });
    assert.equal((await host.api('POST', `${api}/release`)).json.number, 2);
    const a2 = await ana.post('A2: more time #livechat');
    const notYet = await bo.post('A3: jumping ahead #livechat');

    const r = await room(api);
    assert.equal(r.current.label, 'Q2');
    assert.equal(r.prefill, 'A2 \n\n#livechat');
    const answers = (n: number) => r.questions.find((q: Json) => q.number === n).answers.map((p: Json) => p.id);
    assert.deepEqual(answers(1), [a1.id, a1b.id, a1c.id, reply.id]);
    assert.deepEqual(answers(2), [a2.id]);
    assert.deepEqual(
      r.otherPosts.map((p: Json) => p.id),
      [hello.id, a17.id, notYet.id],
    );
    const inRoom = [...r.questions.flatMap((q: Json) => q.answers), ...r.otherPosts].map((p: Json) => p.id);
    assert.ok(!inRoom.includes(privateAnswer.id), 'a followers-only post stays out of the room');
    assert.equal(r.participants, 3);
    // Everyone is new to this series.
    assert.ok(r.questions[0].answers.every((p: Json) => p.firstTime));
    // Chat posts are ordinary posts: they are on the hashtag's timeline.
    const tagged = await getJson(server, null, '/api/v1/timelines/tags/livechat');
    assert.ok(tagged.posts.some((p: Json) => p.id === a1.id));
  });

  test('two moderators asking at once make one post; the last question, then no more', async () => {
    const { api } = await weeklyChat('racechat', { questions: 2 });
    await host.api('POST', '/api/v1/chats/racechat/moderators', { handle: 'mod' });
    await host.api('POST', `${api}/start`);
    const [one, two] = await Promise.all([
      host.api('POST', `${api}/release`, { number: 1 }),
      mod.api('POST', `${api}/release`, { number: 1 }),
    ]);
    assert.deepEqual([one.status, two.status].sort(), [200, 409]);
    const posts = await getJson(server, null, '/api/v1/timelines/tags/racechat');
    assert.equal(posts.posts.filter((p: Json) => p.text.startsWith('Q1 ')).length, 1);
    assert.equal((await mod.api('POST', `${api}/release`)).status, 200);
    const none = await mod.api('POST', `${api}/release`);
    assert.equal(none.status, 409);
    assert.equal(none.json.error.code, 'no_more_questions');
    // An asked question no longer changes.
    assert.equal((await host.api('DELETE', `${api}/questions/1`)).status, 409);
  });

  test('the room is live: answers, questions, highlights and hides arrive by Server-Sent Events; a client that leaves is let go', async () => {
    const { api, base } = await weeklyChat('ssechat', { questions: 3 });
    await host.api('POST', `${api}/start`);
    const listeners = server.services.events.listenerCount;
    const anonymous = await SseStream.open(`${server.url}${base}/live`);
    const moderator = await SseStream.open(`${server.url}${base}/live`, host.auth);
    try {
      const q1 = (await host.api('POST', `${api}/release`)).json;
      const question = JSON.parse((await anonymous.next((e) => e.event === 'question')).data);
      assert.equal(question.label, 'Q1');
      assert.match(question.html, /Question number 1\?/);
      const answer = await ana.post('A1: <b>bold</b> claim #ssechat');
      // Pushed on the open stream as it happens: the reader asks for nothing more.
      const event = await anonymous.nextPost(answer.id);
      const data = JSON.parse(event.data);
      assert.equal(data.question, 1);
      assert.equal(data.firstTime, true);
      assert.match(data.html, /New participant/);
      assert.match(data.html, /&lt;b&gt;bold&lt;\/b&gt;/, 'post text stays escaped');
      // A members-only post reaches members, not anonymous readers.
      const membersOnly = await bo.post('A1 members only #ssechat', { visibility: 'members' });
      await moderator.nextPost(membersOnly.id);
      assert.equal((await host.api('POST', `${api}/posts/${answer.id}/highlight`)).status, 204);
      assert.equal(JSON.parse((await anonymous.next((e) => e.event === 'moderation')).data).highlighted, true);
      assert.equal((await host.api('POST', `${api}/posts/${answer.id}/hide`)).status, 204);
      await anonymous.next((e) => e.event === 'delete' && JSON.parse(e.data).id === answer.id);
      assert.equal(JSON.parse((await moderator.next((e) => e.event === 'moderation' && JSON.parse(e.data).hidden)).data).postId, answer.id);
      assert.ok(!anonymous.postIds().includes(membersOnly.id));
      // Hidden posts leave the room for readers, not for moderators.
      const answerIds = async (who: Member) => (await room(api, who)).questions.flatMap((q: Json) => q.answers.map((p: Json) => p.id));
      assert.ok(!(await answerIds(bo)).includes(answer.id));
      assert.ok((await answerIds(host)).includes(answer.id));
      // Not a post of this chat: someone else's moderation is refused.
      assert.equal((await host.api('POST', `${api}/posts/${q1.postId}/hide`)).status, 404);
      await host.api('POST', `${api}/end`);
      assert.equal(
        JSON.parse((await anonymous.next((e) => e.event === 'state' && JSON.parse(e.data).state === 'ended')).data).state,
        'ended',
      );
    } finally {
      anonymous.close();
      moderator.close();
    }
    await eventually(() => server.services.events.listenerCount === listeners, 3000, 'closed rooms to let go of their listeners');
  });

  test('a client that never reads is dropped; the room goes on for the others', async () => {
    const { api, base, chat } = await weeklyChat('slowchat');
    await host.api('POST', `${api}/start`);
    const viewer = (await server.services.accounts.viewerForMember(ana.memberId))!;
    const reader = await SseStream.open(`${server.url}${base}/live`);
    // A raw connection that sends its request and never reads a byte of the answer.
    const { port } = new URL(server.url);
    const stuck = connect({ host: '127.0.0.1', port: Number(port) });
    stuck.on('error', () => {});
    stuck.write(`GET ${base}/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    stuck.pause();
    await eventually(() => roomConnections(chat.id) === 2, 3000, 'the stuck client to connect');
    const long = `A1 ${'Read aloud, every day, to everyone. '.repeat(1300)} #slowchat`;
    let last = 0;
    for (let i = 0; i < 2000 && roomConnections(chat.id) === 2; i++) {
      last = (await server.services.social.posts.create(viewer, { text: long })).id;
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 10));
    }
    await eventually(() => roomConnections(chat.id) === 1, 5000, 'the server to drop the client that does not read');
    try {
      await reader.nextPost(last, 10_000);
      const fresh = await bo.post('Still here #slowchat');
      await reader.nextPost(fresh.id, 3000);
    } finally {
      reader.close();
      stuck.destroy();
    }
  });

  test('a room client that reconnects with Last-Event-ID gets what it missed, as it may see it, then live events', async () => {
    const { api, base, chat } = await weeklyChat('replaychat', { questions: 2 });
    await host.api('POST', `${api}/start`);
    const anonymous = await SseStream.open(`${server.url}${base}/live`);
    const moderator = await SseStream.open(`${server.url}${base}/live`, host.auth);
    await host.api('POST', `${api}/release`);
    await anonymous.next((e) => e.event === 'question');
    await moderator.next((e) => e.event === 'question');
    const [anonymousId, moderatorId] = [anonymous.lastEventId!, moderator.lastEventId!];
    anonymous.close();
    moderator.close();
    await eventually(() => roomConnections(chat.id) === 0, 3000, 'the room to see them go');
    // While they are away: an answer, a members-only answer, a highlight, a hidden answer, Q2.
    const answer = await ana.post('A1 while they were away #replaychat');
    const membersOnly = await bo.post('A1 members only, while away #replaychat', { visibility: 'members' });
    assert.equal((await host.api('POST', `${api}/posts/${answer.id}/highlight`)).status, 204);
    const hidden = await cy.post('A1 to be hidden #replaychat');
    assert.equal((await host.api('POST', `${api}/posts/${hidden.id}/hide`)).status, 204);
    await host.api('POST', `${api}/release`);
    const anonymousAgain = await SseStream.open(`${server.url}${base}/live`, { 'last-event-id': anonymousId });
    const moderatorAgain = await SseStream.open(`${server.url}${base}/live`, { ...host.auth, 'last-event-id': moderatorId });
    try {
      const live = await ana.post('A2 live again #replaychat');
      await anonymousAgain.nextPost(live.id);
      await moderatorAgain.nextPost(live.id);
      const seen = (stream: SseStream) =>
        stream.events
          .filter((e) => e.event !== 'ready')
          .map((e) => {
            const data = JSON.parse(e.data);
            return e.event === 'post'
              ? `post ${data.id}`
              : e.event === 'question'
                ? `question ${data.number}`
                : e.event === 'moderation'
                  ? `moderation ${data.postId}${data.hidden ? ' hidden' : ''}`
                  : `${e.event} ${data.id}`;
          });
      // Readers only learn that a hidden post went; the room replays it as it is now (hidden).
      assert.deepEqual(seen(anonymousAgain), [
        `post ${answer.id}`,
        `moderation ${answer.id}`,
        `delete ${hidden.id}`,
        'question 2',
        `post ${live.id}`,
      ]);
      assert.deepEqual(seen(moderatorAgain), [
        `post ${answer.id}`,
        `post ${membersOnly.id}`,
        `moderation ${answer.id}`,
        `post ${hidden.id}`,
        `moderation ${hidden.id} hidden`,
        'question 2',
        `post ${live.id}`,
      ]);
      for (const [stream, from] of [
        [anonymousAgain, anonymousId],
        [moderatorAgain, moderatorId],
      ] as const) {
        const ids = stream.events.filter((e) => e.event !== 'ready').map((e) => Number(e.id));
        assert.ok(
          ids.every((id, i) => id > (i === 0 ? Number(from) : ids[i - 1]!)),
          `ids grow from ${from}: ${ids}`,
        );
      }
    } finally {
      anonymousAgain.close();
      moderatorAgain.close();
    }
  });

  test('the end: later posts stay ordinary posts, the transcript and its four downloads are right', async () => {
    const { api, base } = await weeklyChat('endchat', { questions: 2 });
    const early = await host.api('GET', `${api}/transcript`);
    assert.equal(early.status, 409);
    assert.equal((await host.api('POST', `${api}/end`)).json?.error?.code, 'not_live');
    await host.api('POST', `${api}/start`);
    await host.api('POST', `${api}/release`);
    const good = await ana.post('A1: a comma, a "quote" and =SUM(A1) #endchat');
    await bo.post('A1 another answer #endchat');
    const offTopic = await cy.post('Buy my course #endchat');
    await host.api('POST', `${api}/posts/${good.id}/highlight`);
    await host.api('POST', `${api}/posts/${offTopic.id}/hide`);
    await host.api('POST', `${api}/release`);
    await cy.post('A2: last words #endchat');
    assert.equal((await host.api('POST', `${api}/end`)).json.state, 'ended');
    const again = await host.api('POST', `${api}/end`);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'chat_over');
    const late = await ana.post('A2: too late #endchat');
    assert.equal((await host.api('POST', `${api}/release`)).status, 409);

    const t = await getJson(server, null, `${api}/transcript`);
    assert.deepEqual(t.counts, { posts: 3, answers: 3, participants: 3, highlighted: 1, firstTimers: 3 });
    assert.equal(t.questions[0].answers[0].highlighted, true);
    assert.ok(!JSON.stringify(t).includes('Buy my course'), 'hidden posts are not in the transcript');
    const transcribed = [...t.questions.flatMap((q: Json) => q.answers), ...t.otherPosts].map((p: Json) => p.id);
    assert.ok(!transcribed.includes(late.id), 'a post after the end is not in the transcript');
    assert.match(t.chat.startedAt, /^\d{4}-\d\d-\d\dT/);

    const web = server.client();
    const md = await web.fetch(`${base}/transcript.md`);
    assert.equal(md.status, 200);
    assert.match(md.headers.get('content-type')!, /^text\/markdown/);
    assert.match(md.headers.get('content-disposition')!, /attachment; filename="endchat-\d{4}-\d\d-\d\d\.md"/);
    const markdown = await md.text();
    assert.match(markdown, /Q1/);
    assert.match(markdown, /last words/);
    const csv = await (await web.fetch(`${base}/transcript.csv`)).text();
    const rows = csv.trim().split('\r\n');
    assert.equal(rows.length, 4, csv);
    assert.match(rows[0]!, /^question,post_id,posted_at,author_handle/);
    assert.ok(
      rows.some((r) => r.includes(`"A1: a comma, a ""quote"" and =SUM(A1) #endchat"`)),
      csv,
    );
    const html = await (await web.fetch(`${base}/transcript.html`)).text();
    assert.match(html, /<!DOCTYPE html>/i);
    assert.ok(!/<script/i.test(html));
    const json = JSON.parse(await (await web.fetch(`${base}/transcript.json`)).text());
    assert.equal(json.counts.posts, 3);
    // The page itself is now the transcript.
    const page = await web.get(base);
    assert.equal(page.status, 200);
    assert.match(page.text('h1'), /#endchat/);
    assert.ok(page.document.querySelector(`a[href="${base}/transcript.csv"]`));
    // The archive finds it by what was said.
    assert.equal((await getJson(server, null, '/api/v1/chats/endchat/chats?when=past&q=last%20words')).chats.length, 1);
    assert.equal((await getJson(server, null, '/api/v1/chats/endchat/chats?when=past&q=nothing%20like%20this')).chats.length, 0);
    // A participant's history.
    const history = await getJson(server, null, '/api/v1/accounts/cy/chats');
    const entry = history.chats.find((h: Json) => h.series.slug === 'endchat');
    assert.deepEqual(
      entry.answers.map((a: Json) => a.label),
      ['Q2'],
    );
  });

  test('a second chat of the series: returning people are no longer new', async () => {
    const viewer = (await server.services.accounts.viewerForMember(host.memberId))!;
    const { series, api } = await weeklyChat('againchat', { questions: 1 });
    await host.api('POST', `${api}/start`);
    await ana.post('Hello #againchat');
    await host.api('POST', `${api}/end`);
    // The next week's chat, started early by the host.
    const next = (await server.services.chats.occurrences.list(viewer, series.slug, { when: 'upcoming' }))[0]!;
    await server.services.chats.occurrences.start(viewer, series.slug, next.date, next.startsAt - 60_000);
    await ana.post('Back again #againchat');
    await bo.post('First time here #againchat');
    const r = await room(`/api/v1/chats/againchat/${next.date}`);
    assert.deepEqual(
      r.otherPosts.map((p: Json) => [p.author.handle, p.firstTime]),
      [
        ['ana', false],
        ['bo', true],
      ],
    );
  });
});

describe('the timer', () => {
  test('a chat starts at its hour, asks timed questions, ends at its end; members who RSVPed get one reminder', async () => {
    const { api, chat } = await weeklyChat('timedchat', { inMinutes: 600, questions: 3, interval: 8 });
    assert.equal((await ana.api('POST', `${api}/rsvp`)).json.going, true);
    assert.equal((await bo.api('POST', `${api}/rsvp`)).status, 200);
    assert.equal((await bo.api('DELETE', `${api}/rsvp`)).json.going, false);
    const start = Date.parse(chat.startsAt);
    const chats = server.services.chats;
    const unread = async (who: Member) => (await getJson(server, who, '/api/v1/notifications?kind=chat_reminder')).notifications;

    await chats.timer.tick(start - 20 * 60_000);
    assert.equal((await unread(ana)).length, 0);
    await chats.timer.tick(start - 10 * 60_000);
    await chats.timer.tick(start - 9 * 60_000);
    const reminders = await unread(ana);
    assert.equal(reminders.length, 1);
    assert.equal(reminders[0].chat.hashtag, 'timedchat');
    assert.equal((await unread(bo)).length, 0);

    await chats.timer.tick(start);
    let state = await getJson(server, null, api);
    assert.equal(state.chat.state, 'live');
    assert.deepEqual(
      state.questions.map((q: Json) => Boolean(q.releasedAt)),
      [true, false, false],
    );
    await chats.timer.tick(start + 7 * 60_000);
    assert.equal((await getJson(server, null, api)).questions[1].releasedAt, null);
    await chats.timer.tick(start + 8 * 60_000 + 1000);
    await chats.timer.tick(start + 8 * 60_000 + 2000);
    state = await getJson(server, null, api);
    assert.deepEqual(
      state.questions.map((q: Json) => Boolean(q.releasedAt)),
      [true, true, false],
    );
    await chats.timer.tick(start + 60 * 60_000);
    state = await getJson(server, null, api);
    assert.equal(state.chat.state, 'ended');
    // Asked by the host, one post per question.
    const posts = (await getJson(server, null, '/api/v1/timelines/tags/timedchat')).posts;
    assert.equal(posts.filter((p: Json) => /^Q\d /.test(p.text)).length, 2);
    assert.equal((await ana.api('POST', `${api}/rsvp`)).status, 409);
  });
});

describe('calendars', () => {
  test('a series’ calendar and a member’s own, as a calendar app fetches them', async () => {
    const { api, series } = await weeklyChat('calchat');
    await ana.api('POST', `${api}/rsvp`);
    const web = server.client();
    const res = await web.fetch('/chats/calchat/calendar.ics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/calendar/);
    const ics = await res.text();
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n'));
    assert.ok((ics.match(/BEGIN:VEVENT/g) ?? []).length >= 10);
    assert.match(ics, /SUMMARY:#calchat: calchat chat/);
    assert.equal(series.calendarUrl, `${server.url}/chats/calchat/calendar.ics`);

    const mine = await getJson(server, ana, '/api/v1/chats/mine');
    assert.ok(mine.chats.some((c: Json) => c.series.slug === 'calchat'));
    const own = await web.fetch(new URL(mine.calendarUrl).pathname);
    assert.equal(own.status, 200);
    const ownIcs = await own.text();
    assert.equal((ownIcs.match(/BEGIN:VEVENT/g) ?? []).length, mine.chats.length);
    const forged = new URL(mine.calendarUrl).pathname.replace(/-[\w-]{32}\.ics$/, `-${'x'.repeat(32)}.ics`);
    assert.equal((await web.fetch(forged)).status, 404);
  });
});

describe('backchannels', () => {
  test('named sessions over a time window; posts join the session they name, or the one going on', async () => {
    const { api } = await weeklyChat('confchat', { kind: 'backchannel', inMinutes: -5 });
    const now = Date.now();
    const s1 = await host.api('POST', `${api}/questions`, {
      label: 'Keynote',
      text: 'Opening keynote',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
    });
    assert.equal(s1.status, 201, JSON.stringify(s1.json));
    assert.equal(s1.json.label, 'Keynote');
    const s2 = await host.api('POST', `${api}/questions`, {
      label: 'Workshop',
      text: 'Makerspaces',
      startsAt: new Date(now + 3600_000).toISOString(),
      endsAt: new Date(now + 7200_000).toISOString(),
    });
    assert.equal(s2.status, 201);
    const outside = await host.api('POST', `${api}/questions`, {
      label: 'Late',
      text: 'x',
      startsAt: new Date(now + 86_400_000).toISOString(),
      endsAt: new Date(now + 90_000_000).toISOString(),
    });
    assert.equal(outside.status, 422);
    await host.api('POST', `${api}/start`);
    await host.api('POST', `${api}/release`);
    await host.api('POST', `${api}/release`);
    const during = await ana.post('Great opening #confchat');
    const named = await bo.post('S2: looking forward to this #confchat');
    const r = await room(api);
    assert.deepEqual(
      r.questions.map((q: Json) => [q.label, q.answers.map((p: Json) => p.id)]),
      [
        ['Keynote', [during.id]],
        ['Workshop', [named.id]],
      ],
    );
  });
});
