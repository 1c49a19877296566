import { type FeedAuthor, type FeedDocument, NotAFeedError, type ParseOptions } from './feed-document.ts';
import { clean, compact, date, finishItem, html, link, type Meta, number, plain, unique } from './map-fields.ts';

/** JSON Feed 1.0/1.1 to JSON Feed 1.1: read defensively (any field may be of any type). */

interface JsonAuthor {
  name?: unknown;
  url?: unknown;
  avatar?: unknown;
}
interface JsonItemInput {
  [key: string]: unknown;
  author?: JsonAuthor;
  authors?: JsonAuthor[];
  tags?: unknown[];
  attachments?: Array<Record<string, unknown>>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function jsonAuthors(list: unknown, single: unknown, baseUrl: string | undefined): FeedAuthor[] | undefined {
  const all = [...(Array.isArray(list) ? list : []), ...(single && typeof single === 'object' ? [single] : [])].filter(
    (a): a is JsonAuthor => !!a && typeof a === 'object',
  );
  return unique(
    all.map((a) => compact({ name: clean(str(a.name)), url: link(str(a.url), baseUrl), avatar: link(str(a.avatar), baseUrl) })),
    (a) => a.name ?? a.url ?? '',
  );
}

export function fromJson(text: string, options: ParseOptions, meta: Meta): FeedDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NotAFeedError('This is not valid JSON, so not a JSON Feed.', false);
  }
  const version = raw && typeof raw === 'object' ? str((raw as { version?: unknown }).version) : undefined;
  // The version is a jsonfeed.org URL; some feeds write only the number ("1.0", "1.1").
  const isFeed =
    version !== undefined &&
    (version.includes('jsonfeed.org') || (/^1(\.\d+)?$/.test(version.trim()) && Array.isArray((raw as { items?: unknown }).items)));
  if (!isFeed) throw new NotAFeedError('This JSON is not a JSON Feed (it has no jsonfeed.org version).', false);
  const feed = raw as Record<string, unknown>;
  const feedBase = options.url ?? str(feed.feed_url);
  const items = Array.isArray(feed.items)
    ? (feed.items as unknown[]).filter((i): i is JsonItemInput => !!i && typeof i === 'object' && !Array.isArray(i))
    : [];
  return {
    ...compact({
      version: 'https://jsonfeed.org/version/1.1' as const,
      title: plain(str(feed.title), 'text') ?? '',
      home_page_url: link(str(feed.home_page_url), feedBase),
      feed_url: link(options.url ?? str(feed.feed_url), feedBase),
      description: clean(str(feed.description)),
      icon: link(str(feed.icon), feedBase),
      favicon: link(str(feed.favicon), feedBase),
      language: clean(str(feed.language)),
      authors: jsonAuthors(feed.authors, feed.author, feedBase),
      items: items.map((item) =>
        finishItem({
          id: str(item.id),
          url: link(str(item.url), feedBase),
          external_url: link(str(item.external_url), feedBase),
          title: plain(str(item.title), 'text'),
          content_html: html(str(item.content_html), feedBase),
          content_text: str(item.content_text)?.trim() || undefined,
          summary: clean(str(item.summary)),
          image: link(str(item.image), feedBase) ?? link(str(item.banner_image), feedBase),
          date_published: date(str(item.date_published)),
          date_modified: date(str(item.date_modified)),
          authors: jsonAuthors(item.authors, item.author, feedBase),
          tags: Array.isArray(item.tags) ? unique(item.tags.map((t) => clean(str(t)) ?? '')) : undefined,
          language: clean(str(item.language)),
          attachments: Array.isArray(item.attachments)
            ? unique(
                item.attachments.flatMap((a) => {
                  const url = a && typeof a === 'object' ? link(str(a.url), feedBase) : undefined;
                  return url
                    ? [
                        compact({
                          url,
                          mime_type: str(a.mime_type) ?? 'application/octet-stream',
                          title: clean(str(a.title)),
                          size_in_bytes: number(a.size_in_bytes),
                          duration_in_seconds: number(a.duration_in_seconds),
                        }),
                      ]
                    : [];
                }),
                (a) => a.url,
              )
            : undefined,
        }),
      ),
    }),
    _commonroom: {
      format: 'json',
      format_version: version.replace(/^.*\/version\//, '').trim(),
      encoding: meta.encoding,
      ...(meta.warnings.length ? { warnings: meta.warnings } : {}),
    },
  };
}
