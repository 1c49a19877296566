import { Hono } from 'hono';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDateTime, isoTime } from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { type NotificationView, parseNotificationKind } from '../notifications.ts';
import type { SocialService } from '../service.ts';
import { actorPath, PostCard, postPath } from './post-views.tsx';
import { nextHref, streamPage } from './stream-views.tsx';

/** A member's notifications. */
export function notificationPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/notifications', async (c) => {
    const viewer = requireViewer(c);
    const kind = parseNotificationKind(c.req.query('kind') || undefined);
    const { notifications } = social;
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
    await social.notifications.markRead(viewer);
    flash(c, 'All notifications are marked as read.');
    return c.redirect('/notifications', 303);
  });
  return app;
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
  const tz = timeZoneOf(c);
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
