import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, errors, iso, json, Ok, security } from '../api/openapi.ts';
import { ActorSchema } from '../social/index.ts';
import type { AppContext } from '../web/context.ts';
import { requireViewer } from '../web/middleware.ts';
import { collectionJson } from './collection-export.ts';
import {
  COLLECTION_KINDS,
  COLLECTION_VISIBILITIES,
  type CollectionSummary,
  type CollectionView,
  collectionInputSchema,
  collectionUpdateSchema,
  ENTRY_KINDS,
  type EntryView,
  entryInputSchema,
  entryUpdateSchema,
  type PersonView,
} from './collections.ts';
import type { FollowAllResult, KitPreview } from './starter-kits.ts';

// ---- response shapes --------------------------------------------------------------------------

const PersonSchema = ActorSchema.extend({
  bio: z.string(),
  organisation: z.string().nullable(),
  location: z.string().nullable(),
}).openapi('CuratedPerson');

const CollectionSummarySchema = z
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

const EntrySchema = z
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

const CollectionSchema = CollectionSummarySchema.extend({
  role: z.enum(['owner', 'collaborator', 'member', 'visitor']).openapi({ description: 'Your relation to it' }),
  following: z.boolean().nullable().openapi({ description: 'You follow it (null when you cannot: signed out, private, or your own)' }),
  canEdit: z.boolean(),
  canAdd: z.boolean(),
  collaborators: z.array(ActorSchema),
  entries: z.array(EntrySchema),
}).openapi('Collection');

const ListSchema = z.object({ collections: z.array(CollectionSummarySchema), nextCursor: z.string().nullable() }).openapi('CollectionList');

const ExportSchema = z
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

const PreviewSchema = z
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

const FollowResultSchema = z
  .object({
    followed: z.array(PersonSchema),
    requested: z.array(PersonSchema).openapi({ description: 'Follow requests sent (locked and remote accounts answer later)' }),
    skipped: z.array(z.object({ person: PersonSchema, reason: z.string() })),
  })
  .openapi('StarterKitFollowResult');

function summaryJson(s: CollectionSummary) {
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

const personJson = (p: PersonView) => ({
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

function entryJson(e: EntryView) {
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

function collectionViewJson(c: CollectionView) {
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

const previewJson = (p: KitPreview) => ({
  kit: summaryJson(p.kit),
  people: p.people.map((x) => ({ person: personJson(x.person), note: x.note, status: x.status })),
  newPeople: p.newPeople.length,
  rolesAdded: p.rolesAdded,
  placesAdded: p.placesAdded,
});

const followJson = (r: FollowAllResult) => ({
  followed: r.followed.map(personJson),
  requested: r.requested.map(personJson),
  skipped: r.skipped.map((s) => ({ person: personJson(s.person), reason: s.reason })),
});

// ---- request pieces -------------------------------------------------------------------------------

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 7 }),
});
const EntryParams = IdParam.extend({
  entryId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'entryId', in: 'path' }, example: 12 }),
});
const HandleParams = IdParam.extend({
  handle: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'handle', in: 'path' }, example: 'mslibrarian' }),
});
const TAGS = ['Collections'];
const KIT_TAGS = ['Starter kits'];

/** Collections and starter kits under /api/v1/curation. */
export function registerCollectionsApi(api: Api): void {
  const collections = (c: AppContext) => c.var.services.collections;

  // ---- collections ----
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/collections',
      tags: TAGS,
      summary: 'Collections: yours, those you collaborate on, those you follow, or the public ones',
      description:
        '`scope=public` (the default; members also see members-only ones) is paginated with `cursor`; the other scopes need a signed-in member and return everything in one page.',
      request: {
        query: z.strictObject({
          scope: z.enum(['mine', 'collaborating', 'following', 'public']).default('public'),
          cursor: z.string().max(500).optional(),
        }),
      },
      responses: { 200: json(ListSchema, 'Collections'), ...errors(400, 401, 422) },
    }),
    async (c) => {
      const { scope, cursor } = c.req.valid('query');
      const service = collections(c);
      if (scope === 'public') {
        const page = await service.browse(c.var.viewer, 'collection', cursor);
        return c.json({ collections: page.collections.map(summaryJson), nextCursor: page.nextCursor }, 200);
      }
      const viewer = requireViewer(c);
      const list =
        scope === 'mine'
          ? await service.mine(viewer, 'collection')
          : scope === 'collaborating'
            ? await service.collaborating(viewer)
            : await service.followed(viewer);
      return c.json({ collections: list.map(summaryJson), nextCursor: null }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/curation/collections',
      tags: TAGS,
      security,
      summary: 'Create a collection',
      request: body(collectionInputSchema('collection')),
      responses: { 201: json(CollectionSchema, 'The new collection'), ...errors(401, 415, 422) },
    }),
    async (c) => c.json(collectionViewJson(await collections(c).create(requireViewer(c), 'collection', c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/collections/{id}',
      tags: TAGS,
      summary: 'A collection or starter kit with its entries in order',
      request: { params: IdParam },
      responses: { 200: json(CollectionSchema, 'The collection'), ...errors(401, 404) },
    }),
    async (c) => c.json(collectionViewJson(await collections(c).get(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/curation/collections/{id}',
      tags: TAGS,
      security,
      summary: 'Change the title, description or visibility (the owner)',
      request: { params: IdParam, ...body(collectionUpdateSchema()) },
      responses: { 200: json(CollectionSchema, 'The collection'), ...errors(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(collectionViewJson(await collections(c).update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/curation/collections/{id}',
      tags: TAGS,
      security,
      summary: 'Delete a collection or starter kit (the owner)',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await collections(c).delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/collections/{id}/export',
      tags: TAGS,
      summary: 'A collection as JSON, as you see it (also at /collections/{id}/export.json)',
      request: { params: IdParam },
      responses: { 200: json(ExportSchema, 'The export'), ...errors(401, 404) },
    }),
    async (c) => c.json(collectionJson(await collections(c).get(c.var.viewer, c.req.valid('param').id)), 200),
  );

  // ---- entries ----
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/curation/collections/{id}/entries',
      tags: TAGS,
      security,
      summary: 'Add an entry (the owner and collaborators)',
      description:
        'Send `kind` and its target: `url` (link), `bookmarkId` (one of your bookmarks), `postId` or `postUrl` (a public or members-only post you can see), ' +
        '`sourceId` (a source you follow), `acct` (a person: `handle` or `user@host`). `note` is the annotation; `position` inserts it there (default: at the end). ' +
        'Followers of the collection are notified; a person added to a starter kit is too.',
      request: { params: IdParam, ...body(entryInputSchema) },
      responses: { 201: json(EntrySchema, 'The new entry'), ...errors(401, 403, 404, 409, 415, 422) },
    }),
    async (c) => c.json(entryJson(await collections(c).addEntry(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/curation/collections/{id}/entries/{entryId}',
      tags: TAGS,
      security,
      summary: 'Change an entry’s note or title (the owner, or who added it), or move it to `position` (the owner)',
      request: { params: EntryParams, ...body(entryUpdateSchema) },
      responses: { 200: json(EntrySchema, 'The entry'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => {
      const { id, entryId } = c.req.valid('param');
      return c.json(entryJson(await collections(c).updateEntry(requireViewer(c), id, entryId, c.req.valid('json'))), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/curation/collections/{id}/entries/{entryId}',
      tags: TAGS,
      security,
      summary: 'Remove an entry (the owner, or the collaborator who added it)',
      request: { params: EntryParams },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      const { id, entryId } = c.req.valid('param');
      await collections(c).removeEntry(requireViewer(c), id, entryId);
      return c.body(null, 204);
    },
  );

  // ---- collaborators ----
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/curation/collections/{id}/collaborators',
      tags: TAGS,
      security,
      summary: 'Add a collaborator by handle (the owner)',
      request: { params: IdParam, ...body(z.strictObject({ handle: z.string().max(200) })) },
      responses: { 200: json(z.object({ collaborators: z.array(ActorSchema) }), 'The collaborators'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) =>
      c.json(
        { collaborators: await collections(c).addCollaborator(requireViewer(c), c.req.valid('param').id, c.req.valid('json').handle) },
        200,
      ),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/curation/collections/{id}/collaborators/{handle}',
      tags: TAGS,
      security,
      summary: 'Remove a collaborator (the owner), or stop collaborating (yourself)',
      request: { params: HandleParams },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      const { id, handle } = c.req.valid('param');
      await collections(c).removeCollaborator(requireViewer(c), id, handle);
      return c.body(null, 204);
    },
  );

  // ---- following ----
  for (const [method, summary] of [
    ['post', 'Follow a collection or starter kit: its new entries reach your notifications'],
    ['delete', 'Stop following a collection or starter kit'],
  ] as const) {
    api.openapi(
      createRoute({
        method,
        path: '/api/v1/curation/collections/{id}/follow',
        tags: TAGS,
        security,
        summary,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409, 422) },
      }),
      async (c) => {
        const viewer = requireViewer(c);
        const { id } = c.req.valid('param');
        if (method === 'post') await collections(c).follow(viewer, id);
        else await collections(c).unfollow(viewer, id);
        return c.body(null, 204);
      },
    );
  }

  // ---- starter kits ----
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/starter-kits',
      tags: KIT_TAGS,
      summary: 'Starter kits: the public ones (and members-only ones for members), or yours',
      request: { query: z.strictObject({ scope: z.enum(['mine', 'public']).default('public'), cursor: z.string().max(500).optional() }) },
      responses: { 200: json(ListSchema, 'Starter kits'), ...errors(400, 401, 422) },
    }),
    async (c) => {
      const { scope, cursor } = c.req.valid('query');
      if (scope === 'mine')
        return c.json(
          { collections: (await collections(c).mine(requireViewer(c), 'starter_kit')).map(summaryJson), nextCursor: null },
          200,
        );
      const page = await collections(c).browse(c.var.viewer, 'starter_kit', cursor);
      return c.json({ collections: page.collections.map(summaryJson), nextCursor: page.nextCursor }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/curation/starter-kits',
      tags: KIT_TAGS,
      security,
      summary: 'Create a starter kit (a collection of people to follow)',
      description: 'Edit, delete, reorder and manage collaborators of a kit with the collection endpoints (same id).',
      request: body(collectionInputSchema('starter_kit')),
      responses: { 201: json(CollectionSchema, 'The new starter kit'), ...errors(401, 415, 422) },
    }),
    async (c) => c.json(collectionViewJson(await collections(c).create(requireViewer(c), 'starter_kit', c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/starter-kits/{id}',
      tags: KIT_TAGS,
      summary: 'A starter kit: its people with notes',
      request: { params: IdParam },
      responses: { 200: json(CollectionSchema, 'The starter kit'), ...errors(401, 404) },
    }),
    async (c) => c.json(collectionViewJson(await collections(c).kits.kit(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/curation/starter-kits/{id}/people',
      tags: KIT_TAGS,
      security,
      summary: 'Add a person with a note (the owner and collaborators)',
      description:
        'A member who declined to be featured cannot be added to a public kit (403 `not_featurable`); the person added is notified.',
      request: {
        params: IdParam,
        ...body(
          z.strictObject({ acct: z.string().max(300), note: entryInputSchema.shape.note, position: entryInputSchema.shape.position }),
        ),
      },
      responses: { 201: json(EntrySchema, 'The new entry'), ...errors(401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { id } = c.req.valid('param');
      await collections(c).kits.kit(viewer, id);
      return c.json(entryJson(await collections(c).addEntry(viewer, id, { kind: 'person', ...c.req.valid('json') })), 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/starter-kits/{id}/preview',
      tags: KIT_TAGS,
      security,
      summary: 'How following the kit changes your network, before anything happens',
      description:
        'Each person with their status (`new` people would be followed), how many are new, and the roles and places they add that no one you follow has.',
      request: { params: IdParam },
      responses: { 200: json(PreviewSchema, 'The preview'), ...errors(401, 404) },
    }),
    async (c) => c.json(previewJson(await collections(c).kits.preview(requireViewer(c), c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/curation/starter-kits/{id}/follow',
      tags: KIT_TAGS,
      security,
      summary: 'Follow the chosen people of a kit (actor ids from the preview)',
      description:
        'Locked and remote accounts get a follow request (`requested`). People you already follow, yourself and blocked accounts are `skipped` with a reason.',
      request: { params: IdParam, ...body(z.strictObject({ actorIds: z.array(z.number().int().positive()).max(500) })) },
      responses: { 200: json(FollowResultSchema, 'What happened to each'), ...errors(401, 404, 415, 422) },
    }),
    async (c) =>
      c.json(followJson(await collections(c).kits.follow(requireViewer(c), c.req.valid('param').id, c.req.valid('json').actorIds)), 200),
  );
}
