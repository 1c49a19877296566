import type { AccountsService } from '../accounts/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerChatsApi } from './api.ts';
import { describeChats } from './chat-notifications.ts';
import { registerChatsPages } from './pages.tsx';
import { ChatsService } from './service.ts';

export { csvCell } from './exports.ts';
export { isTimeZone, parseLocalDate, utcToZoned, zonedTimeToUtc } from './time.ts';

export { ChatsService };

/** Scheduled hashtag chats and backchannels: questions, the live room, transcripts, calendars. */
export const chats = defineCapability({
  name: 'chats',
  needs: ['accounts', 'social'],
  tables: ['chat_series', 'chat_moderators', 'chats', 'chat_questions', 'chat_posts', 'chat_rsvps'],
  build: (kernel, { accounts, social }: { accounts: AccountsService; social: SocialService }) => {
    // Chat reminders in social's notifications show the chat as chats describe it.
    social.notificationSubjects.register('chat', describeChats(kernel.config));
    return new ChatsService({ ...kernel, accounts, social });
  },
  pages: () => pagesOf(registerChatsPages),
  api: () => apiOf(registerChatsApi),
  jobs: (service) => [
    { kind: 'chats.tick', every: 15_000, run: async () => void (await service.tick()), options: { timeoutMs: 60_000 } },
    { kind: 'chats.plan', every: 3600_000, run: async () => void (await service.plan()), options: { timeoutMs: 10 * 60_000 } },
  ],
  nav: [{ href: '/chats', label: 'Chats', order: 40 }],
});
