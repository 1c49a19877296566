import { signRequest } from '@fedify/fedify';
import { Object as ApObject } from '@fedify/vocab';
import {
  type AuthenticatedDocumentLoaderFactory,
  type DocumentLoader,
  type DocumentLoaderFactory,
  preloadedContexts,
  type RemoteDocument,
} from '@fedify/vocab-runtime';
import { FetchError, type FetchResult, type HttpClient } from '../platform/http.ts';

/** Largest ActivityPub document we read (an actor, a post, a collection page). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"; q=0.9, application/json; q=0.5';

/** The key our fetches are signed with: the instance actor's (see federation.ts). */
export interface SigningIdentity {
  keyId: URL;
  privateKey: CryptoKey;
}

/** A signed GET through our HTTP client; see signedGet. */
export type SignedGet = (
  url: string,
  options: { accept: string; maxBytes: number; timeoutMs: number; signal?: AbortSignal },
) => Promise<FetchResult>;

/** Another server answered a fetch with an error status (`status`), or with something that is not JSON (`status` null). */
export class RemoteDocumentError extends Error {
  readonly url: string;
  readonly status: number | null;
  constructor(url: string, status: number | null, message: string) {
    super(message);
    this.url = url;
    this.status = status;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * A GET through our HTTP client (SSRF guard, time and size limits), signed as `identity` with
 * draft-cavage HTTP Signatures, which GoToSocial and Mastodon (secure mode) require of every
 * fetch. A signature covers one address, so redirects are followed here and each hop is signed
 * again.
 */
export function signedGet(http: HttpClient, identity: () => Promise<SigningIdentity>): SignedGet {
  return async (url, options) => {
    let current = url;
    for (let hop = 0; ; hop++) {
      const { keyId, privateKey } = await identity();
      const signed = await signRequest(new Request(current, { headers: { accept: options.accept } }), privateKey, keyId);
      const response = await http.fetch(current, {
        headers: Object.fromEntries(signed.headers),
        maxBytes: options.maxBytes,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        redirect: 'manual',
      });
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || typeof location !== 'string') return response;
      if (hop >= MAX_REDIRECTS) throw new FetchError('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`);
      try {
        current = new URL(location, current).href;
      } catch {
        throw new FetchError('bad_url', `the server redirects to an address that is not valid: ${location.slice(0, 200)}`);
      }
    }
  };
}

/**
 * Fedify's document loaders on our own HTTP client, so every ActivityPub fetch gets the same
 * SSRF guard (with the admin's allow-list), time limit and size cap as feeds and link previews.
 * Every fetch is signed as the server's instance actor (Fedify's authenticated document loader
 * for that identity), lookups, backfills and threads alike. JSON-LD contexts Fedify ships with
 * are never fetched.
 */
export function documentLoaderFactory(get: SignedGet): DocumentLoaderFactory {
  return () => loader(get);
}

/**
 * Fedify asks for a loader signed as the member whose inbox an activity came to; we sign as the
 * instance actor all the same (as Mastodon fetches), so a fetch never depends on a member's own
 * profile being public (a members-only profile publishes no key to verify).
 */
export function authenticatedLoaderFactory(get: SignedGet): AuthenticatedDocumentLoaderFactory {
  return () => loader(get);
}

function loader(get: SignedGet): DocumentLoader {
  const load = async (url: string, options?: { signal?: AbortSignal }, hops = 0): Promise<RemoteDocument> => {
    if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
    const response = await get(url, { accept: ACCEPT, maxBytes: MAX_DOCUMENT_BYTES, timeoutMs: 10_000, signal: options?.signal });
    if (response.status >= 400) throw new RemoteDocumentError(url, response.status, `${url} answered ${response.status}`);
    const type = String(response.headers['content-type'] ?? '').toLowerCase();
    const body = response.body.toString('utf8');
    if (type.includes('html') && hops === 0) {
      // A profile page can point at its ActivityPub document (<link rel="alternate" type="application/activity+json">).
      const link = /<link\b[^>]*type=["']application\/(?:activity|ld)\+json[^>]*>/i.exec(body)?.[0];
      const href = link && /href=["']([^"']+)["']/i.exec(link)?.[1];
      if (href) return load(new URL(href.replace(/&amp;/g, '&'), response.url).href, options, hops + 1);
    }
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      throw new RemoteDocumentError(url, null, `${url} did not answer with JSON`);
    }
    const contextLink = type.startsWith('application/json') ? contextFromLink(response.headers.link, response.url) : null;
    return { contextUrl: contextLink, document, documentUrl: response.url };
  };
  return (url, options) => load(url, options);
}

/**
 * The ActivityPub object at `url`, as Fedify's lookupObject reads it but without hiding why a
 * fetch failed (the loader's error is thrown) and without its WebFinger fallback, which would
 * fetch outside our HTTP client. Null when the answer is no ActivityPub object, or claims an id
 * on another origin than the address it came from.
 */
export async function loadObject(loader: DocumentLoader, url: string): Promise<ApObject | null> {
  const document = await loader(url);
  const object = await ApObject.fromJsonLd(document.document, {
    documentLoader: loader,
    contextLoader: loader,
    baseUrl: new URL(document.documentUrl),
  }).catch(() => null);
  return object && object.id?.origin === new URL(document.documentUrl).origin ? object : null;
}

function contextFromLink(header: string | string[] | undefined, base: string): string | null {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!value) return null;
  const match = /<([^>]+)>\s*;[^,]*rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"/.exec(value);
  return match ? new URL(match[1]!, base).href : null;
}
