import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { hmac, safeEqual } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { ChatRecords, ChatView, SeriesView } from './records.ts';
import type { RsvpsService } from './rsvps.ts';

export interface CalendarsDeps {
  database: Database;
  config: Config;
  clock: Clock;
  secretKey: string;
  records: ChatRecords;
  rsvps: RsvpsService;
}

/** What the iCalendar feeds show: a series' chats, and a member's own behind a secret address. */
export class CalendarsService {
  readonly #deps: CalendarsDeps;

  constructor(deps: CalendarsDeps) {
    this.#deps = deps;
  }

  /** The secret part of a member's "my chats" calendar URL (calendar apps cannot sign in). */
  token(memberId: number): string {
    return hmac(this.#deps.secretKey, `chats-calendar:${memberId}`).slice(0, 32);
  }

  myUrl(memberId: number): string {
    return `${this.#deps.config.baseUrl}/chats/calendar/${memberId}-${this.token(memberId)}.ics`;
  }

  /** The member behind a calendar URL's key, or 404. */
  async member(key: string): Promise<number> {
    const [, id, token] = /^(\d{1,15})-([\w-]{32})$/.exec(key) ?? [];
    if (!id || !token || !safeEqual(token, this.token(Number(id)))) throw UserError.notFound('There is no such calendar.');
    return Number(id);
  }

  /** What a calendar shows: a series' chats, or a member's, from a month ago to three months ahead. */
  async chats(
    scope: { slug: string } | { memberId: number },
    now = this.#deps.clock.now(),
  ): Promise<Array<{ series: SeriesView; chat: ChatView }>> {
    if ('memberId' in scope) return this.#deps.rsvps.memberChats(scope.memberId, null, now);
    const seriesRow = await this.#deps.records.seriesRow(scope.slug);
    const [series] = await this.#deps.records.seriesViews(null, [seriesRow]);
    const rows = await this.#deps.database.db
      .selectFrom('chats')
      .selectAll()
      .where('series_id', '=', seriesRow.id)
      .where('starts_at', '>=', now - 30 * 86_400_000)
      .orderBy('starts_at')
      .limit(200)
      .execute();
    return (await this.#deps.records.chatViews(null, rows, [seriesRow])).map((chat) => ({ series: series!, chat }));
  }
}
