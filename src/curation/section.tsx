import type { Child } from 'hono/jsx';
import type { AppContext } from '../web/context.ts';
import { type PageOptions, renderSectionPage } from '../web/layout.tsx';

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
