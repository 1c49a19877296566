import { mixSeed, Random, WeightedSampler, zipfWeights } from '../lib/random.ts';
import { FIRST_NAMES, GLUE, LAST_NAMES, LINK_SITES, TAGS, WORDS } from '../timeline/words.ts';

/**
 * The feeds the refresh benchmark serves, derived from the seed and the feed's number alone:
 * the feed server (its own process) and the benchmark (which checks what was stored) compute
 * the same plan and the same documents without sharing anything but the seed.
 *
 * Feed N is one of five kinds — fresh, unchanged, slow, failing, redirecting — and, when it
 * has items, an RSS 2.0 or Atom 1.0 document of 10–30 items of HTML a few hundred bytes to a
 * few KB long. Items are numbered; a document shows the newest `window` of them. Fresh, slow
 * and redirecting feeds gain 1–3 items on each cycle after the first; unchanged ones never
 * change and answer conditional requests with 304.
 */

export type FeedKind = 'fresh' | 'unchanged' | 'slow' | 'failing' | 'redirecting';
export type Failure = 'server_error' | 'not_found' | 'timeout' | 'html_page' | 'garbage';
export type Validators = 'both' | 'etag' | 'last_modified' | 'none';

export const KINDS: readonly FeedKind[] = ['fresh', 'unchanged', 'slow', 'failing', 'redirecting'];
export const FAILURES: readonly Failure[] = ['server_error', 'not_found', 'timeout', 'html_page', 'garbage'];

/** Share of each kind (the mix). */
const KIND_SHARES: ReadonlyArray<readonly [FeedKind, number]> = [
  ['fresh', 0.6],
  ['unchanged', 0.25],
  ['slow', 0.05],
  ['failing', 0.05],
  ['redirecting', 0.05],
];
/** How failing feeds fail: mostly errors the server answers at once, a few that never answer. */
const FAILURE_SHARES: ReadonlyArray<readonly [Failure, number]> = [
  ['server_error', 0.35],
  ['not_found', 0.25],
  ['html_page', 0.15],
  ['garbage', 0.15],
  ['timeout', 0.1],
];

/** The number of the oldest item a first cycle shows is FIRST_TOP - window + 1. */
const FIRST_TOP = 1000;

export interface FeedPlan {
  n: number;
  /** Which of the server's hosts (ports) serves it: 0 is the biggest platform. */
  host: number;
  kind: FeedKind;
  failure: Failure | null;
  format: 'rss' | 'atom';
  /** RSS: full text in content:encoded plus a short description (else the HTML is the description). */
  contentEncoded: boolean;
  /** Items per document. */
  window: number;
  /** Time between consecutive items. */
  gapMs: number;
  /** Slow feeds: how long the server waits before answering. */
  delayMs: number;
  /** Which validators the server sends (and honours). */
  validators: Validators;
  gzip: boolean;
}

function pickShare<T>(random: Random, shares: ReadonlyArray<readonly [T, number]>): T {
  let r = random.next();
  for (const [value, share] of shares) {
    if (r < share) return value;
    r -= share;
  }
  return shares[shares.length - 1]![0];
}

/** Host h's share of the feeds, when there are several: Zipf, so a few platforms hold many feeds, as on the web. */
const hostSamplers = new Map<number, WeightedSampler>();
function hostOf(seed: number, n: number, hosts: number): number {
  if (hosts <= 1) return 0;
  let sampler = hostSamplers.get(hosts);
  if (!sampler) hostSamplers.set(hosts, (sampler = new WeightedSampler(zipfWeights(hosts, 1.0))));
  return sampler.sample(new Random(mixSeed(mixSeed(seed, n), 0x4057)));
}

export function planFeed(seed: number, n: number, hosts = 1): FeedPlan {
  const host = hostOf(seed, n, hosts);
  const random = new Random(mixSeed(seed, n));
  const kind = pickShare(random, KIND_SHARES);
  const failure = kind === 'failing' ? pickShare(random, FAILURE_SHARES) : null;
  const format = random.chance(0.6) ? 'rss' : 'atom';
  return {
    n,
    host,
    kind,
    failure,
    format,
    contentEncoded: format === 'rss' && random.chance(0.5),
    window: random.between(10, 30),
    // From several a day to one a week.
    gapMs: random.between(2, 168) * 3600_000,
    delayMs: kind === 'slow' ? random.between(1000, 3000) : 0,
    // Unchanged feeds always send a validator (that is what makes them unchanged to us).
    validators:
      kind === 'unchanged'
        ? random.pick(['both', 'both', 'etag', 'last_modified'] as const)
        : random.pick(['both', 'etag', 'last_modified', 'none'] as const),
    gzip: random.chance(0.7),
  };
}

export function planFeeds(seed: number, feeds: number, hosts = 1): FeedPlan[] {
  return Array.from({ length: feeds }, (_, n) => planFeed(seed, n, hosts));
}

/** Does this feed serve a document (after its redirect, or its delay)? */
export const servesItems = (plan: FeedPlan): boolean => plan.kind !== 'failing';
/** Does it change between cycles? */
const grows = (plan: FeedPlan): boolean => plan.kind === 'fresh' || plan.kind === 'slow' || plan.kind === 'redirecting';

/** Items added to the feed at the start of `cycle` (none at the first). */
export function newItemsAt(seed: number, plan: FeedPlan, cycle: number): number {
  if (cycle <= 1 || !grows(plan)) return 0;
  return new Random(mixSeed(mixSeed(seed, plan.n), 0x5eed + cycle)).between(1, 3);
}

/** The newest item's number in `cycle`. */
export function topItem(seed: number, plan: FeedPlan, cycle: number): number {
  let top = FIRST_TOP;
  for (let c = 2; c <= cycle; c++) top += newItemsAt(seed, plan, c);
  return top;
}

/** Items a refresher should store in `cycle` (every document item is new in the first). */
export function expectedNewItems(seed: number, plan: FeedPlan, cycle: number): number {
  if (!servesItems(plan)) return 0;
  return cycle <= 1 ? plan.window : newItemsAt(seed, plan, cycle);
}

// ---- documents ------------------------------------------------------------------------------

const WORD_SAMPLER = new WeightedSampler(zipfWeights(WORDS.length, 1.0));
const TAG_SAMPLER = new WeightedSampler(zipfWeights(TAGS.length, 1.1));

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

function word(random: Random): string {
  return WORDS[WORD_SAMPLER.sample(random)]!;
}

function words(random: Random, min: number, max: number): string {
  const out: string[] = [];
  const length = random.between(min, max);
  for (let i = 0; i < length; i++) out.push(i > 0 && random.chance(0.3) ? random.pick(GLUE) : word(random));
  return out.join(' ');
}

function sentence(random: Random): string {
  const tokens = words(random, 8, 22).split(' ');
  // Some inline markup, as blog posts have.
  if (tokens.length > 4 && random.chance(0.25)) {
    const i = random.int(tokens.length - 3);
    const tag = random.pick(['em', 'strong', 'code', 'a'] as const);
    const inner = tokens.slice(i, i + 2).join(' ');
    const marked =
      tag === 'a'
        ? `<a href="${random.pick(LINK_SITES)}${word(random)}-${random.between(100, 9999)}" title="${word(random)}">${inner}</a>`
        : `<${tag}>${inner}</${tag}>`;
    tokens.splice(i, 2, marked);
  }
  return `${capital(tokens.join(' '))}${random.pick(['.', '.', '.', '!', '?'])}`;
}

function paragraph(random: Random): string {
  return Array.from({ length: random.between(2, 5) }, () => sentence(random)).join(' ');
}

/** HTML as blogs publish it: paragraphs, links, images with relative URLs, lists, quotes, and now and then something a sanitiser must remove. */
function itemHtml(random: Random, plan: FeedPlan, k: number): string {
  const long = random.chance(0.08);
  const blocks: string[] = [];
  const paragraphs = long ? random.between(8, 14) : random.between(1, 4);
  for (let p = 0; p < paragraphs; p++) {
    blocks.push(`<p>${paragraph(random)}</p>`);
    if (random.chance(0.12))
      blocks.push(`<ul>${Array.from({ length: random.between(3, 6) }, () => `<li>${words(random, 3, 9)}</li>`).join('')}</ul>`);
    if (random.chance(0.06)) blocks.push(`<blockquote cite="https://example.org/quote"><p>${sentence(random)}</p></blockquote>`);
  }
  if (random.chance(0.35)) {
    const image = `<figure><img src="/images/${plan.n}/${k}.jpg" alt="${words(random, 2, 6)}" width="640" height="480"><figcaption>${words(random, 3, 8)}</figcaption></figure>`;
    blocks.splice(random.int(blocks.length + 1), 0, image);
  }
  if (random.chance(0.04)) blocks.push(`<script>trackVisit(${k});</script>`);
  if (random.chance(0.05))
    blocks.push(
      `<div class="share" style="color: red" onclick="share(${k})"><a href="javascript:share()">Share</a> <iframe src="https://ads.example.com/${k}"></iframe></div>`,
    );
  if (random.chance(0.1))
    blocks.push(`<p>${capital(words(random, 2, 4))} &amp; ${words(random, 2, 4)} &#8212; ${word(random)}&nbsp;&#8230;</p>`);
  return blocks.join('\n');
}

interface Item {
  k: number;
  title: string;
  author: string;
  link: string;
  published: Date;
  html: string;
  tags: string[];
}

function siteOf(plan: FeedPlan): string {
  return `https://blog-${plan.n}.example.org`;
}

function item(seed: number, plan: FeedPlan, k: number, anchorMs: number): Item {
  const random = new Random(mixSeed(mixSeed(seed, plan.n), k));
  const title = capital(words(random, 3, 10));
  const author = `${capital(random.pick(FIRST_NAMES))} ${capital(random.pick(LAST_NAMES))}`;
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60);
  const tags = [...new Set(Array.from({ length: random.int(4) }, () => TAGS[TAG_SAMPLER.sample(random)]!))];
  return {
    k,
    title,
    author,
    link: `${siteOf(plan)}/${2020 + (k % 6)}/${slug}-${k}`,
    // Item k is older than item k+1 by the feed's gap; new items stay in the past of the run.
    published: new Date(anchorMs - (FIRST_TOP + 100 - k) * plan.gapMs),
    html: itemHtml(random, plan, k),
    tags,
  };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Document {
  contentType: string;
  body: string;
  /** The validators for this version of the document. */
  etag: string;
  lastModified: string;
}

/** Feed N's document in `cycle`; `selfUrl` is where it is served. */
export function feedDocument(seed: number, plan: FeedPlan, cycle: number, anchorMs: number, selfUrl: string): Document {
  const top = topItem(seed, plan, cycle);
  const items: Item[] = [];
  for (let k = top; k > top - plan.window; k--) items.push(item(seed, plan, k, anchorMs));
  const random = new Random(mixSeed(mixSeed(seed, plan.n), 0xfeed));
  const title = `${capital(words(random, 2, 5))} — ${capital(random.pick(FIRST_NAMES))}'s blog`;
  const description = capital(words(random, 6, 14));
  const updated = items[0]!.published;
  const etag = `"${plan.n.toString(36)}-${top.toString(36)}"`;
  const lastModified = updated.toUTCString();
  const site = siteOf(plan);
  let body: string;
  if (plan.format === 'rss') {
    const parts = [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">`,
      `<channel>`,
      `<title>${escapeXml(title)}</title>`,
      `<link>${site}/</link>`,
      `<description>${escapeXml(description)}</description>`,
      `<language>en-us</language>`,
      `<lastBuildDate>${lastModified}</lastBuildDate>`,
      `<atom:link href="${escapeXml(selfUrl)}" rel="self" type="application/rss+xml"/>`,
      `<image><url>${site}/logo.png</url><title>${escapeXml(title)}</title><link>${site}/</link></image>`,
    ];
    for (const it of items) {
      parts.push(
        `<item>`,
        `<title>${escapeXml(it.title)}</title>`,
        `<link>${it.link}</link>`,
        it.k % 2 ? `<guid isPermaLink="true">${it.link}</guid>` : `<guid isPermaLink="false">${site.slice(8)}-post-${it.k}</guid>`,
        `<pubDate>${it.published.toUTCString()}</pubDate>`,
        `<dc:creator><![CDATA[${it.author}]]></dc:creator>`,
        ...it.tags.map((t) => `<category>${t}</category>`),
        plan.contentEncoded
          ? `<description>${escapeXml(it.html.replace(/<[^>]+>/g, '').slice(0, 240))}</description>\n<content:encoded><![CDATA[${it.html}]]></content:encoded>`
          : `<description><![CDATA[${it.html}]]></description>`,
        `</item>`,
      );
    }
    parts.push(`</channel>`, `</rss>`);
    body = parts.join('\n');
  } else {
    const parts = [
      `<?xml version="1.0" encoding="utf-8"?>`,
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`,
      `<title>${escapeXml(title)}</title>`,
      `<subtitle>${escapeXml(description)}</subtitle>`,
      `<link href="${site}/" rel="alternate" type="text/html"/>`,
      `<link href="${escapeXml(selfUrl)}" rel="self" type="application/atom+xml"/>`,
      `<id>tag:${site.slice(8)},2020:feed</id>`,
      `<updated>${updated.toISOString()}</updated>`,
      `<icon>${site}/favicon.ico</icon>`,
    ];
    for (const it of items) {
      parts.push(
        `<entry>`,
        `<title type="html">${escapeXml(escapeXml(it.title))}</title>`,
        `<link href="${it.link}" rel="alternate" type="text/html"/>`,
        `<id>tag:${site.slice(8)},2020:post-${it.k}</id>`,
        `<published>${it.published.toISOString()}</published>`,
        `<updated>${it.published.toISOString()}</updated>`,
        `<author><name>${escapeXml(it.author)}</name></author>`,
        ...it.tags.map((t) => `<category term="${t}"/>`),
        `<content type="html">${escapeXml(it.html)}</content>`,
        `</entry>`,
      );
    }
    parts.push(`</feed>`);
    body = parts.join('\n');
  }
  const contentType =
    plan.format === 'rss'
      ? plan.n % 3 === 0
        ? 'text/xml; charset=utf-8'
        : 'application/rss+xml; charset=utf-8'
      : 'application/atom+xml; charset=utf-8';
  return { contentType, body, etag, lastModified };
}

/** A web page where a feed was expected (a moved blog's home page). */
export function htmlPage(seed: number, plan: FeedPlan): string {
  const random = new Random(mixSeed(mixSeed(seed, plan.n), 0x4e1));
  const paragraphs = Array.from({ length: random.between(3, 8) }, () => `<p>${paragraph(random)}</p>`).join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${capital(words(random, 2, 5))}</title><link rel="stylesheet" href="/style.css"></head>\n<body><header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>\n<main>${paragraphs}</main>\n<script src="/app.js"></script></body></html>`;
}

/** Bytes that are no feed at all. */
export function garbage(seed: number, plan: FeedPlan): Buffer {
  const random = new Random(mixSeed(mixSeed(seed, plan.n), 0xbad));
  const bytes = Buffer.alloc(random.between(2000, 8000));
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
  return bytes;
}
