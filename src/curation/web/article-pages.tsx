import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { formatDate, formatDateTime, plural } from '../../web/format.ts';
import { errorsByField, formErrors } from '../../web/forms.tsx';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { type Form, readForm } from '../../web/request.ts';
import type { ArticleView } from '../article-rows.ts';
import { articleInputSchema, articleUpdateSchema } from '../article-schemas.ts';
import type { ArticlesService } from '../articles.ts';
import { libraryPage } from '../section.tsx';
import { ArticleRows, type EditorValues, editorPage, More } from './article-views.tsx';

/**
 * Articles in the Library (`/articles`): your drafts and published articles, and the editor.
 * Each member's blog is in blog-pages.tsx.
 */
export function articlePages(articles: ArticlesService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/articles', async (c) => {
    const viewer = requireViewer(c);
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

  app.post('/articles', (c) => saveFromEditor(c, articles, null));

  app.get('/articles/:id{[0-9]+}/edit', async (c) => {
    const viewer = requireViewer(c);
    const article = await ownArticle(articles, viewer, Number(c.req.param('id')));
    const images = await articles.images(viewer, article.id);
    return editorPage(c, {
      article,
      values: { title: article.title, summary: article.summary ?? '', markdown: article.markdown, imageAlt: '' },
      errors: {},
      images,
    });
  });

  app.post('/articles/:id{[0-9]+}/edit', (c) => saveFromEditor(c, articles, Number(c.req.param('id'))));

  app.post('/articles/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await readForm(c);
    await articles.delete(viewer, Number(c.req.param('id')));
    flash(c, 'Your article was deleted, with the post that announced it.');
    return c.redirect('/articles', 303);
  });
  return app;
}

/** Your article for the editor; someone else's is a 404 (a draft) or a 403 (published). */
async function ownArticle(articles: ArticlesService, viewer: Viewer, id: number): Promise<ArticleView> {
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
async function saveFromEditor(c: AppContext, articles: ArticlesService, id: number | null) {
  const viewer = requireViewer(c);
  const { config } = c.var.kernel;
  let article = id ? await ownArticle(articles, viewer, id) : null;
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
    article = article
      ? await articles.update(viewer, article.id, parseInput(articleUpdateSchema, input))
      : await articles.create(viewer, parseInput(articleInputSchema, input));
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
