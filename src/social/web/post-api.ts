import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { UserError } from '../../platform/errors.ts';
import type { AppContext } from '../../web/context.ts';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { editInputSchema, mediaDescriptionSchema, postInputSchema } from '../post-schemas.ts';
import type { SocialService } from '../service.ts';
import { IdParam, PostSchema, postJson } from './api-schemas.ts';

/** Posts: publishing (with images uploaded first), reading, editing, deleting, threads, boosts, likes, pins. */
export function postApi(social: SocialService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/posts',
      tags: ['Posts'],
      security,
      summary: 'Publish a post or a reply',
      description: 'Images are uploaded first with POST /api/v1/media and attached with `mediaIds`.',
      request: body(postInputSchema),
      responses: { 201: json(PostSchema, 'The new post'), ...errors(400, 401, 415, 422) },
    }),
    async (c) => c.json(postJson(await social.posts.create(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/media',
      tags: ['Posts'],
      security,
      summary: 'Upload an image for a post',
      description:
        'A multipart form with `file` (JPEG, PNG, WebP, GIF or AVIF) and `alt` (a description for people who cannot see it). Unused uploads are removed after a day.',
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), alt: z.string().optional() }),
            },
          },
        },
      },
      responses: {
        201: json(
          z.object({ id: z.number().int(), url: z.string(), alt: z.string(), width: z.number(), height: z.number() }),
          'The stored image',
        ),
        ...errors(401, 413, 415, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const form = await readForm(c);
      const file = form.file('file');
      if (!file) throw UserError.field('file', 'Send the image in a multipart field named "file".');
      const media = await social.media.upload(viewer, new Uint8Array(await file.arrayBuffer()), form.text('alt'));
      return c.json({ ...media, url: c.var.kernel.config.baseUrl + media.url }, 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/media/{id}',
      tags: ['Posts'],
      security,
      summary: 'Change the alt text of your image',
      request: { params: IdParam, ...body(mediaDescriptionSchema) },
      responses: { ...Ok, ...errors(401, 404, 422) },
    }),
    async (c) => {
      await social.media.describe(requireViewer(c), c.req.valid('param').id, c.req.valid('json').alt);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/posts/{id}',
      tags: ['Posts'],
      summary: 'A post',
      request: { params: IdParam },
      responses: { 200: json(PostSchema, 'The post'), ...errors(404) },
    }),
    async (c) => c.json(postJson(await social.posts.get(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/posts/{id}',
      tags: ['Posts'],
      security,
      summary: 'Edit your post (text and content warning); the old version goes to its history',
      request: { params: IdParam, ...body(editInputSchema) },
      responses: { 200: json(PostSchema, 'The edited post'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(postJson(await social.posts.edit(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/posts/{id}',
      tags: ['Posts'],
      security,
      summary: 'Delete your post',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      await social.posts.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/posts/{id}/thread',
      tags: ['Posts'],
      summary: 'The conversation around a post',
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            ancestors: z.array(PostSchema),
            post: PostSchema,
            descendants: z.array(PostSchema.extend({ depth: z.number().int() })),
          }),
          'Earlier posts, the post, and replies in thread order',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const thread = await social.posts.thread(c.var.viewer, c.req.valid('param').id);
      return c.json(
        {
          ancestors: thread.ancestors.map(postJson),
          post: postJson(thread.post),
          descendants: thread.descendants.map((d) => ({ ...postJson(d), depth: d.depth })),
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/posts/{id}/history',
      tags: ['Posts'],
      summary: 'Earlier versions of an edited post, newest first',
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            versions: z.array(z.object({ text: z.string(), html: z.string(), contentWarning: z.string().nullable(), at: z.string() })),
          }),
          'Versions',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const versions = await social.posts.history(c.var.viewer, c.req.valid('param').id);
      return c.json({ versions: versions.map((v) => ({ ...v, at: iso(v.at)! })) }, 200);
    },
  );
  const toggles = {
    boost: [
      'Boost a post',
      (c: AppContext, id: number) => social.posts.boost(requireViewer(c), id),
      (c: AppContext, id: number) => social.posts.unboost(requireViewer(c), id),
    ],
    like: [
      'Like a post',
      (c: AppContext, id: number) => social.posts.like(requireViewer(c), id),
      (c: AppContext, id: number) => social.posts.unlike(requireViewer(c), id),
    ],
    pin: [
      'Feature your post on your profile',
      (c: AppContext, id: number) => social.posts.pin(requireViewer(c), id),
      (c: AppContext, id: number) => social.posts.unpin(requireViewer(c), id),
    ],
  } as const;
  for (const [name, [summary, on, off]] of Object.entries(toggles)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/posts/{id}/${name}`,
        tags: ['Posts'],
        security,
        summary,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409, 422) },
      }),
      async (c) => {
        await on(c, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
    api.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/posts/{id}/${name}`,
        tags: ['Posts'],
        security,
        summary: `Undo: ${summary.toLowerCase()}`,
        request: { params: IdParam },
        responses: { ...Ok, ...errors(401, 404, 409) },
      }),
      async (c) => {
        await off(c, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
  }
  return api;
}
