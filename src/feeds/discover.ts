import { parseHTML } from 'linkedom';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import { type FetchOutcome, fetchFeed } from './fetch.ts';

/**
 * From whatever a member pastes — a feed URL, a blog's home page, a Mastodon or Bluesky
 * profile, a YouTube channel — to the feed(s) behind it: known site patterns first, then the
 * address itself (a feed, or a page whose <link rel="alternate"> names feeds), then the usual
 * feed paths. Several feeds on one page are all offered, for the member to choose.
 */

export interface FeedCandidate {
  url: string;
  title: string | null;
  /** `rss`, `atom`, `json` when known. */
  format: string | null;
}

export interface Discovery {
  candidates: FeedCandidate[];
  /** The fetch that already read the (single) feed, so subscribing does not fetch it again. */
  fetched: { url: string; outcome: Extract<FetchOutcome, { kind: 'ok' }> } | null;
}

const FEED_TYPES: Record<string, string> = {
  'application/rss+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
  'application/rdf+xml': 'rdf',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

const COMMON_PATHS = ['/feed', '/rss', '/feed.xml', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json', '/?feed=rss2'];

/** Accepts `example.org/blog` too: without a scheme, https is meant. */
export function normaliseInputUrl(input: string): string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed.replace(/^\/\//, '')}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw UserError.field('url', 'This is not a web address. Paste the address of a site or a feed, like https://example.org/blog.');
  }
  if (url.protocol === 'feed:') return normaliseInputUrl(withScheme.replace(/^feed:(\/\/)?/i, ''));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw UserError.field('url', 'Only http and https addresses can be followed.');
  if (url.username || url.password) throw UserError.field('url', 'Addresses with a user name or password cannot be followed.');
  url.hash = '';
  return url.toString();
}

/** Feeds known sites publish at predictable addresses. */
export function knownPattern(url: URL): string | null {
  const path = url.pathname.replace(/\/+$/, '');
  // Bluesky profiles: /profile/<handle> → /profile/<handle>/rss
  if (url.hostname === 'bsky.app') {
    const m = /^\/profile\/([^/]+)$/.exec(path);
    return m ? `https://bsky.app/profile/${m[1]}/rss` : null;
  }
  // YouTube channels and playlists (a /@handle page names its feed in a <link>, found below).
  if (/(^|\.)youtube\.com$/.test(url.hostname)) {
    const channel = /^\/channel\/(UC[\w-]+)$/.exec(path);
    if (channel) return `https://www.youtube.com/feeds/videos.xml?channel_id=${channel[1]}`;
    const playlist = url.searchParams.get('list');
    if (path === '/playlist' && playlist) return `https://www.youtube.com/feeds/videos.xml?playlist_id=${encodeURIComponent(playlist)}`;
    return null;
  }
  // Mastodon (and compatible) profiles: /@user → /@user.rss; a tag page /tags/x → /tags/x.rss.
  if (/^\/@[\w.-]+(@[\w.-]+)?$/.test(path) || /^\/tags\/[\p{L}\p{N}_]+$/u.test(path)) return `${url.origin}${path}.rss`;
  return null;
}

/** The feeds a page names in <link rel="alternate">, resolved against its base. */
export function alternatesIn(html: string, pageUrl: string): FeedCandidate[] {
  const { document } = parseHTML(html.length > 2_000_000 ? html.slice(0, 2_000_000) : html);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  let base = pageUrl;
  try {
    if (baseHref) base = new URL(baseHref, pageUrl).toString();
  } catch {
    // A broken <base> is ignored, as browsers do.
  }
  const seen = new Set<string>();
  const out: FeedCandidate[] = [];
  for (const link of document.querySelectorAll('link[href]')) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (link.getAttribute('type') ?? '').toLowerCase().split(';')[0]!.trim();
    if (!rel.includes('alternate') || !FEED_TYPES[type]) continue;
    if (type === 'application/json' && !/feed/i.test(`${link.getAttribute('title') ?? ''} ${link.getAttribute('href')}`)) continue;
    let url: string;
    try {
      url = new URL(link.getAttribute('href')!, base).toString();
    } catch {
      continue;
    }
    if (!/^https?:/.test(url) || seen.has(url)) continue;
    seen.add(url);
    out.push({ url, title: link.getAttribute('title')?.trim() || null, format: FEED_TYPES[type] === 'xml' ? null : FEED_TYPES[type]! });
  }
  return out;
}

export async function discover(
  http: HttpClient,
  input: string,
  options: { maxBytes: number; timeoutMs?: number | undefined },
): Promise<Discovery> {
  const url = normaliseInputUrl(input);
  const known = knownPattern(new URL(url));
  const fetchOptions = { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs ?? 20_000 };
  if (known) {
    // A profile's feed at its usual address; when it is not there (not that kind of site), read the page.
    const outcome = await fetchFeed(http, known, { etag: null, lastModified: null }, fetchOptions);
    if (outcome.kind === 'ok') return { candidates: [candidateOf(outcome)], fetched: { url: known, outcome } };
  }
  const first = await fetchFeed(http, url, { etag: null, lastModified: null }, fetchOptions);
  if (first.kind === 'ok') return { candidates: [candidateOf(first)], fetched: { url, outcome: first } };
  if (first.kind === 'gone') throw UserError.field('url', `Could not read ${url}: the site says it is gone for good.`);
  if (first.kind === 'error') {
    if (first.status === null || first.status >= 400) throw UserError.field('url', `Could not read ${url}: ${first.message}.`);
    const alternates = first.html ? alternatesIn(first.html, url) : [];
    if (alternates.length === 1) {
      // The one feed the page names: read it now, so that a broken or refused link is said at once.
      const only = alternates[0]!.url;
      const outcome = await fetchFeed(http, only, { etag: null, lastModified: null }, fetchOptions);
      if (outcome.kind === 'ok') return { candidates: [candidateOf(outcome, only)], fetched: { url: only, outcome } };
      const why = outcome.kind === 'error' ? outcome.message : 'the site says it is gone for good';
      throw UserError.field('url', `Could not read the feed ${url} names (${only}): ${why}.`);
    }
    if (alternates.length) return { candidates: alternates, fetched: null };
  }
  // No feed named: try the usual places on the same site, one at a time, within one time limit
  // for all of them (a site that hangs on each would otherwise keep the member waiting minutes).
  const origin = new URL(url).origin;
  const deadline = Date.now() + fetchOptions.timeoutMs;
  for (const path of COMMON_PATHS) {
    const candidate = `${origin}${path}`;
    if (candidate === url) continue;
    const left = deadline - Date.now();
    if (left <= 0) break;
    const outcome = await fetchFeed(
      http,
      candidate,
      { etag: null, lastModified: null },
      { maxBytes: options.maxBytes, timeoutMs: Math.min(left, 10_000) },
    );
    if (outcome.kind === 'ok') return { candidates: [candidateOf(outcome, candidate)], fetched: { url: candidate, outcome } };
  }
  throw UserError.field(
    'url',
    `No feed found at ${url}: the page names no feed, and none of the usual feed addresses (${COMMON_PATHS.slice(0, 3).join(', ')} …) answered with one.`,
  );
}

function candidateOf(outcome: Extract<FetchOutcome, { kind: 'ok' }>, requested?: string): FeedCandidate {
  return {
    url: outcome.movedTo ?? requested ?? outcome.url,
    title: outcome.document.title || null,
    format: outcome.document._commonroom.format,
  };
}
