import { Hono } from 'hono';
import { raw } from 'hono/html';
import { PostCard, PostTextField } from '../../social/index.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDate, isoTime, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, formErrors } from '../../web/forms.tsx';
import { flash, renderPage } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { blogAtom } from '../article-feed.ts';
import type { ArticleView } from '../article-rows.ts';
import type { ArticlesService } from '../articles.ts';
import { feedLink, More, type Status } from './article-views.tsx';

/** Handles in page addresses: letters, digits and `_` (as the profile routes). */
const AT = ':at{@[A-Za-z0-9_]+}';
const SLUG = ':slug{[A-Za-z0-9-]+}';

/**
 * Each member's blog (`/@handle/blog`, an article with its comments, the Atom feed). The blog
 * paths have a literal `blog` segment, so they never meet the post (`/@handle/123`) or
 * profile (`/@handle`, `/@handle/media` …) routes.
 */
export function blogPages(articles: ArticlesService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(`/${AT}/blog.atom`, async (c) => {
    const { config } = c.var.kernel;
    const handle = c.req.param('at').slice(1);
    const { author, articles: list } = await articles.feed(null, handle);
    const blogUrl = `${config.baseUrl}/@${author.handle}/blog`;
    const body = blogAtom({ author, articles: list, blogUrl, feedUrl: `${blogUrl}.atom`, siteName: c.var.site.siteName });
    return c.body(body, 200, { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'public, max-age=300' });
  });

  app.get(`/${AT}/blog`, async (c) => {
    const handle = c.req.param('at').slice(1);
    const blog = await articles.blog(c.var.viewer, handle, c.req.query('cursor') || undefined);
    const { author } = blog;
    if (author.handle !== handle) return c.redirect(`/@${author.handle}/blog`, 301);
    const tz = timeZoneOf(c);
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
    const article = await articles.bySlug(c.var.viewer, c.req.param('at').slice(1), c.req.param('slug'));
    const path = `/@${article.author.handle}/blog/${article.slug}`;
    if (c.req.path !== path) return c.redirect(path, 301);
    return articlePage(c, articles, article, { text: '' }, {});
  });

  app.post(`/${AT}/blog/${SLUG}/comments`, async (c) => {
    const viewer = requireViewer(c);
    const article = await articles.bySlug(viewer, c.req.param('at').slice(1), c.req.param('slug'));
    const text = (await readForm(c)).text('text');
    // Closed comments (no announcing post) are an error page, not a problem of the form: the service throws outside the try.
    if (!article.postId) await articles.comment(viewer, article, text);
    try {
      const comment = await articles.comment(viewer, article, text);
      flash(c, 'Your comment was posted.');
      return c.redirect(`/@${article.author.handle}/blog/${article.slug}#post-${comment.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return articlePage(c, articles, article, { text }, errors, status);
    }
  });
  return app;
}

/** An article's page: title, author, dates, the article, then its comments (replies to the announcing post). */
async function articlePage(
  c: AppContext,
  articles: ArticlesService,
  article: ArticleView,
  values: { text: string },
  errors: Errors,
  status: Status = 200,
) {
  const viewer = c.var.viewer;
  const { config } = c.var.kernel;
  const tz = timeZoneOf(c);
  const path = `/@${article.author.handle}/blog/${article.slug}`;
  const thread = await articles.comments(viewer, article);
  const comments = thread ?? [];
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
