import { FetchError, type FetchResult, type HttpClient } from '../platform/http.ts';
import { type FeedDocument, NotAFeedError, parseFeed } from './parse.ts';

/**
 * One conditional GET of a feed, as a good citizen: If-None-Match / If-Modified-Since, gzip and
 * brotli (the HTTP client asks for them), a size limit enforced while streaming, a time limit.
 * The answer is sorted into what the refresher needs to decide what to store and when to
 * come back.
 */

export type FetchOutcome =
  | {
      kind: 'ok';
      document: FeedDocument;
      /** Where the body finally came from. */
      url: string;
      /** The new address when every redirect on the way was permanent (301/308). */
      movedTo: string | null;
      etag: string | null;
      lastModified: string | null;
      bytes: number;
    }
  | { kind: 'not_modified'; movedTo: string | null }
  | { kind: 'gone'; status: number }
  | {
      kind: 'error';
      /** HTTP status, or null when there was no usable answer (network, timeout, size, parse). */
      status: number | null;
      /** Plain words for the member: "the site answered 404", "the answer is not a feed". */
      message: string;
      /** What the server asked for (Retry-After), in ms from now. */
      retryAfterMs: number | null;
      /** The body was an HTML page (discovery may find the feed in it). */
      html?: string;
    };

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

const ACCEPT =
  'application/feed+json, application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/json;q=0.8, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1';

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Retry-After as seconds or an HTTP date, in ms from now (bounded to a week). */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 7 * 86_400_000) : null;
}

export async function fetchFeed(
  http: HttpClient,
  url: string,
  validators: Validators,
  options: { maxBytes: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<FetchOutcome> {
  const headers: Record<string, string> = { accept: ACCEPT };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  let response: FetchResult;
  try {
    response = await http.fetch(url, {
      headers,
      maxBytes: options.maxBytes,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRedirects: 5,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof FetchError) return { kind: 'error', status: null, message: fetchErrorWords(error), retryAfterMs: null };
    throw error;
  }
  const permanent = response.redirects.length > 0 && response.redirects.every((r) => r.status === 301 || r.status === 308);
  const movedTo = permanent ? response.url : null;
  const status = response.status;
  if (status === 304) return { kind: 'not_modified', movedTo };
  if (status === 410) return { kind: 'gone', status };
  if (status < 200 || status >= 300) {
    return {
      kind: 'error',
      status,
      message: `the site answered ${status}${statusWords(status)}`,
      retryAfterMs: retryAfterMs(header(response.headers, 'retry-after')),
    };
  }
  const contentType = header(response.headers, 'content-type') ?? undefined;
  try {
    const document = parseFeed(response.body, { url: response.url, ...(contentType ? { contentType } : {}) });
    return {
      kind: 'ok',
      document,
      url: response.url,
      movedTo,
      etag: header(response.headers, 'etag'),
      lastModified: header(response.headers, 'last-modified'),
      bytes: response.body.length,
    };
  } catch (error) {
    if (!(error instanceof NotAFeedError)) throw error;
    return {
      kind: 'error',
      status,
      message: error.looksLikeHtml ? 'the address shows a web page, not a feed' : 'the answer is not a feed (RSS, Atom or JSON Feed)',
      retryAfterMs: null,
      ...(error.looksLikeHtml ? { html: response.body.toString('utf8') } : {}),
    };
  }
}

function statusWords(status: number): string {
  const words: Record<number, string> = {
    400: 'bad request',
    401: 'sign-in required',
    403: 'access refused',
    404: 'not found',
    429: 'too many requests',
    500: 'server error',
    502: 'bad gateway',
    503: 'unavailable',
    504: 'gateway timeout',
  };
  return words[status] ? ` (${words[status]})` : '';
}

function fetchErrorWords(error: FetchError): string {
  switch (error.code) {
    case 'blocked_address':
      return 'the address points to a private network, which this server does not fetch from';
    case 'bad_url':
      return 'the address is not a valid web address';
    case 'timeout':
      return 'the site did not answer in time';
    case 'too_large':
      return `the feed is too large (${error.message.replace(/^the answer is /, '')})`;
    case 'too_many_redirects':
      return 'the site redirects too many times (a redirect loop?)';
    default:
      return `the site could not be reached (${error.message})`;
  }
}
