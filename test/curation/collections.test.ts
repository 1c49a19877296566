import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseRssFeed } from 'feedsmith';
import { parseFeed } from '../../src/feeds/parse.ts';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { subscribe } from '../feeds/support.ts';
import { createMembers, follow, getJson, type Json, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Collections through the doors people use: the JSON API with a token, and the pages with a
 * session cookie (forms posted like a browser without JavaScript), on a real server.
 */

let server: TestServer;
let feeds: FeedServer;
let m: Record<'ana' | 'ben' | 'cat' | 'dan' | 'eve', Member>;
before(async () => {
  feeds = await FeedServer.start();
  server = await startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } });
  m = await createMembers(server, ['ana', 'ben', 'cat', 'dan', 'eve']);
});
after(async () => {
  await server.close();
  await feeds.close();
});

const BASE = '/api/v1/curation/collections';

async function create(who: Member, fields: Record<string, unknown>): Promise<Json> {
  const res = await who.api('POST', BASE, fields);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

async function add(who: Member, id: number, entry: Record<string, unknown>, status = 201): Promise<Json> {
  const res = await who.api('POST', `${BASE}/${id}/entries`, entry);
  assert.equal(res.status, status, `adding ${JSON.stringify(entry)} as @${who.handle}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

const titles = (c: Json) => c.entries.map((e: Json) => e.title);

/** Row counts of the collection tables: compare before and after a refused request. */
async function counts(): Promise<Record<string, number>> {
  const db = server.services.database.db;
  const result: Record<string, number> = {};
  for (const table of ['collections', 'collection_entries', 'collection_collaborators', 'collection_follows', 'notifications'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

describe('collections', () => {
  let publicId: number;
  let linkEntry: number;

  test('a public collection with an entry of every kind, each annotated, in order', async () => {
    const { ana, dan } = m;
    const danPost = await dan.post('Genrefying the 800s took us a week. Notes: https://example.org/800s');
    const bookmarked = await dan.post('Our shelf labels, free to reuse');
    assert.equal((await ana.api('POST', `/api/v1/posts/${bookmarked.id}/bookmark`)).status, 204);
    feeds.set('/feed.xml', { body: rss('Genrefication Weekly', [{ title: 'Issue 1', link: 'https://blog.example/1', guid: '1' }]) });
    await subscribe(ana, `${feeds.url}/feed.xml`);

    const created = await create(ana, {
      title: 'Genrefication: how-tos',
      description: 'What worked for us.\n\nAdd yours.',
      visibility: 'public',
    });
    assert.equal(created.kind, 'collection');
    assert.equal(created.role, 'owner');
    assert.deepEqual(created.entries, []);
    publicId = created.id;

    // The bookmark and the source are chosen from the page's own choosers, as a member would.
    const page = await ana.web.get(`/collections/${publicId}`);
    assert.equal(page.status, 200);
    const bookmarkId = Number(
      [...page.document.querySelectorAll('select[name=bookmarkId] option')]
        .find((o) => o.textContent!.includes('shelf labels'))!
        .getAttribute('value'),
    );
    const sourceId = Number(
      [...page.document.querySelectorAll('select[name=sourceId] option')]
        .find((o) => o.textContent!.includes('Genrefication Weekly'))!
        .getAttribute('value'),
    );

    const link = await add(ana, publicId, {
      kind: 'link',
      url: 'https://example.org/guide',
      title: 'The genrefication guide',
      note: 'Start here: the whole process in ten steps.',
    });
    linkEntry = link.id;
    await add(ana, publicId, { kind: 'bookmark', bookmarkId, note: 'Labels you can print.' });
    await add(ana, publicId, { kind: 'post', postUrl: `${server.url}/@dan/${danPost.id}`, note: 'How long it really takes.' });
    await add(ana, publicId, { kind: 'source', sourceId, note: 'A weekly newsletter on it.' });
    const person = await add(ana, publicId, { kind: 'person', acct: '@dan', note: 'Dan did it in a school of 900.' });
    assert.equal(person.person.acct, 'dan');
    assert.equal(person.position, 5);

    const view = await getJson(server, null, `${BASE}/${publicId}`);
    assert.equal(view.role, 'visitor');
    assert.deepEqual(
      view.entries.map((e: Json) => [e.position, e.kind]),
      [
        [1, 'link'],
        [2, 'bookmark'],
        [3, 'post'],
        [4, 'source'],
        [5, 'person'],
      ],
    );
    assert.deepEqual(
      view.entries.map((e: Json) => e.note),
      [
        'Start here: the whole process in ten steps.',
        'Labels you can print.',
        'How long it really takes.',
        'A weekly newsletter on it.',
        'Dan did it in a school of 900.',
      ],
    );
    assert.equal(view.entries[0].url, 'https://example.org/guide');
    assert.equal(view.entries[1].post.id, bookmarked.id);
    assert.equal(view.entries[2].post.id, danPost.id);
    assert.equal(view.entries[3].source.feedUrl, `${feeds.url}/feed.xml`);
    assert.equal(view.entries[3].title, 'Genrefication Weekly');
    assert.equal(view.entryCount, 5);

    // The page shows the same, in the same order, to a visitor who is not signed in.
    const visitor = await server.client().get(`/collections/${publicId}`);
    assert.equal(visitor.status, 200);
    assert.equal(visitor.text('h1'), 'Genrefication: how-tos');
    assert.deepEqual(
      [...visitor.document.querySelectorAll('.collection-entries > li h3')]
        .map((h) => h.textContent!.trim().replace(/\s+/g, ' '))
        .slice(0, 1),
      ['The genrefication guide'],
    );
    assert.equal(visitor.document.querySelectorAll('.collection-entries > li').length, 5);
    assert.match(visitor.text('.collection-entries'), /Dan did it in a school of 900\./);
    assert.equal(visitor.document.querySelector(`form[action="/collections/${publicId}/entries"]`), null, 'no add forms for visitors');
    assert.ok(visitor.document.querySelector(`a[href="/collections/${publicId}/feed.rss"]`));
  });

  test('ordering: insert at a position, move with the API and with the page buttons', async () => {
    const { ana } = m;
    const first = await add(ana, publicId, { kind: 'link', url: 'https://example.org/first', title: 'Read this first', position: 1 });
    let view = await getJson(server, ana, `${BASE}/${publicId}`);
    assert.deepEqual(
      view.entries.map((e: Json) => e.position),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(view.entries[0].id, first.id);
    assert.equal(view.entries[1].id, linkEntry);

    // To the end with the API, then back up one place with the page's button.
    const moved = await ana.api('PATCH', `${BASE}/${publicId}/entries/${first.id}`, { position: 99 });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.position, 6);
    view = await getJson(server, ana, `${BASE}/${publicId}`);
    assert.equal(view.entries.at(-1).id, first.id);
    assert.deepEqual(
      view.entries.map((e: Json) => e.position),
      [1, 2, 3, 4, 5, 6],
    );
    const up = await ana.web.post(`/collections/${publicId}/entries/${first.id}/move`, { to: 'up' });
    assert.equal(up.status, 303);
    assert.equal(up.headers.get('location'), `/collections/${publicId}#entry-${first.id}`);
    view = await getJson(server, ana, `${BASE}/${publicId}`);
    assert.equal(view.entries[4].id, first.id);
    assert.equal(view.entries[5].kind, 'person');
    const page = await ana.web.get(`/collections/${publicId}`);
    assert.deepEqual(
      [...page.document.querySelectorAll('.collection-entries > li')].map((li) => Number(li.getAttribute('id')!.split('-')[1])),
      view.entries.map((e: Json) => e.id),
    );

    // Removing one closes the gap.
    assert.equal((await ana.web.post(`/collections/${publicId}/entries/${first.id}/remove`, {})).status, 303);
    view = await getJson(server, ana, `${BASE}/${publicId}`);
    assert.deepEqual(
      view.entries.map((e: Json) => e.position),
      [1, 2, 3, 4, 5],
    );
    assert.ok(!view.entries.some((e: Json) => e.id === first.id));
  });

  test('visibility: private for the owner and collaborators, members for members, public for anyone', async () => {
    const { ana, ben, cat } = m;
    const secret = await create(ana, { title: 'Draft reading list', visibility: 'private' });
    await add(ana, secret.id, { kind: 'link', url: 'https://example.org/secret', note: 'not yet' });
    assert.equal((await ana.api('POST', `${BASE}/${secret.id}/collaborators`, { handle: 'ben' })).status, 200);

    assert.equal((await getJson(server, ana, `${BASE}/${secret.id}`)).role, 'owner');
    const asHelper = await getJson(server, ben, `${BASE}/${secret.id}`);
    assert.equal(asHelper.role, 'collaborator');
    assert.equal(asHelper.canAdd, true);
    assert.equal(asHelper.canEdit, false);
    await getJson(server, cat, `${BASE}/${secret.id}`, 404);
    await getJson(server, null, `${BASE}/${secret.id}`, 404);
    assert.equal((await cat.web.get(`/collections/${secret.id}`)).status, 404);
    assert.equal((await server.client().get(`/collections/${secret.id}/export.json`)).status, 404);
    assert.ok(!(await getJson(server, cat, `${BASE}?scope=public`)).collections.some((c: Json) => c.id === secret.id));
    assert.ok((await getJson(server, ben, `${BASE}?scope=collaborating`)).collections.some((c: Json) => c.id === secret.id));

    assert.equal((await ana.api('PATCH', `${BASE}/${secret.id}`, { visibility: 'members' })).status, 200);
    const asMember = await getJson(server, cat, `${BASE}/${secret.id}`);
    assert.equal(asMember.role, 'member');
    assert.equal(asMember.title, 'Draft reading list', 'a change of visibility keeps the title');
    assert.equal(asMember.entries.length, 1);
    await getJson(server, null, `${BASE}/${secret.id}`, 401);
    // The page sends visitors to sign in, and back here afterwards.
    const visitor = await server.client().get(`/collections/${secret.id}`);
    assert.equal(visitor.status, 303);
    assert.equal(visitor.location, `/login?next=${encodeURIComponent(`/collections/${secret.id}`)}`);
    assert.ok((await getJson(server, cat, `${BASE}?scope=public`)).collections.some((c: Json) => c.id === secret.id));
    assert.ok(!(await getJson(server, null, `${BASE}?scope=public`)).collections.some((c: Json) => c.id === secret.id));

    assert.equal((await ana.api('PATCH', `${BASE}/${secret.id}`, { visibility: 'public' })).status, 200);
    assert.equal((await getJson(server, null, `${BASE}/${secret.id}`)).role, 'visitor');
    assert.ok((await getJson(server, null, `${BASE}?scope=public`)).collections.some((c: Json) => c.id === secret.id));
  });

  test('a collaborator adds and edits their own entries; removing the owner’s or editing the collection is a 403 with a message', async () => {
    const { ana, ben, cat } = m;
    const shared = await create(ana, { title: 'Makerspace on a budget', visibility: 'members' });
    const owners = await add(ana, shared.id, { kind: 'link', url: 'https://example.org/cardboard', note: 'Cardboard first.' });
    const page = await ana.web.post(`/collections/${shared.id}/collaborators`, { handle: '@ben' });
    assert.equal(page.status, 303);

    const own = await add(ben, shared.id, {
      kind: 'link',
      url: 'https://example.org/circuits',
      title: 'Paper circuits',
      note: 'Copper tape and a coin cell.',
    });
    assert.equal(own.addedBy.acct, 'ben');
    assert.equal(own.editable, true);
    const edited = await ben.api('PATCH', `${BASE}/${shared.id}/entries/${own.id}`, { note: 'Copper tape, a coin cell and an LED.' });
    assert.equal(edited.status, 200);
    assert.equal(edited.json.note, 'Copper tape, a coin cell and an LED.');

    const before = await counts();
    const removeOwners = await ben.api('DELETE', `${BASE}/${shared.id}/entries/${owners.id}`);
    assert.equal(removeOwners.status, 403);
    assert.match(removeOwners.json.error.message, /only remove entries you added yourself; this one was added by @ana/);
    const editOwners = await ben.api('PATCH', `${BASE}/${shared.id}/entries/${owners.id}`, { note: 'mine now' });
    assert.equal(editOwners.status, 403);
    assert.match(editOwners.json.error.message, /only edit entries you added yourself/);
    const editCollection = await ben.api('PATCH', `${BASE}/${shared.id}`, { title: 'Ben’s makerspace' });
    assert.equal(editCollection.status, 403);
    assert.match(editCollection.json.error.message, /Only the owner of this collection can change its title/);
    assert.equal((await ben.api('DELETE', `${BASE}/${shared.id}`)).status, 403);
    assert.equal((await ben.api('POST', `${BASE}/${shared.id}/collaborators`, { handle: 'cat' })).status, 403);
    assert.equal((await ben.api('PATCH', `${BASE}/${shared.id}/entries/${own.id}`, { position: 1 })).status, 403);
    // The same refusals through the pages: an error page with the message, nothing changed.
    const pageRemove = await ben.web.post(`/collections/${shared.id}/entries/${owners.id}/remove`, {});
    assert.equal(pageRemove.status, 403);
    assert.match(pageRemove.text('main'), /this one was added by @ana/);
    assert.equal((await ben.web.get(`/collections/${shared.id}/edit`)).status, 403);
    const pageEdit = await ben.web.post(`/collections/${shared.id}/entries/${owners.id}`, { note: 'mine now' });
    assert.equal(pageEdit.status, 403);
    assert.match(pageEdit.text('main'), /You can only edit entries you added yourself/);
    const pageSettings = await ben.web.post(`/collections/${shared.id}/edit`, { title: 'Ben’s', description: '', visibility: 'public' });
    assert.equal(pageSettings.status, 403);
    assert.match(pageSettings.text('main'), /Only the owner of this collection can change/);
    const strangerPage = await cat.web.post(`/collections/${shared.id}/entries`, { kind: 'link', url: 'https://example.org/spam' });
    assert.equal(strangerPage.status, 403);
    assert.match(strangerPage.text('main'), /Only the owner and collaborators can add/);
    // A member who is not a collaborator cannot add at all.
    const stranger = await cat.api('POST', `${BASE}/${shared.id}/entries`, { kind: 'link', url: 'https://example.org/spam' });
    assert.equal(stranger.status, 403);
    assert.match(stranger.json.error.message, /Only the owner and collaborators can add/);
    assert.deepEqual(await counts(), before);

    // The owner may remove anyone's entry; the collaborator's own removal works too.
    assert.equal((await ben.api('DELETE', `${BASE}/${shared.id}/entries/${own.id}`)).status, 204);
    const again = await add(ben, shared.id, { kind: 'link', url: 'https://example.org/circuits' });
    assert.equal((await ana.api('DELETE', `${BASE}/${shared.id}/entries/${again.id}`)).status, 204);
    // Removed as a collaborator, ben can no longer add.
    assert.equal((await ana.api('DELETE', `${BASE}/${shared.id}/collaborators/ben`)).status, 204);
    assert.equal((await ben.api('POST', `${BASE}/${shared.id}/entries`, { kind: 'link', url: 'https://example.org/x' })).status, 403);
  });

  test('following a collection: each new entry reaches the follower’s notifications', async () => {
    const { ana, cat, eve } = m;
    const followed = await create(ana, { title: 'Storytime songs', visibility: 'public' });
    assert.equal((await cat.api('POST', `${BASE}/${followed.id}/follow`)).status, 204);
    assert.equal((await cat.api('POST', `${BASE}/${followed.id}/follow`)).status, 409);
    const followPage = await eve.web.post(`/collections/${followed.id}/follow`, {});
    assert.equal(followPage.status, 303);
    assert.equal((await getJson(server, cat, `${BASE}/${followed.id}`)).following, true);
    assert.ok((await getJson(server, cat, `${BASE}?scope=following`)).collections.some((c: Json) => c.id === followed.id));
    assert.equal((await getJson(server, null, `${BASE}/${followed.id}`)).followerCount, 2);

    const entry = await add(ana, followed.id, {
      kind: 'link',
      url: 'https://example.org/songs',
      title: 'Ten hello songs',
      note: 'For the under-fives.',
    });
    const list = await getJson(server, cat, '/api/v1/notifications?kind=collection_entry');
    assert.equal(list.notifications.length, 1);
    const n = list.notifications[0];
    assert.equal(n.actor.acct, 'ana');
    assert.deepEqual(n.collection, {
      id: followed.id,
      kind: 'collection',
      title: 'Storytime songs',
      url: `${server.url}/collections/${followed.id}`,
    });
    const page = await cat.web.get('/notifications');
    assert.match(page.text('.notifications'), /Ana added to a collection you follow/);
    assert.ok(page.document.querySelector(`.notifications a[href="/collections/${followed.id}"]`));
    assert.equal((await getJson(server, eve, '/api/v1/notifications?kind=collection_entry')).notifications.length, 1);
    assert.equal(
      (await getJson(server, ana, '/api/v1/notifications?kind=collection_entry')).notifications.length,
      0,
      'the one who added is not told',
    );
    assert.ok(entry.id);

    // After unfollowing, new entries no longer arrive.
    assert.equal((await cat.api('DELETE', `${BASE}/${followed.id}/follow`)).status, 204);
    await add(ana, followed.id, { kind: 'link', url: 'https://example.org/more-songs' });
    assert.equal((await getJson(server, cat, '/api/v1/notifications?kind=collection_entry')).notifications.length, 1);
    assert.equal((await getJson(server, eve, '/api/v1/notifications?kind=collection_entry')).notifications.length, 2);

    // Private collections cannot be followed, nor your own.
    const mine = await create(ana, { title: 'Private', visibility: 'private' });
    assert.equal((await ana.api('POST', `${BASE}/${mine.id}/follow`)).status, 422);
    assert.equal((await ana.api('POST', `${BASE}/${followed.id}/follow`)).status, 422);
    // Made private, it leaves the follower's list and its notifications go quiet (the unread count too).
    const unread = (await getJson(server, eve, '/api/v1/notifications/unread')).unread;
    assert.equal((await ana.api('PATCH', `${BASE}/${followed.id}`, { visibility: 'private' })).status, 200);
    assert.equal((await getJson(server, eve, '/api/v1/notifications?kind=collection_entry')).notifications.length, 0);
    assert.equal((await getJson(server, eve, '/api/v1/notifications/unread')).unread, unread - 2);
    assert.ok(!(await getJson(server, eve, `${BASE}?scope=following`)).collections.some((c: Json) => c.id === followed.id));
  });

  test('RSS and Atom feeds of a public collection parse as XML and list entries newest first with their notes', async () => {
    const { ana, dan } = m;
    const fed = await create(ana, { title: 'Feeds & <friends>', description: 'Escaping "tested"', visibility: 'public' });
    await add(ana, fed.id, { kind: 'link', url: 'https://example.org/a?x=1&y=2', title: 'First <link>', note: 'Older & wiser.' });
    const membersPost = await dan.post('Only for members of this server', { visibility: 'members' });
    await add(ana, fed.id, { kind: 'post', postId: membersPost.id, note: 'Members can read this one.' });
    await new Promise((r) => setTimeout(r, 5));
    await add(ana, fed.id, { kind: 'link', url: 'https://example.org/b', title: 'Second link', note: 'Newest.\n\nTwo paragraphs.' });

    const rssRes = await server.client().get(`/collections/${fed.id}/feed.rss`);
    assert.equal(rssRes.status, 200);
    assert.match(rssRes.headers.get('content-type')!, /^application\/rss\+xml/);
    const channel = parseRssFeed(rssRes.html);
    assert.equal(channel.title, 'Feeds & <friends>');
    // The members-only post is not in a feed anyone can read.
    assert.deepEqual(
      channel.items!.map((i) => i.title),
      ['Second link', 'First <link>'],
    );
    assert.equal(channel.items![1]!.link, 'https://example.org/a?x=1&y=2');
    assert.match(channel.items![0]!.description!, /<p>Newest\.<\/p>\s*<p>Two paragraphs\.<\/p>/);
    assert.match(channel.items![1]!.description!, /Older &amp; wiser\./);

    const atomRes = await server.client().get(`/collections/${fed.id}/feed.atom`);
    assert.equal(atomRes.status, 200);
    assert.match(atomRes.headers.get('content-type')!, /^application\/atom\+xml/);
    const atom = parseAtomFeed(atomRes.html);
    const text = (t: unknown) => (typeof t === 'string' ? t : (t as { value?: string } | undefined)?.value);
    assert.equal(text(atom.title), 'Feeds & <friends>');
    assert.deepEqual(
      atom.entries!.map((e) => text(e.title)),
      ['Second link', 'First <link>'],
    );
    assert.equal(atom.entries![0]!.links![0]!.href, 'https://example.org/b');
    assert.match(text(atom.entries![1]!.content)!, /Older &amp; wiser\./);
    // Both are well-formed XML for a strict validator too.
    for (const body of [rssRes.html, atomRes.html]) assert.equal(XMLValidator.validate(body), true);

    // Members-only and private collections have no public feed.
    assert.equal((await ana.api('PATCH', `${BASE}/${fed.id}`, { visibility: 'members' })).status, 200);
    assert.equal((await server.client().get(`/collections/${fed.id}/feed.rss`)).status, 404);
    assert.equal((await ana.web.get(`/collections/${fed.id}/feed.atom`)).status, 404);
  });

  test('the RSS channel description is HTML, as readers take it: a plain-text description reads back as typed', async () => {
    const { ana } = m;
    // RSS 2.0 readers treat <description> as HTML: plain text must be HTML-escaped, then XML-escaped.
    const description = 'Tips & tricks: <b>not bold</b>, &amp; is how you write &, and 1 < 2';
    const described = await create(ana, { title: 'Described', description, visibility: 'public' });
    const withDescription = parseFeed((await server.client().get(`/collections/${described.id}/feed.rss`)).html);
    assert.equal(withDescription.description, description);
    // Without one, the generated description names the owner, whose name is plain text too.
    assert.equal((await ana.api('PATCH', '/api/v1/profile', { displayName: 'Ana <3 & co' })).status, 200);
    try {
      const bare = await create(ana, { title: 'Bare', visibility: 'public' });
      const withoutDescription = parseFeed((await server.client().get(`/collections/${bare.id}/feed.rss`)).html);
      assert.equal(withoutDescription.description, 'A collection by Ana <3 & co');
    } finally {
      assert.equal((await ana.api('PATCH', '/api/v1/profile', { displayName: 'Ana' })).status, 200);
    }
  });

  test('JSON export: the page download and the API give the collection and its entries as the reader sees them', async () => {
    const { ana, cat } = m;
    const res = await server.client().fetch(`/collections/${publicId}/export.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition')!, /attachment; filename="collection-\d+\.json"/);
    const data = await res.json();
    assert.equal(data.format, 'commonroom-collection');
    assert.equal(data.version, 1);
    assert.equal(data.collection.title, 'Genrefication: how-tos');
    assert.equal(data.collection.owner.acct, 'ana');
    assert.deepEqual(
      data.entries.map((e: Json) => e.kind),
      ['link', 'bookmark', 'post', 'source', 'person'],
    );
    assert.equal(data.entries[0].note, 'Start here: the whole process in ten steps.');
    assert.equal(data.entries[4].person.acct, 'dan');
    const api = await getJson(server, cat, `${BASE}/${publicId}/export`);
    assert.deepEqual({ ...api, exportedAt: null }, { ...data, exportedAt: null });
    assert.equal((await getJson(server, ana, `${BASE}/${publicId}/export`)).entries.length, 5);
  });

  test('bad input: unknown ids 404, empty or too long fields 422, addresses that are not web pages, posts that are not shareable', async () => {
    const { ana, cat, dan } = m;
    await follow(ana, dan);
    const followersOnly = await dan.post('Just for my followers', { visibility: 'followers' });
    const direct = await dan.post('@cat a direct word', { visibility: 'direct' });
    const before = await counts();
    // Unknown ids.
    await getJson(server, ana, `${BASE}/999999`, 404);
    assert.equal((await ana.api('PATCH', `${BASE}/999999`, { title: 'x' })).status, 404);
    assert.equal((await ana.api('POST', `${BASE}/999999/entries`, { kind: 'link', url: 'https://example.org/' })).status, 404);
    assert.equal((await ana.api('DELETE', `${BASE}/${publicId}/entries/999999`)).status, 404);
    assert.equal((await ana.api('PATCH', `${BASE}/${publicId}/entries/999999`, { note: 'x' })).status, 404);
    assert.equal((await ana.web.get('/collections/999999')).status, 404);
    assert.equal((await ana.web.get('/starter-kits/999999')).status, 404);
    assert.equal((await ana.api('GET', '/api/v1/curation/starter-kits/999999')).status, 404);
    assert.equal((await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'bookmark', bookmarkId: 999999 })).status, 404);
    assert.equal((await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'source', sourceId: 999999 })).status, 404);
    assert.equal((await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'post', postId: 999999 })).status, 404);
    const nobody = await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'person', acct: 'nobody_here' });
    assert.equal(nobody.status, 404);
    assert.match(nobody.json.error.message, /There is no member @nobody_here here/);
    assert.equal((await ana.api('POST', `${BASE}/${publicId}/collaborators`, { handle: 'nobody_here' })).status, 404);

    // Empty titles.
    const empty = await ana.api('POST', BASE, { title: '   ' });
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.json.error.issues, [{ path: 'title', message: 'Give the collection a title.' }]);
    assert.equal((await ana.api('PATCH', `${BASE}/${publicId}`, { title: '' })).status, 422);
    const form = await ana.web.post('/collections', { title: '', description: 'no title', visibility: 'public' });
    assert.equal(form.status, 422);
    assert.match(form.text('.error-summary'), /Give the collection a title\./);
    assert.equal(form.document.querySelector('#field-title')!.getAttribute('aria-invalid'), 'true');
    assert.equal(form.document.querySelector('#field-description')!.textContent, 'no title', 'what was typed is kept');
    const kitForm = await ana.web.post('/starter-kits', { title: '' });
    assert.equal(kitForm.status, 422);
    assert.match(kitForm.text('.error-summary'), /Give the starter kit a title\./);

    // Too long.
    const longTitle = await ana.api('POST', BASE, { title: 'x'.repeat(121) });
    assert.equal(longTitle.status, 422);
    assert.equal(longTitle.json.error.issues[0].path, 'title');
    assert.equal((await ana.api('POST', BASE, { title: 'ok', description: 'x'.repeat(2001) })).status, 422);
    const longNote = await ana.api('POST', `${BASE}/${publicId}/entries`, {
      kind: 'link',
      url: 'https://example.org/long',
      note: 'x'.repeat(1001),
    });
    assert.equal(longNote.status, 422);
    assert.deepEqual(longNote.json.error.issues, [{ path: 'note', message: 'A note can have at most 1000 characters.' }]);
    assert.equal(
      (await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'link', url: `https://example.org/${'x'.repeat(2000)}` })).status,
      422,
    );
    assert.equal((await ana.api('PATCH', `${BASE}/${publicId}/entries/${linkEntry}`, { note: 'x'.repeat(1001) })).status, 422);
    // The page form keeps what was typed and points at the field.
    const longForm = await ana.web.post(`/collections/${publicId}/entries`, {
      kind: 'link',
      url: 'https://example.org/long',
      note: 'y'.repeat(1001),
    });
    assert.equal(longForm.status, 422);
    assert.match(longForm.text('.error-summary'), /A note can have at most 1000 characters\./);
    assert.equal(longForm.document.querySelector('#field-add-link-note')!.getAttribute('aria-invalid'), 'true');

    // Links must be web addresses.
    for (const url of ['javascript:alert(1)', 'ftp://example.org/file', 'not a url', '']) {
      const res = await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'link', url });
      assert.equal(res.status, 422, url);
      assert.equal(res.json.error.issues[0].path, 'url');
    }
    assert.equal((await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'film', url: 'https://example.org' })).status, 422);
    // The same link twice is refused, not doubled.
    assert.equal((await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'link', url: 'https://example.org/guide' })).status, 409);

    // Someone else's private posts: followers-only (ana follows dan and can see it) and direct (she cannot).
    const refused = await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'post', postId: followersOnly.id });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'post_not_shareable');
    assert.match(refused.json.error.message, /only for its author’s followers/);
    assert.equal(
      (await ana.api('POST', `${BASE}/${publicId}/entries`, { kind: 'post', postUrl: `${server.url}/@dan/${direct.id}` })).status,
      404,
    );
    const pageRefused = await ana.web.post(`/collections/${publicId}/entries`, {
      kind: 'post',
      postUrl: `${server.url}/@dan/${followersOnly.id}`,
    });
    assert.equal(pageRefused.status, 403);
    assert.match(pageRefused.text('.error-summary'), /cannot go in a collection/);
    // Even the one it was addressed to cannot publish a direct post in a collection.
    const catsOwn = await create(cat, { title: 'Cat’s', visibility: 'public' });
    assert.equal((await cat.api('POST', `${BASE}/${catsOwn.id}/entries`, { kind: 'post', postId: direct.id })).status, 403);
    assert.equal((await cat.api('DELETE', `${BASE}/${catsOwn.id}`)).status, 204);
    assert.deepEqual(await counts(), before);
  });

  test('a bookmark of an address becomes an entry with the bookmark’s title and address', async () => {
    const { ana, cat } = m;
    const pageUrl = feeds.set('/labels.html', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><title>Shelf labels</title><p>Labels.</p>',
    });
    const saved = await ana.api('POST', '/api/v1/curation/bookmarks', { url: pageUrl, title: 'Printable shelf labels' });
    assert.equal(saved.status, 201, JSON.stringify(saved.json));
    const col = await create(ana, { title: 'From my bookmarks', visibility: 'public' });
    const page = await ana.web.get(`/collections/${col.id}`);
    const option = [...page.document.querySelectorAll('select[name=bookmarkId] option')].find(
      (o) => o.textContent === 'Printable shelf labels',
    );
    assert.ok(option, 'the chooser names the bookmark by its title');
    const added = await ana.web.post(`/collections/${col.id}/entries`, {
      kind: 'bookmark',
      bookmarkId: option.getAttribute('value')!,
      note: 'Print on card.',
    });
    assert.equal(added.status, 303);
    const entry = (await getJson(server, null, `${BASE}/${col.id}`)).entries[0];
    assert.deepEqual([entry.kind, entry.title, entry.url, entry.note], ['bookmark', 'Printable shelf labels', pageUrl, 'Print on card.']);
    // Someone else's bookmark is not theirs to add.
    const other = await create(cat, { title: 'Cat’s list', visibility: 'private' });
    assert.equal(
      (await cat.api('POST', `${BASE}/${other.id}/entries`, { kind: 'bookmark', bookmarkId: Number(option.getAttribute('value')) })).status,
      404,
    );
  });

  test('an entry whose post its reader may not see is left out', async () => {
    const { ana, ben, dan } = m;
    const members = await dan.post('Members only, for the network', { visibility: 'members' });
    const col = await create(ana, { title: 'Mixed audience', visibility: 'public' });
    await add(ana, col.id, { kind: 'post', postId: members.id, note: 'A members-only gem.' });
    await add(ana, col.id, { kind: 'link', url: 'https://example.org/open' });
    assert.deepEqual(
      (await getJson(server, ben, `${BASE}/${col.id}`)).entries.map((e: Json) => e.kind),
      ['post', 'link'],
    );
    assert.deepEqual(
      (await getJson(server, null, `${BASE}/${col.id}`)).entries.map((e: Json) => e.kind),
      ['link'],
    );
    const page = await server.client().get(`/collections/${col.id}`);
    assert.doesNotMatch(page.html, /Members only, for the network|A members-only gem/);
    // Deleted, the post leaves the collection for everyone.
    assert.equal((await dan.api('DELETE', `/api/v1/posts/${members.id}`)).status, 204);
    assert.deepEqual(titles(await getJson(server, ben, `${BASE}/${col.id}`)), ['https://example.org/open']);
  });

  test('the owner edits settings, manages collaborators and deletes through the pages', async () => {
    const { ana, ben } = m;
    const created = await ana.web.post('/collections', { title: 'Read-alouds', description: '', visibility: 'private' });
    assert.equal(created.status, 303);
    const id = Number(created.location!.split('/').pop());
    const settings = await ana.web.get(`/collections/${id}/edit`);
    assert.equal(settings.status, 200);
    const saved = await ana.web.post(`/collections/${id}/edit`, {
      title: 'Read-alouds for K–2',
      description: 'Picture books that work with a crowd.',
      visibility: 'members',
    });
    assert.equal(saved.status, 303);
    const view = await getJson(server, ben, `${BASE}/${id}`);
    assert.equal(view.title, 'Read-alouds for K–2');
    assert.equal(view.visibility, 'members');
    const unknown = await ana.web.post(`/collections/${id}/collaborators`, { handle: 'nobody_here' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.text('#field-handle-error'), /There is no member @nobody_here here/);
    assert.equal((await ana.web.post(`/collections/${id}/collaborators`, { handle: 'ben' })).status, 303);
    assert.equal((await getJson(server, ben, `${BASE}/${id}`)).role, 'collaborator');
    // Ben may leave on his own.
    assert.equal((await ben.web.post(`/collections/${id}/collaborators/ben/remove`, {})).status, 303);
    assert.equal((await getJson(server, ben, `${BASE}/${id}`)).role, 'member');
    const deleted = await ana.web.post(`/collections/${id}/delete`, {});
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, '/collections');
    await getJson(server, ana, `${BASE}/${id}`, 404);
  });
});
