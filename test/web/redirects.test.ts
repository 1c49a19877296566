import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Every redirect to a target the visitor chose (`next` after signing in, `back` after a form)
 * must stay on this site as a browser reads the Location header: the WHATWG URL parser drops
 * tabs and newlines, reads `\` as `/`, and resolves `//host` to another site.
 */

let server: TestServer;
let member: Client;
before(async () => {
  server = await startTestServer();
  member = server.client();
  await member.signup({ handle: 'wanderer' });
  await server.client().signup({ handle: 'neighbour' });
});
after(() => server.close());

const HOSTILE = [
  '/\n/x',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  ' //evil.example',
  '/.//evil.example',
  '/a/..//evil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  'data:text/html,hi',
];

/** Where a browser goes with this response's Location header (resolved against the page's own address). */
function destination(response: Response, from: string): URL {
  const location = response.headers.get('location');
  assert.ok(location !== null, `a redirect (got ${response.status})`);
  return new URL(location, from);
}

function assertStaysHome(response: Response, from: string, label: string): URL {
  assert.equal(response.status, 303, `${label}: status ${response.status}`);
  const url = destination(response, from);
  assert.equal(url.origin, new URL(server.url).origin, `${label}: sent to ${url.href}`);
  return url;
}

describe('redirects to a target chosen by the visitor', () => {
  test('a signed-in member opening /login?next=… is never sent to another site', async () => {
    for (const next of HOSTILE) {
      const from = `${server.url}/login?next=${encodeURIComponent(next)}`;
      const response = await member.fetch(from);
      assert.equal(response.status, 302, `${JSON.stringify(next)}: status ${response.status}`);
      const url = destination(response, from);
      assert.equal(url.origin, new URL(server.url).origin, `${JSON.stringify(next)}: sent to ${url.href}`);
    }
  });

  test('signing in with a hostile next goes home, and a control character is not a server error', async () => {
    for (const next of HOSTILE) {
      const client = server.client();
      const page = await client.fetch('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: await client.csrf(), login: 'wanderer', password: 'a long enough password', next }),
      });
      assertStaysHome(page, `${server.url}/login`, JSON.stringify(next));
    }
  });

  test('a same-site next survives, with its query and fragment', async () => {
    const cases: Array<[string, string]> = [
      ['/settings/profile', '/settings/profile'],
      ['/search?q=graphic+novels&type=posts#results', '/search?q=graphic+novels&type=posts#results'],
      [`${server.url}/stream`, '/stream'],
      ['/tags/a b', '/tags/a%20b'],
    ];
    for (const [next, expected] of cases) {
      const from = `${server.url}/login?next=${encodeURIComponent(next)}`;
      const response = await member.fetch(from);
      assert.equal(response.headers.get('location'), expected, next);
      const form = await server.client().get(`/login?next=${encodeURIComponent(next)}`);
      assert.equal(form.document.querySelector('input[name=next]')?.getAttribute('value'), expected);
    }
  });

  test('every form that goes back to a `back` field uses the same rule', async () => {
    const post = await member.api('POST', '/api/v1/posts', { text: 'Somewhere to come back to' }, { 'x-csrf-token': await member.csrf() });
    assert.equal(post.status, 201, JSON.stringify(post.json));
    const neighbour = await server.services.accounts.memberByHandle('neighbour');
    // Each action is sent once per hostile value: the toggles alternate so that none is refused as a repeat.
    const forms: Array<[string | ((i: number) => string), Record<string, string>]> = [
      ['/posts', { text: 'Hello from a form' }],
      [(i) => `/posts/${post.json.id}/${i % 2 ? 'unlike' : 'like'}`, {}],
      [(i) => `/tags/pln/${i % 2 ? 'unfollow' : 'follow'}`, {}],
      [(i) => `/@neighbour/${i % 2 ? 'unfollow' : 'follow'}`, {}],
      [`/insights/suggestions/${neighbour.actor_id}/dismiss`, {}],
      ['/sources/mark-read', { scope: 'all' }],
    ];
    for (const [target, fields] of forms) {
      for (const [i, back] of ['/\t/evil.example', '/\n/evil.example', '/.//evil.example', '/sources/../\\evil.example'].entries()) {
        const action = typeof target === 'string' ? target : target(i);
        const response = await member.fetch(action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: await member.csrf(), ...fields, back }),
        });
        assertStaysHome(response, `${server.url}${action}`, `${action} back=${JSON.stringify(back)}`);
      }
    }
  });
});
