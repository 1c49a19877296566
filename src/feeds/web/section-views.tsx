import type { Child } from 'hono/jsx';
import type { AppContext } from '../../web/context.ts';
import { type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { safeNext } from '../../web/request.ts';

/**
 * The Sources section every reader page sits in: its local navigation (reader, starred,
 * managing sources), and where a form's `back` may lead.
 */

const SECTION = {
  label: 'Sources',
  items: [
    ['/sources', 'Reader'],
    ['/sources/starred', 'Starred'],
    ['/sources/manage', 'Manage sources'],
  ],
} as const;

export function sourcesPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, SECTION, { noindex: true, ...options }, body);
}

/** Only paths of the Sources section come back as `back`. */
export function backTo(c: AppContext, value: string | null | undefined, fallback = '/sources'): string {
  const path = safeNext(c, value, fallback);
  return path === '/sources' || /^\/sources[/?#]/.test(path) ? path : fallback;
}
