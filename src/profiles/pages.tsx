import type { Hono } from 'hono';
import { raw } from 'hono/html';
import { loadProfile, ProfileHeader } from '../accounts/index.ts';
import { UserError } from '../platform/errors.ts';
import type { ActorProfile, Relationship } from '../social/index.ts';
import { ActionButton, PeopleList, PostCard, Timeline } from '../social/index.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { Avatar, flash, renderPage } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { readForm, safeNext } from '../web/request.ts';

const TABS = [
  ['', 'Posts', 'posts'],
  ['/with-replies', 'Posts and replies', 'replies'],
  ['/media', 'Media', 'media'],
] as const;

/**
 * Profile pages compose two capabilities: the member's profile (accounts) and their posts,
 * connections and relationship to the viewer (social).
 */
export function registerProfilePages(app: Hono<AppEnv>): void {
  for (const [suffix, , filter] of TABS) {
    app.get(`/:at{@[A-Za-z0-9_]+}${suffix}`, async (c) => {
      const handle = c.req.param('at').slice(1);
      const profile = await loadProfile(c, c.var.services.accounts, handle);
      if (profile instanceof Response) return profile;
      if (profile.handle !== handle) return c.redirect(`/@${profile.handle}${suffix}`, 301);
      const { social } = c.var.services;
      const actor = await social.graph.actor(profile.handle);
      const [page, pinned, relationship, lists, hasBlog, publicBookmarks] = await Promise.all([
        social.timelines.profile(c.var.viewer, actor.id, filter, c.req.query('cursor')),
        filter === 'posts' && !c.req.query('cursor') ? social.timelines.pinned(c.var.viewer, actor.id) : Promise.resolve([]),
        c.var.viewer && c.var.viewer.actorId !== actor.id ? social.graph.relationship(c.var.viewer, actor.id) : Promise.resolve(null),
        social.lists.publicOf(profile.memberId),
        c.var.services.articles.hasPublished(actor.id),
        c.var.services.bookmarks.publicOf(profile.memberId, { limit: 1 }),
      ]);
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
              {publicBookmarks.bookmarks.length > 0 ? (
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

  // Someone on another server: what we know of them, and their posts that reached us. A signed-in
  // member opening an address we have not met yet looks it up (WebFinger, then their outbox).
  app.get('/:at{@[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+(?::[0-9]+)?}', async (c) => {
    const acct = c.req.param('at').slice(1);
    const { social, federation } = c.var.services;
    let row = await federation.actors.byAcct(acct);
    let fetching = false;
    if (!row) {
      if (!c.var.viewer) throw UserError.notFound(`@${acct} has not been seen here yet. Sign in and search for them to look them up.`);
      row = await federation.lookup(acct);
      fetching = true;
    }
    const actor = await social.graph.actor(row.acct);
    const [page, pinned, relationship] = await Promise.all([
      social.timelines.profile(c.var.viewer, actor.id, 'posts', c.req.query('cursor')),
      c.req.query('cursor') ? Promise.resolve([]) : social.timelines.pinned(c.var.viewer, actor.id),
      c.var.viewer ? social.graph.relationship(c.var.viewer, actor.id) : Promise.resolve(null),
    ]);
    // Their profile fields (website, pronouns …): names as text, values as HTML sanitised when stored.
    const fields = JSON.parse(row.fields) as Array<{ name: string; value: string }>;
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
        {fetching || (page.posts.length === 0 && Date.now() - row.created_at < 60_000) ? (
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
      const profile = await loadProfile(c, c.var.services.accounts, c.req.param('at').slice(1));
      if (profile instanceof Response) return profile;
      const { graph } = c.var.services.social;
      const actor = await graph.actor(profile.handle);
      const page = await graph.connections(actor.id, direction, c.req.query('cursor'));
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

  const notices: Record<'follow' | 'unfollow' | 'mute' | 'unmute' | 'block' | 'unblock', (acct: string, result?: string) => string> = {
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
    const action = c.req.param('action') as 'follow' | 'unfollow' | 'mute' | 'unmute' | 'block' | 'unblock';
    const { graph } = c.var.services.social;
    let result: string | undefined;
    if (action === 'follow') result = await graph.follow(viewer, acct);
    else await graph[action](viewer, acct);
    flash(c, notices[action](acct, result));
    return c.redirect(safeNext(c, (await readForm(c)).text('back'), `/@${acct}`), 303);
  });
}

/** Counts, and the viewer's follow, mute and block buttons for this person. */
function Connections({
  c,
  actor,
  relationship,
  back,
  lists,
}: {
  c: AppContext;
  actor: ActorProfile;
  relationship: Relationship | null;
  back: string;
  lists: boolean;
}) {
  const act = (action: string, label: string, extra: { pressed?: boolean; danger?: boolean; confirm?: string } = {}) => (
    <ActionButton c={c} back={back} action={`/@${actor.acct}/${action}`} label={label} {...extra} />
  );
  return (
    <>
      {lists ? (
        <p class="profile-stats">
          <span>
            <strong>{actor.posts}</strong> {actor.posts === 1 ? 'post' : 'posts'}
          </span>{' '}
          ·{' '}
          <a href={`${back}/following`}>
            <strong>{actor.following}</strong> following
          </a>{' '}
          ·{' '}
          <a href={`${back}/followers`}>
            <strong>{actor.followers}</strong> {actor.followers === 1 ? 'follower' : 'followers'}
          </a>
          {actor.locked ? <span class="meta"> · approves followers</span> : null}
        </p>
      ) : (
        <p class="profile-stats">
          <span>
            <strong>{actor.followers}</strong> {actor.followers === 1 ? 'person here follows' : 'people here follow'} them
          </span>{' '}
          · <strong>{actor.posts}</strong> {actor.posts === 1 ? 'post' : 'posts'} seen here
          {actor.locked ? <span class="meta"> · approves followers</span> : null}
        </p>
      )}
      {relationship ? (
        <div class="profile-actions">
          {relationship.followedBy ? <span class="badge">Follows you</span> : null}
          {relationship.blockedBy
            ? null
            : relationship.following
              ? act('unfollow', 'Unfollow')
              : relationship.requested
                ? act('unfollow', 'Cancel follow request')
                : relationship.blocking
                  ? null
                  : act('follow', actor.locked ? 'Ask to follow' : 'Follow')}
          {relationship.muting ? act('unmute', 'Unmute') : act('mute', 'Mute')}
          {relationship.blocking
            ? act('unblock', 'Unblock')
            : act('block', 'Block', { danger: true, confirm: `Block @${actor.acct}? You will stop following each other.` })}
          <a class="post-action post-action--quiet" href={`/@${actor.acct}/report`}>
            Report
          </a>
        </div>
      ) : !c.var.viewer ? (
        <p>
          <a class="button button--small" href={`/login?next=${encodeURIComponent(back)}`}>
            Sign in to follow
          </a>
        </p>
      ) : null}
    </>
  );
}
