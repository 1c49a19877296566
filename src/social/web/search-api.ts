import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json } from '../../api/openapi.ts';
import type { SocialService } from '../service.ts';
import { CursorQuery, PageSchema, pageJson } from './api-schemas.ts';

/** Searching posts and hashtags. */
export function searchApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/search/posts',
      tags: ['Search'],
      summary: 'Full-text search of posts you may see',
      description:
        'Words and "quoted phrases" must all match; `#hashtag` and `from:handle` narrow the search. Bad syntax is a 400 naming the problem.',
      request: { query: CursorQuery.extend({ q: z.string().min(1).max(300) }) },
      responses: { 200: json(PageSchema, 'Matching posts, newest first'), ...errors(400, 422) },
    }),
    async (c) => {
      const { q, cursor } = c.req.valid('query');
      return c.json(pageJson(await social.searchPosts(c.var.viewer, q, cursor)), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/search/hashtags',
      tags: ['Search'],
      summary: 'Hashtags starting with some letters, with how many posts use each',
      request: { query: z.strictObject({ q: z.string().min(1).max(100) }) },
      responses: {
        200: json(z.object({ hashtags: z.array(z.object({ slug: z.string(), name: z.string(), posts: z.number().int() })) }), 'Hashtags'),
        ...errors(422),
      },
    }),
    async (c) => c.json({ hashtags: await social.searchHashtags(c.req.valid('query').q) }, 200),
  );
  return api;
}
