import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parseOpml } from 'feedsmith';
import type { Browser, Locator, Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../src/web/middleware.ts';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { createMembers, type Member } from '../social/helpers.ts';
import { type BrowserSession, currentPath, launchBrowser, openContext, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Sources, the feed reader, end to end in a real browser against real feeds (a loopback HTTP
 * server plays the blogs): following a blog by pasting its site's address, reading, starring,
 * the keyboard shortcuts, marking all read, search, the full article, OPML in and out, sharing
 * to the stream, choosing between two feeds, a broken feed and its "Try again now", and the same
 * forms with JavaScript turned off. The tests run in order and build on each other.
 */

let server: TestServer;
let feeds: FeedServer;
let browser: Browser;
let ana: BrowserSession;
let members: { ana: Member; bo: Member };
/** Ana's subscription to the school library blog. */

/** Day `n` of the thirty days up to now (day(30) is now), as a feed writes dates: recent items, whenever the tests run. */
const day = (n: number) => new Date(Date.now() - (30 - n) * 86_400_000).toUTCString();
const ARTICLE_TEXT =
  'Genrefication turned our fiction shelves into neighbourhoods: mystery, fantasy, realistic fiction, graphic novels. Circulation went up by a third in the first year, and the students who never asked for help now find the next book on their own. ';

const text = async (locator: Locator) => (await locator.allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();
const titles = (page: Page) => page.locator('main article[data-item] .item__title').allInnerTexts();
const focusedItem = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-item') ?? null);

/** Clicks a button that submits a form and waits for the page it redirects to, by its notice. */
async function submit(page: Page, button: Locator, notice: string | RegExp): Promise<void> {
  await button.click();
  await page.locator('main .notice', { hasText: notice }).waitFor();
}

/** Signs a member created with createMembers into a browser context (the same session cookie). */
async function signedIn(member: Member, options: Parameters<typeof openContext>[2] = {}): Promise<BrowserSession> {
  const session = await openContext(browser, server, options);
  await session.context.addCookies([{ name: SESSION_COOKIE, value: member.web.cookies.get(SESSION_COOKIE)!, url: server.url }]);
  return session;
}

/** The id of the river item with this title. */
async function itemId(page: Page, title: string): Promise<string> {
  const id = await page
    .locator('main article[data-item]', { has: page.locator('.item__title', { hasText: title }) })
    .getAttribute('data-item');
  assert.ok(id, `no item “${title}” on ${currentPath(page)}`);
  return id;
}

/** Presses a shortcut that submits the item's form; the page comes back at `#item-ID`. */
async function shortcutSubmits(page: Page, key: string, id: string): Promise<void> {
  assert.notEqual(new URL(page.url()).hash, `#item-${id}`, 'the test needs the URL to change');
  await page.keyboard.press(key);
  await page.waitForURL((url) => url.hash === `#item-${id}`, { waitUntil: 'load' });
}

function article(path: string, title: string): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body>
    <header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
    <main><article><h1>${title}</h1>${`<p>${ARTICLE_TEXT}</p>`.repeat(4)}<p>Read more on ${path}.</p></article></main>
    <footer>Footer links and a newsletter form.</footer></body></html>`;
}

before(async () => {
  [server, feeds, browser] = await Promise.all([
    startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } }),
    FeedServer.start(),
    launchBrowser(),
  ]);
  members = await createMembers(server, ['ana', 'bo'] as const);
  ana = await signedIn(members.ana);

  // A blog whose home page names its feed with <link rel=alternate>; the feed's items link to
  // article pages on the same server, so "Load the full article" has something to read.
  const post = (slug: string) => `${feeds.url}/blog/posts/${slug}`;
  feeds.set('/blog/feed.xml', {
    body: rss('School Library Blog', [
      {
        title: 'Genrefication, a year on',
        link: post('genrefication'),
        date: day(20),
        description: '<p>A teaser: how genrefication went.</p>',
      },
      {
        title: 'Banned books week displays',
        link: post('banned-books'),
        date: day(18),
        description: '<p>Displays that start conversations about censorship.</p>',
      },
      {
        title: 'Makerspace on a shoestring',
        link: post('makerspace'),
        date: day(16),
        description: '<p>Cardboard, tape and a 3D printer we borrowed.</p>',
      },
      { title: 'Author visits over video', link: post('author-visits'), date: day(14), description: '<p>Four authors, one webcam.</p>' },
    ]),
  });
  feeds.set('/blog/', {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><title>School Library Blog</title><link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml"></head><body><h1>Welcome</h1></body></html>`,
  });
  for (const slug of ['genrefication', 'banned-books', 'makerspace', 'author-visits']) {
    feeds.set(`/blog/posts/${slug}`, {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: article(`/blog/posts/${slug}`, slug),
    });
  }
});

after(async () => {
  await ana?.context.close();
  await browser?.close();
  await server?.close();
  await feeds?.close();
});

describe('Sources in a browser', () => {
  test('a member follows a blog by pasting its site’s address, into a new folder, and sees its items in the river', async () => {
    const { page } = ana;
    await visit(page, '/sources');
    assert.match(await text(page.locator('main .callout')), /You follow no sources yet/);
    await page
      .locator('main')
      .getByRole('link', { name: /Add a blog/ })
      .click();
    await page.waitForURL('**/sources/manage');

    await page.getByLabel('Address of a site or a feed').fill(`${feeds.url}/blog/`);
    await page.getByLabel('Folder (optional)').fill('Libraries');
    await submit(page, page.getByRole('button', { name: 'Follow', exact: true }), 'Following School Library Blog: 4 items to read.');
    const path = currentPath(page);
    assert.match(path, /^\/sources\?source=\d+$/);
    assert.equal(await page.locator('main h1').innerText(), 'School Library Blog');
    assert.deepEqual(await titles(page), [
      'Genrefication, a year on',
      'Banned books week displays',
      'Makerspace on a shoestring',
      'Author visits over video',
    ]);
    // The feed, found through the page's <link>, was fetched once.
    assert.equal(feeds.hits('/blog/feed.xml').length, 1);

    // The sidebar: the new folder holding the source, with unread counts.
    const nav = page.getByRole('navigation', { name: 'Your sources' });
    const folder = nav.getByRole('region', { name: /Libraries/ });
    assert.equal(await text(folder.getByRole('heading')), 'Libraries 4 unread');
    assert.equal(await text(folder.getByRole('listitem')), 'School Library Blog 4 unread');
    assert.equal(await nav.getByRole('link', { name: 'School Library Blog' }).getAttribute('aria-current'), 'page');
    await folder.getByRole('link', { name: 'Libraries' }).click();
    await page.waitForURL((url) => url.searchParams.has('folder'));
    assert.equal(await page.locator('main h1').innerText(), 'Libraries');
    assert.equal((await titles(page)).length, 4);
    await nav.getByRole('link', { name: 'All sources' }).click();
    await page.waitForURL((url) => url.pathname === '/sources' && url.search === '');
    assert.equal(await page.locator('main h1').innerText(), 'All sources');
    assert.equal((await titles(page)).length, 4);
    assert.deepEqual(ana.problems, []);
  });

  test('opening an item reads it; the full article loads; read items leave the unread river', async () => {
    const { page } = ana;
    await visit(page, '/sources');
    const id = await itemId(page, 'Genrefication, a year on');
    assert.match(await text(page.locator(`#item-${id} .item__meta`)), /Unread/);
    await page.getByRole('link', { name: 'Genrefication, a year on' }).click();
    await page.waitForURL(`**/sources/items/${id}`);
    assert.equal(await page.locator('main h1').innerText(), 'Genrefication, a year on');
    assert.match(await text(page.locator('.item__content')), /A teaser: how genrefication went/);
    assert.doesNotMatch(await text(page.locator('.item__meta')), /Unread/);
    assert.equal(await page.getByRole('button', { name: 'Mark unread' }).count(), 1, 'it is read');

    // The feed only has a teaser: the article comes from the page itself.
    await page.getByRole('button', { name: 'Load the full article' }).click();
    await page.locator('.item__content', { hasText: 'Circulation went up by a third' }).waitFor();
    assert.doesNotMatch(await text(page.locator('.item__content')), /newsletter form/, 'the page’s furniture is left out');
    assert.equal(await page.getByRole('button', { name: 'Load the full article' }).count(), 0);
    assert.equal(feeds.hits('/blog/posts/genrefication').length, 1);

    await visit(page, '/sources');
    assert.deepEqual(await titles(page), ['Banned books week displays', 'Makerspace on a shoestring', 'Author visits over video']);
    assert.match(await text(page.getByRole('navigation', { name: 'Your sources' }).getByRole('listitem').first()), /All sources 3 unread/);
    await page.getByRole('link', { name: 'Show read items too' }).click();
    await page.waitForURL('**/sources?show=all');
    assert.equal((await titles(page)).length, 4);
    assert.match((await page.locator(`#item-${id}`).getAttribute('class')) ?? '', /item--read/);
    // Reading the full article again does not fetch again.
    await visit(page, `/sources/items/${id}`);
    assert.match(await text(page.locator('.item__content')), /Circulation went up by a third/);
    assert.equal(feeds.hits('/blog/posts/genrefication').length, 1);
  });

  test('starring an item keeps it on the Starred page', async () => {
    const { page } = ana;
    await visit(page, '/sources/starred');
    assert.equal(await text(page.locator('main .empty')), 'No starred items. Star an item to keep it here.');
    await visit(page, '/sources');
    const id = await itemId(page, 'Makerspace on a shoestring');
    const star = page.locator(`#item-${id}`).getByRole('button', { name: 'Star' });
    assert.equal(await star.getAttribute('aria-pressed'), 'false');
    await star.click();
    await page.waitForURL((url) => url.hash === `#item-${id}`);
    assert.equal(await page.locator(`#item-${id}`).getByRole('button', { name: 'Star' }).getAttribute('aria-pressed'), 'true');

    await page.getByRole('navigation', { name: 'Sources', exact: true }).getByRole('link', { name: 'Starred' }).click();
    await page.waitForURL('**/sources/starred');
    assert.equal(await page.locator('main h1').innerText(), 'Starred');
    assert.deepEqual(await titles(page), ['Makerspace on a shoestring']);
    assert.equal(await page.getByRole('link', { name: 'Starred' }).first().getAttribute('aria-current'), 'page');
  });

  test('keyboard shortcuts on the river: j/k move, s stars, m marks read, o opens, ? shows the list', async () => {
    const { page } = ana;
    await visit(page, '/sources?show=all');
    const ids = await page.locator('main article[data-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')!));
    assert.equal(ids.length, 4);
    const help = page.locator('details#shortcuts');
    assert.equal(await help.evaluate((d: HTMLDetailsElement) => d.open), false);

    await page.keyboard.press('j');
    assert.equal(await focusedItem(page), ids[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal(await focusedItem(page), ids[2]);
    await page.keyboard.press('k');
    assert.equal(await focusedItem(page), ids[1]);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    assert.equal(await focusedItem(page), ids[0], 'k stops at the first item');

    // s on the second item stars it; the page comes back with the same item in focus, so j goes on from there.
    await page.keyboard.press('j');
    await shortcutSubmits(page, 's', ids[1]!);
    assert.equal(await page.locator(`#item-${ids[1]}`).getByRole('button', { name: 'Star' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await focusedItem(page), ids[1], 'focus comes back to the item');
    await page.keyboard.press('j');
    assert.equal(await focusedItem(page), ids[2]);
    // s again unstars (the third item was starred by the previous test).
    await shortcutSubmits(page, 's', ids[2]!);
    assert.equal(await page.locator(`#item-${ids[2]}`).getByRole('button', { name: 'Star' }).getAttribute('aria-pressed'), 'false');

    // m marks read, and m again unread.
    await page.keyboard.press('j');
    assert.equal(await focusedItem(page), ids[3]);
    await shortcutSubmits(page, 'm', ids[3]!);
    assert.match((await page.locator(`#item-${ids[3]}`).getAttribute('class')) ?? '', /item--read/);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    assert.equal(await focusedItem(page), ids[0]);
    assert.match((await page.locator(`#item-${ids[0]}`).getAttribute('class')) ?? '', /item--read/, 'read when opened earlier');
    await shortcutSubmits(page, 'm', ids[0]!);
    assert.doesNotMatch((await page.locator(`#item-${ids[0]}`).getAttribute('class')) ?? '', /item--read/);

    // Typing in the search box is typing, not shortcuts.
    await page.getByLabel('Search items').focus();
    await page.keyboard.type('jk');
    assert.equal(await page.getByLabel('Search items').inputValue(), 'jk');
    assert.equal(await focusedItem(page), null);
    await page.getByLabel('Search items').fill('');

    // ? opens the list of shortcuts (and moves focus to it), ? again closes it.
    await page.locator('main h1').click();
    await page.keyboard.press('?');
    assert.equal(await help.evaluate((d: HTMLDetailsElement) => d.open), true);
    assert.ok(await help.getByText('next / previous item').isVisible());
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Keyboard shortcuts');
    await page.keyboard.press('?');
    assert.equal(await help.evaluate((d: HTMLDetailsElement) => d.open), false);

    // o opens the focused item, which reads it.
    await page.keyboard.press('j');
    assert.equal(await focusedItem(page), ids[0]);
    await page.keyboard.press('o');
    await page.waitForURL(`**/sources/items/${ids[0]}`);
    assert.equal(await page.getByRole('button', { name: 'Mark unread' }).count(), 1);
    assert.deepEqual(ana.problems, []);
  });

  test('mark all read empties the unread river', async () => {
    const { page } = ana;
    await visit(page, '/sources');
    assert.ok((await titles(page)).length > 0);
    const form = page.locator('form[action="/sources/mark-read"]');
    assert.equal(await form.getByLabel('Mark read').inputValue(), '', 'everything here');
    await submit(page, form.getByRole('button', { name: 'Mark read' }), 'All marked read.');
    assert.equal(currentPath(page), '/sources');
    assert.deepEqual(await titles(page), []);
    assert.equal(await text(page.locator('main .empty')), 'All read. Nothing new here.');
    assert.equal(await page.getByRole('navigation', { name: 'Your sources' }).locator('.count').count(), 0, 'no unread counts left');
  });

  test('search finds items, read or not', async () => {
    const { page } = ana;
    await visit(page, '/sources');
    const search = page.getByRole('search');
    await search.getByLabel('Search items').fill('censorship');
    await search.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'censorship');
    assert.equal(await page.locator('main h1').innerText(), 'Search: censorship');
    assert.match(await page.title(), /^Search: censorship/);
    assert.deepEqual(await titles(page), ['Banned books week displays']);
    assert.equal(await page.getByLabel('Search items').inputValue(), 'censorship');

    await page.getByLabel('Search items').fill('webcam');
    await page.getByLabel('Search items').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'webcam');
    assert.deepEqual(await titles(page), ['Author visits over video']);

    await page.getByLabel('Search items').fill('tuba');
    await page.getByLabel('Search items').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'tuba');
    assert.equal(await text(page.locator('main .empty')), 'No items match.');
  });

  test('an OPML file imports through the form, with its folders, and the export carries them', async () => {
    const { page } = ana;
    const opml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My old reader</title></head><body>
  <outline text="Research" title="Research">
    <outline type="rss" text="Journal of Librarianship" xmlUrl="${feeds.url}/journal/rss" htmlUrl="${feeds.url}/journal/"/>
    <outline type="rss" text="Child Welfare Review" xmlUrl="${feeds.url}/cwr/atom.xml"/>
  </outline>
  <outline type="rss" text="Teacher Tips" xmlUrl="${feeds.url}/tips/feed"/>
  <outline type="rss" text="A gopher hole" xmlUrl="gopher://example.org/1"/>
  <outline type="rss" text="School Library Blog" xmlUrl="${feeds.url}/blog/feed.xml"/>
</body></opml>`;
    await visit(page, '/sources/manage');
    await page
      .getByLabel('An OPML file from another reader')
      .setInputFiles({ name: 'subscriptions.opml', mimeType: 'text/x-opml', buffer: Buffer.from(opml) });
    await submit(
      page,
      page.getByRole('button', { name: 'Import' }),
      'Imported 3 sources; 1 you already followed. 1 entry was skipped (not web addresses). New sources are fetched in the background.',
    );
    assert.equal(currentPath(page), '/sources/manage');
    assert.equal(await page.getByRole('heading', { name: 'Your sources (4)' }).count(), 1);
    const rows = page.locator('.source-row__title');
    assert.deepEqual((await rows.allInnerTexts()).sort(), [
      'Child Welfare Review',
      'Journal of Librarianship',
      'School Library Blog',
      'Teacher Tips',
    ]);
    assert.equal(await page.getByLabel('Folder', { exact: true }).count(), 4);
    const folderOf = (title: string) => page.locator('.source-row', { hasText: title }).getByLabel('Folder', { exact: true }).inputValue();
    assert.equal(await folderOf('Journal of Librarianship'), 'Research');
    assert.equal(await folderOf('Child Welfare Review'), 'Research');
    assert.equal(await folderOf('Teacher Tips'), '');
    assert.equal(await folderOf('School Library Blog'), 'Libraries');
    // Imported sources are not fetched by the form itself.
    assert.equal(feeds.hits('/journal/rss').length, 0);
    assert.match(await text(page.locator('.source-row', { hasText: 'Teacher Tips' }).locator('.hint')), /not fetched yet/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download your sources as OPML' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'sources.opml');
    const exported = parseOpml(await readFile((await download.path())!, 'utf8'));
    const outlines = exported.body?.outlines ?? [];
    const folders = Object.fromEntries(
      outlines.filter((o) => o.outlines?.length).map((o) => [o.text, o.outlines!.map((c) => c.xmlUrl).sort()]),
    );
    assert.deepEqual(folders, {
      Libraries: [`${feeds.url}/blog/feed.xml`],
      Research: [`${feeds.url}/cwr/atom.xml`, `${feeds.url}/journal/rss`],
    });
    assert.deepEqual(
      outlines.filter((o) => o.xmlUrl).map((o) => [o.text, o.xmlUrl]),
      [['Teacher Tips', `${feeds.url}/tips/feed`]],
    );

    // The same file by its link: an OPML document, not a page.
    const response = await page.request.get('/sources/export.opml');
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'] ?? '', /^text\/x-opml/);
    assert.match(await response.text(), /<outline[^>]+text="Research"/);
  });

  test('a source is renamed, moved to another folder, and a keyword rule hides items', async () => {
    const { page } = ana;
    await visit(page, '/sources/manage');
    const row = page.locator('.source-row', { hasText: 'Teacher Tips' });
    await row.getByLabel('Name').fill('Tips for teachers');
    await row.getByLabel('Folder', { exact: true }).selectOption('Research');
    await submit(page, row.getByRole('button', { name: 'Save Teacher Tips' }), 'Saved.');
    assert.equal(
      await page.locator('.source-row', { hasText: 'Tips for teachers' }).getByLabel('Folder', { exact: true }).inputValue(),
      'Research',
    );

    await page.getByLabel('New folder').fill('Later');
    await submit(page, page.getByRole('button', { name: 'Create' }), 'Folder “Later” is ready: move sources into it below.');
    await page.getByLabel('Rename “Later”').fill('Someday');
    await submit(page, page.getByRole('button', { name: 'Rename folder Later' }), 'Folder renamed.');
    assert.equal(await page.getByLabel('Rename “Someday”').count(), 1);

    await page.getByLabel('Word or phrase').fill('makerspace');
    await page.getByLabel('Then').selectOption('mute');
    await submit(page, page.getByRole('button', { name: 'Add the rule' }), 'Rule added, and applied to the items already there.');
    assert.equal(
      await text(page.locator('section[aria-labelledby="rules-heading"] li > span')),
      'Hide items with “makerspace” in any source',
    );
    await visit(page, '/sources?show=all');
    assert.deepEqual(await titles(page), ['Genrefication, a year on', 'Banned books week displays', 'Author visits over video']);
    await visit(page, '/sources/manage');
    await submit(page, page.getByRole('button', { name: 'Remove the rule for “makerspace”' }), 'Rule removed.');
  });

  test('an item is shared to the member’s stream, as a post linking to it', async () => {
    const { page } = ana;
    await visit(page, '/sources?show=all');
    const id = await itemId(page, 'Banned books week displays');
    await page.locator(`#item-${id}`).getByRole('link', { name: 'Share' }).click();
    await page.waitForURL(`**/sources/items/${id}/share`);
    assert.equal(await page.locator('main h1').innerText(), 'Share: Banned books week displays');
    assert.match(await text(page.locator('.share-preview')), /“Banned books week displays” \(School Library Blog\)/);
    await page.getByLabel('What you think of it').fill('Great ideas for our October display. #BannedBooksWeek');
    await page.getByLabel('Who can see the post').selectOption('public');
    await submit(page, page.getByRole('button', { name: 'Share to your stream' }), 'Shared to your stream.');
    assert.match(currentPath(page), /^\/@ana\/\d+$/);

    await visit(page, '/stream');
    const post = page.locator('main article.post', { hasText: 'Great ideas for our October display' });
    assert.match(
      await text(post.locator('.post__content')),
      /Great ideas for our October display\. #BannedBooksWeek “Banned books week displays” \(School Library Blog\)/,
    );
    assert.equal(
      await post.locator(`.post__content a[href="${feeds.url}/blog/posts/banned-books"]`).count(),
      1,
      'the post links to the item',
    );
  });

  test('a page naming two feeds offers the choice, and the chosen one is followed', async () => {
    const { page } = ana;
    feeds.set('/podcast/', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><html><head><title>Story Time Podcast</title>
        <link rel="alternate" type="application/rss+xml" title="Episodes (RSS)" href="/podcast/episodes.rss">
        <link rel="alternate" type="application/atom+xml" title="Show notes (Atom)" href="/podcast/notes.atom">
        </head><body>Podcast</body></html>`,
    });
    feeds.set('/podcast/episodes.rss', {
      body: rss('Story Time Podcast', [{ title: 'Episode 1: picture books', link: 'https://podcast.example/1', date: day(10) }]),
    });
    feeds.set('/podcast/notes.atom', {
      headers: { 'content-type': 'application/atom+xml' },
      body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Story Time show notes</title><id>urn:notes</id><updated>${new Date(day(10)).toISOString()}</updated>
        <entry><title>Notes for episode 1</title><id>urn:notes:1</id><link href="https://podcast.example/notes/1"/><updated>${new Date(day(10)).toISOString()}</updated><content type="html">&lt;p&gt;Books we read.&lt;/p&gt;</content></entry></feed>`,
    });
    await visit(page, '/sources/manage');
    await page.getByLabel('Address of a site or a feed').fill(`${feeds.url}/podcast/`);
    await page.getByLabel('Folder (optional)').fill('Listening');
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    const choice = page.getByRole('group', { name: 'This page offers 2 feeds. Which one?' });
    await choice.waitFor();
    const radios = choice.getByRole('radio');
    assert.equal(await radios.count(), 2);
    assert.ok(await choice.getByRole('radio', { name: /Episodes \(RSS\)/ }).isChecked(), 'the first is preselected');
    assert.match(await text(choice), /Show notes \(Atom\) \(atom: .*\/podcast\/notes\.atom\)/);
    await choice.getByLabel(/Show notes \(Atom\)/).check();
    await submit(page, page.getByRole('button', { name: 'Follow this feed' }), 'Following Story Time show notes: 1 item to read.');
    assert.deepEqual(await titles(page), ['Notes for episode 1']);
    // The folder typed before the choice is kept.
    assert.equal(
      await text(
        page
          .getByRole('navigation', { name: 'Your sources' })
          .getByRole('region', { name: /Listening/ })
          .getByRole('listitem'),
      ),
      'Story Time show notes 1 unread',
    );
    assert.equal(feeds.hits('/podcast/episodes.rss').length, 0, 'the feed not chosen is never fetched');
  });

  test('a broken source shows its problem in plain words, and “Try again now” works once the feed is fixed', async () => {
    const { page } = ana;
    feeds.set('/flaky/feed.xml', {
      body: rss('Social Work Notes', [{ title: 'Supervision that helps', link: 'https://sw.example/supervision', date: day(12) }]),
    });
    await visit(page, '/sources/manage');
    await page.getByLabel('Address of a site or a feed').fill(`${feeds.url}/flaky/feed.xml`);
    await submit(page, page.getByRole('button', { name: 'Follow', exact: true }), 'Following Social Work Notes: 1 item to read.');
    const sourcePath = currentPath(page);

    // The feed breaks; "Fetch now" on the manage page finds out.
    feeds.set('/flaky/feed.xml', {
      status: 404,
      headers: { 'content-type': 'text/html' },
      body: '<!doctype html><title>Not found</title>',
    });
    await visit(page, '/sources/manage');
    const problem = 'The site answered 404 (not found) in the last hour.';
    await submit(
      page,
      page.getByRole('button', { name: 'Fetch now Social Work Notes' }),
      `Fetched Social Work Notes, still a problem: ${problem}`,
    );
    assert.equal(await text(page.locator('.source-row', { hasText: 'Social Work Notes' }).locator('.source-problem')), problem);

    await visit(page, sourcePath);
    const callout = page.locator('main .callout');
    assert.equal(await text(callout.locator('p')), problem);
    assert.match(
      await text(page.getByRole('navigation', { name: 'Your sources' }).getByRole('listitem').filter({ hasText: 'Social Work Notes' })),
      new RegExp(`⚠ ${problem.replace(/[()]/g, '\\$&')}`),
    );
    assert.deepEqual(await titles(page), ['Supervision that helps'], 'the items already fetched stay');

    // Still broken: trying again says so.
    await submit(page, callout.getByRole('button', { name: 'Try again now' }), `Fetched Social Work Notes, still a problem: ${problem}`);
    assert.equal(currentPath(page), sourcePath);

    feeds.set('/flaky/feed.xml', {
      body: rss('Social Work Notes', [
        { title: 'Back online: case notes that help', link: 'https://sw.example/case-notes', date: day(22) },
        { title: 'Supervision that helps', link: 'https://sw.example/supervision', date: day(12) },
      ]),
    });
    await submit(page, page.locator('main .callout').getByRole('button', { name: 'Try again now' }), /^Fetched Social Work Notes\.$/);
    assert.equal(currentPath(page), sourcePath);
    assert.equal(await page.locator('main .callout').count(), 0, 'the problem is gone');
    assert.deepEqual(await titles(page), ['Back online: case notes that help', 'Supervision that helps']);
    assert.equal(await page.getByRole('navigation', { name: 'Your sources' }).locator('.source-problem').count(), 0);
    assert.deepEqual(ana.problems, []);
  });
});

describe('Sources without JavaScript', () => {
  test('a member subscribes, reads, stars, marks read, marks all read and unfollows with JavaScript off', async () => {
    const bo = await signedIn(members.bo, { javaScriptEnabled: false });
    try {
      const { page } = bo;
      feeds.set('/news/rss', {
        body: rss('Youth Services News', [
          { title: 'Summer reading kickoff', link: 'https://news.example/summer', date: day(21) },
          { title: 'Teen advisory board', link: 'https://news.example/teens', date: day(19) },
          { title: 'Storytime in three languages', link: 'https://news.example/storytime', date: day(17) },
        ]),
      });
      await visit(page, '/sources/manage');
      await page.getByLabel('Address of a site or a feed').fill(`${feeds.url}/news/rss`);
      await page.getByLabel('Folder (optional)').fill('News');
      await submit(page, page.getByRole('button', { name: 'Follow', exact: true }), 'Following Youth Services News: 3 items to read.');
      assert.deepEqual(await titles(page), ['Summer reading kickoff', 'Teen advisory board', 'Storytime in three languages']);

      // Mark read: the item leaves the unread river.
      const first = await itemId(page, 'Summer reading kickoff');
      await page.locator(`#item-${first}`).getByRole('button', { name: 'Mark read' }).click();
      await page.waitForURL((url) => url.hash === `#item-${first}`);
      assert.deepEqual(await titles(page), ['Teen advisory board', 'Storytime in three languages']);

      // Star, then the Starred page.
      const second = await itemId(page, 'Teen advisory board');
      await page.locator(`#item-${second}`).getByRole('button', { name: 'Star' }).click();
      await page.waitForURL((url) => url.hash === `#item-${second}`);
      assert.equal(await page.locator(`#item-${second}`).getByRole('button', { name: 'Star' }).getAttribute('aria-pressed'), 'true');
      await visit(page, '/sources/starred');
      assert.deepEqual(await titles(page), ['Teen advisory board']);

      // The shortcuts list is still there to read (a plain <details>).
      await visit(page, '/sources');
      await page.getByText('Keyboard shortcuts').click();
      assert.ok(await page.getByText('next / previous item').isVisible());

      // Mark all read in this folder only.
      const folder = await page
        .getByRole('navigation', { name: 'Your sources' })
        .getByRole('link', { name: 'News', exact: true })
        .getAttribute('href');
      await visit(page, folder!);
      await submit(page, page.locator('form[action="/sources/mark-read"]').getByRole('button', { name: 'Mark read' }), 'All marked read.');
      assert.equal(currentPath(page), folder);
      assert.equal(await text(page.locator('main .empty')), 'All read. Nothing new here.');

      // Unfollow (the confirmation is a script nicety; without it the form just submits).
      await visit(page, '/sources/manage');
      await submit(page, page.getByRole('button', { name: 'Unfollow Youth Services News' }), 'Unfollowed.');
      assert.equal(await page.getByRole('heading', { name: 'Your sources (0)' }).count(), 1);
      assert.deepEqual(bo.problems, []);
    } finally {
      await bo.context.close();
    }
  });
});
