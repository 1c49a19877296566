import type { Child } from 'hono/jsx';
import type { BookmarkVisibility } from '../../db/schema.ts';
import type { PostView } from '../../social/index.ts';
import { PostCard } from '../../social/index.ts';
import { type AppContext, timeZoneOf } from '../../web/context.ts';
import { formatDate, isoTime } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, RadioGroup, SelectField, TextArea, TextField } from '../../web/forms.tsx';
import type { BookmarkPage, BookmarkView, TagCount } from '../bookmark-rows.ts';
import { type BookmarkKind, type BookmarkQuery, NOTE_MAX, TAGS_MAX, TITLE_MAX } from '../bookmark-schemas.ts';

/** What the bookmark pages show of bookmarks: an entry, a list, the add / edit form, the search form. */

export const KIND_LABELS: Record<BookmarkKind, string> = { url: 'Web pages', post: 'Posts', item: 'Feed items' };
export const VISIBILITY_OPTIONS: ReadonlyArray<{ value: BookmarkVisibility; label: string; hint: string }> = [
  { value: 'private', label: 'Private', hint: '— only you can see it' },
  { value: 'public', label: 'Public', hint: '— listed with your public bookmarks on your profile, for anyone to see' },
];

export interface FormValues {
  url?: string;
  title?: string;
  note?: string;
  tags?: string;
  visibility?: string;
}

export function valuesOf(form: { text(name: string): string }): FormValues {
  return {
    url: form.text('url'),
    title: form.text('title'),
    note: form.text('note'),
    tags: form.text('tags'),
    visibility: form.text('visibility') || 'private',
  };
}

/** `/path?…&cursor=…` for the next page, keeping the other query parameters. */
export function nextHref(c: AppContext, page: { nextCursor: string | null }): string | null {
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

export function TagList({
  tags,
  base,
  label,
}: {
  tags: Array<{ slug: string; name: string; count?: number }>;
  base: string;
  label: string;
}) {
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
  const tz = timeZoneOf(c);
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

export function BookmarkList(props: {
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
export function BookmarkForm({
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

export function SearchForm({ query, tags, errors }: { query: BookmarkQuery; tags: TagCount[]; errors: Errors }) {
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
