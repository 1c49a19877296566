import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { type Api, body, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { HandleParam, pathId } from '../../api/schemas.ts';
import { UserError } from '../../platform/errors.ts';
import { PageSchema, pageJson } from '../../social/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { bodyLimitMiddleware, requireViewer } from '../../web/middleware.ts';
import { FORM_OVERHEAD_BYTES, readForm } from '../../web/request.ts';
import { BOOKMARK_KINDS, BOOKMARK_VISIBILITIES, bookmarkInputSchema, bookmarkUpdateSchema, TAGS_MAX } from '../bookmark-schemas.ts';
import { bookmarkJson, IMPORT_MAX_BYTES, type ImportSummary, tooLargeImport } from '../bookmark-transfer.ts';
import type { BookmarksService } from '../bookmarks.ts';
import { exportResponse } from './bookmark-downloads.ts';

/** The bookmark import addresses (pages and API), which accept larger bodies than other uploads. */
export const IMPORT_PATHS = new Set(['/bookmarks/import', '/api/v1/curation/bookmarks/import']);

/**
 * The request body limit: bookmark imports get IMPORT_MAX_BYTES, everything else `general`.
 * A body declared larger is never read (see bodyLimitMiddleware).
 */
export function withImportLimit(general: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  const imports = bodyLimitMiddleware(IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES);
  return async (c, next) => {
    if (!IMPORT_PATHS.has(c.req.path)) return general(c, next);
    try {
      return await imports(c, next);
    } catch (error) {
      // A body without a declared length, cut off at the limit: the import's own words for it.
      if (error instanceof UserError && error.code === 'too_large') throw tooLargeImport();
      throw error;
    }
  };
}

const TagSchema = z.object({ slug: z.string(), name: z.string() });

export const BookmarkSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(BOOKMARK_KINDS).openapi({ description: '`url` (a web address), `post` or `item` (of a source)' }),
    url: z.string().nullable().openapi({ description: 'The page (normalised), or the page of the post or item' }),
    title: z.string(),
    note: z.string(),
    description: z.string().nullable(),
    imageUrl: z.string().nullable(),
    siteName: z.string().nullable(),
    tags: z.array(z.string()),
    visibility: z.enum(BOOKMARK_VISIBILITIES),
    postId: z.number().int().nullable(),
    itemId: z.number().int().nullable(),
    snapshot: z
      .object({ state: z.enum(['pending', 'ok', 'failed']).nullable(), at: z.string().nullable(), error: z.string().nullable() })
      .openapi({
        description:
          'The page snapshot (title, description, image, text) of a `url` bookmark; `state` is null when none is taken (imports, posts, items)',
      }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Bookmark');

const BookmarkPageSchema = z.object({ bookmarks: z.array(BookmarkSchema), nextCursor: z.string().nullable() }).openapi('BookmarkPage');

const ImportSummarySchema = z
  .object({
    imported: z.number().int().openapi({ description: 'New bookmarks' }),
    merged: z.number().int().openapi({ description: 'Entries that joined a bookmark already there (the same address)' }),
    skipped: z.number().int(),
    reasons: z.record(z.string(), z.number().int()).openapi({ description: 'How many were skipped for each reason, e.g. `not http(s)`' }),
    skippedEntries: z
      .array(z.object({ line: z.number().int(), url: z.string().nullable(), title: z.string(), reason: z.string() }))
      .openapi({ description: 'The first 100 skipped entries' }),
  })
  .openapi('BookmarkImport');

const IdParam = z.object({
  id: pathId('id', 12),
});
const ListQuery = z.strictObject({
  q: z
    .string()
    .max(300)
    .optional()
    .openapi({ description: 'Words in the title, note, description, tags or page text (all must match); `#tag` filters by tag' }),
  tag: z.string().max(100).optional(),
  visibility: z.enum(BOOKMARK_VISIBILITIES).optional(),
  kind: z.enum(BOOKMARK_KINDS).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

const text = (description: string, type: string) => ({ description, content: { [type]: { schema: z.string() } } });

const PostIdParam = z.object({
  id: pathId('id', 42),
});
const CursorQuery = z.strictObject({ cursor: z.string().max(500).optional() });

/** Bookmarks: list and search, create (merging duplicates), edit, delete, tags, import and export; bookmarking posts. */
export function bookmarkApi(bookmarks: BookmarksService): Api {
  const api = createApi();
  const BASE = '/api/v1/curation/bookmarks';

  api.openapi(
    createRoute({
      method: 'get',
      path: BASE,
      tags: ['Bookmarks'],
      security,
      summary: 'Your bookmarks, newest first: search, filter by tag, visibility or kind',
      request: { query: ListQuery },
      responses: { 200: json(BookmarkPageSchema, 'A page'), ...errors(400, 401, 422) },
    }),
    async (c) => {
      const page = await bookmarks.list(requireViewer(c), c.req.valid('query'));
      return c.json({ bookmarks: page.bookmarks.map(bookmarkJson), nextCursor: page.nextCursor }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: BASE,
      tags: ['Bookmarks'],
      security,
      summary: 'Bookmark an address, a post or an item',
      description:
        'Send exactly one of `url`, `postId` and `itemId`. An address is normalised (lower-case host, no default port, no fragment, no tracking parameters such as utm_*); only public http(s) addresses are accepted. ' +
        `Bookmarking the same address (or post, or item) again updates the bookmark already there — tags are united, a new note replaces an empty one or is appended — and answers 200 with \`merged: true\`. At most ${TAGS_MAX} tags. ` +
        'A new address bookmark gets a snapshot of the page (title, description, image, text) in the background.',
      request: body(bookmarkInputSchema),
      responses: {
        201: json(z.object({ bookmark: BookmarkSchema, merged: z.literal(false) }), 'A new bookmark'),
        200: json(z.object({ bookmark: BookmarkSchema, merged: z.literal(true) }), 'Merged into the bookmark already there'),
        ...errors(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const result = await bookmarks.create(requireViewer(c), c.req.valid('json'));
      const payload = { bookmark: bookmarkJson(result.bookmark) };
      return result.merged ? c.json({ ...payload, merged: true as const }, 200) : c.json({ ...payload, merged: false as const }, 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/tags`,
      tags: ['Bookmarks'],
      security,
      summary: 'Your bookmark tags, with how many bookmarks carry each',
      responses: {
        200: json(z.object({ tags: z.array(TagSchema.extend({ count: z.number().int() })) }), 'Tags, most used first'),
        ...errors(401),
      },
    }),
    async (c) => c.json({ tags: await bookmarks.tags(requireViewer(c).memberId) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: `${BASE}/import`,
      tags: ['Bookmarks'],
      security,
      summary: 'Import a Netscape bookmark file (browsers, Diigo, Pinboard, Raindrop)',
      description:
        `The file as a multipart field \`file\`, or as the request body (\`text/html\`), up to ${IMPORT_MAX_BYTES / 1048576} MB. ` +
        'Tags (TAGS), notes (DD), dates (ADD_DATE, LAST_MODIFIED) and PRIVATE are kept; folders become tags. Addresses are normalised and merged with bookmarks already there; no page is fetched. ' +
        'What cannot be read (not http(s), private addresses, entries without an address) is skipped and listed. A file that is not a bookmark export is a 422.',
      // Plain OpenAPI schemas, not zod ones: a zod form schema would have the body parsed before
      // the handler can refuse one that is too large without reading it.
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
            },
            'text/html': { schema: { type: 'string' } },
          },
        },
      },
      responses: { 200: json(ImportSummarySchema, 'What was imported, merged and skipped'), ...errors(401, 413, 415, 422) },
    }),
    async (c) => c.json(await importRequest(c, bookmarks), 200),
  );
  const exports = [
    [
      'html',
      'text/html; charset=utf-8',
      'Netscape bookmark HTML (tags, notes, dates and visibility kept), for browsers and other services',
    ],
    ['csv', 'text/csv; charset=utf-8', 'CSV (RFC 4180) with a header row'],
    ['json', 'application/json; charset=utf-8', 'JSON: every bookmark of your account'],
  ] as const;
  for (const [format, type, description] of exports) {
    api.openapi(
      createRoute({
        method: 'get',
        path: `${BASE}/export.${format}`,
        tags: ['Bookmarks'],
        security,
        summary: `Export your bookmarks: ${description}`,
        responses: { 200: text('The export, as a download', type.split(';')[0]!), ...errors(401) },
      }),
      async (c) => exportResponse(c, bookmarks, format),
    );
  }
  api.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/{id}`,
      tags: ['Bookmarks'],
      security,
      summary: 'One of your bookmarks',
      request: { params: IdParam },
      responses: { 200: json(BookmarkSchema, 'The bookmark'), ...errors(401, 404) },
    }),
    async (c) => c.json(bookmarkJson(await bookmarks.get(requireViewer(c), c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: `${BASE}/{id}`,
      tags: ['Bookmarks'],
      security,
      summary: 'Edit a bookmark (title, note, tags — the whole set — and visibility)',
      request: { params: IdParam, ...body(bookmarkUpdateSchema) },
      responses: { 200: json(BookmarkSchema, 'The bookmark'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(bookmarkJson(await bookmarks.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: `${BASE}/{id}`,
      tags: ['Bookmarks'],
      security,
      summary: 'Delete a bookmark',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await bookmarks.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/people/{handle}/bookmarks',
      tags: ['Bookmarks'],
      summary: "A member's public bookmarks, newest first",
      description: 'Anyone can read them when the profile is public; a members-only profile needs a signed-in member.',
      request: {
        params: HandleParam,
        query: z.strictObject({ tag: z.string().max(100).optional(), cursor: z.string().max(500).optional() }),
      },
      responses: {
        200: json(
          BookmarkPageSchema.extend({ tags: z.array(TagSchema.extend({ count: z.number().int() })) }),
          'A page, with the public tags',
        ),
        ...errors(400, 401, 404),
      },
    }),
    async (c) => {
      const profile = await bookmarks.profile(c.req.valid('param').handle, c.var.viewer);
      const { tag, cursor } = c.req.valid('query');
      const [page, tags] = await Promise.all([
        bookmarks.publicOf(profile.memberId, { tag, cursor }),
        bookmarks.tags(profile.memberId, { publicOnly: true }),
      ]);
      return c.json({ bookmarks: page.bookmarks.map(bookmarkJson), nextCursor: page.nextCursor, tags }, 200);
    },
  );
  postBookmarkRoutes(api, bookmarks);
  return api;
}

/** Reads an import from the API: a multipart `file`, or the body itself. */
async function importRequest(c: AppContext, bookmarks: BookmarksService): Promise<ImportSummary> {
  const viewer = requireViewer(c);
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const file = (await readForm(c)).file('file');
    if (!file) throw UserError.field('file', 'Send the bookmark file in a multipart field named “file”.');
    return bookmarks.transfer.importNetscape(viewer, file.stream());
  }
  if (/^(text\/html|text\/plain|application\/octet-stream)\b/.test(type) || type === '') {
    const stream = c.req.raw.body;
    if (!stream) throw UserError.field('file', 'The request has no bookmark file in it.');
    return bookmarks.transfer.importNetscape(viewer, stream);
  }
  throw new UserError(415, 'unsupported_type', 'Send the bookmark file as text/html, or as a multipart form with a field named “file”.');
}

/** Bookmarking a post from the API (the post's Bookmark button), and the bookmarked posts (Mastodon's shape). */
function postBookmarkRoutes(api: Api, bookmarks: BookmarksService): void {
  const summary = 'Bookmark a post (privately)';
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/posts/{id}/bookmark',
      tags: ['Posts'],
      security,
      summary,
      request: { params: PostIdParam },
      responses: { ...Ok, ...errors(401, 404, 409, 422) },
    }),
    async (c) => {
      await bookmarks.bookmarkPost(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/posts/{id}/bookmark',
      tags: ['Posts'],
      security,
      summary: `Undo: ${summary.toLowerCase()}`,
      request: { params: PostIdParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await bookmarks.unbookmarkPost(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/bookmarks',
      tags: ['Posts'],
      security,
      summary: 'Posts you bookmarked',
      request: { query: CursorQuery },
      responses: { 200: json(PageSchema, 'A page, newest bookmark first'), ...errors(400, 401) },
    }),
    async (c) => c.json(pageJson(await bookmarks.bookmarkedPosts(requireViewer(c), c.req.valid('query').cursor)), 200),
  );
}
