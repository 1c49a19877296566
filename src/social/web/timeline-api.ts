import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json, security } from '../../api/openapi.ts';
import { HandleParam } from '../../api/schemas.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { SocialService } from '../service.ts';
import { CursorQuery, IdParam, PageSchema, PostSchema, pageJson, postJson, TagParam } from './api-schemas.ts';

/** Timelines: home, local, a hashtag's, a list's, an account's posts and featured posts. */
export function timelineApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/home',
      tags: ['Timelines'],
      security,
      summary: 'Posts from people and hashtags you follow, your own posts, and boosts',
      request: { query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400, 401) },
    }),
    async (c) => c.json(pageJson(await social.timelines.home(requireViewer(c), c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/local',
      tags: ['Timelines'],
      summary: 'Original posts by members of this server',
      request: { query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400) },
    }),
    async (c) => c.json(pageJson(await social.timelines.local(c.var.viewer, c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/tags/{tag}',
      tags: ['Timelines'],
      summary: 'Public and members-only posts with a hashtag',
      request: { params: TagParam, query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400) },
    }),
    async (c) => {
      const page = await social.timelines.hashtag(
        c.var.viewer,
        c.req.valid('param').tag.replace(/^#/, '').toLowerCase(),
        c.req.valid('query').cursor,
      );
      return c.json(pageJson(page), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/timelines/lists/{id}',
      tags: ['Timelines'],
      summary: "A list's timeline (yours, or a public list)",
      request: { params: IdParam, query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400, 404) },
    }),
    async (c) => c.json(pageJson(await social.lists.timeline(c.var.viewer, c.req.valid('param').id, c.req.valid('query').cursor)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/posts',
      tags: ['Timelines'],
      summary: "An account's posts",
      request: {
        params: HandleParam,
        query: CursorQuery.extend({
          filter: z
            .enum(['posts', 'replies', 'media'])
            .default('posts')
            .openapi({ description: '`posts` (with boosts, without replies), `replies` (everything) or `media`' }),
        }),
      },
      responses: { 200: json(PageSchema, 'A page, newest first'), ...errors(400, 404) },
    }),
    async (c) => {
      const actor = await social.graph.actor(c.req.valid('param').handle);
      const { filter, cursor } = c.req.valid('query');
      return c.json(pageJson(await social.timelines.profile(c.var.viewer, actor.id, filter, cursor)), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/featured',
      tags: ['Timelines'],
      summary: 'Posts an account features on its profile',
      request: { params: HandleParam },
      responses: { 200: json(z.object({ posts: z.array(PostSchema) }), 'Featured posts'), ...errors(404) },
    }),
    async (c) => {
      const actor = await social.graph.actor(c.req.valid('param').handle);
      return c.json({ posts: (await social.timelines.pinned(c.var.viewer, actor.id)).map(postJson) }, 200);
    },
  );
  return api;
}
