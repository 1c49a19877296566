import type { FeedAuthor, FeedDocument, FeedItem } from '../../../src/feeds/parse.ts';
import { Skip, type Truth } from './python-expr.ts';
import { htmlToText } from '../../../src/platform/sanitize.ts';
import { DateValue, HtmlValue, TextValue, normalizeUrl } from './values.ts';

/**
 * gofeed's expectations mapped onto our model. Each gofeed case is a feed and gofeed's parse
 * of it as JSON, in one of four models: its RSS model (`parser/rss`), its Atom model
 * (`parser/atom`), its universal model (`translator/*`), or JSON Feed's own fields
 * (`parser/json`). Every leaf of the expected JSON becomes one check against our document; a
 * leaf whose field has no counterpart in our model is a Skip of a named kind. A case applies
 * when at least one of its substantive leaves (not only the format and version) maps; then it
 * passes when none of its mapped leaves disagree.
 */

export const GOFEED_SKIP_KINDS = {
  rights: 'copyright/rights: JSON Feed has no rights field',
  publisher: 'webMaster: a technical contact, not an author',
  feedDates: 'feed-level dates (pubDate, lastBuildDate, updated): JSON Feed has no feed date',
  feedTags: 'feed-level categories: JSON Feed has tags on items only',
  categoryMeta: 'category domain/scheme/label: tags are plain strings',
  channelMeta: 'RSS channel metadata (cloud, textInput, skipDays, skipHours, ttl, rating, docs, image title/link/size)',
  links: 'link lists: we keep the alternate link and the feed URL, not every <link>',
  extensions: 'raw namespace element trees (gofeed extensions, dcExt, itunesExt, custom elements)',
  guidIsLink: 'guid isPermaLink: we keep the resulting link, not the flag',
  feedId: 'feed id: JSON Feed has no feed-level id',
  generator: 'generator: not kept',
  contributors: 'contributors: JSON Feed has authors only',
  source: 'entry <source>: not kept',
  contentMeta: 'content type: content is always sanitised HTML',
  jsonExtra: 'JSON Feed fields a reader does not use (user_comment, next_url, expired, hubs)',
  authorEmail: 'author e-mail beside a homepage: a JSON Feed author has one url, and the homepage wins',
  unknown: 'a gofeed field with no counterpart',
} as const;
export type GofeedSkipKind = keyof typeof GOFEED_SKIP_KINDS;

export type GofeedModel = 'rss' | 'atom' | 'universal' | 'json';

interface Leaf {
  /** `items[0].authors[1].name` */
  path: string;
  /** `items[].authors[].name` */
  pattern: string;
  indices: number[];
  value: unknown;
}

function leaves(value: unknown, path = '', pattern = '', indices: number[] = [], out: Leaf[] = []): Leaf[] {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({ path: `${path}=[]`, pattern: `${pattern}=[]`, indices, value });
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, `${pattern}[]`, [...indices, i], out));
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push({ path: `${path}={}`, pattern: `${pattern}={}`, indices, value });
    for (const [k, v] of entries) leaves(v, path ? `${path}.${k}` : k, pattern ? `${pattern}.${k}` : k, indices, out);
  } else out.push({ path, pattern, indices, value });
  return out;
}

export interface Check {
  path: string;
  truth: Truth;
  /** Only about the format/version or an empty list: does not make a case applicable alone. */
  incidental?: boolean;
  ours?: unknown;
  theirs?: unknown;
}

const skip = (kind: GofeedSkipKind) => new Skip(`gofeed:${kind}`);

function text(ours: string | undefined, theirs: unknown): Truth {
  if (typeof theirs !== 'string') return false;
  if (ours === undefined) return theirs.trim() === '';
  return new TextValue(ours).eq(theirs);
}

function html(item: FeedItem | undefined, theirs: unknown): Truth {
  if (typeof theirs !== 'string' || !item) return false;
  if (item.content_html !== undefined) return new HtmlValue(item.content_html).eq(theirs);
  if (item.content_text !== undefined) return new TextValue(item.content_text).eq(theirs);
  return theirs.trim() === '';
}

/** An item's description: its summary when it has content besides, else the content itself. */
function description(item: FeedItem | undefined, theirs: unknown): Truth {
  if (!item) return false;
  if (item.summary !== undefined) return text(item.summary, theirs);
  return html(item, theirs);
}

/** Equal; numbers equal their decimal text; URLs equal however they are spelled (a trailing `/`). */
function same(ours: unknown, theirs: unknown): Truth {
  if (ours === theirs || (typeof ours === 'number' && String(ours) === theirs)) return true;
  const isUrl = (v: unknown): v is string => typeof v === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(v);
  return isUrl(ours) && isUrl(theirs) && normalizeUrl(ours) === normalizeUrl(theirs);
}

function date(ours: string | undefined, theirs: unknown): Truth {
  if (typeof theirs !== 'string') return false;
  if (!ours) return false;
  return new DateValue(ours).eq(theirs);
}

function emailOf(author: FeedAuthor | undefined): string | undefined {
  return author?.url?.startsWith('mailto:') ? decodeURIComponent(author.url.slice(7)) : undefined;
}

function person(author: FeedAuthor | undefined, field: string, theirs: unknown): Truth {
  if (!author) return false;
  switch (field) {
    case 'name':
      return same(author.name, theirs);
    case 'email':
      if (author.url && !author.url.startsWith('mailto:')) return skip('authorEmail');
      return same(emailOf(author), theirs);
    case 'uri':
    case 'url':
      return same(author.url, theirs);
    case 'avatar':
      return same(author.avatar, theirs);
  }
  return skip('unknown');
}

/** RSS's `managingEditor`/`author` text: `email (Name)`, `Name (email)`, `Name <email>` or either alone. */
function rawPerson(author: FeedAuthor | undefined, theirs: unknown): Truth {
  if (typeof theirs !== 'string' || !author) return false;
  const raw = htmlToText(theirs);
  const email = /[^\s()<>]+@[^\s()<>]+/.exec(raw)?.[0];
  // The name is what is left once the address and its brackets are gone: `Name (a@b)`, `a@b (Name)`.
  let name = email ? raw.replace(new RegExp(`[(<]?\\s*(mailto:)?${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[)>]?`), ' ') : raw;
  name = name.replace(/\s+/g, ' ').trim().replace(/^\((.*)\)$/, '$1').trim();
  if (email && emailOf(author) !== email) return false;
  if (name && author.name !== name) return false;
  return true;
}

type Rule = (doc: FeedDocument, leaf: Leaf) => Truth;

const item = (doc: FeedDocument, leaf: Leaf) => doc.items[leaf.indices[0]!];

/** Rules shared by every model: items and their common fields. */
const COMMON: Record<string, Rule> = {
  'items=[]': (doc) => doc.items.length === 0,
  'items[].title': (doc, l) => text(item(doc, l)?.title, l.value),
  'items[].description': (doc, l) => description(item(doc, l), l.value),
  'items[].content': (doc, l) => html(item(doc, l), l.value),
  'items[].link': (doc, l) => same(item(doc, l)?.url, l.value),
  // Tags are a set: JSON Feed gives their order no meaning, and parsers gather them from several elements in different orders.
  'items[].categories[]': (doc, l) => (item(doc, l)?.tags ?? []).some((t) => same(t, l.value) === true),
  'items[].enclosures[].url': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.url, l.value),
  'items[].enclosures[].type': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.mime_type, l.value),
  'items[].enclosures[].length': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.size_in_bytes, l.value),
};

const RSS: Record<string, Rule> = {
  ...COMMON,
  title: (doc, l) => text(doc.title, l.value),
  description: (doc, l) => text(doc.description, l.value),
  link: (doc, l) => same(doc.home_page_url, l.value),
  managingEditor: (doc, l) => rawPerson(doc.authors?.[0], l.value),
  'image.url': (doc, l) => same(doc.icon, l.value),
  'items[].author': (doc, l) => rawPerson(item(doc, l)?.authors?.[0], l.value),
  'items[].categories[].value': (doc, l) => (item(doc, l)?.tags ?? []).some((t) => same(t, l.value) === true),
  'items[].guid.value': (doc, l) => same(item(doc, l)?.id, l.value),
  'items[].enclosure.url': (doc, l) => same(item(doc, l)?.attachments?.[0]?.url, l.value),
  'items[].enclosure.type': (doc, l) => same(item(doc, l)?.attachments?.[0]?.mime_type, l.value),
  'items[].enclosure.length': (doc, l) => same(item(doc, l)?.attachments?.[0]?.size_in_bytes, l.value),
  'items[].pubDate': (doc, l) => date(item(doc, l)?.date_published, l.value),
  'items[].pubDateParsed': (doc, l) => date(item(doc, l)?.date_published, l.value),
};

const entry = (doc: FeedDocument, leaf: Leaf) => doc.items[leaf.indices[0]!];

const ATOM: Record<string, Rule> = {
  'entries=[]': (doc) => doc.items.length === 0,
  title: (doc, l) => text(doc.title, l.value),
  subtitle: (doc, l) => text(doc.description, l.value),
  logo: (doc, l) => same(doc.icon, l.value),
  icon: (doc, l) => same(doc.favicon, l.value),
  'authors[].name': (doc, l) => person(doc.authors?.[l.indices[0]!], 'name', l.value),
  'authors[].email': (doc, l) => person(doc.authors?.[l.indices[0]!], 'email', l.value),
  'authors[].uri': (doc, l) => person(doc.authors?.[l.indices[0]!], 'uri', l.value),
  'entries[].title': (doc, l) => text(entry(doc, l)?.title, l.value),
  'entries[].summary': (doc, l) => description(entry(doc, l), l.value),
  'entries[].content.value': (doc, l) => html(entry(doc, l), l.value),
  'entries[].id': (doc, l) => same(entry(doc, l)?.id, l.value),
  'entries[].updated': (doc, l) => date(entry(doc, l)?.date_modified ?? entry(doc, l)?.date_published, l.value),
  'entries[].updatedParsed': (doc, l) => date(entry(doc, l)?.date_modified ?? entry(doc, l)?.date_published, l.value),
  'entries[].published': (doc, l) => date(entry(doc, l)?.date_published, l.value),
  'entries[].publishedParsed': (doc, l) => date(entry(doc, l)?.date_published, l.value),
  'entries[].authors[].name': (doc, l) => person(entry(doc, l)?.authors?.[l.indices[1]!], 'name', l.value),
  'entries[].authors[].email': (doc, l) => person(entry(doc, l)?.authors?.[l.indices[1]!], 'email', l.value),
  'entries[].authors[].uri': (doc, l) => person(entry(doc, l)?.authors?.[l.indices[1]!], 'uri', l.value),
  'entries[].categories[].term': (doc, l) => (entry(doc, l)?.tags ?? []).some((t) => same(t, l.value) === true),
};

const UNIVERSAL: Record<string, Rule> = {
  ...COMMON,
  title: (doc, l) => text(doc.title, l.value),
  description: (doc, l) => text(doc.description, l.value),
  link: (doc, l) => same(doc.home_page_url, l.value),
  feedLink: (doc, l) => same(doc.feed_url, l.value),
  language: (doc, l) => same(doc.language, l.value),
  'image.url': (doc, l) => same(doc.icon, l.value),
  'author.name': (doc, l) => person(doc.authors?.[0], 'name', l.value),
  'author.email': (doc, l) => person(doc.authors?.[0], 'email', l.value),
  'authors[].name': (doc, l) => person(doc.authors?.[l.indices[0]!], 'name', l.value),
  'authors[].email': (doc, l) => person(doc.authors?.[l.indices[0]!], 'email', l.value),
  'authors[].url': (doc, l) => person(doc.authors?.[l.indices[0]!], 'url', l.value),
  'authors[].avatar': (doc, l) => person(doc.authors?.[l.indices[0]!], 'avatar', l.value),
  'items[].guid': (doc, l) => same(item(doc, l)?.id, l.value),
  'items[].updated': (doc, l) => date(item(doc, l)?.date_modified ?? item(doc, l)?.date_published, l.value),
  'items[].updatedParsed': (doc, l) => date(item(doc, l)?.date_modified ?? item(doc, l)?.date_published, l.value),
  'items[].published': (doc, l) => date(item(doc, l)?.date_published, l.value),
  'items[].publishedParsed': (doc, l) => date(item(doc, l)?.date_published, l.value),
  'items[].author.name': (doc, l) => person(item(doc, l)?.authors?.[0], 'name', l.value),
  'items[].author.email': (doc, l) => person(item(doc, l)?.authors?.[0], 'email', l.value),
  'items[].authors[].name': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'name', l.value),
  'items[].authors[].email': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'email', l.value),
  'items[].authors[].url': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'url', l.value),
  'items[].authors[].avatar': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'avatar', l.value),
  'items[].image.url': (doc, l) => same(item(doc, l)?.image, l.value),
};

const JSON_FEED: Record<string, Rule> = {
  title: (doc, l) => text(doc.title, l.value),
  home_page_url: (doc, l) => same(doc.home_page_url, l.value),
  feed_url: (doc, l) => same(doc.feed_url, l.value),
  description: (doc, l) => text(doc.description, l.value),
  icon: (doc, l) => same(doc.icon, l.value),
  favicon: (doc, l) => same(doc.favicon, l.value),
  language: (doc, l) => same(doc.language, l.value),
  'author.name': (doc, l) => person(doc.authors?.[0], 'name', l.value),
  'author.url': (doc, l) => person(doc.authors?.[0], 'url', l.value),
  'author.avatar': (doc, l) => person(doc.authors?.[0], 'avatar', l.value),
  'authors[].name': (doc, l) => person(doc.authors?.[l.indices[0]!], 'name', l.value),
  'authors[].url': (doc, l) => person(doc.authors?.[l.indices[0]!], 'url', l.value),
  'authors[].avatar': (doc, l) => person(doc.authors?.[l.indices[0]!], 'avatar', l.value),
  'items=[]': (doc) => doc.items.length === 0,
  'items[].id': (doc, l) => same(item(doc, l)?.id, l.value),
  'items[].url': (doc, l) => same(item(doc, l)?.url, l.value),
  'items[].external_url': (doc, l) => same(item(doc, l)?.external_url, l.value),
  'items[].title': (doc, l) => text(item(doc, l)?.title, l.value),
  'items[].content_html': (doc, l) => (typeof l.value === 'string' && item(doc, l)?.content_html !== undefined ? new HtmlValue(item(doc, l)!.content_html!).eq(l.value) : false),
  'items[].content_text': (doc, l) => same(item(doc, l)?.content_text, l.value),
  'items[].summary': (doc, l) => text(item(doc, l)?.summary, l.value),
  'items[].image': (doc, l) => same(item(doc, l)?.image, l.value),
  'items[].date_published': (doc, l) => date(item(doc, l)?.date_published, l.value),
  'items[].date_modified': (doc, l) => date(item(doc, l)?.date_modified, l.value),
  'items[].tags[]': (doc, l) => (item(doc, l)?.tags ?? []).some((t) => same(t, l.value) === true),
  'items[].language': (doc, l) => same(item(doc, l)?.language, l.value),
  'items[].author.name': (doc, l) => person(item(doc, l)?.authors?.[0], 'name', l.value),
  'items[].author.url': (doc, l) => person(item(doc, l)?.authors?.[0], 'url', l.value),
  'items[].author.avatar': (doc, l) => person(item(doc, l)?.authors?.[0], 'avatar', l.value),
  'items[].authors[].name': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'name', l.value),
  'items[].authors[].url': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'url', l.value),
  'items[].authors[].avatar': (doc, l) => person(item(doc, l)?.authors?.[l.indices[1]!], 'avatar', l.value),
  'items[].attachments[].url': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.url, l.value),
  'items[].attachments[].mime_type': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.mime_type, l.value),
  'items[].attachments[].title': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.title, l.value),
  'items[].attachments[].size_in_bytes': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.size_in_bytes, l.value),
  'items[].attachments[].duration_in_seconds': (doc, l) => same(item(doc, l)?.attachments?.[l.indices[1]!]?.duration_in_seconds, l.value),
};

const RULES: Record<GofeedModel, Record<string, Rule>> = { rss: RSS, atom: ATOM, universal: UNIVERSAL, json: JSON_FEED };

/** Fields with no counterpart, by the pattern of their path. */
function skipKind(pattern: string): GofeedSkipKind {
  const last = pattern.replace(/\[\]|=\[\]|=\{\}/g, '').split('.');
  const has = (re: RegExp) => last.some((part) => re.test(part));
  if (has(/^(extensions|dcExt|itunesExt|custom)$/)) return 'extensions';
  if (has(/^source$/)) return 'source';
  if (has(/^contributors$/)) return 'contributors';
  if (has(/^links$/)) return 'links';
  if (has(/^(copyright|rights)$/)) return 'rights';
  if (has(/^webMaster$/)) return 'publisher';
  if (has(/^generator$/)) return 'generator';
  if (has(/^(user_comment|next_url|expired|hubs|banner_image)$/)) return 'jsonExtra';
  if (/^(items|entries)/.test(pattern)) {
    if (has(/^(domain|scheme|label)$/)) return 'categoryMeta';
    if (has(/^isPermalink$/)) return 'guidIsLink';
    if (has(/^type$/) && has(/^content$/)) return 'contentMeta';
    return 'unknown';
  }
  if (has(/^(pubDate|pubDateParsed|lastBuildDate|updated|updatedParsed|published|publishedParsed)$/)) return 'feedDates';
  if (has(/^categories$/)) return 'feedTags';
  if (has(/^(cloud|textInput|skipDays|skipHours|ttl|rating|docs|image)$/)) return 'channelMeta';
  if (has(/^id$/)) return 'feedId';
  return 'unknown';
}

/** The format/version leaves: checked, but they alone do not make a case applicable. */
function incidental(model: GofeedModel, doc: FeedDocument, leaf: Leaf): Truth | undefined {
  const { format, format_version } = doc._commonroom;
  if (leaf.pattern === 'version' && (model === 'rss' || model === 'atom' || model === 'json')) {
    if (leaf.value === '' && format === 'rss') return format_version === undefined;
    return same(format_version, leaf.value);
  }
  if (leaf.pattern === 'feedType') return same(format === 'rdf' ? 'rss' : format, leaf.value); // gofeed calls RDF "rss"
  if (leaf.pattern === 'feedVersion') return same(format_version, leaf.value);
  return undefined;
}

export function checkGofeed(model: GofeedModel, expected: unknown, doc: FeedDocument): Check[] {
  const rules = RULES[model];
  return leaves(expected).map((leaf): Check => {
    const minor = incidental(model, doc, leaf);
    if (minor !== undefined) return { path: leaf.path, truth: minor, incidental: true, theirs: leaf.value };
    const rule = rules[leaf.pattern];
    if (!rule) return { path: leaf.path, truth: skip(skipKind(leaf.pattern)), theirs: leaf.value };
    return { path: leaf.path, truth: rule(doc, leaf), theirs: leaf.value, incidental: /=\[\]$/.test(leaf.pattern) };
  });
}

export interface Verdict {
  status: 'pass' | 'fail' | 'skip';
  reason?: string;
}

export function verdict(checks: Check[]): Verdict {
  const failed = checks.filter((c) => c.truth === false);
  if (failed.length) return { status: 'fail', reason: failed.map((c) => `${c.path} ≠ ${JSON.stringify(c.theirs)}`).join('; ') };
  const substantive = checks.filter((c) => !c.incidental);
  const applicable = substantive.length === 0 || substantive.some((c) => !(c.truth instanceof Skip));
  if (applicable) return { status: 'pass' };
  const kinds = [...new Set(substantive.map((c) => (c.truth as Skip).kind))];
  return { status: 'skip', reason: kinds.join(', ') };
}
