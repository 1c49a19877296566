import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { FeedsService } from '../service.ts';
import { IdParam } from './api-schemas.ts';

/** Keyword rules: mute or star items containing a word. */

const RuleSchema = z
  .object({
    id: z.number().int(),
    keyword: z.string(),
    action: z.enum(['mute', 'star']),
    scope: z.union([
      z.object({ kind: z.literal('all') }),
      z.object({ kind: z.literal('folder'), id: z.number().int(), name: z.string() }),
      z.object({ kind: z.literal('source'), id: z.number().int(), title: z.string() }),
    ]),
  })
  .openapi('KeywordRule');

export function rulesApi(service: FeedsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/keyword-rules',
      tags: ['Sources'],
      security,
      summary: 'Your keyword rules',
      responses: { 200: json(z.object({ rules: z.array(RuleSchema) }), 'Rules'), ...errors(401) },
    }),
    async (c) => c.json({ rules: await service.rules.list(requireViewer(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/keyword-rules',
      tags: ['Sources'],
      security,
      summary: 'Mute or star items containing a word, in one source, one folder or everywhere',
      request: body(
        z.strictObject({
          keyword: z.string().max(500),
          action: z.enum(['mute', 'star']),
          folderId: z.number().int().positive().nullish(),
          subscriptionId: z.number().int().positive().nullish(),
        }),
      ),
      responses: { 201: json(RuleSchema, 'The rule (already applied to existing items)'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(await service.rules.add(requireViewer(c), c.req.valid('json')), 201),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/keyword-rules/{id}',
      tags: ['Sources'],
      security,
      summary: 'Remove a rule (items it muted come back)',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await service.rules.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return api;
}
