import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppContext, AppEnv } from '../web/context.ts';
import { type PageOptions, renderSectionPage } from '../web/layout.tsx';
import { curationExportResponse } from './export.ts';

/** The Library: what a member keeps, curates and writes (bookmarks, collections, starter kits, articles). */
export const LIBRARY = {
  label: 'Library',
  items: [
    ['/bookmarks', 'Bookmarks'],
    ['/collections', 'Collections'],
    ['/starter-kits', 'Starter kits'],
    ['/articles', 'Articles'],
  ],
} as const;

/** A page of the Library section, with its tabs. */
export function libraryPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, LIBRARY, options, body);
}

export function registerLibraryPages(app: Hono<AppEnv>): void {
  app.get('/library', (c) => c.redirect('/bookmarks', 302));
  app.get('/library/export.json', (c) => curationExportResponse(c));
}
