import type { Hono } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { UserError } from '../platform/errors.ts';
import { VISIBILITIES, VISIBILITY_LABELS } from '../social/index.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDateTime, isoTime, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, SelectField, TextArea, TextField } from '../web/forms.tsx';
import { flash, type PageOptions, renderSectionPage } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { readForm, safeNext } from '../web/request.ts';
import { exportOpml, importOpml } from './opml.ts';
import { ChooseFeedError, type FolderView, type ItemView, type RiverScope, type RuleView, type SubscriptionView } from './service.ts';
import { shareText } from './share.ts';

/**
 * The reader's pages: the river (everything, a folder, a source, starred), an item, sharing an
 * item, and managing sources (subscribe, folders, rules, OPML). Every action is a form, so it
 * all works without JavaScript; with it, j/k/o/s/m move through the river (see app.js).
 */

const SECTION = {
  label: 'Sources',
  items: [
    ['/sources', 'Reader'],
    ['/sources/starred', 'Starred'],
    ['/sources/manage', 'Manage sources'],
  ],
} as const;

function sourcesPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, SECTION, { noindex: true, ...options }, body);
}

/** Only paths of the Sources section come back as `back`. */
function backTo(c: AppContext, value: string | null | undefined, fallback = '/sources'): string {
  const path = safeNext(c, value, fallback);
  return path === '/sources' || /^\/sources[/?#]/.test(path) ? path : fallback;
}

function scopeFromQuery(c: AppContext): { scope: RiverScope; label: string | null } {
  const folder = Number(c.req.query('folder'));
  const source = Number(c.req.query('source'));
  if (Number.isSafeInteger(folder) && folder > 0) return { scope: { kind: 'folder', folderId: folder }, label: null };
  if (Number.isSafeInteger(source) && source > 0) return { scope: { kind: 'source', subscriptionId: source }, label: null };
  return { scope: { kind: 'all' }, label: 'All sources' };
}

function scopeValue(scope: RiverScope): string {
  return scope.kind === 'folder' ? `folder:${scope.folderId}` : scope.kind === 'source' ? `source:${scope.subscriptionId}` : scope.kind;
}

function riverHref(scope: RiverScope, extra: Record<string, string> = {}): string {
  const base = scope.kind === 'starred' ? '/sources/starred' : '/sources';
  const params = new URLSearchParams(extra);
  if (scope.kind === 'folder') params.set('folder', String(scope.folderId));
  if (scope.kind === 'source') params.set('source', String(scope.subscriptionId));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

function Shortcuts() {
  return (
    <details class="shortcuts" id="shortcuts">
      <summary>Keyboard shortcuts</summary>
      <dl>
        <dt>
          <kbd>j</kbd> / <kbd>k</kbd>
        </dt>
        <dd>next / previous item</dd>
        <dt>
          <kbd>o</kbd>
        </dt>
        <dd>open the item</dd>
        <dt>
          <kbd>s</kbd>
        </dt>
        <dd>star or unstar</dd>
        <dt>
          <kbd>m</kbd>
        </dt>
        <dd>mark read or unread</dd>
        <dt>
          <kbd>?</kbd>
        </dt>
        <dd>show or hide this list</dd>
      </dl>
    </details>
  );
}

function Sidebar({ subs, folders, scope }: { subs: SubscriptionView[]; folders: FolderView[]; scope: RiverScope }) {
  const total = subs.reduce((n, s) => n + s.unread, 0);
  const current = (match: boolean) => (match ? 'page' : undefined);
  const SourceLink = ({ s }: { s: SubscriptionView }) => (
    <li>
      <a href={`/sources?source=${s.id}`} aria-current={current(scope.kind === 'source' && scope.subscriptionId === s.id)}>
        {s.title}
      </a>
      {s.unread ? (
        <span class="count">
          {' '}
          {s.unread}
          <span class="visually-hidden"> unread</span>
        </span>
      ) : null}
      {s.problem ? (
        <span class="source-problem" title={s.problem}>
          {' '}
          ⚠<span class="visually-hidden"> {s.problem}</span>
        </span>
      ) : null}
    </li>
  );
  return (
    <nav class="reader__nav" aria-label="Your sources">
      <ul>
        <li>
          <a href="/sources" aria-current={current(scope.kind === 'all')}>
            All sources
          </a>
          {total ? (
            <span class="count">
              {' '}
              {total}
              <span class="visually-hidden"> unread</span>
            </span>
          ) : null}
        </li>
        <li>
          <a href="/sources/starred" aria-current={current(scope.kind === 'starred')}>
            Starred
          </a>
        </li>
      </ul>
      {folders.map((f) => (
        <section aria-labelledby={`folder-${f.id}`}>
          <h2 class="reader__folder" id={`folder-${f.id}`}>
            <a href={`/sources?folder=${f.id}`} aria-current={current(scope.kind === 'folder' && scope.folderId === f.id)}>
              {f.name}
            </a>
            {f.unread ? (
              <span class="count">
                {' '}
                {f.unread}
                <span class="visually-hidden"> unread</span>
              </span>
            ) : null}
          </h2>
          <ul>
            {subs
              .filter((s) => s.folder?.id === f.id)
              .map((s) => (
                <SourceLink s={s} />
              ))}
          </ul>
        </section>
      ))}
      {subs.some((s) => !s.folder) ? (
        <section aria-labelledby="folder-none">
          <h2 class="reader__folder" id="folder-none">
            {folders.length ? 'Not in a folder' : 'Sources'}
          </h2>
          <ul>
            {subs
              .filter((s) => !s.folder)
              .map((s) => (
                <SourceLink s={s} />
              ))}
          </ul>
        </section>
      ) : null}
    </nav>
  );
}

function ItemAction({
  c,
  item,
  action,
  label,
  pressed,
  back,
}: {
  c: AppContext;
  item: ItemView;
  action: string;
  label: string;
  pressed?: boolean;
  back: string;
}) {
  return (
    <form
      method="post"
      action={`/sources/items/${item.id}/${action}`}
      class="inline-form"
      data-key={action === 'star' || action === 'unstar' ? 's' : action === 'read' || action === 'unread' ? 'm' : undefined}
    >
      <CsrfField token={c.var.csrf} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="post-action" aria-pressed={pressed === undefined ? undefined : pressed ? 'true' : 'false'}>
        {label}
      </button>
    </form>
  );
}

function ItemActions({ c, item, back }: { c: AppContext; item: ItemView; back: string }) {
  return (
    <div class="post__actions" role="group" aria-label={`Actions for ${item.title}`}>
      <ItemAction c={c} item={item} back={back} action={item.read ? 'unread' : 'read'} label={item.read ? 'Mark unread' : 'Mark read'} />
      <ItemAction c={c} item={item} back={back} action={item.starred ? 'unstar' : 'star'} label="Star" pressed={item.starred} />
      <ItemAction
        c={c}
        item={item}
        back={back}
        action={item.bookmarked ? 'unbookmark' : 'bookmark'}
        label="Bookmark"
        pressed={item.bookmarked}
      />
      <a class="post-action" href={`/sources/items/${item.id}/share`}>
        Share
      </a>
    </div>
  );
}

function ItemMeta({ c, item }: { c: AppContext; item: ItemView }) {
  const tz = c.var.viewer?.timeZone ?? 'UTC';
  return (
    <p class="item__meta">
      <a href={`/sources?source=${item.source.subscriptionId}`}>{item.source.title}</a>
      {item.author ? <> · {item.author}</> : null}
      {item.publishedAt ? (
        <>
          {' · '}
          <time datetime={isoTime(Date.parse(item.publishedAt))}>{formatDateTime(Date.parse(item.publishedAt), tz)}</time>
        </>
      ) : null}
      {item.read ? null : (
        <>
          {' '}
          · <strong class="badge">Unread</strong>
        </>
      )}
    </p>
  );
}

function ItemCard({ c, item, back }: { c: AppContext; item: ItemView; back: string }) {
  return (
    <article
      class={`item${item.read ? ' item--read' : ''}`}
      id={`item-${item.id}`}
      aria-labelledby={`item-${item.id}-title`}
      data-item={item.id}
      tabindex={-1}
    >
      <h2 class="item__title" id={`item-${item.id}-title`}>
        <a href={`/sources/items/${item.id}`} data-open>
          {item.title}
        </a>
      </h2>
      <ItemMeta c={c} item={item} />
      {item.summary ? <p class="item__summary">{item.summary.length > 300 ? `${item.summary.slice(0, 299)}…` : item.summary}</p> : null}
      <ItemActions c={c} item={item} back={back} />
    </article>
  );
}

async function riverPage(c: AppContext, scope: RiverScope, heading: string | null) {
  const viewer = requireViewer(c);
  const { feeds } = c.var.services;
  const unreadOnly = scope.kind !== 'starred' && c.req.query('show') !== 'all';
  const q = c.req.query('q')?.trim() || undefined;
  const subs = await feeds.subscriptions(viewer);
  const folders = await feeds.folders(viewer, subs);
  const page = await feeds.river(viewer, { scope, unreadOnly: unreadOnly && !q, q, cursor: c.req.query('cursor') });
  const title =
    heading ??
    (scope.kind === 'folder'
      ? folders.find((f) => f.id === scope.folderId)?.name
      : scope.kind === 'source'
        ? subs.find((s) => s.id === scope.subscriptionId)?.title
        : null) ??
    'Sources';
  const back = c.req.path + (new URL(c.req.url).search || '');
  const next = page.nextCursor
    ? riverHref(scope, { ...(unreadOnly ? {} : { show: 'all' }), ...(q ? { q } : {}), cursor: page.nextCursor })
    : null;
  const source = scope.kind === 'source' ? subs.find((s) => s.id === scope.subscriptionId) : undefined;
  return sourcesPage(
    c,
    { title: q ? `Search: ${q}` : title, heading: null },
    <div class="reader">
      <Sidebar subs={subs} folders={folders} scope={scope} />
      <div class="reader__main">
        <h1>{q ? `Search: ${q}` : title}</h1>
        {source?.problem ? (
          <div class="callout" role="status">
            <p>{source.problem}</p>
            <form method="post" action={`/sources/subscriptions/${source.id}/refresh`} class="inline-form">
              <CsrfField token={c.var.csrf} />
              <input type="hidden" name="back" value={back} />
              <button type="submit">Try again now</button>
            </form>
          </div>
        ) : null}
        {subs.length === 0 ? (
          <p class="callout">
            You follow no sources yet. <a href="/sources/manage">Add a blog, a journal, a podcast or a Mastodon profile</a> by pasting its
            address.
          </p>
        ) : (
          <div class="reader__tools">
            <form method="get" action={scope.kind === 'starred' ? '/sources/starred' : '/sources'} role="search" class="inline-form">
              {scope.kind === 'folder' ? <input type="hidden" name="folder" value={String(scope.folderId)} /> : null}
              {scope.kind === 'source' ? <input type="hidden" name="source" value={String(scope.subscriptionId)} /> : null}
              <label for="reader-q">Search items</label> <input id="reader-q" name="q" type="search" value={q ?? ''} maxlength={200} />{' '}
              <button type="submit">Search</button>
            </form>
            {scope.kind !== 'starred' && !q ? (
              <>
                <p class="inline-form">
                  {unreadOnly ? (
                    <a href={riverHref(scope, { show: 'all' })}>Show read items too</a>
                  ) : (
                    <a href={riverHref(scope)}>Show unread only</a>
                  )}
                </p>
                <form method="post" action="/sources/mark-read" class="inline-form">
                  <CsrfField token={c.var.csrf} />
                  <input type="hidden" name="scope" value={scopeValue(scope)} />
                  <input type="hidden" name="back" value={back} />
                  <label for="mark-older">Mark read</label>{' '}
                  <select id="mark-older" name="olderThan">
                    <option value="">everything here</option>
                    <option value="day">older than a day</option>
                    <option value="week">older than a week</option>
                  </select>{' '}
                  <button type="submit">Mark read</button>
                </form>
              </>
            ) : null}
          </div>
        )}
        <Shortcuts />
        {page.items.length ? (
          <div class="river" data-river>
            {page.items.map((item) => (
              <ItemCard c={c} item={item} back={back} />
            ))}
          </div>
        ) : subs.length ? (
          <p class="empty">
            {q
              ? 'No items match.'
              : scope.kind === 'starred'
                ? 'No starred items. Star an item to keep it here.'
                : unreadOnly
                  ? 'All read. Nothing new here.'
                  : 'No items yet.'}
          </p>
        ) : null}
        {next ? (
          <p class="pager">
            <a href={next} rel="next">
              Older items
            </a>
          </p>
        ) : null}
      </div>
    </div>,
  );
}

/**
 * Feeds often carry images without alt text. On sanitised HTML (attribute values quoted, `>`
 * escaped in them): an image that is a link's only content says it has no description, so the
 * link has a name; any other image without alt is treated as decorative (alt="").
 */
function withAltText(html: string): string {
  const attributes = (img: string) => [...img.matchAll(/\s([^\s="/>]+)(?:="([^"]*)")?/g)];
  const altOf = (img: string) => attributes(img).find((a) => a[1]!.toLowerCase() === 'alt')?.[2];
  const withAlt = (img: string, alt: string) =>
    `<img alt="${alt}"${attributes(img)
      .filter((a) => a[1]!.toLowerCase() !== 'alt')
      .map((a) => a[0])
      .join('')} />`;
  return html
    .replace(/(<a\s[^>]*>\s*)(<img\s[^>]*>)(\s*<\/a>)/gi, (all, open: string, img: string, close: string) =>
      altOf(img)?.trim() ? all : `${open}${withAlt(img, 'Image without a description')}${close}`,
    )
    .replace(/<img\s[^>]*>/gi, (img) => (altOf(img) === undefined ? withAlt(img, '') : img));
}

function itemPage(c: AppContext, item: ItemView, errors: Errors = {}) {
  const back = `/sources/items/${item.id}`;
  return sourcesPage(
    c,
    { title: item.title, hasErrors: Object.keys(errors).length > 0 },
    <article class="item item--full" aria-label={item.title} data-item={item.id}>
      <ItemMeta c={c} item={item} />
      {item.url ? (
        <p>
          <a href={item.url} rel="noopener noreferrer" data-open>
            Read on the site<span class="visually-hidden">: {item.title}</span>
          </a>
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <ItemActions c={c} item={item} back={back} />
      <div class="item__content">{raw(withAltText(item.fullHtml ?? item.contentHtml))}</div>
      {item.attachments.length ? (
        <ul class="item__attachments">
          {item.attachments.map((a) => (
            <li>
              {a.mime_type.startsWith('audio/') ? <audio controls preload="none" src={a.url} /> : null}
              <a href={a.url}>
                {a.mime_type.startsWith('audio/') ? 'Download the audio' : a.mime_type.startsWith('video/') ? 'The video' : 'Attachment'}
              </a>{' '}
              ({a.mime_type})
            </li>
          ))}
        </ul>
      ) : null}
      {!item.fullHtml && item.url ? (
        <form method="post" action={`/sources/items/${item.id}/full`}>
          <CsrfField token={c.var.csrf} />
          <button type="submit">Load the full article</button>
        </form>
      ) : null}
    </article>,
  );
}

function sharePage(
  c: AppContext,
  item: ItemView,
  values: { comment: string; visibility: string },
  errors: Errors = {},
  status: PageOptions['status'] = 200,
) {
  const max = c.var.services.config.postMaxChars;
  return sourcesPage(
    c,
    { title: `Share: ${item.title}`, hasErrors: Object.keys(errors).length > 0, status },
    <>
      <p>Your post will link to the item, with its title and source:</p>
      <blockquote class="share-preview">{shareText(item, '', max)}</blockquote>
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

interface ManageValues {
  url: string;
  folder: string;
}

async function managePage(
  c: AppContext,
  options: { values?: ManageValues; errors?: Errors; status?: PageOptions['status']; choices?: ChooseFeedError['choices'] } = {},
) {
  const viewer = requireViewer(c);
  const { feeds } = c.var.services;
  const [subs, rules] = await Promise.all([feeds.subscriptions(viewer), feeds.rules(viewer)]);
  const folders = await feeds.folders(viewer, subs);
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

export function registerFeedsPages(app: Hono<AppEnv>): void {
  app.get('/sources', async (c) => {
    if (!c.var.viewer) throw new UserError(401, 'unauthenticated', 'Sign in to read your sources.');
    const { scope, label } = scopeFromQuery(c);
    return riverPage(c, scope, label);
  });
  app.get('/sources/starred', async (c) => {
    if (!c.var.viewer) throw new UserError(401, 'unauthenticated', 'Sign in to read your sources.');
    return riverPage(c, { kind: 'starred' }, 'Starred');
  });
  app.get('/sources/manage', async (c) => {
    if (!c.var.viewer) throw new UserError(401, 'unauthenticated', 'Sign in to manage your sources.');
    return managePage(c);
  });

  app.get('/sources/items/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const { feeds } = c.var.services;
    const id = Number(c.req.param('id'));
    const item = await feeds.item(viewer, id);
    // Opening an item reads it, as in every feed reader.
    if (!item.read) await feeds.setRead(viewer, id, true);
    return itemPage(c, { ...item, read: true });
  });

  for (const [action, run] of Object.entries({
    read: (c: AppContext, id: number) => c.var.services.feeds.setRead(requireViewer(c), id, true),
    unread: (c: AppContext, id: number) => c.var.services.feeds.setRead(requireViewer(c), id, false),
    star: (c: AppContext, id: number) => c.var.services.feeds.setStarred(requireViewer(c), id, true),
    unstar: (c: AppContext, id: number) => c.var.services.feeds.setStarred(requireViewer(c), id, false),
    bookmark: async (c: AppContext, id: number) => {
      await c.var.services.feeds.item(requireViewer(c), id);
      await c.var.services.bookmarks.bookmarkItem(requireViewer(c), id);
    },
    unbookmark: (c: AppContext, id: number) => c.var.services.bookmarks.unbookmarkItem(requireViewer(c), id),
  })) {
    app.post(`/sources/items/:id{[0-9]+}/${action}`, async (c) => {
      const id = Number(c.req.param('id'));
      const form = await readForm(c);
      try {
        await run(c, id);
      } catch (error) {
        // Bookmarking twice (two tabs) is not worth an error page.
        if (!(error instanceof UserError && error.status === 409)) throw error;
      }
      const back = backTo(c, form.text('back'));
      return c.redirect(back.startsWith('/sources/items/') ? back : `${back}#item-${id}`, 303);
    });
  }

  app.post('/sources/items/:id{[0-9]+}/full', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    const id = Number(c.req.param('id'));
    try {
      const item = await c.var.services.feeds.fullArticle(viewer, id);
      return itemPage(c, item);
    } catch (error) {
      if (!(error instanceof UserError) || error.status !== 409) throw error;
      return itemPage(c, await c.var.services.feeds.item(viewer, id), { _form: error.message });
    }
  });

  app.get('/sources/items/:id{[0-9]+}/share', async (c) => {
    const item = await c.var.services.feeds.item(requireViewer(c), Number(c.req.param('id')));
    return sharePage(c, item, { comment: '', visibility: 'public' });
  });
  app.post('/sources/items/:id{[0-9]+}/share', async (c) => {
    const viewer = requireViewer(c);
    const { feeds, social, config } = c.var.services;
    const item = await feeds.item(viewer, Number(c.req.param('id')));
    const form = await readForm(c);
    const values = { comment: form.text('comment'), visibility: form.text('visibility') || 'public' };
    try {
      const post = await social.posts.create(viewer, {
        text: shareText(item, values.comment, config.postMaxChars),
        visibility: values.visibility as 'public',
      });
      flash(c, 'Shared to your stream.');
      return c.redirect(new URL(post.url).pathname, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      if (errors.text) errors.comment = errors.text;
      delete errors.text;
      return sharePage(c, item, values, errors, status);
    }
  });

  app.post('/sources/mark-read', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const scopeText = form.text('scope');
    const match = /^(all|folder:\d+|source:\d+)$/.exec(scopeText);
    if (!match) throw UserError.field('scope', 'Unknown scope.', 400);
    const [kind, id] = scopeText.split(':');
    const scope: RiverScope =
      kind === 'folder'
        ? { kind: 'folder', folderId: Number(id) }
        : kind === 'source'
          ? { kind: 'source', subscriptionId: Number(id) }
          : { kind: 'all' };
    const older = form.text('olderThan');
    await c.var.services.feeds.markAllRead(viewer, scope, older === 'day' || older === 'week' ? older : undefined);
    flash(c, older ? `Items older than a ${older} marked read.` : 'All marked read.');
    return c.redirect(backTo(c, form.text('back')), 303);
  });

  app.post('/sources/subscribe', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { url: form.text('url'), folder: form.text('folder') };
    try {
      const sub = await c.var.services.feeds.subscribe(viewer, { url: values.url, folder: values.folder || null });
      flash(
        c,
        sub.problem
          ? `Following ${sub.title}, but: ${sub.problem}`
          : `Following ${sub.title}: ${plural(sub.unread, 'item', 'items')} to read.`,
      );
      return c.redirect(`/sources?source=${sub.id}`, 303);
    } catch (error) {
      if (error instanceof ChooseFeedError) return managePage(c, { values, choices: error.choices });
      const { errors, status } = formErrors(error);
      return managePage(c, { values, errors, status });
    }
  });

  app.post('/sources/subscriptions/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    await c.var.services.feeds.updateSubscription(viewer, Number(c.req.param('id')), {
      title: form.text('title') || null,
      folder: form.text('folder') || null,
    });
    flash(c, 'Saved.');
    return c.redirect('/sources/manage', 303);
  });
  app.post('/sources/subscriptions/:id{[0-9]+}/refresh', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const sub = await c.var.services.feeds.retry(viewer, Number(c.req.param('id')));
    flash(c, sub.problem ? `Fetched ${sub.title}, still a problem: ${sub.problem}` : `Fetched ${sub.title}.`);
    return c.redirect(backTo(c, form.text('back')), 303);
  });
  app.post('/sources/subscriptions/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await c.var.services.feeds.unsubscribe(viewer, Number(c.req.param('id')));
    flash(c, 'Unfollowed.');
    return c.redirect('/sources/manage', 303);
  });

  app.post('/sources/folders', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    try {
      const folder = await c.var.services.feeds.createFolder(viewer, form.text('name'));
      flash(c, `Folder “${folder.name}” is ready: move sources into it below.`);
      return c.redirect('/sources/manage', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(c, { errors: { _form: Object.values(errors)[0] ?? 'The folder could not be created.' }, status });
    }
  });
  app.post('/sources/folders/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    try {
      await c.var.services.feeds.renameFolder(viewer, Number(c.req.param('id')), form.text('name'));
      flash(c, 'Folder renamed.');
      return c.redirect('/sources/manage', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(c, { errors: { _form: Object.values(errors)[0] ?? 'The folder could not be renamed.' }, status });
    }
  });
  app.post('/sources/folders/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await c.var.services.feeds.deleteFolder(viewer, Number(c.req.param('id')));
    flash(c, 'Folder deleted; its sources are still followed.');
    return c.redirect('/sources/manage', 303);
  });

  app.post('/sources/rules', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const scope = form.text('scope');
    const [kind, id] = scope.split(':');
    try {
      await c.var.services.feeds.addRule(viewer, {
        keyword: form.text('keyword'),
        action: form.text('action') === 'star' ? 'star' : 'mute',
        folderId: kind === 'folder' ? Number(id) : null,
        subscriptionId: kind === 'source' ? Number(id) : null,
      });
      flash(c, 'Rule added, and applied to the items already there.');
      return c.redirect('/sources/manage#rules-heading', 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return managePage(c, { errors, status });
    }
  });
  app.post('/sources/rules/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await c.var.services.feeds.deleteRule(viewer, Number(c.req.param('id')));
    flash(c, 'Rule removed.');
    return c.redirect('/sources/manage#rules-heading', 303);
  });

  app.post('/sources/import', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const file = form.file('file');
    if (!file || file.size === 0) return managePage(c, { errors: { _form: 'Choose an OPML file to import.' }, status: 422 });
    try {
      const result = await importOpml(c.var.services.database, viewer, new Uint8Array(await file.arrayBuffer()));
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
      return managePage(c, { errors: { _form: Object.values(errors)[0] ?? 'The file could not be imported.' }, status });
    }
  });
  app.get('/sources/export.opml', async (c) => {
    const xml = await exportOpml(c.var.services.database, requireViewer(c), c.var.site.siteName);
    return c.body(xml, 200, { 'content-type': 'text/x-opml; charset=utf-8', 'content-disposition': 'attachment; filename="sources.opml"' });
  });
}
