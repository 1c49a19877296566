import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, security } from '../../api/openapi.ts';
import type { AppContext } from '../../web/context.ts';
import { requireViewer } from '../../web/middleware.ts';
import { textStream } from '../bookmark-transfer.ts';
import { type CurationExportDeps, curationJson } from '../export.ts';

/** The download of a member's whole curation (`curationJson`; a page link and an API route share it). */
export function curationExportResponse(c: AppContext, curation: CurationExportDeps): Response {
  const viewer = requireViewer(c);
  return c.body(textStream(curationJson(curation, viewer)), 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="curation-${viewer.handle}.json"`,
    'cache-control': 'private, no-store',
  });
}

/** A download (typed as a plain string, so the route may answer with a streamed Response). */
const DOWNLOAD_TYPE: string = 'application/json';

export function exportApi(curation: CurationExportDeps): Api {
  const api = createApi();
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
    async (c) => curationExportResponse(c, curation),
  );
  return api;
}
