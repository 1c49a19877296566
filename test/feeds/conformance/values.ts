import { htmlToText, sanitizeHtml } from '../../../src/platform/sanitize.ts';
import { PyMapping, PyObject, Skip, MISSING, type PyValue, type Truth } from './python-expr.ts';

/**
 * How a value of our model is compared with a value the other parser produced. Our model is
 * deliberately not theirs: titles and descriptions are plain text, content is sanitised HTML,
 * dates are instants. Each comparison says what "the same" means across that difference.
 */

export const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * A plain-text field (a title, a feed description, a summary). The other parser's value is
 * text or HTML depending on the element's type; it matches when it is our text, or when its
 * text content is.
 */
export class TextValue extends PyObject {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: PyValue): Truth {
    if (other instanceof TextValue) return this.text === other.text;
    if (typeof other !== 'string') return false;
    const mine = clean(this.text);
    return mine === clean(other) || mine === clean(htmlToText(other));
  }
  override truthy(): Truth {
    return this.text !== '';
  }
  override contains(key: PyValue): Truth {
    return typeof key === 'string' && this.text.includes(key);
  }
  override len(): number {
    return [...this.text].length;
  }
  repr(): string {
    return `text(${JSON.stringify(this.text)})`;
  }
}

/** What must never survive sanitising. */
const EXECUTABLE = /<\s*(script|style|iframe|frame|frameset|object|embed|applet|link|meta|base|form|input|button|svg|math)\b|\son[a-z]+\s*=|\bstyle\s*=|(javascript|vbscript|livescript)\s*:|data\s*:\s*text\/html|expression\s*\(/i;

export function isSafeHtml(html: string): boolean {
  return !EXECUTABLE.test(html);
}

/**
 * An HTML field (content). Both sides go through our sanitiser before they are compared, so
 * policy differences that are not about meaning (which harmless attributes are kept, `rel` on
 * links, `loading` on images, `<br />` or `<br>`) do not count; what counts is that the same
 * markup and text remain. And nothing executable may be left in ours.
 */
export class HtmlValue extends PyObject {
  constructor(
    readonly html: string,
    readonly baseUrl?: string,
  ) {
    super();
  }
  override eq(other: PyValue): Truth {
    if (!isSafeHtml(this.html)) return false;
    if (other instanceof HtmlValue) return normalizeHtml(this.html) === normalizeHtml(other.html);
    if (typeof other !== 'string') return false;
    const mine = normalizeHtml(this.html);
    return mine === normalizeHtml(sanitizeHtml(other)) || mine === normalizeHtml(sanitizeHtml(escapeText(other)));
  }
  override truthy(): Truth {
    return this.html !== '';
  }
  override contains(key: PyValue): Truth {
    return typeof key === 'string' && this.html.includes(key);
  }
  repr(): string {
    return `html(${JSON.stringify(this.html)})`;
  }
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function normalizeHtml(html: string): string {
  const normalized = clean(
    html
      .replace(/\s+(rel="nofollow noopener noreferrer ugc"|loading="lazy")/g, '')
      .replace(/<br\s*\/?>/gi, '<br>')
      .replace(/\s*(<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|pre|table|tr|td|th)\b[^>]*>)\s*/gi, '$1'),
  );
  // One <div> around everything is only a wrapper (Atom's xhtml content always has one).
  const wrapped = /^<div>([\s\S]*)<\/div>$/.exec(normalized);
  return wrapped && !/<\/?div\b/.test(wrapped[1]!) ? wrapped[1]! : normalized;
}

/** A URL: equal to another spelling of the same URL (`http://example.org` and `http://example.org/`). */
export class UrlValue extends PyObject {
  constructor(readonly url: string) {
    super();
  }
  override eq(other: PyValue): Truth {
    if (other instanceof UrlValue) return normalizeUrl(this.url) === normalizeUrl(other.url);
    return typeof other === 'string' && normalizeUrl(this.url) === normalizeUrl(other);
  }
  override truthy(): Truth {
    return this.url !== '';
  }
  override contains(key: PyValue): Truth {
    return typeof key === 'string' && this.url.includes(key);
  }
  repr(): string {
    return `url(${this.url})`;
  }
}

export function normalizeUrl(url: string): string {
  try {
    return new URL(url.trim()).href;
  } catch {
    return url.trim();
  }
}

/** A raw date string of theirs (`Thu, 01 Jan 2004 19:48:21 GMT`): the same instant as our ISO date. */
export class DateValue extends PyObject {
  constructor(readonly iso: string) {
    super();
  }
  override eq(other: PyValue): Truth {
    if (typeof other !== 'string') return false;
    // Read theirs with the JavaScript parser, not ours, so a bug in ours cannot agree with itself.
    const theirs = Date.parse(other.replace(/(T\d\d:\d\d)([+-]|Z|$)/, '$1:00$2'));
    return Number.isFinite(theirs) && theirs === Date.parse(this.iso);
  }
  repr(): string {
    return `date(${this.iso})`;
  }
}

/** A character encoding name: the same encoding under any of its labels (`Big5`, `big5`). */
export class EncodingValue extends PyObject {
  constructor(readonly encoding: string) {
    super();
  }
  override eq(other: PyValue): Truth {
    if (typeof other !== 'string') return false;
    return canonicalEncoding(other) === canonicalEncoding(this.encoding);
  }
  repr(): string {
    return `encoding(${this.encoding})`;
  }
}

export function canonicalEncoding(label: string): string {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return label.trim().toLowerCase();
  }
}

/** A read-only mapping whose keys are computed (a view of part of our document). */
export class ViewDict extends PyMapping {
  constructor(
    readonly name: string,
    readonly resolve: (key: string) => PyValue | typeof MISSING,
    readonly equalityKeys: () => string[] = () => [],
  ) {
    super();
  }
  lookup(key: string): PyValue | typeof MISSING {
    return this.resolve(key);
  }
  keys(): string[] {
    return this.equalityKeys().filter((k) => {
      const v = this.resolve(k);
      return v !== MISSING && !(v instanceof Skip);
    });
  }
  repr(): string {
    return this.name;
  }
}

export function orMissing<T>(value: T | undefined | null, wrap: (v: T) => PyValue = (v) => v as PyValue): PyValue | typeof MISSING {
  return value === undefined || value === null ? MISSING : wrap(value);
}
