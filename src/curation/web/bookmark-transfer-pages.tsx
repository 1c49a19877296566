import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors } from '../../web/forms.tsx';
import type { PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { IMPORT_MAX_BYTES, type ImportSummary, tooLargeImport } from '../bookmark-transfer.ts';
import type { BookmarksService } from '../bookmarks.ts';
import { libraryPage } from '../section.tsx';
import { exportResponse } from './bookmark-downloads.ts';

/**
 * Bookmarks in and out, in the Library: importing a bookmark file (`/bookmarks/import`), the
 * exports (HTML, CSV, JSON) and the bookmarklet.
 */
export function bookmarkTransferPages(bookmarks: BookmarksService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/bookmarks/import', (c) => {
    requireViewer(c);
    return importPage(c);
  });

  app.post('/bookmarks/import', async (c) => {
    const viewer = requireViewer(c);
    // A body declared larger than the limit is never read (nor stored): say so next to the field.
    if (c.var.oversizedBody) return importPage(c, { errors: { file: tooLargeImport().message }, status: 413 });
    try {
      const file = (await readForm(c)).file('file');
      if (!file) return importPage(c, { errors: { file: 'Choose the bookmark file (.html) to import.' }, status: 422 });
      const summary = await bookmarks.transfer.importNetscape(viewer, file.stream());
      return importPage(c, { summary });
    } catch (error) {
      const { errors, status } = formErrors(error);
      return importPage(c, {
        errors: { file: errors.file ?? errors._form ?? Object.values(errors)[0] ?? 'The file could not be imported.' },
        status,
      });
    }
  });

  for (const format of ['html', 'csv', 'json'] as const) {
    app.get(`/bookmarks/export.${format}`, (c) => exportResponse(c, bookmarks, format));
  }

  return app;
}

function bookmarkletHref(baseUrl: string): string {
  const target = JSON.stringify(`${baseUrl}/bookmarks/new`);
  return `javascript:(function(){location.href=${target}+'?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title);})();`;
}

function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  const reasons = Object.entries(summary.reasons);
  return (
    <section class="callout" role="status" aria-labelledby="import-result">
      <h2 id="import-result">Import finished</h2>
      <p>
        {plural(summary.imported, 'new bookmark', 'new bookmarks')}; {plural(summary.merged, 'entry', 'entries')} joined{' '}
        {summary.merged === 1 ? 'a bookmark' : 'bookmarks'} you already had (same address); {summary.skipped} skipped.
      </p>
      {reasons.length > 0 ? (
        <>
          <p>Skipped, by reason:</p>
          <ul>
            {reasons.map(([reason, n]) => (
              <li>
                {reason}: {n}
              </li>
            ))}
          </ul>
          <details>
            <summary>
              The skipped entries{summary.skipped > summary.skippedEntries.length ? ` (the first ${summary.skippedEntries.length})` : ''}
            </summary>
            <ul>
              {summary.skippedEntries.map((s) => (
                <li>
                  Line {s.line}: {s.title || s.url || 'an entry without an address'}
                  {s.url && s.title ? <span class="code"> ({s.url})</span> : null} — {s.reason}
                </li>
              ))}
            </ul>
          </details>
        </>
      ) : null}
      <p>
        <a href="/bookmarks">See your bookmarks</a>
      </p>
    </section>
  );
}

function importPage(c: AppContext, result: { summary?: ImportSummary; errors?: Errors; status?: PageOptions['status'] } = {}) {
  const errors = result.errors ?? {};
  const fileError = errors.file;
  const baseUrl = c.var.kernel.config.baseUrl;
  return libraryPage(
    c,
    { title: 'Import and export bookmarks', noindex: true, status: result.status ?? 200, hasErrors: Object.keys(errors).length > 0 },
    <>
      {result.summary ? <ImportSummaryView summary={result.summary} /> : null}
      <section aria-labelledby="import-heading">
        <h2 id="import-heading">Import</h2>
        <p>
          Bring the bookmarks you keep in a browser, Diigo, Pinboard or Raindrop: export them there as an HTML bookmark file (the “Netscape
          bookmark” format), then choose that file here. Tags, notes, dates and folders (as tags) are kept; a page you already bookmarked is
          merged, not doubled. Up to {IMPORT_MAX_BYTES / 1048576} MB.
        </p>
        <form method="post" action="/bookmarks/import" enctype="multipart/form-data" novalidate>
          <ErrorSummary errors={errors} />
          <CsrfField token={c.var.csrf} />
          <div class={`field${fileError ? ' field--error' : ''}`}>
            <label for="field-file">Bookmark file (.html)</label>
            {fileError ? (
              <p class="field-error" id="field-file-error">
                <span class="visually-hidden">Error: </span>
                {fileError}
              </p>
            ) : null}
            <input
              id="field-file"
              name="file"
              type="file"
              accept=".html,.htm,text/html"
              aria-invalid={fileError ? 'true' : undefined}
              aria-describedby={fileError ? 'field-file-error' : undefined}
            />
          </div>
          <button type="submit">Import</button>
        </form>
      </section>
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Export</h2>
        <p>Take all your bookmarks with you, private and public:</p>
        <ul>
          <li>
            <a href="/bookmarks/export.html" download>
              HTML bookmark file
            </a>{' '}
            — for browsers, Diigo, Pinboard, Raindrop and back into Commonroom
          </li>
          <li>
            <a href="/bookmarks/export.csv" download>
              CSV
            </a>{' '}
            — for spreadsheets
          </li>
          <li>
            <a href="/bookmarks/export.json" download>
              JSON
            </a>{' '}
            — everything, for programs
          </li>
        </ul>
        <p>
          Or take{' '}
          <a href="/library/export.json" download>
            your whole Library as JSON
          </a>
          : bookmarks, the collections and starter kits you own, and your articles with their Markdown, drafts too.
        </p>
      </section>
      <section aria-labelledby="bookmarklet-heading">
        <h2 id="bookmarklet-heading">Bookmarklet</h2>
        <p>Save any page you are reading with one click from your browser’s bookmarks bar.</p>
        <ol>
          <li>Show your bookmarks bar (in most browsers: Ctrl+Shift+B, or ⌘+Shift+B on a Mac).</li>
          <li>
            Drag this link to the bar:{' '}
            <a href={bookmarkletHref(baseUrl)} class="button button--secondary" data-bookmarklet>
              Bookmark in {c.var.site.siteName}
            </a>
          </li>
          <li>On any page, click it: the page opens here in the “Add a bookmark” form, with its address and title filled in.</li>
        </ol>
        <p class="hint">
          Without a bookmarks bar, copy this address and add it as a bookmark by hand:{' '}
          <span class="code">{baseUrl}/bookmarks/new?url=…</span>
        </p>
      </section>
    </>,
  );
}
