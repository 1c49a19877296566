import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { SocialService } from '../social/index.ts';
import type { ChatRecords, ChatView, SeriesView } from './records.ts';

/** Reminders go to members who said they will be there, this long before the start. */
export const REMINDER_BEFORE_MS = 15 * 60_000;

export interface RsvpsDeps {
  database: Database;
  clock: Clock;
  social: SocialService;
  records: ChatRecords;
}

/** “I’ll be there”: who goes to which chat, a member's own chats, and the reminders before the start. */
export class RsvpsService {
  readonly #deps: RsvpsDeps;

  constructor(deps: RsvpsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  async rsvp(viewer: Viewer, slug: string, date: string, going: boolean): Promise<ChatView> {
    const { chat } = await this.#deps.records.chatRows(slug, date);
    if (going) {
      if (chat.state === 'ended' || chat.state === 'cancelled')
        throw new UserError(409, 'chat_over', chat.state === 'ended' ? 'This chat is over.' : 'This chat was cancelled.');
      await this.#db
        .insertInto('chat_rsvps')
        .values({ chat_id: chat.id, member_id: viewer.memberId, created_at: this.#deps.clock.now() })
        .onConflict((oc) => oc.columns(['chat_id', 'member_id']).doNothing())
        .execute();
    } else {
      await this.#db.deleteFrom('chat_rsvps').where('chat_id', '=', chat.id).where('member_id', '=', viewer.memberId).execute();
    }
    return (await this.#deps.records.chat(viewer, slug, date)).chat;
  }

  /** The chats a member will attend or helps run, from a month ago on. */
  async mine(viewer: Viewer, now = this.#deps.clock.now()): Promise<Array<{ series: SeriesView; chat: ChatView }>> {
    return this.memberChats(viewer.memberId, viewer, now);
  }

  /** The chats a member will attend or helps run, from a month ago on, as `viewer` sees them. */
  async memberChats(memberId: number, viewer: Viewer | null, now: number): Promise<Array<{ series: SeriesView; chat: ChatView }>> {
    const rows = await this.#db
      .selectFrom('chats')
      .selectAll('chats')
      .where('chats.starts_at', '>=', now - 30 * 86_400_000)
      .where((eb) =>
        eb.or([
          eb.exists(
            eb
              .selectFrom('chat_rsvps')
              .select('chat_rsvps.chat_id')
              .whereRef('chat_rsvps.chat_id', '=', 'chats.id')
              .where('chat_rsvps.member_id', '=', memberId),
          ),
          eb.exists(
            eb
              .selectFrom('chat_moderators')
              .select('chat_moderators.series_id')
              .whereRef('chat_moderators.series_id', '=', 'chats.series_id')
              .where('chat_moderators.member_id', '=', memberId),
          ),
        ]),
      )
      .orderBy('chats.starts_at')
      .limit(200)
      .execute();
    const seriesRows = rows.length
      ? await this.#db
          .selectFrom('chat_series')
          .selectAll()
          .where('id', 'in', [...new Set(rows.map((r) => r.series_id))])
          .execute()
      : [];
    const seriesViews = new Map((await this.#deps.records.seriesViews(viewer, seriesRows)).map((s) => [s.id, s]));
    const chatViews = await this.#deps.records.chatViews(viewer, rows, seriesRows);
    return chatViews.map((chat) => ({ series: seriesViews.get(chat.seriesId)!, chat }));
  }

  /** Reminds the members going to chats that start within REMINDER_BEFORE_MS, once per chat. */
  async remind(now: number): Promise<number> {
    const soon = await this.#db
      .selectFrom('chats')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .innerJoin('members', 'members.id', 'chat_series.owner_id')
      .select(['chats.id', 'members.actor_id'])
      .where('chats.state', '=', 'scheduled')
      .where('chats.reminded_at', 'is', null)
      .where('chats.starts_at', '<=', now + REMINDER_BEFORE_MS)
      .limit(100)
      .execute();
    const notifications = this.#deps.social.notifications;
    let count = 0;
    for (const chat of soon) {
      const notified = await this.#db.transaction().execute(async (tx) => {
        const claimed = await tx
          .updateTable('chats')
          .set({ reminded_at: now })
          .where('id', '=', chat.id)
          .where('reminded_at', 'is', null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) return [];
        const going = await tx
          .selectFrom('chat_rsvps')
          .innerJoin('members', 'members.id', 'chat_rsvps.member_id')
          .select('members.actor_id')
          .where('chat_rsvps.chat_id', '=', chat.id)
          .where('members.suspended_at', 'is', null)
          .execute();
        // From the series' owner, about the chat; a reminder is nobody's action, so it is never filtered.
        return notifications.notify(
          tx,
          going.map((m) => ({
            recipientActorId: m.actor_id,
            kind: 'chat_reminder' as const,
            actorId: chat.actor_id,
            postId: null,
            chatId: chat.id,
            key: String(chat.id),
            unfiltered: true,
            at: now,
          })),
        );
      });
      count += notified.length;
      await notifications.announce(notified);
    }
    return count;
  }
}
