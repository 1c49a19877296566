import { Hono } from 'hono';
import type { Visibility } from '../../db/schema.ts';
import { VISIBILITIES, VISIBILITY_LABELS } from '../../social/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, SelectField, TextArea } from '../../web/forms.tsx';
import { flash, type PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { ItemView } from '../items.ts';
import type { FeedsService } from '../service.ts';
import { sourcesPage } from './section-views.tsx';

/** Sharing an item to the member's stream, with their words (sharing.ts). */

function sharePage(
  service: FeedsService,
  c: AppContext,
  item: ItemView,
  values: { comment: string; visibility: string },
  errors: Errors = {},
  status: PageOptions['status'] = 200,
) {
  return sourcesPage(
    c,
    { title: `Share: ${item.title}`, hasErrors: Object.keys(errors).length > 0, status },
    <>
      <p>Your post will link to the item, with its title and source:</p>
      <blockquote class="share-preview">{service.sharing.preview(item)}</blockquote>
      <form method="post" action={`/sources/items/${item.id}/share`} novalidate>
        <CsrfField token={c.var.csrf} />
        <ErrorSummary errors={errors} />
        <TextArea
          name="comment"
          label="What you think of it"
          optional
          value={values.comment}
          errors={errors}
          rows={4}
          hint="Why it is worth reading, for whom, a question it raises."
        />
        <SelectField
          name="visibility"
          label="Who can see the post"
          value={values.visibility}
          errors={errors}
          options={VISIBILITIES.filter((v) => v !== 'direct').map((v) => ({ value: v, label: VISIBILITY_LABELS[v].label }))}
        />
        <button type="submit">Share to your stream</button>
      </form>
    </>,
  );
}

export function sharePages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/sources/items/:id{[0-9]+}/share', async (c) => {
    const item = await service.items.item(requireViewer(c), Number(c.req.param('id')));
    return sharePage(service, c, item, { comment: '', visibility: 'public' });
  });
  app.post('/sources/items/:id{[0-9]+}/share', async (c) => {
    const viewer = requireViewer(c);
    const item = await service.items.item(viewer, Number(c.req.param('id')));
    const form = await readForm(c);
    const values = { comment: form.text('comment'), visibility: form.text('visibility') || 'public' };
    try {
      // The post checks the visibility (as social checks any post's).
      const post = await service.sharing.share(viewer, item, { comment: values.comment, visibility: values.visibility as Visibility });
      flash(c, 'Shared to your stream.');
      return c.redirect(new URL(post.url).pathname, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      if (errors.text) errors.comment = errors.text;
      delete errors.text;
      return sharePage(service, c, item, values, errors, status);
    }
  });
  return app;
}
