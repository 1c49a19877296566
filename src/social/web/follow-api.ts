import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { ActorSchema, HandleParam } from '../../api/schemas.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { SocialService } from '../service.ts';
import { CursorQuery } from './api-schemas.ts';

const RelationshipSchema = z
  .object({
    following: z.boolean(),
    requested: z.boolean(),
    followedBy: z.boolean(),
    muting: z.boolean(),
    blocking: z.boolean(),
    blockedBy: z.boolean(),
  })
  .openapi('Relationship');

/** Follows, follow requests, mutes and blocks; who follows whom. */
export function followApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/relationship',
      tags: ['Follows'],
      security,
      summary: 'How you and an account are connected',
      request: { params: HandleParam },
      responses: { 200: json(RelationshipSchema, 'The relationship'), ...errors(401, 404) },
    }),
    async (c) => {
      const actor = await social.graph.actor(c.req.valid('param').handle);
      return c.json(await social.graph.relationship(requireViewer(c), actor.id), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/people/{handle}/follow',
      tags: ['Follows'],
      security,
      summary: 'Follow an account (a request when it approves followers)',
      request: { params: HandleParam },
      responses: { 200: json(z.object({ state: z.enum(['accepted', 'pending']) }), 'The follow'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json({ state: await social.graph.follow(requireViewer(c), c.req.valid('param').handle) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/people/{handle}/follow',
      tags: ['Follows'],
      security,
      summary: 'Unfollow (or withdraw a request)',
      request: { params: HandleParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await social.graph.unfollow(requireViewer(c), c.req.valid('param').handle);
      return c.body(null, 204);
    },
  );
  for (const name of ['mute', 'block'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/people/{handle}/${name}`,
        tags: ['Follows'],
        security,
        summary: name === 'mute' ? 'Mute an account (hide its posts from your timelines)' : 'Block an account (ends follows both ways)',
        request: { params: HandleParam },
        responses: { ...Ok, ...errors(401, 404, 409, 422) },
      }),
      async (c) => {
        await social.graph[name](requireViewer(c), c.req.valid('param').handle);
        return c.body(null, 204);
      },
    );
    api.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/people/{handle}/${name}`,
        tags: ['Follows'],
        security,
        summary: `Un${name}`,
        request: { params: HandleParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await social.graph[name === 'mute' ? 'unmute' : 'unblock'](requireViewer(c), c.req.valid('param').handle);
        return c.body(null, 204);
      },
    );
  }
  for (const direction of ['followers', 'following'] as const) {
    api.openapi(
      createRoute({
        method: 'get',
        path: `/api/v1/people/{handle}/${direction}`,
        tags: ['Follows'],
        summary: direction === 'followers' ? 'Who follows an account' : 'Whom an account follows',
        request: { params: HandleParam, query: CursorQuery },
        responses: {
          200: json(z.object({ people: z.array(ActorSchema), nextCursor: z.string().nullable() }), 'A page of accounts'),
          ...errors(400, 404),
        },
      }),
      async (c) => {
        const actor = await social.graph.actor(c.req.valid('param').handle);
        return c.json(await social.graph.connections(actor.id, direction, c.req.valid('query').cursor), 200);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/follow-requests',
      tags: ['Follows'],
      security,
      summary: 'People waiting for you to accept their follow',
      responses: { 200: json(z.object({ people: z.array(ActorSchema) }), 'Requests, oldest first'), ...errors(401) },
    }),
    async (c) => c.json({ people: await social.graph.followRequests(requireViewer(c)) }, 200),
  );
  for (const answer of ['accept', 'reject'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/follow-requests/{handle}/${answer}`,
        tags: ['Follows'],
        security,
        summary: `${answer === 'accept' ? 'Accept' : 'Decline'} a follow request`,
        request: { params: HandleParam },
        responses: { ...Ok, ...errors(401, 404) },
      }),
      async (c) => {
        await social.graph.answerRequest(requireViewer(c), c.req.valid('param').handle, answer === 'accept');
        return c.body(null, 204);
      },
    );
  }
  return api;
}
