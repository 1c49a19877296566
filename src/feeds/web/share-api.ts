import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, security } from '../../api/openapi.ts';
import { VISIBILITIES } from '../../social/index.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { FeedsService } from '../service.ts';
import { IdParam } from './api-schemas.ts';

/** Sharing an item to the member's stream as a post. */

export function shareApi(service: FeedsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/items/{id}/share',
      tags: ['Sources'],
      security,
      summary: 'Share an item to your stream as a post (its title and link, with your words)',
      request: {
        params: IdParam,
        ...body(z.strictObject({ comment: z.string().max(5000).default(''), visibility: z.enum(VISIBILITIES).default('public') })),
      },
      responses: { 201: json(z.object({ postId: z.number().int(), url: z.string() }), 'The new post'), ...errors(401, 404, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const item = await service.items.item(viewer, c.req.valid('param').id);
      const post = await service.sharing.share(viewer, item, c.req.valid('json'));
      return c.json({ postId: post.id, url: post.url }, 201);
    },
  );
  return api;
}
