import { type Selectable, sql } from 'kysely';
import { z } from 'zod';
import type { AccountsService } from '../accounts/index.ts';
import type { Database, Tx } from '../db/database.ts';
import type { ChatKind, ChatQuestionsTable, ChatSeriesTable, ChatState, ChatsTable, Visibility } from '../db/schema.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { hmac, safeEqual } from '../platform/crypto.ts';
import { parseInput, UserError } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { processImage } from '../platform/images.ts';
import type { Logger } from '../platform/logger.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { NewPost, SocialService } from '../social/index.ts';
import { type ActorSummary, actorSummary, announceNotifications, isListed, loadActors, parseText } from '../social/index.ts';
import { answerNumber, answerPrefix, questionLabel } from './answers.ts';
import type { Transcript, TranscriptPost } from './exports.ts';
import { describeSchedule, isTimeZone, occurrences, parseLocalDate, parseLocalTime, type Recurrence, type Schedule } from './time.ts';

/**
 * Chats and backchannels. A series (#tlchat, every Tuesday at 20:00 in the host's zone) has
 * occurrences, each a chat with its own topic and questions Q1..Qn (a backchannel: named
 * sessions S1..Sn over a time window). While a chat is live, every listed post carrying its
 * hashtag — or replying to one of its questions — joins it, in the post's own transaction, and
 * is linked to the question it answers ("A2: …", or a reply to Q2). Posts stay ordinary posts:
 * they are in hashtag and home timelines like any other.
 *
 * State: scheduled → live (at the hour, or when a moderator starts it) → ended (at the
 * scheduled end, or when a moderator ends it); a scheduled chat can be cancelled. Every change
 * is a conditional update, so two moderators (or a moderator and the timer) cannot start,
 * release or end twice.
 */

export interface ChatsContext {
  database: Database;
  config: Config;
  events: EventBus;
  jobs: Jobs;
  storage: Storage;
  logger: Logger;
  social: SocialService;
  accounts: AccountsService;
  secretKey: string;
  /** What time it is: which chats are coming, due, live or over. */
  clock: Clock;
}

export const chatTopic = (chatId: number): string => `chat:${chatId}`;

/** How far ahead occurrences are planned (and shown, and put in calendars). */
const PLAN_AHEAD_MS = 92 * 86_400_000;
const PLAN_MAX = 16;
/** Reminders go to members who said they will be there, this long before the start. */
export const REMINDER_BEFORE_MS = 15 * 60_000;
const RESERVED_SLUGS = new Set(['new', 'calendar', 'mine']);
export const QUESTIONS_MAX = 30;
/** A moderator may open the room early, but not days early by mistake. */
const EARLY_START_MS = 86_400_000;

// ---- input ---------------------------------------------------------------------------------------

const weekday = z.coerce.number().int().min(0, 'Choose a weekday.').max(6, 'Choose a weekday.');
const recurrenceSchema = z.discriminatedUnion(
  'freq',
  [
    z.strictObject({ freq: z.literal('once') }),
    z.strictObject({ freq: z.literal('weekly'), interval: z.coerce.number().int().min(1).max(4).default(1), weekday }),
    z.strictObject({
      freq: z.literal('monthly'),
      week: z.coerce
        .number()
        .int()
        .refine((w) => [1, 2, 3, 4, -1].includes(w), 'Choose first, second, third, fourth or last.'),
      weekday,
    }),
  ],
  { error: 'Choose how often the chat happens: once, weekly or monthly.' },
);

const hashtagSchema = z
  .string()
  .trim()
  .regex(/^#?[\p{L}\p{N}_]{1,100}$/u, 'A hashtag is letters, digits and _ (like #tlchat).');

export const seriesInputSchema = z.strictObject({
  kind: z.enum(['chat', 'backchannel']).default('chat'),
  hashtag: hashtagSchema,
  title: z.string().trim().min(1, 'Give the series a title.').max(200, 'A title can have at most 200 characters.'),
  description: z.string().trim().max(5000, 'A description can have at most 5,000 characters.').default(''),
  timeZone: z.string().refine(isTimeZone, 'Choose a time zone such as America/Chicago.'),
  recurrence: recurrenceSchema,
  startDate: z.string().refine((v) => parseLocalDate(v) !== null, 'Give the first date as YYYY-MM-DD.'),
  time: z.string().refine((v) => parseLocalTime(v) !== null, 'Give the start time as HH:MM (24 hours).'),
  durationMinutes: z.coerce
    .number()
    .int()
    .min(15, 'A chat lasts at least 15 minutes.')
    .max(14 * 24 * 60, 'A chat or backchannel lasts at most 14 days.'),
  questionInterval: z.coerce.number().int().min(1, 'At least a minute between questions.').max(240).nullish(),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'An address is lower-case letters, digits and dashes.')
    .optional(),
});
export type SeriesInput = z.input<typeof seriesInputSchema>;

export const seriesUpdateSchema = z.strictObject({
  title: seriesInputSchema.shape.title.optional(),
  description: seriesInputSchema.shape.description.optional(),
  questionInterval: seriesInputSchema.shape.questionInterval,
});

export const chatUpdateSchema = z.strictObject({
  topic: z.string().trim().max(300, 'A topic can have at most 300 characters.').optional(),
  questionInterval: seriesInputSchema.shape.questionInterval,
});

export const questionInputSchema = z.strictObject({
  text: z.string().trim().min(1, 'Write the question.').max(500, 'A question can have at most 500 characters.'),
  /** A backchannel session's name. */
  label: z.string().trim().max(120, 'A session name can have at most 120 characters.').optional(),
  imageAlt: z.string().trim().max(1500, 'Alt text can have at most 1,500 characters.').optional(),
  /** A backchannel session's time window (ISO 8601). */
  startsAt: z.iso.datetime({ offset: true, error: 'Give the time as ISO 8601 (2027-03-02T14:00:00Z).' }).optional(),
  endsAt: z.iso.datetime({ offset: true, error: 'Give the time as ISO 8601 (2027-03-02T15:00:00Z).' }).optional(),
});

// ---- views ---------------------------------------------------------------------------------------

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

export interface RoomPost extends TranscriptPost {
  questionId: number | null;
  hidden: boolean;
  visibility: Visibility;
  authorActorId: number;
  contentWarning: string | null;
  avatarUrl: string | null;
  media: Array<{ url: string; alt: string; width: number | null; height: number | null }>;
}

export interface Room {
  series: SeriesView;
  chat: ChatView;
  questions: Array<QuestionView & { answers: RoomPost[] }>;
  /** The question now in play: the last one released. */
  current: QuestionView | null;
  otherPosts: RoomPost[];
  participants: number;
  /** What the composer starts with: the hashtag, and "A<n>" for the current question. */
  prefill: string;
}

export interface ChatHistoryEntry {
  series: { slug: string; title: string; hashtag: string };
  chat: { date: string; topic: string; startsAt: number; url: string };
  posts: number;
  answers: Array<{ label: string; text: string; postUrl: string }>;
}

type SeriesRow = Selectable<ChatSeriesTable>;
type ChatRow = Selectable<ChatsTable>;
type QuestionRow = Selectable<ChatQuestionsTable>;

export class ChatsService {
  readonly #ctx: ChatsContext;

  constructor(ctx: ChatsContext) {
    this.#ctx = ctx;
    ctx.social.posts.onCreate((tx, post) => this.#linkPost(tx, post));
  }

  get #db() {
    return this.#ctx.database.db;
  }

  get #baseUrl() {
    return this.#ctx.config.baseUrl;
  }

  // ---- series ----------------------------------------------------------------------------------

  async createSeries(viewer: Viewer, raw: unknown, now = this.#ctx.clock.now()): Promise<SeriesView> {
    const input = parseInput(seriesInputSchema, raw);
    const tag = parseText(`#${input.hashtag.replace(/^#/, '')}`).hashtags[0];
    if (!tag) throw UserError.field('hashtag', 'A hashtag is letters, digits and _ (like #tlchat).');
    const recurrence: Recurrence = input.kind === 'backchannel' ? { freq: 'once' } : (input.recurrence as Recurrence);
    const schedule: Schedule = {
      recurrence,
      startDate: input.startDate,
      time: parseLocalTime(input.time)!,
      timeZone: input.timeZone,
      durationMinutes: input.durationMinutes,
    };
    if (
      recurrence.freq === 'once' &&
      occurrences(schedule, now - schedule.durationMinutes * 60_000, Number.MAX_SAFE_INTEGER, 1).length === 0
    ) {
      throw UserError.field('startDate', 'That date and time are over: choose one to come.');
    }
    const slug = input.slug ?? tag.slug.slice(0, 50);
    if (RESERVED_SLUGS.has(slug)) throw UserError.field('slug', `“${slug}” is reserved: choose another address.`);
    const taken = await this.#db.selectFrom('chat_series').select('id').where('slug', '=', slug).executeTakeFirst();
    if (taken) throw UserError.field('slug', `There is already a series at /chats/${slug}: choose another address.`, 409, 'taken');
    await this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('chat_series')
        .values({
          slug,
          kind: input.kind,
          hashtag: tag.slug,
          hashtag_name: tag.name,
          title: input.title,
          description: input.description,
          time_zone: input.timeZone,
          recurrence: JSON.stringify(recurrence),
          start_date: input.startDate,
          start_time: schedule.time,
          duration_minutes: input.durationMinutes,
          question_interval: input.questionInterval ?? null,
          owner_id: viewer.memberId,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('chat_moderators')
        .values({ series_id: row.id, member_id: viewer.memberId, role: 'host', created_at: now })
        .execute();
      return row.id;
    });
    await this.#planSeries(await this.#seriesRow(slug), now);
    return this.series(viewer, slug);
  }

  async updateSeries(viewer: Viewer, slug: string, raw: unknown): Promise<SeriesView> {
    const input = parseInput(seriesUpdateSchema, raw);
    const series = await this.#seriesRow(slug);
    await this.#requireRole(viewer, series, 'host');
    const changes = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.questionInterval !== undefined ? { question_interval: input.questionInterval } : {}),
    };
    if (Object.keys(changes).length) await this.#db.updateTable('chat_series').set(changes).where('id', '=', series.id).execute();
    return this.series(viewer, slug);
  }

  async series(viewer: Viewer | null, slug: string): Promise<SeriesView> {
    return (await this.#seriesViews(viewer, [await this.#seriesRow(slug)]))[0]!;
  }

  /** Every series, with its next chat; the ones the viewer hosts or moderates first. */
  async allSeries(
    viewer: Viewer | null,
    now = this.#ctx.clock.now(),
  ): Promise<Array<SeriesView & { next: ChatView | null; live: ChatView | null }>> {
    const rows = await this.#db.selectFrom('chat_series').selectAll().orderBy('title').limit(500).execute();
    const views = await this.#seriesViews(viewer, rows);
    const chats = rows.length
      ? await this.#db
          .selectFrom('chats')
          .selectAll()
          .where(
            'series_id',
            'in',
            rows.map((r) => r.id),
          )
          .where((eb) => eb.or([eb('state', '=', 'live'), eb.and([eb('state', '=', 'scheduled'), eb('ends_at', '>', now)])]))
          .orderBy('starts_at')
          .execute()
      : [];
    const chatViews = await this.#chatViews(viewer, chats, rows);
    return views
      .map((v) => ({
        ...v,
        live: chatViews.find((c) => c.seriesId === v.id && c.state === 'live') ?? null,
        next: chatViews.find((c) => c.seriesId === v.id && c.state === 'scheduled') ?? null,
      }))
      .sort((a, b) => Number(b.role !== null) - Number(a.role !== null));
  }

  async addModerator(viewer: Viewer, slug: string, handle: string, role: 'host' | 'moderator' = 'moderator'): Promise<SeriesView> {
    const series = await this.#seriesRow(slug);
    await this.#requireRole(viewer, series, 'host');
    const member = await this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select('members.id')
      .where('actors.acct', '=', handle.replace(/^@/, '').toLowerCase())
      .where('members.suspended_at', 'is', null)
      .executeTakeFirst();
    if (!member) throw UserError.field('handle', `There is no member @${handle.replace(/^@/, '')} here.`);
    await this.#db
      .insertInto('chat_moderators')
      .values({ series_id: series.id, member_id: member.id, role, created_at: this.#ctx.clock.now() })
      .onConflict((oc) => oc.columns(['series_id', 'member_id']).doUpdateSet({ role }))
      .execute();
    return this.series(viewer, slug);
  }

  async removeModerator(viewer: Viewer, slug: string, handle: string): Promise<SeriesView> {
    const series = await this.#seriesRow(slug);
    await this.#requireRole(viewer, series, 'host');
    const member = await this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select('members.id')
      .where('actors.acct', '=', handle.replace(/^@/, '').toLowerCase())
      .executeTakeFirst();
    if (!member) throw UserError.notFound(`@${handle} does not moderate this series.`);
    await this.#db.transaction().execute(async (tx) => {
      const hosts = await tx
        .selectFrom('chat_moderators')
        .select('member_id')
        .where('series_id', '=', series.id)
        .where('role', '=', 'host')
        .execute();
      if (hosts.length === 1 && hosts[0]!.member_id === member.id)
        throw new UserError(409, 'last_host', 'A series needs a host: name another host first.');
      const removed = await tx
        .deleteFrom('chat_moderators')
        .where('series_id', '=', series.id)
        .where('member_id', '=', member.id)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw UserError.notFound(`@${handle} does not moderate this series.`);
    });
    return this.series(viewer, slug);
  }

  // ---- chats -----------------------------------------------------------------------------------

  async chat(
    viewer: Viewer | null,
    slug: string,
    date: string,
  ): Promise<{ series: SeriesView; chat: ChatView; questions: QuestionView[] }> {
    const { series, chat } = await this.#chatRows(slug, date);
    const [seriesView] = await this.#seriesViews(viewer, [series]);
    const [chatView] = await this.#chatViews(viewer, [chat], [series]);
    return { series: seriesView!, chat: chatView!, questions: await this.#questions(series, chat.id) };
  }

  /** A series' chats: `upcoming` (scheduled and live) or `past` (ended), searchable over topic, questions and posts. */
  async chats(
    viewer: Viewer | null,
    slug: string,
    options: { when: 'upcoming' | 'past'; q?: string; limit?: number; now?: number },
  ): Promise<ChatView[]> {
    const series = await this.#seriesRow(slug);
    const now = options.now ?? this.#ctx.clock.now();
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
          eb.exists(
            eb
              .selectFrom('chat_posts')
              .innerJoin('posts', 'posts.id', 'chat_posts.post_id')
              .select('posts.id')
              .whereRef('chat_posts.chat_id', '=', 'chats.id')
              .where('chat_posts.hidden', '=', 0)
              .where('posts.visibility', '=', 'public')
              .where(matches('posts.text')),
          ),
        ]),
      );
    }
    const rows = await query.limit(options.limit ?? 50).execute();
    return this.#chatViews(viewer, rows, [series]);
  }

  async updateChat(viewer: Viewer, slug: string, date: string, raw: unknown): Promise<ChatView> {
    const input = parseInput(chatUpdateSchema, raw);
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    if (chat.state === 'ended' || chat.state === 'cancelled')
      throw new UserError(409, 'chat_over', 'This chat is over: its transcript no longer changes.');
    const changes = {
      ...(input.topic !== undefined ? { topic: input.topic } : {}),
      ...(input.questionInterval !== undefined ? { question_interval: input.questionInterval } : {}),
    };
    if (Object.keys(changes).length) await this.#db.updateTable('chats').set(changes).where('id', '=', chat.id).execute();
    return (await this.chat(viewer, slug, date)).chat;
  }

  async addQuestion(viewer: Viewer, slug: string, date: string, raw: unknown, image?: Uint8Array): Promise<QuestionView> {
    const input = parseInput(questionInputSchema, raw);
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    if (chat.state === 'ended' || chat.state === 'cancelled')
      throw new UserError(409, 'chat_over', 'This chat is over: questions can no longer be added.');
    const window = this.#sessionWindow(input, chat);
    let imageUrl: string | null = null;
    if (image && image.byteLength > 0) {
      if (!input.imageAlt) throw UserError.field('imageAlt', 'Describe the image for people who cannot see it (alt text).');
      if (image.byteLength > this.#ctx.config.maxUploadBytes) throw UserError.field('image', 'The image is too large.', 413, 'too_large');
      const processed = await processImage(image, { field: 'image', maxSize: 1600 });
      imageUrl = await this.#ctx.storage.put('chats', processed.extension, processed.bytes);
    }
    const id = await this.#db.transaction().execute(async (tx) => {
      const last = await tx
        .selectFrom('chat_questions')
        .select((eb) => eb.fn.max('number').as('n'))
        .where('chat_id', '=', chat.id)
        .executeTakeFirst();
      const number = Number(last?.n ?? 0) + 1;
      if (number > QUESTIONS_MAX) throw new UserError(409, 'too_many_questions', `A chat can have at most ${QUESTIONS_MAX} questions.`);
      const row = await tx
        .insertInto('chat_questions')
        .values({
          chat_id: chat.id,
          number,
          label: series.kind === 'backchannel' ? (input.label ?? '') : '',
          text: input.text,
          image_url: imageUrl,
          image_alt: imageUrl ? (input.imageAlt ?? '') : null,
          starts_at: window.startsAt,
          ends_at: window.endsAt,
          created_at: this.#ctx.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return (await this.#questions(series, chat.id)).find((q) => q.id === id)!;
  }

  async updateQuestion(viewer: Viewer, slug: string, date: string, number: number, raw: unknown): Promise<QuestionView> {
    const input = parseInput(questionInputSchema, raw);
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    const question = await this.#questionRow(chat.id, number);
    if (question.released_at !== null)
      throw new UserError(
        409,
        'already_released',
        `${questionLabel(series.kind, number, question.label)} was already asked: it can no longer change.`,
      );
    const window = this.#sessionWindow(input, chat);
    await this.#db
      .updateTable('chat_questions')
      .set({
        text: input.text,
        label: series.kind === 'backchannel' ? (input.label ?? question.label) : '',
        starts_at: window.startsAt,
        ends_at: window.endsAt,
        ...(input.imageAlt !== undefined && question.image_url ? { image_alt: input.imageAlt } : {}),
      })
      .where('id', '=', question.id)
      .execute();
    return (await this.#questions(series, chat.id)).find((q) => q.id === question.id)!;
  }

  /** Removes an unasked question; the ones after it move up a number. */
  async deleteQuestion(viewer: Viewer, slug: string, date: string, number: number): Promise<void> {
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    const question = await this.#questionRow(chat.id, number);
    if (question.released_at !== null)
      throw new UserError(
        409,
        'already_released',
        `${questionLabel(series.kind, number, question.label)} was already asked: it stays in the transcript.`,
      );
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('chat_questions').where('id', '=', question.id).execute();
      const later = await tx
        .selectFrom('chat_questions')
        .select(['id', 'number'])
        .where('chat_id', '=', chat.id)
        .where('number', '>', number)
        .orderBy('number')
        .execute();
      for (const q of later)
        await tx
          .updateTable('chat_questions')
          .set({ number: q.number - 1 })
          .where('id', '=', q.id)
          .execute();
    });
    if (question.image_url) await this.#ctx.storage.delete(question.image_url);
  }

  /** Starts a scheduled chat now (the timer starts it at the hour anyway). */
  async start(viewer: Viewer, slug: string, date: string, now = this.#ctx.clock.now()): Promise<ChatView> {
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    if (chat.state === 'live') throw new UserError(409, 'already_live', 'This chat has already started.');
    if (chat.state !== 'scheduled')
      throw new UserError(409, 'chat_over', chat.state === 'cancelled' ? 'This chat was cancelled.' : 'This chat has ended.');
    if (chat.starts_at - now > EARLY_START_MS) throw new UserError(409, 'too_early', 'A chat can start at most a day before its time.');
    await this.#begin(series, chat, now);
    return (await this.chat(viewer, slug, date)).chat;
  }

  async #begin(series: SeriesRow, chat: ChatRow, now: number): Promise<boolean> {
    const interval = chat.question_interval ?? series.question_interval;
    const started = await this.#db
      .updateTable('chats')
      .set({ state: 'live', started_at: now, question_interval: interval, next_release_at: interval ? now : null })
      .where('id', '=', chat.id)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    if (Number(started.numUpdatedRows) === 0) return false;
    await this.#announceState(chat.id, 'live');
    // Timed questions: Q1 at the start, then one every `interval` minutes.
    if (interval) await this.#releaseDue(now);
    return true;
  }

  /** Ends a live chat: posts after now no longer join it, and its transcript is final. */
  async end(viewer: Viewer, slug: string, date: string, now = this.#ctx.clock.now()): Promise<ChatView> {
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    if (chat.state === 'scheduled') throw new UserError(409, 'not_live', 'This chat has not started yet.');
    if (chat.state !== 'live') throw new UserError(409, 'chat_over', 'This chat has already ended.');
    await this.#finish(chat.id, now);
    return (await this.chat(viewer, slug, date)).chat;
  }

  async #finish(chatId: number, now: number): Promise<boolean> {
    const ended = await this.#db
      .updateTable('chats')
      .set({ state: 'ended', ended_at: now, next_release_at: null })
      .where('id', '=', chatId)
      .where('state', '=', 'live')
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) === 0) return false;
    await this.#announceState(chatId, 'ended');
    return true;
  }

  async cancel(viewer: Viewer, slug: string, date: string): Promise<ChatView> {
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'host');
    const cancelled = await this.#db
      .updateTable('chats')
      .set({ state: 'cancelled' })
      .where('id', '=', chat.id)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 0)
      throw new UserError(409, 'not_scheduled', 'Only a chat that has not started can be cancelled.');
    return (await this.chat(viewer, slug, date)).chat;
  }

  /**
   * Asks the next question as a post by `viewer` ("Q2 What do you read? #tlchat"). Questions go
   * in order: asking Q3 before Q2 is refused. The question is marked asked in the post's own
   * transaction, so two moderators pressing at once make one post.
   */
  async release(viewer: Viewer, slug: string, date: string, number?: number, now = this.#ctx.clock.now()): Promise<QuestionView> {
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    return this.#release(viewer, series, chat, number, now);
  }

  async #release(viewer: Viewer, series: SeriesRow, chat: ChatRow, number: number | undefined, now: number): Promise<QuestionView> {
    if (chat.state === 'scheduled') throw new UserError(409, 'not_live', 'Start the chat before asking questions.');
    if (chat.state !== 'live') throw new UserError(409, 'chat_over', 'This chat has ended.');
    const next = await this.#db
      .selectFrom('chat_questions')
      .selectAll()
      .where('chat_id', '=', chat.id)
      .where('released_at', 'is', null)
      .orderBy('number')
      .limit(1)
      .executeTakeFirst();
    const label = (n: number) => questionLabel(series.kind, n, '');
    if (number !== undefined) {
      const wanted = await this.#db
        .selectFrom('chat_questions')
        .selectAll()
        .where('chat_id', '=', chat.id)
        .where('number', '=', number)
        .executeTakeFirst();
      if (!wanted) throw UserError.notFound(`There is no ${label(number)} in this chat.`);
      if (wanted.released_at !== null) throw new UserError(409, 'already_released', `${label(number)} was already asked.`);
      if (next && next.number !== number)
        throw new UserError(409, 'out_of_order', `Questions go in order: ask ${label(next.number)} before ${label(number)}.`);
    }
    if (!next) throw new UserError(409, 'no_more_questions', 'Every question has been asked.');
    const media: number[] = [];
    if (next.image_url) {
      // The question's image becomes the post's (the file stays where it is).
      const row = await this.#db
        .insertInto('media')
        .values({
          member_id: viewer.memberId,
          post_id: null,
          url: next.image_url,
          alt: next.image_alt ?? '',
          width: null,
          height: null,
          content_type: 'image/webp',
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      media.push(row.id);
    }
    const text = `${questionLabel(series.kind, next.number, next.label)}${series.kind === 'backchannel' && next.label ? ':' : ''} ${next.text} #${series.hashtag_name}`;
    try {
      // `now` is the clock's time, except when a test or the demo moves time: the post is dated by it too.
      await this.#ctx.social.posts.create(
        viewer,
        { text: text.slice(0, this.#ctx.config.postMaxChars), visibility: 'public', ...(media.length ? { mediaIds: media } : {}) },
        [],
        {
          at: now,
          occasion: { kind: 'question', questionId: next.id },
        },
      );
    } catch (error) {
      // Not asked after all: drop the media row (never the question's file, which stays the question's).
      if (media.length) await this.#db.deleteFrom('media').where('id', 'in', media).where('post_id', 'is', null).execute();
      throw error;
    }
    return (await this.#questions(series, chat.id)).find((q) => q.id === next.id)!;
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
    const { series, chat } = await this.#chatRows(slug, date);
    await this.#requireRole(viewer, series, 'moderator');
    const updated = await this.#db
      .updateTable('chat_posts')
      .set(change)
      .where('chat_id', '=', chat.id)
      .where('post_id', '=', postId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw UserError.notFound('That post is not part of this chat.');
    const row = await this.#db
      .selectFrom('chat_posts')
      .select(['highlighted', 'hidden'])
      .where('chat_id', '=', chat.id)
      .where('post_id', '=', postId)
      .executeTakeFirstOrThrow();
    await this.#ctx.events.publish({
      topics: [chatTopic(chat.id)],
      kind: 'chat.moderation',
      data: { postId, highlighted: row.highlighted === 1, hidden: row.hidden === 1 },
    });
  }

  async rsvp(viewer: Viewer, slug: string, date: string, going: boolean): Promise<ChatView> {
    const { chat } = await this.#chatRows(slug, date);
    if (going) {
      if (chat.state === 'ended' || chat.state === 'cancelled')
        throw new UserError(409, 'chat_over', chat.state === 'ended' ? 'This chat is over.' : 'This chat was cancelled.');
      await this.#db
        .insertInto('chat_rsvps')
        .values({ chat_id: chat.id, member_id: viewer.memberId, created_at: this.#ctx.clock.now() })
        .onConflict((oc) => oc.columns(['chat_id', 'member_id']).doNothing())
        .execute();
    } else {
      await this.#db.deleteFrom('chat_rsvps').where('chat_id', '=', chat.id).where('member_id', '=', viewer.memberId).execute();
    }
    return (await this.chat(viewer, slug, date)).chat;
  }

  /** The chats a member will attend or helps run, from a month ago on. */
  async mine(viewer: Viewer, now = this.#ctx.clock.now()): Promise<Array<{ series: SeriesView; chat: ChatView }>> {
    return this.#memberChats(viewer.memberId, viewer, now);
  }

  async #memberChats(memberId: number, viewer: Viewer | null, now: number): Promise<Array<{ series: SeriesView; chat: ChatView }>> {
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
    const seriesViews = new Map((await this.#seriesViews(viewer, seriesRows)).map((s) => [s.id, s]));
    const chatViews = await this.#chatViews(viewer, rows, seriesRows);
    return chatViews.map((chat) => ({ series: seriesViews.get(chat.seriesId)!, chat }));
  }

  // ---- calendars -------------------------------------------------------------------------------

  /** The secret part of a member's "my chats" calendar URL (calendar apps cannot sign in). */
  calendarToken(memberId: number): string {
    return hmac(this.#ctx.secretKey, `chats-calendar:${memberId}`).slice(0, 32);
  }

  myCalendarUrl(memberId: number): string {
    return `${this.#baseUrl}/chats/calendar/${memberId}-${this.calendarToken(memberId)}.ics`;
  }

  /** The member behind a calendar URL's key, or 404. */
  async calendarMember(key: string): Promise<number> {
    const [, id, token] = /^(\d{1,15})-([\w-]{32})$/.exec(key) ?? [];
    if (!id || !token || !safeEqual(token, this.calendarToken(Number(id)))) throw UserError.notFound('There is no such calendar.');
    return Number(id);
  }

  /** What a calendar shows: a series' chats, or a member's, from a month ago to three months ahead. */
  async calendarChats(
    scope: { slug: string } | { memberId: number },
    now = this.#ctx.clock.now(),
  ): Promise<Array<{ series: SeriesView; chat: ChatView }>> {
    if ('memberId' in scope) return this.#memberChats(scope.memberId, null, now);
    const series = await this.series(null, scope.slug);
    const rows = await this.#db
      .selectFrom('chats')
      .selectAll()
      .where('series_id', '=', series.id)
      .where('starts_at', '>=', now - 30 * 86_400_000)
      .orderBy('starts_at')
      .limit(200)
      .execute();
    const seriesRow = await this.#seriesRow(scope.slug);
    return (await this.#chatViews(null, rows, [seriesRow])).map((chat) => ({ series, chat }));
  }

  // ---- the room and the transcript --------------------------------------------------------------

  /** What the live room (and, once the chat ended, the transcript page) shows this viewer. */
  async room(viewer: Viewer | null, slug: string, date: string): Promise<Room> {
    const { series, chat, questions } = await this.chat(viewer, slug, date);
    const moderator = series.role !== null;
    const quiet = viewer ? await this.#silenced(viewer.actorId) : new Set<number>();
    const posts = (await this.roomPosts(chat.id, { includeHidden: moderator })).filter(
      (p) => (viewer || p.visibility === 'public') && !quiet.has(p.authorActorId),
    );
    const byQuestion = new Map<number, RoomPost[]>();
    const otherPosts: RoomPost[] = [];
    for (const post of posts) {
      if (post.questionId !== null && questions.some((q) => q.id === post.questionId))
        byQuestion.set(post.questionId, [...(byQuestion.get(post.questionId) ?? []), post]);
      else otherPosts.push(post);
    }
    const released = questions.filter((q) => q.releasedAt !== null);
    const current = released.at(-1) ?? null;
    return {
      series,
      chat,
      questions: questions.map((q) => ({ ...q, answers: byQuestion.get(q.id) ?? [] })),
      current,
      otherPosts,
      participants: new Set(posts.map((p) => p.authorActorId)).size,
      prefill: `${current ? answerPrefix(series.kind, current.number) : ''}\n\n#${series.hashtag}`.trimStart(),
    };
  }

  /**
   * A chat's posts in time order: one query for posts and authors, one for images, whatever
   * the number of posts (a 5,000-post transcript is two queries). Deleted posts are left out,
   * hidden ones unless asked for.
   */
  async roomPosts(chatId: number, options: { includeHidden: boolean; postId?: number }): Promise<RoomPost[]> {
    let query = this.#db
      .selectFrom('chat_posts')
      .innerJoin('posts', 'posts.id', 'chat_posts.post_id')
      .innerJoin('actors', 'actors.id', 'posts.actor_id')
      .select([
        'chat_posts.post_id',
        'chat_posts.question_id',
        'chat_posts.first_time',
        'chat_posts.highlighted',
        'chat_posts.hidden',
        'posts.text',
        'posts.html',
        'posts.visibility',
        'posts.content_warning',
        'posts.has_media',
        'posts.created_at',
        'actors.id as actor_id',
        'actors.handle',
        'actors.acct',
        'actors.domain',
        'actors.display_name',
        'actors.avatar_url',
        'actors.url as actor_url',
        'actors.role',
        'actors.role_other',
      ])
      .where('chat_posts.chat_id', '=', chatId)
      .where('posts.deleted_at', 'is', null);
    if (!options.includeHidden) query = query.where('chat_posts.hidden', '=', 0);
    if (options.postId !== undefined) query = query.where('chat_posts.post_id', '=', options.postId);
    const rows = await query.orderBy('chat_posts.post_id').execute();
    const withMedia = rows.filter((r) => r.has_media === 1).map((r) => r.post_id);
    const media = new Map<number, RoomPost['media']>();
    for (let i = 0; i < withMedia.length; i += 500) {
      const chunk = await this.#db
        .selectFrom('media')
        .select(['post_id', 'url', 'alt', 'width', 'height'])
        .where('post_id', 'in', withMedia.slice(i, i + 500))
        .orderBy('post_id')
        .orderBy('position')
        .execute();
      for (const m of chunk)
        media.set(m.post_id!, [...(media.get(m.post_id!) ?? []), { url: m.url, alt: m.alt, width: m.width, height: m.height }]);
    }
    return rows.map((r) => {
      const author = actorSummary(
        {
          id: r.actor_id,
          handle: r.handle,
          acct: r.acct,
          domain: r.domain,
          display_name: r.display_name,
          avatar_url: r.avatar_url,
          url: r.actor_url,
          role: r.role,
          role_other: r.role_other,
        },
        this.#baseUrl,
      );
      const path = author.local ? `/@${author.handle}/${r.post_id}` : `/posts/${r.post_id}`;
      return {
        id: r.post_id,
        url: `${this.#baseUrl}${path}`,
        author: { handle: author.acct, displayName: author.displayName, url: author.url },
        authorActorId: r.actor_id,
        avatarUrl: r.avatar_url,
        text: r.text,
        html: r.html,
        createdAt: r.created_at,
        highlighted: r.highlighted === 1,
        firstTime: r.first_time === 1,
        questionId: r.question_id,
        hidden: r.hidden === 1,
        visibility: r.visibility,
        contentWarning: r.content_warning,
        media: media.get(r.post_id) ?? [],
      };
    });
  }

  /** The permanent record of an ended chat: public posts, hidden ones left out. */
  async transcript(viewer: Viewer | null, slug: string, date: string): Promise<Transcript> {
    const { series, chat, questions } = await this.chat(viewer, slug, date);
    if (chat.state !== 'ended')
      throw new UserError(
        409,
        'not_ended',
        chat.state === 'live' ? 'The chat is still going: its transcript is ready when it ends.' : 'This chat has not happened yet.',
      );
    const posts = (await this.roomPosts(chat.id, { includeHidden: false })).filter((p) => p.visibility === 'public');
    const linked = new Map<number, TranscriptPost[]>();
    const otherPosts: TranscriptPost[] = [];
    const questionIds = new Set(questions.map((q) => q.id));
    const people = new Map<string, Transcript['participants'][number]>();
    for (const post of posts) {
      const plain: TranscriptPost = {
        id: post.id,
        url: post.url,
        author: post.author,
        text: post.text,
        html: post.html,
        createdAt: post.createdAt,
        highlighted: post.highlighted,
        firstTime: post.firstTime,
      };
      const answers = post.questionId !== null && questionIds.has(post.questionId);
      if (answers) linked.set(post.questionId!, [...(linked.get(post.questionId!) ?? []), plain]);
      else otherPosts.push(plain);
      const person = people.get(post.author.handle) ?? { ...post.author, posts: 0, answers: 0, firstTime: post.firstTime };
      person.posts++;
      if (answers) person.answers++;
      people.set(post.author.handle, person);
    }
    const participants = [...people.values()].sort((a, b) => b.posts - a.posts || a.displayName.localeCompare(b.displayName));
    const answerCount = [...linked.values()].reduce((n, list) => n + list.length, 0);
    return {
      series: { slug: series.slug, title: series.title, hashtag: series.hashtag, kind: series.kind, url: series.url },
      chat: {
        date: chat.date,
        topic: chat.topic,
        startsAt: chat.startsAt,
        endsAt: chat.endsAt,
        startedAt: chat.startedAt,
        endedAt: chat.endedAt,
        url: chat.url,
        timeZone: series.timeZone,
      },
      questions: questions.map((q) => ({
        number: q.number,
        label: q.label,
        text: q.text,
        imageUrl: q.imageUrl ? new URL(q.imageUrl, this.#baseUrl).toString() : null,
        imageAlt: q.imageAlt,
        releasedAt: q.releasedAt,
        postUrl: q.postUrl,
        answers: linked.get(q.id) ?? [],
      })),
      otherPosts,
      participants,
      counts: {
        posts: posts.length,
        answers: answerCount,
        participants: participants.length,
        highlighted: posts.filter((p) => p.highlighted).length,
        firstTimers: participants.filter((p) => p.firstTime).length,
      },
    };
  }

  /** The chats a person took part in, newest first, with what they answered. */
  async history(viewer: Viewer | null, handle: string, limit = 50): Promise<ChatHistoryEntry[]> {
    const actor = await this.#db.selectFrom('actors').select('id').where('acct', '=', handle.toLowerCase()).executeTakeFirst();
    if (!actor) throw UserError.notFound('There is no such person here.');
    const quiet = viewer ? await this.#silenced(viewer.actorId) : new Set<number>();
    if (quiet.has(actor.id)) return [];
    const rows = await this.#db
      .selectFrom('chat_posts')
      .innerJoin('posts', 'posts.id', 'chat_posts.post_id')
      .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .leftJoin('chat_questions', 'chat_questions.id', 'chat_posts.question_id')
      .select([
        'chats.id as chat_id',
        'chats.date',
        'chats.topic',
        'chats.starts_at',
        'chat_series.slug',
        'chat_series.title',
        'chat_series.hashtag_name',
        'chat_series.kind',
        'chat_questions.number',
        'chat_questions.label',
        'posts.id as post_id',
        'posts.text',
      ])
      .where('chat_posts.actor_id', '=', actor.id)
      .where('chat_posts.hidden', '=', 0)
      .where('posts.deleted_at', 'is', null)
      .where('posts.visibility', 'in', viewer ? ['public', 'members'] : ['public'])
      .orderBy('chats.starts_at', 'desc')
      .orderBy('posts.id')
      .limit(2000)
      .execute();
    const entries = new Map<number, ChatHistoryEntry>();
    for (const r of rows) {
      let entry = entries.get(r.chat_id);
      if (!entry) {
        if (entries.size >= limit) break;
        entry = {
          series: { slug: r.slug, title: r.title, hashtag: r.hashtag_name },
          chat: { date: r.date, topic: r.topic, startsAt: r.starts_at, url: `${this.#baseUrl}/chats/${r.slug}/${r.date}` },
          posts: 0,
          answers: [],
        };
        entries.set(r.chat_id, entry);
      }
      entry.posts++;
      if (r.number !== null)
        entry.answers.push({
          label: questionLabel(r.kind, r.number, r.label ?? ''),
          text: r.text,
          postUrl: `${this.#baseUrl}/posts/${r.post_id}`,
        });
    }
    return [...entries.values()];
  }

  // ---- linking posts ---------------------------------------------------------------------------

  /**
   * In a new post's transaction: the post joins every live chat whose hashtag it carries, or
   * whose question it replies to. A question's own post (released above) is marked asked.
   */
  async #linkPost(tx: Tx, post: NewPost): Promise<string[]> {
    const questionId = post.occasion?.kind === 'question' ? post.occasion.questionId : null;
    if (questionId !== null) {
      const topics = await this.#markAsked(tx, questionId, post.createdAt, post.id);
      await this.#share(tx, post, questionId);
      return topics;
    }
    if (!isListed(post.visibility)) return [];
    // A remote post addressed to a series' group actor (a mention of @tlchat@our.host).
    const addressed = post.occasion?.kind === 'group-mention' ? post.occasion.groups : [];
    const repliedQuestion = post.replyToId
      ? await tx.selectFrom('chat_questions').select(['id', 'chat_id']).where('post_id', '=', post.replyToId).executeTakeFirst()
      : undefined;
    if (post.tags.length === 0 && !repliedQuestion && addressed.length === 0) return [];
    const chats = await tx
      .selectFrom('chats')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .select(['chats.id', 'chats.series_id', 'chat_series.kind'])
      .where('chats.state', '=', 'live')
      .where((eb) => {
        const or = [];
        if (post.tags.length) or.push(eb('chat_series.hashtag', 'in', post.tags));
        if (repliedQuestion) or.push(eb('chats.id', '=', repliedQuestion.chat_id));
        if (addressed.length) or.push(eb('chat_series.slug', 'in', addressed));
        return eb.or(or);
      })
      .execute();
    const topics: string[] = [];
    for (const chat of chats) {
      const question = await this.#answeredQuestion(tx, chat, post, repliedQuestion?.chat_id === chat.id ? repliedQuestion.id : null);
      const earlier = await tx
        .selectFrom('chat_posts')
        .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
        .select('chat_posts.chat_id')
        .where('chat_posts.actor_id', '=', post.actorId)
        .where('chats.series_id', '=', chat.series_id)
        .where('chat_posts.chat_id', '<>', chat.id)
        .limit(1)
        .executeTakeFirst();
      await tx
        .insertInto('chat_posts')
        .values({
          chat_id: chat.id,
          post_id: post.id,
          actor_id: post.actorId,
          question_id: question,
          first_time: earlier ? 0 : 1,
          created_at: post.createdAt,
        })
        .onConflict((oc) => oc.columns(['chat_id', 'post_id']).doNothing())
        .execute();
      await tx
        .updateTable('chats')
        .set((eb) => ({ post_count: eb('post_count', '+', 1) }))
        .where('id', '=', chat.id)
        .execute();
      if (post.visibility === 'public') await this.#ctx.social.outbox.emit(tx, { type: 'chat', seriesId: chat.series_id, postId: post.id });
      topics.push(chatTopic(chat.id));
    }
    return topics;
  }

  /** Public questions are boosted by the series' group actor to its fediverse followers. */
  async #share(tx: Tx, post: NewPost, questionId: number): Promise<void> {
    if (post.visibility !== 'public') return;
    const row = await tx
      .selectFrom('chat_questions')
      .innerJoin('chats', 'chats.id', 'chat_questions.chat_id')
      .select('chats.series_id')
      .where('chat_questions.id', '=', questionId)
      .executeTakeFirstOrThrow();
    await this.#ctx.social.outbox.emit(tx, { type: 'chat', seriesId: row.series_id, postId: post.id });
  }

  /** Which question a post answers: the number it gives ("A2"), else the question it replies to, else (backchannels) the one session going on now. */
  async #answeredQuestion(
    tx: Tx,
    chat: { id: number; kind: ChatKind },
    post: NewPost,
    repliedQuestionId: number | null,
  ): Promise<number | null> {
    const number = answerNumber(post.text, chat.kind === 'chat' ? 'A' : 'S');
    if (number !== null) {
      // "A17" in a six-question chat, or an answer to a question not asked yet: kept as a post, not linked.
      const row = await tx
        .selectFrom('chat_questions')
        .select('id')
        .where('chat_id', '=', chat.id)
        .where('number', '=', number)
        .where('released_at', 'is not', null)
        .executeTakeFirst();
      return row?.id ?? null;
    }
    if (repliedQuestionId !== null) return repliedQuestionId;
    if (chat.kind !== 'backchannel') return null;
    const now = post.createdAt;
    const sessions = await tx
      .selectFrom('chat_questions')
      .select('id')
      .where('chat_id', '=', chat.id)
      .where('released_at', 'is not', null)
      .where('starts_at', '<=', now)
      .where('ends_at', '>', now)
      .limit(2)
      .execute();
    return sessions.length === 1 ? sessions[0]!.id : null;
  }

  async #markAsked(tx: Tx, questionId: number, at: number, postId: number): Promise<string[]> {
    const question = await tx
      .selectFrom('chat_questions')
      .innerJoin('chats', 'chats.id', 'chat_questions.chat_id')
      .select(['chat_questions.chat_id', 'chats.question_interval', 'chats.state'])
      .where('chat_questions.id', '=', questionId)
      .executeTakeFirst();
    if (question?.state !== 'live') throw new UserError(409, 'not_live', 'The chat is not live.');
    const asked = await tx
      .updateTable('chat_questions')
      .set({ released_at: at, post_id: postId })
      .where('id', '=', questionId)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    // Someone else asked it a moment ago: this post is not made (the transaction rolls back).
    if (Number(asked.numUpdatedRows) === 0) throw new UserError(409, 'already_released', 'That question was just asked.');
    const remaining = await tx
      .selectFrom('chat_questions')
      .select('id')
      .where('chat_id', '=', question.chat_id)
      .where('released_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    await tx
      .updateTable('chats')
      .set({ next_release_at: question.question_interval && remaining ? at + question.question_interval * 60_000 : null })
      .where('id', '=', question.chat_id)
      .execute();
    return [chatTopic(question.chat_id)];
  }

  // ---- the timer -------------------------------------------------------------------------------

  /**
   * Runs every few seconds: starts chats at their hour, asks timed questions, ends chats at
   * their end, reminds members who RSVPed. Each step is a conditional update, so running it
   * twice (or on two workers) does each thing once.
   */
  async tick(now = this.#ctx.clock.now()): Promise<{ started: number; released: number; ended: number; reminded: number }> {
    let started = 0;
    const due = await this.#db
      .selectFrom('chats')
      .selectAll()
      .where('state', '=', 'scheduled')
      .where('starts_at', '<=', now)
      .orderBy('starts_at')
      .limit(100)
      .execute();
    for (const chat of due) {
      if (chat.ends_at <= now) {
        // Missed entirely (the server was down): it never ran, so it has no transcript.
        await this.#db
          .updateTable('chats')
          .set({ state: 'cancelled' })
          .where('id', '=', chat.id)
          .where('state', '=', 'scheduled')
          .execute();
        continue;
      }
      const series = await this.#db.selectFrom('chat_series').selectAll().where('id', '=', chat.series_id).executeTakeFirstOrThrow();
      if (await this.#begin(series, chat, now)) started++;
    }
    // Ended first: a question due after the end is not asked.
    let ended = 0;
    const over = await this.#db
      .selectFrom('chats')
      .select('id')
      .where('state', '=', 'live')
      .where('ends_at', '<=', now)
      .limit(100)
      .execute();
    for (const chat of over) if (await this.#finish(chat.id, now)) ended++;
    const released = await this.#releaseDue(now);
    const reminded = await this.#remind(now);
    return { started, released, ended, reminded };
  }

  async #releaseDue(now: number): Promise<number> {
    const due = await this.#db
      .selectFrom('chats')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .selectAll('chats')
      .where('chats.state', '=', 'live')
      .where('chats.next_release_at', '<=', now)
      .limit(100)
      .execute();
    let released = 0;
    for (const chat of due) {
      const series = await this.#db.selectFrom('chat_series').selectAll().where('id', '=', chat.series_id).executeTakeFirstOrThrow();
      // Timed questions are asked by the longest-serving host (the owner may have handed over).
      const first = await this.#db
        .selectFrom('chat_moderators')
        .select('member_id')
        .where('series_id', '=', series.id)
        .where('role', '=', 'host')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      const host = first ? await this.#ctx.accounts.viewerForMember(first.member_id) : null;
      try {
        if (!host) throw new UserError(409, 'no_host', 'The series has no host who can ask.');
        await this.#release(host, series, chat, undefined, now);
        released++;
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        // Nothing left to ask, or asked by hand a moment ago: stop the clock for this chat.
        await this.#db
          .updateTable('chats')
          .set({ next_release_at: null })
          .where('id', '=', chat.id)
          .where('next_release_at', '=', chat.next_release_at)
          .execute();
        this.#ctx.logger.debug({ chat: chat.id, reason: error.message }, 'timed question not asked');
      }
    }
    return released;
  }

  async #remind(now: number): Promise<number> {
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
          .select('members.id')
          .where('chat_rsvps.chat_id', '=', chat.id)
          .where('members.suspended_at', 'is', null)
          .execute();
        if (going.length === 0) return [];
        await tx
          .insertInto('notifications')
          .values(
            going.map((m) => ({
              member_id: m.id,
              kind: 'chat_reminder' as const,
              actor_id: chat.actor_id,
              post_id: null,
              chat_id: chat.id,
              dedupe_key: `${m.id}:chat_reminder:${chat.id}`,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.column('dedupe_key').doNothing())
          .execute();
        return going.map((m) => m.id);
      });
      count += notified.length;
      await announceNotifications(this.#ctx, notified);
    }
    return count;
  }

  /** Plans every series' coming occurrences (hourly; also when a series is made). */
  async plan(now = this.#ctx.clock.now()): Promise<number> {
    const rows = await this.#db.selectFrom('chat_series').selectAll().execute();
    let planned = 0;
    for (const series of rows) planned += await this.#planSeries(series, now);
    return planned;
  }

  async #planSeries(series: SeriesRow, now: number): Promise<number> {
    const schedule = scheduleOf(series);
    const upcoming = occurrences(schedule, now - schedule.durationMinutes * 60_000, now + PLAN_AHEAD_MS, PLAN_MAX);
    if (upcoming.length === 0) return 0;
    const inserted = await this.#db
      .insertInto('chats')
      .values(
        upcoming.map((o) => ({
          series_id: series.id,
          date: o.date,
          starts_at: o.startsAt,
          ends_at: o.endsAt,
          state: 'scheduled' as const,
          question_interval: series.question_interval,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['series_id', 'date']).doNothing())
      .returning('id')
      .execute();
    return inserted.length;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  async #seriesRow(slug: string): Promise<SeriesRow> {
    const row = /^[a-z0-9][a-z0-9-]{0,49}$/.test(slug)
      ? await this.#db.selectFrom('chat_series').selectAll().where('slug', '=', slug).executeTakeFirst()
      : undefined;
    if (!row) throw UserError.notFound('There is no such chat series.');
    return row;
  }

  async #chatRows(slug: string, date: string): Promise<{ series: SeriesRow; chat: ChatRow }> {
    const series = await this.#seriesRow(slug);
    const chat = parseLocalDate(date)
      ? await this.#db.selectFrom('chats').selectAll().where('series_id', '=', series.id).where('date', '=', date).executeTakeFirst()
      : undefined;
    if (!chat) throw UserError.notFound(`${series.title} has no chat on ${date}.`);
    return { series, chat };
  }

  async #questionRow(chatId: number, number: number): Promise<QuestionRow> {
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
  async #requireRole(viewer: Viewer, series: SeriesRow, needed: 'host' | 'moderator'): Promise<void> {
    if (viewer.isAdmin) return;
    const role = await this.#role(viewer, series.id);
    if (role === 'host' || (needed === 'moderator' && role === 'moderator')) return;
    throw UserError.forbidden(
      needed === 'host'
        ? `Only the hosts of ${series.title} can do that.`
        : `Only the hosts and moderators of ${series.title} can do that.`,
    );
  }

  #sessionWindow(input: z.infer<typeof questionInputSchema>, chat: ChatRow): { startsAt: number | null; endsAt: number | null } {
    const startsAt = input.startsAt ? Date.parse(input.startsAt) : null;
    const endsAt = input.endsAt ? Date.parse(input.endsAt) : null;
    if ((startsAt === null) !== (endsAt === null)) throw UserError.field('endsAt', 'Give a session both a start and an end, or neither.');
    if (startsAt !== null && endsAt !== null) {
      if (endsAt <= startsAt) throw UserError.field('endsAt', 'A session ends after it starts.');
      if (startsAt < chat.starts_at || endsAt > chat.ends_at)
        throw UserError.field('startsAt', 'A session happens within the backchannel’s time.');
    }
    return { startsAt, endsAt };
  }

  /** The actors a reader does not want to see (muted, blocked) or who blocked them. */
  async #silenced(actorId: number): Promise<Set<number>> {
    const rows = await this.#db
      .selectFrom('blocks')
      .select('target_id')
      .where('actor_id', '=', actorId)
      .union(this.#db.selectFrom('mutes').select('target_id').where('actor_id', '=', actorId))
      .union(this.#db.selectFrom('blocks').select('actor_id as target_id').where('target_id', '=', actorId))
      .execute();
    return new Set(rows.map((r) => r.target_id));
  }

  silenced(viewer: Viewer | null): Promise<Set<number>> {
    return viewer ? this.#silenced(viewer.actorId) : Promise.resolve(new Set());
  }

  async #announceState(chatId: number, state: ChatState): Promise<void> {
    await this.#ctx.events.publish({ topics: [chatTopic(chatId)], kind: 'chat.state', data: { state } });
  }

  async #seriesViews(viewer: Viewer | null, rows: SeriesRow[]): Promise<SeriesView[]> {
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

  async #chatViews(viewer: Viewer | null, rows: ChatRow[], series: SeriesRow[]): Promise<ChatView[]> {
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

  async #questions(series: SeriesRow, chatId: number): Promise<QuestionView[]> {
    const rows = await this.#db
      .selectFrom('chat_questions')
      .leftJoin('posts', 'posts.id', 'chat_questions.post_id')
      .leftJoin('actors', 'actors.id', 'posts.actor_id')
      .selectAll('chat_questions')
      .select(['actors.handle', 'actors.domain'])
      .where('chat_questions.chat_id', '=', chatId)
      .orderBy('chat_questions.number')
      .execute();
    return rows.map((q) => ({
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
      postUrl: q.post_id ? `${this.#baseUrl}${q.handle && q.domain === null ? `/@${q.handle}` : '/posts'}/${q.post_id}` : null,
    }));
  }
}

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
