import { Hono } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import { createApi } from '../api/openapi.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { ChatsService } from './service.ts';
import { upcomingChatsCard } from './web/aside-views.tsx';
import { calendarPages } from './web/calendar-pages.tsx';
import { historyPages } from './web/history-pages.tsx';
import { occurrenceApi } from './web/occurrence-api.ts';
import { questionApi } from './web/question-api.ts';
import { questionPages } from './web/question-pages.tsx';
import { roomApi } from './web/room-api.ts';
import { roomPages } from './web/room-pages.tsx';
import { seriesApi } from './web/series-api.ts';
import { seriesPages } from './web/series-pages.tsx';

export { csvCell } from './exports.ts';
export type { ChatGroup, ChatGroupsService } from './groups.ts';
export { isTimeZone, parseLocalDate, utcToZoned, zonedTimeToUtc } from './time.ts';

export { ChatsService };

/** Scheduled hashtag chats and backchannels: questions, the live room, transcripts, calendars. */
export const chats = defineCapability({
  name: 'chats',
  needs: ['accounts', 'social'],
  tables: ['chat_series', 'chat_moderators', 'chats', 'chat_questions', 'chat_posts', 'chat_rsvps'],
  build: (kernel, { accounts, social }: { accounts: AccountsService; social: SocialService }) => {
    const service = new ChatsService({ ...kernel, accounts, social });
    // New posts carrying a live chat's hashtag join it, in the post's transaction.
    social.posts.onCreate((tx, post) => service.linking.link(tx, post));
    // Reminders are about a chat: the notifications list shows it as chats describe it.
    social.notificationSubjects.register('chat', (db, _viewer, ids) => service.records.describe(db, ids));
    return service;
  },
  pages: (service) => {
    const app = new Hono<AppEnv>();
    // Calendars first, so that /chats/calendar/… is never read as a series.
    for (const pages of [calendarPages, seriesPages, questionPages, roomPages, historyPages]) app.route('/', pages(service));
    return app;
  },
  api: (service) => {
    const api = createApi();
    for (const part of [seriesApi, occurrenceApi, questionApi, roomApi]) api.route('/', part(service));
    return api;
  },
  jobs: (service) => [
    { kind: 'chats.tick', every: 15_000, run: async () => void (await service.timer.tick()), options: { timeoutMs: 60_000 } },
    { kind: 'chats.plan', every: 3600_000, run: async () => void (await service.series.plan()), options: { timeoutMs: 10 * 60_000 } },
  ],
  asides: (service) => [upcomingChatsCard(service)],
  nav: [{ href: '/chats', label: 'Chats', order: 40, icon: 'chats' }],
});
