import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { loadProfile, passionSlug } from '../accounts/index.ts';
import type { BookmarkVisibility } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { PostView } from '../social/index.ts';
import { PostCard } from '../social/index.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDate, isoTime, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, SelectField, TextArea, TextField } from '../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { readForm } from '../web/request.ts';
import { exportResponse } from './bookmark-api.ts';
import { BookmarkTransfer, IMPORT_MAX_BYTES, type ImportSummary, tooLargeImport } from './bookmark-transfer.ts';
import {
  type BookmarkKind,
  type BookmarkPage,
  type BookmarkQuery,
  type BookmarkView,
  NOTE_MAX,
  TAGS_MAX,
  type TagCount,
  TITLE_MAX,
} from './bookmarks.ts';
import { libraryPage } from './section.tsx';

/**
 * The bookmark pages of the Library: your bookmarks (search, tags, filters, the add form),
 * adding (also the bookmarklet's target, prefilled from ?url=&title=), editing, a tag's page,
 * import and export with the bookmarklet, and a member's public bookmarks on their profile.
 * Every action is a form: it all works without JavaScript.
 */

const KIND_LABELS: Record<BookmarkKind, string> = { url: 'Web pages', post: 'Posts', item: 'Feed items' };
const VISIBILITY_OPTIONS: ReadonlyArray<{ value: BookmarkVisibility; label: string; hint: string }> = [
  { value: 'private', label: 'Private', hint: '— only you can see it' },
  { value: 'public', label: 'Public', hint: '— listed with your public bookmarks on your profile, for anyone to see' },
];

interface FormValues {
  url?: string;
  title?: string;
  note?: string;
  tags?: string;
  visibility?: string;
}

function valuesOf(form: { text(name: string): string }): FormValues {
  return {
    url: form.text('url'),
    title: form.text('title'),
    note: form.text('note'),
    tags: form.text('tags'),
    visibility: form.text('visibility') || 'private',
  };
}

/** `/path?…&cursor=…` for the next page, keeping the other query parameters. */
function nextHref(c: AppContext, page: { nextCursor: string | null }): string | null {
  if (!page.nextCursor) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', page.nextCursor);
  return url.pathname + url.search;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** A note as paragraphs and line breaks (it is text: every piece is escaped). */
function NoteText({ note }: { note: string }) {
  return (
    <>
      {note.split(/\n{2,}/).map((paragraph) => (
        <p class="bookmark__note">
          {paragraph.split('\n').map((line, i) => (
            <>
              {i > 0 ? <br /> : null}
              {line}
            </>
          ))}
        </p>
      ))}
    </>
  );
}

function TagList({ tags, base, label }: { tags: Array<{ slug: string; name: string; count?: number }>; base: string; label: string }) {
  if (tags.length === 0) return null;
  return (
    <ul class="tags" aria-label={label}>
      {tags.map((t) => (
        <li>
          <a class="tag" href={`${base}${encodeURIComponent(t.slug)}`}>
            {t.name}
            {t.count !== undefined ? <span class="visually-hidden">,</span> : null}
            {t.count !== undefined ? <span class="meta"> {t.count}</span> : null}
          </a>
        </li>
      ))}
    </ul>
  );
}

function SnapshotNote({ b }: { b: BookmarkView }) {
  if (b.snapshot.state === 'pending')
    return (
      <>
        {' '}
        · <span>fetching the page’s title and preview…</span>
      </>
    );
  if (b.snapshot.state === 'failed')
    return (
      <>
        {' '}
        · <span>page not reached ({b.snapshot.error ?? 'no answer'}); the bookmark is kept</span>
      </>
    );
  return null;
}

/**
 * One bookmark. `own` adds the member's actions; `post` is the bookmarked post as the reader may
 * see it now (shown in full on the owner's list).
 */
function BookmarkEntry({
  c,
  b,
  own,
  post,
  tagBase,
}: {
  c: AppContext;
  b: BookmarkView;
  own: boolean;
  post: PostView | undefined;
  tagBase: string;
}) {
  const tz = c.var.viewer?.timeZone ?? 'UTC';
  const title = b.title || b.url || 'Untitled';
  const headingId = `bookmark-${b.id}-title`;
  const site = b.siteName ?? hostOf(b.url);
  return (
    <li>
      <article class="item bookmark" id={`bookmark-${b.id}`} aria-labelledby={headingId}>
        <h3 class="item__title" id={headingId}>
          {b.url ? (
            <a href={b.url} rel={b.kind === 'post' ? undefined : 'nofollow noopener noreferrer ugc'}>
              {title}
            </a>
          ) : (
            title
          )}
        </h3>
        <p class="item__meta">
          {b.kind === 'post' ? 'Post' : b.kind === 'item' ? 'Feed item' : 'Web page'}
          {site ? <> · {site}</> : null}
          {own ? <> · {b.visibility === 'public' ? 'Public' : 'Private'}</> : null} · saved{' '}
          <time datetime={isoTime(b.createdAt)}>{formatDate(b.createdAt, tz)}</time>
          {own ? <SnapshotNote b={b} /> : null}
          {own && b.kind === 'item' && b.itemId ? (
            <>
              {' '}
              · <a href={`/sources/items/${b.itemId}`}>open in your reader</a>
            </>
          ) : null}
        </p>
        {b.imageUrl?.startsWith('https:') && b.kind === 'url' ? (
          <img class="bookmark__image" src={b.imageUrl} alt="" width="120" height="80" loading="lazy" referrerpolicy="no-referrer" />
        ) : null}
        {own && post ? (
          <PostCard c={c} post={post} back="/bookmarks" />
        ) : own && b.kind === 'post' ? (
          <p class="meta">The post was deleted, or is no longer visible to you; your bookmark keeps its beginning.</p>
        ) : b.description && b.kind !== 'post' ? (
          <p class="item__summary">{b.description}</p>
        ) : null}
        {b.note ? (
          <div class="bookmark__notes">
            <p class="visually-hidden">{own ? 'Your note:' : 'Note:'}</p>
            <NoteText note={b.note} />
          </div>
        ) : null}
        <TagList tags={b.tags} base={tagBase} label="Tags" />
        {own ? (
          <div class="post__actions" role="group" aria-label={`Actions for ${title}`}>
            <a class="post-action" href={`/bookmarks/${b.id}/edit`}>
              Edit<span class="visually-hidden"> the bookmark {title}</span>
            </a>
            <form method="post" action={`/bookmarks/${b.id}/delete`} class="inline-form" data-confirm="Delete this bookmark?">
              <CsrfField token={c.var.csrf} />
              <button type="submit" class="post-action post-action--danger">
                Delete<span class="visually-hidden"> the bookmark {title}</span>
              </button>
            </form>
          </div>
        ) : null}
      </article>
    </li>
  );
}

function BookmarkList(props: {
  c: AppContext;
  page: BookmarkPage;
  own: boolean;
  posts: Map<number, PostView>;
  label: string;
  empty: Child;
  tagBase: string;
  moreLabel?: string;
}) {
  const { c, page } = props;
  const next = nextHref(c, page);
  return (
    <section aria-label={props.label}>
      {page.bookmarks.length === 0 ? <p class="callout">{props.empty}</p> : null}
      <ol class="timeline__list river bookmarks">
        {page.bookmarks.map((b) => (
          <BookmarkEntry c={c} b={b} own={props.own} post={b.postId ? props.posts.get(b.postId) : undefined} tagBase={props.tagBase} />
        ))}
      </ol>
      {next ? (
        <nav class="pagination" aria-label="More bookmarks">
          <a class="button button--secondary" href={next}>
            {props.moreLabel ?? 'Older bookmarks'}
          </a>
        </nav>
      ) : null}
    </section>
  );
}

/** The add / edit form. `editing` shows the address as text (it cannot change). */
function BookmarkForm({
  c,
  values,
  errors,
  action,
  editing,
  submit,
}: {
  c: AppContext;
  values: FormValues;
  errors: Errors;
  action: string;
  editing?: BookmarkView;
  submit: string;
}) {
  return (
    <form method="post" action={action} class="bookmark-form" novalidate>
      <ErrorSummary errors={errors} />
      <CsrfField token={c.var.csrf} />
      {editing ? (
        <p>
          <strong>Address:</strong>{' '}
          {editing.url ? (
            <a href={editing.url} class="code" rel="nofollow noopener noreferrer ugc">
              {editing.url}
            </a>
          ) : (
            'none'
          )}
        </p>
      ) : (
        <TextField
          name="url"
          label="Address (URL)"
          type="url"
          value={values.url}
          errors={errors}
          required
          hint="The web page to keep, such as https://www.example.org/article."
          autocomplete="url"
          inputmode="url"
          spellcheck={false}
        />
      )}
      <TextField
        name="title"
        label="Title"
        value={values.title}
        errors={errors}
        optional
        maxLength={TITLE_MAX}
        hint={editing ? undefined : 'Left empty, the page’s own title is used.'}
      />
      <TextArea
        name="note"
        label="Note"
        value={values.note}
        errors={errors}
        optional
        rows={3}
        maxLength={NOTE_MAX}
        hint="Why it is worth keeping, for you (or for others, when it is public)."
      />
      <TextField
        name="tags"
        label="Tags"
        value={values.tags}
        errors={errors}
        optional
        hint={`Separate tags with commas, for example: school libraries, genrefication. Up to ${TAGS_MAX}.`}
      />
      <RadioGroup
        name="visibility"
        label="Who can see it"
        value={values.visibility ?? 'private'}
        errors={errors}
        options={VISIBILITY_OPTIONS}
      />
      <div class="actions">
        <button type="submit">{submit}</button>
      </div>
    </form>
  );
}

function SearchForm({ query, tags, errors }: { query: BookmarkQuery; tags: TagCount[]; errors: Errors }) {
  return (
    <form method="get" action="/bookmarks" class="filters" role="search" aria-label="Find bookmarks">
      <ErrorSummary errors={errors} />
      <TextField
        name="q"
        label="Search your bookmarks"
        type="search"
        value={query.q ?? ''}
        errors={errors}
        path="q"
        hint="Words in the title, note, tags or the page."
      />
      <SelectField
        name="tag"
        label="Tag"
        value={query.tag ?? ''}
        placeholder="Any tag"
        options={tags.map((t) => ({ value: t.slug, label: `${t.name} (${t.count})` }))}
      />
      <SelectField
        name="kind"
        label="Kind"
        value={query.kind ?? ''}
        placeholder="Everything"
        options={(Object.entries(KIND_LABELS) as Array<[BookmarkKind, string]>).map(([value, label]) => ({ value, label }))}
      />
      <SelectField
        name="visibility"
        label="Visibility"
        value={query.visibility ?? ''}
        placeholder="Private and public"
        options={VISIBILITY_OPTIONS.map((o) => ({ value: o.value, label: o.label }))}
      />
      <div class="actions">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

function bookmarkletHref(baseUrl: string): string {
  const target = JSON.stringify(`${baseUrl}/bookmarks/new`);
  return `javascript:(function(){location.href=${target}+'?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title);})();`;
}

function queryOf(c: AppContext): BookmarkQuery {
  const kind = c.req.query('kind');
  const visibility = c.req.query('visibility');
  return {
    q: (c.req.query('q') ?? '').slice(0, 300) || undefined,
    tag: c.req.query('tag') || undefined,
    kind: kind === 'url' || kind === 'post' || kind === 'item' ? kind : undefined,
    visibility: visibility === 'public' || visibility === 'private' ? visibility : undefined,
    cursor: c.req.query('cursor') || undefined,
  };
}

async function listPage(c: AppContext) {
  const viewer = requireViewer(c);
  const { bookmarks } = c.var.services;
  const query = queryOf(c);
  let searchErrors: Errors = {};
  let status: PageOptions['status'] = 200;
  let page: BookmarkPage = { bookmarks: [], nextCursor: null };
  try {
    page = await bookmarks.list(viewer, query);
  } catch (error) {
    if (!(error instanceof UserError) || error.code !== 'invalid_query') throw error;
    searchErrors = formErrors(error).errors;
    status = 400;
  }
  const [tags, posts] = await Promise.all([bookmarks.tags(viewer.memberId), bookmarks.postsOf(viewer, page.bookmarks)]);
  const filtering = Boolean(query.q || query.tag || query.kind || query.visibility);
  return libraryPage(
    c,
    { title: 'Bookmarks', noindex: true, status, hasErrors: Object.keys(searchErrors).length > 0 },
    <>
      <p>
        Pages, posts and feed items you keep. Private bookmarks are yours alone; public ones are listed on{' '}
        <a href={`/@${viewer.handle}/bookmarks`}>your public bookmarks</a>.{' '}
        <a href="/bookmarks/import">Import, export and the bookmarklet</a>
      </p>
      <details class="composer__more" open={!filtering && !query.cursor && page.bookmarks.length === 0}>
        <summary>Add a bookmark</summary>
        <BookmarkForm c={c} values={{ visibility: 'private' }} errors={{}} action="/bookmarks" submit="Save bookmark" />
      </details>
      <SearchForm query={query} tags={tags} errors={searchErrors} />
      {tags.length > 0 ? (
        <section aria-labelledby="tags-heading">
          <h2 id="tags-heading">Your tags</h2>
          <TagList tags={tags} base="/bookmarks/tags/" label="Your tags, with how many bookmarks each" />
        </section>
      ) : null}
      <h2 id="list-heading">{filtering ? 'Matching bookmarks' : 'Your bookmarks'}</h2>
      <BookmarkList
        c={c}
        page={page}
        own
        posts={posts}
        label={filtering ? 'Matching bookmarks' : 'Your bookmarks'}
        tagBase="/bookmarks/tags/"
        empty={
          filtering ? (
            <>
              No bookmarks match. <a href="/bookmarks">Show all your bookmarks</a>.
            </>
          ) : (
            <>
              No bookmarks yet. Add a page with the form above, press Bookmark on any post or feed item, drag the bookmarklet from{' '}
              <a href="/bookmarks/import">Import and export</a> to your browser, or import the bookmarks you keep elsewhere.
            </>
          )
        }
      />
    </>,
  );
}

function newPage(
  c: AppContext,
  values: FormValues,
  errors: Errors,
  status: PageOptions['status'] = 200,
  existing: BookmarkView | null = null,
) {
  const tz = c.var.viewer?.timeZone ?? 'UTC';
  return libraryPage(
    c,
    { title: 'Add a bookmark', noindex: true, status, hasErrors: Object.keys(errors).length > 0 },
    <>
      {existing ? (
        <p class="callout">
          You bookmarked this page on <time datetime={isoTime(existing.createdAt)}>{formatDate(existing.createdAt, tz)}</time>. Saving again
          adds these tags and this note to <a href={`/bookmarks/${existing.id}/edit`}>that bookmark</a>.
        </p>
      ) : null}
      <BookmarkForm c={c} values={values} errors={errors} action="/bookmarks" submit="Save bookmark" />
      <p>
        <a href="/bookmarks">Back to your bookmarks</a>
      </p>
    </>,
  );
}

function editPage(c: AppContext, bookmark: BookmarkView, values: FormValues, errors: Errors, status: PageOptions['status'] = 200) {
  return libraryPage(
    c,
    { title: 'Edit bookmark', noindex: true, status, hasErrors: Object.keys(errors).length > 0 },
    <>
      <BookmarkForm
        c={c}
        values={values}
        errors={errors}
        action={`/bookmarks/${bookmark.id}/edit`}
        editing={bookmark}
        submit="Save changes"
      />
      <h2>Delete</h2>
      <form method="post" action={`/bookmarks/${bookmark.id}/delete`} data-confirm="Delete this bookmark?">
        <CsrfField token={c.var.csrf} />
        <button type="submit" class="button--danger">
          Delete this bookmark
        </button>
      </form>
      <p>
        <a href={`/bookmarks#bookmark-${bookmark.id}`}>Back to your bookmarks</a>
      </p>
    </>,
  );
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
  const baseUrl = c.var.services.config.baseUrl;
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

async function publicPage(c: AppContext, handle: string) {
  const profile = await loadProfile(c, c.var.services.accounts, handle);
  if (profile instanceof Response) return profile;
  if (profile.handle !== handle) return c.redirect(`/@${profile.handle}/bookmarks${new URL(c.req.url).search}`, 301);
  const { bookmarks } = c.var.services;
  const tag = c.req.query('tag') || undefined;
  const [page, tags] = await Promise.all([
    bookmarks.publicOf(profile.memberId, { tag, cursor: c.req.query('cursor') || undefined }),
    bookmarks.tags(profile.memberId, { publicOnly: true }),
  ]);
  const own = c.var.viewer?.memberId === profile.memberId;
  const tagName = tag ? (tags.find((t) => t.slug === passionSlug(tag))?.name ?? tag) : null;
  const base = `/@${profile.handle}/bookmarks`;
  return renderPage(
    c,
    {
      title: tagName ? `${profile.displayName}’s bookmarks tagged “${tagName}”` : `${profile.displayName}’s bookmarks`,
      description: `Pages ${profile.displayName} (@${profile.handle}) keeps and recommends.`,
      noindex: profile.profileVisibility !== 'public',
    },
    <>
      <p>
        Public bookmarks of{' '}
        <a href={`/@${profile.handle}`}>
          {profile.displayName} (@{profile.handle})
        </a>
        .
        {own ? (
          <>
            {' '}
            Only your public bookmarks are listed here; <a href="/bookmarks">all your bookmarks</a> are in your Library.
          </>
        ) : null}
      </p>
      {tags.length > 0 ? (
        <nav aria-label="Tags">
          <ul class="tags">
            <li>
              <a class="tag" href={base} aria-current={tag ? undefined : 'page'}>
                All
              </a>
            </li>
            {tags.map((t) => (
              <li>
                <a
                  class="tag"
                  href={`${base}?tag=${encodeURIComponent(t.slug)}`}
                  aria-current={tagName && t.slug === passionSlug(tag ?? '') ? 'page' : undefined}
                >
                  {t.name} <span class="meta">{t.count}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <h2>{tagName ? `Tagged “${tagName}”` : 'Bookmarks'}</h2>
      <BookmarkList
        c={c}
        page={page}
        own={false}
        posts={new Map()}
        label="Public bookmarks"
        tagBase={`${base}?tag=`}
        empty={`${profile.displayName} has no public bookmarks${tagName ? ' with this tag' : ''} yet.`}
      />
    </>,
  );
}

export function registerBookmarkPages(app: Hono<AppEnv>): void {
  app.get('/bookmarks', (c) => listPage(c));

  app.post('/bookmarks', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = valuesOf(form);
    try {
      const { bookmark, merged } = await c.var.services.bookmarks.create(viewer, {
        url: values.url ?? '',
        title: values.title,
        note: values.note,
        tags: values.tags,
        visibility: values.visibility === 'public' ? 'public' : 'private',
      });
      flash(c, merged ? 'You had already bookmarked this page: your bookmark was updated (tags joined, note added).' : 'Bookmark saved.');
      return c.redirect(`/bookmarks#bookmark-${bookmark.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return newPage(c, values, errors, status === 404 ? 422 : status);
    }
  });

  app.get('/bookmarks/new', async (c) => {
    const viewer = requireViewer(c);
    const url = (c.req.query('url') ?? '').slice(0, 4096);
    const title = (c.req.query('title') ?? '').slice(0, 500);
    const existing = url ? await c.var.services.bookmarks.findByUrl(viewer, url) : null;
    return newPage(c, { url, title, note: '', tags: '', visibility: existing?.visibility ?? 'private' }, {}, 200, existing);
  });

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
      const summary = await new BookmarkTransfer(c.var.services.bookmarks).importNetscape(viewer, file.stream());
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
    app.get(`/bookmarks/export.${format}`, (c) => exportResponse(c, format));
  }

  app.get('/bookmarks/tags/:tag', async (c) => {
    const viewer = requireViewer(c);
    const { bookmarks } = c.var.services;
    const slug = passionSlug(c.req.param('tag'));
    const page = await bookmarks.list(viewer, { tag: slug || c.req.param('tag'), cursor: c.req.query('cursor') || undefined });
    const [tags, posts] = await Promise.all([bookmarks.tags(viewer.memberId), bookmarks.postsOf(viewer, page.bookmarks)]);
    const name = tags.find((t) => t.slug === slug)?.name ?? c.req.param('tag');
    return libraryPage(
      c,
      { title: `Bookmarks tagged “${name}”`, noindex: true },
      <>
        <p>
          <a href="/bookmarks">All your bookmarks</a>
          {page.bookmarks.some((b) => b.visibility === 'public') ? (
            <>
              {' '}
              · <a href={`/@${viewer.handle}/bookmarks?tag=${encodeURIComponent(slug)}`}>the public ones, as others see them</a>
            </>
          ) : null}
        </p>
        <h2>
          {plural(page.bookmarks.length, 'bookmark', 'bookmarks')}
          {page.nextCursor ? ' on this page' : ''}
        </h2>
        <BookmarkList
          c={c}
          page={page}
          own
          posts={posts}
          label={`Bookmarks tagged ${name}`}
          tagBase="/bookmarks/tags/"
          empty="None of your bookmarks has this tag."
        />
      </>,
    );
  });

  app.get('/bookmarks/:id{[0-9]+}/edit', async (c) => {
    const bookmark = await c.var.services.bookmarks.get(requireViewer(c), Number(c.req.param('id')));
    return editPage(
      c,
      bookmark,
      { title: bookmark.title, note: bookmark.note, tags: bookmark.tags.map((t) => t.name).join(', '), visibility: bookmark.visibility },
      {},
    );
  });

  app.post('/bookmarks/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const id = Number(c.req.param('id'));
    const bookmark = await c.var.services.bookmarks.get(viewer, id);
    const values = valuesOf(await readForm(c));
    try {
      await c.var.services.bookmarks.update(viewer, id, {
        title: values.title,
        note: values.note,
        tags: values.tags ?? '',
        visibility: values.visibility === 'public' ? 'public' : 'private',
      });
      flash(c, 'Bookmark saved.');
      return c.redirect(`/bookmarks#bookmark-${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return editPage(c, bookmark, values, errors, status);
    }
  });

  app.post('/bookmarks/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await c.var.services.bookmarks.delete(viewer, Number(c.req.param('id')));
    flash(c, 'Bookmark deleted.');
    return c.redirect('/bookmarks', 303);
  });

  app.get('/:at{@[A-Za-z0-9_]+}/bookmarks', (c) => publicPage(c, c.req.param('at').slice(1)));
}
