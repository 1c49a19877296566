import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { AppContext } from '../../web/context.ts';
import { formatDate, formatDateTime, isoTime, plural } from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import { Avatar, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import type { ChatView, QuestionView, SeriesView } from '../records.ts';
import type { RoomPost } from '../room.ts';

/**
 * Pieces of the chat pages that the live room also sends over Server-Sent Events. They depend
 * only on the post and a time zone, never on who reads, so one rendering serves every open
 * room; per-reader parts (moderator tools) are added by the page's script from a template.
 */

const TIME = new Map<string, Intl.DateTimeFormat>();
function clock(ms: number, timeZone: string): string {
  let f = TIME.get(timeZone);
  if (!f) TIME.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone })));
  return f.format(ms);
}

export function ChatPostItem({ post, timeZone, tools }: { post: RoomPost; timeZone: string; tools?: unknown }) {
  const classes = ['chat-post', post.highlighted ? 'chat-post--highlighted' : '', post.hidden ? 'chat-post--hidden' : '']
    .filter(Boolean)
    .join(' ');
  const nameId = `chat-post-${post.id}-author`;
  return (
    <li class={classes} id={`chat-post-${post.id}`} data-chat-post={String(post.id)} aria-labelledby={nameId}>
      <Avatar url={post.avatarUrl} name={post.author.displayName} size={32} />
      <div class="chat-post__body">
        <p class="chat-post__head">
          <a id={nameId} class="chat-post__author" href={new URL(post.author.url).pathname}>
            {post.author.displayName}
          </a>{' '}
          <span class="meta">@{post.author.handle}</span>{' '}
          {post.firstTime ? <span class="badge badge--new-participant">New participant</span> : null}{' '}
          {post.highlighted ? (
            <span class="badge badge--highlight" data-highlight-badge>
              ★ Highlighted
            </span>
          ) : null}{' '}
          {post.hidden ? (
            <span class="badge" data-hidden-badge>
              Hidden
            </span>
          ) : null}{' '}
          <a class="meta" href={new URL(post.url).pathname}>
            <time datetime={isoTime(post.createdAt)}>{clock(post.createdAt, timeZone)}</time>
          </a>
        </p>
        {post.contentWarning ? (
          <details class="post__cw">
            <summary>
              <span class="post__cw-label">Content warning:</span> {post.contentWarning}
            </summary>
            <div class="post__content">{raw(post.html)}</div>
          </details>
        ) : (
          <div class="post__content">{raw(post.html)}</div>
        )}
        {post.media.length ? (
          <ul class="post__media" aria-label="Images">
            {post.media.map((m, i) => (
              <li>
                <a href={m.url}>
                  <img src={m.url} alt={m.alt} width={m.width ?? undefined} height={m.height ?? undefined} loading="lazy" />
                  {m.alt ? null : <span class="visually-hidden">Image {i + 1}, no description</span>}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        {tools ?? null}
      </div>
    </li>
  );
}

/** A question (or session) as the room and the transcript show it. */
export function QuestionHeading({ question, timeZone, level = 2 }: { question: QuestionView; timeZone: string; level?: 2 | 3 }) {
  const Tag = level === 2 ? 'h2' : 'h3';
  return (
    <>
      <Tag id={`question-${question.number}`} class="chat-question__title">
        <span class="chat-question__label">{question.label}</span> {question.text}
      </Tag>
      {question.imageUrl ? <img class="chat-question__image" src={question.imageUrl} alt={question.imageAlt ?? ''} loading="lazy" /> : null}
      <p class="meta">
        {question.releasedAt ? (
          <>
            Asked at <time datetime={isoTime(question.releasedAt)}>{clock(question.releasedAt, timeZone)}</time>
            {question.postUrl ? (
              <>
                {' '}
                · <a href={new URL(question.postUrl).pathname}>the question’s post</a>
              </>
            ) : null}
          </>
        ) : question.startsAt && question.endsAt ? (
          <>
            <time datetime={isoTime(question.startsAt)}>{formatDateTime(question.startsAt, timeZone)}</time>–
            <time datetime={isoTime(question.endsAt)}>{clock(question.endsAt, timeZone)}</time>
          </>
        ) : (
          'Not asked yet'
        )}
      </p>
    </>
  );
}

const STATE_TEXT: Record<ChatView['state'], string> = { scheduled: 'Coming up', live: 'Live now', ended: 'Ended', cancelled: 'Cancelled' };

export function ChatState({ chat }: { chat: ChatView }) {
  return (
    <span class={`badge chat-state chat-state--${chat.state}`} data-chat-state>
      {STATE_TEXT[chat.state]}
    </span>
  );
}

/** "Tuesday 2 March 2027, 20:00–21:00" in the reader's zone. */
export function ChatWhen({ chat, timeZone }: { chat: ChatView; timeZone: string }) {
  const sameDay = formatDate(chat.startsAt, timeZone) === formatDate(chat.endsAt, timeZone);
  return (
    <>
      <time datetime={isoTime(chat.startsAt)}>{formatDateTime(chat.startsAt, timeZone)}</time>–
      <time datetime={isoTime(chat.endsAt)}>{sameDay ? clock(chat.endsAt, timeZone) : formatDateTime(chat.endsAt, timeZone)}</time>
      {timeZone === 'UTC' ? ' UTC' : null}
    </>
  );
}

// ---- shared by the chat pages ----------------------------------------------------------------

export const SECTION = {
  label: 'Chats',
  items: [
    ['/chats', 'All chats'],
    ['/chats/mine', 'My chats'],
    ['/chats/new', 'Start a series'],
  ],
} as const;

export function chatsPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, SECTION, options, body);
}

export const tzOf = (c: AppContext) => c.var.viewer?.timeZone ?? 'UTC';
export const path = (url: string) => new URL(url).pathname;
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A small form with one button. */
export function Action({
  c,
  action,
  label,
  secondary,
  confirm,
  hidden,
  inline,
}: {
  c: AppContext;
  action: string;
  label: string;
  secondary?: boolean;
  confirm?: string;
  hidden?: Record<string, string>;
  /** Sent with fetch when scripts run, its [data-inline-region] changed in place (app.js). */
  inline?: boolean;
}) {
  return (
    <form method="post" action={action} class="inline-form" data-confirm={confirm} data-inline={inline ? '' : undefined}>
      <CsrfField token={c.var.csrf} />
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={secondary ? 'button--secondary' : undefined}>
        {label}
      </button>
    </form>
  );
}

/**
 * "I’ll be there", or once said, "Going" and "Not going after all". It comes back to `back`
 * (this page, at this chat); with scripts it changes in place (app.js).
 */
export function RsvpButton({ c, series, chat, back }: { c: AppContext; series: SeriesView; chat: ChatView; back: string }) {
  if (!c.var.viewer || chat.state === 'ended' || chat.state === 'cancelled') return null;
  return (
    <span class="rsvp" id={`rsvp-${series.slug}-${chat.date}`} data-inline-region>
      {chat.going ? <span class="badge">Going</span> : null}{' '}
      <Action
        c={c}
        action={`/chats/${series.slug}/${chat.date}/rsvp`}
        label={chat.going ? 'Not going after all' : 'I’ll be there'}
        secondary={chat.going}
        hidden={{ going: chat.going ? 'no' : 'yes', back }}
        inline
      />
    </span>
  );
}

export function ChatList({ c, series, chats, empty }: { c: AppContext; series: SeriesView; chats: ChatView[]; empty: string }) {
  if (chats.length === 0) return <p>{empty}</p>;
  return (
    <ul class="chat-list">
      {chats.map((chat) => (
        <li id={`chat-${series.slug}-${chat.date}`}>
          <a href={path(chat.url)}>
            <ChatWhen chat={chat} timeZone={tzOf(c)} />
          </a>{' '}
          <ChatState chat={chat} />
          {chat.topic ? <span> · {chat.topic}</span> : null}
          <span class="meta">
            {' '}
            · {chat.state === 'ended' ? plural(chat.postCount, 'post', 'posts') : `${plural(chat.rsvpCount, 'person', 'people')} going`}
          </span>{' '}
          <RsvpButton c={c} series={series} chat={chat} back={`${c.req.path}#chat-${series.slug}-${chat.date}`} />
        </li>
      ))}
    </ul>
  );
}
