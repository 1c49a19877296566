import { z } from '@hono/zod-openapi';
import { passionSlug } from '../accounts/index.ts';
import type { GoalStatus } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';

/**
 * What a member gives for a learning goal (goals.ts), and its limits: the zod schemas the API
 * validates requests with and the pages parse their forms with (the same messages for both).
 */

export const GOAL_TITLE_MAX = 120;
export const GOAL_DESCRIPTION_MAX = 2000;
export const GOAL_TAGS_MAX = 10;
export const GOAL_TAG_MAX = 50;
export const ACTIVE_GOALS_MAX = 25;
export const GOAL_NOTE_MAX = 2000;
/** Notes per goal: a journal, not a blog; keeps a goal's page bounded. */
export const GOAL_NOTES_MAX = 500;
/** Achieved and archived goals listed (the most recently changed). */
export const CLOSED_GOALS_LISTED = 25;
/** Notes shown on a goal (newest first). */
export const NOTES_SHOWN = 100;
export const GOAL_STATUSES = ['active', 'achieved', 'archived'] as const satisfies readonly GoalStatus[];

/** No control characters (line breaks stay in multi-line text), spaces collapsed, trimmed. */
export function cleanText(text: string, lines: boolean): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return (lines ? clean.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : clean.replace(/\s+/g, ' ')).trim();
}

const titleSchema = z
  .string({ error: 'Give the goal a title.' })
  .transform((v) => cleanText(v, false))
  .pipe(z.string().min(1, 'Give the goal a title.').max(GOAL_TITLE_MAX, `A goal’s title can have at most ${GOAL_TITLE_MAX} characters.`));
const descriptionSchema = z
  .string()
  .transform((v) => cleanText(v, true))
  .pipe(z.string().max(GOAL_DESCRIPTION_MAX, `A description can have at most ${GOAL_DESCRIPTION_MAX} characters.`));
/** Tag names as given; parseGoalTags normalises and counts them. The form splits its text with splitGoalTags. */
const tagsSchema = z.array(z.string()).openapi({
  description: `Hashtags or passions, at most ${GOAL_TAGS_MAX} of 1–${GOAL_TAG_MAX} characters each; a leading # is dropped and tags that normalise alike (#AuthorVisits, "author visits") merge`,
  example: ['genrefication', 'Author visits'],
});

export const goalCreateSchema = z
  .strictObject({
    title: titleSchema.openapi({ description: `1–${GOAL_TITLE_MAX} characters`, example: 'Genrefy the fiction collection' }),
    description: descriptionSchema.optional().openapi({ description: `Plain text, at most ${GOAL_DESCRIPTION_MAX} characters` }),
    tags: tagsSchema.optional(),
  })
  .openapi('GoalInput');
export type GoalCreate = z.output<typeof goalCreateSchema>;

export const goalUpdateSchema = z
  .strictObject({
    title: titleSchema.optional(),
    description: descriptionSchema.optional(),
    status: z
      .enum(GOAL_STATUSES, { error: 'The status is active, achieved or archived.' })
      .optional()
      .openapi({ description: `Back to active only while you have fewer than ${ACTIVE_GOALS_MAX} active goals` }),
    tags: tagsSchema.optional().openapi({ description: 'The whole new set of tags' }),
  })
  .openapi('GoalPatch');
export type GoalUpdate = z.output<typeof goalUpdateSchema>;

export const noteSchema = z
  .strictObject({
    text: z
      .string({ error: 'Write the note.' })
      .transform((v) => cleanText(v, true))
      .pipe(z.string().min(1, 'Write the note.').max(GOAL_NOTE_MAX, `A note can have at most ${GOAL_NOTE_MAX} characters.`))
      .openapi({ description: `Plain text, 1–${GOAL_NOTE_MAX} characters` }),
  })
  .openapi('GoalNoteInput');
export type NoteInput = z.output<typeof noteSchema>;

/** The tags a member typed in the form, as a list: commas (or, with none, spaces) separate them. */
export function splitGoalTags(text: string): string[] {
  return text.includes(',') ? text.split(/[,\n]/) : text.split(/\s+/);
}

/**
 * A goal's tags from the names given: a leading # goes, and tags normalise like hashtags and
 * passions (`passionSlug`), so #AuthorVisits, "author visits" and "Author-Visits" are one tag.
 * Duplicates merge before the limit is checked (which is why the limit is checked here, by the
 * service, and not by the schema: it counts tags after merging).
 */
export function parseGoalTags(input: string[] | undefined): Array<{ slug: string; name: string }> {
  if (input === undefined) return [];
  const raw = input;
  const tags: Array<{ slug: string; name: string }> = [];
  const seen = new Set<string>();
  for (const entry of raw) {
    const name = cleanText(entry, false).replace(/^#+/, '').trim();
    if (!name) continue;
    if (name.length > GOAL_TAG_MAX) {
      throw UserError.field('tags', `A tag can have at most ${GOAL_TAG_MAX} characters: “${name.slice(0, 30)}…” is longer.`);
    }
    const slug = passionSlug(name);
    if (!slug) throw UserError.field('tags', `“${name}” cannot be a tag: a tag needs letters or digits.`);
    if (seen.has(slug)) continue;
    seen.add(slug);
    tags.push({ slug, name });
  }
  if (tags.length > GOAL_TAGS_MAX) {
    throw UserError.field(
      'tags',
      `A goal can have at most ${GOAL_TAGS_MAX} tags; you gave ${tags.length}. Keep the ${GOAL_TAGS_MAX} that matter most.`,
    );
  }
  return tags;
}
