import { escapeHtml } from '../platform/sanitize.ts';
import type { FeedAuthor, FeedDocument, FeedItem } from './feed-document.ts';
import type { AtomDoc, AtomEntry, AtomLink } from './feed-xml-shapes.ts';
import {
  atomHtml,
  atomText,
  author,
  authors,
  base,
  type Context,
  categoryName,
  clean,
  compact,
  date,
  finishItem,
  first,
  html,
  link,
  type Maybe,
  mediaParts,
  namedAuthor,
  number,
  plain,
  unique,
} from './map-fields.ts';

/** Atom 0.3/1.0 to JSON Feed. */

/** The alternate link: the first rel="alternate" (or no rel) of an HTML type, else the first of any type. */
function alternate(links: AtomLink[] | undefined, baseUrl: string | undefined): string | undefined {
  const all = (links ?? []).filter((l) => l.href?.trim());
  const alternates = all.filter((l) => (l.rel ?? 'alternate') === 'alternate');
  const chosen = alternates.find((l) => !l.type || /html/i.test(l.type)) ?? alternates[0];
  return link(chosen?.href, baseUrl);
}

export function fromAtom(feed: AtomDoc, context: Context): Omit<FeedDocument, '_commonroom'> {
  const { options, root } = context;
  const feedBase = base(options.url, feed);
  const self = feed.links?.find((l) => l.rel === 'self')?.href;
  const feedLanguage = clean(first(feed.xml?.lang, root.attributes['xml:lang'], feed.dc?.languages?.[0]));
  const feedAuthors = authors((feed.authors ?? []).map((a) => author(a, feedBase)));
  return compact({
    version: 'https://jsonfeed.org/version/1.1' as const,
    title: atomText(feed.title) ?? '',
    home_page_url: alternate(feed.links, feedBase),
    feed_url: link(options.url ?? self, feedBase),
    description: atomText(feed.subtitle),
    icon: link(feed.logo ?? feed.icon, feedBase),
    favicon: link(feed.icon, feedBase),
    language: feedLanguage,
    authors: feedAuthors,
    items: (feed.entries ?? []).map((entry) => atomEntry(entry, feedBase, feedLanguage, feedAuthors, base(undefined, feed))),
  });
}

/**
 * An atom:id is an absolute IRI. A relative one (which it should not be) is resolved against
 * the xml:base the document declares, as gofeed and feedparser do; but not against the URL the
 * document was fetched from, so that ids do not change when a feed moves.
 */
function atomId(id: Maybe<string>, baseUrl: string | undefined): string | undefined {
  const value = clean(id);
  if (!value || !baseUrl || /^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  try {
    return new URL(value, baseUrl).href;
  } catch {
    return value;
  }
}

function atomEntry(
  entry: AtomEntry,
  feedBase: string | undefined,
  feedLanguage: string | undefined,
  feedAuthors: FeedAuthor[] | undefined,
  declaredBase: string | undefined,
): FeedItem {
  const entryBase = base(feedBase, entry);
  const media = mediaParts(entry, entryBase);
  const enclosures = (entry.links ?? [])
    .filter((l) => l.rel === 'enclosure')
    .flatMap((l) => {
      const url = link(l.href, entryBase);
      return url
        ? [compact({ url, mime_type: l.type ?? 'application/octet-stream', title: clean(l.title), size_in_bytes: number(l.length) })]
        : [];
    });
  const content = atomHtml(entry.content, entryBase);
  const summary = entry.summary ? atomHtml(entry.summary, entryBase) : undefined;
  const entryAuthors = authors([...(entry.authors ?? []).map((a) => author(a, entryBase)), ...(entry.dc?.creators ?? []).map(namedAuthor)]);
  const language = clean(entry.xml?.lang);
  return finishItem({
    id: atomId(entry.id, base(declaredBase, entry)),
    url: alternate(entry.links, entryBase),
    external_url: link(entry.links?.find((l) => l.rel === 'related')?.href, entryBase),
    title: atomText(entry.title) ?? plain(media.title?.value),
    content_html:
      content ??
      summary ??
      link(entry.content?.src, entryBase)?.replace(/^(.*)$/, (u) => `<p><a href="${escapeHtml(u)}">${escapeHtml(u)}</a></p>`) ??
      html(media.description?.value, entryBase, media.description?.type === 'plain' ? 'text' : undefined),
    summary: content && entry.summary ? atomText(entry.summary) : undefined,
    image: media.image,
    date_published: date(first(entry.published, entry.dcterms?.issued?.[0], entry.dc?.dates?.[0], entry.updated)),
    date_modified: date(entry.updated),
    authors: entryAuthors ?? feedAuthors,
    tags: unique([
      ...(entry.categories ?? []).map((c) => categoryName(c.term, c.label)),
      ...(entry.dc?.subjects ?? []).map((s) => clean(s) ?? ''),
      ...media.categories.map((c) => categoryName(c.name, c.label)),
      ...(entry.itunes?.keywords ?? []).map((k) => clean(k) ?? ''),
    ]),
    language: language && language !== feedLanguage ? language : undefined,
    attachments: unique([...enclosures, ...media.attachments], (a) => a.url),
  });
}
