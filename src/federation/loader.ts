import { signRequest } from '@fedify/fedify';
import { preloadedContexts, type AuthenticatedDocumentLoaderFactory, type DocumentLoader, type DocumentLoaderFactory, type RemoteDocument } from '@fedify/vocab-runtime';
import { FetchError, type HttpClient } from '../platform/http.ts';

/** Largest ActivityPub document we read (an actor, a post, a collection page). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"; q=0.9, application/json; q=0.5';

/**
 * Fedify's document loaders on our own HTTP client, so every ActivityPub fetch gets the same
 * SSRF guard (with the admin's allow-list), time limit and size cap as feeds and link previews.
 * JSON-LD contexts Fedify ships with are never fetched.
 */
export function documentLoaderFactory(http: HttpClient): DocumentLoaderFactory {
  return () => loader(http, undefined);
}

export function authenticatedLoaderFactory(http: HttpClient): AuthenticatedDocumentLoaderFactory {
  return (identity) => loader(http, identity);
}

function loader(http: HttpClient, identity: { keyId: URL; privateKey: CryptoKey } | undefined): DocumentLoader {
  const load = async (url: string, options?: { signal?: AbortSignal }, hops = 0): Promise<RemoteDocument> => {
    if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
    let headers: Record<string, string> = { accept: ACCEPT };
    if (identity) {
      const signed = await signRequest(new Request(url, { headers }), identity.privateKey, identity.keyId);
      headers = Object.fromEntries(signed.headers);
    }
    const response = await http.fetch(url, { headers, maxBytes: MAX_DOCUMENT_BYTES, timeoutMs: 10_000, signal: options?.signal });
    if (response.status >= 400) throw new FetchError('network', `${url} answered ${response.status}`);
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
      throw new FetchError('network', `${url} did not answer with JSON`);
    }
    const contextLink = type.startsWith('application/json') ? contextFromLink(response.headers.link, response.url) : null;
    return { contextUrl: contextLink, document, documentUrl: response.url };
  };
  return (url, options) => load(url, options);
}

function contextFromLink(header: string | string[] | undefined, base: string): string | null {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!value) return null;
  const match = /<([^>]+)>\s*;[^,]*rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"/.exec(value);
  return match ? new URL(match[1]!, base).href : null;
}
