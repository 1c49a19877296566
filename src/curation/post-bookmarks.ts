import { createRoute, z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { type Api, errors, json, Ok, security } from '../api/openapi.ts';
import { UserError } from '../platform/errors.ts';
import { PageSchema, type PostExtension, pageJson } from '../social/index.ts';
import type { AppEnv } from '../web/context.ts';
import { flash } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { readForm, safeNext } from '../web/request.ts';

/**
 * What curation adds to the posts social shows (registered into `social.postExtensions` by
 * curation's index.ts): which of them the reader bookmarked, and the articles posts announce.
 */
export function postBookmarks(config: { baseUrl: string }): PostExtension {
  return {
    async bookmarked(db, reader, postIds) {
      const rows = await db
        .selectFrom('bookmarks')
        .select('post_id')
        .where('member_id', '=', reader.memberId)
        .where('post_id', 'in', postIds)
        .execute();
      return new Set(rows.map((r) => Number(r.post_id)));
    },
    async linkedObjects(db, objectIds) {
      const rows = await db
        .selectFrom('articles')
        .innerJoin('actors', 'actors.id', 'articles.actor_id')
        .select(['articles.id', 'articles.slug', 'articles.title', 'articles.summary', 'actors.handle'])
        .where('articles.id', 'in', objectIds)
        .where('articles.status', '=', 'published')
        .execute();
      return new Map(
        rows.map((a) => [a.id, { id: a.id, title: a.title, summary: a.summary, url: `${config.baseUrl}/@${a.handle}/blog/${a.slug}` }]),
      );
    },
  };
}

/**
 * Bookmarking a post from its card (the Bookmark button of social's post cards posts here), and
 * the bookmarked posts in the API. TRANSITIONAL (issue 17): registered the old way, like the
 * rest of curation's pages, until curation is converted.
 */

/** A post id from a URL segment, or 404. */
function postId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such post.');
  return id;
}

export function registerPostBookmarkPages(app: Hono<AppEnv>): void {
  app.post('/posts/:id/:action{bookmark|unbookmark}', async (c) => {
    const viewer = requireViewer(c);
    const { bookmarks } = c.var.services;
    const id = postId(c.req.param('id'));
    const bookmark = c.req.param('action') === 'bookmark';
    const back = safeNext(c, (await readForm(c)).text('back'));
    if (bookmark) await bookmarks.bookmarkPost(viewer, id);
    else await bookmarks.unbookmarkPost(viewer, id);
    flash(c, bookmark ? 'Saved to your bookmarks.' : 'Removed from your bookmarks.');
    return c.redirect(`${back}#post-${id}`, 303);
  });
}

const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 42 }),
});
const CursorQuery = z.strictObject({ cursor: z.string().max(500).optional() });

export function registerPostBookmarksApi(api: Api): void {
  const summary = 'Bookmark a post (privately)';
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/posts/{id}/bookmark',
      tags: ['Posts'],
      security,
      summary,
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404, 409, 422) },
    }),
    async (c) => {
      await c.var.services.bookmarks.bookmarkPost(requireViewer(c), c.req.valid('param').id);
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
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await c.var.services.bookmarks.unbookmarkPost(requireViewer(c), c.req.valid('param').id);
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
    async (c) => c.json(pageJson(await c.var.services.bookmarks.bookmarkedPosts(requireViewer(c), c.req.valid('query').cursor)), 200),
  );
}
