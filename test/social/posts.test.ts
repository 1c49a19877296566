import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.ts';
import { countRows, createMembers, follow, getJson, type Json, type Member, png, pngBlob, snapshot } from './helpers.ts';

const MAX = 150;
let server: TestServer;
let ana: Member;
let bo: Member;
let cy: Member;
let dee: Member;
before(async () => {
  server = await startTestServer({ env: { POST_MAX_CHARS: String(MAX) } });
  ({ ana, bo, cy, dee } = await createMembers(server, ['ana', 'bo', 'cy', 'dee']));
  await follow(bo, ana);
});
after(() => server.close());

const host = () => new URL(server.url).host;

/** The issue at `path` of a 4xx JSON error. */
function issue(res: { json: Json }, path: string): string {
  const found = res.json.error?.issues?.find((i: { path: string }) => i.path === path);
  assert.ok(found, `no issue at "${path}" in ${JSON.stringify(res.json)}`);
  return found.message;
}

describe('publishing', () => {
  test(`up to POST_MAX_CHARS (${MAX}) characters, counted as code points; one more is refused and nothing is stored`, async () => {
    const longest = `${'a'.repeat(MAX - 1)}🙂`;
    const ok = await ana.post(longest);
    assert.equal(ok.text, longest);

    const before = await snapshot(server);
    const over = await ana.api('POST', '/api/v1/posts', { text: `${'a'.repeat(MAX)}🙂` });
    assert.equal(over.status, 422);
    assert.equal(over.json.error.code, 'invalid');
    assert.equal(issue(over, 'text'), `A post can have at most ${MAX} characters; this one has ${MAX + 1}.`);

    // The page form answers the same, keeps what was written and shows the error by the field.
    const page = await ana.web.post('/posts', { text: 'b'.repeat(MAX + 5), visibility: 'public', contentWarning: '' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), new RegExp(`at most ${MAX} characters; this one has ${MAX + 5}`));
    assert.equal(page.document.querySelector('textarea[name=text]')?.textContent, 'b'.repeat(MAX + 5));
    assert.equal(page.document.querySelector('textarea[name=text]')?.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await snapshot(server), before);
  });

  test('an empty post (or only white space) is refused', async () => {
    const before = await snapshot(server);
    for (const text of ['', '   \n\t  ']) {
      const res = await ana.api('POST', '/api/v1/posts', { text });
      assert.equal(res.status, 422, JSON.stringify(text));
      assert.match(issue(res, 'text'), /Write something/);
    }
    const page = await ana.web.post('/posts', { text: '  ', visibility: 'public' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /Write something/);
    assert.deepEqual(await snapshot(server), before);
  });

  test('through the form: links, #hashtags and @mentions become links; the content warning folds the post', async () => {
    const text = `Ask @bo or @Cy@${host()} about #TLChat: https://tlchat.example/notes. Cc @ada@far.example`;
    const page = await ana.web.post('/posts', { text, contentWarning: 'School politics', visibility: 'public', back: '/stream' });
    assert.equal(page.status, 303, page.text('.error-summary'));
    assert.equal(page.location, '/stream');
    const mine = await getJson(server, ana, `/api/v1/people/ana/posts`);
    const post = mine.posts[0];
    assert.equal(post.text, text);
    assert.equal(post.contentWarning, 'School politics');
    assert.equal(post.visibility, 'public');
    assert.equal(
      post.html,
      `<p>Ask <a href="${server.url}/@bo" class="mention">@bo</a> or <a href="${server.url}/@cy" class="mention">@cy</a> about ` +
        `<a href="${server.url}/tags/tlchat" class="hashtag" rel="tag">#TLChat</a>: ` +
        `<a href="https://tlchat.example/notes" rel="nofollow noopener noreferrer ugc">tlchat.example/notes</a>. Cc @ada@far.example</p>`,
    );
    // Both local members were mentioned (and notified); the remote handle is kept as text.
    const mentions = await server.services.database.db
      .selectFrom('mentions')
      .select(['acct', 'actor_id'])
      .where('post_id', '=', post.id)
      .orderBy('acct')
      .execute();
    assert.deepEqual(
      mentions.map((m) => [m.acct, Number(m.actor_id) || null]),
      [
        ['ada@far.example', null],
        ['bo', bo.actorId],
        [`cy@${host()}`, cy.actorId],
      ],
    );
    for (const who of [bo, cy]) {
      const n = await getJson(server, who, '/api/v1/notifications?kind=mention');
      assert.deepEqual(
        n.notifications.map((x: Json) => x.post.id),
        [post.id],
      );
    }
    const tag = await getJson(server, null, '/api/v1/timelines/tags/tlchat');
    assert.deepEqual(
      tag.posts.map((p: Json) => p.id),
      [post.id],
    );

    // On the post's page the warning is the summary of a disclosure holding the text.
    const thread = await server.client().get(`/@ana/${post.id}`);
    assert.equal(thread.status, 200);
    const cw = thread.document.querySelector(`#post-${post.id} details.post__cw`);
    assert.ok(cw, 'a content-warning disclosure');
    assert.match(cw.querySelector('summary')!.textContent!, /Content warning:\s*School politics/);
    assert.ok(cw.querySelector('a.hashtag[href$="/tags/tlchat"]'));
  });

  test('mentions of unknown local handles are an error, in either spelling; nothing is stored', async () => {
    const before = await snapshot(server);
    for (const text of ['Hello @nobody_here', `Hello @bo and @ghost@${host()}`]) {
      const res = await ana.api('POST', '/api/v1/posts', { text });
      assert.equal(res.status, 422, text);
      assert.match(issue(res, 'text'), /There is no member @(nobody_here|ghost) here/);
    }
    const page = await ana.web.post('/posts', { text: 'Hi @nobody_here', visibility: 'public' });
    assert.equal(page.status, 422);
    assert.match(page.text('.error-summary'), /no member @nobody_here/);
    assert.deepEqual(await snapshot(server), before);
  });

  test('visibility: each audience is stored; a direct post needs a mention; an unknown audience is refused', async () => {
    for (const visibility of ['public', 'members', 'followers'] as const) {
      const post = await ana.post(`Audience ${visibility}`, { visibility });
      assert.equal(post.visibility, visibility);
    }
    const direct = await ana.post('Just for you @bo', { visibility: 'direct' });
    assert.equal(direct.visibility, 'direct');
    const before = await snapshot(server);
    const noOne = await ana.api('POST', '/api/v1/posts', { text: 'For no one', visibility: 'direct' });
    assert.equal(noOne.status, 422);
    assert.match(issue(noOne, 'text'), /direct post needs at least one @mention/);
    const bad = await ana.api('POST', '/api/v1/posts', { text: 'x', visibility: 'everyone' });
    assert.equal(bad.status, 422);
    assert.match(issue(bad, 'visibility'), /public, members, followers or direct/);
    const unknownField = await ana.api('POST', '/api/v1/posts', { text: 'x', sensitive: true });
    assert.equal(unknownField.status, 422);
    const longCw = await ana.api('POST', '/api/v1/posts', { text: 'x', contentWarning: 'w'.repeat(201) });
    assert.equal(longCw.status, 422);
    assert.match(issue(longCw, 'contentWarning'), /at most 200/);
    assert.deepEqual(await snapshot(server), before);
  });
});

describe('images', () => {
  test('up to four images with alt text through the page form', async () => {
    const form = new FormData();
    form.append('text', 'Our new reading corner');
    form.append('visibility', 'public');
    form.append('back', '/stream');
    // The form has four rows; empty rows send an empty file and an empty alt, as browsers do.
    form.append('media', pngBlob(await png(80, 60, '#aa3300')), 'corner.png');
    form.append('alt', 'Bean bags under a window');
    form.append('media', new Blob([]), '');
    form.append('alt', '');
    form.append('media', pngBlob(await png(3000, 1000, '#0033aa')), 'wide.png');
    form.append('alt', 'A wide shelf of picture books');
    const page = await ana.web.post('/posts', form);
    assert.equal(page.status, 303, page.text('.error-summary'));
    const post = (await getJson(server, ana, '/api/v1/people/ana/posts?filter=media')).posts[0];
    assert.equal(post.text, 'Our new reading corner');
    assert.deepEqual(
      post.media.map((m: Json) => [m.alt, m.width, m.height]),
      [
        ['Bean bags under a window', 80, 60],
        ['A wide shelf of picture books', 1600, 533],
      ],
    );
    const image = await fetch(new URL(post.media[0].url, server.url));
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/webp');
    const thread = await server.client().get(`/@ana/${post.id}`);
    assert.deepEqual(
      [...thread.document.querySelectorAll(`#post-${post.id} .post__media img`)].map((i) => i.getAttribute('alt')),
      ['Bean bags under a window', 'A wide shelf of picture books'],
    );
  });

  test('refused through the form: five images, a file that is not an image, alt text over 1500 characters', async () => {
    const before = await snapshot(server);
    const five = new FormData();
    five.append('text', 'Too many');
    for (let i = 0; i < 5; i++) {
      five.append('media', pngBlob(await png()), `p${i}.png`);
      five.append('alt', `Picture ${i}`);
    }
    const tooMany = await ana.web.post('/posts', five);
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.text('.error-summary'), /at most 4 images/);

    const fake = new FormData();
    fake.append('text', 'Not really a picture');
    fake.append('media', new Blob(['%PDF-1.4 hello'], { type: 'image/png' }), 'fake.png');
    fake.append('alt', 'A document');
    const wrongType = await ana.web.post('/posts', fake);
    assert.equal(wrongType.status, 422);
    assert.match(wrongType.text('#field-media-0-file-error'), /Image 1: Upload a JPEG, PNG, WebP, GIF or AVIF image/);

    const longAlt = new FormData();
    longAlt.append('text', 'Long description');
    longAlt.append('media', new Blob([]), '');
    longAlt.append('alt', '');
    longAlt.append('media', pngBlob(await png()), 'p.png');
    longAlt.append('alt', 'x'.repeat(1501));
    const altPage = await ana.web.post('/posts', longAlt);
    assert.equal(altPage.status, 422);
    // The error is shown on the row the file came from (the second), not the first.
    assert.match(altPage.text('#field-media-1-alt-error'), /at most 1500 characters/);
    assert.deepEqual(await snapshot(server), before);
  });

  test('through the API: upload with alt text, then attach by id; refusals change nothing', async () => {
    const upload = async (who: Member, bytes: Blob, alt: string) => {
      const form = new FormData();
      form.append('file', bytes, 'photo.png');
      form.append('alt', alt);
      const res = await fetch(new URL('/api/v1/media', server.url), { method: 'POST', headers: who.auth, body: form });
      return { status: res.status, json: (await res.json()) as Json };
    };
    const first = await upload(ana, pngBlob(await png(40, 40)), 'A red square');
    assert.equal(first.status, 201);
    assert.equal(first.json.alt, 'A red square');
    assert.match(first.json.url, new RegExp(`^${server.url}/media/`));
    const second = await upload(ana, pngBlob(await png(20, 30)), 'A blue rectangle');
    assert.equal((await ana.api('PATCH', `/api/v1/media/${second.json.id}`, { alt: 'A tall blue rectangle' })).status, 204);

    const before = await snapshot(server);
    const notImage = await upload(ana, new Blob(['GIF89a but not really'], { type: 'image/gif' }), 'x');
    assert.equal(notImage.status, 415);
    assert.equal(notImage.json.error.issues[0].path, 'file');
    const longAlt = await upload(ana, pngBlob(await png()), 'y'.repeat(1501));
    assert.equal(longAlt.status, 422);
    assert.equal(longAlt.json.error.issues[0].path, 'alt');
    const fiveIds = await ana.api('POST', '/api/v1/posts', { text: 'five', mediaIds: [1, 2, 3, 4, 5] });
    assert.equal(fiveIds.status, 422);
    assert.match(issue(fiveIds, 'mediaIds'), /at most 4 images/);
    const othersImage = await bo.api('POST', '/api/v1/posts', { text: 'stolen', mediaIds: [first.json.id] });
    assert.equal(othersImage.status, 422);
    assert.match(issue(othersImage, 'mediaIds'), /unknown, not yours, or already used/);
    assert.equal((await bo.api('PATCH', `/api/v1/media/${first.json.id}`, { alt: 'mine now' })).status, 404);
    assert.deepEqual(await snapshot(server), before);

    const post = await ana.post('Two shapes', { mediaIds: [first.json.id, second.json.id] });
    assert.deepEqual(
      post.media.map((m: Json) => m.alt),
      ['A red square', 'A tall blue rectangle'],
    );
    const reused = await ana.api('POST', '/api/v1/posts', { text: 'again', mediaIds: [first.json.id] });
    assert.equal(reused.status, 422);
    assert.match(issue(reused, 'mediaIds'), /already used/);
    // An image alone is a post.
    const third = await upload(ana, pngBlob(await png()), 'Just a picture');
    const imageOnly = await ana.post('', { mediaIds: [third.json.id] });
    assert.equal(imageOnly.text, '');
    assert.equal(imageOnly.media.length, 1);
  });
});

describe('editing and deleting', () => {
  test('an edit keeps the earlier versions in the history (API and page)', async () => {
    const post = await ana.post('First draft #drafts', { contentWarning: 'Spoilers' });
    const edited = await ana.api('PATCH', `/api/v1/posts/${post.id}`, { text: 'Second draft #final', contentWarning: '' });
    assert.equal(edited.status, 200);
    assert.equal(edited.json.text, 'Second draft #final');
    assert.equal(edited.json.contentWarning, null);
    assert.ok(edited.json.editedAt);
    const page = await ana.web.post(`/posts/${post.id}/edit`, { text: 'Third draft' });
    assert.equal(page.status, 303);
    const history = await getJson(server, null, `/api/v1/posts/${post.id}/history`);
    assert.deepEqual(
      history.versions.map((v: Json) => [v.text, v.contentWarning]),
      [
        ['Second draft #final', null],
        ['First draft #drafts', 'Spoilers'],
      ],
    );
    assert.equal((await getJson(server, null, `/api/v1/posts/${post.id}`)).text, 'Third draft');
    const historyPage = await server.client().get(`/posts/${post.id}/history`);
    assert.deepEqual(
      [...historyPage.document.querySelectorAll('.history .post__content')].map((d) => d.textContent),
      ['Third draft', 'Second draft #final', 'First draft #drafts'],
    );
    // Hashtag counts follow the text.
    const tags = await getJson(server, null, '/api/v1/search/hashtags?q=d');
    assert.equal(tags.hashtags.find((t: Json) => t.slug === 'drafts')?.posts, 0);
    assert.deepEqual((await getJson(server, null, '/api/v1/timelines/tags/final')).posts, []);
  });

  test('refused edits change nothing: someone else’s post, empty text, too long, unknown mention', async () => {
    const post = await ana.post('Stable text');
    const before = await snapshot(server);
    const cases: Array<[Member, unknown, number, RegExp]> = [
      [bo, { text: 'hijacked' }, 403, /your own posts/],
      [ana, { text: '' }, 422, /Write something/],
      [ana, { text: 'z'.repeat(MAX + 1) }, 422, new RegExp(`at most ${MAX}`)],
      [ana, { text: 'Hi @nobody_here' }, 422, /no member @nobody_here/],
    ];
    for (const [who, body, status, message] of cases) {
      const res = await who.api('PATCH', `/api/v1/posts/${post.id}`, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.json.error.message, message);
    }
    const page = await bo.web.post(`/posts/${post.id}/edit`, { text: 'hijacked' });
    assert.equal(page.status, 403);
    const read = await getJson(server, null, `/api/v1/posts/${post.id}`);
    assert.equal(read.text, 'Stable text');
    assert.equal(read.editedAt, null);
    assert.deepEqual(await snapshot(server), before);
  });

  test('delete: the post is gone everywhere; replies stay; only the author (or an admin) may', async () => {
    const post = await ana.post('Soon gone #ephemeral');
    const reply = await bo.post('A reply that stays', { replyToId: post.id });
    assert.equal((await getJson(server, null, '/api/v1/search/hashtags?q=ephemeral')).hashtags[0].posts, 1);

    const refused = await cy.api('DELETE', `/api/v1/posts/${post.id}`);
    assert.equal(refused.status, 403);
    assert.equal((await getJson(server, null, `/api/v1/posts/${post.id}`)).text, 'Soon gone #ephemeral');

    const page = await ana.web.post(`/posts/${post.id}/delete`, { back: `/@ana/${post.id}` });
    assert.equal(page.status, 303);
    assert.equal(page.location, '/stream');
    await getJson(server, null, `/api/v1/posts/${post.id}`, 404);
    await getJson(server, ana, `/api/v1/posts/${post.id}/thread`, 404);
    assert.equal((await server.client().get(`/@ana/${post.id}`)).status, 404);
    assert.ok(!(await getJson(server, bo, '/api/v1/timelines/home')).posts.some((p: Json) => p.id === post.id));
    assert.deepEqual((await getJson(server, null, '/api/v1/timelines/tags/ephemeral')).posts, []);
    assert.equal((await getJson(server, null, '/api/v1/search/hashtags?q=ephemeral')).hashtags[0].posts, 0);
    assert.equal((await ana.api('DELETE', `/api/v1/posts/${post.id}`)).status, 404, 'deleting twice');

    // ana was the first member, so she administers the site: she may remove someone else's post.
    const spam = await cy.post('Spam to be removed by the administrator');
    assert.equal((await dee.api('DELETE', `/api/v1/posts/${spam.id}`)).status, 403);
    assert.equal((await ana.api('DELETE', `/api/v1/posts/${spam.id}`)).status, 204);
    await getJson(server, null, `/api/v1/posts/${spam.id}`, 404);

    const stays = await getJson(server, null, `/api/v1/posts/${reply.id}/thread`);
    assert.equal(stays.post.text, 'A reply that stays');
    assert.deepEqual(stays.ancestors, [], 'the deleted post is not shown');
    assert.equal(stays.post.replyTo.id, post.id);
  });
});

describe('replies and threads', () => {
  test('replies form a thread: the API and the page show ancestors and descendants in order', async () => {
    const root = await ana.post('Which picture books do you read aloud?');
    const r1 = await bo.post('@ana The Snail and the Whale', { replyToId: root.id });
    const r2 = await cy.post('@bo Yes! And Room on the Broom', { replyToId: r1.id });
    const r3 = await ana.post('Thanks all', { replyToId: root.id });
    // A reply through the page form goes to the new reply on the thread page.
    const form = await dee.web.post('/posts', {
      text: '@cy Love that one',
      replyToId: String(r2.id),
      visibility: 'public',
      back: `/@cy/${r2.id}`,
    });
    assert.equal(form.status, 303, form.text('.error-summary'));
    const location = form.headers.get('location')!;
    const r4id = Number(/#post-(\d+)$/.exec(location)?.[1]);
    assert.equal(new URL(location, server.url).toString(), `${server.url}/@dee/${r4id}#post-${r4id}`);

    const whole = await getJson(server, null, `/api/v1/posts/${root.id}/thread`);
    assert.deepEqual(whole.ancestors, []);
    assert.deepEqual(
      whole.descendants.map((d: Json) => [d.id, d.depth]),
      [
        [r1.id, 1],
        [r2.id, 2],
        [r4id, 3],
        [r3.id, 1],
      ],
    );
    assert.equal(whole.post.counts.replies, 2);
    const middle = await getJson(server, null, `/api/v1/posts/${r2.id}/thread`);
    assert.deepEqual(
      middle.ancestors.map((a: Json) => a.id),
      [root.id, r1.id],
    );
    assert.deepEqual(
      middle.descendants.map((d: Json) => d.id),
      [r4id],
    );
    assert.equal(middle.post.threadId, root.id);
    assert.deepEqual(middle.post.replyTo, { id: r1.id, author: middle.ancestors[1].author });

    const page = await server.client().get(`/@cy/${r2.id}`);
    assert.equal(page.status, 200);
    assert.deepEqual(
      [...page.document.querySelectorAll('[aria-label="Earlier in the conversation"] article')].map((a) => a.id),
      [`post-${root.id}`, `post-${r1.id}`],
    );
    assert.ok(page.document.querySelector(`article.post--focus#post-${r2.id}`));
    assert.deepEqual(
      [...page.document.querySelectorAll('.thread__reply article')].map((a) => a.id),
      [`post-${r4id}`],
    );
    // The wrong author in the address redirects to the right one.
    const moved = await server.client().get(`/@ana/${r2.id}`);
    assert.equal(moved.status, 301);
    assert.equal(moved.location, `/@cy/${r2.id}`);
  });

  test('a reply to a deleted post, or to a post the replier may not see, is refused the same way', async () => {
    const gone = await ana.post('I will delete this');
    assert.equal((await ana.api('DELETE', `/api/v1/posts/${gone.id}`)).status, 204);
    const hidden = await ana.post('Followers only, and dee does not follow ana', { visibility: 'followers' });
    const before = await snapshot(server);
    for (const id of [gone.id, hidden.id, 99_999_999]) {
      const res = await dee.api('POST', '/api/v1/posts', { text: 'Replying', replyToId: id });
      assert.equal(res.status, 422, String(id));
      assert.equal(issue(res, 'replyToId'), 'The post you are replying to was deleted or is not visible to you.');
    }
    const page = await dee.web.post('/posts', { text: 'Replying', replyToId: String(hidden.id), visibility: 'public' });
    assert.equal(page.status, 422);
    assert.ok(!page.html.includes('Followers only, and dee'), 'the refusal does not show the hidden post');
    assert.deepEqual(await snapshot(server), before);
    // A follower may reply.
    await bo.post('I can see it', { replyToId: hidden.id, visibility: 'followers' });
  });
});

describe('boosts, likes, bookmarks and pins', () => {
  test('boost and like: counts, the reader’s own state, notifications; twice is a 409; undo', async () => {
    const post = await ana.post('Boost me');
    assert.equal((await bo.api('POST', `/api/v1/posts/${post.id}/boost`)).status, 204);
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/like`)).status, 204);
    const page = await dee.web.post(`/posts/${post.id}/like`, { back: '/local' });
    assert.equal(page.status, 303);
    assert.equal(new URL(page.headers.get('location')!, server.url).toString(), `${server.url}/local#post-${post.id}`);

    const read = await getJson(server, bo, `/api/v1/posts/${post.id}`);
    assert.deepEqual(read.counts, { replies: 0, boosts: 1, likes: 2 });
    assert.deepEqual(read.mine, { own: false, liked: false, boosted: true, bookmarked: false, pinned: false });
    assert.equal((await getJson(server, null, `/api/v1/posts/${post.id}`)).mine, null);

    const twice = await bo.api('POST', `/api/v1/posts/${post.id}/boost`);
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.code, 'already_boosted');
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/like`)).json.error.code, 'already_liked');
    assert.equal((await getJson(server, null, `/api/v1/posts/${post.id}`)).counts.likes, 2);

    const kinds = (await getJson(server, ana, '/api/v1/notifications')).notifications
      .filter((n: Json) => n.post?.id === post.id)
      .map((n: Json) => `${n.kind}:${n.actor.handle}`);
    assert.deepEqual(kinds.sort(), ['boost:bo', 'like:cy', 'like:dee']);

    assert.equal((await bo.api('DELETE', `/api/v1/posts/${post.id}/boost`)).status, 204);
    assert.equal((await cy.api('DELETE', `/api/v1/posts/${post.id}/like`)).status, 204);
    assert.equal((await cy.api('DELETE', `/api/v1/posts/${post.id}/like`)).status, 409);
    assert.deepEqual((await getJson(server, null, `/api/v1/posts/${post.id}`)).counts, { replies: 0, boosts: 0, likes: 1 });
  });

  test('boosting a followers-only or direct post is refused, even by someone who can see it', async () => {
    const followersOnly = await ana.post('For my followers', { visibility: 'followers' });
    const direct = await ana.post('Psst @bo', { visibility: 'direct' });
    const before = await snapshot(server);
    for (const post of [followersOnly, direct]) {
      const res = await bo.api('POST', `/api/v1/posts/${post.id}/boost`);
      assert.equal(res.status, 422);
      assert.equal(res.json.error.code, 'not_boostable');
    }
    // Someone who cannot see it learns nothing more than "not found".
    assert.equal((await dee.api('POST', `/api/v1/posts/${followersOnly.id}/boost`)).status, 404);
    assert.equal((await dee.api('POST', `/api/v1/posts/${followersOnly.id}/like`)).status, 404);
    assert.equal((await bo.web.post(`/posts/${followersOnly.id}/boost`, { back: '/stream' })).status, 422);
    assert.deepEqual(await snapshot(server), before);
    assert.equal((await getJson(server, ana, `/api/v1/posts/${followersOnly.id}`)).counts.boosts, 0);
  });

  test('bookmarks are private: listed for their owner only, through the API and the page', async () => {
    const post = await ana.post('Worth keeping');
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/bookmark`)).status, 204);
    assert.equal((await cy.api('POST', `/api/v1/posts/${post.id}/bookmark`)).status, 409);
    assert.deepEqual(
      (await getJson(server, cy, '/api/v1/bookmarks')).posts.map((p: Json) => p.id),
      [post.id],
    );
    assert.deepEqual((await getJson(server, dee, '/api/v1/bookmarks')).posts, []);
    await getJson(server, null, '/api/v1/bookmarks', 401);
    assert.equal((await getJson(server, cy, `/api/v1/posts/${post.id}`)).mine.bookmarked, true);
    assert.equal((await getJson(server, ana, `/api/v1/posts/${post.id}`)).mine.bookmarked, false);
    // Nothing tells the author: no notification, no count.
    assert.ok(!(await getJson(server, ana, '/api/v1/notifications')).notifications.some((n: Json) => n.post?.id === post.id));
    const page = await cy.web.get('/bookmarks');
    assert.ok(page.document.querySelector(`#post-${post.id}`));
    assert.equal((await dee.web.get('/bookmarks')).document.querySelector(`#post-${post.id}`), null);
    const hidden = await ana.post('Hidden from dee', { visibility: 'followers' });
    assert.equal((await dee.api('POST', `/api/v1/posts/${hidden.id}/bookmark`)).status, 404);
    assert.equal((await cy.web.post(`/posts/${post.id}/unbookmark`, { back: '/bookmarks' })).status, 303);
    assert.deepEqual((await getJson(server, cy, '/api/v1/bookmarks')).posts, []);
  });

  test('pins feature posts on the profile, newest pin first; at most five; only your own, never direct', async () => {
    const posts = [];
    for (let i = 1; i <= 6; i++) posts.push(await cy.post(`Pinned candidate ${i}`));
    for (const p of posts.slice(0, 5)) assert.equal((await cy.api('POST', `/api/v1/posts/${p.id}/pin`)).status, 204);
    const featured = await getJson(server, null, '/api/v1/people/cy/featured');
    assert.deepEqual(
      featured.posts.map((p: Json) => p.text),
      [5, 4, 3, 2, 1].map((i) => `Pinned candidate ${i}`),
    );
    const before = await snapshot(server);
    const sixth = await cy.api('POST', `/api/v1/posts/${posts[5].id}/pin`);
    assert.equal(sixth.status, 422);
    assert.equal(sixth.json.error.code, 'too_many_pins');
    assert.equal((await cy.api('POST', `/api/v1/posts/${posts[0].id}/pin`)).status, 409);
    assert.equal((await bo.api('POST', `/api/v1/posts/${posts[0].id}/pin`)).status, 403);
    const direct = await cy.post('Direct @ana', { visibility: 'direct' });
    const afterDirect = await snapshot(server);
    const pinDirect = await cy.api('POST', `/api/v1/posts/${direct.id}/pin`);
    assert.equal(pinDirect.status, 422);
    assert.equal(pinDirect.json.error.code, 'not_pinnable');
    assert.deepEqual(await snapshot(server), afterDirect);
    assert.equal(before.pins, afterDirect.pins);

    const profile = await server.client().get('/@cy');
    assert.deepEqual(
      [...profile.document.querySelectorAll('[aria-labelledby="featured-heading"] article')].map((a) => a.id),
      posts
        .slice(0, 5)
        .reverse()
        .map((p) => `post-${p.id}`),
    );
    assert.equal((await cy.web.post(`/posts/${posts[4].id}/unpin`, { back: '/@cy' })).status, 303);
    assert.equal((await getJson(server, null, '/api/v1/people/cy/featured')).posts.length, 4);
    assert.equal(await countRows(server, 'pins', ['actor_id', cy.actorId]), 4);
  });
});

describe('API document', () => {
  test('GET /api/v1/openapi.json describes the social endpoints these tests use', async () => {
    const doc = await getJson(server, null, '/api/v1/openapi.json');
    const expected: Record<string, string[]> = {
      '/api/v1/posts': ['post'],
      '/api/v1/media': ['post'],
      '/api/v1/media/{id}': ['patch'],
      '/api/v1/posts/{id}': ['get', 'patch', 'delete'],
      '/api/v1/posts/{id}/thread': ['get'],
      '/api/v1/posts/{id}/history': ['get'],
      '/api/v1/posts/{id}/boost': ['post', 'delete'],
      '/api/v1/posts/{id}/like': ['post', 'delete'],
      '/api/v1/posts/{id}/bookmark': ['post', 'delete'],
      '/api/v1/posts/{id}/pin': ['post', 'delete'],
      '/api/v1/timelines/home': ['get'],
      '/api/v1/timelines/local': ['get'],
      '/api/v1/timelines/tags/{tag}': ['get'],
      '/api/v1/timelines/lists/{id}': ['get'],
      '/api/v1/people/{handle}/posts': ['get'],
      '/api/v1/people/{handle}/featured': ['get'],
      '/api/v1/people/{handle}/follow': ['post', 'delete'],
      '/api/v1/people/{handle}/mute': ['post', 'delete'],
      '/api/v1/people/{handle}/block': ['post', 'delete'],
      '/api/v1/follow-requests': ['get'],
      '/api/v1/privacy': ['get', 'patch'],
      '/api/v1/hashtags/{tag}/follow': ['post', 'delete'],
      '/api/v1/trends/hashtags': ['get'],
      '/api/v1/lists': ['get', 'post'],
      '/api/v1/notifications': ['get'],
      '/api/v1/notifications/unread': ['get'],
      '/api/v1/notifications/read': ['post'],
      '/api/v1/bookmarks': ['get'],
      '/api/v1/search/posts': ['get'],
      '/api/v1/search/hashtags': ['get'],
      '/api/v1/streaming': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
    }
    assert.deepEqual(Object.keys(doc.components.schemas.Post.properties).sort(), [
      'article',
      'author',
      'boostedBy',
      'card',
      'contentWarning',
      'counts',
      'createdAt',
      'editedAt',
      'html',
      'id',
      'media',
      'mine',
      'replyTo',
      'text',
      'threadId',
      'url',
      'visibility',
    ]);
    assert.ok(doc.paths['/api/v1/streaming'].get.responses['200'].content['text/event-stream']);
  });
});
