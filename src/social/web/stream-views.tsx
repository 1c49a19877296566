import type { Child } from 'hono/jsx';
import type { AppContext } from '../../web/context.ts';
import { type PageOptions, renderSectionPage } from '../../web/layout.tsx';

/** The Stream section (timelines, notifications, lists, search) that social's pages share. */
const STREAM = {
  label: 'Timelines',
  items: [
    ['/stream', 'Home'],
    ['/local', 'Local'],
    ['/notifications', 'Notifications'],
    ['/lists', 'Lists'],
    ['/search', 'Search'],
  ],
} as const;

export function streamPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, STREAM, options, body);
}

/** `/path?cursor=…` for the next page, keeping other query parameters. */
export function nextHref(c: AppContext, page: { nextCursor: string | null }): string | null {
  if (!page.nextCursor) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', page.nextCursor);
  return url.pathname + url.search;
}

/** The live stream a timeline page follows (see live.tsx). */
export function liveUrl(c: AppContext, timeline: string): string {
  return `/live?${new URLSearchParams({ timeline, back: c.req.path })}`;
}
