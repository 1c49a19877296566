import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { requireAdmin } from '../../web/middleware.ts';
import type { FederationService } from '../service.ts';

const ModerationSchema = z.enum(['none', 'silence', 'block']);
const InstanceSchema = z
  .object({
    domain: z.string(),
    software: z
      .string()
      .nullable()
      .openapi({ description: 'The software the server runs, from its NodeInfo (e.g. mastodon, gotosocial); null until read.' }),
    softwareVersion: z.string().nullable(),
    moderation: ModerationSchema,
    reason: z.string().nullable(),
    actors: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int(),
    lastDeliveredAt: z.string().nullable(),
    lastFailedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    received: z.number().int(),
    lastReceivedAt: z.string().nullable(),
  })
  .openapi('Instance');
const RelaySchema = z
  .object({
    id: z.number().int(),
    inboxUrl: z.string(),
    style: z.enum(['mastodon', 'litepub']),
    state: z.enum(['pending', 'accepted', 'rejected']),
    createdAt: z.string(),
  })
  .openapi('Relay');
/** The admin's controls of other servers (block, silence, health) and relays. */
export function instanceApi(service: FederationService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/instances',
      tags: ['Admin'],
      security,
      summary: 'Servers we know, their moderation and delivery health',
      responses: { 200: json(z.array(InstanceSchema), 'Instances'), ...errors(401, 403) },
    }),
    async (c) => {
      requireAdmin(c);
      const rows = await service.instances.list();
      return c.json(
        rows.map((r) => ({
          ...r,
          lastDeliveredAt: iso(r.lastDeliveredAt),
          lastFailedAt: iso(r.lastFailedAt),
          lastReceivedAt: iso(r.lastReceivedAt),
        })),
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/admin/instances/{domain}',
      tags: ['Admin'],
      security,
      summary: 'Block or silence a domain (or lift it)',
      description:
        '`block`: nothing is received from or sent to it, and follows across end. `silence`: its posts reach only people who follow their authors.',
      request: {
        params: z.object({
          domain: z
            .string()
            .min(1)
            .max(300)
            .openapi({ param: { name: 'domain', in: 'path' }, example: 'spam.example' }),
        }),
        ...body(z.strictObject({ moderation: ModerationSchema, reason: z.string().max(500).default('') })),
      },
      responses: { ...Ok, ...errors(401, 403, 422) },
    }),
    async (c) => {
      requireAdmin(c);
      const { moderation, reason } = c.req.valid('json');
      await service.instances.moderate(c.req.valid('param').domain, moderation, reason);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/relays',
      tags: ['Admin'],
      security,
      summary: 'Relays this server subscribes to',
      responses: { 200: json(z.array(RelaySchema), 'Relays'), ...errors(401, 403) },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(
        (await service.relays.list()).map((r) => ({
          ...r,
          style: r.style as 'mastodon' | 'litepub',
          state: r.state as 'pending' | 'accepted' | 'rejected',
          createdAt: iso(r.createdAt)!,
        })),
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/relays',
      tags: ['Admin'],
      security,
      summary: 'Subscribe to a relay',
      description:
        '`mastodon` relays get a Follow of the public collection, `litepub` relays (Pleroma, Akkoma, aode-relay) a Follow of the relay actor.',
      request: body(z.strictObject({ inboxUrl: z.string().max(500), style: z.enum(['mastodon', 'litepub']).default('mastodon') })),
      responses: { ...Ok, ...errors(401, 403, 409, 422) },
    }),
    async (c) => {
      requireAdmin(c);
      const { inboxUrl, style } = c.req.valid('json');
      await service.relays.add(inboxUrl, style);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/admin/relays/{id}',
      tags: ['Admin'],
      security,
      summary: 'Unsubscribe from a relay',
      request: {
        params: z.object({
          id: z.coerce
            .number()
            .int()
            .positive()
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      requireAdmin(c);
      await service.relays.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return api;
}
