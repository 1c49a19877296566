import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors } from '../../api/openapi.ts';
import { topics } from '../context.ts';
import type { SocialService } from '../service.ts';
import { postJson } from './api-schemas.ts';
import { deleteMessage, eventPost, liveStream, timelineTopics } from './live.tsx';

/** Live updates as Server-Sent Events. */
export function liveApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/streaming',
      tags: ['Timelines'],
      summary: 'Live updates as Server-Sent Events',
      description:
        'Events: `post` (a Post entering the timeline, as JSON), `delete` ({ id }), `notifications` ({ unread }, when signed in). Each event is checked against what you may see. ' +
        'Every event has an `id`: reconnect with it in `Last-Event-ID` (as EventSource does) to be sent, first, the events you missed in the last ten minutes, then live ones. ' +
        'If you missed more than that (or more than 500 events), the stream starts with `reset` ({}): reload what you show.',
      request: {
        query: z.strictObject({
          timeline: z
            .string()
            .max(120)
            .optional()
            .openapi({ description: '`home`, `local`, `tag:<name>` or `list:<id>`; omit for notifications only' }),
        }),
      },
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errors(400, 401, 404),
      },
    }),
    async (c) => {
      const viewer = c.var.viewer;
      const timeline = await timelineTopics(social, c, c.req.valid('query').timeline);
      const subscribed = [
        ...timeline,
        ...(timeline.length ? [topics.postChanges] : []),
        ...(viewer ? [topics.member(viewer.memberId)] : []),
      ];
      return liveStream(c, subscribed, async (event) => {
        if (event.kind === 'notification' && viewer)
          return { event: 'notifications', data: JSON.stringify({ unread: await social.notifications.unreadCount(viewer) }) };
        if (event.kind === 'delete') return deleteMessage(social, c, event);
        if (event.kind !== 'post') return null;
        const post = await eventPost(social, c, event);
        return post ? { event: 'post', data: JSON.stringify(postJson(post)) } : null;
      }) as unknown as Response;
    },
  );
  return api;
}
