import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { ActorSchema, HandleParam } from '../../api/schemas.ts';
import { requireViewer } from '../../web/middleware.ts';
import { type ListView, listInputSchema, listUpdateSchema } from '../lists.ts';
import type { SocialService } from '../service.ts';
import { IdParam } from './api-schemas.ts';

const ListSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    visibility: z.enum(['private', 'public']),
    owner: ActorSchema,
    members: z.number().int(),
  })
  .openapi('List');

const listJson = (l: ListView) => ({
  id: l.id,
  name: l.name,
  description: l.description,
  visibility: l.visibility,
  owner: l.owner,
  members: l.members,
});

/** Lists: a member's own, and shared ones. */
export function listApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/lists',
      tags: ['Lists'],
      security,
      summary: 'Your lists',
      responses: { 200: json(z.object({ lists: z.array(ListSchema) }), 'Lists'), ...errors(401) },
    }),
    async (c) => c.json({ lists: (await social.lists.mine(requireViewer(c))).map(listJson) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/lists',
      tags: ['Lists'],
      security,
      summary: 'Create a list',
      request: body(listInputSchema),
      responses: { 201: json(ListSchema, 'The new list'), ...errors(401, 422) },
    }),
    async (c) => c.json(listJson(await social.lists.create(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/lists/{id}',
      tags: ['Lists'],
      summary: 'A list (yours, or a public one)',
      request: { params: IdParam },
      responses: { 200: json(ListSchema, 'The list'), ...errors(404) },
    }),
    async (c) => c.json(listJson(await social.lists.get(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/lists/{id}',
      tags: ['Lists'],
      security,
      summary: 'Rename, describe or share your list',
      request: { params: IdParam, ...body(listUpdateSchema) },
      responses: { 200: json(ListSchema, 'The list'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => c.json(listJson(await social.lists.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/lists/{id}',
      tags: ['Lists'],
      security,
      summary: 'Delete your list',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await social.lists.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/lists/{id}/members',
      tags: ['Lists'],
      summary: 'Who is on a list',
      request: { params: IdParam },
      responses: { 200: json(z.object({ people: z.array(ActorSchema) }), 'Accounts'), ...errors(404) },
    }),
    async (c) => c.json({ people: await social.lists.members(c.var.viewer, c.req.valid('param').id) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/lists/{id}/members',
      tags: ['Lists'],
      security,
      summary: 'Add someone to your list',
      request: { params: IdParam, ...body(z.strictObject({ handle: z.string().min(1).max(200) })) },
      responses: { ...Ok, ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      await social.lists.add(requireViewer(c), c.req.valid('param').id, c.req.valid('json').handle);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/lists/{id}/members/{handle}',
      tags: ['Lists'],
      security,
      summary: 'Remove someone from your list',
      request: { params: IdParam.merge(HandleParam) },
      responses: { ...Ok, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, handle } = c.req.valid('param');
      await social.lists.remove(requireViewer(c), id, handle);
      return c.body(null, 204);
    },
  );
  return api;
}
