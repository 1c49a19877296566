import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Config } from '../platform/config.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/logger.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { NotificationSubjects } from './notification-subjects.ts';
import type { Outbox } from './outbox.ts';
import type { PostExtensions } from './post-extensions.ts';
import type { PostHooks } from './post-hooks.ts';
import type { Reader } from './visibility.ts';

/** What the social services share. */
export interface SocialContext {
  database: Database;
  config: Config;
  events: EventBus;
  jobs: Jobs;
  storage: Storage;
  logger: Logger;
  /** Local activities other servers hear about (federation listens). */
  outbox: Outbox;
  /** What later capabilities add to posts (bookmarks, announced articles). */
  postExtensions: PostExtensions;
  /** What later capabilities say about the things notifications are about (chats, collections). */
  notificationSubjects: NotificationSubjects;
  /** Other capabilities joining every new post's transaction (local and remote). */
  postHooks: PostHooks;
}

export function reader(viewer: Viewer | null): Reader | null {
  return viewer ? { memberId: viewer.memberId, actorId: viewer.actorId } : null;
}

/** Timeline (feed) keys and live-event topics. */
export const topics = {
  home: (memberId: number) => `home:${memberId}`,
  list: (listId: number) => `list:${listId}`,
  tag: (slug: string) => `tag:${slug}`,
  member: (memberId: number) => `member:${memberId}`,
  local: 'local',
  /** Edits and deletions of any post: every open timeline checks whether it shows the post. */
  postChanges: 'posts',
};
