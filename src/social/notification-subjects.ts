import type { Queryable } from '../db/database.ts';
import type { Viewer } from '../platform/viewer.ts';

/**
 * Besides a post, a notification can be about a thing another capability owns, stored in a
 * column of its own: a chat (`chat_id`: reminders) or a collection (`collection_id`: new entries,
 * being added to a starter kit). Social shows the thing as its owner describes it.
 */
export interface NotificationSubjectViews {
  /** The chat a `chat_reminder` is about. */
  chat: { title: string; hashtag: string; startsAt: number; url: string };
  /** The collection or starter kit a `collection_entry` or `kit_added` is about. */
  collection: { id: number; kind: 'collection' | 'starter_kit'; title: string; url: string };
}

export type NotificationSubjectType = keyof NotificationSubjectViews;

/**
 * Describes the things with these ids as `viewer` may see them, in one call for a whole page of
 * notifications. A thing left out (gone, or no longer visible to the viewer) hides the
 * notifications about it, from the list and from the unread count.
 */
export type SubjectDescriber<K extends NotificationSubjectType> = (
  db: Queryable,
  viewer: Viewer,
  ids: number[],
) => Promise<ReadonlyMap<number, NotificationSubjectViews[K]>>;

/** The registry (`SocialService.notificationSubjects`): the owner of each kind of thing registers from its index.ts `build`. */
export class NotificationSubjects {
  readonly #describers: { [K in NotificationSubjectType]?: SubjectDescriber<K> } = {};

  register<K extends NotificationSubjectType>(type: K, describer: SubjectDescriber<K>): void {
    if (this.#describers[type]) throw new Error(`notifications about ${type} are already described`);
    (this.#describers as Record<K, SubjectDescriber<K>>)[type] = describer;
  }

  /** The things with these ids, described (an empty map when none are asked for, or nobody describes them). */
  async describe<K extends NotificationSubjectType>(
    type: K,
    db: Queryable,
    viewer: Viewer,
    ids: number[],
  ): Promise<ReadonlyMap<number, NotificationSubjectViews[K]>> {
    const describer = this.#describers[type] as SubjectDescriber<K> | undefined;
    const unique = [...new Set(ids)];
    if (!describer || unique.length === 0) return new Map();
    return describer(db, viewer, unique);
  }
}
