import type { AccountsService } from '../accounts/index.ts';
import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerSocialApi } from './api.ts';
import { Outbox } from './outbox.ts';
import { registerPostPages } from './pages/posts.tsx';
import { registerStreamPages } from './pages/stream.tsx';
import { Social } from './social.ts';

export { ActorSchema, PostSchema, postJson } from './api.ts';
export type { CardData } from './cards.ts';
export { cardOfPage } from './cards.ts';
export { reader, topics } from './context.ts';
export type { ActorProfile, GraphService, Relationship } from './graph.ts';
export type { ActorSummary, PostRow, PostView } from './hydrate.ts';
export { ACTOR_SUMMARY_COLUMNS, actorSummary, hydratePosts, loadActors } from './hydrate.ts';
export type { ListView } from './lists.ts';
export type { NewNotification } from './notifications.ts';
export { announceNotifications, notify } from './notifications.ts';
export type { ActivityListener, Outbox, SocialActivity } from './outbox.ts';
export type { NewPost, RemotePost } from './posts.ts';
export { parseText, textLength } from './text.ts';
export { ActionButton, actorPath, Composer, PeopleList, PostCard, PostTextField, postPath, Timeline, VISIBILITY_LABELS } from './views.tsx';
export { isBoostable, isListed, VISIBILITIES, visibleTo } from './visibility.ts';
export { Social };

/** Actors, follows, posts, hashtags, boosts, likes, lists, timelines, notifications, search. */
export const social = defineCapability({
  name: 'social',
  needs: ['accounts'],
  tables: [
    'link_cards',
    'posts',
    'post_edits',
    'media',
    'hashtags',
    'post_hashtags',
    'mentions',
    'follows',
    'hashtag_follows',
    'blocks',
    'mutes',
    'likes',
    'pins',
    'lists',
    'list_members',
    'timeline_entries',
    'notifications',
  ],
  build: (kernel, { accounts }: { accounts: AccountsService }) => {
    const service = new Social({ ...kernel, outbox: new Outbox() }, kernel.http);
    // Other servers hear about profile changes as they hear about posts (federation listens to the outbox).
    accounts.onProfileChange((tx, actorId) => service.outbox.emit(tx, { type: 'profile', actorId }));
    return service;
  },
  pages: () => pagesOf(registerStreamPages, registerPostPages),
  api: () => apiOf(registerSocialApi),
  jobs: (service) => [
    {
      kind: 'social.card',
      run: ({ postId }: { postId: number }) => service.attachCard(postId),
      options: { maxAttempts: 3, timeoutMs: 30_000 },
    },
    {
      kind: 'social.trim-timelines',
      every: 3600_000,
      run: async () => void (await service.timelines.trim()),
      options: { timeoutMs: 10 * 60_000 },
    },
    {
      kind: 'social.unused-media',
      every: 6 * 3600_000,
      run: async () => void (await service.posts.removeUnusedMedia()),
      options: { timeoutMs: 10 * 60_000 },
    },
  ],
  nav: (service) => [
    {
      href: '/stream',
      label: 'Stream',
      order: 10,
      also: ['/local', '/notifications', '/lists', '/search', '/tags', '/follow-requests', '/compose', '/posts'],
    },
    {
      href: '/notifications',
      label: 'Notifications',
      order: 10,
      place: 'account',
      membersOnly: true,
      badge: (viewer) => service.notifications.unreadCount(viewer),
      liveBadge: '/live',
    },
  ],
});
