import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import type { CurationExportDeps } from '../export.ts';
import { curationExportResponse } from './export-api.ts';

/** The Library section's own addresses: its start (the bookmarks) and the whole-curation download. */
export function libraryPages(curation: CurationExportDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/library', (c) => c.redirect('/bookmarks', 302));
  app.get('/library/export.json', (c) => curationExportResponse(c, curation));
  return app;
}
