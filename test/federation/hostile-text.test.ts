import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMember, eventually } from '../social/helpers.ts';
import { FakeRemote } from './remote.ts';
import { type FederatedServer, type Network, startFederatedServers } from './support.ts';

/**
 * Characters another server may send that must not be stored as they are: U+0000 (PostgreSQL
 * refuses it in text, so the post's job would fail forever) anywhere, and bidirectional
 * override controls in a name (which would make it read other than it is).
 */

let servers: { a: FederatedServer; close(): Promise<void>; network: Network };
const remote = new FakeRemote('nul.test');
const NUL = '\u0000';

before(async () => {
  servers = await startFederatedServers(['a.test'], 80, { extraHosts: ['nul.test'] });
  await remote.start(servers.network);
  await createMember(servers.a.server, 'alice');
});
after(async () => {
  await remote.close();
  await servers?.close();
});

describe('hostile characters from other servers', () => {
  test('a remote post and its author are stored without U+0000, the name without bidi overrides', async () => {
    const actor = await remote.actor('nully', { name: `Nu${NUL}l\u202Ely`, summary: `<p>Bio${NUL}</p>` });
    const id = `${actor.id}/statuses/1`;
    const activity = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${id}/activity`,
      type: 'Create',
      actor: actor.id,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      object: {
        id,
        type: 'Note',
        attributedTo: actor.id,
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        cc: ['https://a.test/users/alice'],
        summary: `Care${NUL}ful`,
        content: `<p>Hello${NUL} from afar #nul${NUL}tag</p>`,
        tag: [{ type: 'Mention', href: 'https://a.test/users/alice', name: '@alice@a.test' }],
      },
    };
    const response = await FakeRemote.send('https://a.test/inbox', activity, actor);
    assert.equal(response.status, 202);
    const db = servers.a.server.services.database.db;
    const stored = () =>
      db
        .selectFrom('posts')
        .innerJoin('actors', 'actors.id', 'posts.actor_id')
        .select(['posts.text', 'posts.html', 'posts.content_warning', 'actors.display_name'])
        .where('posts.local', '=', 0)
        .executeTakeFirst();
    await eventually(async () => (await stored()) !== undefined, 15_000, 'the remote post to be stored');
    const post = (await stored())!;
    assert.match(post.text, /^Hello from afar/);
    assert.equal(post.display_name, 'Nully');
    assert.equal(post.content_warning, 'Careful');
    assert.ok(![post.text, post.html, post.content_warning, post.display_name].some((v) => v?.includes(NUL)));
    assert.ok(!post.display_name.includes('\u202E'));
  });
});
