import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMember, type Member, PASSWORD } from '../social/helpers.ts';
import { audit, checkAccessibility, currentPath, launchBrowser, openContext, signIn, visit, writePngFile } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Articles in a real browser: a member writes an article, previews it, uploads an image, fixes a
 * validation error and publishes; another member comments. Every page on the way goes through
 * axe-core (WCAG 2.2 A and AA).
 */

let server: TestServer;
let browser: Browser;
let jordan: Member;

before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  await createMember(server, 'rosa', { displayName: 'Rosa Delgado' });
  jordan = await createMember(server, 'jordan', { displayName: 'Jordan Reyes' });
  await jordan.api('POST', '/api/v1/people/rosa/follow');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a member writes, previews and publishes an article; another member comments', async () => {
  const writer = await openContext(browser, server);
  const { page } = writer;
  await signIn(page, 'rosa', PASSWORD);

  await audit(writer, '/articles', 'articles, none yet');
  await page.getByRole('link', { name: 'Write an article' }).click();
  await page.waitForURL((url) => url.pathname === '/articles/new');
  await checkAccessibility(page, 'the editor, new article');

  // Publishing without a title: the form comes back with the error, linked to the field.
  await page.getByLabel('Article', { exact: true }).fill('# Why\n\nCirculation had **flatlined**.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.title(), /^Error:/);
  assert.equal(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Article', { exact: true }).inputValue(), '# Why\n\nCirculation had **flatlined**.');
  await checkAccessibility(page, 'the editor with a validation error');
  await page.locator('.error-summary a').first().click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-title');

  // Preview renders on the server; nothing is saved yet.
  await page.getByLabel('Title').fill('Genrefication, one year on');
  await page.getByLabel('Summary').fill('What changed for our students.');
  await page
    .getByLabel('Article', { exact: true })
    .fill('# Why\n\nCirculation had **flatlined**.\n\n- browsing came back\n- [our label list](https://example.org/labels)');
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.waitForSelector('#preview-heading');
  assert.equal(await page.locator('#preview-heading ~ .item__content h2').textContent(), 'Why');
  assert.equal(currentPath(page), '/articles');
  await checkAccessibility(page, 'the editor with a preview');

  // Uploading an image saves the draft and gives the line to paste.
  await page.getByLabel('Image file').setInputFiles(await writePngFile(600, 400));
  await page.getByLabel('Description for people who cannot see it (alt text)').fill('Bar chart: checkouts before and after');
  await page.getByRole('button', { name: 'Upload image' }).click();
  await page.waitForURL((url) => /^\/articles\/\d+\/edit$/.test(url.pathname));
  const snippet = (await page.locator('#images code').first().textContent())!;
  assert.match(snippet, /^!\[Bar chart: checkouts before and after\]\(\/media\/articles\/.+\.webp\)$/);
  assert.match((await page.locator('.notice').textContent())!, /The image was uploaded/);
  const editPath = currentPath(page);
  await checkAccessibility(page, 'the editor of a saved draft with an uploaded image');

  // A draft is only for its author.
  const reader = await openContext(browser, server);
  await signIn(reader.page, 'jordan', PASSWORD);
  await visit(reader.page, '/@rosa/blog/genrefication-one-year-on', 404);
  reader.problems.splice(0);

  // Publish, with the image in the article.
  const markdown = page.getByLabel('Article', { exact: true });
  await markdown.fill(`${await markdown.inputValue()}\n\n${snippet}\n`);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.waitForURL((url) => url.pathname === '/@rosa/blog/genrefication-one-year-on');
  assert.equal(await page.locator('h1').textContent(), 'Genrefication, one year on');
  assert.equal(await page.locator('.item__content img').getAttribute('alt'), 'Bar chart: checkouts before and after');
  assert.ok(
    await page.locator('.item__content img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    'the uploaded image loads',
  );
  assert.deepEqual(writer.problems.splice(0), []);
  await checkAccessibility(page, 'the article page, no comments yet');

  // The follower sees the announcement in their stream and comments on the article.
  await visit(reader.page, '/stream');
  await reader.page.getByRole('link', { name: /^Read the article\s*“Genrefication, one year on”$/ }).click();
  await reader.page.waitForURL((url) => url.pathname === '/@rosa/blog/genrefication-one-year-on');
  await reader.page.getByRole('button', { name: 'Comment' }).click();
  await reader.page.waitForSelector('.error-summary');
  await checkAccessibility(reader.page, 'the article page with a comment error');
  await reader.page.getByLabel('Add a comment').fill('We saw the same with graphic novels!');
  await reader.page.getByRole('button', { name: 'Comment' }).click();
  await reader.page.waitForSelector('ol.thread .post');
  assert.match((await reader.page.locator('ol.thread .post').first().textContent())!, /We saw the same with graphic novels!/);
  assert.deepEqual(reader.problems.splice(0), []);
  await audit(reader, '/@rosa/blog/genrefication-one-year-on', 'the article page with a comment');

  // The author's views: the blog, the list of articles, the editor of a published article with an error.
  await audit(writer, '/@rosa/blog', 'the blog');
  await audit(writer, '/articles', 'articles, one published');
  assert.match((await page.locator('section[aria-labelledby="published-heading"]').textContent())!, /1 comment/);
  await audit(writer, editPath, 'the editor of a published article');
  await page.getByLabel('Title').fill('');
  await page.getByRole('button', { name: 'Update' }).click();
  await page.waitForSelector('.error-summary');
  await checkAccessibility(page, 'the editor of a published article with a validation error');
  assert.deepEqual(writer.problems.splice(0), []);
});
