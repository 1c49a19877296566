import { decodeBase64Text } from './decode.ts';
import type { Format } from './feed-xml-shapes.ts';

/**
 * Before an XML feed is read: its prolog (declaration, comments, DOCTYPE) is walked to the root
 * element, which tells the format and its version; the DOCTYPE is cut out; and a few older or
 * looser spellings are rewritten to what the reader knows.
 */

export const ROOTS: Record<string, Format> = { rss: 'rss', feed: 'atom', rdf: 'rdf' };

export interface Root {
  name: string;
  attributes: Record<string, string>;
}

/**
 * Walks the prolog (XML declaration, comments, processing instructions, DOCTYPE) to the root
 * element. The DOCTYPE and its internal subset are cut out: no entity it declares is ever
 * expanded, no external entity ever fetched. A DOCTYPE-like text anywhere else is content.
 * Stray text before the root (a server's warning printed ahead of the feed) is cut out too.
 */
export function prolog(text: string): { xml: string; root: Root | undefined; doctype: string | undefined } {
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
export function rewrite(xml: string, format: Format): string {
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

export function formatVersion(format: Format, root: Root, doctype: string | undefined, xml: string): string | undefined {
  const head = xml.slice(0, 4096);
  if (format === 'atom') return root.attributes.version === '0.3' || /purl\.org\/atom\/ns#/.test(head) ? '0.3' : '1.0';
  if (format === 'rdf')
    return /channel\.netscape\.com\/rdf\/simple\/0\.9/.test(head) && !/purl\.org\/rss\/1\.0/.test(head) ? '0.90' : '1.0';
  const version = root.attributes.version?.trim();
  if (version) return version;
  return doctype && /rss-0\.91|RSS 0\.91/i.test(doctype) ? '0.91' : undefined;
}
