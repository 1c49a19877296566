import { z } from 'zod';
import type { CollectionEntryKind, CollectionKind, CollectionVisibility } from '../db/schema.ts';

/**
 * What the API and the forms send about collections and starter kits, checked once at the edge
 * (the API's routes, the pages' forms); the services take what these give.
 */

export const COLLECTION_KINDS = ['collection', 'starter_kit'] as const satisfies readonly CollectionKind[];
export const COLLECTION_VISIBILITIES = ['private', 'members', 'public'] as const satisfies readonly CollectionVisibility[];
export const ENTRY_KINDS = ['link', 'bookmark', 'post', 'source', 'person'] as const satisfies readonly CollectionEntryKind[];

export const LIMITS = {
  title: 120,
  description: 2000,
  note: 1000,
  entryTitle: 300,
  url: 2000,
  /** Entries in one collection. */
  entries: 500,
  collaborators: 50,
  /** Collections (and kits) one member owns. */
  perMember: 200,
} as const;

/** People followed from a kit in one go. */
export const FOLLOW_MAX = 500;

/** What a collection or a kit is called in messages. */
export const noun = (kind: CollectionKind) => (kind === 'starter_kit' ? 'starter kit' : 'collection');

/** The page of a collection or kit (under the site's address). */
export const collectionPath = (c: { id: number; kind: CollectionKind }) =>
  `/${c.kind === 'starter_kit' ? 'starter-kits' : 'collections'}/${c.id}`;

function collectionFields(kind: CollectionKind) {
  return {
    title: z
      .string()
      .trim()
      .min(1, `Give the ${noun(kind)} a title.`)
      .max(LIMITS.title, `A title can have at most ${LIMITS.title} characters.`),
    description: z.string().trim().max(LIMITS.description, `A description can have at most ${LIMITS.description} characters.`),
    visibility: z.enum(COLLECTION_VISIBILITIES, { error: 'Choose who can see it: private, members or public.' }),
  };
}

export function collectionInputSchema(kind: CollectionKind = 'collection') {
  const fields = collectionFields(kind);
  return z.strictObject({
    title: fields.title,
    description: fields.description.default(''),
    visibility: fields.visibility.default('private'),
  });
}
export type CollectionInput = z.output<ReturnType<typeof collectionInputSchema>>;

/** A change: only the fields sent (no defaults, which would reset the others). */
export function collectionUpdateSchema(kind: CollectionKind = 'collection') {
  const fields = collectionFields(kind);
  return z.strictObject({
    title: fields.title.optional(),
    description: fields.description.optional(),
    visibility: fields.visibility.optional(),
  });
}
export type CollectionUpdate = z.output<ReturnType<typeof collectionUpdateSchema>>;

/** What the API and the forms send to add an entry: `kind` and the field that names its target. */
export const entryInputSchema = z.strictObject({
  kind: z.enum(ENTRY_KINDS, { error: 'Choose what to add: a link, a bookmark, a post, a source or a person.' }),
  url: z.string().trim().max(LIMITS.url, `An address can have at most ${LIMITS.url} characters.`).optional(),
  bookmarkId: z.number().int().positive().optional(),
  postId: z.number().int().positive().optional(),
  postUrl: z.string().trim().max(LIMITS.url, `An address can have at most ${LIMITS.url} characters.`).optional(),
  sourceId: z.number().int().positive().optional(),
  acct: z.string().trim().max(300, 'That handle is too long.').optional(),
  title: z.string().trim().max(LIMITS.entryTitle, `A title can have at most ${LIMITS.entryTitle} characters.`).optional(),
  note: z.string().trim().max(LIMITS.note, `A note can have at most ${LIMITS.note} characters.`).default(''),
  position: z.number().int().min(1, 'Positions start at 1.').optional(),
});
export type EntryInput = z.output<typeof entryInputSchema>;

export const entryUpdateSchema = z.strictObject({
  title: z.string().trim().max(LIMITS.entryTitle, `A title can have at most ${LIMITS.entryTitle} characters.`).nullable().optional(),
  note: z.string().trim().max(LIMITS.note, `A note can have at most ${LIMITS.note} characters.`).optional(),
  position: z.number().int().min(1, 'Positions start at 1.').optional(),
});
export type EntryUpdate = z.output<typeof entryUpdateSchema>;

/** A person added to a starter kit (its own API route; the entry is a `person` entry). */
export const kitPersonSchema = z.strictObject({
  acct: z.string().max(300).trim(),
  note: entryInputSchema.shape.note,
  position: entryInputSchema.shape.position,
});

export const collaboratorSchema = z.strictObject({ handle: z.string().max(200) });

/** The people of a kit to follow (actor ids from the preview). */
export const kitFollowSchema = z.strictObject({ actorIds: z.array(z.number().int().positive()).max(FOLLOW_MAX) });
