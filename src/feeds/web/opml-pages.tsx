import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { formErrors } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { FeedsService } from '../service.ts';
import { managePage } from './manage-views.tsx';

/** Moving between readers: importing an OPML file, downloading the member's sources as OPML. */

export function opmlPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/sources/import', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const file = form.file('file');
    if (!file || file.size === 0) return managePage(service, c, { errors: { _form: 'Choose an OPML file to import.' }, status: 422 });
    try {
      const result = await service.opml.import(viewer, new Uint8Array(await file.arrayBuffer()));
      const skipped = result.skipped.length
        ? ` ${plural(result.skipped.length, 'entry was', 'entries were')} skipped (not web addresses).`
        : '';
      flash(
        c,
        `Imported ${plural(result.added, 'source', 'sources')}${result.alreadyFollowed ? `; ${result.alreadyFollowed} you already followed` : ''}.${skipped} New sources are fetched in the background.`,
      );
      return c.redirect('/sources/manage', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(service, c, { errors: { _form: Object.values(errors)[0] ?? 'The file could not be imported.' }, status });
    }
  });
  app.get('/sources/export.opml', async (c) => {
    const xml = await service.opml.export(requireViewer(c), c.var.site.siteName);
    return c.body(xml, 200, { 'content-type': 'text/x-opml; charset=utf-8', 'content-disposition': 'attachment; filename="sources.opml"' });
  });
  return app;
}
