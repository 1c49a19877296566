import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { FeedServer, rss } from '../feeds/feed-server.ts';
import { createMembers, type Json, type Member } from '../social/helpers.ts';
import { audit, checkAccessibility, currentPath, launchBrowser, openContext, visit } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Every kind of Sources page through axe-core (WCAG 2.2 A and AA): the river with items, with
 * a broken source and empty; Starred; an item carrying rich feed HTML (headings, tables, images
 * with and without alt text, a linked image, a podcast enclosure); sharing; managing sources,
 * folders and rules; choosing between two feeds; and forms with errors. Then the busiest pages
 * on a phone-sized screen.
 */

let server: TestServer;
let feeds: FeedServer;
let browser: Browser;
let cleo: Member;
let dev: Member;
let blogSub: number;
let brokenSub: number;
let richItem: number;
let plainItem: number;

/** A Content-Security-Policy refusal to load audio or video. */
const MEDIA_BLOCKED = /Loading media from .* violates the following Content Security Policy directive/;
/** Day `n` of the thirty days up to now (day(30) is now), as a feed writes dates: recent items, whenever the tests run. */
const day = (n: number) => new Date(Date.now() - (30 - n) * 86_400_000).toUTCString();

const RICH_HTML = `
<p>Our first year of genrefication, with <a href="https://blog.example/genrefication">the plan we followed</a> and <strong>what we would change</strong>.</p>
<h1>A heading one inside the post</h1>
<h2>What we learned</h2>
<p>Students found books faster. <em>Much</em> faster.</p>
<h3>The numbers</h3>
<table>
  <caption>Loans per month</caption>
  <thead><tr><th scope="col">Month</th><th scope="col">Fiction</th><th scope="col">Non-fiction</th></tr></thead>
  <tbody><tr><td>September</td><td>1,204</td><td>380</td></tr><tr><td>October</td><td>1,530</td><td>412</td></tr><tr><td>November</td><td>1,611</td><td>398</td></tr></tbody>
</table>
<table><tr><td>A layout table</td><td>from an old theme</td></tr><tr><td>with two rows</td><td>and no headers</td></tr></table>
<h4>Pictures</h4>
<figure><img src="https://blog.example/shelves.jpg" alt="Shelves labelled Mystery, Fantasy and Sports" width="600" height="400"><figcaption>The new shelf labels.</figcaption></figure>
<p><img src="https://blog.example/divider.png" width="600" height="10"></p>
<p><a href="https://blog.example/big-photo.jpg"><img src="https://blog.example/thumb.jpg" width="120" height="80"></a></p>
<h5>Further reading</h5>
<ul><li><a href="https://example.org/a">One article</a></li><li>A book</li></ul>
<ol start="3"><li>Third</li><li>Fourth</li></ol>
<blockquote cite="https://example.org/q"><p>Libraries are for everyone.</p></blockquote>
<pre><code>shelf.sort(by: genre)</code></pre>
<h6>Small print</h6>
<details><summary>Notes</summary><p>Hidden notes.</p></details>
<dl><dt>Genre</dt><dd>A kind of story</dd></dl>
<p>Text with <sub>sub</sub>, <sup>sup</sup>, <abbr title="School Library Journal">SLJ</abbr>, <mark>marked</mark>, <del>old</del> <ins>new</ins> and <code>code</code>.</p>
<video controls width="320" height="180" poster="https://blog.example/tour.jpg"></video>
<script>alert('never')</script><iframe src="https://evil.example/"></iframe>
`;

async function ok(res: { status: number; json: Json }, status: number, what: string): Promise<Json> {
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.json)}`);
  return res.json;
}

before(async () => {
  [server, feeds, browser] = await Promise.all([
    startTestServer({ env: { FETCH_ALLOW_PRIVATE: '127.0.0.1,::1' } }),
    FeedServer.start(),
    launchBrowser(),
  ]);
  ({ cleo, dev } = await createMembers(server, ['cleo', 'dev'] as const));

  feeds.set('/blog/feed.xml', {
    body: `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>School Library Blog</title><link>https://blog.example/</link><description>About school libraries</description>
<item><title>Genrefication, a year on</title><link>${feeds.url}/blog/posts/genrefication</link><pubDate>${day(20)}</pubDate><author>ms.li@blog.example (Ms Li)</author>
  <description>How genrefication went, with numbers.</description><content:encoded><![CDATA[${RICH_HTML}]]></content:encoded></item>
<item><title>Episode 12: the podcast</title><link>${feeds.url}/blog/posts/missing</link><pubDate>${day(19)}</pubDate><description>&lt;p&gt;Listen to the episode.&lt;/p&gt;</description>
  <enclosure url="https://blog.example/ep12.mp3" type="audio/mpeg" length="1234567"/></item>
${[18, 17, 16, 15].map((d) => `<item><title>Weekly notes ${d}</title><link>https://blog.example/notes-${d}</link><pubDate>${day(d)}</pubDate><description>&lt;p&gt;Notes of the week, with a &lt;a href="https://blog.example/x"&gt;link&lt;/a&gt;.&lt;/p&gt;</description></item>`).join('\n')}
</channel></rss>`,
  });
  feeds.set('/broken/feed.xml', {
    body: rss('Child Welfare Review', [{ title: 'Supervision that helps', link: 'https://cwr.example/supervision', date: day(12) }]),
  });
  feeds.set('/two/', {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><title>Two feeds</title>
      <link rel="alternate" type="application/rss+xml" title="Posts" href="/two/posts.rss">
      <link rel="alternate" type="application/atom+xml" title="Comments" href="/two/comments.atom"></head><body></body></html>`,
  });

  const blog = await ok(
    await cleo.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/blog/feed.xml`, folder: 'Libraries' }),
    201,
    'follow the blog',
  );
  blogSub = blog.id;
  const broken = await ok(
    await cleo.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/broken/feed.xml`, folder: 'Social work' }),
    201,
    'follow the journal',
  );
  brokenSub = broken.id;
  feeds.set('/broken/feed.xml', { status: 500, headers: { 'content-type': 'text/html' }, body: 'oops' });
  const refreshed = await ok(await cleo.api('POST', `/api/v1/subscriptions/${brokenSub}/refresh`), 200, 'refresh the broken feed');
  assert.equal(refreshed.status, 'error');
  await ok(await cleo.api('POST', '/api/v1/folders', { name: 'Empty folder' }), 201, 'a folder');
  await ok(await cleo.api('POST', '/api/v1/keyword-rules', { keyword: 'fundraiser', action: 'mute' }), 201, 'a mute rule');
  await ok(
    await cleo.api('POST', '/api/v1/keyword-rules', { keyword: 'podcast', action: 'star', subscriptionId: blogSub }),
    201,
    'a star rule',
  );

  const items = (await ok(await cleo.api('GET', '/api/v1/items?scope=all'), 200, 'the river')).items as Json[];
  richItem = items.find((i) => i.title === 'Genrefication, a year on').id;
  plainItem = items.find((i) => i.title === 'Episode 12: the podcast').id;
  const notes = items.find((i) => i.title === 'Weekly notes 17').id;
  await ok(await cleo.api('POST', `/api/v1/items/${notes}/star`), 204, 'star');
  await ok(await cleo.api('POST', `/api/v1/items/${notes}/read`), 204, 'read');
});

after(async () => {
  await browser?.close();
  await server?.close();
  await feeds?.close();
});

describe('Sources pages pass axe (no serious or critical WCAG 2.2 AA problems)', () => {
  test('the river: everything, a folder, a source, a broken source, read items too, search, and empty', async () => {
    const s = await openContext(browser, server, {}, cleo);
    const { page } = s;
    await audit(s, '/sources', 'river with items and a broken source in the sidebar');
    assert.ok((await page.locator('main article[data-item]').count()) >= 5);
    assert.equal(await page.locator('.reader__nav .source-problem').count(), 1);
    await audit(s, `/sources?source=${brokenSub}`, 'river of a broken source, with its problem');
    assert.match(await page.locator('main .callout').innerText(), /The site answered 500/);
    assert.ok(await page.getByRole('button', { name: 'Try again now' }).isVisible());
    await audit(s, `/sources?source=${blogSub}&show=all`, 'river of one source, read items too');
    assert.ok((await page.locator('main article.item--read').count()) >= 1);
    await audit(s, '/sources?q=genrefication', 'search results');
    await audit(s, '/sources?q=tuba', 'search without results');

    // With the shortcuts list open, and an item focused by the keyboard.
    await visit(page, '/sources');
    await page.keyboard.press('?');
    await page.keyboard.press('Escape');
    await page.locator('main h1').click();
    await page.keyboard.press('j');
    assert.ok(await page.locator('details#shortcuts[open]').isVisible());
    await checkAccessibility(page, 'river, shortcuts open, an item focused');

    const folder = await page
      .getByRole('navigation', { name: 'Your sources' })
      .getByRole('link', { name: 'Empty folder' })
      .getAttribute('href');
    await audit(s, folder!, 'river of an empty folder');
    await audit(s, `/sources?folder=${new URLSearchParams(folder!.split('?')[1]).get('folder')}&show=all`, 'empty folder, read items too');
  });

  test('the river of a member with no sources, and with everything read', async () => {
    const s = await openContext(browser, server, {}, dev);
    await audit(s, '/sources', 'river, no sources yet');
    assert.match(await s.page.locator('main .callout').innerText(), /You follow no sources yet/);
    await audit(s, '/sources/starred', 'starred, no sources');
    await audit(s, '/sources/manage', 'manage, no sources');

    await ok(await dev.api('POST', '/api/v1/subscriptions', { url: `${feeds.url}/blog/feed.xml` }), 201, 'dev follows the blog');
    await ok(await dev.api('POST', '/api/v1/items/mark-read', { scope: 'all' }), 204, 'mark all read');
    await audit(s, '/sources', 'river, all read');
    assert.equal(await s.page.locator('main .empty').innerText(), 'All read. Nothing new here.');
    await audit(s, '/sources/starred', 'starred, empty');
  });

  test('starred, items (rich HTML, a podcast, a failed full article) and sharing', async () => {
    const s = await openContext(browser, server, {}, cleo);
    const { page } = s;
    await audit(s, '/sources/starred', 'starred with items');
    assert.ok((await page.locator('main article[data-item]').count()) >= 2, 'the starred item and the one the rule starred');

    await audit(s, `/sources/items/${richItem}`, 'item with rich feed HTML');
    assert.equal(await page.getByRole('article', { name: 'Genrefication, a year on' }).count(), 1, 'the item is named by its title');
    assert.equal(await page.locator('.item__content table').count(), 2);
    // Images without alt text: decorative, unless one is all a link holds.
    assert.deepEqual(await page.locator('.item__content img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt'))), [
      'Shelves labelled Mystery, Fantasy and Sports',
      '',
      'Image without a description',
    ]);
    assert.equal(await page.locator('.item__content script, .item__content iframe').count(), 0);
    await page.locator('.item__content details summary').click();
    await checkAccessibility(page, 'item with rich feed HTML, details open');

    await visit(page, `/sources/items/${plainItem}`);
    await checkAccessibility(page, 'item with a podcast episode');
    assert.equal(await page.locator('.item__attachments audio').count(), 1);
    assert.deepEqual(s.problems.splice(0), []);
    // Its page is missing: loading the full article fails with a message.
    await page.getByRole('button', { name: 'Load the full article' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Error:/);
    assert.match(await page.locator('.error-summary').innerText(), /The article could not be loaded: the site answered 404/);
    await checkAccessibility(page, 'item, the full article failed');
    assert.deepEqual(s.problems.splice(0), []);

    await audit(s, `/sources/items/${richItem}/share`, 'share an item');
    await page.getByLabel('What you think of it').fill('x'.repeat(1200));
    await page.getByRole('button', { name: 'Share to your stream' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Error:/);
    assert.equal(await page.getByLabel('What you think of it').getAttribute('aria-invalid'), 'true');
    await checkAccessibility(page, 'share, with errors');
    assert.deepEqual(s.problems.splice(0), []);
  });

  test('managing sources: sources, folders and rules; choosing a feed; forms with errors', async () => {
    const s = await openContext(browser, server, {}, cleo);
    const { page } = s;
    await audit(s, '/sources/manage', 'manage with sources, folders and rules');
    assert.equal(await page.locator('.source-row').count(), 2);
    assert.equal(await page.locator('section[aria-labelledby="rules-heading"] li').count(), 2);
    assert.equal(await page.locator('section[aria-labelledby="folders-heading"] li').count(), 3);

    // An address that is not one.
    await page.getByLabel('Address of a site or a feed').fill('not a web address at all');
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Error:/);
    assert.equal(await page.getByLabel('Address of a site or a feed').getAttribute('aria-invalid'), 'true');
    assert.equal(currentPath(page), '/sources/subscribe');
    await checkAccessibility(page, 'follow form with an error');

    // A site with no feed at all.
    feeds.set('/nofeed/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>No feed</title><p>Hello</p>' });
    await page.getByLabel('Address of a site or a feed').fill(`${feeds.url}/nofeed/`);
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    await page.locator('.error-summary', { hasText: 'No feed found' }).waitFor();
    await checkAccessibility(page, 'follow form, no feed found');

    // Two feeds on one page: the choice.
    await visit(page, '/sources/manage');
    await page.getByLabel('Address of a site or a feed').fill(`${feeds.url}/two/`);
    await page.getByLabel('Folder (optional)').fill('Libraries');
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    await page.getByRole('group', { name: 'This page offers 2 feeds. Which one?' }).waitFor();
    await checkAccessibility(page, 'choose one of two feeds');

    // A folder name that is too long, and a rule without a keyword.
    await visit(page, '/sources/manage');
    await page.getByLabel('New folder').evaluate((input: HTMLInputElement) => {
      input.removeAttribute('maxlength');
      input.removeAttribute('required');
    });
    await page.getByLabel('New folder').fill('f'.repeat(120));
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Error:/);
    await checkAccessibility(page, 'manage, folder with an error');
    await visit(page, '/sources/manage');
    await page.getByLabel('Word or phrase').evaluate((input: HTMLInputElement) => input.removeAttribute('required'));
    await page.getByRole('button', { name: 'Add the rule' }).click();
    await page.locator('.error-summary').waitFor();
    await checkAccessibility(page, 'manage, rule with an error');
    // An empty OPML upload.
    await visit(page, '/sources/manage');
    await page.getByLabel('An OPML file from another reader').evaluate((input: HTMLInputElement) => input.removeAttribute('required'));
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('.error-summary', { hasText: 'Choose an OPML file to import.' }).waitFor();
    await checkAccessibility(page, 'manage, import without a file');
    assert.deepEqual(s.problems.splice(0), []);
  });
});

describe('Sources media', () => {
  test('a podcast episode’s player may load its audio from the feed’s site', async () => {
    const s = await openContext(browser, server, {}, cleo);
    await visit(s.page, `/sources/items/${plainItem}`);
    await s.page.locator('.item__attachments audio').evaluate((audio: HTMLAudioElement) => audio.load());
    await s.page.waitForTimeout(200);
    assert.deepEqual(
      s.problems.filter((p) => MEDIA_BLOCKED.test(p)),
      [],
    );
  });
});

describe('Sources pages on a phone-sized screen', () => {
  test('the river, an item with tables and the manage page fit 375 px without horizontal scrolling', async () => {
    const phone = await openContext(
      browser,
      server,
      { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      cleo,
    );
    const { page } = phone;
    for (const path of [
      '/sources',
      `/sources?source=${brokenSub}`,
      `/sources/items/${richItem}`,
      `/sources/items/${richItem}/share`,
      '/sources/manage',
    ]) {
      await visit(page, path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 376, `${path} is ${width}px wide on a 375px screen`);
      await checkAccessibility(page, `${path} on a phone`);
    }
    assert.deepEqual(phone.problems, []);
  });
});
