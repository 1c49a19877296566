import type { AccountsService } from '../accounts/index.ts';
import type { Database, Tx } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import { processImage } from '../platform/images.ts';
import type { Logger } from '../platform/logger.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { SocialService } from '../social/index.ts';
import { questionLabel } from './answers.ts';
import type { QuestionInput } from './question-schemas.ts';
import type { ChatRecords, ChatRow, QuestionView, SeriesRow } from './records.ts';

export const QUESTIONS_MAX = 30;

export interface QuestionsDeps {
  database: Database;
  config: Config;
  clock: Clock;
  storage: Storage;
  logger: Logger;
  social: SocialService;
  accounts: AccountsService;
  records: ChatRecords;
}

/**
 * A chat's questions Q1..Qn (a backchannel's named sessions S1..Sn over a time window):
 * preparing them, and asking them in order as posts, by hand or every few minutes.
 */
export class QuestionsService {
  readonly #deps: QuestionsDeps;

  constructor(deps: QuestionsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  get #records() {
    return this.#deps.records;
  }

  async add(viewer: Viewer, slug: string, date: string, input: QuestionInput, image?: Uint8Array): Promise<QuestionView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
    if (chat.state === 'ended' || chat.state === 'cancelled')
      throw new UserError(409, 'chat_over', 'This chat is over: questions can no longer be added.');
    const window = sessionWindow(input, chat);
    let imageUrl: string | null = null;
    if (image && image.byteLength > 0) {
      if (!input.imageAlt) throw UserError.field('imageAlt', 'Describe the image for people who cannot see it (alt text).');
      if (image.byteLength > this.#deps.config.maxUploadBytes) throw UserError.field('image', 'The image is too large.', 413, 'too_large');
      const processed = await processImage(image, { field: 'image', maxSize: 1600 });
      imageUrl = await this.#deps.storage.put('chats', processed.extension, processed.bytes);
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
          created_at: this.#deps.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // A timed chat that had run out of questions: its clock starts again for this one.
      if (chat.state === 'live' && chat.question_interval) await this.#restartClock(tx, chat.id, chat.question_interval);
      return row.id;
    });
    return (await this.#records.questions(series, chat.id)).find((q) => q.id === id)!;
  }

  async update(viewer: Viewer, slug: string, date: string, number: number, input: QuestionInput): Promise<QuestionView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
    const question = await this.#records.questionRow(chat.id, number);
    if (question.released_at !== null)
      throw new UserError(
        409,
        'already_released',
        `${questionLabel(series.kind, number, question.label)} was already asked: it can no longer change.`,
      );
    const window = sessionWindow(input, chat);
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
    return (await this.#records.questions(series, chat.id)).find((q) => q.id === question.id)!;
  }

  /** Removes an unasked question; the ones after it move up a number. */
  async delete(viewer: Viewer, slug: string, date: string, number: number): Promise<void> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
    const question = await this.#records.questionRow(chat.id, number);
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
    if (question.image_url) await this.#deps.storage.delete(question.image_url);
  }

  /**
   * Asks the next question as a post by `viewer` ("Q2 What do you read? #tlchat"). Questions go
   * in order: asking Q3 before Q2 is refused. The question is marked asked in the post's own
   * transaction (see post-linking.ts), so two moderators pressing at once make one post.
   */
  async release(viewer: Viewer, slug: string, date: string, number?: number, now = this.#deps.clock.now()): Promise<QuestionView> {
    const { series, chat } = await this.#records.chatRows(slug, date);
    await this.#records.requireRole(viewer, series, 'moderator');
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
    const text = `${questionLabel(series.kind, next.number, next.label)}${series.kind === 'backchannel' && next.label ? ':' : ''} ${next.text} #${series.hashtag_name}`;
    // The question's image becomes the post's (the file stays where it is, the question's).
    const media = next.image_url
      ? [{ url: next.image_url, alt: next.image_alt ?? '', width: null, height: null, contentType: 'image/webp' }]
      : [];
    // `now` is the clock's time, except when a test or the demo moves time: the post is dated by it too.
    await this.#deps.social.posts.create(viewer, { text: text.slice(0, this.#deps.config.postMaxChars), visibility: 'public' }, [], {
      at: now,
      occasion: { kind: 'question', questionId: next.id },
      ...(media.length ? { media } : {}),
    });
    return (await this.#records.questions(series, chat.id)).find((q) => q.id === next.id)!;
  }

  /**
   * Sets a live chat's next timed question, when its clock had stopped: an interval after the
   * last question asked, or now if that is past. (A running clock is left alone.)
   */
  async #restartClock(tx: Tx, chatId: number, intervalMinutes: number): Promise<void> {
    const last = await tx
      .selectFrom('chat_questions')
      .select((eb) => eb.fn.max('released_at').as('at'))
      .where('chat_id', '=', chatId)
      .executeTakeFirst();
    const at = Math.max(this.#deps.clock.now(), Number(last?.at ?? 0) + intervalMinutes * 60_000);
    await tx
      .updateTable('chats')
      .set({ next_release_at: at })
      .where('id', '=', chatId)
      .where('state', '=', 'live')
      .where('next_release_at', 'is', null)
      .execute();
  }

  /** Asks the timed questions that are due (the timer, and a chat starting). */
  async releaseDue(now: number): Promise<number> {
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
      const series = await this.#records.seriesById(chat.series_id);
      // Timed questions are asked by the longest-serving host (the owner may have handed over).
      const first = await this.#db
        .selectFrom('chat_moderators')
        .select('member_id')
        .where('series_id', '=', series.id)
        .where('role', '=', 'host')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      const host = first ? await this.#deps.accounts.viewerForMember(first.member_id) : null;
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
        this.#deps.logger.debug({ chat: chat.id, reason: error.message }, 'timed question not asked');
      }
    }
    return released;
  }
}

function sessionWindow(input: QuestionInput, chat: ChatRow): { startsAt: number | null; endsAt: number | null } {
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
