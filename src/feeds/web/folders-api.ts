import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { FeedsService } from '../service.ts';
import { FolderSchema, IdParam } from './api-schemas.ts';

/** A member's folders. */

export function foldersApi(service: FeedsService): Api {
  const api = createApi();
  const FolderInput = z.strictObject({ name: z.string().max(200) });
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/folders',
      tags: ['Sources'],
      security,
      summary: 'Create a folder',
      request: body(FolderInput),
      responses: { 201: json(FolderSchema, 'The folder'), ...errors(401, 422) },
    }),
    async (c) => c.json(await service.folders.create(requireViewer(c), c.req.valid('json').name), 201),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/folders/{id}',
      tags: ['Sources'],
      security,
      summary: 'Rename a folder',
      request: { params: IdParam, ...body(FolderInput) },
      responses: { 200: json(FolderSchema, 'The folder'), ...errors(401, 404, 409, 422) },
    }),
    async (c) => c.json(await service.folders.rename(requireViewer(c), c.req.valid('param').id, c.req.valid('json').name), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/folders/{id}',
      tags: ['Sources'],
      security,
      summary: 'Delete a folder (its sources stay, outside folders)',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await service.folders.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return api;
}
