import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ChatRecords, chatTopic } from './records.ts';

export interface ModerationDeps {
  database: Database;
  events: EventBus;
  records: ChatRecords;
}

/** Moderators highlight good answers and hide off-topic posts (from the room and the transcript). */
export class ModerationService {
  readonly #deps: ModerationDeps;

  constructor(deps: ModerationDeps) {
    this.#deps = deps;
  }

  async setHighlighted(viewer: Viewer, slug: string, date: string, postId: number, on: boolean): Promise<void> {
    await this.#moderate(viewer, slug, date, postId, { highlighted: on ? 1 : 0 });
  }

  async setHidden(viewer: Viewer, slug: string, date: string, postId: number, on: boolean): Promise<void> {
    await this.#moderate(viewer, slug, date, postId, { hidden: on ? 1 : 0 });
  }

  async #moderate(
    viewer: Viewer,
    slug: string,
    date: string,
    postId: number,
    change: { highlighted?: number; hidden?: number },
  ): Promise<void> {
    const db = this.#deps.database.db;
    const { series, chat } = await this.#deps.records.chatRows(slug, date);
    await this.#deps.records.requireRole(viewer, series, 'moderator');
    const updated = await db
      .updateTable('chat_posts')
      .set(change)
      .where('chat_id', '=', chat.id)
      .where('post_id', '=', postId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw UserError.notFound('That post is not part of this chat.');
    const row = await db
      .selectFrom('chat_posts')
      .select(['highlighted', 'hidden'])
      .where('chat_id', '=', chat.id)
      .where('post_id', '=', postId)
      .executeTakeFirstOrThrow();
    await this.#deps.events.publish({
      topics: [chatTopic(chat.id)],
      kind: 'chat.moderation',
      data: { postId, highlighted: row.highlighted === 1, hidden: row.hidden === 1 },
    });
  }
}
