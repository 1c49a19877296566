import type { FeedAuthor, FeedDocument, FeedItem } from './feed-document.ts';
import type { RssChannel, RssItem } from './feed-xml-shapes.ts';
import {
  atomHtml,
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
  mediaParts,
  namedAuthor,
  number,
  plain,
  unique,
} from './map-fields.ts';

/** RSS 0.9x/2.0 and RDF (RSS 0.90/1.0) to JSON Feed. */

export function fromRss(channel: RssChannel, context: Context): Omit<FeedDocument, '_commonroom'> {
  const { options, root } = context;
  const alternate = channel.atom?.links?.find((l) => (l.rel ?? 'alternate') === 'alternate')?.href;
  const self = channel.atom?.links?.find((l) => l.rel === 'self')?.href;
  // xml:base and xml:lang of the root element (<rss>, <rdf:RDF>) hold for the whole channel.
  const feedBase = base(options.url, { xml: { base: root.attributes['xml:base'] } }) ?? link(channel.link, undefined);
  const feedLanguage = clean(first(channel.language, channel.dc?.languages?.[0], root.attributes['xml:lang']));
  return compact({
    version: 'https://jsonfeed.org/version/1.1' as const,
    title: plain(first(channel.title, channel.dc?.titles?.[0], channel.itunes?.title)) ?? '',
    home_page_url: link(first(channel.link, alternate), feedBase),
    feed_url: link(options.url ?? self, feedBase),
    description: plain(first(channel.description, channel.dc?.descriptions?.[0], channel.itunes?.summary, channel.itunes?.subtitle)),
    icon: link(channel.image?.url, feedBase) ?? link(channel.itunes?.image, feedBase),
    language: feedLanguage,
    authors:
      authors([
        author(channel.managingEditor, feedBase),
        ...(channel.dc?.creators ?? []).map(namedAuthor),
        namedAuthor(channel.itunes?.author),
      ]) ?? channelAuthor(context.xml),
    items: (channel.items ?? []).map((item) => rssItem(item, feedBase, feedLanguage)),
  });
}

/** An <author> on the channel itself (not RSS, but written): looked for before the first item, only when nothing else names an author. */
function channelAuthor(xml: string): FeedAuthor[] | undefined {
  const firstItem = xml.search(/<item[\s>]/);
  const head = xml.slice(0, Math.min(firstItem < 0 ? xml.length : firstItem, 65_536));
  return authors([namedAuthor(/<author>([^<]*)<\/author>/.exec(head)?.[1])]);
}

function rssItem(item: RssItem, feedBase: string | undefined, feedLanguage: string | undefined): FeedItem {
  const itemBase = base(feedBase, item);
  const guid = clean(item.guid?.value);
  const alternate = item.atom?.links?.find((l) => (l.rel ?? 'alternate') === 'alternate')?.href;
  const url =
    link(first(item.link, alternate), itemBase) ??
    (item.guid?.isPermaLink !== false && guid && /^https?:\/\//i.test(guid) ? link(guid, itemBase) : undefined);
  const media = mediaParts(item, itemBase);
  const encoded = item.content?.encoded;
  const description = first(item.description, item.dc?.descriptions?.[0]);
  const atomContent = atomHtml(item.atom?.content, itemBase) ?? atomHtml(item.atom?.summary, itemBase);
  const enclosures = (item.enclosures ?? []).flatMap((e) => {
    const url = link(e.url, itemBase);
    return url
      ? [
          compact({
            url,
            mime_type: e.type?.trim() || 'application/octet-stream',
            size_in_bytes: number(e.length),
            duration_in_seconds: media.duration,
          }),
        ]
      : [];
  });
  const imageEnclosure = enclosures.find((e) => e.mime_type.startsWith('image/'));
  const language = clean(first(item.dc?.languages?.[0], item.xml?.lang));
  return finishItem({
    id: guid,
    url,
    title: plain(first(item.title, item.dc?.titles?.[0], media.title?.value, item.itunes?.title)),
    content_html:
      html(first(encoded, description), itemBase) ??
      atomContent ??
      html(
        first(item.itunes?.summary, media.description?.value),
        itemBase,
        !item.itunes?.summary && media.description?.type === 'plain' ? 'text' : undefined,
      ),
    summary: encoded && description ? plain(description) : clean(item.itunes?.subtitle),
    image: media.image ?? imageEnclosure?.url,
    date_published: date(
      first(
        item.pubDate,
        item.dc?.dates?.[0],
        item.dcterms?.issued?.[0],
        item.atom?.published,
        item.dcterms?.created?.[0],
        item.dcterms?.dates?.[0],
      ),
    ),
    date_modified: date(first(item.dcterms?.modified?.[0], item.atom?.updated)),
    authors: authors([
      ...(item.authors ?? []).map((p) => author(p, itemBase)),
      ...(item.atom?.authors ?? []).map((p) => author(p, itemBase)),
      ...(item.dc?.creators ?? []).map(namedAuthor),
      namedAuthor(item.itunes?.author),
    ]),
    tags: unique([
      ...(item.categories ?? []).map((c) => clean(c.name) ?? ''),
      ...(item.atom?.categories ?? []).map((c) => categoryName(c.term, c.label)),
      ...(item.dc?.subjects ?? []).map((s) => clean(s) ?? ''),
      ...media.categories.map((c) => categoryName(c.name, c.label)),
      ...(item.itunes?.keywords ?? []).map((k) => clean(k) ?? ''),
    ]),
    language: language && language !== feedLanguage ? language : undefined,
    attachments: unique([...enclosures, ...media.attachments], (a) => a.url),
  });
}
