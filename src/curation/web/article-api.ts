import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { HandleParam, pathId } from '../../api/schemas.ts';
import { UserError } from '../../platform/errors.ts';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { ArticleListItem, ArticleView } from '../article-rows.ts';
import { articleInputSchema, articleUpdateSchema, MARKDOWN_MAX } from '../article-schemas.ts';
import type { ArticlesService } from '../articles.ts';

const AuthorSchema = z
  .object({
    id: z.number().int(),
    handle: z.string(),
    acct: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    url: z.string(),
    local: z.boolean(),
    roleLabel: z.string().nullable(),
  })
  .openapi('ArticleAuthor');

const summaryFields = {
  id: z.number().int(),
  slug: z.string().openapi({ description: 'The last segment of the article’s address; fixed once published' }),
  title: z.string(),
  summary: z.string().nullable(),
  status: z.enum(['draft', 'published']),
  url: z.string().openapi({ description: 'The article’s page (for a draft: where it will be; only its author can open it before)' }),
  author: AuthorSchema,
  postId: z.number().int().nullable().openapi({ description: 'The public post announcing the article; its replies are the comments' }),
  comments: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
};
const ArticleSummarySchema = z.object(summaryFields).openapi('ArticleSummary');
const ArticleSchema = z
  .object({ ...summaryFields, markdown: z.string(), html: z.string().openapi({ description: 'Rendered from the Markdown and sanitised' }) })
  .openapi('Article');
const ArticlePageSchema = z.object({ articles: z.array(ArticleSummarySchema), nextCursor: z.string().nullable() }).openapi('ArticlePage');
const ImageSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    alt: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    markdown: z.string().openapi({ description: 'What to paste into the article to show the image' }),
  })
  .openapi('ArticleImage');

const IdParam = z.object({
  id: pathId('id', 7),
});
const CursorQuery = z.strictObject({ cursor: z.string().max(500).optional() });

function listItemJson(a: ArticleListItem) {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    status: a.status,
    url: a.url,
    author: a.author,
    postId: a.postId,
    comments: a.comments,
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
    publishedAt: iso(a.publishedAt),
  };
}
const articleJson = (a: ArticleView) => ({ ...listItemJson(a), markdown: a.markdown, html: a.html });

/** Articles: your drafts and published articles, writing, publishing, images, and members' blogs. */
export function articleApi(articles: ArticlesService): Api {
  const api = createApi();

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/articles',
      tags: ['Articles'],
      security,
      summary: 'Your articles of one status, most recently changed first',
      request: { query: CursorQuery.extend({ status: z.enum(['draft', 'published']).default('draft') }) },
      responses: { 200: json(ArticlePageSchema, 'A page of your articles'), ...errors(400, 401) },
    }),
    async (c) => {
      const { status, cursor } = c.req.valid('query');
      const page = await articles.mine(requireViewer(c), status, cursor);
      return c.json({ articles: page.articles.map(listItemJson), nextCursor: page.nextCursor }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/articles',
      tags: ['Articles'],
      security,
      summary: 'Save a new draft',
      description: `Markdown (GitHub flavour, up to ${MARKDOWN_MAX} characters). Raw HTML is sanitised; every image needs a description and an https address (or an upload). A paragraph that is only the address of a public post here quotes it.`,
      request: body(articleInputSchema),
      responses: { 201: json(ArticleSchema, 'The draft'), ...errors(400, 401, 413, 422) },
    }),
    async (c) => c.json(articleJson(await articles.create(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/articles/preview',
      tags: ['Articles'],
      security,
      summary: 'Render Markdown as an article would be, without saving',
      request: body(z.strictObject({ markdown: z.string() })),
      responses: {
        200: json(
          z.object({ html: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
          'The HTML, and what would stop it from being saved',
        ),
        ...errors(400, 401),
      },
    }),
    async (c) => {
      requireViewer(c);
      return c.json(await articles.preview(c.req.valid('json').markdown), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/articles/{id}',
      tags: ['Articles'],
      summary: 'An article (a draft only for its author)',
      request: { params: IdParam },
      responses: { 200: json(ArticleSchema, 'The article'), ...errors(404) },
    }),
    async (c) => c.json(articleJson(await articles.get(c.var.viewer, c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/articles/{id}',
      tags: ['Articles'],
      security,
      summary: 'Change your article',
      description:
        'Fields left out stay as they are. A draft’s slug follows its title; a published article keeps its address, and the post announcing it is edited too.',
      request: { params: IdParam, ...body(articleUpdateSchema) },
      responses: { 200: json(ArticleSchema, 'The article'), ...errors(400, 401, 403, 404, 413, 422) },
    }),
    async (c) => c.json(articleJson(await articles.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/articles/{id}/publish',
      tags: ['Articles'],
      security,
      summary: 'Publish your draft',
      description: 'Creates a public post that announces the article (title, summary and address); replies to it are the comments.',
      request: { params: IdParam },
      responses: { 200: json(ArticleSchema, 'The published article'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(articleJson(await articles.publish(requireViewer(c), c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/articles/{id}',
      tags: ['Articles'],
      security,
      summary: 'Delete your article and the post announcing it',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await articles.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/articles/{id}/images',
      tags: ['Articles'],
      security,
      summary: 'Upload an image for your article',
      description:
        'A multipart form with `file` (JPEG, PNG, WebP, GIF or AVIF) and `alt` (required: a description for people who cannot see it). The answer carries the Markdown to paste.',
      request: {
        params: IdParam,
        body: {
          required: true,
          content: {
            'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), alt: z.string() }) },
          },
        },
      },
      responses: { 201: json(ImageSchema, 'The stored image'), ...errors(401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const form = await readForm(c);
      const file = form.file('file');
      if (!file) throw UserError.field('file', 'Send the image in a multipart field named "file".');
      try {
        const image = await articles.uploadImage(
          viewer,
          c.req.valid('param').id,
          new Uint8Array(await file.arrayBuffer()),
          form.text('alt'),
        );
        return c.json(image, 201);
      } catch (error) {
        // The service names the editor's fields; here they are `file` and `alt`.
        if (!(error instanceof UserError) || error.issues.length === 0) throw error;
        const issues = error.issues.map((i) => ({ ...i, path: i.path === 'image' ? 'file' : i.path === 'imageAlt' ? 'alt' : i.path }));
        throw new UserError(error.status, error.code, error.message, { issues });
      }
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/articles',
      tags: ['Articles'],
      summary: 'A member’s published articles (their blog), newest first',
      request: { params: HandleParam, query: CursorQuery },
      responses: { 200: json(ArticlePageSchema, 'A page of articles'), ...errors(400, 404) },
    }),
    async (c) => {
      const page = await articles.blog(c.var.viewer, c.req.valid('param').handle, c.req.valid('query').cursor);
      return c.json({ articles: page.articles.map(listItemJson), nextCursor: page.nextCursor }, 200);
    },
  );
  return api;
}
