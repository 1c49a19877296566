import { z } from 'zod';

/** What a member sends about an article, checked once at the API or page edge; the service takes it typed. */

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 500;
export const MARKDOWN_MAX = 100_000;
export const IMAGE_ALT_MAX = 1500;

const title = z.string().trim().min(1, 'Give the article a title.').max(TITLE_MAX, `A title can have at most ${TITLE_MAX} characters.`);
const summary = z.string().trim().max(SUMMARY_MAX, `A summary can have at most ${SUMMARY_MAX} characters.`).nullable();
export const articleBody = z
  .string()
  .max(MARKDOWN_MAX, `An article can have at most ${MARKDOWN_MAX.toLocaleString('en')} characters of Markdown.`);

export const articleInputSchema = z.strictObject({
  title,
  summary: summary.optional(),
  markdown: articleBody.default(''),
});
/** A new article (trusted callers may leave the Markdown out: an empty draft). */
export type ArticleInput = z.input<typeof articleInputSchema>;

/** Changes to an article: what is left out stays as it is. */
export const articleUpdateSchema = z.strictObject({
  title: title.optional(),
  summary: summary.optional(),
  markdown: articleBody.optional(),
});
export type ArticleUpdate = z.infer<typeof articleUpdateSchema>;
