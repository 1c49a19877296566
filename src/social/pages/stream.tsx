import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { PersonCard, passionSlug, settingsPage } from '../../accounts/index.ts';
import { UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { formatDateTime, isoTime } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, SelectField, TextArea, TextField } from '../../web/forms.tsx';
import { flash, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import { pageLiveStream } from '../live.tsx';
import type { NotificationView } from '../notifications.ts';
import type { TimelinePage } from '../timelines.ts';
import { ActionButton, actorPath, Composer, PeopleList, PostCard, postPath, Timeline } from '../views.tsx';

const STREAM = {
  label: 'Stream',
  items: [
    ['/stream', 'Home'],
    ['/local', 'Local'],
    ['/notifications', 'Notifications'],
    ['/lists', 'Lists'],
    ['/search', 'Search'],
  ],
} as const;

function streamPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, STREAM, options, body);
}

/** `/path?cursor=…` for the next page, keeping other query parameters. */
function nextHref(c: AppContext, page: { nextCursor: string | null }): string | null {
  if (!page.nextCursor) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', page.nextCursor);
  return url.pathname + url.search;
}

function liveUrl(c: AppContext, timeline: string): string {
  return `/live?${new URLSearchParams({ timeline, back: c.req.path })}`;
}

const ADDRESS = /^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::[0-9]+)?)$/;

/** `@user@host`, `user@host` or an http(s) link: a search for someone on the fediverse. */
function isFediverseAddress(q: string): boolean {
  const text = q.trim();
  return ADDRESS.test(text) || /^https?:\/\/\S+$/i.test(text);
}

/** Where the profile behind an address or link is, looking them up on their server if we have not met them. */
async function profilePathOf(c: AppContext, query: string): Promise<string> {
  const { config, federation } = c.var.services;
  const own = new URL(config.baseUrl);
  const acct = ADDRESS.exec(query);
  if (acct && acct[2]!.toLowerCase() === own.host) return `/@${acct[1]}`;
  if (!acct && new URL(query).origin === own.origin) return new URL(query).pathname;
  const known = acct ? await federation.actors.byAcct(`${acct[1]}@${acct[2]}`) : await federation.actors.byUri(query);
  if (known) return `/@${known.acct}`;
  if (!c.var.viewer) throw UserError.field('q', 'Sign in to look up people on other servers.', 401);
  return `/@${(await federation.lookup(query)).acct}`;
}

/** Timelines, notifications, lists, search and follow requests (bookmarks are in the Library: curation/bookmark-pages.tsx). */
export function registerStreamPages(app: Hono<AppEnv>): void {
  app.get('/live', (c) => pageLiveStream(c));

  app.get('/stream', async (c) => {
    if (!c.var.viewer) return c.redirect('/local');
    const viewer = c.var.viewer;
    const page = await c.var.services.social.timelines.home(viewer, c.req.query('cursor'));
    return streamPage(
      c,
      { title: 'Home', noindex: true },
      <>
        {c.req.query('cursor') ? null : <Composer c={c} back="/stream" />}
        <Timeline
          c={c}
          label="Home timeline"
          posts={page.posts}
          next={nextHref(c, page)}
          back="/stream"
          live={liveUrl(c, 'home')}
          empty={
            <>
              Your home timeline shows posts from people and hashtags you follow. <a href="/people">Find people</a> who do what you do, or
              look at the <a href="/local">local timeline</a>.
            </>
          }
        />
      </>,
    );
  });

  app.get('/local', async (c) => {
    const { timelines } = c.var.services.social;
    const [page, trending] = await Promise.all([timelines.local(c.var.viewer, c.req.query('cursor')), timelines.trending(10)]);
    return streamPage(
      c,
      { title: 'Local timeline', description: `What members of ${c.var.site.siteName} are posting.` },
      <div class="with-sidebar">
        <div>
          <p>
            Posts by members of {c.var.site.siteName}
            {c.var.viewer ? '' : ' that they shared publicly'}.
          </p>
          <Timeline
            c={c}
            label="Local timeline"
            posts={page.posts}
            next={nextHref(c, page)}
            back="/local"
            live={liveUrl(c, 'local')}
            empty="No posts yet."
          />
        </div>
        <aside aria-labelledby="trending-heading" class="sidebar">
          <h2 id="trending-heading">Trending this week</h2>
          {trending.length === 0 ? (
            <p>No hashtags yet.</p>
          ) : (
            <ol class="trending">
              {trending.map((t) => (
                <li>
                  <a href={`/tags/${t.slug}`}>#{t.name}</a>{' '}
                  <span class="meta">
                    {t.people} {t.people === 1 ? 'person' : 'people'}, {t.uses} {t.uses === 1 ? 'post' : 'posts'}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </aside>
      </div>,
    );
  });

  app.get('/tags/:tag', async (c) => {
    const raw = c.req.param('tag');
    const slug = passionSlug(raw);
    if (!slug) throw UserError.notFound('That is not a hashtag.');
    if (slug !== raw) return c.redirect(`/tags/${encodeURIComponent(slug)}`, 301);
    const { social } = c.var.services;
    const page = await social.timelines.hashtag(c.var.viewer, slug, c.req.query('cursor'));
    const following = c.var.viewer ? await social.graph.followsHashtag(c.var.viewer, slug) : false;
    const back = `/tags/${slug}`;
    return streamPage(
      c,
      { title: `#${page.hashtag.name}`, heading: null, description: `Posts about #${page.hashtag.name}` },
      <>
        <div class="page-head">
          <h1>#{page.hashtag.name}</h1>
          <p class="meta">
            {page.hashtag.posts} {page.hashtag.posts === 1 ? 'post' : 'posts'}
          </p>
          {c.var.viewer ? (
            <ActionButton
              c={c}
              back={back}
              action={`/tags/${slug}/${following ? 'unfollow' : 'follow'}`}
              label={following ? 'Unfollow hashtag' : 'Follow hashtag'}
              pressed={following}
            />
          ) : null}
        </div>
        {c.var.viewer && !c.req.query('cursor') ? <Composer c={c} back={back} prefill={`#${page.hashtag.name} `} /> : null}
        <Timeline
          c={c}
          label={`Posts about #${page.hashtag.name}`}
          posts={page.posts}
          next={nextHref(c, page)}
          back={back}
          live={liveUrl(c, `tag:${slug}`)}
          empty={`No one has posted about #${page.hashtag.name} yet. Be the first!`}
        />
      </>,
    );
  });

  app.post('/tags/:tag/:action{follow|unfollow}', async (c) => {
    const viewer = requireViewer(c);
    const { graph } = c.var.services.social;
    const tag = c.req.param('tag');
    if (c.req.param('action') === 'follow') await graph.followHashtag(viewer, tag);
    else await graph.unfollowHashtag(viewer, tag);
    flash(
      c,
      c.req.param('action') === 'follow' ? `Posts with #${tag} will appear in your home timeline.` : `You no longer follow #${tag}.`,
    );
    return c.redirect(safeNext(c, (await readForm(c)).text('back')), 303);
  });

  app.get('/notifications', async (c) => {
    const viewer = requireViewer(c);
    const kind = c.req.query('kind') || undefined;
    const { notifications } = c.var.services.social;
    const page = await notifications.list(viewer, { kind, cursor: c.req.query('cursor') });
    const unread = await notifications.unreadCount(viewer);
    const filters = [
      ['', 'All'],
      ['mention', 'Mentions'],
      ['reply', 'Replies'],
      ['follow', 'Follows'],
      ['follow_request', 'Follow requests'],
      ['boost', 'Boosts'],
      ['like', 'Likes'],
      ['chat_reminder', 'Chat reminders'],
      ['collection_entry', 'Collections'],
      ['kit_added', 'Starter kits'],
    ] as const;
    return streamPage(
      c,
      { title: 'Notifications', noindex: true },
      <>
        <div class="page-head">
          <nav aria-label="Filter notifications">
            <ul class="tags">
              {filters.map(([value, label]) => (
                <li>
                  <a
                    class="tag"
                    href={value ? `/notifications?kind=${value}` : '/notifications'}
                    aria-current={(kind ?? '') === value ? 'page' : undefined}
                  >
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {unread > 0 ? (
            <form method="post" action="/notifications/read" class="inline-form">
              <CsrfField token={c.var.csrf} />
              <button type="submit" class="button--secondary button--small">
                Mark all as read ({unread})
              </button>
            </form>
          ) : null}
        </div>
        {page.notifications.length === 0 ? (
          <p class="callout">Nothing here yet. When people follow you, mention you or reply, you will see it here.</p>
        ) : null}
        <ol class="notifications">
          {page.notifications.map((n) => (
            <li class={n.read ? 'notification' : 'notification notification--unread'}>
              <NotificationItem c={c} n={n} />
            </li>
          ))}
        </ol>
        {nextHref(c, page) ? (
          <nav class="pagination" aria-label="More notifications">
            <a class="button button--secondary" href={nextHref(c, page)!}>
              Older notifications
            </a>
          </nav>
        ) : null}
      </>,
    );
  });

  app.post('/notifications/read', async (c) => {
    const viewer = requireViewer(c);
    await c.var.services.social.notifications.markRead(viewer);
    flash(c, 'All notifications are marked as read.');
    return c.redirect('/notifications', 303);
  });

  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 300);
    const type = c.req.query('type') ?? 'posts';
    const { social, accounts } = c.var.services;
    let errors: Errors = {};
    let status: PageOptions['status'] = 200;
    let results: Child = null;
    const address = type !== 'hashtags' && isFediverseAddress(q);
    if (address) {
      // Someone's address or profile link: go to their profile (looked up on their server if new).
      try {
        return c.redirect(await profilePathOf(c, q.trim()), 303);
      } catch (error) {
        const found = formErrors(error);
        errors = { q: found.errors.q ?? found.errors._form ?? Object.values(found.errors)[0]! };
        status = found.status;
      }
    } else if (!['posts', 'people', 'hashtags'].includes(type)) {
      errors = { type: 'Search posts, people or hashtags.' };
      status = 400;
    } else if (q.trim()) {
      try {
        if (type === 'posts') {
          const page = await social.searchPosts(c.var.viewer, q, c.req.query('cursor'));
          results = (
            <Timeline
              c={c}
              label="Posts found"
              posts={page.posts}
              next={nextHref(c, page)}
              back={`/search?${new URLSearchParams({ q, type })}`}
              empty="No posts match."
            />
          );
        } else if (type === 'people') {
          const page = await accounts.directory({ q, cursor: c.req.query('cursor') }, c.var.viewer);
          results =
            page.people.length === 0 ? (
              <p class="callout">
                No one matches. Try the <a href="/people">directory</a> filters.
              </p>
            ) : (
              <ul class="people-grid" aria-label="People found">
                {page.people.map((p) => (
                  <li>
                    <PersonCard profile={p} />
                  </li>
                ))}
              </ul>
            );
        } else {
          const tags = await social.searchHashtags(q);
          results =
            tags.length === 0 ? (
              <p class="callout">No hashtags start with that.</p>
            ) : (
              <ul class="hashtag-list" aria-label="Hashtags found">
                {tags.map((t) => (
                  <li>
                    <a href={`/tags/${t.slug}`}>#{t.name}</a>{' '}
                    <span class="meta">
                      {t.posts} {t.posts === 1 ? 'post' : 'posts'}
                    </span>
                  </li>
                ))}
              </ul>
            );
        }
      } catch (error) {
        ({ errors } = formErrors(error));
        status = 400;
      }
    }
    return streamPage(
      c,
      { title: q ? `Search: ${q}` : 'Search', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
      <>
        <ErrorSummary errors={errors} />
        <form method="get" action="/search" class="filters" role="search" aria-label="Search">
          <TextField
            name="q"
            type="search"
            label="Search for"
            value={q}
            errors={errors}
            hint={
              <>
                Words or "exact phrases"; #hashtag and from:handle narrow post searches. To find someone on another server (Mastodon and
                others), type their address like @user@example.social or paste the link to their profile.
              </>
            }
          />
          <SelectField
            name="type"
            label="In"
            value={type}
            errors={errors}
            options={[
              { value: 'posts', label: 'Posts' },
              { value: 'people', label: 'People' },
              { value: 'hashtags', label: 'Hashtags' },
            ]}
          />
          <div class="actions">
            <button type="submit">Search</button>
          </div>
        </form>
        {results}
      </>,
    );
  });

  app.get('/lists', async (c) => {
    const viewer = requireViewer(c);
    return listsPage(c, await c.var.services.social.lists.mine(viewer), {}, {});
  });

  app.post('/lists', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), visibility: form.text('visibility') || 'private' };
    const { lists } = c.var.services.social;
    try {
      const list = await lists.create(viewer, values);
      flash(c, `List “${list.name}” created. Add people to it below.`);
      return c.redirect(`/lists/${list.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return listsPage(c, await lists.mine(viewer), values, errors, status);
    }
  });

  app.get('/lists/:id{[0-9]+}', async (c) => {
    const { lists } = c.var.services.social;
    const id = Number(c.req.param('id'));
    const list = await lists.get(c.var.viewer, id);
    const [page, members] = await Promise.all([lists.timeline(c.var.viewer, id, c.req.query('cursor')), lists.members(c.var.viewer, id)]);
    return listPage(c, list, page, members, {}, {});
  });

  app.post('/lists/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const { lists } = c.var.services.social;
    const id = Number(c.req.param('id'));
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), visibility: form.text('visibility') };
    try {
      await lists.update(viewer, id, values);
      flash(c, 'List saved.');
      return c.redirect(`/lists/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const list = await lists.get(viewer, id);
      return listPage(
        c,
        list,
        await lists.timeline(viewer, id),
        await lists.members(viewer, id),
        { ...values, form: 'settings' },
        errors,
        status,
      );
    }
  });

  app.post('/lists/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await c.var.services.social.lists.delete(viewer, Number(c.req.param('id')));
    flash(c, 'List deleted.');
    return c.redirect('/lists', 303);
  });

  app.post('/lists/:id{[0-9]+}/members', async (c) => {
    const viewer = requireViewer(c);
    const { lists } = c.var.services.social;
    const id = Number(c.req.param('id'));
    const handle = (await readForm(c)).text('handle').trim().replace(/^@/, '');
    try {
      if (!handle) throw UserError.field('handle', 'Enter the handle of someone to add, like mslibrarian.');
      await lists.add(viewer, id, handle);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const list = await lists.get(viewer, id);
      return listPage(
        c,
        list,
        await lists.timeline(viewer, id),
        await lists.members(viewer, id),
        { handle, form: 'add' },
        errors.handle ? errors : { handle: errors._form ?? Object.values(errors)[0]! },
        status,
      );
    }
    flash(c, `@${handle} was added to the list.`);
    return c.redirect(`/lists/${id}`, 303);
  });

  app.post('/lists/:id{[0-9]+}/members/:handle/remove', async (c) => {
    const viewer = requireViewer(c);
    const id = Number(c.req.param('id'));
    await c.var.services.social.lists.remove(viewer, id, c.req.param('handle'));
    flash(c, `@${c.req.param('handle')} was removed from the list.`);
    return c.redirect(`/lists/${id}`, 303);
  });

  app.get('/follow-requests', async (c) => {
    const viewer = requireViewer(c);
    const requests = await c.var.services.social.graph.followRequests(viewer);
    return streamPage(
      c,
      { title: 'Follow requests', noindex: true },
      requests.length === 0 ? (
        <p class="callout">
          No one is waiting. {''}
          <a href="/settings/privacy">Privacy settings</a> decide whether new followers need your approval.
        </p>
      ) : (
        <PeopleList people={requests}>
          {(p) => (
            <>
              <ActionButton c={c} back="/follow-requests" action={`/follow-requests/${p.acct}/accept`} label="Accept" />
              <ActionButton c={c} back="/follow-requests" action={`/follow-requests/${p.acct}/reject`} label="Decline" />
            </>
          )}
        </PeopleList>
      ),
    );
  });

  app.post('/follow-requests/:acct/:answer{accept|reject}', async (c) => {
    const viewer = requireViewer(c);
    const accept = c.req.param('answer') === 'accept';
    await c.var.services.social.graph.answerRequest(viewer, c.req.param('acct'), accept);
    flash(c, accept ? `@${c.req.param('acct')} now follows you.` : `You declined @${c.req.param('acct')}.`);
    return c.redirect('/follow-requests', 303);
  });

  app.get('/settings/privacy', async (c) => {
    const viewer = requireViewer(c);
    const locked = await c.var.services.social.graph.isLocked(viewer);
    const featurable = await c.var.services.collections.isFeaturable(viewer);
    return settingsPage(
      c,
      { title: 'Privacy' },
      <form method="post" action="/settings/privacy" class="stack">
        <CsrfField token={c.var.csrf} />
        <RadioGroup
          name="locked"
          label="Who can follow you"
          value={locked ? 'yes' : 'no'}
          options={[
            { value: 'no', label: 'Anyone, right away' },
            { value: 'yes', label: 'People I approve', hint: '(new followers send a request you accept or decline)' },
          ]}
        />
        <fieldset class="field">
          <legend>Starter kits</legend>
          <input type="hidden" name="featurableShown" value="yes" />
          <div class="choice">
            <input
              type="checkbox"
              id="field-featurable"
              name="featurable"
              value="yes"
              checked={featurable}
              aria-describedby="field-featurable-hint"
            />
            <label for="field-featurable">Others may feature me in public starter kits and collections</label>
          </div>
          <p class="hint" id="field-featurable-hint">
            When this is off, no one can add you to a public starter kit or collection, and you are left out of the ones that already list
            you.
          </p>
        </fieldset>
        <p class="hint">Choose who sees each post when you write it. Who can see your profile is under Profile.</p>
        <button type="submit">Save</button>
      </form>,
    );
  });

  app.post('/settings/privacy', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const value = form.text('locked');
    if (value !== 'yes' && value !== 'no') throw UserError.field('locked', 'Choose who can follow you.');
    await c.var.services.social.graph.setLocked(viewer, value === 'yes');
    // An unticked checkbox sends nothing: the hidden field says the form showed it.
    if (form.text('featurableShown') === 'yes') await c.var.services.collections.setFeaturable(viewer, form.text('featurable') === 'yes');
    flash(c, value === 'yes' ? 'New followers now need your approval.' : 'Anyone can follow you; waiting requests were accepted.');
    return c.redirect('/settings/privacy', 303);
  });
}

const KIND_TEXT: Record<string, string> = {
  mention: 'mentioned you',
  reply: 'replied to your post',
  follow: 'followed you',
  follow_request: 'asked to follow you',
  boost: 'boosted your post',
  like: 'liked your post',
  chat_reminder: 'reminds you of a chat you will join',
  collection_entry: 'added to a collection you follow',
  kit_added: 'added you to a starter kit',
};

function NotificationItem({ c, n }: { c: AppContext; n: NotificationView }) {
  const tz = c.var.viewer?.timeZone ?? 'UTC';
  return (
    <>
      <p>
        <a href={actorPath(n.actor)}>{n.actor.displayName}</a> {KIND_TEXT[n.kind]}
        {n.kind === 'follow_request' ? (
          <>
            {' '}
            · <a href="/follow-requests">Answer</a>
          </>
        ) : null}
        <span class="meta">
          {' '}
          · <time datetime={isoTime(n.createdAt)}>{formatDateTime(n.createdAt, tz)}</time>
          {n.read ? null : <span class="badge">new</span>}
        </span>
      </p>
      {n.chat ? (
        <p class="quote">
          <a href={new URL(n.chat.url).pathname}>
            #{n.chat.hashtag}: {n.chat.title}
          </a>{' '}
          starts at <time datetime={isoTime(n.chat.startsAt)}>{formatDateTime(n.chat.startsAt, tz)}</time>.
        </p>
      ) : null}
      {n.collection ? (
        <p class="quote">
          <a href={new URL(n.collection.url).pathname}>{n.collection.title}</a>
        </p>
      ) : null}
      {n.post ? (
        n.kind === 'mention' || n.kind === 'reply' ? (
          <PostCard c={c} post={n.post} back="/notifications" />
        ) : (
          <p class="quote">
            <a href={postPath(n.post)}>{n.post.text.slice(0, 140) || 'Your post'}</a>
          </p>
        )
      ) : null}
    </>
  );
}

function listsPage(
  c: AppContext,
  lists: Awaited<ReturnType<AppContext['var']['services']['social']['lists']['mine']>>,
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  return streamPage(
    c,
    { title: 'Lists', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        A list is a named set of people with its own timeline, e.g. “Public librarians” or “Child welfare research”. Share a list publicly
        to recommend those people to others.
      </p>
      {lists.length > 0 ? (
        <ul class="list-cards">
          {lists.map((l) => (
            <li>
              <a href={`/lists/${l.id}`}>{l.name}</a>{' '}
              <span class="meta">
                {l.members} {l.members === 1 ? 'person' : 'people'} · {l.visibility === 'public' ? 'shared' : 'private'}
              </span>
              {l.description ? <p>{l.description}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <h2>New list</h2>
      <ErrorSummary errors={errors} />
      <ListForm c={c} action="/lists" values={values} errors={errors} submit="Create list" />
    </>,
  );
}

function ListForm({
  c,
  action,
  values,
  errors,
  submit,
}: {
  c: AppContext;
  action: string;
  values: Record<string, string>;
  errors: Errors;
  submit: string;
}) {
  return (
    <form method="post" action={action} class="stack" novalidate>
      <CsrfField token={c.var.csrf} />
      <TextField name="name" label="Name" value={values.name} errors={errors} maxLength={80} required />
      <TextArea name="description" label="Description" optional value={values.description} errors={errors} rows={2} maxLength={300} />
      <RadioGroup
        name="visibility"
        label="Who can see who is on it"
        value={values.visibility ?? 'private'}
        errors={errors}
        options={[
          { value: 'private', label: 'Only me' },
          { value: 'public', label: 'Everyone', hint: '(a shared list)' },
        ]}
      />
      <button type="submit">{submit}</button>
    </form>
  );
}

function listPage(
  c: AppContext,
  list: Awaited<ReturnType<AppContext['var']['services']['social']['lists']['get']>>,
  page: TimelinePage,
  members: Awaited<ReturnType<AppContext['var']['services']['social']['lists']['members']>>,
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const back = `/lists/${list.id}`;
  return streamPage(
    c,
    { title: list.name, hasErrors: Object.keys(errors).length > 0, status, noindex: list.visibility !== 'public' },
    <>
      <p class="meta">
        {list.visibility === 'public' ? 'Shared list' : 'Private list'} by <a href={actorPath(list.owner)}>{list.owner.displayName}</a> ·{' '}
        {list.members} {list.members === 1 ? 'person' : 'people'}
      </p>
      {list.description ? <p>{list.description}</p> : null}
      <ErrorSummary errors={errors} />
      <div class="with-sidebar">
        <Timeline
          c={c}
          label={`Posts from ${list.name}`}
          posts={page.posts}
          next={nextHref(c, page)}
          back={back}
          live={`/live?timeline=list:${list.id}&back=${encodeURIComponent(back)}`}
          empty="No posts from these people yet."
        />
        <aside class="sidebar" aria-labelledby="list-people">
          <h2 id="list-people">People</h2>
          {list.own ? (
            <form method="post" action={`/lists/${list.id}/members`} class="stack" novalidate>
              <CsrfField token={c.var.csrf} />
              <TextField
                name="handle"
                label="Add someone by handle"
                value={values.form === 'add' ? values.handle : ''}
                errors={values.form === 'add' ? errors : {}}
                spellcheck={false}
              />
              <button type="submit" class="button--small">
                Add
              </button>
            </form>
          ) : null}
          <PeopleList people={members}>
            {list.own
              ? (p) => <ActionButton c={c} back={back} action={`/lists/${list.id}/members/${p.acct}/remove`} label={`Remove`} />
              : undefined}
          </PeopleList>
          {list.own ? (
            <details>
              <summary>List settings</summary>
              <ListForm
                c={c}
                action={back}
                values={
                  values.form === 'settings' ? values : { name: list.name, description: list.description, visibility: list.visibility }
                }
                errors={values.form === 'settings' ? errors : {}}
                submit="Save list"
              />
              <form method="post" action={`/lists/${list.id}/delete`} data-confirm={`Delete the list “${list.name}”?`}>
                <CsrfField token={c.var.csrf} />
                <button type="submit" class="button--danger button--small">
                  Delete list
                </button>
              </form>
            </details>
          ) : null}
        </aside>
      </div>
    </>,
  );
}
