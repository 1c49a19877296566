import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors } from '../../api/openapi.ts';
import { ROLE_KEYS } from '../roles.ts';
import type { AccountsService } from '../service.ts';
import { PassionSchema, ProfileSchema, toJson } from './profile-api.ts';

const DirectoryQuery = z.strictObject({
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Words matched against name, handle, role, organisation, location, bio and passions' }),
  role: z.enum(ROLE_KEYS).optional(),
  passion: z.string().max(60).optional().openapi({ description: 'A passion slug or name', example: 'genrefication' }),
  location: z.string().max(120).optional().openapi({ description: 'Part of the location, any case', example: 'Ohio' }),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** The directory of members, and passions for autocomplete. */
export function directoryApi(accounts: AccountsService): Api {
  const api = createApi();

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people',
      tags: ['People'],
      summary: 'Search the directory of members',
      description:
        'Every filter given must match. Newest members first. Anonymous callers see only public profiles; a member is not shown herself.',
      request: { query: DirectoryQuery },
      responses: {
        200: {
          description: 'A page of people',
          content: { 'application/json': { schema: z.object({ people: z.array(ProfileSchema), nextCursor: z.string().nullable() }) } },
        },
        ...errors(400, 422),
      },
    }),
    async (c) => {
      const result = await accounts.directory(c.req.valid('query'), c.var.viewer);
      const baseUrl = c.var.kernel.config.baseUrl;
      return c.json({ people: result.people.map((p) => toJson(p, baseUrl)), nextCursor: result.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/passions',
      tags: ['People'],
      summary: 'Passions starting with some letters (autocomplete), most shared first',
      request: { query: z.strictObject({ q: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(50).optional() }) },
      responses: {
        200: {
          description: 'Matching passions with how many members share each',
          content: { 'application/json': { schema: z.object({ passions: z.array(PassionSchema.extend({ count: z.number().int() })) }) } },
        },
        ...errors(422),
      },
    }),
    async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json({ passions: await accounts.passionSuggestions(q ?? '', limit) }, 200);
    },
  );

  return api;
}
