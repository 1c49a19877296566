import type { FeedAuthor, FeedDocument, FeedItem } from '../../../src/feeds/parse.ts';
import { MISSING, PyError, PyObject, PyTuple, Skip, type PyValue, type Truth } from './python-expr.ts';
import { DateValue, EncodingValue, HtmlValue, TextValue, UrlValue, ViewDict, orMissing } from './values.ts';

/**
 * Our JSON Feed document seen through feedparser's result model, so the Universal Feed Parser
 * cases' `Expect:` expressions can run against it: `feed`, `entries`, `bozo`, `encoding`,
 * `version`. A name with a counterpart in our model maps onto it (`entries[0]['summary']` is
 * the item's summary, else its content); a name without one is a `Skip` whose kind says why
 * (`*_detail.language: we keep no per-field language`), so the case is skipped, not failed.
 */

/** Why a feedparser name has no counterpart in our model. Keys are the kinds in the report. */
export const SKIP_KINDS = {
  detailType: '*_detail.type: we keep no per-field content type (titles are plain text, content is HTML)',
  detailLanguage: '*_detail.language: we keep no per-field language (only the feed\u2019s and each item\u2019s)',
  detailBase: '*_detail.base: we resolve relative URLs, we do not keep the xml:base they were resolved against',
  links: 'links[]: we keep the alternate link (and the feed\u2019s own URL), not the list of every <link>',
  rights: 'rights/copyright: JSON Feed has no rights field',
  contributors: 'contributors: JSON Feed has authors only',
  publisher: 'publisher (dc:publisher, webMaster, itunes:owner): not kept',
  feedId: 'feed id/guid: JSON Feed has no feed-level id',
  generator: 'generator: not kept',
  feedDates: 'feed-level dates: JSON Feed has no feed date (items have theirs)',
  feedTags: 'feed-level categories: JSON Feed has tags on items only',
  channelMeta: 'RSS channel metadata (cloud, textInput, docs, ttl, skipHours, image size): not kept',
  info: 'Atom 0.3 <info>: no counterpart',
  itunes: 'iTunes flags (block, explicit, keywords, duration text, owner): not kept',
  media: 'Media RSS metadata (credits, restrictions, license, rating, player): not kept',
  geo: 'GeoRSS/GML locations: not kept',
  threading: 'threading, comments, trackback and wfw links: not kept',
  license: 'license links (creativeCommons, cc): not kept',
  source: 'entry <source> (the feed an entry was copied from): not kept',
  psc: 'Podlove Simple Chapters: not kept',
  otherDates: 'created/expiration/validity dates: not kept (created is only a fallback for date_published)',
  guidIsLink: 'guidislink: we keep the resulting link, not how it was found',
  contentMeta: 'content[].type/src: content is always sanitised HTML; an out-of-line src becomes a link in it',
  entrySubtitle: 'itunes:subtitle: only a fallback for the summary',
  authorEmail: 'author e-mail beside a homepage: a JSON Feed author has one url, and the homepage wins',
  http: 'HTTP response metadata (headers, status, href, etag, modified): not part of a parse result',
  rss091: 'RSS 0.91 Netscape vs UserLand flavour: we record version 0.91 only',
  cdf: 'CDF (Microsoft Channel Definition Format): format not supported',
  feedburner: 'feedburner-specific fields: not kept',
  unknown: 'a feedparser-only field with no counterpart',
} as const;
export type SkipKind = keyof typeof SKIP_KINDS;

const skip = (kind: SkipKind) => new Skip(kind);

// feedparser's aliases: several names for one value.
const FEED_ALIASES: Record<string, string> = { tagline: 'subtitle', description: 'subtitle', copyright: 'rights', modified: 'updated', date: 'updated', issued: 'published', guid: 'id', url: 'link', channel: 'feed' };
const ENTRY_ALIASES: Record<string, string> = { description: 'summary', copyright: 'rights', modified: 'updated', date: 'updated', issued: 'published', guid: 'id' };

function skippedByName(key: string): Skip | undefined {
  if (/^itunes_/.test(key)) return skip('itunes');
  if (/^media_/.test(key)) return skip('media');
  if (/^(thr_|wfw_|slash_|trackback|comments$|pingback)/.test(key)) return skip('threading');
  if (/^psc_/.test(key)) return skip('psc');
  if (/^(where|georss_|gml_|geo_)/.test(key)) return skip('geo');
  if (/^(feedburner_|feedburner)/.test(key)) return skip('feedburner');
  if (/^(license|cc_|creativecommons)/.test(key)) return skip('license');
  if (/^(created|expired|validity)/.test(key)) return skip('otherDates');
  if (/^(rights|copyright)(_detail)?$/.test(key)) return skip('rights');
  if (/^contributors$/.test(key)) return skip('contributors');
  if (/^publisher(_detail)?$/.test(key)) return skip('publisher');
  if (/^(generator)(_detail)?$/.test(key)) return skip('generator');
  if (/^links$/.test(key)) return skip('links');
  if (/^info(_detail)?$/.test(key)) return skip('info');
  return undefined;
}

/** A `*_detail` dictionary: its value is the field, its type, language and base are not kept. */
function detail(name: string, value: PyValue | typeof MISSING): PyValue | typeof MISSING {
  if (value === MISSING || value instanceof Skip) return value;
  return new ViewDict(`${name}_detail`, (k) => {
    if (k === 'value') return value;
    if (k === 'type') return skip('detailType');
    if (k === 'language') return skip('detailLanguage');
    if (k === 'base') return skip('detailBase');
    return skip('unknown');
  });
}

function emailOf(author: FeedAuthor): string | undefined {
  return author.url?.startsWith('mailto:') ? decodeURIComponent(author.url.slice(7).split('?')[0]!) : undefined;
}

function hrefOf(author: FeedAuthor): string | undefined {
  return author.url && !author.url.startsWith('mailto:') ? author.url : undefined;
}

/** feedparser's `author`: `Name (email)`, or whichever of the two there is. */
class AuthorString extends PyObject {
  constructor(readonly author: FeedAuthor) {
    super();
  }
  get text(): string {
    const email = emailOf(this.author);
    return this.author.name && email ? `${this.author.name} (${email})` : (this.author.name ?? email ?? '');
  }
  override eq(other: PyValue): Truth {
    if (typeof other !== 'string') return false;
    if (other === this.text) return true;
    // `Name (email)` for an author we know by name and homepage: the e-mail is what we cannot hold.
    if (hrefOf(this.author) && this.author.name && other === `${this.author.name} (${/\(([^()\s]+@[^()\s]+)\)$/.exec(other)?.[1]})`) return skip('authorEmail');
    return false;
  }
  override truthy(): Truth {
    return this.text !== '';
  }
  repr(): string {
    return `author(${JSON.stringify(this.text)})`;
  }
}

function authorString(author: FeedAuthor | undefined): PyValue | typeof MISSING {
  return author && (author.name || emailOf(author)) ? new AuthorString(author) : MISSING;
}

function authorDict(author: FeedAuthor): ViewDict {
  return new ViewDict(
    'author_detail',
    (k) => {
      if (k === 'name') return orMissing(author.name);
      if (k === 'email') return hrefOf(author) ? skip('authorEmail') : orMissing(emailOf(author));
      if (k === 'href' || k === 'url' || k === 'uri') return url(hrefOf(author));
      return skip('unknown');
    },
    () => ['name', 'email', 'href'],
  );
}

function authorKeys(key: string, authors: FeedAuthor[] | undefined): PyValue | typeof MISSING | undefined {
  if (key === 'author') return authorString(authors?.[0]);
  if (key === 'author_detail') return authors?.[0] ? authorDict(authors[0]) : MISSING;
  if (key === 'authors') return authors?.length ? authors.map(authorDict) : MISSING;
  return undefined;
}

/** feedparser's `*_parsed`: a time.struct_time in UTC, as a 9-tuple. */
export function timeTuple(iso: string): PyTuple {
  const d = new Date(iso);
  const yday = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  return new PyTuple([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), (d.getUTCDay() + 6) % 7, yday, 0]);
}

function dateKeys(key: string, iso: string | undefined): PyValue | typeof MISSING {
  if (!iso) return MISSING;
  return key.endsWith('_parsed') ? timeTuple(iso) : new DateValue(iso);
}

function withDetail(key: string, resolve: (base: string) => PyValue | typeof MISSING | undefined): PyValue | typeof MISSING | undefined {
  if (key.endsWith('_detail')) {
    const base = key.slice(0, -'_detail'.length);
    const value = resolve(base);
    return value === undefined ? undefined : detail(base, value);
  }
  return resolve(key);
}

export function feedView(doc: FeedDocument): ViewDict {
  const resolveBase = (key: string): PyValue | typeof MISSING | undefined => {
    switch (key) {
      case 'title':
        return new TextValue(doc.title);
      case 'subtitle':
        // We leave out empty fields; an empty one reads as empty.
        return new TextValue(doc.description ?? '');
      case 'link':
        return url(doc.home_page_url);
      case 'language':
        return orMissing(doc.language);
      case 'logo':
        return url(doc.icon);
      case 'icon':
        return url(doc.favicon);
      case 'image':
        return doc.icon ? new ViewDict('image', (k) => (k === 'href' || k === 'url' ? url(doc.icon) : skip('channelMeta'))) : MISSING;
      case 'id':
        return skip('feedId');
      case 'updated':
      case 'updated_parsed':
      case 'published':
      case 'published_parsed':
        return skip('feedDates');
      case 'tags':
      case 'category':
        return skip('feedTags');
      case 'cloud':
      case 'textinput':
      case 'docs':
      case 'ttl':
      case 'skiphours':
      case 'skipdays':
      case 'rating':
      case 'errorreportsto':
        return skip('channelMeta');
    }
    return undefined;
  };
  return new ViewDict('feed', (raw) => {
    const key = FEED_ALIASES[raw] ?? raw;
    const byName = skippedByName(key);
    if (byName) return byName;
    const author = authorKeys(key, doc.authors);
    if (author !== undefined) return author;
    const value = withDetail(key, (k) => resolveBase(FEED_ALIASES[k] ?? k));
    return value === undefined ? skip('unknown') : value;
  });
}

function tagDict(term: string): ViewDict {
  return new ViewDict('tag', (k) => (k === 'term' ? term : k === 'scheme' || k === 'label' ? new Skip('feedTags') : skip('unknown')), () => ['term']);
}

export function entryView(item: FeedItem): ViewDict {
  const content = item.content_text !== undefined && item.content_html === undefined ? new TextValue(item.content_text) : new HtmlValue(item.content_html ?? '');
  const resolveBase = (key: string): PyValue | typeof MISSING | undefined => {
    switch (key) {
      case 'title':
        return new TextValue(item.title ?? '');
      case 'link':
        return url(item.url);
      case 'id':
        return item.id;
      case 'guidislink':
        return skip('guidIsLink');
      case 'summary':
        return item.summary !== undefined ? new TextValue(item.summary) : content;
      case 'content':
        return [
              new ViewDict('content', (k) => {
                if (k === 'value') return content;
                if (k === 'type' || k === 'src') return skip('contentMeta');
                if (k === 'language') return skip('detailLanguage');
                if (k === 'base') return skip('detailBase');
                return skip('unknown');
              }),
            ];
      case 'published':
      case 'published_parsed':
        return dateKeys(key, item.date_published);
      case 'updated':
      case 'updated_parsed':
        // JSON Feed: without date_modified, an item was last changed when it was published.
        return dateKeys(key, item.date_modified ?? item.date_published);
      case 'tags':
        return item.tags?.length ? item.tags.map(tagDict) : MISSING;
      case 'category':
        return orMissing(item.tags?.[0]);
      case 'enclosures':
        return (item.attachments ?? []).map(
          (a) =>
            new ViewDict(
              'enclosure',
              (k) => {
                if (k === 'href' || k === 'url') return new UrlValue(a.url);
                if (k === 'type') return a.mime_type;
                if (k === 'length') return orMissing(a.size_in_bytes, String);
                if (k === 'title') return orMissing(a.title);
                return skip('unknown');
              },
              () => ['href', 'type', 'length'],
            ),
        );
      case 'image':
        return item.image ? new ViewDict('image', (k) => (k === 'href' || k === 'url' ? url(item.image) : skip('media'))) : MISSING;
      case 'media_thumbnail':
        return item.image ? [new ViewDict('media_thumbnail', (k) => (k === 'url' ? url(item.image) : skip('media')))] : MISSING;
      case 'language':
        return orMissing(item.language);
      case 'source':
        return skip('source');
      case 'subtitle':
        return skip('entrySubtitle');
    }
    return undefined;
  };
  return new ViewDict(`entry ${item.id}`, (raw) => {
    const key = ENTRY_ALIASES[raw] ?? raw;
    if (key === 'media_thumbnail') return resolveBase(key)!;
    const byName = skippedByName(key);
    if (byName) return byName;
    const author = authorKeys(key, item.authors);
    if (author !== undefined) return author;
    const value = withDetail(key, (k) => resolveBase(ENTRY_ALIASES[k] ?? k));
    return value === undefined ? skip('unknown') : value;
  });
}

/** feedparser's `version`: rss20, rss10, atom10, … */
export function feedparserVersion(doc: FeedDocument): string {
  const { format, format_version: v } = doc._commonroom;
  if (format === 'atom') return v === '0.3' ? 'atom03' : v === '1.0' ? 'atom10' : 'atom';
  if (format === 'rdf') return v === '0.90' ? 'rss090' : 'rss10';
  if (format === 'json') return v?.startsWith('1.1') ? 'json11' : 'json1';
  if (!v) return 'rss';
  if (v.startsWith('2')) return 'rss20';
  if (v === '0.91') return 'rss091';
  return `rss0${v.replace(/^0\.?/, '')}`;
}

class VersionValue extends PyObject {
  constructor(readonly version: string) {
    super();
  }
  override eq(other: PyValue): Truth {
    if (typeof other !== 'string') return false;
    if (this.version === 'rss091' && /^rss091[nu]$/.test(other)) return skip('rss091');
    if (other === 'cdf') return skip('cdf');
    return this.version === other;
  }
  repr(): string {
    return `version(${this.version})`;
  }
}

/** A URL field: the same URL however it is written (`http://example.org` is `http://example.org/`). */
const url = (value: string | undefined) => orMissing(value, (v) => new UrlValue(v));

/**
 * `entries`: our items, in order. feedparser keeps an entry for every <item>, even one with
 * nothing in it; we do not. Past our last item, an entry still answers the fields we never keep
 * with their Skip (so a case about those is skipped), and every other field with a KeyError.
 */
class Entries extends PyObject {
  constructor(readonly entries: ViewDict[]) {
    super();
  }
  override getItem(key: PyValue): PyValue {
    if (key instanceof Skip) return key;
    if (typeof key !== 'number' || !Number.isInteger(key)) throw new PyError(`TypeError: list indices must be integers, not ${String(key)}`);
    const i = key < 0 ? this.entries.length + key : key;
    if (i >= 0 && i < this.entries.length) return this.entries[i]!;
    const empty = entryView({ id: '' });
    return new ViewDict(`dropped entry ${key}`, (k) => {
      const value = empty.lookup(k);
      return value instanceof Skip ? value : MISSING;
    });
  }
  override len(): number {
    return this.entries.length;
  }
  override truthy(): Truth {
    return this.entries.length > 0;
  }
  repr(): string {
    return `entries(${this.entries.length})`;
  }
}

/** The names an `Expect:` expression can use. */
export function feedparserEnv(doc: FeedDocument): Record<string, PyValue> {
  return {
    bozo: doc._commonroom.well_formed === false,
    feed: feedView(doc),
    channel: feedView(doc),
    entries: new Entries(doc.items.map(entryView)),
    items: new Entries(doc.items.map(entryView)),
    encoding: new EncodingValue(doc._commonroom.encoding),
    version: new VersionValue(feedparserVersion(doc)),
    headers: skip('http'),
    href: skip('http'),
    status: skip('http'),
    etag: skip('http'),
    modified: skip('http'),
    modified_parsed: skip('http'),
    namespaces: skip('unknown'),
  };
}
