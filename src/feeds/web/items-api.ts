import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import type { AppContext } from '../../web/context.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { RiverScope } from '../items.ts';
import type { FeedsService } from '../service.ts';
import { IdParam } from './api-schemas.ts';

/** Items: the river, one item, marking read, starring, bookmarking, the full article. */

const ItemSchema = z
  .object({
    id: z.number().int(),
    url: z.string().nullable(),
    title: z.string(),
    author: z.string().nullable(),
    summary: z.string(),
    contentHtml: z.string().openapi({ description: 'Sanitised HTML from the feed' }),
    fullHtml: z.string().nullable().openapi({ description: 'The full article, once loaded (POST /api/v1/items/{id}/full)' }),
    imageUrl: z.string().nullable(),
    attachments: z.array(
      z.object({
        url: z.string(),
        mime_type: z.string(),
        size_in_bytes: z.number().optional(),
        duration_in_seconds: z.number().optional(),
      }),
    ),
    tags: z.array(z.string()),
    publishedAt: z.string().nullable(),
    source: z.object({ subscriptionId: z.number().int(), id: z.number().int(), title: z.string(), siteUrl: z.string().nullable() }),
    read: z.boolean(),
    starred: z.boolean(),
    bookmarked: z.boolean(),
  })
  .openapi('Item');

const ScopeText = z
  .string()
  .regex(/^(all|starred|folder:\d+|source:\d+)$/, 'Use all, starred, folder:<id> or source:<subscription id>.')
  .default('all')
  .openapi({ description: '`all`, `starred`, `folder:<id>` or `source:<subscription id>`' });

export function parseScope(text: string): RiverScope {
  if (text === 'all' || text === 'starred') return { kind: text };
  const [kind, id] = text.split(':');
  return kind === 'folder' ? { kind: 'folder', folderId: Number(id) } : { kind: 'source', subscriptionId: Number(id) };
}

export function itemsApi(service: FeedsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/items',
      tags: ['Sources'],
      security,
      summary: 'Items from your sources, newest first (a river); full-text search with `q`',
      request: {
        query: z.strictObject({
          scope: ScopeText,
          unread: z.enum(['true', 'false']).optional(),
          q: z.string().max(200).optional(),
          cursor: z.string().max(500).optional(),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(ItemSchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errors(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return c.json(
        await service.items.river(requireViewer(c), {
          scope: parseScope(query.scope),
          unreadOnly: query.unread === 'true',
          q: query.q,
          cursor: query.cursor,
        }),
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/items/{id}',
      tags: ['Sources'],
      security,
      summary: 'One item',
      request: { params: IdParam },
      responses: { 200: json(ItemSchema, 'The item'), ...errors(401, 404) },
    }),
    async (c) => c.json(await service.items.item(requireViewer(c), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/items/mark-read',
      tags: ['Sources'],
      security,
      summary: 'Mark everything read in a scope, or only what is older than a day or a week',
      request: body(z.strictObject({ scope: ScopeText, olderThan: z.enum(['day', 'week']).optional() })),
      responses: { ...Ok, ...errors(400, 401, 404, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await service.items.markAllRead(requireViewer(c), parseScope(input.scope), input.olderThan);
      return c.body(null, 204);
    },
  );
  const { items } = service;
  const toggles = {
    read: ['Mark an item read', (c: AppContext, id: number, on: boolean) => items.setRead(requireViewer(c), id, on)],
    star: ['Star an item', (c: AppContext, id: number, on: boolean) => items.setStarred(requireViewer(c), id, on)],
    // Bookmarks are curation's (registered with feeds.extendItems).
    bookmark: [
      'Bookmark an item (privately)',
      async (c: AppContext, id: number, on: boolean) => {
        const viewer = requireViewer(c);
        await items.item(viewer, id);
        await items.act(viewer, id, on ? 'bookmark' : 'unbookmark');
      },
    ],
  } as const;
  for (const [name, [summary, toggle]] of Object.entries(toggles)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/items/{id}/${name}`,
        tags: ['Sources'],
        security,
        summary,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await toggle(c, c.req.valid('param').id, true);
        return c.body(null, 204);
      },
    );
    api.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/items/{id}/${name}`,
        tags: ['Sources'],
        security,
        summary: `Undo: ${summary.toLowerCase()}`,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await toggle(c, c.req.valid('param').id, false);
        return c.body(null, 204);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/items/{id}/full',
      tags: ['Sources'],
      security,
      summary: 'Load the full article behind a truncated item (extracted from its page, sanitised)',
      request: { params: IdParam },
      responses: { 200: json(ItemSchema, 'The item with fullHtml'), ...errors(401, 404, 409) },
    }),
    async (c) => c.json(await service.items.fullArticle(requireViewer(c), c.req.valid('param').id), 200),
  );
  return api;
}
