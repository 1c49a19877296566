import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD, loadDemo } from '../../src/app/demo/demo.ts';
import { DEMO_MEMBERS } from '../../src/app/demo/members.ts';
import { DEFAULT_STARTER_SOURCES } from '../../src/feeds/starter-sources.ts';
import type { Client, Page } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let fay: Client;
before(async () => {
  server = await startTestServer();
  await loadDemo(server.services);
  fay = server.client();
});
after(() => server.close());

const ADMIN = DEMO_MEMBERS.find((m) => m.admin)!;

/** What a browser shows in a text area (the HTML parser used here leaves its entities as written). */
function textareaValue(page: Page, selector: string): string {
  const raw = page.document.querySelector(selector)?.innerHTML ?? '';
  const entities: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'" };
  return raw.replace(/&(lt|gt|quot|amp|#39);/g, (_, name: string) => entities[name]!);
}

async function followingCount(handle: string): Promise<number> {
  const member = await server.services.accounts.memberByHandle(handle);
  return (await server.services.social.graph.followeeIds(member.actor_id, { pending: true })).length;
}

describe('the guided first minutes', () => {
  test('a newcomer lands on the first of five steps, which says where she is and offers the passions the community uses', async () => {
    const signup = await fay.signup({ handle: 'fay', displayName: 'Fay Newcomer' });
    assert.equal(signup.status, 303);
    assert.equal(signup.location, '/welcome');
    const page = await fay.get('/welcome');
    assert.equal(page.status, 200);
    assert.equal(page.text('h1'), 'About you');
    assert.match(page.text('.welcome-steps'), /Step 1 of 5/);
    assert.equal(page.document.querySelector('.welcome-steps [aria-current=step]')?.textContent, 'About you');
    const chips = [...page.document.querySelectorAll('input[name=passion]')].map((i) => i.getAttribute('value'));
    assert.ok(chips.length >= 8, `the community's passions to choose from: ${chips.join(', ')}`);
    assert.ok(page.document.querySelector('datalist#passion-suggestions option'), 'suggestions as she types');
  });

  test('about you: every problem at once, with what she chose kept; then her profile is saved and the next step comes', async () => {
    const bad = await fay.post('/welcome', {
      role: 'other',
      roleOther: '',
      otherPassions: '',
      timeZone: 'Not/AZone',
      location: 'Dayton, Ohio',
    });
    assert.equal(bad.status, 422);
    const summary = bad.text('.error-summary');
    assert.match(summary, /at least one passion/);
    assert.equal((await server.services.accounts.ownProfile((await server.services.accounts.memberByHandle('fay')).id)).role, null);
    assert.equal(bad.document.querySelector('input[name=location]')?.getAttribute('value'), 'Dayton, Ohio');

    const page = await fay.get('/welcome');
    const chosen = page.document.querySelector('input[name=passion]')!.getAttribute('value')!;
    const ok = await fay.post('/welcome', {
      role: 'public_librarian',
      roleOther: '',
      passion: [chosen],
      otherPassions: 'Storytime, early literacy',
      location: 'Dayton, Ohio',
      timeZone: 'America/New_York',
    });
    assert.equal(ok.status, 303, ok.text('.error-summary'));
    assert.equal(ok.location, '/welcome/people');
    const profile = await server.services.accounts.ownProfile((await server.services.accounts.memberByHandle('fay')).id);
    assert.equal(profile.role, 'public_librarian');
    assert.deepEqual(
      profile.passions.map((p) => p.name.toLowerCase()),
      [chosen.toLowerCase(), 'storytime', 'early literacy'],
    );
    assert.equal(profile.timeZone, 'America/New_York');
    const again = await fay.get('/welcome');
    assert.equal(again.document.querySelector('.welcome-steps li.done a')?.textContent?.replace(/\s+/g, ' ').trim(), 'About you (done)');
  });

  test('people: suggestions with a Follow each, and a starter kit followed in one click', async () => {
    const page = await fay.get('/welcome/people');
    assert.equal(page.status, 200);
    assert.ok(page.document.querySelectorAll('#people .person-card').length > 0, 'people suggested');
    const follow = page.document.querySelector('#people .person-card form')!;
    assert.match(follow.getAttribute('action')!, /^\/@[\w@.]+\/follow$/);
    assert.equal(follow.querySelector('input[name=back]')?.getAttribute('value'), '/welcome/people#people');
    const kit = page.document.querySelector('form[action^="/welcome/kits/"]');
    assert.ok(kit, 'a starter kit to follow');
    const people = Number(/Follow all (\d+)/.exec(kit.textContent!)?.[1]);
    const before = await followingCount('fay');
    const followed = await fay.post(kit.getAttribute('action')!, {});
    assert.equal(followed.status, 303);
    assert.equal(followed.location, '/welcome/people');
    assert.equal(await followingCount('fay'), before + people);
    const after = await fay.get('/welcome/people');
    // Locked accounts get a request instead: together, everyone of the kit.
    const [, now, asked] = /You now follow (\d+) more (?:person|people)(?:, and asked (\d+))?/.exec(after.text('.notice')) ?? [];
    assert.equal(Number(now) + Number(asked ?? 0), people, after.text('.notice'));
    assert.match(after.text('.lede'), new RegExp(`You follow ${before + people}`));
    assert.equal((await fay.post('/welcome/kits/999999', {})).status, 404);
  });

  test('chats: the next chats, with an RSVP that comes back to the same chat and says Going', async () => {
    const page = await fay.get('/welcome/chats');
    const form = page.document.querySelector('form[action="/welcome/chats/rsvp"]');
    assert.ok(form, 'a chat to join');
    const field = (name: string) => form.querySelector(`input[name=${name}]`)!.getAttribute('value')!;
    const done = await fay.post('/welcome/chats/rsvp', { slug: field('slug'), date: field('date'), going: 'yes' });
    assert.equal(done.status, 303);
    const location = done.headers.get('location') ?? '';
    assert.match(location, /^\/welcome\/chats#chat-\d+$/);
    const id = location.split('#')[1]!;
    const after = await fay.get('/welcome/chats');
    assert.equal(after.document.querySelector(`#${id} button`)?.getAttribute('aria-pressed'), 'true');
    assert.match(after.text(`#${id} button`), /^Going/);
    assert.match(after.text(`#${id} time`), /\(America\/New York\)|EST|EDT|New York/);
    assert.equal((await fay.post('/welcome/chats/rsvp', { slug: 'no-such-chat', date: field('date') })).status, 404);
  });

  test('sources: the starter sources of her role, followed as ticked; nothing else can be slipped in', async () => {
    const page = await fay.get('/welcome/sources');
    const offered = page.text('#sources');
    assert.match(offered, /Public Libraries Online \(PLA\)/);
    assert.match(offered, /American Libraries \(ALA\)/, 'for everyone');
    assert.doesNotMatch(offered, /Social Work Helper/, 'not for a public librarian');
    const urls = [...page.document.querySelectorAll('input[name=source]')].map((i) => i.getAttribute('value')!);
    assert.equal((await fay.post('/welcome/sources', {})).status, 422);
    const sneaky = await fay.post('/welcome/sources', { source: [urls[0]!, 'http://127.0.0.1:9/feed'] });
    assert.equal(sneaky.status, 422);
    assert.match(sneaky.text('.error-summary'), /Choose sources from the list/);
    const member = await server.services.accounts.memberByHandle('fay');
    const viewer = { memberId: member.id, actorId: member.actor_id } as Parameters<typeof server.services.feeds.subscriptions>[0];
    assert.equal((await server.services.feeds.subscriptions(viewer)).length, 0);
    const ok = await fay.post('/welcome/sources', { source: urls.slice(0, 2) });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/welcome/post');
    assert.deepEqual((await server.services.feeds.subscriptions(viewer)).map((s) => s.feedUrl).sort(), urls.slice(0, 2).sort());
    const again = await fay.get('/welcome/sources');
    assert.equal(again.document.querySelectorAll('input[name=source][disabled]').length, 2, 'those she follows are marked');
  });

  test('say hello: the composer starts with an introduction in her words and the community hashtag', async () => {
    const page = await fay.get('/welcome/post');
    const text = textareaValue(page, 'textarea[name=text]');
    assert.match(text, /^Hello! I'm Fay Newcomer, public librarian in Dayton, Ohio\./);
    assert.match(text, /#introductions$/);
    assert.equal(page.document.querySelector('form.composer input[name=back]')?.getAttribute('value'), '/stream');
  });

  test('Start here lists the steps, ticks what is done and leads to the next', async () => {
    const page = await fay.get('/');
    assert.equal(page.text('h1'), 'Start here, Fay Newcomer');
    assert.equal(page.document.querySelectorAll('#getting-started ~ .checklist li').length, 5);
    assert.equal(page.document.querySelectorAll('#getting-started ~ .checklist li.done').length, 3, page.text('.checklist'));
    assert.match(page.text('.checklist'), /People to follow/);
    assert.equal(page.document.querySelector('main .actions a.button')?.getAttribute('href'), '/welcome/people');
    assert.equal(page.document.querySelector('#setup-title'), null, 'the setup is for administrators');

    // Home carries the same checklist in its context column until every step is done.
    const home = await fay.get('/stream');
    const card = home.document.querySelector('#aside-getting-started')?.parentElement;
    assert.ok(card, 'a Getting started card on Home');
    assert.equal(card.querySelectorAll('.checklist li.done').length, 3);
    assert.equal(card.querySelector('a.button')?.getAttribute('href'), '/welcome/people');
  });

  test('the guided pages are for members', async () => {
    const visitor = server.client();
    for (const path of ['/welcome', '/welcome/people', '/welcome/chats', '/welcome/sources', '/welcome/post']) {
      const page = await visitor.get(path);
      assert.equal(page.status, 303, path);
      assert.match(page.location ?? '', /^\/login/);
    }
  });
});

describe('setting a server up', () => {
  test('the administrator sees what to set up, and a warning while BASE_URL is not set', async () => {
    const admin = server.client();
    await admin.login(ADMIN.handle, DEMO_PASSWORD);
    const home = await admin.get('/');
    assert.match(home.text('#setup-title'), /^Set up /);
    assert.match(home.text('.warning-banner'), /The public address is not set/);
    const items = [...home.document.querySelectorAll('#setup-title ~ .checklist li')].map((li) => li.textContent!.replace(/\s+/g, ' '));
    assert.equal(items.length, 6);
    assert.ok(items.some((i) => /Plan a first chat/.test(i)));
    assert.equal(home.document.querySelectorAll('#setup-title ~ .checklist li.done').length >= 2, true, 'the demo has chats and kits');
    assert.match((await admin.get('/admin')).text('.warning-banner'), /BASE_URL/);
  });

  test('with BASE_URL set, no warning', async () => {
    // BASE_URL must be where the test reaches the server (the forms' origin is checked against it): a free port first.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const base = `http://127.0.0.1:${port}`;
    const other = await startTestServer({ env: { PORT: String(port), BASE_URL: base } });
    try {
      const admin = other.client();
      const signedUp = await admin.signup({ handle: 'setter' });
      assert.equal(signedUp.location, '/', `${signedUp.status} ${signedUp.text('main')}`);
      const home = await admin.get('/');
      assert.match(home.text('#setup-title'), /^Set up /);
      assert.equal(home.document.querySelector('.warning-banner'), null);
      assert.match(home.text('.checklist'), new RegExp(`Links in invitations and to other servers use ${base}`));
    } finally {
      await other.close();
    }
  });

  test('administrators edit the starter sources (checked), restore the shipped list; members cannot', async () => {
    const admin = server.client();
    await admin.login(ADMIN.handle, DEMO_PASSWORD);
    const page = await admin.get('/admin/starter-sources');
    assert.equal(page.status, 200);
    assert.equal(textareaValue(page, 'textarea[name=opml]'), DEFAULT_STARTER_SOURCES);

    for (const [opml, message] of [
      ['not xml at all', /not OPML/],
      ['<opml version="2.0"><head><title>x</title></head><body><outline text="An empty folder"/></body></opml>', /lists no sources/],
      ['<opml version="2.0"><head/><body><outline text="x" xmlUrl="ftp://x.example/feed"/></body></opml>', /cannot be followed/],
    ] as const) {
      const bad = await admin.post('/admin/starter-sources', { opml });
      assert.equal(bad.status, 422, opml);
      assert.match(bad.text('.error-summary'), message);
      assert.equal(textareaValue(bad, 'textarea[name=opml]'), opml, 'what was typed is kept');
    }
    const mine =
      '<opml version="2.0"><head><title>Ours</title></head><body><outline text="Social work"><outline text="County news" xmlUrl="https://county.example/feed"/></outline></body></opml>';
    const saved = await admin.post('/admin/starter-sources', { opml: mine });
    assert.equal(saved.status, 303);
    assert.deepEqual(await server.services.feeds.starterSources.forRole('social_worker'), [
      { url: 'https://county.example/feed', title: 'County news', audience: 'Social work' },
    ]);
    assert.deepEqual(await server.services.feeds.starterSources.forRole('teacher'), []);
    assert.equal((await admin.post('/admin/starter-sources', { restore: 'default' })).status, 303);
    assert.equal(await server.services.feeds.starterSources.document(), DEFAULT_STARTER_SOURCES);

    assert.equal((await fay.get('/admin/starter-sources')).status, 403);
    assert.equal((await fay.post('/admin/starter-sources', { opml: mine })).status, 403);
  });
});
