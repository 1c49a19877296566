import { attr, child, children, rawContent, rawText, readXml, text, value, verbatim, type XmlElement } from './xml.ts';

/**
 * An RSS, RDF or Atom document's elements, as parse.ts maps them to JSON Feed: the parts of
 * RSS 0.9x/1.0/2.0, Atom 0.3/1.0, Dublin Core, DC terms, content:encoded, Media RSS, iTunes
 * and Atom-inside-RSS a reader shows, read from the tree xml.ts builds. The shapes (and the
 * rules for reading a value: see xml.ts's `value`) are those of feedsmith, which parse.ts was
 * first written against; only what parse.ts reads is read.
 */

export type Format = 'rss' | 'atom' | 'rdf';

export type XmlAttrs = { xml?: { base?: string | undefined; lang?: string | undefined } | undefined };

/** A person as feeds write one: a name, an e-mail address, a link. */
export interface Person {
  name?: string | undefined;
  email?: string | undefined;
  link?: string | undefined;
  uri?: string | undefined;
}

// Media RSS and iTunes: the parts of the namespaces a reader shows.
export interface MediaText {
  value?: string | undefined;
  type?: string | undefined;
}
export interface MediaContent {
  url?: string | undefined;
  type?: string | undefined;
  medium?: string | undefined;
  fileSize?: number | undefined;
  duration?: number | undefined;
  title?: MediaText | undefined;
  thumbnails?: Array<{ url?: string | undefined }> | undefined;
}
export interface MediaGroup {
  contents?: MediaContent[] | undefined;
  thumbnails?: Array<{ url?: string | undefined }> | undefined;
  title?: MediaText | undefined;
  description?: MediaText | undefined;
}
export interface MediaParts {
  media?:
    | {
        contents?: MediaContent[] | undefined;
        thumbnails?: Array<{ url?: string | undefined }> | undefined;
        groups?: MediaGroup[] | undefined;
        title?: MediaText | undefined;
        description?: MediaText | undefined;
        categories?: Array<{ name?: string | undefined; label?: string | undefined }> | undefined;
      }
    | undefined;
  itunes?: Itunes | undefined;
}
export interface Itunes {
  image?: string | undefined;
  duration?: number | undefined;
  summary?: string | undefined;
  author?: string | undefined;
  subtitle?: string | undefined;
  title?: string | undefined;
  keywords?: string[] | undefined;
}

export interface Dc {
  titles?: string[] | undefined;
  creators?: string[] | undefined;
  subjects?: string[] | undefined;
  descriptions?: string[] | undefined;
  dates?: string[] | undefined;
  languages?: string[] | undefined;
}
export interface DcTerms {
  issued?: string[] | undefined;
  created?: string[] | undefined;
  modified?: string[] | undefined;
  dates?: string[] | undefined;
}

export interface AtomLink {
  href?: string | undefined;
  rel?: string | undefined;
  type?: string | undefined;
  title?: string | undefined;
  length?: number | undefined;
}
export interface AtomText {
  value?: string | undefined;
  type?: string | undefined;
  src?: string | undefined;
  xml?: { base?: string | undefined; lang?: string | undefined } | undefined;
}
export interface AtomPerson {
  name?: string | undefined;
  uri?: string | undefined;
  email?: string | undefined;
}
export interface AtomCategory {
  term?: string | undefined;
  label?: string | undefined;
}

export type RssItem = MediaParts &
  XmlAttrs & {
    title?: string | undefined;
    link?: string | undefined;
    description?: string | undefined;
    authors?: Person[] | undefined;
    categories?: Array<{ name?: string | undefined }> | undefined;
    enclosures?: Array<{ url?: string | undefined; type?: string | undefined; length?: number | undefined }> | undefined;
    guid?: { value?: string | undefined; isPermaLink?: boolean | undefined } | undefined;
    pubDate?: string | undefined;
    content?: { encoded?: string | undefined } | undefined;
    dc?: Dc | undefined;
    dcterms?: DcTerms | undefined;
    atom?:
      | {
          links?: AtomLink[] | undefined;
          authors?: AtomPerson[] | undefined;
          updated?: string | undefined;
          published?: string | undefined;
          content?: AtomText | undefined;
          summary?: AtomText | undefined;
          categories?: AtomCategory[] | undefined;
        }
      | undefined;
  };

export type RssChannel = MediaParts &
  XmlAttrs & {
    title?: string | undefined;
    link?: string | undefined;
    description?: string | undefined;
    language?: string | undefined;
    managingEditor?: Person | undefined;
    image?: { url?: string | undefined } | undefined;
    items?: RssItem[] | undefined;
    dc?: Dc | undefined;
    atom?: { links?: AtomLink[] | undefined } | undefined;
  };

export type AtomEntry = MediaParts &
  XmlAttrs & {
    id?: string | undefined;
    title?: AtomText | undefined;
    summary?: AtomText | undefined;
    content?: AtomText | undefined;
    links?: AtomLink[] | undefined;
    authors?: AtomPerson[] | undefined;
    categories?: AtomCategory[] | undefined;
    published?: string | undefined;
    updated?: string | undefined;
    dc?: Dc | undefined;
    dcterms?: DcTerms | undefined;
  };

export type AtomDoc = MediaParts &
  XmlAttrs & {
    title?: AtomText | undefined;
    subtitle?: AtomText | undefined;
    links?: AtomLink[] | undefined;
    logo?: string | undefined;
    icon?: string | undefined;
    authors?: AtomPerson[] | undefined;
    entries?: AtomEntry[] | undefined;
    dc?: Dc | undefined;
  };

// ---------------------------------------------------------------------------------------------
// Which elements hold text (their content is not parsed: HTML in them stays as written)

/** Atom's text elements; inside RSS they carry the `atom:` prefix. */
const ATOM_TEXT = [
  'name',
  'uri',
  'url',
  'email',
  'category',
  'generator',
  'icon',
  'id',
  'link',
  'logo',
  'rights',
  'subtitle',
  'tagline',
  'title',
  'updated',
  'modified',
  'content',
  'published',
  'issued',
  'created',
  'summary',
];
const NAMESPACED_TEXT = new Set([
  'content:encoded',
  ...ATOM_TEXT.map((name) => `atom:${name}`),
  ...[
    'rating',
    'adult',
    'title',
    'description',
    'category',
    'hash',
    'credit',
    'copyright',
    'text',
    'restriction',
    'keywords',
    'comment',
    'response',
    'backlink',
    'license',
    'location',
    'param',
  ].map((name) => `media:${name}`),
  ...[
    'author',
    'title',
    'duration',
    'explicit',
    'episode',
    'season',
    'episodetype',
    'block',
    'summary',
    'subtitle',
    'keywords',
    'name',
    'email',
    'type',
    'new-feed-url',
    'complete',
    'applepodcastsverify',
  ].map((name) => `itunes:${name}`),
]);
const RSS_TEXT = new Set([
  ...[
    'title',
    'link',
    'description',
    'language',
    'copyright',
    'managingeditor',
    'webmaster',
    'pubdate',
    'lastbuilddate',
    'category',
    'generator',
    'docs',
    'cloud',
    'ttl',
    'rating',
    'hour',
    'day',
  ],
  ...['url', 'width', 'height', 'name', 'comments', 'enclosure', 'guid', 'source'],
  ...NAMESPACED_TEXT,
]);
const RDF_TEXT = new Set(['title', 'link', 'description', 'url', 'name', ...NAMESPACED_TEXT]);
const ATOM_TEXT_ELEMENTS = new Set([...ATOM_TEXT, ...NAMESPACED_TEXT]);

/** The elements of an RSS item and an Atom entry (what makes one worth keeping). */
const RSS_ITEM_FIELDS = new Set([
  'title',
  'link',
  'description',
  'author',
  'category',
  'comments',
  'enclosure',
  'guid',
  'pubdate',
  'source',
]);
const ATOM_ENTRY_FIELDS = new Set([
  'author',
  'category',
  'content',
  'contributor',
  'id',
  'link',
  'published',
  'issued',
  'created',
  'rights',
  'source',
  'summary',
  'title',
  'updated',
  'modified',
]);

/** The namespaces read here (beside the format's own). */
const READ_PREFIXES = new Set(['atom', 'dc', 'dcterms', 'content', 'media', 'itunes']);

const isText = (names: ReadonlySet<string>) => (name: string) => names.has(name) || name.startsWith('dc:') || name.startsWith('dcterms:');

const READ_OPTIONS = {
  rss: { primary: new Set(['rss']), leaf: isText(RSS_TEXT) },
  rdf: { primary: new Set(['rdf', 'rss']), leaf: isText(RDF_TEXT) },
  atom: { primary: new Set(['atom']), leaf: isText(ATOM_TEXT_ELEMENTS) },
} as const;

/** Reads an RSS or RDF document's channel, or an Atom document's feed. */
export function readFeedXml(xml: string, format: 'rss' | 'rdf'): RssChannel;
export function readFeedXml(xml: string, format: 'atom'): AtomDoc;
export function readFeedXml(xml: string, format: Format): RssChannel | AtomDoc;
export function readFeedXml(xml: string, format: Format): RssChannel | AtomDoc {
  // Line ends are normalised, as XML says (and values are compared with them so).
  const source = xml.includes('\r') ? xml.replace(/\r\n?/g, '\n') : xml;
  const root = readXml(source, READ_OPTIONS[format]).children[0];
  if (!root) return {};
  const reader = new Reader(source);
  return format === 'atom' ? reader.atomFeed(root) : reader.rssChannel(root, format);
}

// ---------------------------------------------------------------------------------------------

/** A number as feedsmith reads one (`+value`), undefined when empty or not a number. */
function num(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = +raw;
  return Number.isNaN(n) ? undefined : n;
}

function bool(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  if (/^\s*true\s*$/i.test(raw)) return true;
  if (/^\s*false\s*$/i.test(raw)) return false;
  return undefined;
}

function nonEmpty<T>(list: Array<T | undefined>): T[] | undefined {
  const out = list.filter((v): v is T => v !== undefined);
  return out.length ? out : undefined;
}

const XHTML_DIV_START = /^\s*<(?:([a-zA-Z][\w.-]*):)?div[\s/>]/;
const isXhtml = (type: string | undefined) => type === 'xhtml' || type === 'application/xhtml+xml';

/** CDATA sections in XHTML content become escaped text, as they mean. */
function escapeCdataSections(raw: string): string {
  let at = raw.indexOf('<![CDATA[');
  if (at < 0) return raw;
  let out = '';
  let last = 0;
  while (at >= 0) {
    const end = raw.indexOf(']]>', at + 9);
    if (end < 0) break;
    out +=
      raw.slice(last, at) +
      raw
        .slice(at + 9, end)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;');
    last = end + 3;
    at = raw.indexOf('<![CDATA[', last);
  }
  return out + raw.slice(last);
}

interface XhtmlDiv {
  /** The div's content, its prefix taken off the tags (undefined when the div is empty). */
  inner: string | undefined;
  base: string | undefined;
  lang: string | undefined;
}

/**
 * Atom XHTML content is one `<div>` (of the XHTML namespace) around the markup: the div is
 * unwrapped, and its xml:base and xml:lang kept. Undefined when the content is not that.
 */
function xhtmlDiv(content: string): XhtmlDiv | undefined {
  const match = XHTML_DIV_START.exec(content);
  if (!match) return undefined;
  const prefix = match[1];
  const tree = readXml(content, { primary: new Set(), leaf: (name) => name === 'div' || name.endsWith(':div') });
  // Exactly one element, the div, closed by its own end tag, with only white space around it.
  if (tree.children.length !== 1) return undefined;
  const div = tree.children[0]!;
  const closedByTag = div.outerEnd > div.end;
  const selfClosing = div.start === div.outerEnd && content.startsWith('/>', div.start - 2);
  if (!(closedByTag || selfClosing) || content.slice(div.outerEnd).trim()) return undefined;
  let inner: string | undefined = content.slice(div.start, div.end);
  if (prefix) inner = inner.replace(new RegExp(`(</?)${prefix.replace(/\./g, '\\.')}:`, 'g'), '$1');
  const own = (name: string) => div.attributes[`xml:${name}`] ?? div.attributes[name];
  return { inner: inner === '' ? undefined : inner, base: value(own('base') ?? ''), lang: value(own('lang') ?? '') };
}

class Reader {
  constructor(private readonly source: string) {}

  private text(element: XmlElement | undefined): string | undefined {
    return text(this.source, element);
  }

  private xml(element: XmlElement): XmlAttrs['xml'] {
    if (!element.hasAttributes) return undefined;
    const base = attr(element, 'xml:base');
    const lang = attr(element, 'xml:lang');
    return base === undefined && lang === undefined ? undefined : { base, lang };
  }

  /**
   * An item or entry is kept when it holds something: an element of its own format (even one
   * not shown, such as <comments> or <source>) or of a namespace read here. One with nothing
   * of these (empty, or only other namespaces) is skipped.
   */
  private keep<T>(element: XmlElement, fields: ReadonlySet<string>, read: (element: XmlElement) => T): T | undefined {
    for (const c of element.children) {
      const colon = c.name.indexOf(':');
      if (colon < 0 ? fields.has(c.name) : READ_PREFIXES.has(c.name.slice(0, colon))) return read(element);
    }
    return undefined;
  }

  // ---- RSS 0.9x/2.0 and RDF ----

  rssChannel(root: XmlElement, format: 'rss' | 'rdf'): RssChannel {
    // <rss> with its items but no <channel>: the items are read as the channel's.
    const channel = child(root, 'channel') ?? (format === 'rss' ? root : undefined);
    if (!channel) return {};
    // The channel's image, else one beside the channel (RDF puts it there, RSS 0.9x feeds too).
    const imageUrl = [child(channel, 'image'), ...children(root, 'image')]
      .map((i) => this.text(child(i, 'url')))
      .find((url) => url !== undefined);
    const read = (elements: XmlElement[]) => nonEmpty(elements.map((i) => this.keep(i, RSS_ITEM_FIELDS, (e) => this.rssItem(e))));
    const items =
      read(format === 'rdf' ? this.rdfItems(root, channel) : children(channel, 'item')) ??
      (channel === root ? undefined : read(children(root, 'item')));
    return {
      title: this.text(child(channel, 'title')),
      link: this.text(child(channel, 'link')),
      description: this.text(child(channel, 'description')),
      language: this.text(child(channel, 'language')),
      managingEditor: this.rssPerson(child(channel, 'managingeditor')),
      image: imageUrl ? { url: imageUrl } : undefined,
      items,
      dc: this.dc(channel),
      atom: { links: nonEmpty(children(channel, 'atom:link').map((l) => this.atomLink(l))) },
      itunes: this.itunes(channel),
    };
  }

  /** RDF items in the order of the channel's table of contents (rdf:Seq), when it lists them. */
  private rdfItems(root: XmlElement, channel: XmlElement): XmlElement[] {
    const all = children(root, 'item');
    const seq = child(child(channel, 'items'), 'seq');
    if (!seq) return all;
    const listed = children(seq, 'li').flatMap((li) => {
      const uri = attr(li, 'resource');
      const item = uri === undefined ? undefined : all.find((i) => i.attributes.about === uri);
      return item ? [item] : [];
    });
    return listed.length ? listed : all;
  }

  private rssItem(item: XmlElement): RssItem {
    const guid = child(item, 'guid');
    const encoded = child(item, 'content:encoded');
    return {
      title: this.text(child(item, 'title')),
      link: this.text(child(item, 'link')),
      description: this.text(child(item, 'description')),
      authors: nonEmpty(children(item, 'author').map((a) => this.rssPerson(a))),
      categories: children(item, 'category').map((c) => ({ name: this.text(c) })),
      enclosures: children(item, 'enclosure').map((e) => ({
        url: attr(e, 'url'),
        type: attr(e, 'type'),
        length: num(e.attributes.length),
      })),
      guid: guid ? { value: this.text(guid), isPermaLink: bool(guid.attributes.ispermalink) } : undefined,
      pubDate: this.text(child(item, 'pubdate')),
      content: encoded ? { encoded: this.text(encoded) } : undefined,
      dc: this.dc(item),
      dcterms: this.dcterms(item),
      atom: this.atomInRss(item),
      media: this.media(item),
      itunes: this.itunes(item),
      xml: this.xml(item),
    };
  }

  private atomInRss(item: XmlElement): RssItem['atom'] {
    let any = false;
    for (const c of item.children) if (c.name.startsWith('atom:')) any = true;
    if (!any) return undefined;
    return {
      links: nonEmpty(children(item, 'atom:link').map((l) => this.atomLink(l))),
      authors: nonEmpty(children(item, 'atom:author').map((a) => this.atomPerson(a, 'atom:'))),
      updated: this.text(child(item, 'atom:updated')) ?? this.text(child(item, 'atom:modified')),
      published:
        this.text(child(item, 'atom:published')) ?? this.text(child(item, 'atom:issued')) ?? this.text(child(item, 'atom:created')),
      content: this.atomContent(child(item, 'atom:content')),
      summary: this.atomText(child(item, 'atom:summary')),
      categories: nonEmpty(children(item, 'atom:category').map((c) => this.atomCategory(c))),
    };
  }

  /** An RSS person: `Name`, `email (Name)`, `Name <email>`, a URL… (feedsmith's rules). */
  private rssPerson(element: XmlElement | undefined): Person | undefined {
    if (!element) return undefined;
    const raw = this.text(child(element, 'name') ?? element);
    return raw ? parsePerson(raw) : undefined;
  }

  private dc(element: XmlElement): Dc | undefined {
    let dc: Dc | undefined;
    for (const c of element.children) {
      if (!c.name.startsWith('dc:')) continue;
      const key = DC_KEYS[c.name];
      if (!key) continue;
      const value = this.text(c);
      if (value === undefined) continue;
      dc ??= {};
      (dc[key] ??= []).push(value);
    }
    return dc;
  }

  private dcterms(element: XmlElement): DcTerms | undefined {
    let terms: DcTerms | undefined;
    for (const c of element.children) {
      if (!c.name.startsWith('dcterms:')) continue;
      const key = DCTERMS_KEYS[c.name];
      if (!key) continue;
      const value = this.text(c);
      if (value === undefined) continue;
      terms ??= {};
      (terms[key] ??= []).push(value);
    }
    return terms;
  }

  private itunes(element: XmlElement): Itunes | undefined {
    let any = false;
    for (const c of element.children) if (c.name.startsWith('itunes:')) any = true;
    if (!any) return undefined;
    const image = child(element, 'itunes:image');
    const duration = child(element, 'itunes:duration');
    const keywords = child(element, 'itunes:keywords');
    return {
      image: image ? (image.hasAttributes ? attr(image, 'href') : this.text(image)) : undefined,
      duration: duration ? parseDuration(rawText(this.source, duration)) : undefined,
      summary: this.text(child(element, 'itunes:summary')),
      author: this.text(child(element, 'itunes:author')),
      subtitle: this.text(child(element, 'itunes:subtitle')),
      title: this.text(child(element, 'itunes:title')),
      keywords: keywords ? nonEmpty(this.text(keywords)?.split(',').map(value) ?? []) : undefined,
    };
  }

  private media(element: XmlElement): MediaParts['media'] {
    let any = false;
    for (const c of element.children) if (c.name.startsWith('media:')) any = true;
    if (!any) return undefined;
    return {
      groups: nonEmpty(children(element, 'media:group').map((g) => this.mediaGroup(g))),
      contents: nonEmpty(children(element, 'media:content').map((c) => this.mediaContent(c))),
      ...this.mediaCommon(element),
    };
  }

  private mediaCommon(element: XmlElement) {
    return {
      title: this.mediaText(child(element, 'media:title')),
      description: this.mediaText(child(element, 'media:description')),
      thumbnails: nonEmpty(children(element, 'media:thumbnail').map((t) => (t.hasAttributes ? { url: attr(t, 'url') } : undefined))),
      categories: nonEmpty(children(element, 'media:category').map((c) => ({ name: this.text(c), label: attr(c, 'label') }))),
    };
  }

  private mediaText(element: XmlElement | undefined): MediaText | undefined {
    return element ? { value: this.text(element), type: attr(element, 'type') } : undefined;
  }

  private mediaGroup(element: XmlElement): MediaGroup | undefined {
    if (!element.hasAttributes && element.children.length === 0) return undefined;
    return { contents: nonEmpty(children(element, 'media:content').map((c) => this.mediaContent(c))), ...this.mediaCommon(element) };
  }

  private mediaContent(element: XmlElement): MediaContent | undefined {
    if (!element.hasAttributes && element.children.length === 0) return undefined;
    return {
      url: attr(element, 'url'),
      fileSize: num(element.attributes.filesize),
      type: attr(element, 'type'),
      medium: attr(element, 'medium'),
      duration: num(element.attributes.duration),
      ...this.mediaCommon(element),
    };
  }

  // ---- Atom 0.3/1.0 ----

  atomFeed(root: XmlElement): AtomDoc {
    if (root.name !== 'feed') return {};
    return {
      title: this.atomText(child(root, 'title')),
      subtitle: this.atomText(child(root, 'subtitle')) ?? this.atomText(child(root, 'tagline')),
      links: nonEmpty(children(root, 'link').map((l) => this.atomLink(l))),
      logo: this.text(child(root, 'logo')),
      icon: this.text(child(root, 'icon')),
      authors: nonEmpty(children(root, 'author').map((a) => this.atomPerson(a, ''))),
      entries: nonEmpty(children(root, 'entry').map((e) => this.keep(e, ATOM_ENTRY_FIELDS, (entry) => this.atomEntry(entry)))),
      dc: this.dc(root),
      xml: this.xml(root),
    };
  }

  private atomEntry(entry: XmlElement): AtomEntry {
    return {
      id: this.text(child(entry, 'id')),
      title: this.atomText(child(entry, 'title')),
      summary: this.atomText(child(entry, 'summary')),
      content: this.atomContent(child(entry, 'content')),
      links: nonEmpty(children(entry, 'link').map((l) => this.atomLink(l))),
      authors: nonEmpty(children(entry, 'author').map((a) => this.atomPerson(a, ''))),
      categories: nonEmpty(children(entry, 'category').map((c) => this.atomCategory(c))),
      published: this.text(child(entry, 'published')) ?? this.text(child(entry, 'issued')) ?? this.text(child(entry, 'created')),
      updated: this.text(child(entry, 'updated')) ?? this.text(child(entry, 'modified')),
      dc: this.dc(entry),
      dcterms: this.dcterms(entry),
      media: this.media(entry),
      itunes: this.itunes(entry),
      xml: this.xml(entry),
    };
  }

  /** A link is read from its attributes (and its text, for `href`); one with none is not a link. */
  private atomLink(element: XmlElement): AtomLink | undefined {
    if (!element.hasAttributes) return undefined;
    return {
      href: attr(element, 'href') ?? this.text(element),
      rel: attr(element, 'rel'),
      type: attr(element, 'type'),
      title: attr(element, 'title'),
      length: num(element.attributes.length),
    };
  }

  private atomPerson(element: XmlElement, prefix: string): AtomPerson | undefined {
    if (element.children.length === 0 && !element.hasAttributes) return undefined;
    const field = (name: string) => this.text(child(element, prefix + name));
    return { name: field('name'), uri: field('uri') || field('url'), email: field('email') };
  }

  private atomCategory(element: XmlElement): AtomCategory | undefined {
    if (element.children.length === 0 && !element.hasAttributes) return undefined;
    return { term: attr(element, 'term'), label: attr(element, 'label') };
  }

  /** A text construct (title, subtitle, summary): text, HTML or XHTML, with its xml:base and xml:lang. */
  private atomText(element: XmlElement | undefined): AtomText | undefined {
    if (!element) return undefined;
    if (!element.hasAttributes) {
      const plain = this.text(element);
      return plain ? { value: plain } : undefined;
    }
    const type = attr(element, 'type');
    const { text, xml } = this.typedText(element, type);
    return text ? { value: text, type, xml } : undefined;
  }

  private atomContent(element: XmlElement | undefined): AtomText | undefined {
    if (!element) return undefined;
    if (!element.hasAttributes) {
      const plain = this.text(element);
      return plain ? { value: plain } : undefined;
    }
    const type = attr(element, 'type');
    const { text, xml } = this.typedText(element, type);
    const src = attr(element, 'src');
    return text === undefined && type === undefined && src === undefined && xml === undefined ? undefined : { value: text, type, src, xml };
  }

  private typedText(element: XmlElement, type: string | undefined): { text: string | undefined; xml: AtomText['xml'] } {
    const own = this.xml(element);
    if (!isXhtml(type)) return { text: this.text(element), xml: own };
    const raw = rawContent(this.source, element);
    const escaped = escapeCdataSections(raw);
    const div = xhtmlDiv(escaped);
    if (!div) return { text: XHTML_DIV_START.test(escaped) ? verbatim(escaped) : value(raw), xml: own };
    let base = div.base ?? own?.base;
    if (div.base && own?.base) {
      try {
        base = new URL(div.base, own.base).href;
      } catch {
        base = div.base;
      }
    }
    const lang = div.lang ?? own?.lang;
    return { text: verbatim(div.inner), xml: base === undefined && lang === undefined ? undefined : { base, lang } };
  }
}

const DC_KEYS: Record<string, keyof Dc> = {
  'dc:title': 'titles',
  'dc:creator': 'creators',
  'dc:subject': 'subjects',
  'dc:description': 'descriptions',
  'dc:date': 'dates',
  'dc:language': 'languages',
};
const DCTERMS_KEYS: Record<string, keyof DcTerms> = {
  'dcterms:issued': 'issued',
  'dcterms:created': 'created',
  'dcterms:modified': 'modified',
  'dcterms:date': 'dates',
};

/** iTunes durations: seconds, or `[H:]M:S`. */
function parseDuration(raw: string): number | undefined {
  const n = num(raw);
  if (n !== undefined) return n;
  const match = /^(?:(\d+):)?(\d+):(\d+)$/.exec(raw);
  return match ? Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]) : undefined;
}

// ---- RSS people, as feedsmith reads them: a name, an e-mail address, a link, in any order ----

const EMAIL = /^[^\s@()<>[\]]+@[^\s@()<>[\]]+\.[^\s@()<>[\]]+$/;
const URL_LIKE = /^(?:https?:\/\/|www\.)[^\s]+\.[^\s]+$/;
const SEPARATORS = /^[\s,\-|/:;]+|[\s,\-|/:;]+$/g;

function stripMailto(text: string): string {
  const stripped = text.replace(/^mailto:/i, '');
  return stripped !== text ? stripped.replace(/\?.*$/, '') : stripped;
}

function compactPerson(person: Person): Person | undefined {
  return person.name === undefined && person.email === undefined && person.link === undefined ? undefined : person;
}

/** Longer than this, a person is a name as it stands (bracket matching is quadratic on hostile input). */
const MAX_PERSON_LENGTH = 1024;

export function parsePerson(raw: string): Person | undefined {
  if (raw.length > MAX_PERSON_LENGTH) return { name: raw };
  const simple = stripMailto(raw);
  if (URL_LIKE.test(simple)) return { link: simple };
  if (EMAIL.test(simple)) return { email: simple };
  if (!/[<[(]/.test(raw)) return unbracketedPerson(raw);
  return bracketedPerson(raw);
}

function unbracketedPerson(raw: string): Person | undefined {
  if (!raw.includes('@') && !raw.includes('://') && !raw.includes('www.')) return { name: raw };
  const nameParts: string[] = [];
  let email: string | undefined;
  let link: string | undefined;
  for (const word of raw.split(/\s+/)) {
    const stripped = stripMailto(word);
    if (URL_LIKE.test(word) && !link) link = word;
    else if (EMAIL.test(stripped) && !email) email = stripped;
    else nameParts.push(word);
  }
  if (!email && !link) return { name: raw };
  return compactPerson({ name: value(nameParts.join(' ').replace(SEPARATORS, '')), email, link });
}

function bracketedPerson(raw: string): Person | undefined {
  const person: Person = {};
  const nameParts: string[] = [];
  let unbracketedName = false;
  const isOpen = (ch: string | undefined) => ch === '<' || ch === '(' || ch === '[';
  let i = 0;
  while (i < raw.length) {
    let chunk: string | undefined;
    let bracketed = false;
    let open = '';
    let close = '';
    const ch = raw[i];
    if (isOpen(ch)) {
      open = ch!;
      close = open === '<' ? '>' : open === '(' ? ')' : ']';
      const start = i + 1;
      let depth = 1;
      let end = start;
      while (end < raw.length && depth > 0) {
        if (raw[end] === open) depth++;
        else if (raw[end] === close) depth--;
        end++;
      }
      if (depth === 0) {
        bracketed = true;
        chunk = value(raw.slice(start, end - 1));
        i = end;
      } else {
        const literalStart = i;
        i = start;
        while (i < raw.length && !isOpen(raw[i])) i++;
        chunk = value(raw.slice(literalStart, i));
      }
    } else {
      const start = i;
      while (i < raw.length && !isOpen(raw[i])) i++;
      chunk = value(raw.slice(start, i));
    }
    if (!chunk) continue;
    const stripped = stripMailto(chunk);
    if (URL_LIKE.test(chunk) && !person.link) person.link = chunk;
    else if (EMAIL.test(stripped) && !person.email) person.email = stripped;
    else if (bracketed) nameParts.push(unbracketedName ? `${open}${chunk}${close}` : chunk);
    else {
      unbracketedName = true;
      nameParts.push(chunk);
    }
  }
  person.name = value(nameParts.join(' '));
  return compactPerson(person);
}
