import type { AppContext } from '../../web/context.ts';
import { requireViewer } from '../../web/middleware.ts';
import { textStream } from '../bookmark-transfer.ts';
import type { BookmarksService } from '../bookmarks.ts';

/** A download of the member's bookmarks (pages and API), streamed as it is read. */
export function exportResponse(c: AppContext, bookmarks: BookmarksService, format: 'html' | 'csv' | 'json'): Response {
  const viewer = requireViewer(c);
  const t = bookmarks.transfer;
  const parts = format === 'html' ? t.netscape(viewer) : format === 'csv' ? t.csv(viewer) : t.json(viewer, bookmarks.baseUrl);
  const type = {
    html: 'text/html; charset=utf-8',
    csv: 'text/csv; charset=utf-8; header=present',
    json: 'application/json; charset=utf-8',
  }[format];
  return c.body(textStream(parts), 200, {
    'content-type': type,
    'content-disposition': `attachment; filename="bookmarks-${viewer.handle}.${format}"`,
    'cache-control': 'private, no-store',
  });
}
