import { z } from '@hono/zod-openapi';
import { iso } from '../../api/openapi.ts';
import { pathId } from '../../api/schemas.ts';
import { ActorSchema } from '../../social/index.ts';
import { COLLECTION_KINDS, COLLECTION_VISIBILITIES, ENTRY_KINDS } from '../collection-schemas.ts';
import type { CollectionSummary, CollectionView, EntryView, PersonView } from '../collections.ts';
import type { FollowAllResult, KitPreview } from '../starter-kits.ts';

/** What the collections and starter kits API answers (OpenAPI shapes and the JSON of each), and its path parameters. */

// ---- response shapes --------------------------------------------------------------------------

export const PersonSchema = ActorSchema.extend({
  bio: z.string(),
  organisation: z.string().nullable(),
  location: z.string().nullable(),
}).openapi('CuratedPerson');

export const CollectionSummarySchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(COLLECTION_KINDS),
    title: z.string(),
    description: z.string(),
    visibility: z.enum(COLLECTION_VISIBILITIES),
    owner: ActorSchema,
    entryCount: z.number().int(),
    followerCount: z.number().int(),
    url: z.string().openapi({ description: 'The page of the collection (or starter kit)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CollectionSummary');

export const EntrySchema = z
  .object({
    id: z.number().int(),
    position: z.number().int().openapi({ description: '1, 2, 3 … in the order the collection shows' }),
    kind: z.enum(ENTRY_KINDS),
    title: z.string(),
    customTitle: z.string().nullable().openapi({ description: 'The title the curator gave it; `title` falls back to the target’s own' }),
    url: z.string().openapi({ description: 'Where the entry leads' }),
    note: z.string().openapi({ description: 'The annotation (plain text)' }),
    addedBy: ActorSchema.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    editable: z.boolean().openapi({ description: 'You may change its note or remove it' }),
    post: z
      .object({
        id: z.number().int(),
        url: z.string(),
        author: ActorSchema,
        text: z.string(),
        html: z.string(),
        visibility: z.string(),
        createdAt: z.string(),
      })
      .nullable()
      .openapi({ description: 'For `post` entries and bookmarks of posts; the entry is left out for readers who may not see the post' }),
    person: PersonSchema.nullable(),
    source: z.object({ id: z.number().int(), title: z.string(), feedUrl: z.string(), siteUrl: z.string().nullable() }).nullable(),
    item: z
      .object({ id: z.number().int(), title: z.string(), url: z.string().nullable(), sourceTitle: z.string() })
      .nullable()
      .openapi({ description: 'A bookmarked feed item' }),
    bookmarkId: z.number().int().nullable(),
    hiddenReason: z.string().nullable().openapi({ description: 'Only for the owner and collaborators: why others do not see this entry' }),
  })
  .openapi('CollectionEntry');

export const CollectionSchema = CollectionSummarySchema.extend({
  role: z.enum(['owner', 'collaborator', 'member', 'visitor']).openapi({ description: 'Your relation to it' }),
  following: z.boolean().nullable().openapi({ description: 'You follow it (null when you cannot: signed out, private, or your own)' }),
  canEdit: z.boolean(),
  canAdd: z.boolean(),
  collaborators: z.array(ActorSchema),
  entries: z.array(EntrySchema),
}).openapi('Collection');

export const ListSchema = z
  .object({ collections: z.array(CollectionSummarySchema), nextCursor: z.string().nullable() })
  .openapi('CollectionList');

export const ExportSchema = z
  .object({
    format: z.literal('commonroom-collection'),
    version: z.number().int(),
    exportedAt: z.string(),
    collection: z.object({
      id: z.number().int(),
      kind: z.enum(COLLECTION_KINDS),
      title: z.string(),
      description: z.string(),
      visibility: z.enum(COLLECTION_VISIBILITIES),
      url: z.string(),
      owner: z.object({ acct: z.string(), displayName: z.string(), url: z.string() }),
      collaborators: z.array(z.object({ acct: z.string(), displayName: z.string(), url: z.string() })),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
    entries: z.array(
      z.object({
        position: z.number().int(),
        kind: z.enum(ENTRY_KINDS),
        title: z.string(),
        url: z.string(),
        note: z.string(),
        addedBy: z.string().nullable(),
        createdAt: z.string(),
        post: z.object({ id: z.number().int(), url: z.string(), author: z.string(), text: z.string(), createdAt: z.string() }).nullable(),
        person: z
          .object({
            acct: z.string(),
            displayName: z.string(),
            url: z.string(),
            role: z.string().nullable(),
            location: z.string().nullable(),
          })
          .nullable(),
        source: z.object({ title: z.string(), feedUrl: z.string(), siteUrl: z.string().nullable() }).nullable(),
        item: z.object({ title: z.string(), url: z.string().nullable(), source: z.string() }).nullable(),
      }),
    ),
  })
  .openapi('CollectionExport');

export const PreviewSchema = z
  .object({
    kit: CollectionSummarySchema,
    people: z.array(
      z.object({ person: PersonSchema, note: z.string(), status: z.enum(['new', 'following', 'requested', 'self', 'blocked']) }),
    ),
    newPeople: z.number().int().openapi({ description: 'How many people following the kit would add' }),
    rolesAdded: z
      .array(z.object({ label: z.string(), count: z.number().int() }))
      .openapi({ description: 'Roles the new people bring that no one you follow has' }),
    placesAdded: z.array(z.object({ label: z.string(), count: z.number().int() })).openapi({ description: 'Places likewise' }),
  })
  .openapi('StarterKitPreview');

export const FollowResultSchema = z
  .object({
    followed: z.array(PersonSchema),
    requested: z.array(PersonSchema).openapi({ description: 'Follow requests sent (locked and remote accounts answer later)' }),
    skipped: z.array(z.object({ person: PersonSchema, reason: z.string() })),
  })
  .openapi('StarterKitFollowResult');

export function summaryJson(s: CollectionSummary) {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    description: s.description,
    visibility: s.visibility,
    owner: s.owner,
    entryCount: s.entryCount,
    followerCount: s.followerCount,
    url: s.url,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

export const personJson = (p: PersonView) => ({
  id: p.id,
  handle: p.handle,
  acct: p.acct,
  displayName: p.displayName,
  avatarUrl: p.avatarUrl,
  url: p.url,
  local: p.local,
  roleLabel: p.roleLabel,
  bio: p.bio,
  organisation: p.organisation,
  location: p.location,
});

export function entryJson(e: EntryView) {
  return {
    id: e.id,
    position: e.position,
    kind: e.kind,
    title: e.title,
    customTitle: e.customTitle,
    url: e.url,
    note: e.note,
    addedBy: e.addedBy,
    createdAt: iso(e.createdAt)!,
    updatedAt: iso(e.updatedAt)!,
    editable: e.editable,
    post: e.post
      ? {
          id: e.post.id,
          url: e.post.url,
          author: e.post.author,
          text: e.post.text,
          html: e.post.html,
          visibility: e.post.visibility,
          createdAt: iso(e.post.createdAt)!,
        }
      : null,
    person: e.person ? personJson(e.person) : null,
    source: e.source,
    item: e.item,
    bookmarkId: e.bookmarkId,
    hiddenReason: e.hiddenReason,
  };
}

export function collectionViewJson(c: CollectionView) {
  return {
    ...summaryJson(c),
    role: c.role,
    following: c.following,
    canEdit: c.canEdit,
    canAdd: c.canAdd,
    collaborators: c.collaborators,
    entries: c.entries.map(entryJson),
  };
}

export const previewJson = (p: KitPreview) => ({
  kit: summaryJson(p.kit),
  people: p.people.map((x) => ({ person: personJson(x.person), note: x.note, status: x.status })),
  newPeople: p.newPeople.length,
  rolesAdded: p.rolesAdded,
  placesAdded: p.placesAdded,
});

export const followJson = (r: FollowAllResult) => ({
  followed: r.followed.map(personJson),
  requested: r.requested.map(personJson),
  skipped: r.skipped.map((s) => ({ person: personJson(s.person), reason: s.reason })),
});

// ---- request pieces -------------------------------------------------------------------------------

export const IdParam = z.object({
  id: pathId('id', 7),
});
export const EntryParams = IdParam.extend({
  entryId: pathId('entryId', 12),
});
export const HandleParams = IdParam.extend({
  handle: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'handle', in: 'path' }, example: 'mslibrarian' }),
});
export const TAGS = ['Collections'];
export const KIT_TAGS = ['Starter kits'];
