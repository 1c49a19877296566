/**
 * What time it is. Code whose behaviour depends on "now" (which chats are coming, when a job is
 * due) asks a Clock instead of calling Date.now(), so that tests can say what time it is and
 * do not depend on the day they run. Times are milliseconds since the epoch, as everywhere.
 */
export interface Clock {
  now(): number;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock a test sets. It follows the machine's clock until `set` stops it at a given
 * instant; from then on it moves only when `advance`d. `reset` goes back to the machine's.
 */
export class TestClock implements Clock {
  #stopped: number | null;

  constructor(at?: number) {
    this.#stopped = at ?? null;
  }

  now(): number {
    return this.#stopped ?? Date.now();
  }

  /** Stops the clock at `ms` (or at a date-time string such as '2026-11-20T12:00:00Z'). */
  set(at: number | string): void {
    const ms = typeof at === 'string' ? Date.parse(at) : at;
    if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${at}`);
    this.#stopped = ms;
  }

  /** Moves the clock forward by `ms` (stopping it where it is first, if it was following the machine's). */
  advance(ms: number): void {
    this.#stopped = this.now() + ms;
  }

  /** Follows the machine's clock again. */
  reset(): void {
    this.#stopped = null;
  }
}
