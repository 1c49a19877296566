import { createRoute, z } from '@hono/zod-openapi';
import { type Api, errors, security } from '../api/openapi.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { AppContext } from '../web/context.ts';
import { requireViewer } from '../web/middleware.ts';
import { BookmarkTransfer, textStream } from './bookmark-transfer.ts';
import { collectionJson } from './collection-export.ts';

type Services = AppContext['var']['services'];

/**
 * A member's whole curation as one JSON document: their bookmarks, the collections and starter
 * kits they own (with every entry), and their articles (drafts too, with the Markdown).
 * Written as it is read, so a large account never sits in memory at once.
 */
export async function* curationJson(services: Services, viewer: Viewer): AsyncGenerator<string> {
  const head = {
    format: 'commonroom-curation',
    version: 1,
    site: services.config.baseUrl,
    member: viewer.handle,
    exportedAt: new Date().toISOString(),
  };
  yield `${JSON.stringify(head).slice(0, -1)},"bookmarks":`;
  yield* new BookmarkTransfer(services.bookmarks).jsonArray(viewer);
  yield ',"collections":[';
  const owned = [...(await services.collections.mine(viewer, 'collection')), ...(await services.collections.mine(viewer, 'starter_kit'))];
  for (const [i, summary] of owned.entries()) {
    yield (i ? ',' : '') + JSON.stringify(collectionJson(await services.collections.get(viewer, summary.id)));
  }
  yield '],"articles":[';
  let first = true;
  for await (const page of services.articles.all(viewer)) {
    const items = page.map((a) => ({
      title: a.title,
      slug: a.slug,
      summary: a.summary,
      markdown: a.markdown,
      status: a.status,
      url: a.status === 'published' ? a.url : null,
      createdAt: new Date(a.createdAt).toISOString(),
      updatedAt: new Date(a.updatedAt).toISOString(),
      publishedAt: a.publishedAt === null ? null : new Date(a.publishedAt).toISOString(),
    }));
    yield (first ? '' : ',') + items.map((item) => JSON.stringify(item)).join(',');
    first = false;
  }
  yield ']}\n';
}

/** The download of `curationJson` (a page link and an API route share it). */
export function curationExportResponse(c: AppContext): Response {
  const viewer = requireViewer(c);
  return c.body(textStream(curationJson(c.var.services, viewer)), 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="curation-${viewer.handle}.json"`,
    'cache-control': 'private, no-store',
  });
}

/** A download (typed as a plain string, so the route may answer with a streamed Response). */
const DOWNLOAD_TYPE: string = 'application/json';

export function registerCurationExportApi(api: Api): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/curation/export.json',
      tags: ['Bookmarks'],
      security,
      summary: 'Export your whole curation: bookmarks, the collections and starter kits you own, and your articles (drafts too)',
      responses: {
        200: { description: 'The export, as a download', content: { [DOWNLOAD_TYPE]: { schema: z.string() } } },
        ...errors(401),
      },
    }),
    async (c) => curationExportResponse(c),
  );
}
