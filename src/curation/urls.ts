import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { UserError } from '../platform/errors.ts';
import { type AddressPolicy, isDeniedAddress, parseAllowList } from '../platform/http.ts';

/**
 * Bookmark addresses: one normal form per page, so the same page bookmarked twice (from a
 * newsletter with tracking parameters, then from the browser) is one bookmark, and a check up
 * front that the address is a public web page. The HTTP client refuses private addresses again
 * when a snapshot is fetched (after DNS); here only what the address itself says is checked.
 */

/** Longest address accepted (browsers cope with more, but such addresses are not pages people keep). */
export const URL_MAX = 2048;

/** Query parameters that only track where a click came from; they never change the page. */
const TRACKING_EXACT = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'mc_eid',
  'mc_cid',
  'igshid',
  'igsh',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'wickedid',
  's_cid',
  'ck_subscriber_id',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_'];

export function isTrackingParameter(name: string): boolean {
  const key = name.toLowerCase();
  return TRACKING_EXACT.has(key) || TRACKING_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** Why an address cannot be bookmarked, in words for the import summary and the API. */
export type UrlProblem = 'empty' | 'invalid' | 'not_http' | 'private' | 'credentials' | 'too_long';

export const URL_PROBLEMS: Record<UrlProblem, string> = {
  empty: 'no address',
  invalid: 'not a valid web address',
  not_http: 'not http(s)',
  private: 'a private or local address',
  credentials: 'the address contains a user name or password',
  too_long: `the address is longer than ${URL_MAX} characters`,
};

export class UrlPolicy {
  readonly #policy: AddressPolicy;
  /** With an allow-list (an intranet), local names may well point into it: only the fetch can tell. */
  readonly #localNamesAllowed: boolean;

  /** `allowPrivate` is FETCH_ALLOW_PRIVATE: networks the server may fetch from although private. */
  constructor(allowPrivate: string) {
    this.#policy = { allow: parseAllowList(allowPrivate) };
    this.#localNamesAllowed = allowPrivate.trim() !== '';
  }

  /**
   * The normal form of a bookmark address: lower-case scheme and host (the URL parser does
   * that, and writes IPv4 hosts such as `127.1` or `0x7f.1` out in full), no default port,
   * no fragment, no tracking parameters, no empty `?`. Returns the problem instead when the
   * address is not a public http(s) address.
   */
  check(input: string): { url: string; key: string } | { problem: UrlProblem } {
    const text = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
    if (!text) return { problem: 'empty' };
    if (text.length > URL_MAX) return { problem: 'too_long' };
    let url: URL;
    try {
      // "example.org/page" as people type it: a web address without its scheme.
      url = new URL(
        /^[a-z][a-z0-9+.-]*:/i.test(text)
          ? text
          : /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+(:\d+)?([/?#]|$)/u.test(text)
            ? `https://${text}`
            : text,
      );
    } catch {
      return { problem: 'invalid' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'not_http' };
    if (url.username || url.password) return { problem: 'credentials' };
    if (!url.hostname) return { problem: 'invalid' };
    if (this.isPrivateHost(url.hostname)) return { problem: 'private' };
    url.hash = '';
    const kept = [...url.searchParams].filter(([name]) => !isTrackingParameter(name));
    if (kept.length !== [...url.searchParams].length) {
      url.search = kept.length ? new URLSearchParams(kept).toString() : '';
    }
    let normal = url.toString();
    if (normal.endsWith('?')) normal = normal.slice(0, -1);
    if (normal.length > URL_MAX) return { problem: 'too_long' };
    return { url: normal, key: urlKey(normal) };
  }

  /** Like `check`, but a refused address is a UserError on `field` with a message saying why. */
  normalize(input: string, field = 'url'): { url: string; key: string } {
    const result = this.check(input);
    if ('url' in result) return result;
    throw UserError.field(field, problemMessage(result.problem, input));
  }

  /** Literal private addresses and local names (the client checks resolved addresses again when fetching). */
  isPrivateHost(hostname: string): boolean {
    const host = hostname
      .replace(/^\[|\]$/g, '')
      .toLowerCase()
      .replace(/\.$/, '');
    if (isIP(host)) return isDeniedAddress(host, this.#policy);
    if (host === 'localhost' || host.endsWith('.localhost')) return isDeniedAddress('127.0.0.1', this.#policy);
    // Names that never resolve on the public internet (RFC 6762, RFC 8375, RFC 6761).
    return !this.#localNamesAllowed && (/\.(local|internal|home\.arpa|localdomain)$/.test(host) || !host.includes('.'));
  }
}

/** The dedupe key: the normal form, or its hash when too long for an index entry. */
export function urlKey(normal: string): string {
  return Buffer.byteLength(normal) <= 1000 ? normal : `sha256:${createHash('sha256').update(normal).digest('hex')}`;
}

export function problemMessage(problem: UrlProblem, input: string): string {
  const shown = input.trim().slice(0, 80);
  switch (problem) {
    case 'empty':
      return 'Enter the address of the page to bookmark.';
    case 'invalid':
      return `“${shown}” is not a web address. Paste the whole address, starting with https://.`;
    case 'not_http': {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(input.trim())?.[1]?.toLowerCase() ?? '';
      return `Only web pages (http or https addresses) can be bookmarked${scheme ? `, not ${scheme}: addresses` : ''}.`;
    }
    case 'private':
      return 'That is a private or local network address (such as localhost or 192.168.x.x). Only pages on the public web can be bookmarked.';
    case 'credentials':
      return 'That address contains a user name or password. Remove them (the part before @) and try again.';
    case 'too_long':
      return `That address is too long: at most ${URL_MAX} characters.`;
  }
}
