import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json, security } from '../../api/openapi.ts';
import { actorSummary } from '../../social/index.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { FederationService } from '../service.ts';

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
/** Finding people on other servers. */
export function lookupApi(service: FederationService): Api {
  const api = createApi();
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
      const row = await service.lookup(c.req.valid('query').q);
      return c.json({ ...actorSummary(row, c.var.kernel.config.baseUrl), locked: row.locked === 1, bio: row.bio }, 200);
    },
  );

  return api;
}
