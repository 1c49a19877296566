import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, security } from '../../api/openapi.ts';
import type { AppContext } from '../../web/context.ts';
import { requireViewer } from '../../web/middleware.ts';
import { chatUpdateSchema } from '../question-schemas.ts';
import type { ChatsService } from '../service.ts';
import { ChatParams, ChatSchema, ChatWithQuestions, chatJson, questionJson, SlugParam, seriesJson } from './api-schemas.ts';

/** A series’ chats: listing and searching them, one chat, its topic, starting, ending, cancelling, RSVPs. */
export function occurrenceApi(service: ChatsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/chats',
      tags: ['Chats'],
      security,
      summary: 'A series’ coming chats, or its archive of past ones (searchable)',
      request: {
        params: SlugParam,
        query: z.strictObject({ when: z.enum(['upcoming', 'past']).default('upcoming'), q: z.string().max(200).optional() }),
      },
      responses: { 200: json(z.object({ chats: z.array(ChatSchema) }), 'Chats'), ...errors(404, 422) },
    }),
    async (c) => {
      const { when, q } = c.req.valid('query');
      return c.json({ chats: (await service.occurrences.list(c.var.viewer, c.req.valid('param').slug, { when, q })).map(chatJson) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/{date}',
      tags: ['Chats'],
      security,
      summary: 'One chat with its questions',
      request: { params: ChatParams },
      responses: { 200: json(ChatWithQuestions, 'The chat'), ...errors(404) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      const result = await service.occurrences.get(c.var.viewer, slug, date);
      return c.json({ series: seriesJson(result.series), chat: chatJson(result.chat), questions: result.questions.map(questionJson) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/chats/{slug}/{date}',
      tags: ['Chats'],
      security,
      summary: 'Set a chat’s topic or question interval (moderators)',
      request: { params: ChatParams, ...body(chatUpdateSchema) },
      responses: { 200: json(ChatSchema, 'The chat'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      return c.json(chatJson(await service.occurrences.update(requireViewer(c), slug, date, c.req.valid('json'))), 200);
    },
  );
  const actions = {
    start: [
      'Start the chat now (it also starts by itself at the hour)',
      (c: AppContext, slug: string, date: string) => service.occurrences.start(requireViewer(c), slug, date),
    ],
    end: [
      'End the chat: later posts no longer join it, the transcript is final',
      (c: AppContext, slug: string, date: string) => service.occurrences.end(requireViewer(c), slug, date),
    ],
    cancel: [
      'Cancel a chat that has not started (hosts)',
      (c: AppContext, slug: string, date: string) => service.occurrences.cancel(requireViewer(c), slug, date),
    ],
  } as const;
  for (const [name, [summary, act]] of Object.entries(actions)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/chats/{slug}/{date}/${name}`,
        tags: ['Chats'],
        security,
        summary,
        request: { params: ChatParams },
        responses: { 200: json(ChatSchema, 'The chat'), ...errors(401, 403, 404, 409) },
      }),
      async (c) => {
        const { slug, date } = c.req.valid('param');
        return c.json(chatJson(await act(c, slug, date)), 200);
      },
    );
  }
  for (const [method, going] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    api.openapi(
      createRoute({
        method,
        path: '/api/v1/chats/{slug}/{date}/rsvp',
        tags: ['Chats'],
        security,
        summary: going ? '“I’ll be there”: a reminder before the start, and the chat in your calendar' : 'Take back your RSVP',
        request: { params: ChatParams },
        responses: { 200: json(ChatSchema, 'The chat'), ...errors(401, 404, 409) },
      }),
      async (c) => {
        const { slug, date } = c.req.valid('param');
        return c.json(chatJson(await service.rsvps.rsvp(requireViewer(c), slug, date, going)), 200);
      },
    );
  }
  return api;
}
