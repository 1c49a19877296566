import { createHash } from 'node:crypto';
import { escapeHtml, htmlToText, safeUrl, sanitizeHtml } from '../platform/sanitize.ts';
import { parseDate } from './dates.ts';
import { decodeBase64Text } from './decode.ts';
import type { FeedAttachment, FeedAuthor, FeedItem, ParseOptions } from './feed-document.ts';
import type { AtomText, MediaParts, Person, XmlAttrs } from './feed-xml-shapes.ts';
import type { Root } from './prolog.ts';

/**
 * The mapping steps every format shares (map-rss.ts, map-atom.ts, map-json.ts): text and HTML
 * of a field (sanitised, with xml:base in force), links, dates, numbers, people, categories,
 * Media RSS and iTunes parts, and an item's id when the feed gives none.
 */

export interface Meta {
  encoding: string;
  warnings: string[];
}

export interface Context {
  options: ParseOptions;
  meta: Meta;
  root: Root;
  doctype: string | undefined;
  xml: string;
}

export type Maybe<T> = T | undefined | null;

/** The base URL in force inside `node`: its xml:base resolved against its parent's. */
export function base(parent: string | undefined, node: Maybe<XmlAttrs>): string | undefined {
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

export function clean(value: Maybe<string>): string | undefined {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

const LOOKS_LIKE_HTML = /<\/?[a-z][a-z0-9]*[\s/>]|&(#\d+|#x[0-9a-f]+|[a-z]+);/i;
export const HTML_TYPES = /^(html|xhtml|text\/html|application\/xhtml\+xml)$/i;
export const TEXT_TYPES = /^(text|text\/plain)$/i;
/** Types other than text, HTML and XML: Atom says their content is base64. */
export const BINARY_TYPE = /^(?!text\/)(?![^;]*(xml|html))[\w.+-]+\/[\w.+-]+/i;

/** Plain text of a title-like field that may or may not hold markup. */
export function plain(value: Maybe<string>, type?: string): string | undefined {
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
export function html(value: Maybe<string>, baseUrl: string | undefined, type?: string): string | undefined {
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

export function link(value: Maybe<string>, baseUrl: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? (safeUrl(trimmed, baseUrl) ?? undefined) : undefined;
}

export function date(value: Maybe<string>): string | undefined {
  const time = parseDate(value ?? null);
  return time === null ? undefined : new Date(time).toISOString();
}

export function number(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function durationSeconds(value: Maybe<string | number>): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return number(value);
  const parts = value.split(':').map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return undefined;
  return number(parts.reduce((total, part) => total * 60 + part, 0));
}

export function unique<T>(values: T[], key: (v: T) => string = String): T[] | undefined {
  const seen = new Set<string>();
  const out = values.filter((v) => {
    const k = key(v);
    if (!k || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return out.length ? out : undefined;
}

export function first<T>(...values: Array<Maybe<T>>): T | undefined {
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
export function compact<T extends object>(value: T): T {
  const out = {} as T;
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

export function finishItem(item: Omit<FeedItem, 'id'> & { id?: string | undefined }): FeedItem {
  const id = clean(item.id) ?? item.url ?? hashId([item.title, item.content_html, item.content_text, item.summary, item.date_published]);
  return compact({ ...item, id });
}

export function author(person: Maybe<Person>, baseUrl: string | undefined): FeedAuthor | undefined {
  if (!person) return undefined;
  const name = plain(person.name);
  const email = clean(person.email)?.replace(/^mailto:/i, '');
  const url =
    link(person.uri ?? person.link, baseUrl) ?? (email && /^[^\s@]+@[^\s@]+$/.test(email) ? link(`mailto:${email}`, undefined) : undefined);
  if (!name && !url) return undefined;
  return compact({ name: name ?? (url ? undefined : email), url });
}

/** A plain name (dc:creator, itunes:author), which may be written `Name (email)` or `email (Name)`. */
export function namedAuthor(text: Maybe<string>): FeedAuthor | undefined {
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

export function authors(list: Array<FeedAuthor | undefined>): FeedAuthor[] | undefined {
  return unique(
    list.filter((a): a is FeedAuthor => a !== undefined),
    (a) => `${a.name ?? ''}\u0000${a.url ?? ''}`,
  );
}

/** A category as people read it: its label (RFC 4287: "for display"), else its term. */
export function categoryName(term: Maybe<string>, label: Maybe<string>): string {
  return clean(label) ?? clean(term) ?? '';
}

export function mediaParts(node: MediaParts, baseUrl: string | undefined) {
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

export function atomText(text: AtomText | undefined): string | undefined {
  return text ? plain(text.value, text.type ?? 'text') : undefined;
}

export function atomHtml(value: AtomText | undefined, baseUrl: string | undefined): string | undefined {
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
