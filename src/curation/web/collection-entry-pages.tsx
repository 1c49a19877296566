import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { formErrors } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { type Form, readForm } from '../../web/request.ts';
import { entryInputSchema, entryUpdateSchema } from '../collection-schemas.ts';
import type { CollectionsService } from '../collections.ts';
import { collectionPage } from './collection-page.tsx';
import { idParam, pathOf, refusal, type Values } from './collection-views.tsx';

/** The forms on a collection's page that add, annotate, move and remove its entries. */

/** The values of an add-entry form as the service's input (`kind`, target, note, title). */
function entryValues(form: Form): { input: Record<string, unknown>; values: Values } {
  const values: Values = {};
  for (const name of ['kind', 'url', 'title', 'note', 'bookmarkId', 'postUrl', 'sourceId', 'acct']) values[name] = form.text(name);
  const number = (value: string) => (/^\d+$/.test(value) ? Number(value) : value === '' ? undefined : value);
  const input: Record<string, unknown> = { kind: values.kind, note: values.note };
  if (values.title) input.title = values.title;
  if (values.kind === 'link') input.url = values.url;
  if (values.kind === 'bookmark') input.bookmarkId = number(values.bookmarkId!);
  if (values.kind === 'post') input.postUrl = values.postUrl;
  if (values.kind === 'source') input.sourceId = number(values.sourceId!);
  if (values.kind === 'person') input.acct = values.acct;
  return { input, values };
}

export function collectionEntryPages(collections: CollectionsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  /** Re-renders the collection page with a form's errors, or rethrows what is not the user's doing. */
  async function pageWithErrors(c: AppContext, viewer: Viewer, id: number, error: unknown, form: string, values: Values) {
    refusal(error);
    const { errors, status } = formErrors(error);
    return collectionPage(c, collections, await collections.get(viewer, id), { form, values, errors, status });
  }

  const back = async (c: AppContext, id: number, anchor = '') =>
    c.redirect(`${pathOf({ id, kind: await collections.kindOf(c.var.viewer, id) })}${anchor}`, 303);

  app.post('/collections/:id{[0-9]+}/entries', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const { input, values } = entryValues(await readForm(c));
    try {
      // Who may add is settled before the form is read (someone else is refused whatever they sent).
      await collections.entries.mayAdd(viewer, id);
      const entry = await collections.entries.add(viewer, id, parseInput(entryInputSchema, input));
      flash(c, `Added “${entry.title.slice(0, 120)}”.`);
      return back(c, id, `#entry-${entry.id}`);
    } catch (error) {
      return pageWithErrors(
        c,
        viewer,
        id,
        error,
        `add-${['link', 'bookmark', 'post', 'source', 'person'].includes(values.kind!) ? values.kind : 'link'}`,
        values,
      );
    }
  });
  app.post('/collections/:id{[0-9]+}/entries/:entryId{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const entryId = Number(c.req.param('entryId'));
    const form = await readForm(c);
    const values = { note: form.text('note'), title: form.text('title') };
    try {
      await collections.entries.update(
        viewer,
        id,
        entryId,
        parseInput(entryUpdateSchema, { note: values.note, title: values.title || null }),
      );
      flash(c, 'Note saved.');
      return back(c, id, `#entry-${entryId}`);
    } catch (error) {
      return pageWithErrors(c, viewer, id, error, `entry-${entryId}`, values);
    }
  });
  app.post('/collections/:id{[0-9]+}/entries/:entryId{[0-9]+}/move', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const entryId = Number(c.req.param('entryId'));
    const to = (await readForm(c)).text('to');
    const position = /^\d+$/.test(to) ? Number(to) : to === 'up' || to === 'down' ? to : null;
    if (position === null) throw UserError.field('to', 'Move an entry up, down or to a position.', 400);
    await collections.entries.move(viewer, id, entryId, position);
    return back(c, id, `#entry-${entryId}`);
  });
  app.post('/collections/:id{[0-9]+}/entries/:entryId{[0-9]+}/remove', async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await collections.entries.remove(viewer, id, Number(c.req.param('entryId')));
    flash(c, 'Entry removed.');
    return back(c, id, '#entries-heading');
  });
  return app;
}
