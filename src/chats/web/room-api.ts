import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import { transcriptJson } from '../exports.ts';
import type { ChatsService } from '../service.ts';
import {
  ChatParams,
  ChatSchema,
  chatJson,
  PostParam,
  QuestionSchema,
  questionJson,
  RoomPostSchema,
  roomPostJson,
  SeriesSchema,
  seriesJson,
} from './api-schemas.ts';

/** The room: highlighting and hiding posts, the room itself, the transcript, a person’s chat history. */
export function roomApi(service: ChatsService): Api {
  const api = createApi();
  for (const tool of ['highlight', 'hide'] as const) {
    for (const [method, on] of [
      ['post', true],
      ['delete', false],
    ] as const) {
      api.openapi(
        createRoute({
          method,
          path: `/api/v1/chats/{slug}/{date}/posts/{postId}/${tool}`,
          tags: ['Chats'],
          security,
          summary: `${on ? '' : 'Undo: '}${tool === 'highlight' ? 'highlight a good answer' : 'hide an off-topic post from the room and the transcript'} (moderators)`,
          request: { params: PostParam },
          responses: { ...Ok, ...errors(401, 403, 404) },
        }),
        async (c) => {
          const { slug, date, postId } = c.req.valid('param');
          const viewer = requireViewer(c);
          await (tool === 'highlight'
            ? service.moderation.setHighlighted(viewer, slug, date, postId, on)
            : service.moderation.setHidden(viewer, slug, date, postId, on));
          return c.body(null, 204);
        },
      );
    }
  }
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/{date}/room',
      tags: ['Chats'],
      security,
      summary: 'The live room: the current question, answers grouped by question, other posts',
      description:
        'Live updates: `GET /chats/{slug}/{date}/live` (Server-Sent Events: `post`, `question`, `moderation`, `state`, `delete`).',
      request: { params: ChatParams },
      responses: {
        200: json(
          z.object({
            series: SeriesSchema,
            chat: ChatSchema,
            current: QuestionSchema.nullable(),
            questions: z.array(QuestionSchema.extend({ answers: z.array(RoomPostSchema) })),
            otherPosts: z.array(RoomPostSchema),
            participants: z.number().int(),
            prefill: z.string(),
          }),
          'The room',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      const room = await service.room.room(c.var.viewer, slug, date);
      return c.json(
        {
          series: seriesJson(room.series),
          chat: chatJson(room.chat),
          current: room.current ? questionJson(room.current) : null,
          questions: room.questions.map((q) => ({ ...questionJson(q), answers: q.answers.map(roomPostJson) })),
          otherPosts: room.otherPosts.map(roomPostJson),
          participants: room.participants,
          prefill: room.prefill,
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/{date}/transcript',
      tags: ['Chats'],
      security,
      summary: 'The transcript of an ended chat (also as .md, .html, .csv and .json under /chats/{slug}/{date}/transcript)',
      request: { params: ChatParams },
      responses: {
        200: {
          description: 'The transcript (questions, answers by question, other posts, participants, counts)',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...errors(404, 409),
      },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      // The same document as the .json download (times as ISO 8601).
      return c.json(JSON.parse(transcriptJson(await service.room.transcript(c.var.viewer, slug, date))) as Record<string, unknown>, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/accounts/{handle}/chats',
      tags: ['Chats'],
      security,
      summary: 'The chats someone joined, and what they answered',
      request: { params: z.object({ handle: z.string().openapi({ param: { name: 'handle', in: 'path' }, example: 'ana' }) }) },
      responses: {
        200: json(
          z.object({
            chats: z.array(
              z.object({
                series: z.object({ slug: z.string(), title: z.string(), hashtag: z.string() }),
                chat: z.object({ date: z.string(), topic: z.string(), startsAt: z.string(), url: z.string() }),
                posts: z.number().int(),
                answers: z.array(z.object({ label: z.string(), text: z.string(), postUrl: z.string() })),
              }),
            ),
          }),
          'Chat history',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const history = await service.room.history(c.var.viewer, c.req.valid('param').handle);
      return c.json({ chats: history.map((h) => ({ ...h, chat: { ...h.chat, startsAt: iso(h.chat.startsAt)! } })) }, 200);
    },
  );
  return api;
}
