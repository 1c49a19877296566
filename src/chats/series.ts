import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { parseText } from '../social/index.ts';
import type { ChatRecords, ChatView, SeriesRow, SeriesView } from './records.ts';
import { scheduleOf } from './records.ts';
import type { SeriesInput, SeriesUpdate } from './series-schemas.ts';
import { occurrences, parseLocalTime, type Recurrence, type Schedule } from './time.ts';

/** How far ahead occurrences are planned (and shown, and put in calendars). */
const PLAN_AHEAD_MS = 92 * 86_400_000;
const PLAN_MAX = 16;
const RESERVED_SLUGS = new Set(['new', 'calendar', 'mine']);

export interface SeriesDeps {
  database: Database;
  clock: Clock;
  records: ChatRecords;
}

/**
 * Series (#tlchat, every Tuesday at 20:00 in the host's zone): making and changing them, their
 * hosts and moderators, and planning their coming occurrences, each a chat.
 */
export class SeriesService {
  readonly #deps: SeriesDeps;

  constructor(deps: SeriesDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  get #records() {
    return this.#deps.records;
  }

  async create(viewer: Viewer, input: SeriesInput, now = this.#deps.clock.now()): Promise<SeriesView> {
    const kind = input.kind ?? 'chat';
    const tag = parseText(`#${input.hashtag.replace(/^#/, '')}`).hashtags[0];
    if (!tag) throw UserError.field('hashtag', 'A hashtag is letters, digits and _ (like #tlchat).');
    const recurrence: Recurrence =
      kind === 'backchannel'
        ? { freq: 'once' }
        : input.recurrence.freq === 'weekly'
          ? { ...input.recurrence, interval: input.recurrence.interval ?? 1 }
          : (input.recurrence as Recurrence);
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
          kind,
          hashtag: tag.slug,
          hashtag_name: tag.name,
          title: input.title,
          description: input.description ?? '',
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
    await this.#planSeries(await this.#records.seriesRow(slug), now);
    return this.get(viewer, slug);
  }

  async update(viewer: Viewer, slug: string, input: SeriesUpdate): Promise<SeriesView> {
    const series = await this.#records.seriesRow(slug);
    await this.#records.requireRole(viewer, series, 'host');
    const changes = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.questionInterval !== undefined ? { question_interval: input.questionInterval } : {}),
    };
    if (Object.keys(changes).length) await this.#db.updateTable('chat_series').set(changes).where('id', '=', series.id).execute();
    return this.get(viewer, slug);
  }

  async get(viewer: Viewer | null, slug: string): Promise<SeriesView> {
    return (await this.#records.seriesViews(viewer, [await this.#records.seriesRow(slug)]))[0]!;
  }

  /** Every series, with its next chat; the ones the viewer hosts or moderates first. */
  async all(
    viewer: Viewer | null,
    now = this.#deps.clock.now(),
  ): Promise<Array<SeriesView & { next: ChatView | null; live: ChatView | null }>> {
    const rows = await this.#db.selectFrom('chat_series').selectAll().orderBy('title').limit(500).execute();
    const views = await this.#records.seriesViews(viewer, rows);
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
    const chatViews = await this.#records.chatViews(viewer, chats, rows);
    return views
      .map((v) => ({
        ...v,
        live: chatViews.find((c) => c.seriesId === v.id && c.state === 'live') ?? null,
        next: chatViews.find((c) => c.seriesId === v.id && c.state === 'scheduled') ?? null,
      }))
      .sort((a, b) => Number(b.role !== null) - Number(a.role !== null));
  }

  async addModerator(viewer: Viewer, slug: string, handle: string, role: 'host' | 'moderator' = 'moderator'): Promise<SeriesView> {
    const series = await this.#records.seriesRow(slug);
    await this.#records.requireRole(viewer, series, 'host');
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
      .values({ series_id: series.id, member_id: member.id, role, created_at: this.#deps.clock.now() })
      .onConflict((oc) => oc.columns(['series_id', 'member_id']).doUpdateSet({ role }))
      .execute();
    return this.get(viewer, slug);
  }

  async removeModerator(viewer: Viewer, slug: string, handle: string): Promise<SeriesView> {
    const series = await this.#records.seriesRow(slug);
    await this.#records.requireRole(viewer, series, 'host');
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
    return this.get(viewer, slug);
  }

  /** Plans every series' coming occurrences (hourly; also when a series is made). */
  async plan(now = this.#deps.clock.now()): Promise<number> {
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
}
