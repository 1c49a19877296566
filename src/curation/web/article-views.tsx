import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { ActionButton } from '../../social/index.ts';
import type { AppContext } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, TextArea, TextField } from '../../web/forms.tsx';
import type { PageOptions } from '../../web/layout.tsx';
import type { ArticleImage } from '../article-images.ts';
import type { ArticleListItem, ArticleView } from '../article-rows.ts';
import { IMAGE_ALT_MAX, MARKDOWN_MAX, SUMMARY_MAX, TITLE_MAX } from '../article-schemas.ts';
import { libraryPage } from '../section.tsx';

/** What the article pages share: the editor, lists of articles, links to the blog's feed. */

export type Status = NonNullable<PageOptions['status']>;

export interface EditorValues {
  title: string;
  summary: string;
  markdown: string;
  imageAlt: string;
}

export function feedLink(handle: string, name: string) {
  return { href: `/@${handle}/blog.atom`, type: 'application/atom+xml', title: `${name}’s blog` };
}

export function More({ href, label }: { href: string; label: string }) {
  return (
    <nav class="pagination" aria-label={label}>
      <a class="button button--secondary" href={href}>
        {label}
      </a>
    </nav>
  );
}

export function ArticleRows({ items, empty, line }: { items: ArticleListItem[]; empty: string; line: (a: ArticleListItem) => Child }) {
  if (items.length === 0) return <p class="callout">{empty}</p>;
  return (
    <ul class="link-rows">
      {items.map((a) => (
        <li>{line(a)}</li>
      ))}
    </ul>
  );
}

export function editorPage(
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
              data-max-bytes={String(c.var.kernel.config.maxUploadBytes)}
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
