import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errorBody, errors, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { FeedsService } from '../service.ts';
import { ChooseFeedError } from '../sources.ts';
import { FolderSchema, IdParam } from './api-schemas.ts';

/** The sources a member follows: discovering feeds, following, renaming, moving, fetching now, unfollowing. */

const CandidateSchema = z.object({ url: z.string(), title: z.string().nullable(), format: z.string().nullable() }).openapi('FeedCandidate');

const SubscriptionSchema = z
  .object({
    id: z.number().int(),
    sourceId: z.number().int(),
    title: z.string(),
    customTitle: z.string().nullable(),
    feedUrl: z.string(),
    siteUrl: z.string().nullable(),
    iconUrl: z.string().nullable(),
    folder: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    unread: z.number().int(),
    status: z.enum(['active', 'error', 'gone', 'pending']),
    problem: z
      .string()
      .nullable()
      .openapi({ description: 'What is wrong, in plain words ("The site answered 404 (not found) since 3 days.")' }),
    lastFetchedAt: z.string().nullable(),
    nextFetchAt: z.string().nullable(),
  })
  .openapi('Subscription');

const SubscribeInput = z.strictObject({
  url: z.string().min(1, 'Paste the address of a site or a feed.').max(2000),
  folder: z.string().max(200).nullish(),
  title: z.string().max(500).nullish(),
});

export function sourcesApi(service: FeedsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/feeds/discover',
      tags: ['Sources'],
      security,
      summary: 'The feeds behind an address (a feed, a site, a Mastodon or Bluesky profile, a YouTube channel)',
      request: body(z.strictObject({ url: z.string().min(1).max(2000) })),
      responses: { 200: json(z.object({ feeds: z.array(CandidateSchema) }), 'Feeds found'), ...errors(401, 422) },
    }),
    async (c) => {
      requireViewer(c);
      return c.json({ feeds: await service.sources.discover(c.req.valid('json').url) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/subscriptions',
      tags: ['Sources'],
      security,
      summary: 'The sources you follow, and your folders',
      responses: {
        200: json(z.object({ subscriptions: z.array(SubscriptionSchema), folders: z.array(FolderSchema) }), 'Subscriptions and folders'),
        ...errors(401),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const subscriptions = await service.sources.list(viewer);
      const folders = await service.folders.list(viewer, subscriptions);
      return c.json({ subscriptions, folders }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/subscriptions',
      tags: ['Sources'],
      security,
      summary: 'Follow a source by its feed or site address',
      description:
        'A page naming several feeds answers 409 `choose_feed` with `choices`: subscribe again with one of their URLs. A new source is fetched at once.',
      request: body(SubscribeInput),
      responses: {
        201: json(SubscriptionSchema, 'The subscription'),
        409: json(
          z.object({
            error: z.object({
              code: z.string(),
              message: z.string(),
              issues: z.array(z.object({ path: z.string(), message: z.string() })),
            }),
            choices: z.array(CandidateSchema).optional(),
          }),
          'Already followed, or several feeds to choose from',
        ),
        ...errors(401, 422),
      },
    }),
    async (c) => {
      try {
        return c.json(await service.sources.subscribe(requireViewer(c), c.req.valid('json')), 201);
      } catch (error) {
        if (error instanceof ChooseFeedError) return c.json({ ...errorBody(error), choices: error.choices }, 409);
        throw error;
      }
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/subscriptions/{id}',
      tags: ['Sources'],
      security,
      summary: 'Rename a source for yourself, or move it to a folder (null: out of folders)',
      request: {
        params: IdParam,
        ...body(z.strictObject({ title: z.string().max(500).nullish(), folder: z.string().max(200).nullish() })),
      },
      responses: { 200: json(SubscriptionSchema, 'The subscription'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(await service.sources.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/subscriptions/{id}',
      tags: ['Sources'],
      security,
      summary: 'Stop following a source',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await service.sources.unsubscribe(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/subscriptions/{id}/refresh',
      tags: ['Sources'],
      security,
      summary: 'Fetch a source now (retry after an error)',
      request: { params: IdParam },
      responses: { 200: json(SubscriptionSchema, 'The subscription after the fetch'), ...errors(401, 404, 409) },
    }),
    async (c) => c.json(await service.sources.retry(requireViewer(c), c.req.valid('param').id), 200),
  );
  return api;
}
