import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { createMember, type Member } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * A post announcing an article goes out as an ActivityPub Article (title, full HTML, the
 * article's page), not a Note. This needs no other server and no TLS: the object is fetched
 * from the test server itself over plain HTTP on loopback, as another server would fetch it.
 */

let server: TestServer;
let alice: Member;

/** A free loopback port, so the server's BASE_URL (which federation builds its ids from) is known before it starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  server = await startTestServer({ env: { PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` } });
  alice = await createMember(server, 'alice');
});
after(() => server.close());

test('the ActivityPub object of an article’s announcing post is an Article with name, content and url', async () => {
  const created = await alice.api('POST', '/api/v1/articles', {
    title: 'Weeding without guilt',
    summary: 'How we decide what leaves the shelves.',
    markdown: '# The rule\n\nIf nobody borrowed it in **five years**, it goes.',
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const published = await alice.api('POST', `/api/v1/articles/${created.json.id}/publish`);
  assert.equal(published.status, 200, JSON.stringify(published.json));
  const { postId, url } = published.json;

  const res = await fetch(`${server.url}/users/alice/posts/${postId}`, { headers: { accept: 'application/activity+json' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/activity\+json/);
  const object = await res.json();
  assert.equal(object.type, 'Article');
  assert.equal(object.id, `${server.url}/users/alice/posts/${postId}`);
  assert.equal(object.name, 'Weeding without guilt');
  assert.match(object.content, /<h2>The rule<\/h2>/);
  assert.match(object.content, /<strong>five years<\/strong>/);
  assert.equal(object.url, url);
  assert.equal(object.url, `${server.url}/@alice/blog/weeding-without-guilt`);
  assert.equal(object.summary, 'How we decide what leaves the shelves.');
  // A summary, not a content warning.
  assert.notEqual(object.sensitive, true);
  assert.equal(object.attributedTo, `${server.url}/users/alice`);
  assert.ok([object.to].flat().includes('https://www.w3.org/ns/activitystreams#Public') || [object.to].flat().includes('as:Public'));

  // The article's page names the object, so software given the page's address finds it.
  const page = await (await fetch(url)).text();
  assert.ok(
    page.includes(`<link rel="alternate" type="application/activity+json" href="${server.url}/users/alice/posts/${postId}"`),
    'the page links to its ActivityPub object',
  );

  // An ordinary post is still a Note.
  const note = await alice.post('Just a post.');
  const plain = await (
    await fetch(`${server.url}/users/alice/posts/${note.id}`, { headers: { accept: 'application/activity+json' } })
  ).json();
  assert.equal(plain.type, 'Note');
});
