import { z } from 'zod';
import type { Visibility } from '../db/schema.ts';
import { VISIBILITIES } from './visibility.ts';

/** Limits of a post, for the forms that say them and the rules that keep them. */
export const MAX_MEDIA = 4;
export const ALT_MAX = 1500;
export const CW_MAX = 200;
export const PINS_MAX = 5;

/** A new post or reply: the API's body, the compose form's fields. */
export const postInputSchema = z.strictObject({
  text: z.string().default(''),
  contentWarning: z.string().trim().max(CW_MAX, `A content warning can have at most ${CW_MAX} characters.`).optional(),
  visibility: z.enum(VISIBILITIES, { error: 'Choose who can see the post: public, members, followers or direct.' }).default('public'),
  replyToId: z.coerce.number().int().positive('Not a post id.').optional(),
  /** Images uploaded beforehand (POST /api/v1/media). */
  mediaIds: z.array(z.number().int().positive()).max(MAX_MEDIA, `Attach at most ${MAX_MEDIA} images.`).optional(),
});
/** A new post, as `postInputSchema` checks it (left out: no text, public, not a reply, no images uploaded beforehand). */
export interface PostInput {
  text?: string;
  contentWarning?: string | undefined;
  visibility?: Visibility;
  replyToId?: number | undefined;
  mediaIds?: number[] | undefined;
}

/** An edit: new text and content warning (images and audience stay). */
export const editInputSchema = z.strictObject({
  text: z.string(),
  contentWarning: z.string().trim().max(CW_MAX, `A content warning can have at most ${CW_MAX} characters.`).optional(),
});
export type EditInput = z.output<typeof editInputSchema>;

/** New alt text for an uploaded image. */
export const mediaDescriptionSchema = z.strictObject({ alt: z.string() });
