import type { Selectable } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import type { ChatKind, ChatQuestionsTable, ChatSeriesTable, ChatState, ChatsTable } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ActorSummary, NotificationSubjectViews, SocialService } from '../social/index.ts';
import { loadActors } from '../social/index.ts';
import { questionLabel } from './answers.ts';
import { describeSchedule, parseLocalDate, type Recurrence, type Schedule } from './time.ts';

/**
 * What every part of chats reads the same way: a series, a chat or a question by its address
 * (404 when there is none), who may run a series, and the views of series, chats and questions.
 */

export type SeriesRow = Selectable<ChatSeriesTable>;
export type ChatRow = Selectable<ChatsTable>;
export type QuestionRow = Selectable<ChatQuestionsTable>;

export interface SeriesView {
  id: number;
  slug: string;
  kind: ChatKind;
  /** As the host spells it, without #. */
  hashtag: string;
  title: string;
  description: string;
  timeZone: string;
  schedule: Schedule;
  scheduleText: string;
  questionInterval: number | null;
  hosts: Array<ActorSummary & { role: 'host' | 'moderator' }>;
  url: string;
  calendarUrl: string;
  /** The viewer's part: host (edits the series, names moderators), moderator (runs chats), or none. */
  role: 'host' | 'moderator' | null;
}

export interface ChatView {
  id: number;
  seriesId: number;
  date: string;
  topic: string;
  state: ChatState;
  startsAt: number;
  endsAt: number;
  startedAt: number | null;
  endedAt: number | null;
  questionInterval: number | null;
  nextReleaseAt: number | null;
  postCount: number;
  rsvpCount: number;
  /** Whether the viewer said they will be there. */
  going: boolean;
  url: string;
}

export interface QuestionView {
  id: number;
  number: number;
  /** Q3, or a backchannel session's name. */
  label: string;
  text: string;
  imageUrl: string | null;
  imageAlt: string | null;
  startsAt: number | null;
  endsAt: number | null;
  releasedAt: number | null;
  postId: number | null;
  postUrl: string | null;
}

/** The live-event topic of a chat's room. */
export const chatTopic = (chatId: number): string => `chat:${chatId}`;

export function scheduleOf(row: SeriesRow): Schedule {
  return {
    recurrence: JSON.parse(row.recurrence) as Recurrence,
    startDate: row.start_date,
    time: row.start_time,
    timeZone: row.time_zone,
    durationMinutes: row.duration_minutes,
  };
}

/** A chat date from a URL segment, or 404. */
export function chatDate(value: string): string {
  if (!parseLocalDate(value)) throw UserError.notFound('There is no chat on that date.');
  return value;
}

export interface RecordsDeps {
  database: Database;
  config: Config;
  events: EventBus;
  social: SocialService;
}

export class ChatRecords {
  readonly #deps: RecordsDeps;

  constructor(deps: RecordsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  get #baseUrl() {
    return this.#deps.config.baseUrl;
  }

  async seriesRow(slug: string): Promise<SeriesRow> {
    const row = /^[a-z0-9][a-z0-9-]{0,49}$/.test(slug)
      ? await this.#db.selectFrom('chat_series').selectAll().where('slug', '=', slug).executeTakeFirst()
      : undefined;
    if (!row) throw UserError.notFound('There is no such chat series.');
    return row;
  }

  async seriesById(id: number): Promise<SeriesRow> {
    return this.#db.selectFrom('chat_series').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async chatRows(slug: string, date: string): Promise<{ series: SeriesRow; chat: ChatRow }> {
    const series = await this.seriesRow(slug);
    const chat = parseLocalDate(date)
      ? await this.#db.selectFrom('chats').selectAll().where('series_id', '=', series.id).where('date', '=', date).executeTakeFirst()
      : undefined;
    if (!chat) throw UserError.notFound(`${series.title} has no chat on ${date}.`);
    return { series, chat };
  }

  async questionRow(chatId: number, number: number): Promise<QuestionRow> {
    const row = await this.#db
      .selectFrom('chat_questions')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('number', '=', number)
      .executeTakeFirst();
    if (!row) throw UserError.notFound(`There is no question ${number} in this chat.`);
    return row;
  }

  async #role(viewer: Viewer | null, seriesId: number): Promise<'host' | 'moderator' | null> {
    if (!viewer) return null;
    const row = await this.#db
      .selectFrom('chat_moderators')
      .select('role')
      .where('series_id', '=', seriesId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** Hosts may do everything; moderators run chats. Admins act as hosts. */
  async requireRole(viewer: Viewer, series: SeriesRow, needed: 'host' | 'moderator'): Promise<void> {
    if (viewer.isAdmin) return;
    const role = await this.#role(viewer, series.id);
    if (role === 'host' || (needed === 'moderator' && role === 'moderator')) return;
    throw UserError.forbidden(
      needed === 'host'
        ? `Only the hosts of ${series.title} can do that.`
        : `Only the hosts and moderators of ${series.title} can do that.`,
    );
  }

  async announceState(chatId: number, state: ChatState): Promise<void> {
    await this.#deps.events.publish({ topics: [chatTopic(chatId)], kind: 'chat.state', data: { state } });
  }

  /** One chat with its series and questions, as the viewer sees them. */
  async chat(
    viewer: Viewer | null,
    slug: string,
    date: string,
  ): Promise<{ series: SeriesView; chat: ChatView; questions: QuestionView[] }> {
    const { series, chat } = await this.chatRows(slug, date);
    const [seriesView] = await this.seriesViews(viewer, [series]);
    const [chatView] = await this.chatViews(viewer, [chat], [series]);
    return { series: seriesView!, chat: chatView!, questions: await this.questions(series, chat.id) };
  }

  async seriesViews(viewer: Viewer | null, rows: SeriesRow[]): Promise<SeriesView[]> {
    if (rows.length === 0) return [];
    const mods = await this.#db
      .selectFrom('chat_moderators')
      .innerJoin('members', 'members.id', 'chat_moderators.member_id')
      .select(['chat_moderators.series_id', 'chat_moderators.member_id', 'chat_moderators.role', 'members.actor_id'])
      .where(
        'chat_moderators.series_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('chat_moderators.created_at')
      .execute();
    const actors = await loadActors(
      this.#db,
      mods.map((m) => m.actor_id),
      this.#baseUrl,
    );
    return rows.map((row) => {
      const schedule = scheduleOf(row);
      const mine = viewer ? mods.find((m) => m.series_id === row.id && m.member_id === viewer.memberId) : undefined;
      return {
        id: row.id,
        slug: row.slug,
        kind: row.kind,
        hashtag: row.hashtag_name,
        title: row.title,
        description: row.description,
        timeZone: row.time_zone,
        schedule,
        scheduleText: describeSchedule(schedule),
        questionInterval: row.question_interval,
        hosts: mods
          .filter((m) => m.series_id === row.id && actors.has(m.actor_id))
          .map((m) => ({ ...actors.get(m.actor_id)!, role: m.role })),
        url: `${this.#baseUrl}/chats/${row.slug}`,
        calendarUrl: `${this.#baseUrl}/chats/${row.slug}/calendar.ics`,
        role: mine?.role ?? (viewer?.isAdmin ? 'host' : null),
      };
    });
  }

  async chatViews(viewer: Viewer | null, rows: ChatRow[], series: SeriesRow[]): Promise<ChatView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const counts = await this.#db
      .selectFrom('chat_rsvps')
      .select(['chat_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('chat_id', 'in', ids)
      .groupBy('chat_id')
      .execute();
    const going = viewer
      ? await this.#db
          .selectFrom('chat_rsvps')
          .select('chat_id')
          .where('chat_id', 'in', ids)
          .where('member_id', '=', viewer.memberId)
          .execute()
      : [];
    const slugs = new Map(series.map((s) => [s.id, s.slug]));
    return rows.map((r) => ({
      id: r.id,
      seriesId: r.series_id,
      date: r.date,
      topic: r.topic,
      state: r.state,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      questionInterval: r.question_interval,
      nextReleaseAt: r.next_release_at,
      postCount: r.post_count,
      rsvpCount: Number(counts.find((c) => c.chat_id === r.id)?.n ?? 0),
      going: going.some((g) => g.chat_id === r.id),
      url: `${this.#baseUrl}/chats/${slugs.get(r.series_id)}/${r.date}`,
    }));
  }

  async questions(series: SeriesRow, chatId: number): Promise<QuestionView[]> {
    const rows = await this.#db.selectFrom('chat_questions').selectAll().where('chat_id', '=', chatId).orderBy('number').execute();
    // A question's post: on its author's page when the author is a member here.
    const posts = await this.#deps.social.postRows.find({ ids: rows.flatMap((q) => (q.post_id ? [q.post_id] : [])) });
    const authors = await loadActors(
      this.#db,
      posts.map((p) => p.actor_id),
      this.#baseUrl,
    );
    const authorOf = new Map(posts.map((p) => [p.id, authors.get(p.actor_id)]));
    return rows.map((q) => {
      const author = q.post_id ? authorOf.get(q.post_id) : undefined;
      return {
        id: q.id,
        number: q.number,
        label: questionLabel(series.kind, q.number, q.label),
        text: q.text,
        imageUrl: q.image_url,
        imageAlt: q.image_alt,
        startsAt: q.starts_at,
        endsAt: q.ends_at,
        releasedAt: q.released_at,
        postId: q.post_id,
        postUrl: q.post_id ? `${this.#baseUrl}${author?.local ? `/@${author.handle}` : '/posts'}/${q.post_id}` : null,
      };
    });
  }

  /** Reminders' chats, as the notifications list shows them (every chat is public). */
  async describe(db: Queryable, ids: number[]): Promise<Map<number, NotificationSubjectViews['chat']>> {
    const rows = await db
      .selectFrom('chats')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .select(['chats.id', 'chats.date', 'chats.starts_at', 'chat_series.slug', 'chat_series.title', 'chat_series.hashtag_name'])
      .where('chats.id', 'in', ids)
      .execute();
    return new Map(
      rows.map((ch) => [
        ch.id,
        { title: ch.title, hashtag: ch.hashtag_name, startsAt: ch.starts_at, url: `${this.#baseUrl}/chats/${ch.slug}/${ch.date}` },
      ]),
    );
  }
}
