import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import {
  formatClock,
  formatClockZoned,
  formatDateTime,
  formatDay,
  hostSpan,
  isoTime,
  plural,
  spanEnds,
  zoneName,
} from '../../web/format.ts';
import { CsrfField } from '../../web/forms.tsx';
import { Avatar, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import type { ChatView, QuestionView, SeriesView } from '../records.ts';
import type { RoomPost } from '../room.ts';

/**
 * Pieces of the chat pages that the live room also sends over Server-Sent Events. They depend
 * only on the post and a time zone, never on who reads, so one rendering serves every open
 * room; per-reader parts (moderator tools) are added by the page's script from a template.
 */

export function ChatPostItem({ post, timeZone, tools }: { post: RoomPost; timeZone: string; tools?: unknown }) {
  const classes = ['chat-post', post.highlighted ? 'chat-post--highlighted' : '', post.hidden ? 'chat-post--hidden' : '']
    .filter(Boolean)
    .join(' ');
  const nameId = `chat-post-${post.id}-author`;
  return (
    <li
      class={classes}
      id={`chat-post-${post.id}`}
      data-chat-post={String(post.id)}
      data-author={post.author.handle}
      aria-labelledby={nameId}
    >
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
            <time datetime={isoTime(post.createdAt)} title={formatDateTime(post.createdAt, timeZone)}>
              {formatClock(post.createdAt, timeZone)}
            </time>
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
            Asked at <time datetime={isoTime(question.releasedAt)}>{formatClockZoned(question.releasedAt, timeZone)}</time>
            {question.postUrl ? (
              <>
                {' '}
                · <a href={new URL(question.postUrl).pathname}>the question’s post</a>
              </>
            ) : null}
          </>
        ) : question.startsAt && question.endsAt ? (
          <>
            <time datetime={isoTime(question.startsAt)}>{spanEnds(question.startsAt, question.endsAt, timeZone).start}</time>–
            <time datetime={isoTime(question.endsAt)}>{spanEnds(question.startsAt, question.endsAt, timeZone).end}</time>{' '}
            {zoneName(timeZone)}
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

/**
 * "Wed 16 Dec 2026, 19:00–20:00 Chicago time (20:00–21:00 New York time)": in the reader's
 * zone, named, and on the host's clock beside it where that reads differently.
 */
export function ChatWhen({ chat, timeZone, hostTimeZone }: { chat: ChatView; timeZone: string; hostTimeZone?: string }) {
  const { start, end } = spanEnds(chat.startsAt, chat.endsAt, timeZone);
  const host = hostSpan(chat.startsAt, chat.endsAt, timeZone, hostTimeZone);
  return (
    <>
      <time datetime={isoTime(chat.startsAt)}>{start}</time>–<time datetime={isoTime(chat.endsAt)}>{end}</time> {zoneName(timeZone)}
      {host ? ` (${host})` : null}
    </>
  );
}

/**
 * A series' schedule on the host's clock ("Every Wednesday at 20:00 New York time"), with the
 * next chat on the reader's clock where that reads differently ("19:00 Chicago time for you").
 */
export function ScheduleText({ series, next, timeZone }: { series: SeriesView; next: ChatView | undefined; timeZone: string }) {
  if (series.kind === 'backchannel') return <>Backchannel</>;
  if (!next || timeZone === series.timeZone || formatClock(next.startsAt, timeZone) === formatClock(next.startsAt, series.timeZone)) {
    return <>{series.scheduleText}</>;
  }
  const day = formatDay(next.startsAt, timeZone, false);
  const sameDay = day === formatDay(next.startsAt, series.timeZone, false);
  return (
    <>
      {series.scheduleText} (
      <time datetime={isoTime(next.startsAt)}>
        {sameDay ? '' : `${day}, `}
        {formatClockZoned(next.startsAt, timeZone)}
      </time>{' '}
      for you)
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

export const tzOf = (c: AppContext) => timeZoneOf(c);
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
 * "I’ll be there", or once said, "Going" and "Not going after all", only before the chat (once
 * it is live or over there is nothing left to come to). It comes back to `back` (this page, at
 * this chat); with scripts it changes in place (app.js).
 */
export function RsvpButton({ c, series, chat, back }: { c: AppContext; series: SeriesView; chat: ChatView; back: string }) {
  if (!c.var.viewer || chat.state !== 'scheduled') return null;
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
            <ChatWhen chat={chat} timeZone={tzOf(c)} hostTimeZone={series.timeZone} />
          </a>{' '}
          <ChatState chat={chat} />
          {chat.topic ? <span> · {chat.topic}</span> : null}
          <span class="meta">
            {' '}
            · {chat.state === 'ended' ? plural(chat.postCount, 'post', 'posts') : `${plural(chat.rsvpCount, 'person', 'people')} going`}
          </span>{' '}
          {series.role !== null && (chat.state === 'scheduled' || chat.state === 'live') ? (
            <>
              ·{' '}
              <a href={`${path(chat.url)}/questions`}>
                Prepare {series.kind === 'backchannel' ? 'sessions' : 'questions'}
                <span class="visually-hidden"> for {chat.date}</span>
              </a>{' '}
            </>
          ) : null}
          <RsvpButton c={c} series={series} chat={chat} back={`${c.req.path}#chat-${series.slug}-${chat.date}`} />
        </li>
      ))}
    </ul>
  );
}
