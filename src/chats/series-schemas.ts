import { z } from 'zod';
import type { ChatKind } from '../db/schema.ts';
import { dateInput, timeInput } from '../platform/dates.ts';
import { isTimeZone } from './time.ts';

/** What a series is made of, as the API and the form send it (the service takes what they parse). */

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
  // Forms and the API alike take what people type ("12/14/2026", "7:30 PM"; see platform/dates.ts)
  // and give YYYY-MM-DD and HH:MM.
  startDate: dateInput('Give the first date.'),
  time: timeInput('Give the start time.'),
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

/**
 * A new series, checked (what `seriesInputSchema` gives; trusted callers such as the demo may
 * leave out what has a default).
 */
export interface SeriesInput {
  kind?: ChatKind;
  hashtag: string;
  title: string;
  description?: string;
  timeZone: string;
  recurrence:
    | { freq: 'once' }
    | { freq: 'weekly'; interval?: number; weekday: number }
    | { freq: 'monthly'; week: number; weekday: number };
  startDate: string;
  /** HH:MM */
  time: string;
  durationMinutes: number;
  questionInterval?: number | null | undefined;
  slug?: string | undefined;
}

export const seriesUpdateSchema = z.strictObject({
  title: seriesInputSchema.shape.title.optional(),
  description: seriesInputSchema.shape.description.optional(),
  questionInterval: seriesInputSchema.shape.questionInterval,
});
export type SeriesUpdate = z.output<typeof seriesUpdateSchema>;

export const moderatorInputSchema = z.strictObject({
  handle: z.string().min(1).max(100),
  role: z.enum(['host', 'moderator']).default('moderator'),
});
