import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, security } from '../../api/openapi.ts';
import { UserError } from '../../platform/errors.ts';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { profilePatchSchema } from '../profile-schemas.ts';
import { ROLE_KEYS } from '../roles.ts';
import type { AccountsService } from '../service.ts';

export const PassionSchema = z.object({
  slug: z.string().openapi({ example: 'graphicnovels' }),
  name: z.string().openapi({ example: 'Graphic novels' }),
});

export const ProfileSchema = z
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

export function toJson(
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

/** Your own profile and photo, and a member's public profile. */
export function profileApi(accounts: AccountsService): Api {
  const api = createApi();

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
      const profile = await accounts.ownProfile(viewer.memberId);
      return c.json({ ...toJson(profile, c.var.kernel.config.baseUrl), email: profile.email }, 200);
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
      const { baseUrl } = c.var.kernel.config;
      // The service merges the patch into the stored profile and checks the rules across fields.
      await accounts.patchProfile(viewer.memberId, c.req.valid('json'));
      const profile = await accounts.ownProfile(viewer.memberId);
      return c.json({ ...toJson(profile, baseUrl), email: profile.email }, 200);
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
      const { baseUrl } = c.var.kernel.config;
      const photo = (await readForm(c)).file('photo');
      if (!photo) throw UserError.field('photo', 'Send the image in a multipart field named "photo".');
      const url = await accounts.setPhoto(viewer.memberId, new Uint8Array(await photo.arrayBuffer()));
      return c.json({ avatarUrl: baseUrl + url }, 200);
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
      await accounts.removePhoto(viewer.memberId);
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
      const profile = await accounts.profile(c.req.valid('param').handle, c.var.viewer);
      return c.json(toJson(profile, c.var.kernel.config.baseUrl), 200);
    },
  );

  return api;
}
