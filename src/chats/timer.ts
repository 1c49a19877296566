import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { OccurrencesService } from './occurrences.ts';
import type { QuestionsService } from './questions.ts';
import type { ChatRecords } from './records.ts';
import type { RsvpsService } from './rsvps.ts';

export interface TimerDeps {
  database: Database;
  clock: Clock;
  records: ChatRecords;
  occurrences: OccurrencesService;
  questions: QuestionsService;
  rsvps: RsvpsService;
}

/** What happens by the clock (the chats.tick job): chats start and end, timed questions are asked, reminders go out. */
export class TimerService {
  readonly #deps: TimerDeps;

  constructor(deps: TimerDeps) {
    this.#deps = deps;
  }

  /**
   * Runs every few seconds: starts chats at their hour, asks timed questions, ends chats at
   * their end, reminds members who RSVPed. Each step is a conditional update, so running it
   * twice (or on two workers) does each thing once.
   */
  async tick(now = this.#deps.clock.now()): Promise<{ started: number; released: number; ended: number; reminded: number }> {
    const db = this.#deps.database.db;
    let started = 0;
    const due = await db
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
        await db.updateTable('chats').set({ state: 'cancelled' }).where('id', '=', chat.id).where('state', '=', 'scheduled').execute();
        continue;
      }
      const series = await this.#deps.records.seriesById(chat.series_id);
      if (await this.#deps.occurrences.begin(series, chat, now)) started++;
    }
    // Ended first: a question due after the end is not asked.
    let ended = 0;
    const over = await db.selectFrom('chats').select('id').where('state', '=', 'live').where('ends_at', '<=', now).limit(100).execute();
    for (const chat of over) if (await this.#deps.occurrences.finish(chat.id, now)) ended++;
    const released = await this.#deps.questions.releaseDue(now);
    const reminded = await this.#deps.rsvps.remind(now);
    return { started, released, ended, reminded };
  }
}
