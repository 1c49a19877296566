import { createHash } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import { escapeHtml, htmlToText, safeUrl, sanitizeHtml } from '../platform/sanitize.ts';
import { parseDate } from './dates.ts';
import {
  type AtomDoc,
  type AtomEntry,
  type AtomLink,
  type AtomText,
  type Format,
  type MediaParts,
  type Person,
  type RssChannel,
  type RssItem,
  readFeedXml,
  type XmlAttrs,
} from './feed-xml.ts';

/**
 * Any feed — RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 — becomes one shape:
 * a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1). Bytes are decoded by BOM, then
 * the HTTP header, then the XML declaration; relative URLs are resolved against xml:base and
 * the document's URL; HTML is sanitised; dates are ISO 8601. A DOCTYPE is removed before
 * parsing, so entities it declares are never expanded and external entities never fetched.
 *
 * Namespaces read: content:encoded (and RSS <body>, <xhtml:body>, <fullitem> as content),
 * Dublin Core and DC terms (title, creator, subject, description, date, issued, modified,
 * language), Media RSS (thumbnails, content, titles, descriptions, categories), iTunes
 * (author, image, summary, subtitle, duration), Atom inside RSS (links, authors), xml:lang and
 * xml:base. Atom 0.3's mode="base64" and base64 Atom content are decoded.
 */

export interface FeedAuthor {
  name?: string;
  /** The author's site, or a `mailto:` link when all the feed gives is an e-mail address. */
  url?: string;
  avatar?: string;
}

export interface FeedAttachment {
  url: string;
  mime_type: string;
  title?: string;
  size_in_bytes?: number;
  duration_in_seconds?: number;
}

export interface FeedItem {
  /** The item's own id (guid, atom:id), else its link, else a hash of its content. */
  id: string;
  url?: string;
  external_url?: string;
  title?: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  image?: string;
  date_published?: string;
  date_modified?: string;
  authors?: FeedAuthor[];
  tags?: string[];
  language?: string;
  attachments?: FeedAttachment[];
}

export interface FeedDocument {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url?: string;
  feed_url?: string;
  description?: string;
  icon?: string;
  favicon?: string;
  language?: string;
  authors?: FeedAuthor[];
  items: FeedItem[];
  /** JSON Feed extension: where the document came from and how it was read. */
  _commonroom: {
    format: 'rss' | 'atom' | 'rdf' | 'json';
    /** `2.0`, `1.0`, `0.91`, `0.3`, … when the document says. */
    format_version?: string;
    encoding: string;
    /** False when the document was not well-formed and was read leniently (only checked when asked). */
    well_formed?: boolean;
    /** What was wrong with the document but could be worked around. */
    warnings?: string[];
  };
}

export interface ParseOptions {
  /** The document's URL: relative links are resolved against it. */
  url?: string;
  /** The HTTP Content-Type header, for its charset. */
  contentType?: string;
  /** Also check XML well-formedness (costs a second pass). */
  checkWellFormed?: boolean;
}

/** Thrown when the bytes are not a feed at all. */
export class NotAFeedError extends Error {
  /** The document looks like an HTML page (so discovery may find a feed in it). */
  readonly looksLikeHtml: boolean;
  constructor(message: string, looksLikeHtml: boolean) {
    super(message);
    this.name = 'NotAFeedError';
    this.looksLikeHtml = looksLikeHtml;
  }
}

export function parseFeed(input: Uint8Array | string, options: ParseOptions = {}): FeedDocument {
  const warnings: string[] = [];
  const { text, encoding } =
    typeof input === 'string' ? { text: input, encoding: 'utf-8' } : decodeFeed(input, options.contentType, warnings);
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (!trimmed) throw new NotAFeedError('The document is empty.', false);
  const meta: Meta = { encoding, warnings };
  if (trimmed.startsWith('{')) return fromJson(trimmed, options, meta);

  const { xml, root, doctype } = prolog(trimmed);
  const format = root ? ROOTS[root.name.replace(/^[\w.-]+:/, '').toLowerCase()] : undefined;
  if (!root || !format) {
    // HTML5 may leave out <html> and <head>: a page can start with <meta>, <title> or <link>.
    const html =
      /^<!doctype\s+html/i.test(doctype ?? '') || /^(html|head|body|meta|title|link|script|style|div|p)$/i.test(root?.name ?? '');
    throw new NotAFeedError(html ? 'This is a web page, not a feed.' : 'This is not an RSS, Atom or JSON feed.', html);
  }
  const source = rewrite(xml, format);
  const parsed = readFeedXml(source, format);
  const context: Context = { options, meta, root, doctype, xml };
  const body = format === 'atom' ? fromAtom(parsed as AtomDoc, context) : fromRss(parsed as RssChannel, context);
  const document: FeedDocument = {
    ...body,
    _commonroom: compact({ format, format_version: formatVersion(format, root, doctype, xml), encoding }),
  };
  if (options.checkWellFormed) {
    const valid = XMLValidator.validate(xml);
    document._commonroom.well_formed = valid === true;
    if (valid !== true) warnings.push(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  if (warnings.length) document._commonroom.warnings = warnings;
  return document;
}

// ---------------------------------------------------------------------------------------------
// Bytes to text

const XML_DECLARATION = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/** Decodes by BOM, then the HTTP charset, then the XML declaration, then UTF-8. */
export function decodeFeed(
  bytes: Uint8Array,
  contentType: string | undefined,
  warnings: string[] = [],
): { text: string; encoding: string } {
  let label: string | undefined;
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) [label, start] = ['utf-8', 3];
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [label, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [label, start] = ['utf-16be', 2];
  else if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) label = 'utf-16le';
  else if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) label = 'utf-16be';
  label ??= /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '')?.[1];
  label ??= XML_DECLARATION.exec(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1'))?.[1];
  label = (label ?? 'utf-8').toLowerCase();
  const body = bytes.subarray(start);
  let decoder = decoderFor(label);
  if (!decoder) {
    warnings.push(`unknown character encoding "${label}", read as UTF-8`);
    decoder = decoderFor('utf-8')!;
  }
  try {
    return { text: decoder.decode(body), encoding: decoder.encoding };
  } catch {
    // Mostly good UTF-8 with a stray bad byte: keep the good text, mark the bad spot.
    if (decoder.encoding === 'utf-8') {
      const lenient = new TextDecoder('utf-8').decode(body);
      const bad = lenient.match(/\uFFFD/g)?.length ?? 0;
      const good = lenient.match(/[^\u0000-\u007F\uFFFD]/g)?.length ?? 0;
      if (good > bad) {
        warnings.push(`the document has ${bad} invalid UTF-8 sequence${bad === 1 ? '' : 's'}; they were replaced`);
        return { text: lenient, encoding: 'utf-8' };
      }
    }
    // Declared one way, written another: the usual culprit is Windows-1252 labelled as UTF-8.
    const fallback = decoder.encoding === 'utf-8' ? 'windows-1252' : 'utf-8';
    warnings.push(`the document is not valid ${decoder.encoding}; read as ${fallback}`);
    return { text: new TextDecoder(fallback).decode(body), encoding: fallback };
  }
}

/** Strict decoders by label, made once: making one costs more than decoding a small feed. */
const DECODERS = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | undefined {
  let decoder = DECODERS.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      decoder = null;
    }
    // Labels come from documents: only the first few hundred are remembered.
    if (DECODERS.size < 256) DECODERS.set(label, decoder);
  }
  return decoder ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// The prolog, the root element and the few rewrites done before parsing

const ROOTS: Record<string, Format> = { rss: 'rss', feed: 'atom', rdf: 'rdf' };

interface Root {
  name: string;
  attributes: Record<string, string>;
}

/**
 * Walks the prolog (XML declaration, comments, processing instructions, DOCTYPE) to the root
 * element. The DOCTYPE and its internal subset are cut out: no entity it declares is ever
 * expanded, no external entity ever fetched. A DOCTYPE-like text anywhere else is content.
 * Stray text before the root (a server's warning printed ahead of the feed) is cut out too.
 */
function prolog(text: string): { xml: string; root: Root | undefined; doctype: string | undefined } {
  let i = 0;
  let doctype: string | undefined;
  let xml = text;
  for (;;) {
    while (i < xml.length && isSpace(xml.charCodeAt(i))) i++;
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return { xml, root: undefined, doctype };
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) return { xml, root: undefined, doctype };
      i = end + 3;
    } else if (/^<!doctype/i.test(xml.slice(i, i + 9))) {
      const end = doctypeEnd(xml, i + 9);
      doctype = xml.slice(i, end);
      xml = xml.slice(0, i) + xml.slice(end);
    } else if (i < xml.length && xml[i] !== '<') {
      const next = xml.indexOf('<', i);
      if (next < 0 || next - i > 4096) return { xml, root: undefined, doctype };
      xml = xml.slice(0, i) + xml.slice(next);
    } else break;
  }
  const name = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i, i + 256))?.[1];
  if (!name) return { xml, root: undefined, doctype };
  // The start tag runs to the first `>` outside quotes.
  let end = i + 1 + name.length;
  for (let quote = ''; end < xml.length && end < i + 65_536; end++) {
    const ch = xml[end];
    if (quote) quote = ch === quote ? '' : quote;
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') break;
  }
  const attributes: Record<string, string> = {};
  for (const [, key, dq, sq, bare] of xml
    .slice(i + 1 + name.length, end)
    .matchAll(/([^\s=>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/g)) {
    attributes[key!.toLowerCase()] = dq ?? sq ?? bare ?? '';
  }
  return { xml, root: { name, attributes }, doctype };
}

/** White space as `\s` has it, fast for the usual ASCII and slow only for the rest. */
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));

/** Where a DOCTYPE that starts before `from` ends: after its `>`, past any `[internal subset]` and quoted strings. */
function doctypeEnd(xml: string, from: number): number {
  let inSubset = false;
  for (let i = from; i < xml.length; i++) {
    const ch = xml[i];
    if (ch === '"' || ch === "'") {
      const close = xml.indexOf(ch, i + 1);
      if (close < 0) return xml.length;
      i = close;
    } else if (ch === '[') inSubset = true;
    else if (ch === ']') inSubset = false;
    else if (ch === '>' && !inSubset) return i + 1;
    else if (inSubset && xml.startsWith('<!--', i)) {
      const close = xml.indexOf('-->', i + 4);
      if (close < 0) return xml.length;
      i = close + 2;
    }
  }
  return xml.length;
}

const BASE64_ELEMENT = /<([A-Za-z_][\w.:-]*)(\s[^>]*?\bmode\s*=\s*(["'])base64\3[^>]*)>([^<]*)<\/\1\s*>/g;
const RSS_BODY = /<(\/?)(?:[A-Za-z_][\w.-]*:)?(body|fullitem)\b/gi;
const ATOM_HOMEPAGE = /<(\/?)((?:[A-Za-z_][\w.-]*:)?)homepage\b/g;
const ITUNES_IMAGE_URL = /<itunes:image(\s+)url\s*=/g;
/** Text without which none of the rewrites below applies. */
const REWRITE_TRIGGERS = /base64|body|fullitem|homepage|dc:author|<itunes:(?:image url|link)/;
const ITUNES_LINK_IMAGE = /<itunes:link\b(?=[^>]*\brel\s*=\s*["']image["'])[^>]*?\bhref\s*=\s*("[^"]*"|'[^']*')/g;

/**
 * A few rewrites of the text before parsing, for older or looser ways of writing what the
 * parser reads under another name. Each runs only when its trigger is in the text, so an
 * ordinary feed pays a few `includes`:
 * - elements in Atom 0.3's mode="base64" are decoded in place;
 * - RSS items' `<body>`, `<xhtml:body>` and `<fullitem>` (content before content:encoded) become
 *   content:encoded;
 * - Atom 0.3's `<homepage>` (a person's site) becomes `<uri>`;
 * - `<dc:author>` becomes `<dc:creator>`;
 * - `<itunes:image url=…>` becomes `<itunes:image href=…>`, and an `<itunes:link rel="image" href=…>`
 *   (the old way) gets an `<itunes:image href=…/>` beside it.
 */
function rewrite(xml: string, format: Format): string {
  // One pass to find that none applies (the usual case), rather than one per rewrite.
  if (!REWRITE_TRIGGERS.test(xml)) return xml;
  let out = xml;
  if (out.includes('base64') && /\bmode\s*=\s*["']base64["']/.test(out)) {
    out = out.replace(BASE64_ELEMENT, (all, name: string, attributes: string, _q: string, body: string) => {
      const decoded = decodeBase64Text(body);
      if (decoded === undefined) return all;
      return `<${name}${attributes.replace(/\bmode\s*=\s*(["'])base64\1/, 'mode="escaped"')}>${escapeXml(decoded)}</${name}>`;
    });
  }
  if (format !== 'atom' && (out.includes('<body') || out.includes(':body') || out.includes('<fullitem'))) {
    out = out.replace(RSS_BODY, (_all, slash: string) => `<${slash}content:encoded`);
  }
  if (format === 'atom' && out.includes('homepage')) out = out.replace(ATOM_HOMEPAGE, '<$1$2uri');
  if (out.includes('dc:author')) out = out.replace(/<(\/?)dc:author\b/g, '<$1dc:creator');
  if (out.includes('<itunes:image url')) out = out.replace(ITUNES_IMAGE_URL, '<itunes:image$1href=');
  if (out.includes('<itunes:link')) out = out.replace(ITUNES_LINK_IMAGE, (link, href: string) => `<itunes:image href=${href}/>${link}`);
  return out;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Base64 that decodes to UTF-8 text (no control characters), else undefined. */
function decodeBase64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!compact || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

function formatVersion(format: Format, root: Root, doctype: string | undefined, xml: string): string | undefined {
  const head = xml.slice(0, 4096);
  if (format === 'atom') return root.attributes.version === '0.3' || /purl\.org\/atom\/ns#/.test(head) ? '0.3' : '1.0';
  if (format === 'rdf')
    return /channel\.netscape\.com\/rdf\/simple\/0\.9/.test(head) && !/purl\.org\/rss\/1\.0/.test(head) ? '0.90' : '1.0';
  const version = root.attributes.version?.trim();
  if (version) return version;
  return doctype && /rss-0\.91|RSS 0\.91/i.test(doctype) ? '0.91' : undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

interface Meta {
  encoding: string;
  warnings: string[];
}

interface Context {
  options: ParseOptions;
  meta: Meta;
  root: Root;
  doctype: string | undefined;
  xml: string;
}

type Maybe<T> = T | undefined | null;

/** The base URL in force inside `node`: its xml:base resolved against its parent's. */
function base(parent: string | undefined, node: Maybe<XmlAttrs>): string | undefined {
  const own = node?.xml?.base?.trim();
  if (!own) return parent;
  try {
    const resolved = new URL(own, parent);
    // An xml:base that is not http(s) (`javascript:`) is ignored, as if it were not there.
    return /^https?:$/.test(resolved.protocol) ? resolved.toString() : parent;
  } catch {
    return parent;
  }
}

function clean(value: Maybe<string>): string | undefined {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

const LOOKS_LIKE_HTML = /<\/?[a-z][a-z0-9]*[\s/>]|&(#\d+|#x[0-9a-f]+|[a-z]+);/i;
const HTML_TYPES = /^(html|xhtml|text\/html|application\/xhtml\+xml)$/i;
const TEXT_TYPES = /^(text|text\/plain)$/i;
/** Types other than text, HTML and XML: Atom says their content is base64. */
const BINARY_TYPE = /^(?!text\/)(?![^;]*(xml|html))[\w.+-]+\/[\w.+-]+/i;

/** Plain text of a title-like field that may or may not hold markup. */
function plain(value: Maybe<string>, type?: string): string | undefined {
  if (!value) return undefined;
  if (type && HTML_TYPES.test(type)) return clean(htmlToText(value));
  if (type && TEXT_TYPES.test(type)) return clean(value);
  if (type && BINARY_TYPE.test(type)) {
    // Base64, as Atom says other media types are; when it is not, the text as it stands.
    const decoded = decodeBase64Text(value);
    return decoded === undefined ? clean(value) : plain(decoded);
  }
  return clean(LOOKS_LIKE_HTML.test(value) ? htmlToText(value) : value);
}

/** Safe HTML of a content-like field; plain text is escaped and its line breaks kept. */
function html(value: Maybe<string>, baseUrl: string | undefined, type?: string): string | undefined {
  if (!value?.trim()) return undefined;
  const isText = type !== undefined && TEXT_TYPES.test(type);
  // The sanitiser's time grows with the square of the nesting depth: a field with more tags than
  // any real post (a crafted feed of 100,000 nested <div>s) keeps only its text.
  if (!isText && tooMuchMarkup(value)) return escapeHtml(htmlToText(value).trim()).replace(/\n/g, '<br>') || undefined;
  const markup = isText ? escapeHtml(value.trim()).replace(/\n/g, '<br>') : value;
  return sanitizeHtml(markup, { baseUrl }) || undefined;
}

/** More tags in one field than a feed entry ever needs. */
const MAX_TAGS = 10_000;

function tooMuchMarkup(value: string): boolean {
  let tags = 0;
  for (let at = value.indexOf('<'); at !== -1; at = value.indexOf('<', at + 1)) if (++tags > MAX_TAGS) return true;
  return false;
}

function link(value: Maybe<string>, baseUrl: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? (safeUrl(trimmed, baseUrl) ?? undefined) : undefined;
}

function date(value: Maybe<string>): string | undefined {
  const time = parseDate(value ?? null);
  return time === null ? undefined : new Date(time).toISOString();
}

function number(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function durationSeconds(value: Maybe<string | number>): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return number(value);
  const parts = value.split(':').map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return undefined;
  return number(parts.reduce((total, part) => total * 60 + part, 0));
}

function unique<T>(values: T[], key: (v: T) => string = String): T[] | undefined {
  const seen = new Set<string>();
  const out = values.filter((v) => {
    const k = key(v);
    if (!k || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return out.length ? out : undefined;
}

function first<T>(...values: Array<Maybe<T>>): T | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return v;
  return undefined;
}

function hashId(parts: Array<string | undefined>): string {
  return `urn:sha256:${createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 40)}`;
}

/**
 * Drops undefined fields, so the JSON stays small and comparisons stay simple. A copy, not
 * `delete`: deleting properties turns an object into a slow dictionary.
 */
function compact<T extends object>(value: T): T {
  const out = {} as T;
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

function finishItem(item: Omit<FeedItem, 'id'> & { id?: string | undefined }): FeedItem {
  const id = clean(item.id) ?? item.url ?? hashId([item.title, item.content_html, item.content_text, item.summary, item.date_published]);
  return compact({ ...item, id });
}

function author(person: Maybe<Person>, baseUrl: string | undefined): FeedAuthor | undefined {
  if (!person) return undefined;
  const name = plain(person.name);
  const email = clean(person.email)?.replace(/^mailto:/i, '');
  const url =
    link(person.uri ?? person.link, baseUrl) ?? (email && /^[^\s@]+@[^\s@]+$/.test(email) ? link(`mailto:${email}`, undefined) : undefined);
  if (!name && !url) return undefined;
  return compact({ name: name ?? (url ? undefined : email), url });
}

/** A plain name (dc:creator, itunes:author), which may be written `Name (email)` or `email (Name)`. */
function namedAuthor(text: Maybe<string>): FeedAuthor | undefined {
  const value = plain(text);
  if (!value) return undefined;
  const email = /[^\s()<>]+@[^\s()<>]+\.[^\s()<>]+/.exec(value)?.[0]?.replace(/^mailto:/i, '');
  if (!email) return { name: value };
  const name = clean(
    value
      .replace(email, '')
      .replace(/mailto:/i, '')
      .replace(/[()<>[\]]/g, ' '),
  );
  return author({ name, email }, undefined);
}

function authors(list: Array<FeedAuthor | undefined>): FeedAuthor[] | undefined {
  return unique(
    list.filter((a): a is FeedAuthor => a !== undefined),
    (a) => `${a.name ?? ''}\u0000${a.url ?? ''}`,
  );
}

/** A category as people read it: its label (RFC 4287: "for display"), else its term. */
function categoryName(term: Maybe<string>, label: Maybe<string>): string {
  return clean(label) ?? clean(term) ?? '';
}

function mediaParts(node: MediaParts, baseUrl: string | undefined) {
  const groups = node.media?.groups ?? [];
  const contents = [...(node.media?.contents ?? []), ...groups.flatMap((g) => g.contents ?? [])];
  const thumbnails = [
    ...(node.media?.thumbnails ?? []),
    ...groups.flatMap((g) => g.thumbnails ?? []),
    ...contents.flatMap((c) => c.thumbnails ?? []),
  ];
  const imageContent = contents.find((c) => c.medium === 'image' || c.type?.startsWith('image/'));
  const image = link(thumbnails[0]?.url, baseUrl) ?? link(imageContent?.url, baseUrl) ?? link(node.itunes?.image, baseUrl);
  const attachments: FeedAttachment[] = contents
    .filter((c) => c !== imageContent && c.url && (c.type || c.medium))
    .flatMap((c) => {
      const url = link(c.url, baseUrl);
      return url
        ? [
            compact({
              url,
              mime_type: c.type ?? `${c.medium}/*`,
              size_in_bytes: number(c.fileSize),
              duration_in_seconds: number(c.duration),
            }),
          ]
        : [];
    });
  const title = node.media?.title ?? groups.find((g) => g.title)?.title;
  const description = node.media?.description ?? groups.find((g) => g.description)?.description;
  return {
    image,
    attachments,
    duration: durationSeconds(node.itunes?.duration),
    title,
    description,
    categories: node.media?.categories ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// RSS 0.9x/2.0 and RDF (RSS 0.90/1.0)

function fromRss(channel: RssChannel, context: Context): Omit<FeedDocument, '_commonroom'> {
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

// ---------------------------------------------------------------------------------------------
// Atom 0.3/1.0

/** The alternate link: the first rel="alternate" (or no rel) of an HTML type, else the first of any type. */
function alternate(links: AtomLink[] | undefined, baseUrl: string | undefined): string | undefined {
  const all = (links ?? []).filter((l) => l.href?.trim());
  const alternates = all.filter((l) => (l.rel ?? 'alternate') === 'alternate');
  const chosen = alternates.find((l) => !l.type || /html/i.test(l.type)) ?? alternates[0];
  return link(chosen?.href, baseUrl);
}

function atomText(text: AtomText | undefined): string | undefined {
  return text ? plain(text.value, text.type ?? 'text') : undefined;
}

function atomHtml(value: AtomText | undefined, baseUrl: string | undefined): string | undefined {
  if (!value?.value) return undefined;
  const type = value.type ?? 'text';
  const contentBase = base(baseUrl, value);
  if (BINARY_TYPE.test(type) && !HTML_TYPES.test(type)) {
    // Atom: content of any other media type is base64. Shown only when it is text.
    const decoded = decodeBase64Text(value.value);
    return html(decoded ?? value.value, contentBase, 'text');
  }
  return html(value.value, contentBase, TEXT_TYPES.test(type) || (/^text\//i.test(type) && !/html/i.test(type)) ? 'text' : 'html');
}

function fromAtom(feed: AtomDoc, context: Context): Omit<FeedDocument, '_commonroom'> {
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

// ---------------------------------------------------------------------------------------------
// JSON Feed 1.0/1.1

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

function fromJson(text: string, options: ParseOptions, meta: Meta): FeedDocument {
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
