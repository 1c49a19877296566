import { decodeHTML } from 'entities';
import type { XmlElement } from './xml.ts';

/**
 * Reading values out of the tree xml.ts builds: an element's children by name, its content or
 * text as written, and text decoded as feedsmith decodes it (the rules the feed reader relies on).
 */

/** What `children` answers when there are none (shared, never written to). */
const NONE: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

/** The first child of that name (only the first counts: `<title/><title>x</title>` has no title). */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const c of element.children) if (c.name === name) return c;
  return undefined;
}

/** Every child of that name. */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  if (!element) return NONE;
  let out: XmlElement[] | undefined;
  for (const c of element.children) if (c.name === name) (out ??= []).push(c);
  return out ?? NONE;
}

/** An element's content as written: markup, CDATA sections and comments included, child elements' too. */
export function rawContent(source: string, element: XmlElement): string {
  return source.slice(element.start, element.end);
}

/**
 * An element's own text as written: for an element parsed inside, the content with its
 * child elements cut out; for a text element, all of its content.
 */
export function rawText(source: string, element: XmlElement): string {
  if (element.children.length === 0) return source.slice(element.start, element.end);
  let text = '';
  let at = element.start;
  for (const c of element.children) {
    text += source.slice(at, c.outerStart);
    at = c.outerEnd;
  }
  return text + source.slice(at, element.end);
}

/** The text of an element, decoded and trimmed (undefined when empty). */
export function text(source: string, element: XmlElement | undefined): string | undefined {
  return element ? value(rawText(source, element)) : undefined;
}

/** An attribute's value, decoded and trimmed (undefined when absent or empty). */
export function attr(element: XmlElement | undefined, name: string): string | undefined {
  const raw = element?.attributes[name];
  return raw === undefined ? undefined : value(raw);
}

/**
 * A value as written becomes text: comments go, CDATA sections are taken as they stand,
 * character references elsewhere are decoded (HTML's named ones too, as feeds use them), and
 * the result is trimmed. The rules feedsmith applies, which the rest of the reader relies on.
 */
export function value(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (raw.indexOf('<') < 0) {
    // The common case: no comment, no CDATA.
    const decoded = hasReferences(raw) ? decodeHTML(raw) : raw;
    return decoded.trim() || undefined;
  }
  return decodeWithCdata(stripComments(raw)).trim() || undefined;
}

/** A value that is markup as written (XHTML): only trimmed. */
export function verbatim(raw: string | undefined): string | undefined {
  return raw ? raw.trim() || undefined : undefined;
}

const hasReferences = (text: string) => {
  const amp = text.indexOf('&');
  return amp >= 0 && text.indexOf(';', amp) >= 0;
};

function stripComments(text: string): string {
  let at = text.indexOf('<!--');
  if (at < 0) return text;
  let out = '';
  let last = 0;
  while (at >= 0) {
    out += text.slice(last, at);
    const end = text.indexOf('-->', at + 4);
    if (end < 0) return text;
    last = end + 3;
    at = text.indexOf('<!--', last);
  }
  return out + text.slice(last);
}

function decodeWithCdata(text: string): string {
  let at = text.indexOf('<![CDATA[');
  const decode = (part: string) => (hasReferences(part) ? decodeHTML(part) : part);
  if (at < 0) return decode(text);
  let out = '';
  let last = 0;
  while (at >= 0) {
    out += decode(text.slice(last, at));
    const end = text.indexOf(']]>', at + 9);
    if (end < 0) return decode(text);
    out += text.slice(at + 9, end);
    last = end + 3;
    at = text.indexOf('<![CDATA[', last);
  }
  return out + decode(text.slice(last));
}
