import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { SocialService } from '../social/index.ts';
import type { ChatUpdate } from './question-schemas.ts';
import type { QuestionsService } from './questions.ts';
import type { ChatRecords, ChatRow, ChatView, QuestionView, SeriesRow, SeriesView } from './records.ts';

/** A moderator may open the room a little early (to welcome people), not days early by mistake. */
export const EARLY_START_MS = 60 * 60_000;

/** Whether a moderator may start this chat now: it has not started, and its hour is close or past. */
export function startsSoon(chat: { state: string; startsAt: number }, now: number): boolean {
  return chat.state === 'scheduled' && chat.startsAt - now <= EARLY_START_MS;
}

export interface OccurrencesDeps {
  database: Database;
  clock: Clock;
  social: SocialService;
  records: ChatRecords;
  questions: QuestionsService;
}

/**
 * A series' chats, each one occurrence: scheduled → live (at the hour, or when a moderator
 * starts it) → ended (at the scheduled end, or when a moderator ends it); a scheduled chat can
 * be cancelled. Every change is a conditional update, so two moderators (or a moderator and the
 * timer) cannot start or end twice.
 */
export class OccurrencesService {
  readonly #deps: OccurrencesDeps;

  constructor(deps: OccurrencesDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  get #records() {
    return this.#deps.records;
  }

  get(viewer: Viewer | null, slug: string, date: string): Promise<{ series: SeriesView; chat: ChatView; questions: QuestionView[] }> {
    return this.#records.chat(viewer, slug, date);
  }

  /**
   * The next `limit` chats of any series: live ones first, then those coming up, soonest first
   * (the "Upcoming chats" card beside Home). Three queries, whatever the number of series.
   */
  async soonest(
    viewer: Viewer | null,
    limit: number,
    now = this.#deps.clock.now(),
  ): Promise<Array<{ series: { title: string; hashtag: string }; chat: ChatView }>> {
    const rows = await this.#db
      .selectFrom('chats')
      .selectAll()
      .where((eb) => eb.or([eb('state', '=', 'live'), eb.and([eb('state', '=', 'scheduled'), eb('ends_at', '>', now)])]))
      .orderBy(sql`case when state = 'live' then 0 else 1 end`)
      .orderBy('starts_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const series = await this.#db
      .selectFrom('chat_series')
      .selectAll()
      .where('id', 'in', [...new Set(rows.map((r) => r.series_id))])
      .execute();
    const chats = await this.#records.chatViews(viewer, rows, series);
    return chats.flatMap((chat) => {
      const of = series.find((s) => s.id === chat.seriesId);
      return of ? [{ series: { title: of.title, hashtag: of.hashtag }, chat }] : [];
    });
  }

  /** A series' chats: `upcoming` (scheduled and live) or `past` (ended), searchable over topic, questions and posts. */
  async list(
    viewer: Viewer | null,
    slug: string,
    options: { when: 'upcoming' | 'past'; q?: string | undefined; limit?: number; now?: number },
  ): Promise<ChatView[]> {
    const series = await this.#records.seriesRow(slug);
    const now = options.now ?? this.#deps.clock.now();
    let query = this.#db.selectFrom('chats').selectAll('chats').where('chats.series_id', '=', series.id);
    query =
      options.when === 'past'
        ? query.where('chats.state', '=', 'ended').orderBy('chats.starts_at', 'desc')
        : query
            .where('chats.state', 'in', ['scheduled', 'live'])
            .where('chats.ends_at', '>', now - 86_400_000)
            .orderBy('chats.starts_at');
    const q = options.q?.trim().toLowerCase();
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      const matches = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${like} escape '\\'`;
      const answered = await this.#chatsWithPostsSaying(series, q);
      query = query.where((eb) =>
        eb.or([
          matches('chats.topic'),
          eb.exists(
            eb
              .selectFrom('chat_questions')
              .select('chat_questions.id')
              .whereRef('chat_questions.chat_id', '=', 'chats.id')
              .where(matches('chat_questions.text')),
          ),
          ...(answered.length ? [eb('chats.id', 'in', answered)] : []),
        ]),
      );
    }
    const rows = await query.limit(options.limit ?? 50).execute();
    return this.#records.chatViews(viewer, rows, [series]);
  }

  /** The series' chats with a public post shown in the room that says `q` (lower case). */
  async #chatsWithPostsSaying(series: SeriesRow, q: string): Promise<number[]> {
    const linked = await this.#db
      .selectFrom('chat_posts')
      .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
      .select(['chat_posts.chat_id', 'chat_posts.post_id'])
      .where('chats.series_id', '=', series.id)
      .where('chat_posts.hidden', '=', 0)
      .execute();
    const chatsOf = new Map<number, number[]>();
    for (const l of linked) chatsOf.set(l.post_id, [...(chatsOf.get(l.post_id) ?? []), l.chat_id]);
    const found = new Set<number>();
    const ids = [...chatsOf.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const posts = await this.#deps.social.postRows.find({ ids: ids.slice(i, i + 500), visibility: ['public'] });
      for (const post of posts) if (post.text.toLowerCase().includes(q)) for (const id of chatsOf.get(post.id) ?? []) found.add(id);
    }
    return [...found];
  }

  async update(viewer: Viewer, slug: string, date: string, input: ChatUpdate): Promise<ChatView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
    if (chat.state === 'ended' || chat.state === 'cancelled')
      throw new UserError(409, 'chat_over', 'This chat is over: its transcript no longer changes.');
    const changes = {
      ...(input.topic !== undefined ? { topic: input.topic } : {}),
      ...(input.questionInterval !== undefined ? { question_interval: input.questionInterval } : {}),
    };
    if (Object.keys(changes).length) await this.#db.updateTable('chats').set(changes).where('id', '=', chat.id).execute();
    return (await this.get(viewer, slug, date)).chat;
  }

  /** Starts a scheduled chat now (the timer starts it at the hour anyway). */
  async start(viewer: Viewer, slug: string, date: string, now = this.#deps.clock.now()): Promise<ChatView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
    if (chat.state === 'live') throw new UserError(409, 'already_live', 'This chat has already started.');
    if (chat.state !== 'scheduled')
      throw new UserError(409, 'chat_over', chat.state === 'cancelled' ? 'This chat was cancelled.' : 'This chat has ended.');
    if (!startsSoon({ state: chat.state, startsAt: chat.starts_at }, now))
      throw new UserError(
        409,
        'too_early',
        'It is too early to start this chat: a moderator can open the room at most an hour before its time, and it starts by itself at its hour.',
      );
    await this.begin(series, chat, now);
    return (await this.get(viewer, slug, date)).chat;
  }

  /** Makes a scheduled chat live (false: it already was, or is over). */
  async begin(series: SeriesRow, chat: ChatRow, now: number): Promise<boolean> {
    const interval = chat.question_interval ?? series.question_interval;
    const started = await this.#db
      .updateTable('chats')
      .set({ state: 'live', started_at: now, question_interval: interval, next_release_at: interval ? now : null })
      .where('id', '=', chat.id)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    if (Number(started.numUpdatedRows) === 0) return false;
    await this.#records.announceState(chat.id, 'live');
    // Timed questions: Q1 at the start, then one every `interval` minutes.
    if (interval) await this.#deps.questions.releaseDue(now);
    return true;
  }

  /** Ends a live chat: posts after now no longer join it, and its transcript is final. */
  async end(viewer: Viewer, slug: string, date: string, now = this.#deps.clock.now()): Promise<ChatView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
    if (chat.state === 'scheduled') throw new UserError(409, 'not_live', 'This chat has not started yet.');
    if (chat.state !== 'live') throw new UserError(409, 'chat_over', 'This chat has already ended.');
    await this.finish(chat.id, now);
    return (await this.get(viewer, slug, date)).chat;
  }

  /** Ends a live chat (false: it was not live). */
  async finish(chatId: number, now: number): Promise<boolean> {
    const ended = await this.#db
      .updateTable('chats')
      .set({ state: 'ended', ended_at: now, next_release_at: null })
      .where('id', '=', chatId)
      .where('state', '=', 'live')
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) === 0) return false;
    await this.#records.announceState(chatId, 'ended');
    return true;
  }

  async cancel(viewer: Viewer, slug: string, date: string): Promise<ChatView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'host');
    const cancelled = await this.#db
      .updateTable('chats')
      .set({ state: 'cancelled' })
      .where('id', '=', chat.id)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 0)
      throw new UserError(409, 'not_scheduled', 'Only a chat that has not started can be cancelled.');
    return (await this.get(viewer, slug, date)).chat;
  }
}
