import type { Hono } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { PostView } from '../social/index.ts';
import { ActionButton, PostCard, PostTextField } from '../social/index.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDate, formatDateTime, isoTime, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, errorsByField, fieldId, formErrors, TextArea, TextField } from '../web/forms.tsx';
import { flash, type PageOptions, renderPage } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { type Form, readForm } from '../web/request.ts';
import { blogAtom } from './article-feed.ts';
import {
  type ArticleImage,
  type ArticleListItem,
  type ArticleView,
  IMAGE_ALT_MAX,
  MARKDOWN_MAX,
  SUMMARY_MAX,
  TITLE_MAX,
} from './articles.ts';
import { libraryPage } from './section.tsx';

type Status = NonNullable<PageOptions['status']>;

interface EditorValues {
  title: string;
  summary: string;
  markdown: string;
  imageAlt: string;
}

/** Handles in page addresses: letters, digits and `_` (as the profile routes). */
const AT = ':at{@[A-Za-z0-9_]+}';
const SLUG = ':slug{[A-Za-z0-9-]+}';

/**
 * Articles in the Library (`/articles`: your drafts and published articles, the editor) and
 * each member's blog (`/@handle/blog`, an article with its comments, the Atom feed). The blog
 * paths have a literal `blog` segment, so they never meet the post (`/@handle/123`) or
 * profile (`/@handle`, `/@handle/media` …) routes.
 */
export function registerArticlePages(app: Hono<AppEnv>): void {
  app.get('/articles', async (c) => {
    const viewer = requireViewer(c);
    const { articles } = c.var.services;
    const [drafts, published] = await Promise.all([
      articles.mine(viewer, 'draft', c.req.query('drafts') || undefined),
      articles.mine(viewer, 'published', c.req.query('published') || undefined),
    ]);
    const tz = viewer.timeZone;
    return libraryPage(
      c,
      { title: 'Articles', noindex: true },
      <>
        <p>
          Write at length: a reflection on practice, a how-to, a report from a conference. Published articles appear on{' '}
          <a href={`/@${viewer.handle}/blog`}>your blog</a> (with an <a href={`/@${viewer.handle}/blog.atom`}>Atom feed</a>), and a post in
          your stream announces each one; replies to that post are the article’s comments.
        </p>
        <p>
          <a class="button" href="/articles/new">
            Write an article
          </a>
        </p>
        <section aria-labelledby="drafts-heading">
          <h2 id="drafts-heading">Drafts</h2>
          <ArticleRows
            items={drafts.articles}
            empty="No drafts. Only you can see your drafts."
            line={(a) => (
              <>
                <a href={`/articles/${a.id}/edit`}>{a.title}</a> <span class="meta">· saved {formatDateTime(a.updatedAt, tz)}</span>
              </>
            )}
          />
          {drafts.nextCursor ? <More href={`/articles?drafts=${drafts.nextCursor}`} label="More drafts" /> : null}
        </section>
        <section aria-labelledby="published-heading">
          <h2 id="published-heading">Published</h2>
          <ArticleRows
            items={published.articles}
            empty="Nothing published yet."
            line={(a) => (
              <>
                <a href={a.url}>{a.title}</a>{' '}
                <span class="meta">
                  · published {formatDate(a.publishedAt!, tz)} · {plural(a.comments, 'comment', 'comments')}
                </span>{' '}
                ·{' '}
                <a href={`/articles/${a.id}/edit`}>
                  Edit<span class="visually-hidden"> “{a.title}”</span>
                </a>
              </>
            )}
          />
          {published.nextCursor ? <More href={`/articles?published=${published.nextCursor}`} label="More published articles" /> : null}
        </section>
      </>,
    );
  });

  app.get('/articles/new', (c) => {
    requireViewer(c);
    return editorPage(c, { article: null, values: { title: '', summary: '', markdown: '', imageAlt: '' }, errors: {}, images: [] });
  });

  app.post('/articles', (c) => saveFromEditor(c, null));

  app.get('/articles/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const { articles } = c.var.services;
    const article = await ownArticle(c, viewer, Number(c.req.param('id')));
    const images = await articles.images(viewer, article.id);
    return editorPage(c, {
      article,
      values: { title: article.title, summary: article.summary ?? '', markdown: article.markdown, imageAlt: '' },
      errors: {},
      images,
    });
  });

  app.post('/articles/:id{[0-9]+}/edit', (c) => saveFromEditor(c, Number(c.req.param('id'))));

  app.post('/articles/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await c.var.services.articles.delete(viewer, Number(c.req.param('id')));
    flash(c, 'Your article was deleted, with the post that announced it.');
    return c.redirect('/articles', 303);
  });

  // ---- the blog ------------------------------------------------------------------------------

  app.get(`/${AT}/blog.atom`, async (c) => {
    const { articles, config } = c.var.services;
    const handle = c.req.param('at').slice(1);
    const { author, articles: list } = await articles.feed(null, handle);
    const blogUrl = `${config.baseUrl}/@${author.handle}/blog`;
    const body = blogAtom({ author, articles: list, blogUrl, feedUrl: `${blogUrl}.atom`, siteName: c.var.site.siteName });
    return c.body(body, 200, { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'public, max-age=300' });
  });

  app.get(`/${AT}/blog`, async (c) => {
    const handle = c.req.param('at').slice(1);
    const blog = await c.var.services.articles.blog(c.var.viewer, handle, c.req.query('cursor') || undefined);
    const { author } = blog;
    if (author.handle !== handle) return c.redirect(`/@${author.handle}/blog`, 301);
    const tz = c.var.viewer?.timeZone ?? 'UTC';
    return renderPage(
      c,
      {
        title: `${author.displayName}’s blog`,
        description: `Articles by ${author.displayName} (@${author.handle})`,
        alternates: [feedLink(author.handle, author.displayName)],
      },
      <>
        <p>
          Articles by <a href={`/@${author.handle}`}>{author.displayName}</a> <span class="meta">@{author.acct}</span> ·{' '}
          <a href={`/@${author.handle}/blog.atom`}>Atom feed</a>
          <span class="visually-hidden"> of this blog</span>
        </p>
        {blog.articles.length === 0 ? <p class="callout">Nothing published yet.</p> : null}
        <ol class="timeline__list">
          {blog.articles.map((a) => (
            <li>
              <article class="post" aria-labelledby={`article-${a.id}-title`}>
                <h2 id={`article-${a.id}-title`}>
                  <a href={`/@${author.handle}/blog/${a.slug}`}>{a.title}</a>
                </h2>
                <p class="meta">
                  <time datetime={isoTime(a.publishedAt!)}>{formatDate(a.publishedAt!, tz)}</time> ·{' '}
                  {plural(a.comments, 'comment', 'comments')}
                </p>
                {a.summary ? <p>{a.summary}</p> : null}
              </article>
            </li>
          ))}
        </ol>
        {blog.nextCursor ? <More href={`/@${author.handle}/blog?cursor=${blog.nextCursor}`} label="Older articles" /> : null}
      </>,
    );
  });

  app.get(`/${AT}/blog/${SLUG}`, async (c) => {
    const article = await c.var.services.articles.bySlug(c.var.viewer, c.req.param('at').slice(1), c.req.param('slug'));
    const path = `/@${article.author.handle}/blog/${article.slug}`;
    if (c.req.path !== path) return c.redirect(path, 301);
    return articlePage(c, article, { text: '' }, {});
  });

  app.post(`/${AT}/blog/${SLUG}/comments`, async (c) => {
    const viewer = requireViewer(c);
    const { articles, social } = c.var.services;
    const article = await articles.bySlug(viewer, c.req.param('at').slice(1), c.req.param('slug'));
    const text = (await readForm(c)).text('text');
    if (!article.postId)
      throw new UserError(
        409,
        'comments_closed',
        'This article takes no comments: it is not published, or the post announcing it was deleted.',
      );
    try {
      const comment = await social.posts.create(viewer, { text, visibility: 'public', replyToId: article.postId });
      flash(c, 'Your comment was posted.');
      return c.redirect(`/@${article.author.handle}/blog/${article.slug}#post-${comment.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return articlePage(c, article, { text }, errors, status);
    }
  });
}

function feedLink(handle: string, name: string) {
  return { href: `/@${handle}/blog.atom`, type: 'application/atom+xml', title: `${name}’s blog` };
}

function More({ href, label }: { href: string; label: string }) {
  return (
    <nav class="pagination" aria-label={label}>
      <a class="button button--secondary" href={href}>
        {label}
      </a>
    </nav>
  );
}

function ArticleRows({ items, empty, line }: { items: ArticleListItem[]; empty: string; line: (a: ArticleListItem) => Child }) {
  if (items.length === 0) return <p class="callout">{empty}</p>;
  return (
    <ul class="link-rows">
      {items.map((a) => (
        <li>{line(a)}</li>
      ))}
    </ul>
  );
}

/** Your article for the editor; someone else's is a 404 (a draft) or a 403 (published). */
async function ownArticle(c: AppContext, viewer: Viewer, id: number): Promise<ArticleView> {
  const { articles } = c.var.services;
  const article = await articles.get(viewer, id);
  if (article.author.id !== viewer.actorId) throw UserError.forbidden('You can only change your own articles.');
  return article;
}

function editorValues(form: Form): EditorValues {
  return {
    title: form.text('title'),
    summary: form.text('summary'),
    markdown: form.text('markdown').replace(/\r\n?/g, '\n'),
    imageAlt: form.text('imageAlt'),
  };
}

/**
 * The editor's one form has several buttons: Save draft, Preview (rendered here, nothing saved),
 * Publish (saves, then publishes), Update (a published article) and Upload image (saves the
 * draft, then stores the image and shows the Markdown to paste).
 */
async function saveFromEditor(c: AppContext, id: number | null) {
  const viewer = requireViewer(c);
  const { articles, config } = c.var.services;
  let article = id ? await ownArticle(c, viewer, id) : null;
  const images = () => (article ? articles.images(viewer, article.id) : Promise.resolve([]));
  if (c.var.oversizedBody) {
    const values = article
      ? { title: article.title, summary: article.summary ?? '', markdown: article.markdown, imageAlt: '' }
      : { title: '', summary: '', markdown: '', imageAlt: '' };
    const message = `What you sent is too large (the limit for an image is ${Math.round(config.maxUploadBytes / 1048576)} MB). Nothing was saved: the form shows the last saved version.`;
    return editorPage(c, { article, values, errors: { image: message }, images: await images(), status: 413 });
  }
  const form = await readForm(c);
  const values = editorValues(form);
  const action = form.text('action') || 'save';
  const input = { title: values.title, summary: values.summary, markdown: values.markdown };

  if (action === 'preview') {
    const preview = await articles.preview(values.markdown);
    return editorPage(c, {
      article,
      values,
      errors: errorsByField(preview.issues),
      images: await images(),
      preview: preview.html,
      status: preview.issues.length ? 422 : 200,
    });
  }
  try {
    article = article ? await articles.update(viewer, article.id, input) : await articles.create(viewer, input);
    if (action === 'upload') {
      const file = form.file('image');
      const image = await articles.uploadImage(viewer, article.id, file ? new Uint8Array(await file.arrayBuffer()) : null, values.imageAlt);
      flash(c, `The image was uploaded. Paste ${image.markdown} where it should appear.`);
      return c.redirect(`/articles/${article.id}/edit#images`, 303);
    }
    if (action === 'publish') {
      article = await articles.publish(viewer, article.id);
      flash(c, 'Your article is published, and a post in your stream announces it.');
      return c.redirect(`/@${article.author.handle}/blog/${article.slug}`, 303);
    }
    if (article.status === 'published') {
      flash(c, 'Your article was updated.');
      return c.redirect(`/@${article.author.handle}/blog/${article.slug}`, 303);
    }
    flash(c, 'Your draft was saved.');
    return c.redirect(`/articles/${article.id}/edit`, 303);
  } catch (error) {
    const { errors, status } = formErrors(error);
    return editorPage(c, { article, values, errors, images: await images(), status });
  }
}

function editorPage(
  c: AppContext,
  props: { article: ArticleView | null; values: EditorValues; errors: Errors; images: ArticleImage[]; preview?: string; status?: Status },
) {
  const { article, values, errors, images } = props;
  const published = article?.status === 'published';
  const action = article ? `/articles/${article.id}/edit` : '/articles';
  const hasErrors = Object.keys(errors).length > 0;
  return libraryPage(
    c,
    { title: article ? `Edit “${article.title}”` : 'Write an article', hasErrors, status: props.status ?? 200, noindex: true },
    <>
      {article ? (
        <p>
          {published ? (
            <>
              Published on <a href={article.url}>your blog</a>. Changes also update the post that announces it.
            </>
          ) : (
            'A draft: only you can see it until you publish it.'
          )}
        </p>
      ) : null}
      {props.preview !== undefined ? (
        <section aria-labelledby="preview-heading" class="callout">
          <h2 id="preview-heading">Preview</h2>
          <p class="meta">
            This is how the article will look. Nothing was saved. <a href={`#${fieldId('title')}`}>Back to editing</a>
          </p>
          <div class="item__content">{raw(props.preview)}</div>
        </section>
      ) : null}
      <form method="post" action={action} enctype="multipart/form-data" class="stack" novalidate>
        <ErrorSummary errors={errors} />
        <CsrfField token={c.var.csrf} />
        <TextField name="title" label="Title" value={values.title} errors={errors} maxLength={TITLE_MAX} required />
        <TextArea
          name="summary"
          label="Summary"
          optional
          hint="A sentence or two in plain text. It appears on your blog, in its feed and in the post that announces the article."
          value={values.summary}
          errors={errors}
          rows={3}
          maxLength={SUMMARY_MAX}
        />
        <TextArea
          name="markdown"
          label="Article"
          hint={`Written in Markdown (see “Formatting help” below), up to ${MARKDOWN_MAX.toLocaleString('en')} characters.`}
          value={values.markdown}
          errors={errors}
          rows={20}
        />
        <details>
          <summary>Formatting help</summary>
          <dl class="markdown-help">
            <dt>
              <code>## A heading</code>
            </dt>
            <dd>
              A section heading (<code>###</code> for a smaller one).
            </dd>
            <dt>
              <code>**bold**</code>, <code>*italic*</code>, <code>`code`</code>
            </dt>
            <dd>Emphasis and inline code.</dd>
            <dt>
              <code>[the link text](https://example.org/page)</code>
            </dt>
            <dd>A link.</dd>
            <dt>
              <code>![What the image shows](https://example.org/photo.jpg)</code>
            </dt>
            <dd>An image: the description between the brackets is required. Use an https address, or upload the image below.</dd>
            <dt>
              <code>- an item</code> or <code>1. an item</code>
            </dt>
            <dd>A list (one item per line).</dd>
            <dt>
              <code>&gt; quoted text</code>
            </dt>
            <dd>A quotation.</dd>
            <dt>The address of a post here, alone on its line</dt>
            <dd>The post is quoted in the article, if it is public.</dd>
          </dl>
        </details>
        <div class="actions">
          {published ? (
            <button type="submit" name="action" value="update">
              Update
            </button>
          ) : (
            <>
              <button type="submit" name="action" value="save">
                Save draft
              </button>
              <button type="submit" name="action" value="publish">
                Publish
              </button>
            </>
          )}
          <button type="submit" name="action" value="preview" class="button--secondary">
            Preview
          </button>
          <a href="/articles">Back to your articles</a>
        </div>
        <fieldset id="images">
          <legend>Images</legend>
          <p class="hint">Uploading saves the article first. Then paste the line shown for the image where it should appear.</p>
          <div class={`field${errors.image ? ' field--error' : ''}`}>
            <label for={fieldId('image')}>Image file</label>
            {errors.image ? (
              <p class="field-error" id={`${fieldId('image')}-error`}>
                <span class="visually-hidden">Error: </span>
                {errors.image}
              </p>
            ) : null}
            <input
              type="file"
              id={fieldId('image')}
              name="image"
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              data-max-bytes={String(c.var.services.config.maxUploadBytes)}
              aria-invalid={errors.image ? 'true' : undefined}
              aria-describedby={errors.image ? `${fieldId('image')}-error` : undefined}
            />
          </div>
          <TextArea
            name="imageAlt"
            label="Description for people who cannot see it (alt text)"
            value={values.imageAlt}
            errors={errors}
            rows={2}
            maxLength={IMAGE_ALT_MAX}
          />
          <div class="actions">
            <button type="submit" name="action" value="upload" class="button--secondary">
              Upload image
            </button>
          </div>
          {images.length > 0 ? (
            <ul class="link-rows" aria-label="Uploaded images">
              {images.map((image) => (
                <li>
                  <img
                    src={image.url}
                    alt=""
                    width={Math.min(96, image.width)}
                    height={Math.round((Math.min(96, image.width) * image.height) / image.width)}
                    loading="lazy"
                  />{' '}
                  <code class="code">{image.markdown}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </fieldset>
      </form>
      {article ? (
        <ActionButton
          c={c}
          action={`/articles/${article.id}/delete`}
          back="/articles"
          label="Delete article"
          danger
          confirm={
            published
              ? 'Delete this article and the post announcing it? Comments stay in that thread. This cannot be undone.'
              : 'Delete this draft? This cannot be undone.'
          }
        />
      ) : null}
    </>,
  );
}

/** An article's page: title, author, dates, the article, then its comments (replies to the announcing post). */
async function articlePage(c: AppContext, article: ArticleView, values: { text: string }, errors: Errors, status: Status = 200) {
  const viewer = c.var.viewer;
  const { social, config } = c.var.services;
  const tz = viewer?.timeZone ?? 'UTC';
  const path = `/@${article.author.handle}/blog/${article.slug}`;
  const thread = article.postId
    ? await social.posts
        .thread(viewer, article.postId)
        .catch((error: unknown) => (error instanceof UserError ? null : Promise.reject(error)))
    : null;
  const comments: Array<PostView & { depth: number }> = thread?.descendants ?? [];
  const textId = fieldId('text');
  return renderPage(
    c,
    {
      title: article.title,
      heading: null,
      description: article.summary ?? undefined,
      // The ActivityPub object too: fediverse software that is given the article's address finds the Article there.
      alternates: [
        feedLink(article.author.handle, article.author.displayName),
        ...(article.postId
          ? [
              {
                href: `${config.baseUrl}/users/${article.author.handle}/posts/${article.postId}`,
                type: 'application/activity+json',
                title: article.title,
              },
            ]
          : []),
      ],
      noindex: article.status !== 'published',
      hasErrors: Object.keys(errors).length > 0,
      status,
    },
    <>
      <article aria-labelledby="article-title">
        <header>
          <h1 id="article-title">{article.title}</h1>
          <p class="meta">
            By <a href={`/@${article.author.handle}`}>{article.author.displayName}</a> (@{article.author.acct})
            {article.publishedAt ? (
              <>
                {' '}
                · published <time datetime={isoTime(article.publishedAt)}>{formatDate(article.publishedAt, tz)}</time>
              </>
            ) : null}
            {article.publishedAt && article.updatedAt > article.publishedAt + 60_000 ? (
              <>
                {' '}
                · updated <time datetime={isoTime(article.updatedAt)}>{formatDate(article.updatedAt, tz)}</time>
              </>
            ) : null}{' '}
            · <a href={`/@${article.author.handle}/blog`}>More articles</a>
          </p>
          {article.status === 'draft' ? <p class="callout">A draft: only you can see it.</p> : null}
          {viewer?.actorId === article.author.id ? (
            <p>
              <a class="button button--secondary button--small" href={`/articles/${article.id}/edit`}>
                Edit the article
              </a>
            </p>
          ) : null}
          {article.summary ? <p class="bio">{article.summary}</p> : null}
        </header>
        <div class="item__content">{raw(article.html)}</div>
      </article>
      <section aria-labelledby="comments-heading">
        <h2 id="comments-heading">Comments</h2>
        {!thread ? (
          <p>
            {article.status === 'published'
              ? 'Comments are closed: the post announcing this article was deleted.'
              : 'Comments open when the article is published.'}
          </p>
        ) : viewer ? (
          <form method="post" action={`${path}/comments`} class="composer" id="comment" novalidate>
            <ErrorSummary errors={errors} />
            <CsrfField token={c.var.csrf} />
            <PostTextField
              id={textId}
              label="Add a comment"
              hint="Your comment is a public reply to the post announcing the article."
              max={config.postMaxChars}
              rows={4}
              error={errors.text}
              value={values.text ?? ''}
            />
            <div class="actions">
              <button type="submit">Comment</button>
            </div>
          </form>
        ) : (
          <p class="callout">
            <a href={`/login?next=${encodeURIComponent(path)}`}>Sign in</a> to comment.
          </p>
        )}
        {thread ? (
          <>
            {comments.length === 0 ? <p>No comments yet.</p> : null}
            <ol class="thread">
              {comments.map((p) => (
                <li class={`thread__reply thread__reply--depth-${Math.min(p.depth, 4)}`}>
                  <PostCard c={c} post={p} back={path} />
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </section>
    </>,
  );
}
