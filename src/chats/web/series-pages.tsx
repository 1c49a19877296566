import { Hono } from 'hono';
import { parseInput } from '../../platform/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { formErrors, TextField } from '../../web/forms.tsx';
import { flash, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { seriesInputSchema, seriesUpdateSchema } from '../series-schemas.ts';
import type { ChatsService } from '../service.ts';
import { ChatList, ChatState, ChatWhen, chatsPage, path, ScheduleText, tzOf } from './chat-views.tsx';
import { manageSeriesPage, newSeriesPage } from './series-views.tsx';

/** The series pages: every series, the viewer's chats, starting a series, one series with its coming chats and archive, managing it. */
export function seriesPages(service: ChatsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/chats', async (c) => {
    const all = await service.series.all(c.var.viewer);
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
                  <p class="meta">
                    <ScheduleText series={s} next={s.next ?? undefined} timeZone={tzOf(c)} />
                  </p>
                  {s.next ? (
                    <p>
                      Next:{' '}
                      <a href={path(s.next.url)}>
                        <ChatWhen chat={s.next} timeZone={tzOf(c)} hostTimeZone={s.timeZone} />
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
    const mine = await service.rsvps.mine(viewer);
    const calendarUrl = service.calendars.myUrl(viewer.memberId);
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
                · <ChatWhen chat={chat} timeZone={tzOf(c)} hostTimeZone={series.timeZone} /> <ChatState chat={chat} />
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
      const input = parseInput(seriesInputSchema, {
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
      const series = await service.series.create(viewer, input);
      flash(
        c,
        `${series.title} is scheduled. Prepare the ${series.kind === 'backchannel' ? 'sessions' : 'questions'} of its first chat below, with “Prepare ${series.kind === 'backchannel' ? 'sessions' : 'questions'}” under Coming up.`,
      );
      return c.redirect(path(series.url), 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return newSeriesPage(c, values, errors, status);
    }
  });

  app.get('/chats/:slug', async (c) => {
    const slug = c.req.param('slug');
    const q = c.req.query('q')?.slice(0, 200) ?? '';
    const [series, upcoming, past] = await Promise.all([
      service.series.get(c.var.viewer, slug),
      service.occurrences.list(c.var.viewer, slug, { when: 'upcoming', limit: 8 }),
      service.occurrences.list(c.var.viewer, slug, { when: 'past', q, limit: 50 }),
    ]);
    return renderPage(
      c,
      { title: `${series.title} (#${series.hashtag})`, description: series.description.slice(0, 160) || undefined },
      <>
        <p class="meta">
          #{series.hashtag} · <ScheduleText series={series} next={upcoming[0]} timeZone={tzOf(c)} />
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

  app.get('/chats/:slug/manage', async (c) => manageSeriesPage(c, await service.series.get(requireViewer(c), c.req.param('slug')), {}, {}));

  app.post('/chats/:slug/manage', async (c) => {
    const viewer = requireViewer(c);
    const slug = c.req.param('slug');
    const form = await readForm(c);
    const values = { title: form.text('title'), description: form.text('description'), questionInterval: form.text('questionInterval') };
    try {
      const input = parseInput(seriesUpdateSchema, {
        title: values.title,
        description: values.description,
        questionInterval: values.questionInterval || null,
      });
      await service.series.update(viewer, slug, input);
      flash(c, 'Saved.');
      return c.redirect(`/chats/${slug}/manage`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return manageSeriesPage(c, await service.series.get(viewer, slug), values, errors, status);
    }
  });

  app.post('/chats/:slug/moderators', async (c) => {
    const viewer = requireViewer(c);
    const slug = c.req.param('slug');
    const form = await readForm(c);
    try {
      if (form.text('remove')) {
        await service.series.removeModerator(viewer, slug, form.text('remove'));
        flash(c, `@${form.text('remove')} no longer helps run the series.`);
      } else {
        await service.series.addModerator(viewer, slug, form.text('handle'), form.text('role') === 'host' ? 'host' : 'moderator');
        flash(c, `@${form.text('handle').replace(/^@/, '')} now helps run the series.`);
      }
      return c.redirect(`/chats/${slug}/manage`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return manageSeriesPage(c, await service.series.get(viewer, slug), { handle: form.text('handle') }, errors, status);
    }
  });

  // ---- one chat ----

  return app;
}
