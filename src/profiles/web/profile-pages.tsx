import { Hono } from 'hono';
import { raw } from 'hono/html';
import { loadProfile, ProfileHeader } from '../../accounts/index.ts';
import { PeopleList, PostCard, Timeline } from '../../social/index.ts';
import type { AppEnv } from '../../web/context.ts';
import { Avatar, flash, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import type { PersonAction, ProfilesService } from '../service.ts';
import { Connections } from './profile-views.tsx';

const TABS = [
  ['', 'Posts', 'posts'],
  ['/with-replies', 'Posts and replies', 'replies'],
  ['/media', 'Media', 'media'],
] as const;

/**
 * A person's pages: a member's profile (accounts) with their posts, connections and relationship
 * to the viewer (social), and someone on another server (federation); follow, mute and block.
 */
export function profilePages(service: ProfilesService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  for (const [suffix, , filter] of TABS) {
    app.get(`/:at{@[A-Za-z0-9_]+}${suffix}`, async (c) => {
      const handle = c.req.param('at').slice(1);
      const profile = await loadProfile(c, service.accounts, handle);
      if (profile instanceof Response) return profile;
      if (profile.handle !== handle) return c.redirect(`/@${profile.handle}${suffix}`, 301);
      const { actor, page, pinned, relationship, lists, hasBlog, hasPublicBookmarks } = await service.memberPage(
        c.var.viewer,
        profile,
        filter,
        c.req.query('cursor'),
      );
      const back = `/@${profile.handle}${suffix}`;
      const next = page.nextCursor ? `${back}?cursor=${page.nextCursor}` : null;
      return renderPage(
        c,
        {
          title: `${profile.displayName} (@${profile.handle})`,
          heading: null,
          description: profile.bio.slice(0, 160) || undefined,
          noindex: profile.profileVisibility !== 'public',
        },
        <article class="profile" aria-labelledby="profile-name">
          <ProfileHeader
            c={c}
            p={profile}
            actions={<Connections c={c} actor={actor} relationship={relationship} back={`/@${profile.handle}`} lists />}
          />
          {lists.length > 0 ? (
            <section aria-labelledby="shared-lists">
              <h2 id="shared-lists">Shared lists</h2>
              <ul class="tags">
                {lists.map((l) => (
                  <li>
                    <a class="tag" href={`/lists/${l.id}`}>
                      {l.name} ({l.members})
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {pinned.length > 0 ? (
            <section aria-labelledby="featured-heading">
              <h2 id="featured-heading">Featured</h2>
              <ol class="timeline__list">
                {pinned.map((post) => (
                  <li>
                    <PostCard c={c} post={post} back={back} />
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
          <nav class="subnav" aria-label="Posts">
            <ul class="tags">
              {TABS.map(([s, label]) => (
                <li>
                  <a class="tag" href={`/@${profile.handle}${s}`} aria-current={s === suffix ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              ))}
              {hasBlog ? (
                <li>
                  <a class="tag" href={`/@${profile.handle}/blog`}>
                    Blog
                  </a>
                </li>
              ) : null}
              {hasPublicBookmarks ? (
                <li>
                  <a class="tag" href={`/@${profile.handle}/bookmarks`}>
                    Bookmarks
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
          <Timeline
            c={c}
            label={`Posts by ${profile.displayName}`}
            posts={page.posts}
            next={next}
            back={back}
            empty="Nothing to show here yet."
          />
        </article>,
      );
    });
  }

  // Someone on another server: what we know of them, and their posts that reached us.
  app.get('/:at{@[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+(?::[0-9]+)?}', async (c) => {
    const { row, actor, page, pinned, relationship, fields, fetching } = await service.remotePage(
      c.var.viewer,
      c.req.param('at').slice(1),
      c.req.query('cursor'),
    );
    const back = `/@${actor.acct}`;
    return renderPage(
      c,
      { title: `${actor.displayName} (@${actor.acct})`, heading: null, noindex: true },
      <article class="profile" aria-labelledby="profile-name">
        <div class="profile-head">
          <Avatar url={actor.avatarUrl} name={actor.displayName} size={128} />
          <div>
            <h1 id="profile-name">{actor.displayName}</h1>
            <p class="meta">@{actor.acct}</p>
            <p>
              On {row.domain}, another fediverse server ·{' '}
              <a href={actor.url} rel="nofollow noopener ugc">
                Their profile there
              </a>
            </p>
            <Connections c={c} actor={actor} relationship={relationship} back={back} lists={false} />
          </div>
        </div>
        {row.bio ? <p class="bio">{row.bio}</p> : null}
        {fields.length > 0 ? (
          <section aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <dl class="profile-facts">
              {fields.map((field) => (
                <>
                  <dt>{field.name}</dt>
                  <dd>{raw(field.value)}</dd>
                </>
              ))}
            </dl>
          </section>
        ) : null}
        {pinned.length > 0 ? (
          <section aria-labelledby="featured-heading">
            <h2 id="featured-heading">Featured</h2>
            <ol class="timeline__list">
              {pinned.map((post) => (
                <li>
                  <PostCard c={c} post={post} back={back} />
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        {fetching ? (
          <p class="callout" role="status">
            Their recent posts are being fetched from {row.domain}. <a href={back}>Reload</a> in a moment to see them.
          </p>
        ) : null}
        <Timeline
          c={c}
          label={`Posts by ${actor.displayName}`}
          posts={page.posts}
          next={page.nextCursor ? `${back}?cursor=${page.nextCursor}` : null}
          back={back}
          empty="None of their posts has reached this server yet. Follow them to see what they post from now on."
        />
      </article>,
    );
  });

  for (const direction of ['followers', 'following'] as const) {
    app.get(`/:at{@[A-Za-z0-9_]+}/${direction}`, async (c) => {
      const profile = await loadProfile(c, service.accounts, c.req.param('at').slice(1));
      if (profile instanceof Response) return profile;
      const page = await service.connections(profile, direction, c.req.query('cursor'));
      const title = direction === 'followers' ? `People following ${profile.displayName}` : `People ${profile.displayName} follows`;
      return renderPage(
        c,
        { title },
        <>
          <p>
            <a href={`/@${profile.handle}`}>Back to @{profile.handle}</a>
          </p>
          {page.people.length === 0 ? <p class="callout">No one yet.</p> : <PeopleList people={page.people} />}
          {page.nextCursor ? (
            <nav class="pagination" aria-label="More people">
              <a class="button button--secondary" href={`/@${profile.handle}/${direction}?cursor=${page.nextCursor}`}>
                More
              </a>
            </nav>
          ) : null}
        </>,
      );
    });
  }

  const notices: Record<PersonAction, (acct: string, result?: string) => string> = {
    follow: (acct, state) =>
      state === 'pending' ? `You asked to follow @${acct}; they approve new followers.` : `You now follow @${acct}.`,
    unfollow: (acct) => `You no longer follow @${acct}.`,
    mute: (acct) => `You muted @${acct}: their posts stay out of your timelines.`,
    unmute: (acct) => `You unmuted @${acct}.`,
    block: (acct) => `You blocked @${acct}.`,
    unblock: (acct) => `You unblocked @${acct}.`,
  };

  app.post('/:at{@[A-Za-z0-9_@.:-]+}/:action{follow|unfollow|mute|unmute|block|unblock}', async (c) => {
    const viewer = requireViewer(c);
    const acct = c.req.param('at').slice(1);
    const action = c.req.param('action') as PersonAction;
    const result = await service.act(viewer, acct, action);
    flash(c, notices[action](acct, result));
    return c.redirect(safeNext(c, (await readForm(c)).text('back'), `/@${acct}`), 303);
  });

  return app;
}
