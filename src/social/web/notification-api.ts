import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { ActorSchema } from '../../api/schemas.ts';
import { requireViewer } from '../../web/middleware.ts';
import { NOTIFICATION_KINDS, type NotificationView } from '../notifications.ts';
import type { SocialService } from '../service.ts';
import { CursorQuery, PostSchema, postJson } from './api-schemas.ts';

const NotificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(NOTIFICATION_KINDS),
    actor: ActorSchema,
    post: PostSchema.nullable(),
    chat: z
      .object({ title: z.string(), hashtag: z.string(), startsAt: z.string(), url: z.string() })
      .nullable()
      .openapi({ description: 'The chat a `chat_reminder` is about' }),
    collection: z
      .object({ id: z.number().int(), kind: z.enum(['collection', 'starter_kit']), title: z.string(), url: z.string() })
      .nullable()
      .openapi({ description: 'The collection or starter kit a `collection_entry` or `kit_added` is about' }),
    createdAt: z.string(),
    read: z.boolean(),
  })
  .openapi('Notification');

const notificationJson = (n: NotificationView) => ({
  ...n,
  createdAt: iso(n.createdAt)!,
  post: n.post ? postJson(n.post) : null,
  chat: n.chat ? { ...n.chat, startsAt: iso(n.chat.startsAt)! } : null,
});

/** A member's notifications. */
export function notificationApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/notifications',
      tags: ['Notifications'],
      security,
      summary: 'Your notifications, newest first',
      request: { query: CursorQuery.extend({ kind: z.enum(NOTIFICATION_KINDS).optional() }) },
      responses: {
        200: json(z.object({ notifications: z.array(NotificationSchema), nextCursor: z.string().nullable() }), 'A page'),
        ...errors(400, 401),
      },
    }),
    async (c) => {
      const page = await social.notifications.list(requireViewer(c), c.req.valid('query'));
      return c.json({ notifications: page.notifications.map(notificationJson), nextCursor: page.nextCursor }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/notifications/unread',
      tags: ['Notifications'],
      security,
      summary: 'How many notifications are unread',
      responses: { 200: json(z.object({ unread: z.number().int() }), 'Count'), ...errors(401) },
    }),
    async (c) => c.json({ unread: await social.notifications.unreadCount(requireViewer(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/notifications/read',
      tags: ['Notifications'],
      security,
      summary: 'Mark notifications read (all, or up to an id)',
      request: {
        body: {
          required: false,
          content: { 'application/json': { schema: z.strictObject({ upToId: z.number().int().positive().optional() }) } },
        },
      },
      responses: { ...Ok, ...errors(401, 422) },
    }),
    async (c) => {
      await social.notifications.markRead(requireViewer(c), c.req.valid('json')?.upToId);
      return c.body(null, 204);
    },
  );
  return api;
}
