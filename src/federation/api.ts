import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, errors, iso, json, Ok, security } from '../api/openapi.ts';
import { actorSummary } from '../social/index.ts';
import type { AppContext } from '../web/context.ts';
import { requireAdmin, requireViewer } from '../web/middleware.ts';

const RemoteActorSchema = z
  .object({
    id: z.number().int(),
    handle: z.string(),
    acct: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    url: z.string(),
    local: z.boolean(),
    roleLabel: z.string().nullable(),
    locked: z.boolean(),
    bio: z.string(),
  })
  .openapi('RemoteActor');
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
/** Federation: finding people on other servers, and the admin's instance and relay controls (reports: reports-api.ts). */
export function registerFederationApi(api: Api): void {
  const federation = (c: AppContext) => c.var.services.federation;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/federation/lookup',
      tags: ['Federation'],
      security,
      summary: 'Find someone on another server by @user@host or profile URL',
      description:
        'Stores the account (and reads their recent public posts and pinned posts in the background); follow it with POST /api/v1/people/{acct}/follow. ' +
        'Errors say what happened: 404 `not_found` (the server has no such account, or the address is not a person or group), 502 `refused` (the server answered 401 or 403), ' +
        '502 `unreachable` (the server could not be reached), 502 `remote_error` (it answered with another error).',
      request: { query: z.strictObject({ q: z.string().min(1).max(500) }) },
      responses: { 200: json(RemoteActorSchema, 'The account'), ...errors(401, 403, 404, 422, 502) },
    }),
    async (c) => {
      requireViewer(c);
      const row = await federation(c).lookup(c.req.valid('query').q);
      return c.json({ ...actorSummary(row, c.var.services.config.baseUrl), locked: row.locked === 1, bio: row.bio }, 200);
    },
  );

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
      const rows = await federation(c).instances();
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
      await federation(c).moderate(c.req.valid('param').domain, moderation, reason);
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
        (await federation(c).relays()).map((r) => ({
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
      await federation(c).addRelay(inboxUrl, style);
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
      await federation(c).removeRelay(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
