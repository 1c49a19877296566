import { parseHTML } from 'linkedom';
import type { Database } from '../db/database.ts';
import { FetchError, type FetchResult, type HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Link preview cards: the title, description and image of the first link in a post, from the
 * page's OpenGraph tags (or its oEmbed document), fetched in the background through the
 * SSRF-guarded client. A card is fetched once per URL and reused for a week.
 */

export interface CardData {
  title: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
}

const MAX_HTML = 1024 * 1024;
const REUSE_MS = 7 * 86_400_000;

export async function fetchCard(http: HttpClient, url: string): Promise<CardData | null> {
  return cardOfPage(
    http,
    await http.fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' }, maxBytes: MAX_HTML, timeoutMs: 10_000 }),
  );
}

/** The card of a page already fetched; `http` reads its oEmbed document when the page's own tags fall short. */
export async function cardOfPage(http: HttpClient, response: FetchResult): Promise<CardData | null> {
  if (response.status !== 200) return null;
  const type = String(response.headers['content-type'] ?? '');
  if (!/html/i.test(type)) return null;
  const { document } = parseHTML(response.body.toString('utf8'));
  const meta = (names: string[]) => {
    for (const name of names) {
      const value = document.querySelector(`meta[property="${name}"], meta[name="${name}"]`)?.getAttribute('content')?.trim();
      if (value) return value;
    }
    return null;
  };
  const absolute = (value: string | null) => {
    if (!value) return null;
    try {
      const resolved = new URL(value, response.url);
      return resolved.protocol === 'https:' || resolved.protocol === 'http:' ? resolved.toString() : null;
    } catch {
      return null;
    }
  };
  let card: CardData = {
    title: meta(['og:title', 'twitter:title']) ?? document.querySelector('title')?.textContent?.trim() ?? '',
    description: meta(['og:description', 'twitter:description', 'description']),
    imageUrl: absolute(meta(['og:image', 'og:image:url', 'twitter:image'])),
    siteName: meta(['og:site_name']) ?? new URL(response.url).hostname,
  };
  const oembed = absolute(document.querySelector('link[rel="alternate"][type="application/json+oembed"]')?.getAttribute('href') ?? null);
  if (oembed && (!card.title || !card.imageUrl)) {
    try {
      const res = await http.fetch(oembed, { headers: { accept: 'application/json' }, maxBytes: 256 * 1024, timeoutMs: 10_000 });
      const data = JSON.parse(res.body.toString('utf8')) as { title?: unknown; thumbnail_url?: unknown; provider_name?: unknown };
      card = {
        ...card,
        title: card.title || (typeof data.title === 'string' ? data.title : ''),
        imageUrl: card.imageUrl ?? absolute(typeof data.thumbnail_url === 'string' ? data.thumbnail_url : null),
        siteName: typeof data.provider_name === 'string' ? data.provider_name : card.siteName,
      };
    } catch {
      // The page's own tags are enough.
    }
  }
  if (!card.title) return null;
  const clip = (text: string | null, max: number) => (text && text.length > max ? `${text.slice(0, max - 1)}…` : text);
  return {
    title: clip(card.title, 200)!,
    description: clip(card.description, 400),
    imageUrl: card.imageUrl,
    siteName: clip(card.siteName, 100),
  };
}

/** The `social.card` job: attach a card to a post, fetching it unless a recent one exists. */
export async function attachCard(database: Database, http: HttpClient, logger: Logger, postId: number): Promise<void> {
  const db = database.db;
  const post = await db.selectFrom('posts').select(['first_url', 'deleted_at']).where('id', '=', postId).executeTakeFirst();
  if (!post?.first_url || post.deleted_at) return;
  const url = post.first_url;
  let card = await db.selectFrom('link_cards').selectAll().where('url', '=', url).executeTakeFirst();
  if (!card || Date.now() - card.fetched_at > REUSE_MS) {
    let data: CardData | null = null;
    try {
      data = await fetchCard(http, url);
    } catch (error) {
      // A site that refuses, times out or is private gets no card; that is not worth a retry storm.
      logger.info({ url, error: error instanceof FetchError ? error.message : String(error) }, 'no link preview');
    }
    const values = {
      title: data?.title ?? null,
      description: data?.description ?? null,
      image_url: data?.imageUrl ?? null,
      site_name: data?.siteName ?? null,
      status: data ? 'ok' : 'failed',
      fetched_at: Date.now(),
    };
    card = await db
      .insertInto('link_cards')
      .values({ url, ...values })
      .onConflict((oc) => oc.column('url').doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (card.status === 'ok') {
    await db.updateTable('posts').set({ card_id: card.id }).where('id', '=', postId).where('first_url', '=', url).execute();
  }
}
