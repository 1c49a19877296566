import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { formErrors } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { FeedsService } from '../service.ts';
import { managePage } from './manage-views.tsx';

/** A member's folders: making, renaming and deleting them (on the manage page). */

export function foldersPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/sources/folders', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    try {
      const folder = await service.folders.create(viewer, form.text('name'));
      flash(c, `Folder “${folder.name}” is ready: move sources into it below.`);
      return c.redirect('/sources/manage', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(service, c, { errors: { _form: Object.values(errors)[0] ?? 'The folder could not be created.' }, status });
    }
  });
  app.post('/sources/folders/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    try {
      await service.folders.rename(viewer, Number(c.req.param('id')), form.text('name'));
      flash(c, 'Folder renamed.');
      return c.redirect('/sources/manage', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(service, c, { errors: { _form: Object.values(errors)[0] ?? 'The folder could not be renamed.' }, status });
    }
  });
  app.post('/sources/folders/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await service.folders.delete(viewer, Number(c.req.param('id')));
    flash(c, 'Folder deleted; its sources are still followed.');
    return c.redirect('/sources/manage', 303);
  });
  return app;
}
