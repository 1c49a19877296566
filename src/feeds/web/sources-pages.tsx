import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { formErrors } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { FeedsService } from '../service.ts';
import { ChooseFeedError } from '../sources.ts';
import { managePage } from './manage-views.tsx';
import { backTo } from './section-views.tsx';

/** Managing the sources a member follows: following one, naming it, moving it, fetching it now, unfollowing. */

export function sourcesPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/sources/manage', async (c) => {
    if (!c.var.viewer) throw new UserError(401, 'unauthenticated', 'Sign in to manage your sources.');
    return managePage(service, c);
  });

  app.post('/sources/subscribe', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { url: form.text('url'), folder: form.text('folder') };
    try {
      const sub = await service.sources.subscribe(viewer, { url: values.url, folder: values.folder || null });
      flash(
        c,
        sub.problem
          ? `Following ${sub.title}, but: ${sub.problem}`
          : `Following ${sub.title}: ${plural(sub.unread, 'item', 'items')} to read.`,
      );
      return c.redirect(`/sources?source=${sub.id}`, 303);
    } catch (error) {
      if (error instanceof ChooseFeedError) return managePage(service, c, { values, choices: error.choices });
      const { errors, status } = formErrors(error);
      return managePage(service, c, { values, errors, status });
    }
  });

  app.post('/sources/subscriptions/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    await service.sources.update(viewer, Number(c.req.param('id')), {
      title: form.text('title') || null,
      folder: form.text('folder') || null,
    });
    flash(c, 'Saved.');
    return c.redirect('/sources/manage', 303);
  });
  app.post('/sources/subscriptions/:id{[0-9]+}/refresh', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const sub = await service.sources.retry(viewer, Number(c.req.param('id')));
    flash(c, sub.problem ? `Fetched ${sub.title}, still a problem: ${sub.problem}` : `Fetched ${sub.title}.`);
    return c.redirect(backTo(c, form.text('back')), 303);
  });
  app.post('/sources/subscriptions/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await service.sources.unsubscribe(viewer, Number(c.req.param('id')));
    flash(c, 'Unfollowed.');
    return c.redirect('/sources/manage', 303);
  });
  return app;
}
