import { Hono } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import { createApi } from '../api/openapi.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { SocialService } from './service.ts';
import { followApi } from './web/follow-api.ts';
import { followRequestPages } from './web/follow-request-pages.tsx';
import { hashtagApi } from './web/hashtag-api.ts';
import { listApi } from './web/list-api.ts';
import { listPages } from './web/list-pages.tsx';
import { liveApi } from './web/live-api.ts';
import { notificationApi } from './web/notification-api.ts';
import { notificationPages } from './web/notification-pages.tsx';
import { postApi } from './web/post-api.ts';
import { postPages } from './web/post-pages.tsx';
import { privacyApi } from './web/privacy-api.ts';
import { privacyPages } from './web/privacy-pages.tsx';
import { searchApi } from './web/search-api.ts';
import { searchPages } from './web/search-pages.tsx';
import { streamPages } from './web/stream-pages.tsx';
import { tagPages } from './web/tag-pages.tsx';
import { timelineApi } from './web/timeline-api.ts';
import { trendingCard } from './web/trending-views.tsx';

// Shared with the other capabilities' APIs (it lives in src/api/schemas.ts).
export { ActorSchema } from '../api/schemas.ts';
export type { CardData } from './cards.ts';
export { cardOfPage } from './cards.ts';
export { reader, topics } from './context.ts';
export type { ActorProfile, GraphService, Relationship } from './graph.ts';
export type { ActorSummary, PostArticle, PostRef, PostRow, PostView } from './hydrate.ts';
export { ACTOR_SUMMARY_COLUMNS, actorSummary, loadActors } from './hydrate.ts';
export type { ListInput, ListView } from './lists.ts';
export type { MediaRow, StoredMedia } from './media.ts';
export type { NotificationSubjectViews, SubjectDescriber } from './notification-subjects.ts';
export type { NewNotification } from './notifications.ts';
export { announceNotifications, notify } from './notifications.ts';
export type { ActivityListener, Outbox, SocialActivity } from './outbox.ts';
export type { PostExtension } from './post-extensions.ts';
export type { NewPost, PostHook, PostOccasion } from './post-hooks.ts';
export type { PostFilter, PostRecord } from './post-rows.ts';
export type { EditInput, PostInput } from './post-schemas.ts';
export type { PrivacySetting } from './privacy.ts';
export type { FollowRow } from './remote-follows.ts';
export type { RemotePost } from './remote-posts.ts';
export type { RemoteAccountLookup } from './search.ts';
export { parseText, textLength } from './text.ts';
export { isBoostable, isListed, VISIBILITIES, visibleTo } from './visibility.ts';
export { PageSchema, PostSchema, pageJson, postJson } from './web/api-schemas.ts';
export { Composer, PostTextField } from './web/composer-views.tsx';
export {
  ActionButton,
  actorPath,
  FollowButton,
  PeopleList,
  PostCard,
  postPath,
  Timeline,
  VISIBILITY_LABELS,
} from './web/post-views.tsx';
export { SocialService };

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
    const service = new SocialService({ ...kernel, accounts });
    // Other servers hear about profile changes as they hear about posts (federation listens to the outbox).
    accounts.onProfileChange((tx, actorId) => service.outbox.emit(tx, { type: 'profile', actorId }));
    // The directory's cards say whom the viewer already follows (Follow, or Following and Unfollow).
    accounts.readFollowStatesWith((viewer, actorIds) => service.graph.followStatesFor(viewer, actorIds));
    return service;
  },
  pages: (service) => {
    const app = new Hono<AppEnv>();
    for (const pages of [streamPages, tagPages, notificationPages, searchPages, listPages, followRequestPages, privacyPages, postPages])
      app.route('/', pages(service));
    return app;
  },
  api: (service) => {
    const api = createApi();
    for (const part of [postApi, timelineApi, followApi, privacyApi, hashtagApi, listApi, notificationApi, searchApi, liveApi])
      api.route('/', part(service));
    return api;
  },
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
      run: async () => void (await service.media.removeUnused()),
      options: { timeoutMs: 10 * 60_000 },
    },
  ],
  asides: (service) => [trendingCard(service)],
  nav: (service) => [
    {
      href: '/stream',
      label: 'Home',
      order: 10,
      icon: 'home',
      also: ['/local', '/notifications', '/lists', '/search', '/tags', '/follow-requests', '/compose', '/posts'],
    },
    {
      href: '/notifications',
      label: 'Notifications',
      order: 10,
      icon: 'bell',
      place: 'account',
      membersOnly: true,
      badge: (viewer) => service.notifications.unreadCount(viewer),
      liveBadge: '/live',
    },
  ],
});
