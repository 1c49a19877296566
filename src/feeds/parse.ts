import { XMLValidator } from 'fast-xml-parser';
import { decodeFeed } from './decode.ts';
import { type FeedDocument, NotAFeedError, type ParseOptions } from './feed-document.ts';
import { readFeedXml } from './feed-xml.ts';
import type { AtomDoc, RssChannel } from './feed-xml-shapes.ts';
import { fromAtom } from './map-atom.ts';
import { type Context, compact, type Meta } from './map-fields.ts';
import { fromJson } from './map-json.ts';
import { fromRss } from './map-rss.ts';
import { formatVersion, prolog, ROOTS, rewrite } from './prolog.ts';

export type { FeedAttachment, FeedAuthor, FeedDocument, FeedItem, ParseOptions } from './feed-document.ts';
export { NotAFeedError };

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
 *
 * The steps: decode.ts (bytes to text), prolog.ts (root element, format, rewrites), feed-xml.ts
 * (the elements read, over xml.ts's reader), map-rss.ts, map-atom.ts and map-json.ts (to JSON
 * Feed, with map-fields.ts).
 */

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
