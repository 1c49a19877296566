import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors } from '../../api/openapi.ts';
import { ROLE_KEYS } from '../roles.ts';
import type { AccountsService } from '../service.ts';
import { PassionSchema, ProfileSchema, toJson } from './profile-api.ts';

const DirectoryQuery = z.strictObject({
  q: z.string().max(200).optional().openapi({
    description:
      'Words matched against name, handle, role, organisation, location, bio and passions; a word, or the words together, also match passions with other endings and related passions',
  }),
  role: z.enum(ROLE_KEYS).optional(),
  passion: z.string().max(60).optional().openapi({
    description:
      'A passion slug or name. Matches the same passion with other endings or spacing ("Storytimes", "story time") and the passions the vocabulary relates to it ("Early literacy")',
    example: 'genrefication',
  }),
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
      summary: 'Passions members hold, starting with some letters (autocomplete), most shared first',
      description:
        'Passions at least one member holds whose name, or a later word of it, starts with `q` ("sto" → Storytime, "lit" → Early literacy), the most shared first; without `q`, the most shared. Each comes with the related passions of the vocabulary administrators keep (/admin/passions), which the directory also matches.',
      request: {
        query: z.strictObject({
          q: z.string().max(40).optional().openapi({ description: 'The first letters', example: 'sto' }),
          limit: z.coerce.number().int().min(1).max(50).optional().openapi({ description: 'At most this many (10 unless given)' }),
        }),
      },
      responses: {
        200: {
          description: 'Matching passions with how many members hold each and the passions related to each',
          content: {
            'application/json': {
              schema: z.object({
                passions: z.array(
                  PassionSchema.extend({
                    count: z.number().int(),
                    related: z.array(z.string()).openapi({ example: ['Early literacy', 'Lapsit'] }),
                  }),
                ),
              }),
            },
          },
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
