import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import { questionInputSchema } from '../question-schemas.ts';
import type { ChatsService } from '../service.ts';
import { ChatParams, NumberParam, QuestionSchema, questionJson } from './api-schemas.ts';

/** A chat’s questions: preparing them, and asking the next one as a post. */
export function questionApi(service: ChatsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats/{slug}/{date}/questions',
      tags: ['Chats'],
      security,
      summary: 'Prepare the next question (a backchannel: a session, with `label` and a time window)',
      request: { params: ChatParams, ...body(questionInputSchema) },
      responses: { 201: json(QuestionSchema, 'The question'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      return c.json(questionJson(await service.questions.add(requireViewer(c), slug, date, c.req.valid('json'))), 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/chats/{slug}/{date}/questions/{number}',
      tags: ['Chats'],
      security,
      summary: 'Change a question not yet asked',
      request: { params: NumberParam, ...body(questionInputSchema) },
      responses: { 200: json(QuestionSchema, 'The question'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date, number } = c.req.valid('param');
      return c.json(questionJson(await service.questions.update(requireViewer(c), slug, date, number, c.req.valid('json'))), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/chats/{slug}/{date}/questions/{number}',
      tags: ['Chats'],
      security,
      summary: 'Remove a question not yet asked (the ones after it move up)',
      request: { params: NumberParam },
      responses: { ...Ok, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { slug, date, number } = c.req.valid('param');
      await service.questions.delete(requireViewer(c), slug, date, number);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats/{slug}/{date}/release',
      tags: ['Chats'],
      security,
      summary: 'Ask the next question now, as a post (moderators)',
      description: 'Questions go in order: naming a `number` other than the next one is refused with 409 `out_of_order`.',
      request: {
        params: ChatParams,
        body: {
          required: false,
          content: { 'application/json': { schema: z.strictObject({ number: z.number().int().positive().optional() }) } },
        },
      },
      responses: { 200: json(QuestionSchema, 'The question, now asked'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      const input = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(questionJson(await service.questions.release(requireViewer(c), slug, date, input?.number)), 200);
    },
  );
  return api;
}
