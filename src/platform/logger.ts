import { type Logger, pino } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (one line per event), as log collectors expect. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'commonroom' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? process.stdout,
  );
}
