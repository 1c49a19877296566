import type { AppContext } from '../../web/context.ts';
import { formatDateTime } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, SelectField, TextField } from '../../web/forms.tsx';
import type { PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import type { RuleView } from '../rules.ts';
import type { FeedsService } from '../service.ts';
import type { ChooseFeedError } from '../sources.ts';
import { sourcesPage } from './section-views.tsx';

/**
 * Managing sources, one page: following a source (choosing among the feeds a page offers),
 * the sources followed (name, folder, fetch now, unfollow), folders, keyword rules and OPML.
 * The forms of each part post to their own pages (sources-, folders-, rules-, opml-pages.tsx),
 * which show this page again with what went wrong.
 */

export interface ManageValues {
  url: string;
  folder: string;
}

export async function managePage(
  service: FeedsService,
  c: AppContext,
  options: { values?: ManageValues; errors?: Errors; status?: PageOptions['status']; choices?: ChooseFeedError['choices'] } = {},
) {
  const viewer = requireViewer(c);
  const [subs, rules] = await Promise.all([service.sources.list(viewer), service.rules.list(viewer)]);
  const folders = await service.folders.list(viewer, subs);
  const errors = options.errors ?? {};
  const values = options.values ?? { url: '', folder: '' };
  const folderOptions = folders.map((f) => ({ value: f.name, label: f.name }));
  return sourcesPage(
    c,
    { title: 'Manage sources', hasErrors: Object.keys(errors).length > 0, ...(options.status ? { status: options.status } : {}) },
    <>
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">Follow a source</h2>
        {options.choices ? (
          <form method="post" action="/sources/subscribe">
            <CsrfField token={c.var.csrf} />
            <input type="hidden" name="folder" value={values.folder} />
            <fieldset>
              <legend>This page offers {options.choices.length} feeds. Which one?</legend>
              {options.choices.map((choice, i) => (
                <div class="radio">
                  <input type="radio" id={`choice-${i}`} name="url" value={choice.url} checked={i === 0} />
                  <label for={`choice-${i}`}>
                    {choice.title ?? choice.url}{' '}
                    <span class="hint">
                      ({choice.format ?? 'feed'}: {choice.url})
                    </span>
                  </label>
                </div>
              ))}
            </fieldset>
            <button type="submit">Follow this feed</button>
          </form>
        ) : (
          <form method="post" action="/sources/subscribe" novalidate>
            <CsrfField token={c.var.csrf} />
            <ErrorSummary errors={errors} />
            <TextField
              name="url"
              label="Address of a site or a feed"
              type="url"
              value={values.url}
              errors={errors}
              required
              hint="A blog, a journal, a podcast, a newsletter, a Mastodon or Bluesky profile, a YouTube channel."
            />
            <TextField
              name="folder"
              label="Folder"
              optional
              value={values.folder}
              errors={errors}
              list="folder-names"
              hint="A new name makes a new folder."
            />
            <datalist id="folder-names">
              {folders.map((f) => (
                <option value={f.name} />
              ))}
            </datalist>
            <button type="submit">Follow</button>
          </form>
        )}
      </section>

      <section aria-labelledby="subs-heading">
        <h2 id="subs-heading">Your sources ({subs.length})</h2>
        {subs.length === 0 ? <p>None yet.</p> : null}
        <ul class="sources-list">
          {subs.map((s) => (
            <li class="source-row">
              <h3 class="source-row__title">
                <a href={`/sources?source=${s.id}`}>{s.title}</a>
              </h3>
              <p class="hint">
                {s.feedUrl}
                {s.lastFetchedAt ? <> · checked {formatDateTime(Date.parse(s.lastFetchedAt), viewer.timeZone)}</> : <> · not fetched yet</>}
              </p>
              {s.problem ? <p class="source-problem">{s.problem}</p> : null}
              <form method="post" action={`/sources/subscriptions/${s.id}`} class="source-row__edit">
                <CsrfField token={c.var.csrf} />
                <label for={`title-${s.id}`}>Name</label>{' '}
                <input id={`title-${s.id}`} name="title" value={s.customTitle ?? ''} placeholder={s.title} maxlength={200} />{' '}
                <label for={`folder-${s.id}`}>Folder</label>{' '}
                <select id={`folder-${s.id}`} name="folder">
                  <option value="">(none)</option>
                  {folderOptions.map((o) => (
                    <option value={o.value} selected={s.folder?.name === o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>{' '}
                <button type="submit">
                  Save<span class="visually-hidden"> {s.title}</span>
                </button>
              </form>
              <form method="post" action={`/sources/subscriptions/${s.id}/refresh`} class="inline-form">
                <CsrfField token={c.var.csrf} />
                <input type="hidden" name="back" value="/sources/manage" />
                <button type="submit">
                  Fetch now<span class="visually-hidden"> {s.title}</span>
                </button>
              </form>{' '}
              <form
                method="post"
                action={`/sources/subscriptions/${s.id}/delete`}
                class="inline-form"
                data-confirm={`Stop following ${s.title}?`}
              >
                <CsrfField token={c.var.csrf} />
                <button type="submit" class="button--danger">
                  Unfollow<span class="visually-hidden"> {s.title}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="folders-heading">
        <h2 id="folders-heading">Folders</h2>
        <ul class="sources-list">
          {folders.map((f) => (
            <li>
              <form method="post" action={`/sources/folders/${f.id}`} class="inline-form">
                <CsrfField token={c.var.csrf} />
                <label for={`folder-name-${f.id}`}>Rename “{f.name}”</label>{' '}
                <input id={`folder-name-${f.id}`} name="name" value={f.name} maxlength={80} required />{' '}
                <button type="submit">
                  Rename<span class="visually-hidden"> folder {f.name}</span>
                </button>
              </form>{' '}
              <form
                method="post"
                action={`/sources/folders/${f.id}/delete`}
                class="inline-form"
                data-confirm={`Delete the folder ${f.name}? Its sources stay.`}
              >
                <CsrfField token={c.var.csrf} />
                <button type="submit" class="button--danger">
                  Delete<span class="visually-hidden"> folder {f.name}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
        <form method="post" action="/sources/folders" class="inline-form">
          <CsrfField token={c.var.csrf} />
          <label for="new-folder">New folder</label> <input id="new-folder" name="name" maxlength={80} required />{' '}
          <button type="submit">Create</button>
        </form>
      </section>

      <section aria-labelledby="rules-heading">
        <h2 id="rules-heading">Keyword rules</h2>
        <p>Hide items about what you do not want to read, or star the ones you never want to miss.</p>
        {rules.length ? (
          <ul class="sources-list">
            {rules.map((r) => (
              <li>
                <RuleText rule={r} />{' '}
                <form method="post" action={`/sources/rules/${r.id}/delete`} class="inline-form">
                  <CsrfField token={c.var.csrf} />
                  <button type="submit">
                    Remove<span class="visually-hidden"> the rule for “{r.keyword}”</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : null}
        <form method="post" action="/sources/rules">
          <CsrfField token={c.var.csrf} />
          <TextField name="keyword" label="Word or phrase" required maxLength={100} errors={errors} />
          <SelectField
            name="action"
            label="Then"
            value="mute"
            options={[
              { value: 'mute', label: 'hide the item' },
              { value: 'star', label: 'star the item' },
            ]}
          />
          <SelectField
            name="scope"
            label="In"
            value="all"
            options={[
              { value: 'all', label: 'all sources' },
              ...folders.map((f) => ({ value: `folder:${f.id}`, label: `folder ${f.name}` })),
              ...subs.map((s) => ({ value: `source:${s.id}`, label: s.title })),
            ]}
          />
          <button type="submit">Add the rule</button>
        </form>
      </section>

      <section aria-labelledby="opml-heading">
        <h2 id="opml-heading">Move between readers (OPML)</h2>
        <p>
          <a href="/sources/export.opml" download="sources.opml">
            Download your sources as OPML
          </a>
          , to use them in another reader.
        </p>
        <form method="post" action="/sources/import" enctype="multipart/form-data">
          <CsrfField token={c.var.csrf} />
          <div class="field">
            <label for="opml-file">An OPML file from another reader</label>
            <input id="opml-file" name="file" type="file" accept=".opml,.xml,text/x-opml,text/xml,application/xml" required />
          </div>
          <button type="submit">Import</button>
        </form>
      </section>
    </>,
  );
}

function RuleText({ rule }: { rule: RuleView }) {
  const where = rule.scope.kind === 'all' ? 'any source' : rule.scope.kind === 'folder' ? `folder ${rule.scope.name}` : rule.scope.title;
  return (
    <span>
      {rule.action === 'mute' ? 'Hide' : 'Star'} items with “{rule.keyword}” in {where}
    </span>
  );
}
