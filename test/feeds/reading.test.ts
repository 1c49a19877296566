import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { FeedServer, rss } from './feed-server.ts';
import { allItems, HOUR, refresh, subscribe, subscription } from './support.ts';

/**
 * A member's own view of their sources: folders, their own names for sources, marking read
 * (by folder, by age), keyword rules, sharing to the stream, bookmarks, unsubscribing — and
 * none of it reaching into another member's sources.
 */

let server: TestServer;
let feeds: FeedServer;
let ana: Member;
let bo: Member;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  ({ ana, bo } = await createMembers(server, ['ana', 'bo']));
});
after(async () => {
  await server.close();
  await feeds.close();
});

const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const ago = (ms: number) => new Date(Date.now() - ms).toUTCString();
const titles = (items: Json[]) => items.map((i: Json) => i.title);

/** A feed on the loopback server whose items link to pages there too. */
function feed(path: string, title: string, items: Array<{ title: string; ageMs?: number; description?: string; link?: boolean }>): string {
  return feeds.set(path, {
    headers: RSS,
    body: rss(
      title,
      items.map((i) => ({
        title: i.title,
        guid: `${path}#${i.title}`,
        ...(i.link === false ? {} : { link: `${feeds.url}/articles${path}/${encodeURIComponent(i.title)}` }),
        date: ago(i.ageMs ?? HOUR),
        ...(i.description ? { description: i.description } : {}),
      })),
    ),
  });
}

async function folders(member: Member): Promise<Json[]> {
  return (await member.api('GET', '/api/v1/subscriptions')).json.folders;
}

async function unreadOf(member: Member, subscriptionId: number): Promise<number> {
  return (await subscription(member, subscriptionId)).unread;
}

describe('folders and names', () => {
  test('create, rename and delete folders; move sources between them', async () => {
    const teaching = await ana.api('POST', '/api/v1/folders', { name: '  Teaching  ' });
    assert.equal(teaching.status, 201);
    assert.deepEqual(teaching.json, { id: teaching.json.id, name: 'Teaching', unread: 0 });
    const empty = await ana.api('POST', '/api/v1/folders', { name: '   ' });
    assert.equal(empty.status, 422);
    assert.equal(empty.json.error.message, 'A folder needs a name.');
    const long = await ana.api('POST', '/api/v1/folders', { name: 'x'.repeat(81) });
    assert.equal(long.status, 422);
    assert.match(long.json.error.message, /at most 80 characters/);

    const a = await subscribe(ana, feed('/f/a.xml', 'Feed A', [{ title: 'A1' }, { title: 'A2', ageMs: 2 * HOUR }]), {
      folder: 'Libraries',
    });
    const b = await subscribe(ana, feed('/f/b.xml', 'Feed B', [{ title: 'B1' }]));
    assert.equal(a.folder.name, 'Libraries');
    assert.equal(b.folder, null);
    // Move B into Teaching: the folder's unread count follows.
    const moved = await ana.api('PATCH', `/api/v1/subscriptions/${b.id}`, { folder: 'Teaching' });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.json.folder, { id: teaching.json.id, name: 'Teaching' });
    let list = await folders(ana);
    assert.deepEqual(
      list.map((f: Json) => [f.name, f.unread]),
      [
        ['Libraries', 2],
        ['Teaching', 1],
      ],
    );
    const inTeaching = await ana.api('GET', `/api/v1/items?scope=folder:${teaching.json.id}`);
    assert.deepEqual(titles(inTeaching.json.items), ['B1']);
    // Renaming onto an existing name is refused; a fresh name works and the sources follow.
    const libraries = list.find((f: Json) => f.name === 'Libraries');
    const clash = await ana.api('PATCH', `/api/v1/folders/${teaching.json.id}`, { name: 'Libraries' });
    assert.equal(clash.status, 409);
    assert.match(clash.json.error.message, /already have a folder called “Libraries”/);
    const renamed = await ana.api('PATCH', `/api/v1/folders/${teaching.json.id}`, { name: 'Classroom' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.json.name, 'Classroom');
    assert.equal((await subscription(ana, b.id)).folder.name, 'Classroom');
    // Out of any folder, then back.
    assert.equal((await ana.api('PATCH', `/api/v1/subscriptions/${b.id}`, { folder: null })).json.folder, null);
    assert.equal((await ana.api('PATCH', `/api/v1/subscriptions/${b.id}`, { folder: 'Classroom' })).json.folder.name, 'Classroom');
    // Deleting a folder keeps its sources, outside folders.
    assert.equal((await ana.api('DELETE', `/api/v1/folders/${libraries.id}`)).status, 204);
    list = await folders(ana);
    assert.deepEqual(
      list.map((f: Json) => f.name),
      ['Classroom'],
    );
    const aAfter = await subscription(ana, a.id);
    assert.equal(aAfter.folder, null);
    assert.equal(aAfter.unread, 2);
    assert.equal((await ana.api('GET', `/api/v1/items?scope=folder:${libraries.id}`)).status, 404);
    assert.equal((await ana.api('DELETE', `/api/v1/folders/${libraries.id}`)).status, 404);
  });

  test('a member names a source for themselves; the river and other members are unaffected', async () => {
    const url = feed('/f/named.xml', 'The Official Long Name', [{ title: 'N1' }]);
    const sub = await subscribe(ana, url, { title: 'Short' });
    assert.equal(sub.title, 'Short');
    assert.equal(sub.customTitle, 'Short');
    const renamed = await ana.api('PATCH', `/api/v1/subscriptions/${sub.id}`, { title: '  My   favourite  ' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.json.title, 'My favourite');
    const [item] = await allItems(ana, `scope=source:${sub.id}`);
    assert.equal(item.source.title, 'My favourite');
    const boSub = await subscribe(bo, url);
    assert.equal(boSub.title, 'The Official Long Name');
    assert.equal(boSub.customTitle, null);
    const tooLong = await ana.api('PATCH', `/api/v1/subscriptions/${sub.id}`, { title: 'x'.repeat(201) });
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.json.error.message, /at most 200 characters/);
    const reset = await ana.api('PATCH', `/api/v1/subscriptions/${sub.id}`, { title: null });
    assert.equal(reset.json.title, 'The Official Long Name');
    assert.equal(reset.json.customTitle, null);
  });
});

describe('marking read', () => {
  test('mark all read in one folder leaves the others; "older than a day / a week" marks only those', async () => {
    const news = await subscribe(ana, feed('/m/news.xml', 'News', [{ title: 'News 1' }, { title: 'News 2' }]), { folder: 'Mark news' });
    const other = await subscribe(ana, feed('/m/other.xml', 'Other', [{ title: 'Other 1' }]), { folder: 'Mark other' });
    assert.equal((await ana.api('POST', '/api/v1/items/mark-read', { scope: `folder:${news.folder.id}` })).status, 204);
    assert.equal(await unreadOf(ana, news.id), 0);
    assert.equal(await unreadOf(ana, other.id), 1);
    assert.deepEqual(
      (await folders(ana)).filter((f: Json) => f.name.startsWith('Mark')).map((f: Json) => [f.name, f.unread]),
      [
        ['Mark news', 0],
        ['Mark other', 1],
      ],
    );
    // A new item in the folder is unread again.
    feed('/m/news.xml', 'News', [{ title: 'News 3', ageMs: 1000 }, { title: 'News 1' }, { title: 'News 2' }]);
    await refresh(ana, news.id);
    assert.deepEqual(titles(await allItems(ana, `scope=folder:${news.folder.id}&unread=true`)), ['News 3']);

    const aged = await subscribe(
      ana,
      feed('/m/aged.xml', 'Aged', [
        { title: 'Hour old', ageMs: HOUR },
        { title: 'Three days old', ageMs: 3 * 24 * HOUR },
        { title: 'Ten days old', ageMs: 10 * 24 * HOUR },
      ]),
    );
    assert.equal((await ana.api('POST', '/api/v1/items/mark-read', { scope: `source:${aged.id}`, olderThan: 'week' })).status, 204);
    assert.deepEqual(titles(await allItems(ana, `scope=source:${aged.id}&unread=true`)), ['Hour old', 'Three days old']);
    assert.equal(await unreadOf(ana, aged.id), 2);
    assert.equal((await ana.api('POST', '/api/v1/items/mark-read', { scope: `source:${aged.id}`, olderThan: 'day' })).status, 204);
    assert.deepEqual(titles(await allItems(ana, `scope=source:${aged.id}&unread=true`)), ['Hour old']);
    assert.equal(await unreadOf(ana, aged.id), 1);
    // An item marked unread by hand, then "older than a day" again: read again; the hour-old one stays unread.
    const three = (await allItems(ana, `scope=source:${aged.id}`)).find((i: Json) => i.title === 'Three days old');
    assert.equal((await ana.api('DELETE', `/api/v1/items/${three.id}/read`)).status, 204);
    assert.equal(await unreadOf(ana, aged.id), 2);
    await ana.api('POST', '/api/v1/items/mark-read', { scope: 'all', olderThan: 'day' });
    assert.deepEqual(titles(await allItems(ana, `scope=source:${aged.id}&unread=true`)), ['Hour old']);
    assert.equal(await unreadOf(ana, other.id), 1, 'the hour-old item elsewhere stays unread');
    // Starred items are not a scope for this.
    const starred = await ana.api('POST', '/api/v1/items/mark-read', { scope: 'starred' });
    assert.equal(starred.status, 400);
    assert.match(starred.json.error.message, /one by one/);
  });
});

describe('keyword rules', () => {
  test('mute hides from the river and the counts, star stars; new items on refresh and items already there; removing a mute brings items back', async () => {
    const url = feed('/k/board.xml', 'Board', [
      { title: 'Budget cuts at the library', ageMs: 3 * HOUR },
      { title: 'Storytime ideas', ageMs: 2 * HOUR },
      { title: 'Library BUDGET vote', ageMs: HOUR },
      { title: 'Élection du bureau', ageMs: 4 * HOUR },
      { title: 'Opinion', ageMs: 5 * HOUR, description: '<p><strong>Bold</strong> claims</p>' },
    ]);
    const sub = await subscribe(ana, url, { folder: 'Rules' });
    const boSub = await subscribe(bo, url);
    assert.equal(sub.unread, 5);

    const mute = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'budget', action: 'mute' });
    assert.equal(mute.status, 201, JSON.stringify(mute.json));
    assert.deepEqual(mute.json, { id: mute.json.id, keyword: 'budget', action: 'mute', scope: { kind: 'all' } });
    const visible = await allItems(ana, `scope=source:${sub.id}`);
    assert.deepEqual(titles(visible), ['Storytime ideas', 'Élection du bureau', 'Opinion']);
    assert.equal(await unreadOf(ana, sub.id), 3);
    assert.equal((await folders(ana)).find((f: Json) => f.name === 'Rules').unread, 3);
    assert.deepEqual(
      titles((await ana.api('GET', '/api/v1/items?q=library')).json.items),
      [],
      'muted items are not found by search either',
    );
    assert.deepEqual(
      titles(await allItems(ana, 'scope=all&unread=true')).filter((t: string) => /budget/i.test(t)),
      [],
    );
    const mutedId = (await allItems(bo, `scope=source:${boSub.id}`)).find((i: Json) => i.title === 'Library BUDGET vote').id;
    const hidden = await ana.api('GET', `/api/v1/items/${mutedId}`);
    assert.equal(hidden.status, 404);
    assert.match(hidden.json.error.message, /keyword rules/);
    // Another member's rules are theirs.
    assert.equal((await allItems(bo, `scope=source:${boSub.id}`)).length, 5);

    // Words with accents and capitals match items already there as they match new ones.
    const accent = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'élection', action: 'mute', subscriptionId: sub.id });
    assert.equal(accent.status, 201);
    assert.equal(accent.json.scope.kind, 'source');
    assert.ok(!titles(await allItems(ana, `scope=source:${sub.id}`)).includes('Élection du bureau'), 'the existing item is muted');
    // A word that is only in the markup, not the text, matches nothing (already there or new).
    const markup = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'strong', action: 'mute', folderId: sub.folder.id });
    assert.equal(markup.status, 201);
    assert.equal(markup.json.scope.kind, 'folder');
    assert.ok(titles(await allItems(ana, `scope=source:${sub.id}`)).includes('Opinion'), 'not muted for its <strong> tag');

    const star = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'Storytime', action: 'star' });
    assert.equal(star.status, 201);
    assert.deepEqual(titles(await allItems(ana, 'scope=starred')), ['Storytime ideas']);

    // New items on refresh: muted, starred or left alone by the same rules.
    feed('/k/board.xml', 'Board', [
      { title: 'Budget hearing tonight', ageMs: 1000 },
      { title: 'Storytime for toddlers', ageMs: 2000 },
      { title: 'Makerspace opens', ageMs: 3000 },
      { title: 'ÉLECTION results', ageMs: 4000 },
      { title: 'Second opinion', ageMs: 5000, description: '<p><strong>Bolder</strong> claims</p>' },
      { title: 'Budget cuts at the library', ageMs: 3 * HOUR },
      { title: 'Storytime ideas', ageMs: 2 * HOUR },
      { title: 'Library BUDGET vote', ageMs: HOUR },
      { title: 'Élection du bureau', ageMs: 4 * HOUR },
      { title: 'Opinion', ageMs: 5 * HOUR, description: '<p><strong>Bold</strong> claims</p>' },
    ]);
    await refresh(ana, sub.id);
    assert.deepEqual(titles(await allItems(ana, `scope=source:${sub.id}`)), [
      'Storytime for toddlers',
      'Makerspace opens',
      'Second opinion',
      'Storytime ideas',
      'Opinion',
    ]);
    assert.deepEqual(titles(await allItems(ana, 'scope=starred')), ['Storytime for toddlers', 'Storytime ideas']);
    assert.equal(await unreadOf(ana, sub.id), 5);
    assert.equal((await allItems(bo, `scope=source:${boSub.id}`)).length, 10);
    assert.deepEqual(titles(await allItems(bo, 'scope=starred')), []);

    const rules = (await ana.api('GET', '/api/v1/keyword-rules')).json.rules;
    assert.deepEqual(
      rules.map((r: Json) => [r.keyword, r.action, r.scope.kind]),
      [
        ['budget', 'mute', 'all'],
        ['élection', 'mute', 'source'],
        ['strong', 'mute', 'folder'],
        ['Storytime', 'star', 'all'],
      ],
    );
    // Removing the "budget" mute brings its items back (the accent rule keeps its own).
    assert.equal((await ana.api('DELETE', `/api/v1/keyword-rules/${mute.json.id}`)).status, 204);
    const back = titles(await allItems(ana, `scope=source:${sub.id}`));
    assert.deepEqual(back, [
      'Budget hearing tonight',
      'Storytime for toddlers',
      'Makerspace opens',
      'Second opinion',
      'Library BUDGET vote',
      'Storytime ideas',
      'Budget cuts at the library',
      'Opinion',
    ]);
    assert.equal(await unreadOf(ana, sub.id), 8);
    assert.equal((await ana.api('GET', `/api/v1/items/${mutedId}`)).status, 200);
    assert.equal((await ana.api('DELETE', `/api/v1/keyword-rules/${mute.json.id}`)).status, 404);
    const blank = await ana.api('POST', '/api/v1/keyword-rules', { keyword: '  ', action: 'mute' });
    assert.equal(blank.status, 422);
    assert.equal(blank.json.error.message, 'A rule needs a word or phrase.');
  });
});

describe('keyword rules and folders', () => {
  test("a folder's mute rule applies to the sources in it: moved out, its items come back; moved in, muted; the folder deleted, back for good", async () => {
    const sub = await subscribe(
      ana,
      feed('/k/events.xml', 'Events feed', [
        { title: 'Quiz night', ageMs: HOUR },
        { title: 'Book club', ageMs: 2 * HOUR },
      ]),
      { folder: 'Events' },
    );
    const rule = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'quiz', action: 'mute', folderId: sub.folder.id });
    assert.equal(rule.status, 201);
    assert.deepEqual(titles(await allItems(ana, `scope=source:${sub.id}`)), ['Book club']);
    assert.equal(await unreadOf(ana, sub.id), 1);
    await ana.api('PATCH', `/api/v1/subscriptions/${sub.id}`, { folder: null });
    assert.deepEqual(titles(await allItems(ana, `scope=source:${sub.id}`)), ['Quiz night', 'Book club']);
    assert.equal(await unreadOf(ana, sub.id), 2);
    await ana.api('PATCH', `/api/v1/subscriptions/${sub.id}`, { folder: 'Events' });
    assert.deepEqual(titles(await allItems(ana, `scope=source:${sub.id}`)), ['Book club']);
    assert.equal((await ana.api('DELETE', `/api/v1/folders/${sub.folder.id}`)).status, 204);
    assert.ok(
      !(await ana.api('GET', '/api/v1/keyword-rules')).json.rules.some((r: Json) => r.id === rule.json.id),
      'the rule went with its folder',
    );
    assert.deepEqual(titles(await allItems(ana, `scope=source:${sub.id}`)), ['Quiz night', 'Book club']);
    assert.equal(await unreadOf(ana, sub.id), 2);
  });
});

describe('sharing, bookmarks, leaving', () => {
  test("share an item to the stream: a post with the title and link, on the author's profile", async () => {
    const sub = await subscribe(
      ana,
      feed('/s/share.xml', 'Sharing Source', [{ title: 'A piece worth reading' }, { title: 'No link here', link: false, ageMs: 2 * HOUR }]),
    );
    const [item, linkless] = await allItems(ana, `scope=source:${sub.id}`);
    const shared = await ana.api('POST', `/api/v1/items/${item.id}/share`, { comment: 'Worth your time #libraries' });
    assert.equal(shared.status, 201, JSON.stringify(shared.json));
    const post = await ana.api('GET', `/api/v1/posts/${shared.json.postId}`);
    assert.equal(post.status, 200);
    assert.equal(post.json.text, `Worth your time #libraries\n\n“A piece worth reading” (Sharing Source)\n${item.url}`);
    assert.equal(post.json.visibility, 'public');
    assert.equal(post.json.author.handle, 'ana');
    const profile = await ana.api('GET', '/api/v1/people/ana/posts');
    assert.ok(profile.json.posts.some((p: Json) => p.id === shared.json.postId));
    // Others see it too (it is public), though they do not follow the source.
    assert.equal((await bo.api('GET', `/api/v1/posts/${shared.json.postId}`)).status, 200);
    // Without words, without a link, or for followers only.
    const bare = await ana.api('POST', `/api/v1/items/${linkless.id}/share`, { visibility: 'followers' });
    assert.equal(bare.status, 201);
    const barePost = (await ana.api('GET', `/api/v1/posts/${bare.json.postId}`)).json;
    assert.equal(barePost.text, '“No link here” (Sharing Source)');
    assert.equal(barePost.visibility, 'followers');
    // Someone who does not follow the source cannot share its items.
    assert.equal((await bo.api('POST', `/api/v1/items/${item.id}/share`, {})).status, 404);
  });

  test('bookmark an item, once; undo', async () => {
    const sub = await subscribe(ana, feed('/s/bookmark.xml', 'Bookmarks', [{ title: 'Keep this' }]));
    const [item] = await allItems(ana, `scope=source:${sub.id}`);
    assert.equal(item.bookmarked, false);
    assert.equal((await ana.api('POST', `/api/v1/items/${item.id}/bookmark`)).status, 204);
    assert.equal((await ana.api('GET', `/api/v1/items/${item.id}`)).json.bookmarked, true);
    const twice = await ana.api('POST', `/api/v1/items/${item.id}/bookmark`);
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.message, 'You already bookmarked this item.');
    assert.equal((await ana.api('DELETE', `/api/v1/items/${item.id}/bookmark`)).status, 204);
    assert.equal((await ana.api('GET', `/api/v1/items/${item.id}`)).json.bookmarked, false);
    assert.equal((await ana.api('DELETE', `/api/v1/items/${item.id}/bookmark`)).status, 409);
  });

  test('unsubscribe: the source and its items leave the river; nobody left, nobody fetches it', async () => {
    const url = feed('/s/leave.xml', 'Leaving', [{ title: 'Goodbye 1' }, { title: 'Goodbye 2' }]);
    const sub = await subscribe(ana, url, { folder: 'Leaving folder' });
    const [item] = await allItems(ana, `scope=source:${sub.id}`);
    await ana.api('POST', `/api/v1/items/${item.id}/read`);
    const rule = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'nothing', action: 'mute', subscriptionId: sub.id });
    assert.equal(rule.status, 201);
    assert.equal((await ana.api('DELETE', `/api/v1/subscriptions/${sub.id}`)).status, 204);
    const list = (await ana.api('GET', '/api/v1/subscriptions')).json;
    assert.ok(!list.subscriptions.some((s: Json) => s.id === sub.id));
    assert.equal(list.folders.find((f: Json) => f.name === 'Leaving folder').unread, 0);
    assert.ok(!titles(await allItems(ana)).some((t: string) => t.startsWith('Goodbye')));
    assert.equal((await ana.api('GET', `/api/v1/items/${item.id}`)).status, 404);
    assert.equal((await ana.api('GET', `/api/v1/items?scope=source:${sub.id}`)).status, 404);
    assert.equal((await ana.api('DELETE', `/api/v1/subscriptions/${sub.id}`)).status, 404);
    assert.ok(!(await ana.api('GET', '/api/v1/keyword-rules')).json.rules.some((r: Json) => r.id === rule.json.id), 'its rules go with it');
    // Nobody follows it now: the background refresh leaves it alone.
    const hits = feeds.hits('/s/leave.xml').length;
    await server.services.database.db.updateTable('sources').set({ next_fetch_at: 0 }).where('id', '=', sub.sourceId).execute();
    await server.services.feeds.refresher.refreshDue();
    assert.equal(feeds.hits('/s/leave.xml').length, hits);
    // Following it again: everything unread again, no fetch needed to show the items.
    const again = await subscribe(ana, url);
    assert.equal(again.unread, 2);
  });
});

describe('privacy between members', () => {
  test('another member cannot read, mark, share, bookmark or rule items of a source they do not follow, nor touch the subscription or folders', async () => {
    const sub = await subscribe(ana, feed('/p/private.xml', 'Ana only', [{ title: 'For Ana' }]), { folder: 'Ana folder' });
    const [item] = await allItems(ana, `scope=source:${sub.id}`);
    const rule = await ana.api('POST', '/api/v1/keyword-rules', { keyword: 'zzz', action: 'mute' });
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/items/${item.id}`],
      ['POST', `/api/v1/items/${item.id}/read`],
      ['DELETE', `/api/v1/items/${item.id}/read`],
      ['POST', `/api/v1/items/${item.id}/star`],
      ['POST', `/api/v1/items/${item.id}/bookmark`],
      ['POST', `/api/v1/items/${item.id}/full`],
      ['POST', `/api/v1/items/${item.id}/share`, { comment: 'mine now' }],
      ['GET', `/api/v1/items?scope=source:${sub.id}`],
      ['GET', `/api/v1/items?scope=folder:${sub.folder.id}`],
      ['POST', '/api/v1/items/mark-read', { scope: `source:${sub.id}` }],
      ['POST', '/api/v1/items/mark-read', { scope: `folder:${sub.folder.id}` }],
      ['PATCH', `/api/v1/subscriptions/${sub.id}`, { title: 'Taken' }],
      ['POST', `/api/v1/subscriptions/${sub.id}/refresh`],
      ['DELETE', `/api/v1/subscriptions/${sub.id}`],
      ['PATCH', `/api/v1/folders/${sub.folder.id}`, { name: 'Taken' }],
      ['DELETE', `/api/v1/folders/${sub.folder.id}`],
      ['POST', '/api/v1/keyword-rules', { keyword: 'x', action: 'mute', subscriptionId: sub.id }],
      ['POST', '/api/v1/keyword-rules', { keyword: 'x', action: 'mute', folderId: sub.folder.id }],
      ['DELETE', `/api/v1/keyword-rules/${rule.json.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await bo.api(method, path, body);
      assert.equal(res.status, 404, `${method} ${path} → ${res.status} ${JSON.stringify(res.json)}`);
      assert.match(res.json.error.message, /^[A-Z].*\.$/);
    }
    assert.deepEqual((await bo.api('GET', '/api/v1/items?q=ana')).json.items, []);
    assert.ok(!titles(await allItems(bo)).includes('For Ana'));
    // Nothing changed for Ana.
    const mine = await subscription(ana, sub.id);
    assert.equal(mine.title, 'Ana only');
    assert.equal(mine.unread, 1);
    assert.equal(mine.folder.name, 'Ana folder');
    const again = (await ana.api('GET', `/api/v1/items/${item.id}`)).json;
    assert.equal(again.read, false);
    assert.equal(again.starred, false);
    assert.equal(again.bookmarked, false);
    assert.ok((await ana.api('GET', '/api/v1/keyword-rules')).json.rules.some((r: Json) => r.id === rule.json.id));
    assert.deepEqual((await bo.api('GET', '/api/v1/keyword-rules')).json.rules, []);
    // Anonymous: 401.
    assert.equal((await server.client().api('GET', `/api/v1/items/${item.id}`)).status, 401);
  });
});
