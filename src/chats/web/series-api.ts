import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import { moderatorInputSchema, seriesInputSchema, seriesUpdateSchema } from '../series-schemas.ts';
import type { ChatsService } from '../service.ts';
import { ChatSchema, chatJson, HandleParam, SeriesSchema, SlugParam, seriesJson } from './api-schemas.ts';

/** Chat series: listing, creating, changing, hosts and moderators, and your own chats. */
export function seriesApi(service: ChatsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats',
      tags: ['Chats'],
      security,
      summary: 'Every chat series, with its live and next chat',
      responses: {
        200: json(
          z.object({ series: z.array(SeriesSchema.extend({ live: ChatSchema.nullable(), next: ChatSchema.nullable() })) }),
          'Series',
        ),
      },
    }),
    async (c) => {
      const all = await service.series.all(c.var.viewer);
      return c.json(
        { series: all.map((s) => ({ ...seriesJson(s), live: s.live ? chatJson(s.live) : null, next: s.next ? chatJson(s.next) : null })) },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats',
      tags: ['Chats'],
      security,
      summary: 'Create a chat series (or a backchannel) that you host',
      description:
        'Times are local to `timeZone`: a weekly chat at 20:00 stays at 20:00 there across daylight-saving changes. A backchannel happens once, over `durationMinutes`.',
      request: body(seriesInputSchema),
      responses: { 201: json(SeriesSchema, 'The series; its coming chats are planned'), ...errors(401, 409, 422) },
    }),
    async (c) => c.json(seriesJson(await service.series.create(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/mine',
      tags: ['Chats'],
      security,
      summary: 'Chats you said you will join or help run, and your calendar address',
      responses: {
        200: json(
          z.object({ calendarUrl: z.string(), chats: z.array(z.object({ series: SeriesSchema, chat: ChatSchema })) }),
          'Your chats',
        ),
        ...errors(401),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const mine = await service.rsvps.mine(viewer);
      return c.json(
        {
          calendarUrl: service.calendars.myUrl(viewer.memberId),
          chats: mine.map((m) => ({ series: seriesJson(m.series), chat: chatJson(m.chat) })),
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}',
      tags: ['Chats'],
      security,
      summary: 'A chat series',
      request: { params: SlugParam },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(404) },
    }),
    async (c) => c.json(seriesJson(await service.series.get(c.var.viewer, c.req.valid('param').slug)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/chats/{slug}',
      tags: ['Chats'],
      security,
      summary: 'Change a series’ title, description or question interval (hosts)',
      request: { params: SlugParam, ...body(seriesUpdateSchema) },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => c.json(seriesJson(await service.series.update(requireViewer(c), c.req.valid('param').slug, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats/{slug}/moderators',
      tags: ['Chats'],
      security,
      summary: 'Name a co-host or moderator (hosts)',
      request: {
        params: SlugParam,
        ...body(moderatorInputSchema),
      },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(
        seriesJson(await service.series.addModerator(requireViewer(c), c.req.valid('param').slug, input.handle, input.role)),
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/chats/{slug}/moderators/{handle}',
      tags: ['Chats'],
      security,
      summary: 'Remove a co-host or moderator (hosts; a series keeps at least one host)',
      request: { params: HandleParam },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { slug, handle } = c.req.valid('param');
      return c.json(seriesJson(await service.series.removeModerator(requireViewer(c), slug, handle)), 200);
    },
  );
  return api;
}
