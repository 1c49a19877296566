/**
 * A small, lenient, single-pass XML reader for feeds. It builds a light tree of elements —
 * names, attributes and where each element's content lies in the source — and leaves text
 * where it is: a value is cut out of the source (and decoded) only when the feed reader asks
 * for it, so the text of elements nobody reads costs nothing.
 *
 * What it does and does not do, on purpose:
 * - Names are lowercased. A prefix is resolved through the xmlns declarations in scope: a
 *   namespace we know (Atom, Dublin Core, Media RSS, …) gets its usual prefix whatever the
 *   document calls it, the feed format's own namespaces none; an undeclared prefix stays as
 *   written (feeds use `dc:` and `atom:` without declaring them).
 * - Elements that hold text (`leaf` says which) are not parsed inside: their content runs to
 *   their end tag, as written, markup and all (HTML in a description is the usual case).
 * - Only the predefined and numeric character references, and HTML's named ones, are decoded
 *   (when a value is read: xml-values.ts). A DOCTYPE is skipped: entities it declares are never expanded and
 *   nothing is ever fetched.
 * - Ill-formed input never throws: an end tag closes the open element of its name (and those
 *   opened inside it); a stray end tag is ignored; whatever is open at the end is closed there;
 *   an unterminated comment, CDATA section or tag runs to the end. Work is linear in the input:
 *   every scan resumes where the last one stopped, and no regular expression backtracks.
 */

export interface XmlElement {
  /** The resolved name: lowercased, with a known namespace's usual prefix (`dc:creator`). */
  name: string;
  /** The name as written, which its end tag must repeat. */
  raw: string;
  /** Attributes by resolved name, values as written (read them with `attr`). */
  attributes: Record<string, string>;
  /** True when there are any attributes (an element with none reads as plain text). */
  hasAttributes: boolean;
  children: XmlElement[];
  /** The start tag's `<`, the content's start and end, and the end tag's end. */
  outerStart: number;
  start: number;
  end: number;
  outerEnd: number;
}

export interface XmlReadOptions {
  /** Canonical prefixes (as in NAMESPACES) that are the format's own: their elements get no prefix. */
  primary: ReadonlySet<string>;
  /** Elements read as text: their content is not parsed. */
  leaf: (name: string) => boolean;
}

/** Namespaces read, by URI (lowercase), and the prefix they get. As feedsmith spells them. */
const NAMESPACES: Record<string, string> = {};
const URIS: Record<string, string[]> = {
  atom: ['http://www.w3.org/2005/Atom', 'http://www.w3.org/2005/Atom/', 'http://purl.org/atom/ns#'],
  dc: [
    'http://purl.org/dc/elements/1.1/',
    'http://purl.org/dc/elements/1.1',
    'http://dublincore.org/documents/dcmi-namespace/',
    'http://dublincore.org/documents/dcmi-namespace',
    'http://purl.org/dc/elements/1.0/',
    'http://purl.org/dc/elements/1.0',
  ],
  dcterms: [
    'http://purl.org/dc/terms/',
    'http://purl.org/dc/terms',
    'http://dublincore.org/documents/dcmi-terms/',
    'http://dublincore.org/documents/dcmi-terms',
    'http://dublincore.org/specifications/dublin-core/dcmi-terms/',
    'http://dublincore.org/specifications/dublin-core/dcmi-terms',
  ],
  content: ['http://purl.org/rss/1.0/modules/content/', 'http://purl.org/rss/1.0/modules/content'],
  media: [
    'http://search.yahoo.com/mrss/',
    'http://search.yahoo.com/mrss',
    'http://video.search.yahoo.com/mrss',
    'http://video.search.yahoo.com/mrss/',
    'http://www.rssboard.org/media-rss',
    'http://www.rssboard.org/media-rss/',
    'http://search.yahoo.com/searchmonkey/media/',
    'http://search.yahoo.com/searchmonkey/media',
    'http://tools.search.yahoo.com/mrss/',
    'http://tools.search.yahoo.com/mrss',
  ],
  itunes: ['http://www.itunes.com/dtds/podcast-1.0.dtd'],
  rdf: ['http://www.w3.org/1999/02/22-rdf-syntax-ns#'],
  rss: ['http://purl.org/rss/1.0/', 'http://purl.org/rss/1.0'],
};
for (const [prefix, uris] of Object.entries(URIS)) {
  for (const uri of uris) {
    NAMESPACES[uri.toLowerCase()] = prefix;
    NAMESPACES[uri.toLowerCase().replace(/^http:/, 'https:')] = prefix;
  }
}

/**
 * The prefixes in force. Shared by every element until one declares a namespace (rare), then
 * copied; `names` caches resolved names, so most elements cost one map lookup.
 */
interface Scope {
  /** Prefix as written → its canonical prefix ('' for the format's own, the prefix itself for an unknown URI). */
  prefixes: Map<string, string>;
  /** The default namespace's canonical prefix ('' when none or unknown). */
  defaultPrefix: string;
  names: Map<string, string>;
  attributeNames: Map<string, string>;
}

const EMPTY_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const DQUOTE = 34;
const SQUOTE = 39;
const EQUALS = 61;

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
/** A name character: anything but space, `/`, `>`, `=`, quotes and `<` (lenient, as parsers of feeds must be). */
const isNameChar = (c: number) => c > 32 && c !== SLASH && c !== GT && c !== EQUALS && c !== DQUOTE && c !== SQUOTE && c !== LT;
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c > 127;

/**
 * Reads `source` into a tree. Returns a synthetic document element whose children are the
 * top-level elements (normally one, the root).
 */
export function readXml(source: string, options: XmlReadOptions): XmlElement {
  return new XmlReader(source, options).read();
}

/** One read of one document (a class: its helpers are methods, not closures made per read). */
class XmlReader {
  private readonly length: number;
  private readonly document: XmlElement;
  private readonly stack: XmlElement[];
  private readonly scopes: Scope[];
  /** How many elements of each raw name are open: an end tag for a name not open is ignored at once. */
  private readonly open = new Map<string, number>();

  constructor(
    private readonly source: string,
    private readonly options: XmlReadOptions,
  ) {
    this.length = source.length;
    this.document = {
      name: '#document',
      raw: '#document',
      attributes: EMPTY_ATTRIBUTES,
      hasAttributes: false,
      children: [],
      outerStart: 0,
      start: 0,
      end: this.length,
      outerEnd: this.length,
    };
    this.stack = [this.document];
    this.scopes = [{ prefixes: new Map(), defaultPrefix: '', names: new Map(), attributeNames: new Map() }];
  }

  read(): XmlElement {
    const { source, length } = this;
    let i = 0;
    while (i < length) {
      const lt = source.indexOf('<', i);
      if (lt < 0) break;
      const c = source.charCodeAt(lt + 1);
      if (c === SLASH) i = this.endTag(lt);
      else if (c === BANG) i = skipDeclaration(source, lt);
      else if (c === QUESTION) {
        const end = source.indexOf('?>', lt + 2);
        i = end < 0 ? length : end + 2;
      } else if (isNameStart(c)) i = this.startTag(lt);
      else i = lt + 1; // a `<` that starts nothing (`a < b` in text)
    }
    this.popTo(1, length, length);
    return this.document;
  }

  /** An end tag: closes the innermost open element of that name, and any opened inside it. */
  private endTag(lt: number): number {
    const { source, length, stack } = this;
    let gt = source.indexOf('>', lt + 2);
    if (gt < 0) gt = length;
    const raw = source.slice(lt + 2, gt).trim();
    if ((this.open.get(raw) ?? 0) > 0) {
      let depth = stack.length - 1;
      while (stack[depth]!.raw !== raw) depth--;
      this.popTo(depth, lt, Math.min(gt + 1, length));
    }
    return gt + 1;
  }

  /** A start tag: its name, then attributes up to the `>` outside quotes. Returns where reading resumes. */
  private startTag(lt: number): number {
    const { source, length } = this;
    let p = lt + 1;
    while (p < length && isNameChar(source.charCodeAt(p))) p++;
    const raw = source.slice(lt + 1, p);
    let rawAttributes: string[] | undefined;
    let selfClosing = false;
    let declares = false;
    for (;;) {
      while (p < length && isSpace(source.charCodeAt(p))) p++;
      if (p >= length) break;
      const ch = source.charCodeAt(p);
      if (ch === GT) {
        p++;
        break;
      }
      if (ch === SLASH) {
        if (source.charCodeAt(p + 1) === GT) {
          selfClosing = true;
          p += 2;
          break;
        }
        p++;
        continue;
      }
      const nameStart = p;
      while (p < length && isNameChar(source.charCodeAt(p))) p++;
      if (p === nameStart) {
        // Not a name (a stray quote or `=`): skip it.
        if (ch === DQUOTE || ch === SQUOTE) {
          const close = source.indexOf(ch === DQUOTE ? '"' : "'", p + 1);
          p = close < 0 ? length : close + 1;
        } else p++;
        continue;
      }
      const attributeName = source.slice(nameStart, p);
      let q = p;
      while (q < length && isSpace(source.charCodeAt(q))) q++;
      if (source.charCodeAt(q) !== EQUALS) continue; // no value: ignored
      q++;
      while (q < length && isSpace(source.charCodeAt(q))) q++;
      const quote = source.charCodeAt(q);
      let value: string;
      if (quote === DQUOTE || quote === SQUOTE) {
        const close = source.indexOf(quote === DQUOTE ? '"' : "'", q + 1);
        const valueEnd = close < 0 ? length : close;
        value = source.slice(q + 1, valueEnd);
        p = valueEnd + 1;
      } else {
        const valueStart = q;
        while (q < length && !isSpace(source.charCodeAt(q)) && source.charCodeAt(q) !== GT) q++;
        value = source.slice(valueStart, q);
        p = q;
      }
      (rawAttributes ??= []).push(attributeName, value);
      const first = attributeName.charCodeAt(0);
      if ((first === 120 || first === 88) && /^xmlns(:|$)/i.test(attributeName)) declares = true;
    }
    if (p > length) p = length;

    let scope = this.scopes[this.scopes.length - 1]!;
    if (declares) scope = this.declare(scope, rawAttributes!);
    let attributes: Record<string, string> | undefined;
    if (rawAttributes) {
      attributes = {};
      for (let k = 0; k < rawAttributes.length; k += 2) attributes[this.resolve(rawAttributes[k]!, scope, true)] = rawAttributes[k + 1]!;
    }
    const name = this.resolve(raw, scope, false);
    const element: XmlElement = {
      name,
      raw,
      attributes: attributes ?? EMPTY_ATTRIBUTES,
      hasAttributes: attributes !== undefined,
      children: NO_CHILDREN,
      outerStart: lt,
      start: p,
      end: p,
      outerEnd: p,
    };
    const parent = this.stack[this.stack.length - 1]!;
    if (parent.children === NO_CHILDREN) parent.children = [element];
    else parent.children.push(element);
    if (selfClosing) return p;
    if (this.options.leaf(name)) {
      const [end, next] = leafEnd(source, p, raw, this.open);
      element.end = end;
      element.outerEnd = next;
      return next;
    }
    this.stack.push(element);
    this.scopes.push(scope);
    this.open.set(raw, (this.open.get(raw) ?? 0) + 1);
    return p;
  }

  /** A namespace declaration: a new scope for the element that makes it and what it holds. */
  private declare(scope: Scope, rawAttributes: string[]): Scope {
    const prefixes = new Map(scope.prefixes);
    let defaultPrefix = scope.defaultPrefix;
    for (let k = 0; k < rawAttributes.length; k += 2) {
      const key = rawAttributes[k]!.toLowerCase();
      const uri = rawAttributes[k + 1]!;
      if (key === 'xmlns') defaultPrefix = this.canonicalFor(uri, '');
      else if (key.startsWith('xmlns:')) prefixes.set(key.slice(6), this.canonicalFor(uri, key.slice(6)));
    }
    return { prefixes, defaultPrefix, names: new Map(), attributeNames: new Map() };
  }

  /** The canonical prefix for a namespace URI: '' for the format's own, its usual prefix when known, else `fallback`. */
  private canonicalFor(uri: string, fallback: string): string {
    const known = NAMESPACES[uri.trim().toLowerCase()];
    if (known === undefined) return fallback;
    return this.options.primary.has(known) ? '' : known;
  }

  private resolve(raw: string, scope: Scope, attribute: boolean): string {
    const cache = attribute ? scope.attributeNames : scope.names;
    let name = cache.get(raw);
    if (name !== undefined) return name;
    const lower = raw.toLowerCase();
    const colon = lower.indexOf(':');
    if (colon < 0) {
      // Attributes without a prefix are in no namespace; elements are in the default one.
      name = attribute || !scope.defaultPrefix ? lower : `${scope.defaultPrefix}:${lower}`;
    } else {
      const prefix = lower.slice(0, colon);
      const local = lower.slice(colon + 1);
      if (prefix === 'xml' || prefix === 'xmlns') name = lower;
      else {
        // An undeclared prefix stays as written (`dc:`, `atom:` are often used so).
        const canonical = scope.prefixes.get(prefix) ?? (this.options.primary.has(prefix) ? '' : prefix);
        name = canonical ? `${canonical}:${local}` : local;
      }
    }
    cache.set(raw, name);
    return name;
  }

  /** Closes the element at `depth` (its end tag runs from `at` to `outerEnd`) and those open inside it. */
  private popTo(depth: number, at: number, outerEnd: number): void {
    const { stack, open } = this;
    while (stack.length > depth) {
      const element = stack.pop()!;
      this.scopes.pop();
      element.end = at;
      // Elements closed implicitly end where the end tag that closed them starts.
      element.outerEnd = stack.length === depth ? outerEnd : at;
      open.set(element.raw, open.get(element.raw)! - 1);
    }
  }
}

/** Skips `<!--…-->`, `<![CDATA[…]]>` or another declaration (a misplaced DOCTYPE, with its internal subset). */
function skipDeclaration(source: string, lt: number): number {
  if (source.startsWith('<!--', lt)) {
    const end = source.indexOf('-->', lt + 4);
    return end < 0 ? source.length : end + 3;
  }
  if (source.startsWith('<![CDATA[', lt)) {
    const end = source.indexOf(']]>', lt + 9);
    return end < 0 ? source.length : end + 3;
  }
  let inSubset = false;
  for (let i = lt + 2; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) {
      const close = source.indexOf(c === DQUOTE ? '"' : "'", i + 1);
      if (close < 0) return source.length;
      i = close;
    } else if (c === 91) inSubset = true;
    else if (c === 93) inSubset = false;
    else if (c === GT && !inSubset) return i + 1;
  }
  return source.length;
}

/**
 * Where a text element's content ends, and where reading resumes: at its end tag (counting
 * nested elements of the same name), skipping comments, CDATA sections and processing
 * instructions. An end tag of an element that is open around it also ends it (it was left
 * unclosed), so that scans never overlap and the whole read stays linear.
 */
function leafEnd(source: string, from: number, raw: string, open: Map<string, number>): [number, number] {
  const length = source.length;
  let depth = 1;
  let i = from;
  while (i < length) {
    const lt = source.indexOf('<', i);
    if (lt < 0) break;
    const c = source.charCodeAt(lt + 1);
    if (c === SLASH) {
      let gt = source.indexOf('>', lt + 2);
      if (gt < 0) gt = length;
      const name = source.slice(lt + 2, gt).trim();
      if (name === raw) {
        if (--depth === 0) return [lt, Math.min(gt + 1, length)];
      } else if ((open.get(name) ?? 0) > 0) return [lt, lt];
      i = gt + 1;
    } else if (c === BANG) {
      if (source.startsWith('<!--', lt)) {
        const end = source.indexOf('-->', lt + 4);
        i = end < 0 ? length : end + 3;
      } else if (source.startsWith('<![CDATA[', lt)) {
        const end = source.indexOf(']]>', lt + 9);
        i = end < 0 ? length : end + 3;
      } else i = lt + 2;
    } else if (c === QUESTION) {
      const end = source.indexOf('?>', lt + 2);
      i = end < 0 ? length : end + 2;
    } else if (source.startsWith(raw, lt + 1) && !isNameChar(source.charCodeAt(lt + 1 + raw.length))) {
      // The same element nested: its end tag is not ours (unless it closes itself).
      const gt = tagEnd(source, lt + 1 + raw.length);
      if (source.charCodeAt(gt - 1) !== SLASH) depth++;
      i = gt + 1;
    } else i = lt + 1;
  }
  return [length, length];
}

/** The index of the `>` that ends a tag, outside quotes (or the end of the input). */
function tagEnd(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === GT) return i;
    if (c === DQUOTE || c === SQUOTE) {
      const close = source.indexOf(c === DQUOTE ? '"' : "'", i + 1);
      if (close < 0) return source.length;
      i = close;
    }
  }
  return source.length;
}
