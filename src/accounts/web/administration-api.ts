import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, iso, security } from '../../api/openapi.ts';
import { requireAdmin } from '../../web/middleware.ts';
import { VOCABULARY_LIMITS } from '../passion-vocabulary.ts';
import type { AccountsService } from '../service.ts';
import { handleSchema } from '../signup-schemas.ts';

const MemberAdminSchema = z
  .object({
    handle: z.string(),
    displayName: z.string(),
    email: z.string(),
    isAdmin: z.boolean(),
    suspendedAt: z.string().nullable(),
    suspendedReason: z.string().nullable(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .openapi('MemberAdmin');

/** Members for administrators: list, suspend, lift a suspension; the related passions. */
export function administrationApi(accounts: AccountsService): Api {
  const api = createApi();

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/members',
      tags: ['Administration'],
      summary: 'List members (administrators)',
      security,
      request: {
        query: z.strictObject({
          q: z.string().max(200).optional(),
          status: z.enum(['active', 'suspended']).optional(),
          cursor: z.string().max(500).optional(),
        }),
      },
      responses: {
        200: {
          description: 'A page of members',
          content: { 'application/json': { schema: z.object({ members: z.array(MemberAdminSchema), nextCursor: z.string().nullable() }) } },
        },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      requireAdmin(c);
      const result = await accounts.listMembers(c.req.valid('query'));
      return c.json(
        {
          members: result.members.map((m) => ({
            handle: m.handle,
            displayName: m.displayName,
            email: m.email,
            isAdmin: m.isAdmin,
            suspendedAt: iso(m.suspendedAt),
            suspendedReason: m.suspendedReason,
            createdAt: iso(m.createdAt)!,
            lastLoginAt: iso(m.lastLoginAt),
          })),
          nextCursor: result.nextCursor,
        },
        200,
      );
    },
  );

  for (const action of ['suspend', 'unsuspend'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/admin/members/{handle}/${action}`,
        tags: ['Administration'],
        summary: action === 'suspend' ? 'Suspend a member (signs them out everywhere)' : 'Lift a suspension',
        security,
        request: {
          params: z.object({ handle: handleSchema }),
          body: {
            required: false,
            content: { 'application/json': { schema: z.strictObject({ reason: z.string().max(500).optional() }) } },
          },
        },
        responses: { 204: { description: 'Done' }, ...errors(401, 403, 404, 422) },
      }),
      async (c) => {
        const viewer = requireAdmin(c);
        const { handle } = c.req.valid('param');
        if (action === 'suspend') await accounts.suspend(handle, c.req.valid('json')?.reason ?? null, viewer);
        else await accounts.unsuspend(handle, viewer);
        return c.body(null, 204);
      },
    );
  }

  const GroupsSchema = z
    .object({
      groups: z
        .array(z.array(z.string().max(200)).max(200))
        .max(1000)
        .openapi({
          example: [
            ['Storytime', 'Early literacy', 'Lapsit'],
            ['Youth services', 'Teen services'],
          ],
        }),
    })
    .openapi('RelatedPassions');

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/passions',
      tags: ['Administration'],
      summary: 'The groups of related passions (administrators)',
      description: 'The directory, people search and Who to follow treat the passions of one group as related.',
      security,
      responses: {
        200: { description: 'Every group, in order', content: { 'application/json': { schema: GroupsSchema } } },
        ...errors(401, 403),
      },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json({ groups: await accounts.relatedPassionGroups() }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/admin/passions',
      tags: ['Administration'],
      summary: 'Replace the groups of related passions (administrators)',
      description: `Each group: 2 to ${VOCABULARY_LIMITS.perGroup} passions (repeats, in any case or ending, count once); at most ${VOCABULARY_LIMITS.groups} groups.`,
      security,
      request: {
        body: { required: true, content: { 'application/json': { schema: z.strictObject({ groups: GroupsSchema.shape.groups }) } } },
      },
      responses: {
        200: { description: 'The groups as saved', content: { 'application/json': { schema: GroupsSchema } } },
        ...errors(401, 403, 422),
      },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json({ groups: await accounts.replaceRelatedPassionGroups(c.req.valid('json').groups) }, 200);
    },
  );

  return api;
}
