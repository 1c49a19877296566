import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { SocialService } from '../service.ts';
import { TagParam } from './api-schemas.ts';

/** Followed hashtags and trends. */
export function hashtagApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/hashtags/followed',
      tags: ['Hashtags'],
      security,
      summary: 'Hashtags you follow',
      responses: {
        200: json(z.object({ hashtags: z.array(z.object({ slug: z.string(), name: z.string() })) }), 'Followed hashtags'),
        ...errors(401),
      },
    }),
    async (c) => c.json({ hashtags: await social.graph.followedHashtags(requireViewer(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/hashtags/{tag}/follow',
      tags: ['Hashtags'],
      security,
      summary: 'Follow a hashtag: its public posts join your home timeline',
      request: { params: TagParam },
      responses: { ...Ok, ...errors(401, 409, 422) },
    }),
    async (c) => {
      await social.graph.followHashtag(requireViewer(c), c.req.valid('param').tag);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/hashtags/{tag}/follow',
      tags: ['Hashtags'],
      security,
      summary: 'Unfollow a hashtag',
      request: { params: TagParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await social.graph.unfollowHashtag(requireViewer(c), c.req.valid('param').tag);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/trends/hashtags',
      tags: ['Hashtags'],
      summary: 'Hashtags used by the most people in the last 7 days',
      responses: {
        200: json(
          z.object({
            hashtags: z.array(z.object({ slug: z.string(), name: z.string(), uses: z.number().int(), people: z.number().int() })),
          }),
          'Trending hashtags',
        ),
      },
    }),
    async (c) => c.json({ hashtags: await social.timelines.trending(10) }, 200),
  );
  return api;
}
