import { Hono } from 'hono';
import { loadProfile } from '../../accounts/index.ts';
import type { AppEnv } from '../../web/context.ts';
import { formatDateTime, isoTime, plural } from '../../web/format.ts';
import { renderPage } from '../../web/layout.tsx';
import type { ChatsService } from '../service.ts';
import { path, tzOf } from './chat-views.tsx';

/** The chats someone took part in (/@handle/chats), with what they answered. */
export function historyPages(service: ChatsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:at{@[A-Za-z0-9_]+}/chats', async (c) => {
    const profile = await loadProfile(c, service.accounts, c.req.param('at').slice(1));
    if (profile instanceof Response) return profile;
    const history = await service.room.history(c.var.viewer, profile.handle);
    return renderPage(
      c,
      { title: `Chats ${profile.displayName} joined` },
      <>
        <p>
          <a href={`/@${profile.handle}`}>Back to {profile.displayName}’s profile</a>
        </p>
        {history.length === 0 ? (
          <p>{profile.displayName} has not taken part in a chat yet.</p>
        ) : (
          <ul class="chat-history">
            {history.map((h) => (
              <li>
                <h2>
                  <a href={path(h.chat.url)}>
                    #{h.series.hashtag}: {h.series.title}
                  </a>
                </h2>
                <p class="meta">
                  <time datetime={isoTime(h.chat.startsAt)}>{formatDateTime(h.chat.startsAt, tzOf(c))}</time>
                  {h.chat.topic ? ` · ${h.chat.topic}` : ''} · {plural(h.posts, 'post', 'posts')}
                </p>
                {h.answers.length ? (
                  <ul>
                    {h.answers.map((a) => (
                      <li>
                        <strong>{a.label}</strong> <a href={path(a.postUrl)}>{a.text.slice(0, 280)}</a>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </>,
    );
  });

  return app;
}
