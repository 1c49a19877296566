import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { FeedsService } from '../service.ts';

/** OPML: the member's sources out, another reader's in. */

export function opmlApi(service: FeedsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/subscriptions/opml',
      tags: ['Sources'],
      security,
      summary: 'Export your sources as OPML',
      responses: { 200: { description: 'OPML 2.0', content: { 'text/x-opml': { schema: z.string() } } }, ...errors(401) },
    }),
    async (c) => {
      const xml = await service.opml.export(requireViewer(c), c.var.site.siteName);
      return c.body(xml, 200, {
        'content-type': 'text/x-opml; charset=utf-8',
        'content-disposition': 'attachment; filename="sources.opml"',
      });
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/subscriptions/opml',
      tags: ['Sources'],
      security,
      summary: 'Import sources from OPML (folders kept; sources already followed are skipped)',
      description:
        'The OPML document as the request body (`text/x-opml`, `text/xml` or `application/xml`), up to 5 MB. New sources are fetched in the background.',
      request: {
        body: {
          required: true,
          content: { 'text/x-opml': { schema: z.string() }, 'text/xml': { schema: z.string() }, 'application/xml': { schema: z.string() } },
        },
      },
      responses: {
        200: json(
          z.object({
            added: z.number().int(),
            alreadyFollowed: z.number().int(),
            folders: z.array(z.string()),
            skipped: z.array(z.object({ text: z.string(), reason: z.string() })),
          }),
          'What was imported',
        ),
        ...errors(401, 413, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const result = await service.opml.import(viewer, new Uint8Array(await c.req.arrayBuffer()));
      return c.json(result, 200);
    },
  );
  return api;
}
