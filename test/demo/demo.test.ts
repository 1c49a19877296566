import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canonicalTimeZone, passionSlug } from '../../src/accounts/profile-schemas.ts';
import { ROLES } from '../../src/accounts/roles.ts';
import { DEMO_PASSWORD, type DemoSummary, loadDemo } from '../../src/app/demo/demo.ts';
import { DEMO_MEMBERS } from '../../src/app/demo/members.ts';
import { agoMs, BOOSTS, FOLLOWS, HASHTAG_FOLLOWS, LIKES, LINK_CARDS, LISTS, LOCKED, PENDING, POSTS } from '../../src/app/demo/social.ts';
import { UserError } from '../../src/platform/errors.ts';
import { parseText } from '../../src/social/text.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let summary: DemoSummary;
before(async () => {
  server = await startTestServer();
  summary = await loadDemo(server.services);
});
after(() => server.close());

const ADMIN = DEMO_MEMBERS.find((m) => m.admin)!;
const MEMBERS_ONLY = DEMO_MEMBERS.filter((m) => m.membersOnly);

/** The names on the directory cards of `path`, as an anonymous visitor or signed in. */
async function cardNames(path: string, signedIn = false): Promise<string[]> {
  const client = server.client();
  if (signedIn) assert.equal((await client.login(ADMIN.handle, DEMO_PASSWORD)).status, 303);
  const page = await client.get(path);
  assert.equal(page.status, 200);
  return [...page.document.querySelectorAll('.person-card h3')].map((h) => h.textContent!.trim());
}

const count = (values: string[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
};

describe('demo data', () => {
  test('covers every role, with several of the common ones and an "other" in their own words', () => {
    const roles = count(DEMO_MEMBERS.map((m) => m.role));
    for (const role of ROLES) assert.ok(roles.has(role.key), `someone is a ${role.label}`);
    for (const role of [
      'school_librarian',
      'public_librarian',
      'academic_librarian',
      'teacher',
      'administrator',
      'social_worker',
      'educator',
      'student',
    ]) {
      assert.ok(roles.get(role)! >= 2, `several ${role}s`);
    }
    assert.ok(DEMO_MEMBERS.filter((m) => m.role === 'other').every((m) => m.roleOther));
    assert.ok(DEMO_MEMBERS.length >= 30 && DEMO_MEMBERS.length <= 40, `about 36 members, got ${DEMO_MEMBERS.length}`);
  });

  test('handles are unique; one administrator; two members-only profiles', () => {
    assert.equal(new Set(DEMO_MEMBERS.map((m) => m.handle.toLowerCase())).size, DEMO_MEMBERS.length);
    assert.equal(DEMO_MEMBERS.filter((m) => m.admin).length, 1);
    assert.equal(MEMBERS_ONLY.length, 2);
  });

  test('passions come from a shared vocabulary, 3 to 7 each', () => {
    for (const m of DEMO_MEMBERS)
      assert.ok(m.passions.length >= 3 && m.passions.length <= 7, `@${m.handle} has ${m.passions.length} passions`);
    const uses = count(DEMO_MEMBERS.flatMap((m) => m.passions.map(passionSlug)));
    for (const [slug, n] of uses) assert.ok(n >= 2, `#${slug} is shared by at least two members`);
  });

  test('places span several countries, with time zones that exist', () => {
    const countries = new Set(DEMO_MEMBERS.map((m) => m.location.split(', ').at(-1)));
    assert.ok(countries.size >= 10, [...countries].join(', '));
    for (const m of DEMO_MEMBERS) assert.ok(canonicalTimeZone(m.timeZone), `@${m.handle}: ${m.timeZone}`);
  });

  test('at most two links each, all on fictional example.org addresses', () => {
    for (const m of DEMO_MEMBERS) {
      assert.ok((m.links ?? []).length <= 2, `@${m.handle} has too many links`);
      for (const link of m.links ?? []) assert.match(new URL(link.url).hostname, /(^|\.)example\.org$/, link.url);
      for (const link of m.links ?? []) assert.equal(new URL(link.url).protocol, 'https:');
    }
  });
});

describe('demo community', () => {
  test('reports what it loaded, suggesting a public librarian', async () => {
    assert.deepEqual(summary, {
      members: DEMO_MEMBERS.length,
      posts: POSTS.length,
      chats: 2,
      password: DEMO_PASSWORD,
      exampleHandle: summary.exampleHandle,
    });
    const page = await server.client().get(`/@${summary.exampleHandle}`);
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /Public librarian/);
  });

  test('the directory lists several public librarians', async () => {
    const publicLibrarians = await cardNames('/people?role=public_librarian');
    assert.ok(publicLibrarians.length >= 4, publicLibrarians.join(', '));
    assert.ok(publicLibrarians.includes('Tova Lindqvist'));
  });

  test('passions and places make the filters meaningful', async () => {
    const genrefiers = await cardNames('/people?passion=genrefication');
    assert.ok(genrefiers.length >= 3, genrefiers.join(', '));
    assert.ok(genrefiers.includes('Rosa Delgado'));
    const chicago = await cardNames('/people?location=chicago');
    assert.ok(chicago.length >= 4, chicago.join(', '));
    assert.ok(!chicago.includes('Rosa Delgado'));
    const ireland = await cardNames('/people?location=ireland');
    assert.deepEqual(ireland.sort(), ['Aoife O’Connor', 'Brian Walsh']);
    assert.ok((await cardNames('/people?role=social_worker&passion=childwelfare')).includes('Grace Mensah'));
  });

  test('a profile page shows role, organisation, passions and bio', async () => {
    const page = await server.client().get('/@mslibrarian');
    assert.equal(page.status, 200);
    assert.match(page.text('main'), /School librarian at Maple Grove Elementary/);
    assert.match(page.text('.tags'), /Genrefication/);
    assert.match(page.text('.tags'), /Graphic novels/);
    assert.match(page.text('.bio'), /genrefied the whole collection/i);
    const other = DEMO_MEMBERS.find((m) => m.role === 'other')!;
    assert.match((await server.client().get(`/@${other.handle}`)).text('main'), new RegExp(other.roleOther!));
  });

  test('demo members sign in with the demo password', async () => {
    for (const handle of ['mslibrarian', 'grace_msw', summary.exampleHandle]) {
      const client = server.client();
      assert.equal((await client.login(handle, DEMO_PASSWORD)).status, 303, handle);
      assert.match((await client.get('/')).text('.member-menu__me'), new RegExp(`@${handle}$`));
    }
    assert.equal((await server.client().login('mslibrarian', 'not the demo password')).status, 401);
  });

  test('members-only profiles are hidden from visitors and shown to members', async () => {
    for (const person of MEMBERS_ONLY) {
      assert.equal((await server.client().get(`/@${person.handle}`)).status, 401);
      assert.ok(!(await cardNames(`/people?q=${person.handle}`)).includes(person.name));
      assert.ok((await cardNames(`/people?q=${person.handle}`, true)).includes(person.name), person.handle);
    }
    assert.ok(!(await cardNames('/people?passion=makerspaces')).includes('Lukas Becker'));
    assert.ok((await cardNames('/people?passion=makerspaces', true)).includes('Lukas Becker'));
  });

  test('exactly one administrator, who can administer; other demo members cannot', async () => {
    const admin = server.client();
    await admin.login(ADMIN.handle, DEMO_PASSWORD);
    const page = await admin.get('/admin/members');
    assert.equal(page.status, 200);
    assert.equal(page.document.querySelectorAll('tbody tr').length, DEMO_MEMBERS.length);
    const admins = [...page.document.querySelectorAll('tbody .meta')].filter((m) => /administrator/.test(m.textContent ?? ''));
    assert.equal(admins.length, 1);
    assert.match(admins[0]!.textContent!, new RegExp(`@${ADMIN.handle}\\b`));

    const librarian = server.client();
    await librarian.login(summary.exampleHandle, DEMO_PASSWORD);
    assert.equal((await librarian.get('/admin')).status, 403);
  });
});

const member = (handle: string) => server.services.accounts.memberByHandle(handle);
const DAY = 86_400_000;

/** A signed-in demo member's HTTP client. */
async function signedIn(handle: string) {
  const client = server.client();
  assert.equal((await client.login(handle, DEMO_PASSWORD)).status, 303, handle);
  return client;
}

/** The id of the one demo post whose text contains `words`. */
function postId(words: string): Promise<number> {
  const post = POSTS.find((p) => p.text.includes(words));
  assert.ok(post, words);
  return server.services.database.db
    .selectFrom('posts')
    .select('id')
    .where('text', '=', post.text)
    .executeTakeFirstOrThrow()
    .then((r) => r.id);
}

/** The handles of the authors of the posts on a page. */
const authors = (page: { document: Document }) =>
  [...page.document.querySelectorAll('article.post .post__author')].map((a) => a.getAttribute('href')!.replace(/^\/@/, ''));

describe('demo social data', () => {
  test('80 to 120 posts over the last 14 days, oldest first, with replies, warnings and every audience', () => {
    assert.ok(POSTS.length >= 80 && POSTS.length <= 120, `${POSTS.length} posts`);
    const ages = POSTS.map((p) => agoMs(p.ago));
    assert.ok(
      ages.every((age, i) => age > 0 && age <= 14 * DAY && (i === 0 || age < ages[i - 1]!)),
      'chronological, within two weeks',
    );
    assert.ok(POSTS.filter((p) => p.replyTo).length >= 30, 'plenty of replies');
    assert.ok(POSTS.filter((p) => p.cw).length >= 3, 'a few content warnings');
    assert.ok(POSTS.filter((p) => p.visibility === 'followers').length >= 2, 'a few followers-only posts');
    assert.equal(POSTS.filter((p) => p.visibility === 'direct').length, 1, 'one direct message');
    const authors = new Set(POSTS.map((p) => p.by));
    assert.ok(authors.size >= 30, `${authors.size} of the members post`);
    const tags = new Set(POSTS.flatMap((p) => parseText(p.text).hashtags.map((h) => h.slug)));
    for (const tag of [
      'tlchat',
      'macrosw',
      'edtech',
      'genrefication',
      'makerspaces',
      'graphicnovels',
      'childwelfare',
      'bannedbooks',
      'oer',
      'librarylife',
    ]) {
      assert.ok(tags.has(tag), `#${tag} is used`);
    }
    for (const url of POSTS.flatMap((p) => parseText(p.text).urls)) assert.match(new URL(url).hostname, /(^|\.)example\.org$/, url);
    assert.ok(Object.keys(LINK_CARDS).length >= 5);
    assert.ok(BOOSTS.length >= 20 && Object.values(LIKES).flat().length >= 100, 'boosts and likes');
  });

  test('each member follows 5 to 15 others; some accounts are locked; some members follow hashtags', () => {
    for (const m of DEMO_MEMBERS) {
      const n = FOLLOWS[m.handle]?.length ?? 0;
      assert.ok(n >= 5 && n <= 15, `@${m.handle} follows ${n}`);
    }
    assert.ok(LOCKED.length >= 2);
    assert.equal(PENDING.length, 1);
    assert.ok(Object.keys(HASHTAG_FOLLOWS).length >= 5);
    assert.equal(LISTS.length, 3);
  });
});

describe('demo social life', () => {
  test('the local timeline has posts, link previews, a content warning, and trending hashtags beside them', async () => {
    const page = await server.client().get('/local');
    assert.equal(page.status, 200);
    assert.equal(page.document.querySelectorAll('article.post').length, 20, 'a full first page');
    assert.ok(page.document.querySelectorAll('article.post .card').length >= 2, 'link previews came with the demo');
    assert.ok(page.document.querySelectorAll('details.post__cw').length >= 1, 'a content warning');
    const trending = [...page.document.querySelectorAll('.trending a')].map((a) => a.textContent);
    assert.ok(trending.length >= 8, trending.join(', '));
    for (const tag of ['#tlchat', '#edtech', '#makerspaces']) assert.ok(trending.includes(tag), `${tag} trends: ${trending.join(', ')}`);
    // Visitors see public posts only.
    assert.ok(!page.text('main').includes('Hard week'), 'no followers-only post');
  });

  test('the #tlchat hashtag page has posts by several people', async () => {
    const page = await server.client().get('/tags/tlchat');
    assert.equal(page.status, 200);
    assert.ok(new Set(authors(page)).size >= 5, authors(page).join(', '));
    assert.match(page.text('main .page-head'), /\d+ posts/);
  });

  test('a member’s home timeline has posts from the people they follow, with boosts', async () => {
    const rosa = await signedIn('mslibrarian');
    const page = await rosa.get('/stream');
    assert.equal(page.status, 200);
    const seen = authors(page);
    assert.equal(seen.length, 20, 'a full first page');
    const followed = seen.filter((h) => FOLLOWS.mslibrarian!.includes(h));
    assert.ok(new Set(followed).size >= 4, `posts from people Rosa follows: ${seen.join(', ')}`);
    assert.ok(!seen.includes('kwame_sw') && !seen.includes('fiona_telehealth'), 'nothing from people she does not follow');
    const older = await rosa.get(page.document.querySelector('.pagination a')!.getAttribute('href')!);
    assert.ok(
      page.document.querySelectorAll('.post__boost').length + older.document.querySelectorAll('.post__boost').length >= 1,
      'boosts appear too',
    );
  });

  test('a thread four replies deep, with boosts and likes', async () => {
    const id = await postId('Genrefication, year one, the honest version');
    const page = await server.client().get(`/@mslibrarian/${id}`);
    assert.equal(page.status, 200);
    const replies = page.document.querySelectorAll('.thread__reply');
    assert.equal(replies.length, 4);
    assert.equal(page.document.querySelectorAll('.thread__reply--depth-4').length, 1, 'a 4-deep conversation');
    assert.match(page.text('.post--focus .post__actions'), /4 boosts/);
    assert.match(page.text('.post--focus .post__actions'), /7 likes/);
    assert.ok(page.document.querySelector('.post--focus .card'), 'the link has a preview');
    // And it is featured on Rosa's profile.
    const profile = await server.client().get('/@mslibrarian');
    assert.match(profile.text('main'), /honest version/);
  });

  test('an image post with alt text is on the author’s media tab', async () => {
    const page = await server.client().get('/@mslibrarian/media');
    assert.equal(page.status, 200);
    const img = page.document.querySelector('article.post .post__media img');
    assert.ok(img);
    assert.match(img.getAttribute('alt')!, /^Bar chart of fiction checkouts/);
    const file = await server.client().fetch(img.getAttribute('src')!);
    assert.equal(file.status, 200);
  });

  test('three lists: two shared, one private', async () => {
    const lists = await server.services.database.db.selectFrom('lists').select(['id', 'name', 'visibility']).orderBy('id').execute();
    assert.deepEqual(
      lists.map((l) => [l.name, l.visibility]),
      [
        ['Public librarians', 'public'],
        ['Child welfare research', 'private'],
        ['School library advocacy', 'public'],
      ],
    );
    const shared = await server.client().get(`/lists/${lists[0]!.id}`);
    assert.equal(shared.status, 200);
    assert.ok(shared.document.querySelectorAll('.people-list li').length >= 5);
    assert.ok(shared.document.querySelectorAll('article.post').length >= 5, 'the list timeline has posts');
    assert.equal((await server.client().get(`/lists/${lists[1]!.id}`)).status, 404, 'private lists stay private');
    const grace = await signedIn('grace_msw');
    assert.match((await grace.get('/lists')).text('main .list-cards'), /Child welfare research/);
    assert.ok((await grace.get(`/lists/${lists[1]!.id}`)).document.querySelectorAll('article.post').length >= 3);
  });

  test('followers-only and direct posts reach only their audience', async () => {
    const search = async (client: ReturnType<TestServer['client']>, q: string) =>
      (await client.get(`/search?${new URLSearchParams({ q })}`)).document.querySelectorAll('article.post').length;
    assert.equal(await search(server.client(), '"Calling someone tonight"'), 0);
    assert.equal(await search(await signedIn('fiona_telehealth'), '"Calling someone tonight"'), 1, 'a follower sees it');
    assert.equal(await search(await signedIn('ellen_k12'), '"genre-label session"'), 0);
    assert.equal(await search(await signedIn('lis_student_maya'), '"genre-label session"'), 1, 'the person messaged sees it');
  });

  test('a locked account has a follow request waiting; members have recent notifications', async () => {
    const kwame = await signedIn('kwame_sw');
    const requests = await kwame.get('/follow-requests');
    assert.match(requests.text('main .people-list'), /Inês Carvalho/);
    const pending = await server.services.database.db
      .selectFrom('follows')
      .select(['follower_id', 'followee_id'])
      .where('state', '=', 'pending')
      .execute();
    assert.deepEqual(
      pending.map((row) => ({ ...row })),
      [{ follower_id: (await member('researcher_ines')).actor_id, followee_id: (await member('kwame_sw')).actor_id }],
    );

    const grace = await signedIn('grace_msw');
    const page = await grace.get('/notifications');
    const items = page.document.querySelectorAll('.notifications > li');
    assert.equal(items.length, 30, 'a full page');
    const unread = page.document.querySelectorAll('.notification--unread').length;
    assert.ok(unread >= 1 && unread < 30, `some new, some read (${unread} unread)`);
    assert.match(page.text('.notifications'), /replied to your post/);
    assert.match(page.text('.notifications'), /liked your post/);
    // They happened over the story's two weeks, not all at the moment of loading.
    const times = await server.services.database.db.selectFrom('notifications').select('created_at').execute();
    assert.ok(Math.min(...times.map((t) => t.created_at)) < Date.now() - 7 * DAY);
  });

  test('no background fetches are left: the preview cards came with the demo', async () => {
    const jobs = await server.services.database.db.selectFrom('jobs').select('kind').where('kind', '=', 'social.card').execute();
    assert.deepEqual(jobs, []);
  });
});

describe('demo loading is all or nothing', () => {
  let other: TestServer;
  before(async () => {
    other = await startTestServer();
  });
  after(() => other.close());

  test('a taken handle stops the load before any demo member exists', async () => {
    const taken = DEMO_MEMBERS.at(-1)!;
    assert.equal((await other.client().signup({ handle: taken.handle, displayName: 'Someone Else' })).status, 303);
    await assert.rejects(loadDemo(other.services), (error) => error instanceof UserError && error.status === 409);
    const members = await other.services.accounts.listMembers({});
    assert.deepEqual(
      members.members.map((m) => m.displayName),
      ['Someone Else'],
    );
  });
});

describe('commonroom demo (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-demo-cli-'));
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs `commonroom demo` on a database of its own (the suite's kind: SQLite in `dataDir`, or PostgreSQL). */
  const run = () =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'demo'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          ...(database.url ? { DATABASE_URL: database.url } : {}),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  test('loads into an empty database, and only into an empty one', async () => {
    const first = await run();
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`Demo community loaded: ${DEMO_MEMBERS.length} members, ${POSTS.length} posts and 2 chat transcripts`),
    );
    assert.match(first.stdout, new RegExp(`"${DEMO_PASSWORD}"`));

    const second = await run();
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.stdout, '');
    const lines = second.stderr.trim().split('\n');
    assert.equal(lines.length, 1, second.stderr);
    assert.match(lines[0]!, /^commonroom: The database already has members/);
  });
});

describe('demo chats', () => {
  test('a weekly chat with two past transcripts and the next chat prepared; a conference backchannel', async () => {
    assert.equal(summary.chats, 2);
    const client = server.client();
    const series = (await client.api('GET', '/api/v1/chats')).json.series;
    assert.deepEqual(series.map((s: { slug: string }) => s.slug).sort(), ['libchat', 'plncon']);
    const past = (await client.api('GET', '/api/v1/chats/libchat/chats?when=past')).json.chats;
    assert.equal(past.length, 2);
    for (const chat of past) {
      const transcript = (await client.api('GET', `/api/v1/chats/libchat/${chat.date}/transcript`)).json;
      assert.ok(transcript.counts.answers >= 7, `${chat.date}: ${transcript.counts.answers} answers`);
      assert.equal(transcript.counts.highlighted, 2);
      assert.equal(transcript.otherPosts.length, 0, 'every demo answer is linked to its question');
    }
    const upcoming = (await client.api('GET', '/api/v1/chats/libchat/chats?when=upcoming')).json.chats;
    assert.equal(upcoming[0].state, 'scheduled');
    assert.equal(upcoming[0].rsvpCount, 5);
    const next = (await client.api('GET', `/api/v1/chats/libchat/${upcoming[0].date}`)).json;
    assert.equal(next.questions.length, 6);
    const conference = (await client.api('GET', '/api/v1/chats/plncon/chats?when=upcoming')).json.chats[0];
    const sessions = (await client.api('GET', `/api/v1/chats/plncon/${conference.date}`)).json.questions;
    assert.deepEqual(
      sessions.map((q: { label: string }) => q.label),
      ['Keynote: Nobody learns alone', 'Hashtag chats 101', 'Social work and technology'],
    );
  });
});
