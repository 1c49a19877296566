import { ATOM_ENTRY_FIELDS, READ_OPTIONS, READ_PREFIXES, RSS_ITEM_FIELDS } from './feed-xml-elements.ts';
import type {
  AtomCategory,
  AtomDoc,
  AtomEntry,
  AtomLink,
  AtomPerson,
  AtomText,
  Dc,
  DcTerms,
  Format,
  Itunes,
  MediaContent,
  MediaGroup,
  MediaParts,
  MediaText,
  Person,
  RssChannel,
  RssItem,
  XmlAttrs,
} from './feed-xml-shapes.ts';
import { parsePerson } from './rss-people.ts';
import { escapeCdataSections, isXhtml, XHTML_DIV_START, xhtmlDiv } from './xhtml-content.ts';
import { readXml, type XmlElement } from './xml.ts';
import { attr, child, children, rawContent, rawText, text, value, verbatim } from './xml-values.ts';

/**
 * An RSS, RDF or Atom document's elements, as parse.ts maps them to JSON Feed: the parts of
 * RSS 0.9x/1.0/2.0, Atom 0.3/1.0, Dublin Core, DC terms, content:encoded, Media RSS, iTunes
 * and Atom-inside-RSS a reader shows, read from the tree xml.ts builds. The shapes
 * (feed-xml-shapes.ts) and the rules for reading a value (see xml-values.ts's `value`) are those
 * of feedsmith, which parse.ts was first written against; only what parse.ts reads is read.
 */

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
