import { z } from 'zod';
import type { BookmarkVisibility } from '../db/schema.ts';

/** What a member may send about a bookmark, checked once at the API or page edge; the service takes it typed. */

export const TITLE_MAX = 500;
export const NOTE_MAX = 5000;
export const TAG_MAX = 60;
export const TAGS_MAX = 30;
export const DESCRIPTION_MAX = 1000;
/** Readable page text kept for search (characters). */
export const PAGE_TEXT_MAX = 20_000;

export type BookmarkKind = 'url' | 'post' | 'item';
export const BOOKMARK_KINDS = ['url', 'post', 'item'] as const satisfies readonly BookmarkKind[];
export const BOOKMARK_VISIBILITIES = ['private', 'public'] as const satisfies readonly BookmarkVisibility[];

const tagsInput = z.union([z.array(z.string().max(500)).max(200), z.string().max(5000)]);

/** What a member sends to bookmark something: exactly one of url, postId and itemId. */
export const bookmarkInputSchema = z.strictObject({
  url: z.string().max(4096).optional().describe('The address of a web page'),
  postId: z.number().int().positive().optional(),
  itemId: z.number().int().positive().optional(),
  title: z.string().max(TITLE_MAX, `A title can be at most ${TITLE_MAX} characters.`).optional(),
  note: z.string().max(NOTE_MAX, `A note can be at most ${NOTE_MAX} characters.`).optional(),
  tags: tagsInput.optional().describe('Tag names, or one string with commas between them'),
  visibility: z.enum(BOOKMARK_VISIBILITIES).optional().describe('`private` (the default) or `public` (listed on your profile)'),
});
export type BookmarkInput = z.infer<typeof bookmarkInputSchema>;

export const bookmarkUpdateSchema = z.strictObject({
  title: z.string().max(TITLE_MAX, `A title can be at most ${TITLE_MAX} characters.`).optional(),
  note: z.string().max(NOTE_MAX, `A note can be at most ${NOTE_MAX} characters.`).optional(),
  tags: tagsInput.optional(),
  visibility: z.enum(BOOKMARK_VISIBILITIES).optional(),
});
export type BookmarkUpdate = z.infer<typeof bookmarkUpdateSchema>;

export interface BookmarkQuery {
  /** Words to find (all must match); `#tag` words filter by tag. */
  q?: string | undefined;
  tag?: string | undefined;
  visibility?: BookmarkVisibility | undefined;
  kind?: BookmarkKind | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}
