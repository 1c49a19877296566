import { readXml } from './xml.ts';
import { value } from './xml-values.ts';

/**
 * Atom XHTML content (type="xhtml"): one `<div>` of the XHTML namespace around the markup,
 * unwrapped, with its xml:base and xml:lang kept; CDATA sections in it become escaped text.
 */

export const XHTML_DIV_START = /^\s*<(?:([a-zA-Z][\w.-]*):)?div[\s/>]/;
export const isXhtml = (type: string | undefined) => type === 'xhtml' || type === 'application/xhtml+xml';

/** CDATA sections in XHTML content become escaped text, as they mean. */
export function escapeCdataSections(raw: string): string {
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
export function xhtmlDiv(content: string): XhtmlDiv | undefined {
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
