import { createRoute, z } from '@hono/zod-openapi';
import { type Api, errors, security } from '../api/openapi.ts';
import { UserError } from '../platform/errors.ts';
import { requireAdmin, requireViewer } from '../web/middleware.ts';
import { readForm } from '../web/request.ts';
import { ROLE_KEYS } from './roles.ts';
import { handleSchema, profilePatchSchema } from './validation.ts';

const PassionSchema = z.object({
  slug: z.string().openapi({ example: 'graphicnovels' }),
  name: z.string().openapi({ example: 'Graphic novels' }),
});

const ProfileSchema = z
  .object({
    handle: z.string().openapi({ example: 'mslibrarian' }),
    displayName: z.string(),
    bio: z.string(),
    avatarUrl: z.string().nullable(),
    role: z.enum(ROLE_KEYS).nullable(),
    roleOther: z.string().nullable(),
    roleLabel: z.string().nullable().openapi({ example: 'Public librarian' }),
    organisation: z.string().nullable(),
    location: z.string().nullable(),
    timeZone: z.string().openapi({ example: 'America/Chicago' }),
    passions: z.array(PassionSchema),
    links: z.array(z.object({ label: z.string(), url: z.string() })),
    profileVisibility: z.enum(['public', 'members']),
    joinedAt: z.string().openapi({ format: 'date-time' }),
    url: z.string().openapi({ example: 'https://commonroom.example/@mslibrarian' }),
  })
  .openapi('Profile');

const OwnProfileSchema = ProfileSchema.extend({ email: z.string() }).openapi('OwnProfile');

function toJson(
  p: {
    handle: string;
    displayName: string;
    bio: string;
    avatarUrl: string | null;
    role: string | null;
    roleOther: string | null;
    roleLabel: string | null;
    organisation: string | null;
    location: string | null;
    timeZone: string;
    passions: Array<{ slug: string; name: string }>;
    links: Array<{ label: string; url: string }>;
    profileVisibility: 'public' | 'members';
    joinedAt: number;
  },
  baseUrl: string,
) {
  return {
    handle: p.handle,
    displayName: p.displayName,
    bio: p.bio,
    avatarUrl: p.avatarUrl?.startsWith('/') ? baseUrl + p.avatarUrl : p.avatarUrl,
    role: p.role as (typeof ROLE_KEYS)[number] | null,
    roleOther: p.roleOther,
    roleLabel: p.roleLabel,
    organisation: p.organisation,
    location: p.location,
    timeZone: p.timeZone,
    passions: p.passions,
    links: p.links,
    profileVisibility: p.profileVisibility,
    joinedAt: new Date(p.joinedAt).toISOString(),
    url: `${baseUrl}/@${p.handle}`,
  };
}

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

/** Profile and directory endpoints. */
export function registerAccountsApi(api: Api): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/profile',
      tags: ['Profiles'],
      summary: 'Your own profile',
      security,
      responses: { 200: { description: 'Your profile', content: { 'application/json': { schema: OwnProfileSchema } } }, ...errors(401) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const profile = await c.var.services.accounts.ownProfile(viewer.memberId);
      return c.json({ ...toJson(profile, c.var.services.config.baseUrl), email: profile.email }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/profile',
      tags: ['Profiles'],
      summary: 'Change some fields of your profile',
      description: 'Send only the fields to change. Unknown fields are refused. `passions` and `links` replace the whole list.',
      security,
      request: { body: { required: true, content: { 'application/json': { schema: profilePatchSchema } } } },
      responses: {
        200: { description: 'The updated profile', content: { 'application/json': { schema: OwnProfileSchema } } },
        ...errors(400, 401, 415, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { accounts, config } = c.var.services;
      // Validated again by the service, which merges the patch into the stored profile.
      await accounts.patchProfile(viewer.memberId, c.req.valid('json'));
      const profile = await accounts.ownProfile(viewer.memberId);
      return c.json({ ...toJson(profile, config.baseUrl), email: profile.email }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/profile/photo',
      tags: ['Profiles'],
      summary: 'Upload your profile photo',
      description:
        'A multipart form with one file field `photo` (JPEG, PNG, WebP, GIF or AVIF). It is cropped square, at most 512×512, and stored as WebP.',
      security,
      request: {
        body: {
          required: true,
          content: { 'multipart/form-data': { schema: z.object({ photo: z.any().openapi({ type: 'string', format: 'binary' }) }) } },
        },
      },
      responses: {
        200: { description: 'The new photo', content: { 'application/json': { schema: z.object({ avatarUrl: z.string() }) } } },
        ...errors(401, 413, 415, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { accounts, config } = c.var.services;
      const photo = (await readForm(c)).file('photo');
      if (!photo) throw UserError.field('photo', 'Send the image in a multipart field named "photo".');
      const url = await accounts.setPhoto(viewer.memberId, new Uint8Array(await photo.arrayBuffer()));
      return c.json({ avatarUrl: config.baseUrl + url }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/profile/photo',
      tags: ['Profiles'],
      summary: 'Remove your profile photo',
      security,
      responses: { 204: { description: 'Removed' }, ...errors(401) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      await c.var.services.accounts.removePhoto(viewer.memberId);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}',
      tags: ['People'],
      summary: "A member's public profile",
      request: { params: z.object({ handle: z.string().max(64).openapi({ example: 'mslibrarian' }) }) },
      responses: {
        200: { description: 'The profile', content: { 'application/json': { schema: ProfileSchema } } },
        ...errors(401, 404),
      },
    }),
    async (c) => {
      const profile = await c.var.services.accounts.profile(c.req.valid('param').handle, c.var.viewer);
      return c.json(toJson(profile, c.var.services.config.baseUrl), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people',
      tags: ['People'],
      summary: 'Search the directory of members',
      description: 'Every filter given must match. Newest members first. Anonymous callers see only public profiles.',
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
      const result = await c.var.services.accounts.directory(c.req.valid('query'), c.var.viewer);
      const baseUrl = c.var.services.config.baseUrl;
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
      return c.json({ passions: await c.var.services.accounts.passionSuggestions(q ?? '', limit) }, 200);
    },
  );

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
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

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
      const result = await c.var.services.accounts.listMembers(c.req.valid('query'));
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
        if (action === 'suspend') await c.var.services.accounts.suspend(handle, c.req.valid('json')?.reason ?? null, viewer);
        else await c.var.services.accounts.unsuspend(handle, viewer);
        return c.body(null, 204);
      },
    );
  }
}
