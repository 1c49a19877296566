import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Visibility } from '../../db/schema.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDateTime, isoTime } from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import { Avatar } from '../../web/layout.tsx';
import type { ActorSummary, PostArticle, PostView } from '../hydrate.ts';

export const VISIBILITY_LABELS: Record<Visibility, { label: string; hint: string }> = {
  public: { label: 'Public', hint: 'everyone, also on the local and hashtag timelines' },
  members: { label: 'Members only', hint: 'signed-in members of this server' },
  followers: { label: 'Followers only', hint: 'your followers and the people you mention' },
  direct: { label: 'Direct', hint: 'only the people you mention' },
};

/** Local path of a post's page (links inside the site stay relative). */
export function postPath(post: Pick<PostView, 'id' | 'author'>): string {
  return post.author.local ? `/@${post.author.handle}/${post.id}` : `/posts/${post.id}`;
}

export function actorPath(actor: ActorSummary): string {
  return actor.local ? `/@${actor.handle}` : `/@${actor.acct}`;
}

const ACTION_CLASSES = {
  primary: 'button button--small',
  secondary: 'button button--secondary button--small',
  quiet: 'post-action post-action--quiet',
} as const;

/**
 * A small form with one button that POSTs an action and comes back to `back`. It looks like a
 * post's action (a link-like button) unless `look` makes it the primary button, a secondary
 * one, or a quieter action. An `inline` one is sent with fetch when scripts run, and the region
 * around it (`data-inline-region`, with an id) swapped for its new state (app.js).
 */
function ActionButton(props: {
  c: AppContext;
  action: string;
  back: string;
  label: string;
  pressed?: boolean;
  count?: number;
  describedBy?: string;
  confirm?: string;
  danger?: boolean;
  look?: keyof typeof ACTION_CLASSES;
  inline?: boolean;
}) {
  return (
    <form method="post" action={props.action} class="inline-form" data-confirm={props.confirm} data-inline={props.inline ? '' : undefined}>
      <CsrfField token={props.c.var.csrf} />
      <input type="hidden" name="back" value={props.back} />
      <button
        type="submit"
        class={props.look ? ACTION_CLASSES[props.look] : `post-action${props.danger ? ' post-action--danger' : ''}`}
        aria-pressed={props.pressed === undefined ? undefined : props.pressed ? 'true' : 'false'}
        aria-describedby={props.describedBy}
      >
        {props.label}
        {props.count ? <span class="post-action__count"> {props.count}</span> : null}
      </button>
    </form>
  );
}

/** Follow for one person: a plain form to their profile's follow action that comes back to `back`. */
export function FollowButton({ c, acct, name, back }: { c: AppContext; acct: string; name: string; back: string }) {
  return (
    <form method="post" action={`/@${acct}/follow`} class="inline-form">
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="button--small">
        Follow <span class="visually-hidden">{name}</span>
      </button>
    </form>
  );
}

export function PostCard({ c, post, back, focus = false }: { c: AppContext; post: PostView; back: string; focus?: boolean }) {
  const viewer = c.var.viewer;
  const copy = post.boostedBy ? `-b${post.boostedBy.boostId}` : '';
  const headingId = `post-${post.id}-author${copy}`;
  const path = postPath(post);
  const tz = timeZoneOf(c);
  const body = post.article ? (
    <ArticleCard article={post.article} comments={post.counts.replies} />
  ) : (
    <>
      <div class="post__content">{raw(post.html)}</div>
      {post.media.length > 0 ? (
        <ul class={`post__media post__media--${post.media.length}`} aria-label="Images">
          {post.media.map((m, i) => (
            <li>
              <a href={m.url}>
                <img src={m.url} alt={m.alt} width={m.width ?? undefined} height={m.height ?? undefined} loading="lazy" />
                {/* The link still needs a name when the author gave no description. */}
                {m.alt ? null : <span class="visually-hidden">Image {i + 1}, no description</span>}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {post.card ? (
        <a class="card" href={post.card.url} rel="nofollow noopener noreferrer ugc">
          {post.card.imageUrl ? <img src={post.card.imageUrl} alt="" loading="lazy" referrerpolicy="no-referrer" /> : null}
          <span class="card__text">
            <strong>{post.card.title}</strong>
            {post.card.description ? <span class="card__description">{post.card.description}</span> : null}
            {post.card.siteName ? <span class="meta">{post.card.siteName}</span> : null}
          </span>
        </a>
      ) : null}
    </>
  );
  return (
    <article
      class={`post${focus ? ' post--focus' : ''}`}
      id={`post-${post.id}`}
      aria-labelledby={headingId}
      data-post-key={`${post.id}:${post.boostedBy?.boostId ?? ''}`}
    >
      {post.boostedBy ? (
        <p class="post__boost meta">
          <span aria-hidden="true">↻ </span>
          <a href={actorPath(post.boostedBy.actor)}>{post.boostedBy.actor.displayName}</a> boosted
        </p>
      ) : null}
      <header class="post__head">
        <Avatar url={post.author.avatarUrl} name={post.author.displayName} size={40} />
        <div>
          <a class="post__author" id={headingId} href={actorPath(post.author)}>
            {post.author.displayName}
          </a>{' '}
          <span class="meta">@{post.author.acct}</span>
          {post.author.roleLabel ? <span class="meta"> · {post.author.roleLabel}</span> : null}
          <br />
          <a class="meta post__time" href={path}>
            <time datetime={isoTime(post.createdAt)}>{formatDateTime(post.createdAt, tz)}</time>
          </a>
          {post.editedAt ? (
            <span class="meta">
              {' '}
              · <a href={`/posts/${post.id}/history`}>edited</a>
            </span>
          ) : null}
          <span class="meta"> · {VISIBILITY_LABELS[post.visibility].label}</span>
        </div>
      </header>
      {post.replyTo ? (
        <p class="meta post__reply-to">
          Replying to {post.replyTo.author ? <a href={actorPath(post.replyTo.author)}>@{post.replyTo.author.acct}</a> : 'a post'}
        </p>
      ) : null}
      {post.contentWarning ? (
        <details class="post__cw">
          <summary>
            <span class="post__cw-label">Content warning:</span> {post.contentWarning}
          </summary>
          {body}
        </details>
      ) : (
        body
      )}
      <footer class="post__actions" role="group" aria-label="Actions" id={`post-${post.id}-actions${copy}`} data-inline-region>
        {/* The post's page with the cursor in its reply box (autofocus, which browsers skip when the
            address has an #anchor: focusing scrolls to the box anyway); app.js when it is this page. */}
        <a class="post-action" href={`${path}?reply`} data-reply>
          Reply{post.counts.replies ? <span class="post-action__count"> {post.counts.replies}</span> : null}
        </a>
        {viewer && post.mine ? (
          <>
            {post.visibility === 'public' || post.visibility === 'members' ? (
              <ActionButton
                c={c}
                back={back}
                action={`/posts/${post.id}/${post.mine.boosted ? 'unboost' : 'boost'}`}
                label={post.mine.boosted ? 'Boosted' : 'Boost'}
                pressed={post.mine.boosted}
                inline
                count={post.counts.boosts}
              />
            ) : (
              <span class="post-action post-action--disabled" title="Only public and members-only posts can be boosted">
                Boost<span class="visually-hidden"> (not possible for this audience)</span>
              </span>
            )}
            <ActionButton
              c={c}
              back={back}
              action={`/posts/${post.id}/${post.mine.liked ? 'unlike' : 'like'}`}
              label={post.mine.liked ? 'Liked' : 'Like'}
              pressed={post.mine.liked}
              inline
              count={post.counts.likes}
            />
            <ActionButton
              c={c}
              back={back}
              action={`/posts/${post.id}/${post.mine.bookmarked ? 'unbookmark' : 'bookmark'}`}
              label={post.mine.bookmarked ? 'Bookmarked' : 'Bookmark'}
              pressed={post.mine.bookmarked}
              inline
            />
            {post.mine.own ? (
              <>
                {/* An article's announcement changes with the article (edited or deleted in the editor). */}
                <a class="post-action" href={post.article ? `/articles/${post.article.id}/edit` : `/posts/${post.id}/edit`}>
                  {post.article ? 'Edit article' : 'Edit'}
                </a>
                {post.visibility !== 'direct' ? (
                  <ActionButton
                    c={c}
                    back={back}
                    action={`/posts/${post.id}/${post.mine.pinned ? 'unpin' : 'pin'}`}
                    label="Feature on profile"
                    pressed={post.mine.pinned}
                    inline
                  />
                ) : null}
                {post.article ? null : (
                  <ActionButton
                    c={c}
                    back={back}
                    action={`/posts/${post.id}/delete`}
                    label="Delete"
                    danger
                    confirm="Delete this post? This cannot be undone."
                  />
                )}
              </>
            ) : (
              <a class="post-action post-action--quiet" href={`/posts/${post.id}/report`}>
                Report
              </a>
            )}
          </>
        ) : (
          <>
            {post.counts.boosts ? <span class="meta">{post.counts.boosts} boosts</span> : null}
            {post.counts.likes ? <span class="meta">{post.counts.likes} likes</span> : null}
          </>
        )}
      </footer>
    </article>
  );
}

/** What a post announcing an article shows instead of its text: the title, the summary, a link to read it. */
function ArticleCard({ article, comments }: { article: PostArticle; comments: number }) {
  return (
    <div class="post__content">
      <p class="meta">Published an article</p>
      <p>
        <a href={article.url}>
          <strong>{article.title}</strong>
        </a>
      </p>
      {article.summary ? <p>{article.summary}</p> : null}
      <p>
        <a href={article.url}>
          Read the article<span class="visually-hidden"> “{article.title}”</span>
        </a>{' '}
        <span class="meta">· {comments === 1 ? '1 comment' : `${comments} comments`}</span>
      </p>
    </div>
  );
}

/** A list of posts with a "more" link, and (with JavaScript) live updates from `live`. */
export function Timeline(props: {
  c: AppContext;
  posts: PostView[];
  next: string | null;
  back: string;
  empty: Child;
  live?: string;
  label: string;
}) {
  return (
    <section class="timeline" aria-label={props.label} data-live={props.live}>
      <p class="visually-hidden" aria-live="polite" data-live-status></p>
      {props.posts.length === 0 ? <p class="callout timeline__empty">{props.empty}</p> : null}
      <ol class="timeline__list">
        {props.posts.map((post) => (
          <li>
            <PostCard c={props.c} post={post} back={props.back} />
          </li>
        ))}
      </ol>
      {props.next ? (
        <nav class="pagination" aria-label="More posts">
          <a class="button button--secondary" href={props.next}>
            Older posts
          </a>
        </nav>
      ) : null}
    </section>
  );
}

/** A row of people (followers, list members, request senders). */
export function PeopleList({ people, children }: { people: ActorSummary[]; children?: (person: ActorSummary) => Child }) {
  return (
    <ul class="people-list">
      {people.map((p) => (
        <li class="person-row">
          <Avatar url={p.avatarUrl} name={p.displayName} size={40} />
          <span>
            <a href={actorPath(p)}>{p.displayName}</a> <span class="meta">@{p.acct}</span>
            {p.roleLabel ? <span class="meta"> · {p.roleLabel}</span> : null}
          </span>
          {children ? <span class="person-row__actions">{children(p)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export { ActionButton };
