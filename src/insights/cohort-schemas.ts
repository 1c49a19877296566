import { z } from 'zod';
import type { CohortCheckpointKind } from '../db/schema.ts';
import { dateInput } from '../platform/dates.ts';
import type { Stage } from './stages.ts';

/**
 * What an instructor gives for a cohort (cohorts.ts), its checkpoints and its invite links, and
 * the limits: the zod schemas the API validates requests with and the pages parse their forms
 * with (the same messages for both). The services take what they give.
 */

export const CHECKPOINT_KINDS = [
  'follow',
  'join_chat',
  'reply',
  'article',
  'stage',
  'bookmarks',
  'collection',
] as const satisfies readonly CohortCheckpointKind[];
/** Stages a checkpoint may ask for (consumption is where everyone starts). */
export const TARGET_STAGES = ['connection', 'creation', 'contribution'] as const satisfies readonly Stage[];

export const LIMITS = {
  name: 120,
  description: 2000,
  /** Cohorts one member teaches. */
  perInstructor: 100,
  invitesPerCohort: 100,
  inviteDaysDefault: 14,
  inviteDaysMax: 90,
  inviteUsesMax: 1000,
  /** Students in one cohort (the stage checkpoint computes each student's stages). */
  students: 500,
} as const;

/** The highest target of each kind: high enough for any course, low enough to stay meaningful. */
const TARGET_MAX: Record<Exclude<CohortCheckpointKind, 'stage'>, number> = {
  follow: 500,
  join_chat: 20,
  reply: 100,
  article: 20,
  bookmarks: 500,
  collection: 20,
};

// ---- input ----------------------------------------------------------------------------------

/** Typed as people write it (12/18/2026, 18 Dec 2026; platform/dates.ts), kept as YYYY-MM-DD. */
const dueDate = dateInput('Give a due date.');

const cohortFields = {
  name: z
    .string({ error: 'Give the cohort a name.' })
    .trim()
    .min(1, 'Give the cohort a name.')
    .max(LIMITS.name, `A name can have at most ${LIMITS.name} characters.`),
  description: z.string().trim().max(LIMITS.description, `A description can have at most ${LIMITS.description} characters.`),
  dueDate,
};

export const cohortInputSchema = z.strictObject({
  name: cohortFields.name,
  description: cohortFields.description.default(''),
  dueDate: cohortFields.dueDate,
});
/** A change: only the fields sent. */
export const cohortUpdateSchema = z.strictObject({
  name: cohortFields.name.optional(),
  description: cohortFields.description.optional(),
  dueDate: cohortFields.dueDate.optional(),
});
export type CohortUpdate = z.output<typeof cohortUpdateSchema>;
export type CohortCreate = z.output<typeof cohortInputSchema>;

const whole = (max: number, what: string) =>
  z
    .number({ error: `Enter the number of ${what} as a whole number.` })
    .int(`Enter the number of ${what} as a whole number.`)
    .min(1, `Ask for at least 1 (${what}).`)
    .max(max, `Ask for at most ${max} (${what}).`);

export const checkpointSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('follow'),
      target: whole(TARGET_MAX.follow, 'people to follow'),
      outsideRole: z
        .number({ error: 'Enter how many must be outside their role, as a whole number (0 for none).' })
        .int('Enter a whole number.')
        .min(0, 'Enter 0 or more.')
        .max(TARGET_MAX.follow, `At most ${TARGET_MAX.follow}.`)
        .default(0),
    }),
    z.strictObject({ kind: z.literal('join_chat'), target: whole(TARGET_MAX.join_chat, 'chats').default(1) }),
    z.strictObject({ kind: z.literal('reply'), target: whole(TARGET_MAX.reply, 'people to reply to') }),
    z.strictObject({ kind: z.literal('article'), target: whole(TARGET_MAX.article, 'articles').default(1) }),
    z.strictObject({
      kind: z.literal('stage'),
      stage: z.enum(TARGET_STAGES, { error: 'Choose the stage to reach: connection, creation or contribution.' }).default('connection'),
    }),
    z.strictObject({ kind: z.literal('bookmarks'), target: whole(TARGET_MAX.bookmarks, 'bookmarks') }),
    z.strictObject({ kind: z.literal('collection'), target: whole(TARGET_MAX.collection, 'public collections').default(1) }),
  ],
  { error: `Choose a checkpoint kind: ${CHECKPOINT_KINDS.join(', ')}.` },
);
export type CheckpointInput = z.output<typeof checkpointSchema>;

export const checkpointsInputSchema = z.strictObject({
  checkpoints: z
    .array(checkpointSchema)
    .max(CHECKPOINT_KINDS.length, `At most ${CHECKPOINT_KINDS.length} checkpoints, one of each kind.`)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((checkpoint, index) => {
        if (seen.has(checkpoint.kind))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'kind'],
            message: `There is already a “${checkpoint.kind}” checkpoint: one of each kind.`,
          });
        seen.add(checkpoint.kind);
        if (checkpoint.kind === 'follow' && checkpoint.outsideRole > checkpoint.target) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'outsideRole'],
            message: 'The people outside their role are among the people followed: ask for no more of them than in all.',
          });
        }
      });
    }),
});

export type CheckpointsInput = z.output<typeof checkpointsInputSchema>;

export const inviteInputSchema = z.strictObject({
  expiresInDays: z
    .number({ error: 'Enter the number of days as a whole number.' })
    .int('Enter the number of days as a whole number.')
    .min(1, 'A link lasts at least 1 day.')
    .max(LIMITS.inviteDaysMax, `A link lasts at most ${LIMITS.inviteDaysMax} days.`)
    .default(LIMITS.inviteDaysDefault),
  maxUses: z
    .number({ error: 'Enter the number of uses as a whole number.' })
    .int('Enter the number of uses as a whole number.')
    .min(1, 'Allow at least 1 use, or leave it empty for no limit.')
    .max(LIMITS.inviteUsesMax, `At most ${LIMITS.inviteUsesMax} uses.`)
    .nullable()
    .default(null),
});
export type InviteInput = z.output<typeof inviteInputSchema>;
