import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { UserError } from '../platform/errors.ts';
import { FetchError, type FetchResult, type HttpClient } from '../platform/http.ts';
import { sanitizeHtml } from '../platform/sanitize.ts';
import { decodeFeed } from './decode.ts';

/**
 * "Load full article" for feeds that publish only a teaser: fetch the item's page through the
 * guarded HTTP client, let Readability find the article in it, and sanitise what it returns.
 */
export async function extractArticle(http: HttpClient, url: string, maxBytes: number): Promise<string> {
  let response: FetchResult;
  try {
    response = await http.fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' }, maxBytes, timeoutMs: 20_000 });
  } catch (error) {
    if (error instanceof FetchError) throw new UserError(409, 'article_unavailable', `The article could not be loaded: ${error.message}.`);
    throw error;
  }
  return readableOfPage(response);
}

/** The readable article of a page already fetched, sanitised; a UserError when there is none. */
export function readableOfPage(response: FetchResult): string {
  if (response.status !== 200)
    throw new UserError(409, 'article_unavailable', `The article could not be loaded: the site answered ${response.status}.`);
  const contentType = response.headers['content-type'];
  const { text } = decodeFeed(response.body, Array.isArray(contentType) ? contentType[0] : contentType);
  const { document } = parseHTML(text);
  // Readability reads the page's links relative to its address.
  const base = document.createElement('base');
  base.setAttribute('href', response.url);
  document.head?.prepend(base);
  const article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  const html = article?.content ? sanitizeHtml(article.content, { baseUrl: response.url }) : '';
  if (!html) throw new UserError(409, 'article_unavailable', 'No article was found on that page.');
  return html;
}
