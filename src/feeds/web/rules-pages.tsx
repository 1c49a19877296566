import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { formErrors } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { FeedsService } from '../service.ts';
import { managePage } from './manage-views.tsx';

/** Keyword rules: adding one (applied at once to the items there) and removing one. */

export function rulesPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/sources/rules', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const scope = form.text('scope');
    const [kind, id] = scope.split(':');
    try {
      await service.rules.add(viewer, {
        keyword: form.text('keyword'),
        action: form.text('action') === 'star' ? 'star' : 'mute',
        folderId: kind === 'folder' ? Number(id) : null,
        subscriptionId: kind === 'source' ? Number(id) : null,
      });
      flash(c, 'Rule added, and applied to the items already there.');
      return c.redirect('/sources/manage#rules-heading', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(service, c, { errors, status });
    }
  });
  app.post('/sources/rules/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await service.rules.delete(viewer, Number(c.req.param('id')));
    flash(c, 'Rule removed.');
    return c.redirect('/sources/manage#rules-heading', 303);
  });
  return app;
}
