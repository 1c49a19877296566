import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import { collectionInputSchema, kitFollowSchema, kitPersonSchema } from '../collection-schemas.ts';
import type { CollectionsService } from '../collections.ts';
import {
  CollectionSchema,
  collectionViewJson,
  EntrySchema,
  entryJson,
  FollowResultSchema,
  followJson,
  IdParam,
  KIT_TAGS,
  ListSchema,
  PreviewSchema,
  previewJson,
  summaryJson,
} from './collection-api-schemas.ts';

/** Starter kits under /api/v1/curation: lists, one kit, adding people, and "follow all" (edit them with the collection routes). */
export function starterKitsApi(collections: CollectionsService): Api {
  const api = createApi();
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
        return c.json({ collections: (await collections.mine(requireViewer(c), 'starter_kit')).map(summaryJson), nextCursor: null }, 200);
      const page = await collections.browse(c.var.viewer, 'starter_kit', cursor);
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
    async (c) => c.json(collectionViewJson(await collections.create(requireViewer(c), 'starter_kit', c.req.valid('json'))), 201),
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
    async (c) => c.json(collectionViewJson(await collections.kits.kit(c.var.viewer, c.req.valid('param').id)), 200),
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
        ...body(kitPersonSchema),
      },
      responses: { 201: json(EntrySchema, 'The new entry'), ...errors(401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { id } = c.req.valid('param');
      await collections.kits.kit(viewer, id);
      return c.json(entryJson(await collections.entries.add(viewer, id, { kind: 'person', ...c.req.valid('json') })), 201);
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
    async (c) => c.json(previewJson(await collections.kits.preview(requireViewer(c), c.req.valid('param').id)), 200),
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
      request: { params: IdParam, ...body(kitFollowSchema) },
      responses: { 200: json(FollowResultSchema, 'What happened to each'), ...errors(401, 404, 415, 422) },
    }),
    async (c) =>
      c.json(followJson(await collections.kits.follow(requireViewer(c), c.req.valid('param').id, c.req.valid('json').actorIds)), 200),
  );
  return api;
}
