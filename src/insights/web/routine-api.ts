import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import { ROUTINE_DAYS } from '../routine.ts';
import type { InsightsService } from '../service.ts';

const count = z.number().int().min(0);

const LinkSchema = z.object({
  kind: z.enum(['item', 'post', 'page']).openapi({
    description:
      'A feed item, a post, or a page to go to. Opening an item or post of the `read` step is what ticks it (POST /api/v1/insights/routine/read)',
  }),
  id: z.number().int().nullable(),
  label: z.string(),
  url: z.string().openapi({ description: 'A path on this server' }),
  by: z.string().optional().openapi({ description: 'The source or the author' }),
});

const RoutineSchema = z
  .object({
    timeZone: z
      .string()
      .openapi({ description: 'The member’s time zone (Settings); days run midnight to midnight in it', example: 'Europe/London' }),
    today: z.string().openapi({ example: '2026-11-24' }),
    steps: z.array(
      z.object({
        key: z.enum(['read', 'answer', 'share']),
        title: z.string(),
        done: z.boolean().openapi({ description: 'Done today (see docs/insights.md, Routine, for what counts)' }),
        text: z.string(),
        links: z.array(LinkSchema),
      }),
    ),
    streak: z.object({
      days: count.openapi({ description: 'Consecutive days with activity, up to today if today has some, else up to yesterday' }),
      includesToday: z.boolean(),
      capped: z.boolean().openapi({ description: `True when the streak fills the whole ${ROUTINE_DAYS}-day window (it may be longer)` }),
    }),
    days: z
      .array(
        z.object({
          date: z.string(),
          weekday: z.number().int().min(0).max(6).openapi({ description: '0 = Sunday' }),
          count: count.openapi({ description: 'The sum of the rest' }),
          posts: count,
          replies: count.openapi({ description: 'Replies to other people' }),
          boosts: count,
          likes: count,
          bookmarks: count,
          reads: count.openapi({ description: '1 when something was read from the plan that day' }),
        }),
      )
      .openapi({ description: `The last ${ROUTINE_DAYS} days, oldest first, ending today` }),
    activeDays: count,
  })
  .openapi('Routine');

const ReadSchema = z
  .strictObject({
    itemId: z.number().int().positive().optional().openapi({ description: 'A feed item of your sources' }),
    postId: z.number().int().positive().optional().openapi({ description: 'A post you can see' }),
  })
  .refine((v) => !(v.itemId && v.postId), { message: 'Give an item or a post, not both.', path: ['postId'] })
  .openapi('RoutineRead');

/** Routine under /api/v1/insights/routine. */
export function routineApi(service: InsightsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights/routine',
      tags: ['Insights'],
      security,
      summary: 'Today’s twenty-minute plan, your streak and the last 12 weeks of activity',
      description: 'Always your own; unknown query parameters are refused.',
      request: { query: z.strictObject({}) },
      responses: { 200: json(RoutineSchema, 'Your routine'), ...errors(401, 422) },
    }),
    async (c) => c.json(await service.routine.routine(requireViewer(c)), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/insights/routine/read',
      tags: ['Insights'],
      security,
      summary: 'Tick today’s “read” step',
      description:
        'With `itemId` or `postId`: you opened that item or post from the plan (404 when it is not yours to see). With an empty object: you read something elsewhere. Once a day counts; again is fine.',
      request: body(ReadSchema),
      responses: { ...Ok, ...errors(401, 404, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const input = c.req.valid('json');
      const { routine } = service;
      if (input.itemId) await routine.openFromPlan(viewer, 'item', input.itemId);
      else if (input.postId) await routine.openFromPlan(viewer, 'post', input.postId);
      else await routine.markRead(viewer);
      return c.body(null, 204);
    },
  );
  return api;
}
