import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEMO_ARTICLES } from '../../src/app/demo/articles.ts';
import { loadDemo } from '../../src/app/demo/demo.ts';
import { createMembers, follow, getJson, type Json, type Member, png, pngBlob } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Articles, the members' blog: drafts, publishing (a post in the stream announces the article),
 * the blog page and its Atom feed, comments (replies to the announcing post), editing and
 * deleting, Markdown rendering and what the sanitiser keeps out. Everything goes through the
 * pages' forms or the JSON API.
 */

let server: TestServer;
let alice: Member; // writes
let bob: Member; // follows alice, comments
let carol: Member; // another member

before(async () => {
  server = await startTestServer();
  ({ alice, bob, carol } = await createMembers(server, ['alice', 'bob', 'carol'] as const));
  await follow(bob, alice);
});
after(() => server.close());

async function draft(who: Member, fields: Record<string, unknown>): Promise<Json> {
  const res = await who.api('POST', '/api/v1/articles', fields);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

async function publish(who: Member, id: number): Promise<Json> {
  const res = await who.api('POST', `/api/v1/articles/${id}/publish`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
}

async function articleCount(): Promise<number> {
  const row = await server.services.database.db
    .selectFrom('articles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const path = (url: string) => new URL(url).pathname;

describe('writing and publishing an article', () => {
  let id: number;
  let slug: string;
  let postId: number;

  test('a draft saved through the editor is visible only to its author', async () => {
    const saved = await alice.web.post('/articles', {
      title: 'What genrefication taught me',
      summary: 'A year of moving 4,000 books, and what our students did next.',
      markdown: '# Why we did it\n\nCirculation had **flatlined**.\n\n## What changed\n\n- browsing\n- fewer questions at the desk\n',
      action: 'save',
    });
    assert.equal(saved.status, 303);
    const match = /^\/articles\/(\d+)\/edit$/.exec(saved.location ?? '');
    assert.ok(match, `redirected to the editor, got ${saved.location}`);
    id = Number(match[1]);

    const mine = await getJson(server, alice, `/api/v1/articles/${id}`);
    assert.equal(mine.status, 'draft');
    assert.equal(mine.slug, 'what-genrefication-taught-me');
    slug = mine.slug;
    assert.equal(mine.postId, null);

    await getJson(server, bob, `/api/v1/articles/${id}`, 404);
    await getJson(server, null, `/api/v1/articles/${id}`, 404);
    assert.equal((await server.client().get(`/@alice/blog/${slug}`)).status, 404);
    assert.equal((await bob.web.get(`/@alice/blog/${slug}`)).status, 404);
    const own = await alice.web.get(`/@alice/blog/${slug}`);
    assert.equal(own.status, 200);
    assert.match(own.text('.callout'), /A draft: only you can see it/);

    const blog = await server.client().get('/@alice/blog');
    assert.equal(blog.status, 200);
    assert.doesNotMatch(blog.text('main'), /genrefication/);
    const feed = await server.client().fetch('/@alice/blog.atom');
    assert.doesNotMatch(await feed.text(), /genrefication/);
    assert.deepEqual((await getJson(server, null, '/api/v1/people/alice/articles')).articles, []);
    const list = await alice.web.get('/articles');
    assert.match(list.text('section[aria-labelledby="drafts-heading"]'), /What genrefication taught me/);
  });

  test('publishing puts it on the blog, in the Atom feed and in a follower’s home timeline', async () => {
    const homeBefore = await getJson(server, bob, '/api/v1/timelines/home');
    const published = await alice.web.post(`/articles/${id}/edit`, {
      title: 'What genrefication taught me',
      summary: 'A year of moving 4,000 books, and what our students did next.',
      markdown: '# Why we did it\n\nCirculation had **flatlined**.\n\n## What changed\n\n- browsing\n- fewer questions at the desk\n',
      action: 'publish',
    });
    assert.equal(published.status, 303);
    assert.equal(published.location, `/@alice/blog/${slug}`);

    const article = await getJson(server, null, `/api/v1/articles/${id}`);
    assert.equal(article.status, 'published');
    assert.ok(article.publishedAt);
    postId = article.postId;
    assert.ok(postId);
    assert.equal(path(article.url), `/@alice/blog/${slug}`);

    // The page: title as the h1, the body with headings from h2, the summary, the feed link.
    const page = await server.client().get(`/@alice/blog/${slug}`);
    assert.equal(page.status, 200);
    assert.equal(page.text('h1'), 'What genrefication taught me');
    assert.equal(page.document.querySelectorAll('h1').length, 1);
    assert.equal(page.text('.item__content h2'), 'Why we did it');
    assert.equal(page.text('.item__content h3'), 'What changed');
    assert.match(page.text('article header'), /By Alice/);
    assert.match(page.text('article header'), /A year of moving 4,000 books/);
    const alternate = page.document.querySelector('head link[rel="alternate"][type="application/atom+xml"]');
    assert.equal(alternate?.getAttribute('href'), '/@alice/blog.atom');
    assert.match(page.text('#comments-heading ~ p'), /Sign in/);

    // The blog lists it with its summary, and links to the feed.
    const blog = await server.client().get('/@alice/blog');
    assert.equal(blog.text('main h2 a'), 'What genrefication taught me');
    assert.equal(blog.document.querySelector('main h2 a')?.getAttribute('href'), `/@alice/blog/${slug}`);
    assert.match(blog.text('main'), /A year of moving 4,000 books/);
    assert.equal(
      blog.document.querySelector('head link[rel="alternate"][type="application/atom+xml"]')?.getAttribute('href'),
      '/@alice/blog.atom',
    );
    const api = await getJson(server, null, '/api/v1/people/alice/articles');
    assert.deepEqual(
      api.articles.map((a: Json) => a.id),
      [id],
    );

    // The Atom feed: well-formed, the entry with its full HTML.
    const res = await server.client().fetch('/@alice/blog.atom');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/atom\+xml/);
    const xml = await res.text();
    assert.equal(XMLValidator.validate(xml), true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    assert.equal(parsed.feed.xmlns, 'http://www.w3.org/2005/Atom');
    assert.equal(parsed.feed.title['#text'], 'Alice’s blog');
    const entry = Array.isArray(parsed.feed.entry) ? parsed.feed.entry[0] : parsed.feed.entry;
    assert.equal(entry.title['#text'], 'What genrefication taught me');
    assert.equal(path(entry.link.href), `/@alice/blog/${slug}`);
    assert.equal(entry.summary['#text'], 'A year of moving 4,000 books, and what our students did next.');
    assert.equal(entry.content.type, 'html');
    assert.match(entry.content['#text'], /<h2>Why we did it<\/h2>/);
    assert.match(entry.content['#text'], /<strong>flatlined<\/strong>/);
    assert.equal(entry.author.name, 'Alice');
    assert.ok(Date.parse(entry.published) > 0 && Date.parse(entry.updated) > 0);

    // The announcing post reaches the follower's home timeline, as an article.
    const home = await getJson(server, bob, '/api/v1/timelines/home');
    assert.equal(home.posts.length, homeBefore.posts.length + 1);
    const post = home.posts[0];
    assert.equal(post.id, postId);
    assert.equal(post.visibility, 'public');
    assert.equal(post.article.title, 'What genrefication taught me');
    assert.equal(path(post.article.url), `/@alice/blog/${slug}`);
    assert.match(post.text, /What genrefication taught me/);
    assert.ok(post.text.includes(article.url), 'the post links to the article');
    const stream = await bob.web.get('/stream');
    const card = stream.document.querySelector(`#post-${postId}`);
    assert.ok(card, 'the post is in the stream page');
    assert.match(card.textContent ?? '', /Published an article/);
    assert.ok(
      [...card.querySelectorAll('a')].some(
        (a) => a.textContent?.startsWith('Read the article') && path(a.getAttribute('href')!) === `/@alice/blog/${slug}`,
      ),
    );

    // The author's profile now links to the blog; the Library lists it as published.
    const profile = await server.client().get('/@alice');
    assert.ok(
      [...profile.document.querySelectorAll('nav a')].some(
        (a) => a.textContent?.trim() === 'Blog' && a.getAttribute('href') === '/@alice/blog',
      ),
    );
    const noBlog = await server.client().get('/@carol');
    assert.ok(![...noBlog.document.querySelectorAll('nav a')].some((a) => a.textContent?.trim() === 'Blog'));
    const list = await alice.web.get('/articles');
    assert.match(list.text('section[aria-labelledby="published-heading"]'), /What genrefication taught me/);
    assert.doesNotMatch(list.text('section[aria-labelledby="drafts-heading"]'), /What genrefication taught me/);
  });

  test('publishing twice, or an empty draft, is refused', async () => {
    const again = await alice.api('POST', `/api/v1/articles/${id}/publish`);
    assert.equal(again.status, 409);
    const empty = await draft(alice, { title: 'Nothing yet' });
    const res = await alice.api('POST', `/api/v1/articles/${empty.id}/publish`);
    assert.equal(res.status, 422);
    assert.equal(res.json.error.issues[0].path, 'markdown');
    assert.equal((await getJson(server, alice, `/api/v1/articles/${empty.id}`)).status, 'draft');
  });

  test('comments are replies to the announcing post: they show under the article and notify the author', async () => {
    const posted = await bob.web.post(`/@alice/blog/${slug}/comments`, { text: 'We saw the same thing with graphic novels!' });
    assert.equal(posted.status, 303);
    const commentId = Number(/#post-(\d+)$/.exec(posted.location ?? '')?.[1] ?? (posted.headers.get('location') ?? '').split('#post-')[1]);
    assert.ok(commentId > 0, `redirected to the comment, got ${posted.headers.get('location')}`);
    const comment = await getJson(server, null, `/api/v1/posts/${commentId}`);
    assert.equal(comment.replyTo.id, postId);

    // Another member replies the usual way, through the API.
    await carol.post('Did you relabel the spines yourselves?', { replyToId: postId });

    const page = await server.client().get(`/@alice/blog/${slug}`);
    const thread = page.text('#comments-heading ~ ol.thread');
    assert.match(thread, /We saw the same thing with graphic novels!/);
    assert.match(thread, /Did you relabel the spines yourselves\?/);

    const notifications = await getJson(server, alice, '/api/v1/notifications');
    const replies = notifications.notifications.filter((n: Json) => n.kind === 'reply');
    assert.deepEqual(replies.map((n: Json) => n.actor.handle).sort(), ['bob', 'carol']);
    assert.ok(replies.some((n: Json) => n.post.id === commentId));

    assert.equal((await getJson(server, null, `/api/v1/articles/${id}`)).comments, 2);
    assert.match((await server.client().get('/@alice/blog')).text('main'), /2 comments/);

    // An empty comment: the article page again, with the error.
    const empty = await bob.web.post(`/@alice/blog/${slug}/comments`, { text: '   ' });
    assert.equal(empty.status, 422);
    assert.match(empty.text('.error-summary'), /Write something/);
    assert.equal(empty.text('h1'), 'What genrefication taught me');
    // Signed out, there is no form to post.
    assert.equal((await server.client().post(`/@alice/blog/${slug}/comments`, { text: 'Hi' })).status, 401);
  });

  test('editing a published article re-renders it and edits the announcing post (kept in its history)', async () => {
    const res = await alice.api('PATCH', `/api/v1/articles/${id}`, {
      title: 'What genrefication taught us',
      markdown: '# Why we did it\n\nCirculation had **flatlined**. Now it has doubled.\n',
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.slug, slug, 'a published article keeps its address');
    assert.match(res.json.html, /Now it has doubled/);
    const page = await server.client().get(`/@alice/blog/${slug}`);
    assert.equal(page.text('h1'), 'What genrefication taught us');
    assert.match(page.text('.item__content'), /Now it has doubled/);

    const post = await getJson(server, null, `/api/v1/posts/${postId}`);
    assert.match(post.text, /What genrefication taught us/);
    assert.ok(post.editedAt);
    assert.equal(post.article.title, 'What genrefication taught us');
    const history = await getJson(server, null, `/api/v1/posts/${postId}/history`);
    assert.equal(history.versions.length, 1);
    assert.match(history.versions[0].text, /What genrefication taught me/);
    // The edit went through the posts service, which queued it for other servers (an Update).
    const queued = await server.services.database.db.selectFrom('jobs').select('payload').execute();
    assert.ok(
      queued.some((j) => j.payload.includes('"edit"') && j.payload.includes(`${postId}`)),
      'a federation job for the edit',
    );

    // Through the editor page too: Update takes you to the article.
    const form = await alice.web.post(`/articles/${id}/edit`, {
      title: 'What genrefication taught us',
      summary: 'Shorter now.',
      markdown: 'Still here.',
      action: 'update',
    });
    assert.equal(form.status, 303);
    assert.equal(form.location, `/@alice/blog/${slug}`);
    assert.match((await getJson(server, null, `/api/v1/posts/${postId}`)).text, /Shorter now\./);
    // Saving again without a change edits nothing.
    const versions = (await getJson(server, null, `/api/v1/posts/${postId}/history`)).versions.length;
    const same = await alice.web.post(`/articles/${id}/edit`, {
      title: 'What genrefication taught us',
      summary: 'Shorter now.',
      markdown: 'Still here.',
      action: 'update',
    });
    assert.equal(same.status, 303);
    assert.equal((await getJson(server, null, `/api/v1/posts/${postId}/history`)).versions.length, versions);
  });

  test('deleting an article deletes the post that announced it', async () => {
    const doomed = await draft(alice, { title: 'Short-lived', markdown: 'Here today.' });
    const live = await publish(alice, doomed.id);
    assert.ok((await getJson(server, bob, '/api/v1/timelines/home')).posts.some((p: Json) => p.id === live.postId));
    // The announcing post follows its article: it is not edited or deleted on its own.
    const direct = await alice.api('PATCH', `/api/v1/posts/${live.postId}`, { text: 'Something else' });
    assert.equal(direct.status, 409);
    assert.match(direct.json.error.message, /edit the article/);
    assert.equal((await alice.api('DELETE', `/api/v1/posts/${live.postId}`)).status, 409);
    const res = await alice.api('DELETE', `/api/v1/articles/${doomed.id}`);
    assert.equal(res.status, 204);
    await getJson(server, alice, `/api/v1/articles/${doomed.id}`, 404);
    await getJson(server, null, `/api/v1/posts/${live.postId}`, 404);
    assert.equal((await server.client().get(`/@alice/blog/${live.slug}`)).status, 404);
    assert.ok(!(await getJson(server, bob, '/api/v1/timelines/home')).posts.some((p: Json) => p.id === live.postId));
    assert.doesNotMatch(await (await server.client().fetch('/@alice/blog.atom')).text(), /Short-lived/);

    // And through the editor's Delete button.
    const other = await draft(alice, { title: 'Another draft' });
    const deleted = await alice.web.post(`/articles/${other.id}/delete`, { back: '/articles' });
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, '/articles');
    await getJson(server, alice, `/api/v1/articles/${other.id}`, 404);
  });

  test('a draft’s address follows its title and stays unique for its author', async () => {
    const one = await draft(alice, { title: 'Reading lists' });
    const two = await draft(alice, { title: 'Reading lists!' });
    assert.equal(one.slug, 'reading-lists');
    assert.equal(two.slug, 'reading-lists-2');
    const other = await draft(bob, { title: 'Reading lists' });
    assert.equal(other.slug, 'reading-lists', 'another author has their own addresses');
    const renamed = await alice.api('PATCH', `/api/v1/articles/${two.id}`, { title: 'Summer reading, café-style' });
    assert.equal(renamed.json.slug, 'summer-reading-cafe-style');
  });
});

describe('Markdown', () => {
  test('headings start at h2; links, images with a description and quotes of public posts (only) are kept', async () => {
    const open = await bob.post('Our library lets teens run the Instagram for a week.');
    const followersOnly = await bob.post('Only for my followers: budget numbers.', { visibility: 'followers' });
    const membersOnly = await bob.post('Members only: the staff rota.', { visibility: 'members' });
    const base = server.url;
    const markdown = [
      '# Introduction',
      '## Background',
      '### Details',
      'Read [the report](https://example.org/report) first.',
      '![Students reading on beanbags](https://example.org/beanbags.jpg)',
      '> A quotation\n\n```\nconst shelves = 12;\n```\n\n1. first\n2. second',
      `${base}/@bob/${open.id}`,
      `${base}/posts/${followersOnly.id}`,
      `${base}/@bob/${membersOnly.id}`,
      `${base}/@carol/${open.id}`,
    ].join('\n\n');
    const article = await draft(alice, { title: 'Teens and social media', markdown });
    const html: string = article.html;
    assert.match(html, /<h2>Introduction<\/h2>/);
    assert.match(html, /<h3>Background<\/h3>/);
    assert.match(html, /<h4>Details<\/h4>/);
    assert.doesNotMatch(html, /<h1/);
    assert.match(html, /<a href="https:\/\/example\.org\/report" rel="nofollow noopener noreferrer ugc">the report<\/a>/);
    assert.match(html, /<img src="https:\/\/example\.org\/beanbags\.jpg" alt="Students reading on beanbags"/);
    assert.match(html, /<blockquote>\s*<p>A quotation<\/p>\s*<\/blockquote>/);
    assert.match(html, /<pre><code>const shelves = 12;\n<\/code><\/pre>/);
    assert.match(html, /<ol>\s*<li>first<\/li>\s*<li>second<\/li>\s*<\/ol>/);

    // The public post is quoted: its text, its author, its date and a link to it.
    const quotes = [...html.matchAll(/<blockquote cite="[^"]*">[\s\S]*?<\/blockquote>/g)].map((m) => m[0]);
    assert.equal(quotes.length, 1, html);
    assert.match(quotes[0]!, /Our library lets teens run the Instagram for a week\./);
    assert.match(quotes[0]!, /Bob/);
    assert.ok(quotes[0]!.includes(`href="${base}/@bob/${open.id}"`));
    assert.match(quotes[0]!, /<time datetime="/);
    // Private posts stay plain links, their text nowhere.
    assert.doesNotMatch(html, /budget numbers|staff rota/);
    assert.ok(html.includes(`<a href="${base}/posts/${followersOnly.id}"`), 'the followers-only post is a plain link');
    assert.ok(html.includes(`<a href="${base}/@bob/${membersOnly.id}"`), 'the members-only post is a plain link');
    // An address with the wrong author is not a quote either.
    assert.ok(html.includes(`<a href="${base}/@carol/${open.id}"`));
  });

  test('images uploaded in the editor give a Markdown line that shows them', async () => {
    const article = await draft(alice, { title: 'Our new reading corner' });
    const form = new FormData();
    form.append('file', pngBlob(await png(320, 200)), 'corner.png');
    form.append('alt', 'Beanbags under a window [left side]');
    const upload = await server
      .client()
      .fetch(`/api/v1/articles/${article.id}/images`, { method: 'POST', body: form, headers: alice.auth });
    assert.equal(upload.status, 201);
    const image = await upload.json();
    assert.match(image.url, /^\/media\/articles\/.+\.webp$/);
    assert.equal(image.markdown, `![Beanbags under a window \\[left side\\]](${image.url})`);
    assert.equal((await server.client().fetch(image.url)).status, 200);

    const saved = await alice.api('PATCH', `/api/v1/articles/${article.id}`, { markdown: `Look:\n\n${image.markdown}\n` });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    assert.ok(saved.json.html.includes(`src="${server.url}${image.url}"`));
    assert.match(saved.json.html, /alt="Beanbags under a window \[left side\]"/);

    // The editor lists the upload with its line to paste.
    const editor = await alice.web.get(`/articles/${article.id}/edit`);
    assert.ok(editor.text('#images').includes(image.markdown));

    // An upload needs a description, and an image.
    const bare = new FormData();
    bare.append('file', pngBlob(await png()), 'x.png');
    bare.append('alt', ' ');
    const refused = await server
      .client()
      .fetch(`/api/v1/articles/${article.id}/images`, { method: 'POST', body: bare, headers: alice.auth });
    assert.equal(refused.status, 422);
    assert.equal((await refused.json()).error.issues[0].path, 'alt');
    const page = await alice.web.post(`/articles/${article.id}/edit`, {
      title: 'Our new reading corner',
      summary: '',
      markdown: '',
      imageAlt: 'A photo',
      action: 'upload',
    });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /Choose an image file/);
    // Someone else cannot add images to it.
    const theirs = new FormData();
    theirs.append('file', pngBlob(await png()), 'x.png');
    theirs.append('alt', 'mine now');
    assert.equal(
      (await server.client().fetch(`/api/v1/articles/${article.id}/images`, { method: 'POST', body: theirs, headers: carol.auth })).status,
      404,
    );
  });

  test('Preview renders on the server and saves nothing', async () => {
    const before = await articleCount();
    const page = await alice.web.post('/articles', {
      title: 'Preview me',
      summary: '',
      markdown: '# Hello\n\nA *first* try.',
      action: 'preview',
    });
    assert.equal(page.status, 200);
    assert.equal(page.text('#preview-heading'), 'Preview');
    assert.match(page.html, /<h2>Hello<\/h2>/);
    assert.equal(page.document.querySelector('#field-markdown')?.textContent, '# Hello\n\nA *first* try.');
    assert.equal(await articleCount(), before);
  });
});

describe('bad input', () => {
  test('raw HTML, scripts, event handlers and javascript: links come out harmless', async () => {
    const markdown = [
      'Hello <script>alert("x")</script> world',
      '<img src="https://example.org/a.png" alt="A chart" onerror="alert(1)">',
      '[click me](javascript:alert(1))',
      '<a href="javascript:alert(2)" onclick="alert(3)">also me</a>',
      '<iframe src="https://evil.example/frame"></iframe>',
      '<p style="color:red" onmouseover="alert(4)">styled</p>',
      '<form action="https://evil.example/"><input name="q"></form>',
      '<h1>Raw heading</h1>',
    ].join('\n\n');
    const article = await draft(alice, { title: 'Sanitised', markdown });
    await publish(alice, article.id);
    const stored: string = (await getJson(server, null, `/api/v1/articles/${article.id}`)).html;
    for (const bad of [
      /<script/i,
      /alert\("x"\)/,
      /onerror/i,
      /onclick/i,
      /onmouseover/i,
      /javascript:/i,
      /<iframe/i,
      /style=/i,
      /<form/i,
      /<input/i,
      /<h1/i,
    ]) {
      assert.doesNotMatch(stored, bad, `stored HTML: ${stored}`);
    }
    assert.match(stored, /<img src="https:\/\/example\.org\/a\.png" alt="A chart"/);
    assert.match(stored, /click me/);
    assert.match(stored, /<h2>Raw heading<\/h2>/);

    const page = await server.client().get(`/@alice/blog/${article.slug}`);
    const body = page.document.querySelector('.item__content')!.innerHTML;
    for (const bad of [/<script/i, /onerror/i, /javascript:/i, /<iframe/i]) assert.doesNotMatch(body, bad);
    const feed = await (await server.client().fetch('/@alice/blog.atom')).text();
    assert.doesNotMatch(feed, /&lt;script|onerror|javascript:/i);
  });

  test('an image without a description, or not on https, is refused and nothing is saved', async () => {
    const before = await articleCount();
    for (const [markdown, message] of [
      ['![](https://example.org/a.png)', /^Describe the image https:\/\/example\.org\/a\.png/],
      ['<img src="https://example.org/raw.png">', /^Describe the image https:\/\/example\.org\/raw\.png/],
      ['![A photo](http://example.org/a.png)', /needs an https:\/\/ address/],
    ] as const) {
      const res = await alice.api('POST', '/api/v1/articles', { title: 'Pictures', markdown });
      assert.equal(res.status, 422, markdown);
      assert.equal(res.json.error.issues[0].path, 'markdown');
      assert.match(res.json.error.issues[0].message, message);
    }
    // The editor shows the problem next to the article and keeps what was written.
    const page = await alice.web.post('/articles', {
      title: 'Pictures',
      summary: '',
      markdown: 'Look: ![](https://example.org/a.png)',
      action: 'save',
    });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /Describe the image/);
    assert.equal(page.document.querySelector('.error-summary a')?.getAttribute('href'), '#field-markdown');
    assert.equal(page.document.querySelector('#field-markdown')?.textContent, 'Look: ![](https://example.org/a.png)');
    assert.equal(await articleCount(), before);
  });

  test('an empty title is a 422, in the API and the editor', async () => {
    const res = await alice.api('POST', '/api/v1/articles', { title: '  ', markdown: 'Text' });
    assert.equal(res.status, 422);
    assert.equal(res.json.error.issues[0].path, 'title');
    const page = await alice.web.post('/articles', { title: '', summary: '', markdown: 'Text', action: 'publish' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /Give the article a title/);
    assert.match(page.document.title, /^Error: /);
  });

  test('over-long Markdown is a 422, and a request over the size limit a 413', async () => {
    const before = await articleCount();
    const res = await alice.api('POST', '/api/v1/articles', { title: 'Long', markdown: 'a'.repeat(100_001) });
    assert.equal(res.status, 422);
    assert.equal(res.json.error.issues[0].path, 'markdown');
    const page = await alice.web.post('/articles', { title: 'Long', summary: '', markdown: 'a'.repeat(100_001), action: 'save' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /at most 100,000 characters/);
    const huge = await alice.api('POST', '/api/v1/articles', { title: 'Huge', markdown: 'a'.repeat(6 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    // The editor answers with its form and the error where the image goes.
    const big = new FormData();
    big.append('_csrf', await alice.web.csrf());
    for (const [k, v] of Object.entries({ title: 'Huge', summary: '', markdown: 'x', imageAlt: 'big', action: 'upload' })) big.append(k, v);
    big.append('image', new Blob([new Uint8Array(6 * 1024 * 1024)], { type: 'image/png' }), 'big.png');
    const tooBig = await alice.web.post('/articles', big);
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.text('#field-image-error'), /too large/);
    assert.equal(await articleCount(), before);
  });

  test('another member can neither see my draft nor change my articles', async () => {
    const mineDraft = await draft(alice, { title: 'Private thoughts', markdown: 'Not yet.' });
    const minePublished = await publish(alice, (await draft(alice, { title: 'Public thoughts', markdown: 'Out there.' })).id);
    // A draft does not exist for anyone else: 404 everywhere.
    assert.equal((await carol.api('PATCH', `/api/v1/articles/${mineDraft.id}`, { title: 'Mine now' })).status, 404);
    assert.equal((await carol.api('POST', `/api/v1/articles/${mineDraft.id}/publish`)).status, 404);
    assert.equal((await carol.api('DELETE', `/api/v1/articles/${mineDraft.id}`)).status, 404);
    assert.equal((await carol.web.get(`/articles/${mineDraft.id}/edit`)).status, 404);
    assert.equal(
      (await carol.web.post(`/articles/${mineDraft.id}/edit`, { title: 'Mine now', summary: '', markdown: '', action: 'save' })).status,
      404,
    );
    // A published one can be read, not changed: 403.
    assert.equal((await carol.api('PATCH', `/api/v1/articles/${minePublished.id}`, { title: 'Mine now' })).status, 403);
    assert.equal((await carol.api('DELETE', `/api/v1/articles/${minePublished.id}`)).status, 403);
    assert.equal((await carol.web.get(`/articles/${minePublished.id}/edit`)).status, 403);
    assert.equal((await carol.web.post(`/articles/${minePublished.id}/delete`, { back: '/articles' })).status, 403);
    assert.equal((await getJson(server, alice, `/api/v1/articles/${mineDraft.id}`)).title, 'Private thoughts');
    assert.equal((await getJson(server, alice, `/api/v1/articles/${minePublished.id}`)).title, 'Public thoughts');
    // Signed out: the editor sends you to sign in, the API answers 401.
    assert.equal((await server.client().get('/articles')).location, '/login?next=%2Farticles');
    assert.equal((await server.client().api('POST', '/api/v1/articles', { title: 'Anonymous' })).status, 401);
  });

  test('an unknown slug, member or feed is a 404', async () => {
    assert.equal((await server.client().get('/@alice/blog/no-such-article')).status, 404);
    assert.equal((await server.client().get('/@nobody/blog')).status, 404);
    assert.equal((await server.client().get('/@nobody/blog/anything')).status, 404);
    assert.equal((await server.client().fetch('/@nobody/blog.atom')).status, 404);
    assert.equal((await server.client().api('GET', '/api/v1/people/nobody/articles')).status, 404);
    assert.equal((await server.client().api('GET', '/api/v1/articles/999999')).status, 404);
    assert.equal((await server.client().api('GET', '/api/v1/people/alice/articles?cursor=not-a-cursor')).status, 400);
  });

  test('an @mention of nobody in the title is caught before anything is published', async () => {
    const article = await draft(alice, { title: 'Thanks to @nosuchperson', markdown: 'Body.' });
    const res = await alice.api('POST', `/api/v1/articles/${article.id}/publish`);
    assert.equal(res.status, 422);
    assert.equal(res.json.error.issues[0].path, 'title');
    assert.match(res.json.error.issues[0].message, /@nosuchperson/);
    assert.equal((await getJson(server, alice, `/api/v1/articles/${article.id}`)).status, 'draft');
  });
});

describe('the demo', () => {
  let demo: TestServer;
  before(async () => {
    demo = await startTestServer();
    await loadDemo(demo.services);
  });
  after(() => demo.close());

  test('has published articles with comments, an uploaded image and a quoted post', async () => {
    for (const { author, title } of DEMO_ARTICLES) {
      const blog = await getJson(demo, null, `/api/v1/people/${author}/articles`);
      const listed = blog.articles.find((a: Json) => a.title === title);
      assert.ok(listed, `@${author} published “${title}”`);
      assert.ok(listed.comments >= 1, 'with comments');
      const page = await demo.client().get(path(listed.url));
      assert.equal(page.status, 200);
      assert.ok(page.document.querySelectorAll('#comments-heading ~ ol.thread .post').length >= 1);
    }
    const [withImage, withQuote] = await Promise.all(DEMO_ARTICLES.map((a) => getJson(demo, null, `/api/v1/people/${a.author}/articles`)));
    const image = await getJson(demo, null, `/api/v1/articles/${withImage.articles[0].id}`);
    assert.match(image.html, /<img src="[^"]+\/media\/articles\/[^"]+" alt="Bar chart/);
    const quote = await getJson(demo, null, `/api/v1/articles/${withQuote.articles[0].id}`);
    assert.match(quote.html, /<blockquote cite="[^"]+\/@schoolsw_jordan\/\d+">[\s\S]*calm corner/);
  });
});
