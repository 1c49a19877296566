import { Hono } from 'hono';
import { ADMINISTRATION } from '../../accounts/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, TextArea } from '../../web/forms.tsx';
import { flash, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { requireAdmin } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { FeedsService } from '../service.ts';
import { KNOWN_AUDIENCES } from '../starter-sources.ts';

const PATH = '/admin/starter-sources';

/** Administration → Starter sources: the OPML list of sources offered to newcomers, by audience. */
export function starterSourcesPages(service: FeedsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const starter = service.starterSources;

  app.get(PATH, async (c) => {
    requireAdmin(c);
    return page(c, await starter.document(), {});
  });

  app.post(PATH, async (c) => {
    requireAdmin(c);
    const form = await readForm(c);
    if (form.text('restore') === 'default') {
      await starter.restoreDefault();
      flash(c, 'The starter sources are the list Commonroom ships again.');
      return c.redirect(PATH, 303);
    }
    const text = form.text('opml');
    try {
      const saved = await starter.save(text);
      flash(c, `Saved: newcomers are offered ${plural(saved.length, 'starter source', 'starter sources')}.`);
      return c.redirect(PATH, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return page(c, text, errors, status);
    }
  });

  return app;
}

function page(c: AppContext, opml: string, errors: Errors, status: PageOptions['status'] = 200) {
  return renderSectionPage(
    c,
    ADMINISTRATION,
    { title: 'Starter sources', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        During their first minutes, newcomers are offered these journals, associations and blogs, chosen by their role. The list is an OPML
        document (what feed readers export): each folder is an audience. The folders{' '}
        {KNOWN_AUDIENCES.map((a, i) => (
          <>
            {i > 0 ? ', ' : ''}“{a.replace(/^./, (ch) => ch.toUpperCase())}”
          </>
        ))}{' '}
        go to the roles they name; any other folder (such as “Everyone”) goes to everyone.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={PATH} class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextArea name="opml" label="Starter sources (OPML)" value={opml} errors={errors} rows={18} />
        <div class="actions">
          <button type="submit">Save the list</button>
        </div>
      </form>
      <form method="post" action={PATH} class="inline-form">
        <CsrfField token={c.var.csrf} />
        <input type="hidden" name="restore" value="default" />
        <button type="submit" class="button--secondary">
          Restore the list Commonroom ships
        </button>
      </form>
    </>,
  );
}
