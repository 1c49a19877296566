import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { loadProfile, TIME_ZONES } from '../accounts/index.ts';
import { UserError } from '../platform/errors.ts';
import { Composer } from '../social/index.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDateTime, isoTime, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, SelectField, TextArea, TextField } from '../web/forms.tsx';
import { flash, type PageOptions, renderPage, renderSectionPage } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { readForm } from '../web/request.ts';
import { transcriptCsv, transcriptHtml, transcriptJson, transcriptMarkdown } from './exports.ts';
import { type CalendarEvent, calendar } from './ical.ts';
import { roomLiveStream } from './live.tsx';
import { type ChatView, chatDate, type QuestionView, type Room, type RoomPost, type SeriesView } from './service.ts';
import { parseLocalDate, parseLocalTime, zonedTimeToUtc } from './time.ts';
import { ChatPostItem, ChatState, ChatWhen, QuestionHeading } from './views.tsx';

/**
 * The chat pages: the list of series, a series with its coming chats and archive, the live
 * room (a transcript once the chat ended), preparing questions, and the calendars. Every
 * action is a form; with JavaScript the room updates live (Server-Sent Events, see app.js).
 */

const SECTION = {
  label: 'Chats',
  items: [
    ['/chats', 'All chats'],
    ['/chats/mine', 'My chats'],
    ['/chats/new', 'Start a series'],
  ],
} as const;

function chatsPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, SECTION, options, body);
}

const tzOf = (c: AppContext) => c.var.viewer?.timeZone ?? 'UTC';
const path = (url: string) => new URL(url).pathname;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A small form with one button. */
function Action({
  c,
  action,
  label,
  secondary,
  confirm,
  hidden,
}: {
  c: AppContext;
  action: string;
  label: string;
  secondary?: boolean;
  confirm?: string;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={action} class="inline-form" data-confirm={confirm}>
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

function RsvpButton({ c, series, chat }: { c: AppContext; series: SeriesView; chat: ChatView }) {
  if (!c.var.viewer || chat.state === 'ended' || chat.state === 'cancelled') return null;
  return (
    <Action
      c={c}
      action={`/chats/${series.slug}/${chat.date}/rsvp`}
      label={chat.going ? 'Not going after all' : 'I’ll be there'}
      secondary={chat.going}
      hidden={{ going: chat.going ? 'no' : 'yes' }}
    />
  );
}

function ChatList({ c, series, chats, empty }: { c: AppContext; series: SeriesView; chats: ChatView[]; empty: string }) {
  if (chats.length === 0) return <p>{empty}</p>;
  return (
    <ul class="chat-list">
      {chats.map((chat) => (
        <li>
          <a href={path(chat.url)}>
            <ChatWhen chat={chat} timeZone={tzOf(c)} />
          </a>{' '}
          <ChatState chat={chat} />
          {chat.topic ? <span> · {chat.topic}</span> : null}
          <span class="meta">
            {' '}
            · {chat.state === 'ended' ? plural(chat.postCount, 'post', 'posts') : `${plural(chat.rsvpCount, 'person', 'people')} going`}
          </span>{' '}
          <RsvpButton c={c} series={series} chat={chat} />
        </li>
      ))}
    </ul>
  );
}

export function registerChatsPages(app: Hono<AppEnv>): void {
  const chats = (c: AppContext) => c.var.services.chats;

  app.get('/chats', async (c) => {
    const all = await chats(c).allSeries(c.var.viewer);
    const live = all.filter((s) => s.live);
    return chatsPage(
      c,
      { title: 'Chats' },
      <>
        <p>
          Hashtag chats meet at a set hour: a moderator asks numbered questions, everyone answers “A1 …”. Backchannels follow a conference
          or webinar hashtag. Join one, or start your own.
        </p>
        {live.length ? (
          <section aria-labelledby="live-now">
            <h2 id="live-now">Live now</h2>
            <ul class="chat-list">
              {live.map((s) => (
                <li>
                  <a href={path(s.live!.url)}>
                    #{s.hashtag}: {s.title}
                  </a>{' '}
                  <ChatState chat={s.live!} />
                  {s.live!.topic ? <span> · {s.live!.topic}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section aria-labelledby="all-series">
          <h2 id="all-series">Series</h2>
          {all.length === 0 ? (
            <p>
              No chats yet. <a href="/chats/new">Start the first series</a>.
            </p>
          ) : (
            <ul class="series-list">
              {all.map((s) => (
                <li class="series-card">
                  <h3>
                    <a href={path(s.url)}>{s.title}</a> <span class="meta">#{s.hashtag}</span>
                    {s.role ? <span class="badge">{s.role === 'host' ? 'You host' : 'You moderate'}</span> : null}
                  </h3>
                  <p class="meta">{s.kind === 'backchannel' ? 'Backchannel' : s.scheduleText}</p>
                  {s.next ? (
                    <p>
                      Next:{' '}
                      <a href={path(s.next.url)}>
                        <ChatWhen chat={s.next} timeZone={tzOf(c)} />
                      </a>
                      {s.next.topic ? ` · ${s.next.topic}` : ''}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </>,
    );
  });

  app.get('/chats/mine', async (c) => {
    const viewer = requireViewer(c);
    const mine = await chats(c).mine(viewer);
    const calendarUrl = chats(c).myCalendarUrl(viewer.memberId);
    return chatsPage(
      c,
      { title: 'My chats', noindex: true },
      <>
        <p>The chats you said you will join, and the ones you help run.</p>
        <p>
          Add them to your calendar app: subscribe to <a href={calendarUrl}>your chats calendar</a>. Keep its address to yourself; it shows
          what you plan to join.
        </p>
        {mine.length === 0 ? (
          <p>
            Nothing yet. Find a chat under <a href="/chats">All chats</a> and press “I’ll be there”.
          </p>
        ) : (
          <ul class="chat-list">
            {mine.map(({ series, chat }) => (
              <li>
                <a href={path(chat.url)}>
                  #{series.hashtag}: {series.title}
                </a>{' '}
                · <ChatWhen chat={chat} timeZone={tzOf(c)} /> <ChatState chat={chat} />
              </li>
            ))}
          </ul>
        )}
      </>,
    );
  });

  app.get('/chats/new', (c) => {
    requireViewer(c);
    return newSeriesPage(c, {}, {});
  });

  app.post('/chats/new', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = Object.fromEntries(
      [
        'kind',
        'hashtag',
        'title',
        'description',
        'timeZone',
        'freq',
        'weekday',
        'week',
        'startDate',
        'time',
        'durationMinutes',
        'questionInterval',
      ].map((k) => [k, form.text(k)]),
    );
    const freq = values.kind === 'backchannel' ? 'once' : values.freq;
    const recurrence =
      freq === 'weekly' || freq === 'biweekly'
        ? { freq: 'weekly', interval: freq === 'biweekly' ? 2 : 1, weekday: values.weekday }
        : freq === 'monthly'
          ? { freq: 'monthly', week: values.week, weekday: values.weekday }
          : { freq: 'once' };
    try {
      const series = await chats(c).createSeries(viewer, {
        kind: values.kind || 'chat',
        hashtag: values.hashtag,
        title: values.title,
        description: values.description,
        timeZone: values.timeZone,
        recurrence,
        startDate: values.startDate,
        time: values.time,
        durationMinutes: values.durationMinutes,
        questionInterval: values.questionInterval || null,
      });
      flash(c, `${series.title} is scheduled. Prepare the questions of its first chat below.`);
      return c.redirect(path(series.url), 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return newSeriesPage(c, values, errors, status);
    }
  });

  // Calendars: before /chats/:slug so that "calendar" is never read as a series.
  app.get('/chats/calendar/:key{[0-9]+-[A-Za-z0-9_-]+\\.ics}', async (c) => {
    const memberId = await chats(c).calendarMember(c.req.param('key').replace(/\.ics$/, ''));
    const items = await chats(c).calendarChats({ memberId });
    return icsResponse(
      c,
      calendar({
        name: `My chats · ${c.var.site.siteName}`,
        description: 'Chats you will join or help run',
        events: items.map(({ series, chat }) => chatEvent(series, chat)),
      }),
      'my-chats.ics',
    );
  });

  app.get('/chats/:slug/calendar.ics', async (c) => {
    const items = await chats(c).calendarChats({ slug: c.req.param('slug') });
    const series = items[0]?.series ?? (await chats(c).series(null, c.req.param('slug')));
    return icsResponse(
      c,
      calendar({
        name: `#${series.hashtag} · ${series.title}`,
        description: series.description || series.scheduleText,
        events: items.map(({ chat }) => chatEvent(series, chat)),
      }),
      `${series.slug}.ics`,
    );
  });

  app.get('/chats/:slug', async (c) => {
    const slug = c.req.param('slug');
    const q = c.req.query('q')?.slice(0, 200) ?? '';
    const [series, upcoming, past] = await Promise.all([
      chats(c).series(c.var.viewer, slug),
      chats(c).chats(c.var.viewer, slug, { when: 'upcoming', limit: 8 }),
      chats(c).chats(c.var.viewer, slug, { when: 'past', q, limit: 50 }),
    ]);
    return renderPage(
      c,
      { title: `${series.title} (#${series.hashtag})`, description: series.description.slice(0, 160) || undefined },
      <>
        <p class="meta">
          #{series.hashtag} · {series.kind === 'backchannel' ? 'Backchannel' : series.scheduleText}
        </p>
        {series.description ? <p class="series-description">{series.description}</p> : null}
        <p>
          Hosted by{' '}
          {series.hosts.map((h, i) => (
            <>
              {i ? ', ' : ''}
              <a href={h.local ? `/@${h.handle}` : h.url}>{h.displayName}</a>
              {h.role === 'moderator' ? ' (moderator)' : ''}
            </>
          ))}
          .
        </p>
        <p>
          <a href={`/chats/${series.slug}/calendar.ics`}>Subscribe to the calendar</a> (iCalendar)
          {series.role === 'host' ? (
            <>
              {' '}
              · <a href={`/chats/${series.slug}/manage`}>Manage the series</a>
            </>
          ) : null}
        </p>
        <section aria-labelledby="upcoming">
          <h2 id="upcoming">Coming up</h2>
          <ChatList c={c} series={series} chats={upcoming} empty="Nothing planned right now." />
        </section>
        <section aria-labelledby="archive">
          <h2 id="archive">Archive</h2>
          <form method="get" action={`/chats/${series.slug}`} class="filters" role="search" aria-label="Search the archive">
            <TextField name="q" label="Search past chats (topics, questions, answers)" type="search" value={q} />
            <button type="submit">Search</button>
          </form>
          <ChatList c={c} series={series} chats={past} empty={q ? 'No past chat matches.' : 'No past chats yet.'} />
        </section>
      </>,
    );
  });

  app.get('/chats/:slug/manage', async (c) => manageSeriesPage(c, await chats(c).series(requireViewer(c), c.req.param('slug')), {}, {}));

  app.post('/chats/:slug/manage', async (c) => {
    const viewer = requireViewer(c);
    const slug = c.req.param('slug');
    const form = await readForm(c);
    const values = { title: form.text('title'), description: form.text('description'), questionInterval: form.text('questionInterval') };
    try {
      await chats(c).updateSeries(viewer, slug, {
        title: values.title,
        description: values.description,
        questionInterval: values.questionInterval || null,
      });
      flash(c, 'Saved.');
      return c.redirect(`/chats/${slug}/manage`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return manageSeriesPage(c, await chats(c).series(viewer, slug), values, errors, status);
    }
  });

  app.post('/chats/:slug/moderators', async (c) => {
    const viewer = requireViewer(c);
    const slug = c.req.param('slug');
    const form = await readForm(c);
    try {
      if (form.text('remove')) {
        await chats(c).removeModerator(viewer, slug, form.text('remove'));
        flash(c, `@${form.text('remove')} no longer helps run the series.`);
      } else {
        await chats(c).addModerator(viewer, slug, form.text('handle'), form.text('role') === 'host' ? 'host' : 'moderator');
        flash(c, `@${form.text('handle').replace(/^@/, '')} now helps run the series.`);
      }
      return c.redirect(`/chats/${slug}/manage`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return manageSeriesPage(c, await chats(c).series(viewer, slug), { handle: form.text('handle') }, errors, status);
    }
  });

  // ---- one chat ----

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}', async (c) => {
    const room = await chats(c).room(c.var.viewer, c.req.param('slug'), chatDate(c.req.param('date')));
    return room.chat.state === 'ended' ? transcriptPage(c, room) : roomPage(c, room);
  });

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/live', async (c) => {
    const { chat, series } = await chats(c).chat(c.var.viewer, c.req.param('slug'), chatDate(c.req.param('date')));
    return roomLiveStream(c, series, chat);
  });

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/:file{transcript\\.(?:md|html|csv|json)}', async (c) => {
    const transcript = await chats(c).transcript(c.var.viewer, c.req.param('slug'), chatDate(c.req.param('date')));
    const name = `${transcript.series.slug}-${transcript.chat.date}`;
    const format = c.req.param('file').slice('transcript.'.length);
    const [body, type] =
      format === 'md'
        ? [transcriptMarkdown(transcript), 'text/markdown']
        : format === 'csv'
          ? [transcriptCsv(transcript), 'text/csv']
          : format === 'json'
            ? [transcriptJson(transcript), 'application/json']
            : [transcriptHtml(transcript, { siteName: c.var.site.siteName }), 'text/html'];
    return c.body(body, 200, {
      'content-type': `${type}; charset=utf-8`,
      'content-disposition': `attachment; filename="${name}.${format}"`,
    });
  });

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/questions', async (c) => {
    requireViewer(c);
    return questionsPage(c, c.req.param('slug'), chatDate(c.req.param('date')), {}, {});
  });

  app.post('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/questions', async (c) => {
    const viewer = requireViewer(c);
    const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
    const form = await readForm(c);
    const values = {
      text: form.text('text'),
      label: form.text('label'),
      imageAlt: form.text('imageAlt'),
      startsAt: form.text('startsAt'),
      endsAt: form.text('endsAt'),
    };
    try {
      const image = form.file('image');
      const { series } = await chats(c).chat(viewer, slug, date);
      const window = sessionTimes(values.startsAt, values.endsAt, series.timeZone);
      await chats(c).addQuestion(
        viewer,
        slug,
        date,
        {
          text: values.text,
          ...(values.label ? { label: values.label } : {}),
          ...(values.imageAlt ? { imageAlt: values.imageAlt } : {}),
          ...window,
        },
        image ? new Uint8Array(await image.arrayBuffer()) : undefined,
      );
      flash(c, 'Question added.');
      return c.redirect(`/chats/${slug}/${date}/questions`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return questionsPage(c, slug, date, values, errors, status);
    }
  });

  app.post('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/questions/:number{[0-9]+}/delete', async (c) => {
    const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
    await chats(c).deleteQuestion(requireViewer(c), slug, date, Number(c.req.param('number')));
    flash(c, 'Question removed.');
    return c.redirect(`/chats/${slug}/${date}/questions`, 303);
  });

  app.post('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/details', async (c) => {
    const viewer = requireViewer(c);
    const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
    const form = await readForm(c);
    const values = { topic: form.text('topic'), questionInterval: form.text('questionInterval') };
    try {
      await chats(c).updateChat(viewer, slug, date, { topic: values.topic, questionInterval: values.questionInterval || null });
      flash(c, 'Saved.');
      return c.redirect(`/chats/${slug}/${date}/questions`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return questionsPage(c, slug, date, values, errors, status);
    }
  });

  // Buttons: RSVP, start, ask the next question, end, cancel, highlight, hide.
  const buttons: Record<
    string,
    (c: AppContext, slug: string, date: string, form: Awaited<ReturnType<typeof readForm>>) => Promise<string>
  > = {
    rsvp: async (c, slug, date, form) => {
      const going = form.text('going') !== 'no';
      await chats(c).rsvp(requireViewer(c), slug, date, going);
      return going ? 'See you there. You will get a reminder 15 minutes before the start.' : 'You are no longer going.';
    },
    start: async (c, slug, date) => {
      await chats(c).start(requireViewer(c), slug, date);
      return 'The chat is live.';
    },
    release: async (c, slug, date) => `${(await chats(c).release(requireViewer(c), slug, date)).label} was posted.`,
    end: async (c, slug, date) => {
      await chats(c).end(requireViewer(c), slug, date);
      return 'The chat has ended; its transcript is below.';
    },
    cancel: async (c, slug, date) => {
      await chats(c).cancel(requireViewer(c), slug, date);
      return 'The chat was cancelled.';
    },
  };
  for (const [name, act] of Object.entries(buttons)) {
    app.post(`/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/${name}`, async (c) => {
      const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
      flash(c, await act(c, slug, date, await readForm(c)));
      return c.redirect(`/chats/${slug}/${date}`, 303);
    });
  }
  for (const tool of ['highlight', 'hide'] as const) {
    app.post(`/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/posts/:postId{[0-9]+}/${tool}`, async (c) => {
      const viewer = requireViewer(c);
      const [slug, date, postId] = [c.req.param('slug'), chatDate(c.req.param('date')), Number(c.req.param('postId'))];
      const on = (await readForm(c)).text('on') !== 'no';
      await (tool === 'highlight'
        ? chats(c).setHighlighted(viewer, slug, date, postId, on)
        : chats(c).setHidden(viewer, slug, date, postId, on));
      return c.redirect(`/chats/${slug}/${date}#chat-post-${postId}`, 303);
    });
  }

  app.get('/:at{@[A-Za-z0-9_]+}/chats', async (c) => {
    const profile = await loadProfile(c, c.var.services.accounts, c.req.param('at').slice(1));
    if (profile instanceof Response) return profile;
    const history = await chats(c).history(c.var.viewer, profile.handle);
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
}

// ---- the room --------------------------------------------------------------------------------

function ModeratorTools({ c, room, post }: { c: AppContext; room: Room; post: RoomPost }) {
  const base = `/chats/${room.series.slug}/${room.chat.date}/posts/${post.id}`;
  return (
    <div class="chat-post__tools">
      <Action
        c={c}
        action={`${base}/highlight`}
        label={post.highlighted ? 'Remove highlight' : 'Highlight'}
        secondary
        hidden={{ on: post.highlighted ? 'no' : 'yes' }}
      />
      <Action
        c={c}
        action={`${base}/hide`}
        label={post.hidden ? 'Show again' : 'Hide'}
        secondary
        hidden={{ on: post.hidden ? 'no' : 'yes' }}
      />
    </div>
  );
}

function PostList({ c, room, posts, label }: { c: AppContext; room: Room; posts: RoomPost[]; label: string }) {
  const moderator = room.series.role !== null;
  return (
    <ol class="chat-posts" aria-label={label} data-chat-posts>
      {posts.map((post) => (
        <ChatPostItem post={post} timeZone={tzOf(c)} tools={moderator ? <ModeratorTools c={c} room={room} post={post} /> : undefined} />
      ))}
    </ol>
  );
}

function roomPage(c: AppContext, room: Room) {
  const { series, chat, current } = room;
  const viewer = c.var.viewer;
  const moderator = series.role !== null;
  const base = `/chats/${series.slug}/${chat.date}`;
  const released = room.questions.filter((q) => q.releasedAt !== null);
  const waiting = room.questions.filter((q) => q.releasedAt === null);
  return renderPage(
    c,
    { title: `#${series.hashtag}: ${series.title}, ${chat.date}`, heading: null, noindex: chat.state !== 'live' },
    <div
      class="chat-room"
      data-chat-room={`${base}/live`}
      data-moderator={moderator ? 'true' : undefined}
      data-chat-kind={series.kind}
      data-hashtag={series.hashtag}
    >
      <header class="chat-room__head">
        <h1>
          <a href={`/chats/${series.slug}`}>#{series.hashtag}</a>: {series.title}
        </h1>
        <p>
          <ChatState chat={chat} /> <ChatWhen chat={chat} timeZone={tzOf(c)} />
          {chat.topic ? (
            <>
              {' '}
              · <strong>{chat.topic}</strong>
            </>
          ) : null}
        </p>
        <p class="meta">
          <span data-participants>{plural(room.participants, 'participant', 'participants')}</span> ·{' '}
          {plural(chat.rsvpCount, 'person', 'people')} said they would come
          {chat.questionInterval && chat.state !== 'ended' ? ` · a question every ${chat.questionInterval} minutes` : ''}
        </p>
        <div class="actions">
          <RsvpButton c={c} series={series} chat={chat} />
          {moderator ? (
            <>
              {chat.state === 'scheduled' ? <Action c={c} action={`${base}/start`} label="Start the chat now" /> : null}
              {chat.state === 'live' && waiting.length ? (
                <Action c={c} action={`${base}/release`} label={`Ask ${waiting[0]!.label} now`} />
              ) : null}
              {chat.state === 'live' ? (
                <Action
                  c={c}
                  action={`${base}/end`}
                  label="End the chat"
                  secondary
                  confirm="End the chat now? Later posts will not join it."
                />
              ) : null}
              <a href={`${base}/questions`}>Prepare questions</a>
            </>
          ) : null}
        </div>
        <p class="visually-hidden" role="status" aria-live="polite" data-live-status></p>
      </header>

      <section class="chat-room__current" aria-labelledby="current-question" data-current-question>
        <h2 id="current-question" class="visually-hidden">
          Current question
        </h2>
        {current ? (
          <div class="callout">
            <p class="chat-question__title">
              <span class="chat-question__label">{current.label}</span> {current.text}
            </p>
            {current.imageUrl ? <img class="chat-question__image" src={current.imageUrl} alt={current.imageAlt ?? ''} /> : null}
          </div>
        ) : (
          <p class="callout">
            {chat.state === 'live'
              ? 'The first question comes soon. Say hello and introduce yourself!'
              : chat.state === 'scheduled'
                ? 'The chat has not started yet.'
                : 'This chat was cancelled.'}
          </p>
        )}
      </section>

      {chat.state === 'live' && viewer ? (
        <section aria-labelledby="compose-answer" class="chat-room__composer">
          <h2 id="compose-answer">{current ? `Answer ${current.label}` : 'Join in'}</h2>
          <Composer c={c} back={base} prefill={room.prefill} />
        </section>
      ) : chat.state === 'live' ? (
        <p>
          <a href={`/login?next=${encodeURIComponent(base)}`}>Sign in</a> to take part.
        </p>
      ) : null}

      <div data-chat-questions>
        {[...released].reverse().map((q) => (
          <section class="chat-question" aria-labelledby={`question-${q.number}`} data-question={String(q.number)}>
            <QuestionHeading question={q} timeZone={tzOf(c)} />
            <PostList
              c={c}
              room={room}
              posts={[...room.questions.find((x) => x.id === q.id)!.answers].reverse()}
              label={`Answers to ${q.label}`}
            />
          </section>
        ))}
      </div>
      <section class="chat-question" aria-labelledby="other-posts" data-question="0">
        <h2 id="other-posts">{released.length ? 'Other posts' : 'Posts'}</h2>
        <PostList c={c} room={room} posts={[...room.otherPosts].reverse()} label="Other posts" />
      </section>
      {moderator ? (
        <template id="moderator-tools">
          <div class="chat-post__tools">
            <form method="post" class="inline-form" data-tool="highlight">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="on" value="yes" />
              <button type="submit" class="button--secondary">
                Highlight
              </button>
            </form>
            <form method="post" class="inline-form" data-tool="hide">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="on" value="yes" />
              <button type="submit" class="button--secondary">
                Hide
              </button>
            </form>
          </div>
        </template>
      ) : null}
    </div>,
  );
}

function transcriptPage(c: AppContext, room: Room) {
  const { series, chat } = room;
  const base = `/chats/${series.slug}/${chat.date}`;
  const all = [...room.questions.flatMap((q) => q.answers), ...room.otherPosts];
  const people = new Map(all.map((p) => [p.author.handle, p.author]));
  const highlighted = all.filter((p) => p.highlighted);
  return renderPage(
    c,
    { title: `#${series.hashtag}: ${series.title}, ${chat.date} (transcript)`, heading: null },
    <article class="chat-transcript" aria-labelledby="transcript-title">
      <h1 id="transcript-title">
        <a href={`/chats/${series.slug}`}>#{series.hashtag}</a>: {series.title}
      </h1>
      <p>
        <ChatState chat={chat} /> <ChatWhen chat={chat} timeZone={tzOf(c)} />
        {chat.topic ? (
          <>
            {' '}
            · <strong>{chat.topic}</strong>
          </>
        ) : null}
      </p>
      <p>
        {plural(all.length, 'post', 'posts')},{' '}
        {plural(
          room.questions.reduce((n, q) => n + q.answers.length, 0),
          'answer',
          'answers',
        )}
        , {plural(people.size, 'participant', 'participants')}, {plural(highlighted.length, 'highlighted answer', 'highlighted answers')}.
      </p>
      <p>
        Download: <a href={`${base}/transcript.md`}>Markdown</a> · <a href={`${base}/transcript.html`}>HTML</a> ·{' '}
        <a href={`${base}/transcript.csv`}>CSV</a> · <a href={`${base}/transcript.json`}>JSON</a>
      </p>
      {room.questions.map((q) => (
        <section class="chat-question" aria-labelledby={`question-${q.number}`}>
          <QuestionHeading question={q} timeZone={tzOf(c)} />
          {q.answers.length ? <PostList c={c} room={room} posts={q.answers} label={`Answers to ${q.label}`} /> : <p>No answers.</p>}
        </section>
      ))}
      {room.otherPosts.length ? (
        <section class="chat-question" aria-labelledby="other-posts">
          <h2 id="other-posts">{room.questions.length ? 'Other posts' : 'Posts'}</h2>
          <PostList c={c} room={room} posts={room.otherPosts} label="Other posts" />
        </section>
      ) : null}
      <section aria-labelledby="participants">
        <h2 id="participants">Participants</h2>
        <ul class="tags">
          {[...people.values()].map((p) => (
            <li>
              <a class="tag" href={path(p.url)}>
                {p.displayName}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </article>,
  );
}

// ---- forms -----------------------------------------------------------------------------------

function newSeriesPage(c: AppContext, values: Record<string, string>, errors: Errors, status: PageOptions['status'] = 200) {
  const tz = values.timeZone || c.var.viewer?.timeZone || 'UTC';
  return chatsPage(
    c,
    { title: 'Start a chat series', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <form method="post" action="/chats/new" novalidate>
      <ErrorSummary errors={errors} />
      <CsrfField token={c.var.csrf} />
      <SelectField
        name="kind"
        label="Kind"
        value={values.kind || 'chat'}
        errors={errors}
        options={[
          { value: 'chat', label: 'Hashtag chat: numbered questions at a set hour' },
          { value: 'backchannel', label: 'Backchannel: a conference or webinar, with named sessions' },
        ]}
      />
      <TextField
        name="hashtag"
        label="Hashtag"
        value={values.hashtag}
        errors={errors}
        hint="Posts carrying it during the chat join the room, e.g. #tlchat."
      />
      <TextField name="title" label="Title" value={values.title} errors={errors} maxLength={200} />
      <TextArea name="description" label="Description" value={values.description} errors={errors} optional maxLength={5000} />
      <SelectField
        name="timeZone"
        label="Time zone of the host"
        value={tz}
        errors={errors}
        options={[...TIME_ZONES].sort().map((z) => ({ value: z, label: z }))}
        hint="The chat keeps its local hour across daylight-saving changes; everyone sees it in their own time zone."
      />
      <SelectField
        name="freq"
        label="How often"
        value={values.freq || 'weekly'}
        errors={errors}
        path="recurrence"
        options={[
          { value: 'weekly', label: 'Every week' },
          { value: 'biweekly', label: 'Every other week' },
          { value: 'monthly', label: 'Every month' },
          { value: 'once', label: 'Once' },
        ]}
        hint="A backchannel happens once."
      />
      <SelectField
        name="weekday"
        label="Day of the week"
        value={values.weekday || '2'}
        errors={errors}
        path="recurrence.weekday"
        options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))}
      />
      <SelectField
        name="week"
        label="Which week of the month (monthly chats)"
        value={values.week || '1'}
        errors={errors}
        path="recurrence.week"
        options={[
          { value: '1', label: 'First' },
          { value: '2', label: 'Second' },
          { value: '3', label: 'Third' },
          { value: '4', label: 'Fourth' },
          { value: '-1', label: 'Last' },
        ]}
      />
      <TextField
        name="startDate"
        label="First date (YYYY-MM-DD)"
        value={values.startDate}
        errors={errors}
        hint="The first chat is on the chosen weekday on or after this date."
      />
      <TextField name="time" label="Start time (HH:MM, 24 hours)" value={values.time || '20:00'} errors={errors} />
      <TextField
        name="durationMinutes"
        label="Length in minutes"
        value={values.durationMinutes || '60'}
        errors={errors}
        inputmode="numeric"
      />
      <TextField
        name="questionInterval"
        label="Minutes between questions"
        value={values.questionInterval}
        errors={errors}
        optional
        inputmode="numeric"
        hint="With a number, Q1 is asked at the start and one more every so many minutes. Leave it empty to ask each question by hand."
      />
      <button type="submit">Create the series</button>
    </form>,
  );
}

function manageSeriesPage(
  c: AppContext,
  series: SeriesView,
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  if (series.role !== 'host') throw UserError.forbidden(`Only the hosts of ${series.title} can manage it.`);
  return renderPage(
    c,
    { title: `Manage ${series.title}`, hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        <a href={`/chats/${series.slug}`}>Back to the series</a>
      </p>
      <form method="post" action={`/chats/${series.slug}/manage`} novalidate>
        <ErrorSummary errors={errors} />
        <CsrfField token={c.var.csrf} />
        <TextField name="title" label="Title" value={values.title ?? series.title} errors={errors} maxLength={200} />
        <TextArea
          name="description"
          label="Description"
          value={values.description ?? series.description}
          errors={errors}
          optional
          maxLength={5000}
        />
        <TextField
          name="questionInterval"
          label="Minutes between questions (new chats)"
          value={values.questionInterval ?? (series.questionInterval ? String(series.questionInterval) : '')}
          errors={errors}
          optional
          inputmode="numeric"
        />
        <button type="submit">Save</button>
      </form>
      <section aria-labelledby="moderators">
        <h2 id="moderators">Hosts and moderators</h2>
        <p>Moderators prepare and ask questions, start and end chats, highlight and hide posts. Hosts also manage the series.</p>
        <ul class="people-list">
          {series.hosts.map((h) => (
            <li class="person-row">
              <span>
                {h.displayName}{' '}
                <span class="meta">
                  @{h.acct} · {h.role}
                </span>
              </span>
              <span class="person-row__actions">
                <Action c={c} action={`/chats/${series.slug}/moderators`} label="Remove" secondary hidden={{ remove: h.acct }} />
              </span>
            </li>
          ))}
        </ul>
        <form method="post" action={`/chats/${series.slug}/moderators`} novalidate>
          <CsrfField token={c.var.csrf} />
          <TextField name="handle" label="Handle of a member" value={values.handle} errors={errors} />
          <SelectField
            name="role"
            label="Role"
            value="moderator"
            options={[
              { value: 'moderator', label: 'Moderator' },
              { value: 'host', label: 'Co-host' },
            ]}
          />
          <button type="submit">Add</button>
        </form>
      </section>
    </>,
  );
}

async function questionsPage(
  c: AppContext,
  slug: string,
  date: string,
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const { series, chat, questions } = await c.var.services.chats.chat(c.var.viewer, slug, date);
  if (series.role === null) throw UserError.forbidden(`Only the hosts and moderators of ${series.title} can prepare its chats.`);
  const base = `/chats/${series.slug}/${chat.date}`;
  const backchannel = series.kind === 'backchannel';
  return renderPage(
    c,
    { title: `Prepare #${series.hashtag}, ${chat.date}`, hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        <a href={base}>Back to the chat room</a> · <ChatState chat={chat} /> <ChatWhen chat={chat} timeZone={tzOf(c)} />
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${base}/details`} novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField name="topic" label="Topic of this chat" value={values.topic ?? chat.topic} errors={errors} optional maxLength={300} />
        {backchannel ? null : (
          <TextField
            name="questionInterval"
            label="Minutes between questions"
            value={values.questionInterval ?? (chat.questionInterval ? String(chat.questionInterval) : '')}
            errors={errors}
            optional
            inputmode="numeric"
            hint="Empty: you ask each question with the “Ask” button."
          />
        )}
        <button type="submit">Save</button>
      </form>
      <section aria-labelledby="questions">
        <h2 id="questions">{backchannel ? 'Sessions' : 'Questions'}</h2>
        {questions.length === 0 ? <p>None yet.</p> : null}
        <ol class="question-list">
          {questions.map((q: QuestionView) => (
            <li>
              <strong>{q.label}</strong> {q.text} {q.imageUrl ? <span class="meta">(with an image)</span> : null}{' '}
              {q.releasedAt ? (
                <span class="meta">
                  asked at <time datetime={isoTime(q.releasedAt)}>{formatDateTime(q.releasedAt, tzOf(c))}</time>
                </span>
              ) : (
                <Action c={c} action={`${base}/questions/${q.number}/delete`} label={`Remove ${q.label}`} secondary />
              )}
            </li>
          ))}
        </ol>
      </section>
      {chat.state === 'ended' || chat.state === 'cancelled' ? null : (
        <form method="post" action={`${base}/questions`} enctype="multipart/form-data" novalidate>
          <h2>{backchannel ? 'Add a session' : `Add ${`Q${questions.length + 1}`}`}</h2>
          <CsrfField token={c.var.csrf} />
          {backchannel ? <TextField name="label" label="Session name" value={values.label} errors={errors} maxLength={120} /> : null}
          <TextArea
            name="text"
            label={backchannel ? 'What the session is about' : 'Question'}
            value={values.text}
            errors={errors}
            rows={2}
            maxLength={500}
          />
          {backchannel ? (
            <>
              <TextField
                name="startsAt"
                label={`Starts (YYYY-MM-DD HH:MM, ${series.timeZone})`}
                value={values.startsAt}
                errors={errors}
                optional
              />
              <TextField
                name="endsAt"
                label={`Ends (YYYY-MM-DD HH:MM, ${series.timeZone})`}
                value={values.endsAt}
                errors={errors}
                optional
              />
            </>
          ) : null}
          <div class="field">
            <label for="field-image">
              Image <span class="optional">(optional)</span>
            </label>
            <input type="file" id="field-image" name="image" accept="image/jpeg,image/png,image/webp,image/gif,image/avif" />
          </div>
          <TextArea
            name="imageAlt"
            label="Image description (alt text)"
            value={values.imageAlt}
            errors={errors}
            optional
            rows={2}
            maxLength={1500}
          />
          <button type="submit">Add</button>
        </form>
      )}
    </>,
  );
}

/** Session times typed in the series' zone ("2027-03-02 14:00") as ISO instants. */
function sessionTimes(startsAt: string, endsAt: string, timeZone: string): { startsAt?: string; endsAt?: string } {
  const one = (value: string, field: string) => {
    if (!value.trim()) return undefined;
    const [date, time] = value.trim().split(/[ T]+/);
    const [d, t] = [parseLocalDate(date ?? ''), parseLocalTime(time ?? '')];
    const ms = d && t ? zonedTimeToUtc(d, t, timeZone) : null;
    if (ms === null) throw UserError.field(field, 'Give the time as YYYY-MM-DD HH:MM.');
    return new Date(ms).toISOString();
  };
  const start = one(startsAt, 'startsAt');
  const end = one(endsAt, 'endsAt');
  return { ...(start ? { startsAt: start } : {}), ...(end ? { endsAt: end } : {}) };
}

// ---- calendars -------------------------------------------------------------------------------

function chatEvent(series: SeriesView, chat: ChatView): CalendarEvent {
  return {
    uid: `chat-${chat.id}@${new URL(series.url).host}`,
    start: chat.startsAt,
    end: chat.endsAt,
    summary: `#${series.hashtag}: ${chat.topic || series.title}`,
    description: [series.title, chat.topic, `Join the room: ${chat.url}`].filter(Boolean).join('\n'),
    url: chat.url,
    location: chat.url,
    status: chat.state === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    updated: chat.endedAt ?? chat.startedAt ?? chat.startsAt,
    categories: [series.hashtag],
  };
}

function icsResponse(c: AppContext, body: string, filename: string) {
  return c.body(body, 200, {
    'content-type': 'text/calendar; charset=utf-8',
    'content-disposition': `inline; filename="${filename}"`,
    'cache-control': 'private, max-age=300',
  });
}
