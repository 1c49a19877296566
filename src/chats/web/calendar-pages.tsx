import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { type CalendarEvent, calendar } from '../ical.ts';
import type { ChatView, SeriesView } from '../records.ts';
import type { ChatsService } from '../service.ts';

/** The iCalendar feeds: a series' chats, and a member's own (behind a secret address, as calendar apps cannot sign in). */
export function calendarPages(service: ChatsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Calendars: before /chats/:slug so that "calendar" is never read as a series.
  app.get('/chats/calendar/:key{[0-9]+-[A-Za-z0-9_-]+\\.ics}', async (c) => {
    const memberId = await service.calendars.member(c.req.param('key').replace(/\.ics$/, ''));
    const items = await service.calendars.chats({ memberId });
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
    const items = await service.calendars.chats({ slug: c.req.param('slug') });
    const series = items[0]?.series ?? (await service.series.get(null, c.req.param('slug')));
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
  return app;
}

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
