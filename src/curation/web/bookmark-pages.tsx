import { Hono } from 'hono';
import { loadProfile, passionSlug } from '../../accounts/index.ts';
import { parseInput, UserError } from '../../platform/errors.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDate, isoTime, plural } from '../../web/format.ts';
import { CsrfField, type Errors, formErrors } from '../../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext, withAnchor } from '../../web/request.ts';
import type { BookmarkPage, BookmarkView } from '../bookmark-rows.ts';
import { type BookmarkQuery, bookmarkInputSchema, bookmarkUpdateSchema } from '../bookmark-schemas.ts';
import type { BookmarksService } from '../bookmarks.ts';
import { libraryPage } from '../section.tsx';
import { BookmarkForm, BookmarkList, type FormValues, SearchForm, TagList, valuesOf } from './bookmark-views.tsx';

/**
 * The bookmark pages of the Library: your bookmarks (search, tags, filters, the add form),
 * adding (also the bookmarklet's target, prefilled from ?url=&title=), editing, a tag's page,
 * a member's public bookmarks on their profile, and the Bookmark button of posts. Import and
 * export are in bookmark-transfer-pages.tsx. Every action is a form: it all works without JavaScript.
 */
export function bookmarkPages(bookmarks: BookmarksService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/bookmarks', (c) => listPage(c, bookmarks));

  app.post('/bookmarks', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = valuesOf(form);
    try {
      const input = parseInput(bookmarkInputSchema, {
        url: values.url ?? '',
        title: values.title,
        note: values.note,
        tags: values.tags,
        visibility: values.visibility === 'public' ? 'public' : 'private',
      });
      const { bookmark, merged } = await bookmarks.create(viewer, input);
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
    const existing = url ? await bookmarks.findByUrl(viewer, url) : null;
    return newPage(c, { url, title, note: '', tags: '', visibility: existing?.visibility ?? 'private' }, {}, 200, existing);
  });

  app.get('/bookmarks/tags/:tag', async (c) => {
    const viewer = requireViewer(c);
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
    const bookmark = await bookmarks.get(requireViewer(c), Number(c.req.param('id')));
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
    const bookmark = await bookmarks.get(viewer, id);
    const values = valuesOf(await readForm(c));
    try {
      const input = parseInput(bookmarkUpdateSchema, {
        title: values.title,
        note: values.note,
        tags: values.tags ?? '',
        visibility: values.visibility === 'public' ? 'public' : 'private',
      });
      await bookmarks.update(viewer, id, input);
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
    await bookmarks.delete(viewer, Number(c.req.param('id')));
    flash(c, 'Bookmark deleted.');
    return c.redirect('/bookmarks', 303);
  });

  app.get('/:at{@[A-Za-z0-9_]+}/bookmarks', (c) => publicPage(c, bookmarks, c.req.param('at').slice(1)));

  // The Bookmark button of social's post cards posts here.
  app.post('/posts/:id/:action{bookmark|unbookmark}', async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c.req.param('id'));
    const bookmark = c.req.param('action') === 'bookmark';
    const back = safeNext(c, (await readForm(c)).text('back'));
    if (bookmark) await bookmarks.bookmarkPost(viewer, id);
    else await bookmarks.unbookmarkPost(viewer, id);
    flash(c, bookmark ? 'Saved to your bookmarks.' : 'Removed from your bookmarks.');
    return c.redirect(withAnchor(back, `post-${id}`), 303);
  });
  return app;
}

/** A post id from a URL segment, or 404. */
function postId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such post.');
  return id;
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

async function listPage(c: AppContext, bookmarks: BookmarksService) {
  const viewer = requireViewer(c);
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
  const tz = timeZoneOf(c);
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

async function publicPage(c: AppContext, bookmarks: BookmarksService, handle: string) {
  const profile = await loadProfile(c, bookmarks, handle);
  if (profile instanceof Response) return profile;
  if (profile.handle !== handle) return c.redirect(`/@${profile.handle}/bookmarks${new URL(c.req.url).search}`, 301);
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
