import { z } from 'zod';
import { seriesInputSchema } from './series-schemas.ts';

/** What a chat and its questions are given, as the API and the forms send it (the services take what they parse). */

export const chatUpdateSchema = z.strictObject({
  topic: z.string().trim().max(300, 'A topic can have at most 300 characters.').optional(),
  questionInterval: seriesInputSchema.shape.questionInterval,
});
export type ChatUpdate = z.output<typeof chatUpdateSchema>;

export const questionInputSchema = z.strictObject({
  text: z.string().trim().min(1, 'Write the question.').max(500, 'A question can have at most 500 characters.'),
  /** A backchannel session's name. */
  label: z.string().trim().max(120, 'A session name can have at most 120 characters.').optional(),
  imageAlt: z.string().trim().max(1500, 'Alt text can have at most 1,500 characters.').optional(),
  /** A backchannel session's time window (ISO 8601). */
  startsAt: z.iso.datetime({ offset: true, error: 'Give the time as ISO 8601 (2027-03-02T14:00:00Z).' }).optional(),
  endsAt: z.iso.datetime({ offset: true, error: 'Give the time as ISO 8601 (2027-03-02T15:00:00Z).' }).optional(),
});
export type QuestionInput = z.output<typeof questionInputSchema>;
