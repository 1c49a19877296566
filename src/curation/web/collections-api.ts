import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { ActorSchema } from '../../social/index.ts';
import { requireViewer } from '../../web/middleware.ts';
import { collectionJson } from '../collection-export.ts';
import {
  collaboratorSchema,
  collectionInputSchema,
  collectionUpdateSchema,
  entryInputSchema,
  entryUpdateSchema,
} from '../collection-schemas.ts';
import type { CollectionsService } from '../collections.ts';
import {
  CollectionSchema,
  collectionViewJson,
  EntryParams,
  EntrySchema,
  ExportSchema,
  entryJson,
  HandleParams,
  IdParam,
  ListSchema,
  summaryJson,
  TAGS,
} from './collection-api-schemas.ts';

/** Collections under /api/v1/curation: lists, one collection, its entries, collaborators and followers. */
export function collectionsApi(collections: CollectionsService): Api {
  const api = createApi();

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
      const service = collections;
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
            : await service.following.list(viewer);
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
    async (c) => c.json(collectionViewJson(await collections.create(requireViewer(c), 'collection', c.req.valid('json'))), 201),
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
    async (c) => c.json(collectionViewJson(await collections.get(c.var.viewer, c.req.valid('param').id)), 200),
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
    async (c) => c.json(collectionViewJson(await collections.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
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
      await collections.delete(requireViewer(c), c.req.valid('param').id);
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
    async (c) => c.json(collectionJson(await collections.get(c.var.viewer, c.req.valid('param').id)), 200),
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
    async (c) => c.json(entryJson(await collections.entries.add(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 201),
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
      return c.json(entryJson(await collections.entries.update(requireViewer(c), id, entryId, c.req.valid('json'))), 200);
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
      await collections.entries.remove(requireViewer(c), id, entryId);
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
      request: { params: IdParam, ...body(collaboratorSchema) },
      responses: { 200: json(z.object({ collaborators: z.array(ActorSchema) }), 'The collaborators'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) =>
      c.json(
        { collaborators: await collections.collaborators.add(requireViewer(c), c.req.valid('param').id, c.req.valid('json').handle) },
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
      await collections.collaborators.remove(requireViewer(c), id, handle);
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
        if (method === 'post') await collections.following.follow(viewer, id);
        else await collections.following.unfollow(viewer, id);
        return c.body(null, 204);
      },
    );
  }
  return api;
}
