import { Random, WeightedSampler, zipfWeights } from '../lib/random.ts';

/**
 * A large, realistic feed for the parse benchmark, the same for a given seed on every run: a
 * blog's full-text feed as RSS 2.0 (content:encoded HTML in CDATA, dc:creator, categories,
 * pubDate, a guid) or Atom 1.0 (escaped HTML content, author, categories, published and
 * updated) with the same entries. The HTML is paragraphs of prose with links, emphasis, code,
 * entities and a little non-ASCII text; each item's length varies (log-normal), and the lengths
 * are scaled as the document grows so that it ends within about 1% of `targetBytes`.
 */

export type LargeFormat = 'rss' | 'atom';

export interface LargeFeedOptions {
  format: LargeFormat;
  items: number;
  targetBytes: number;
  seed: number;
}

export interface LargeFeed {
  xml: string;
  bytes: number;
  items: number;
  /** Mean length of an item's HTML as written (escaped, for Atom). */
  meanHtmlBytes: number;
}

const SITE = 'https://fieldnotes.example.org';
/** The newest item's date; older ones follow at irregular gaps. */
const NEWEST_MS = Date.UTC(2025, 5, 1, 8, 30, 0);

const WORDS = `
the of and to a in that is for it as with on this be are by at from or an we not but can
have one all which their more about will if when they there so what do into out up some
team data system feed reader learning network people work time notes index parser users
search design model query tests release server version change build review pattern cache
community practice colleagues workshop sources article paper reading writing thread idea
performance latency memory throughput storage schema migration database indexing ranking
library archive catalog bookmark highlight summary newsletter podcast conference talk
simple careful small useful open quiet steady honest practical fresh curious thoughtful
week month morning afternoon yesterday lately finally again often rarely usually already
measure compare explain refactor deploy publish follow subscribe collect curate annotate
café naïve résumé façade — déjà
`
  .trim()
  .split(/\s+/);

const TAGS = `
engineering databases search reading-notes open-source performance design writing
teaching research tools web accessibility privacy community career rust typescript python
postgres sqlite indexing feeds opml fediverse learning conferences
`
  .trim()
  .split(/\s+/);

const FIRST = [
  'Ada',
  'Bram',
  'Chidi',
  'Dana',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Imani',
  'João',
  'Kai',
  'Lena',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tomás',
  'Uma',
  'Vera',
  'Wen',
  'Yusuf',
  'Zoë',
];
const LAST = [
  'Okafor',
  'Lindqvist',
  'Nakamura',
  'Haddad',
  'Moreau',
  'Kowalski',
  'Osei',
  'Fernández',
  'Petrov',
  'Schmidt',
  'Tanaka',
  'Byrne',
  'Costa',
  'Ibrahim',
  'Novak',
];
const LINK_HOSTS = [
  'https://en.wikipedia.org/wiki/',
  'https://github.com/',
  'https://developer.mozilla.org/en-US/docs/',
  'https://www.postgresql.org/docs/current/',
  'https://arxiv.org/abs/',
  'https://news.example.com/2025/',
];

const WORD_SAMPLER = new WeightedSampler(zipfWeights(WORDS.length, 0.9));
const TAG_SAMPLER = new WeightedSampler(zipfWeights(TAGS.length, 1.0));

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const word = (random: Random) => WORDS[WORD_SAMPLER.sample(random)]!;
const words = (random: Random, n: number) => Array.from({ length: n }, () => word(random)).join(' ');

/** A sentence of up to `maxWords` words (at least 4), with some inline markup. */
function sentence(random: Random, maxWords = 18): string {
  const parts: string[] = [];
  const n = random.between(4, Math.max(4, Math.min(18, maxWords)));
  for (let i = 0; i < n; i++) {
    const w = word(random);
    const r = random.next();
    if (r < 0.04) parts.push(`<a href="${random.pick(LINK_HOSTS)}${w}-${random.int(1000)}">${w} ${word(random)}</a>`);
    else if (r < 0.06) parts.push(`<em>${w}</em>`);
    else if (r < 0.07) parts.push(`<strong>${w}</strong>`);
    else if (r < 0.08) parts.push(`<code>${w}()</code>`);
    else if (r < 0.09) parts.push(`${w} &amp; ${word(random)}`);
    else if (r < 0.1) parts.push(`“${w}”`);
    else parts.push(w);
  }
  return capital(parts.join(' ')) + random.pick(['.', '.', '.', '.', '?', '!', ':']);
}

/** HTML of about `target` bytes: paragraphs of sentences, now and then a list or a quote. */
function html(random: Random, target: number): string {
  const blocks: string[] = [];
  let length = 0;
  while (length < target) {
    const r = random.next();
    let block: string;
    if (r < 0.08 && blocks.length > 0)
      block = `<ul><li>${words(random, random.between(2, 6))}</li><li>${words(random, random.between(2, 6))}</li></ul>`;
    else if (r < 0.12 && blocks.length > 0) block = `<blockquote><p>${sentence(random)}</p></blockquote>`;
    else {
      // About 7 bytes a word: a short item gets a short first sentence rather than overshooting.
      let p = sentence(random, Math.floor((target - length) / 7));
      for (let s = random.between(0, 4); s > 0 && length + p.length < target; s--) p += ` ${sentence(random)}`;
      block = `<p>${p}</p>`;
    }
    blocks.push(block);
    length += Buffer.byteLength(block);
  }
  return blocks.join('\n');
}

const rfc822 = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Entry {
  n: number;
  title: string;
  published: number;
  updated: number;
  author: string;
  tags: string[];
}

function entry(random: Random, n: number, published: number): Entry {
  const titleWords = words(random, random.between(3, 9));
  const tags = new Set<string>();
  for (let k = random.between(1, 3); k > 0; k--) tags.add(TAGS[TAG_SAMPLER.sample(random)]!);
  return {
    n,
    title: capital(titleWords),
    published,
    updated: random.chance(0.2) ? published + random.between(1, 72) * 3600_000 : published,
    author: `${random.pick(FIRST)} ${random.pick(LAST)}`,
    tags: [...tags],
  };
}

/** Short links keep the markup around each item small enough for 10,000 items with real prose in 5 MB. */
const permalink = (e: Entry) => `${SITE}/p/${e.n}`;

function rssItem(e: Entry, content: string): string {
  const link = permalink(e);
  return `<item>
<title>${escapeXml(e.title)}</title>
<link>${link}</link>
<guid>${link}</guid>
<pubDate>${rfc822(e.published)}</pubDate>
<dc:creator>${escapeXml(e.author)}</dc:creator>
${e.tags.map((t) => `<category>${t}</category>`).join('\n')}
<content:encoded><![CDATA[${content}]]></content:encoded>
</item>
`;
}

function atomEntry(e: Entry, content: string): string {
  return `<entry>
<title>${escapeXml(e.title)}</title>
<link href="${permalink(e)}"/>
<id>tag:fieldnotes.example.org,2025:${e.n}</id>
<published>${iso(e.published)}</published>
<updated>${iso(e.updated)}</updated>
<author><name>${escapeXml(e.author)}</name></author>
${e.tags.map((t) => `<category term="${t}"/>`).join('\n')}
<content type="html">${content}</content>
</entry>
`;
}

function head(format: LargeFormat): string {
  const built = rfc822(NEWEST_MS);
  return format === 'rss'
    ? `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Field Notes</title>
<link>${SITE}/</link>
<atom:link href="${SITE}/feed.xml" rel="self" type="application/rss+xml"/>
<description>Notes on search, databases and learning in public (a generated benchmark feed).</description>
<language>en</language>
<lastBuildDate>${built}</lastBuildDate>
<generator>Commonroom bench</generator>
`
    : `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Field Notes</title>
<subtitle>Notes on search, databases and learning in public (a generated benchmark feed).</subtitle>
<link rel="alternate" type="text/html" href="${SITE}/"/>
<link rel="self" type="application/atom+xml" href="${SITE}/atom.xml"/>
<id>${SITE}/</id>
<updated>${iso(NEWEST_MS)}</updated>
<generator>Commonroom bench</generator>
`;
}

const TAIL: Record<LargeFormat, string> = { rss: '</channel>\n</rss>\n', atom: '</feed>\n' };

export function generateLargeFeed(options: LargeFeedOptions): LargeFeed {
  const { format, items, targetBytes } = options;
  const random = new Random(options.seed);
  const encoder = new TextEncoder();
  const size = (s: string) => encoder.encode(s).length;
  const parts = [head(format)];
  let bytes = size(parts[0]!) + size(TAIL[format]);
  let wantedSum = 0;
  let writtenSum = 0;
  let overshoot = format === 'atom' ? 1.15 : 1;
  let published = NEWEST_MS;
  for (let i = 0; i < items; i++) {
    const e = entry(random, items - i, published);
    published -= random.between(10, 600) * 60_000;
    const wrapper = format === 'rss' ? rssItem(e, '') : atomEntry(e, '');
    // What is left for this item's HTML, with a heavy-tailed spread around the mean that is left.
    const left = (targetBytes - bytes) / (items - i) - size(wrapper);
    const wanted = Math.max(20, i === items - 1 ? left : Math.min(left * 5, left * Math.exp(0.4 * random.normal() - 0.08)));
    // html() overshoots its target by part of a sentence, and Atom's escaping adds more: aim lower by what it has added so far.
    let content = html(random, wanted / overshoot);
    if (format === 'atom') content = escapeXml(content);
    wantedSum += wanted;
    writtenSum += size(content);
    overshoot = writtenSum / wantedSum;
    const item = format === 'rss' ? rssItem(e, content) : atomEntry(e, content);
    parts.push(item);
    bytes += size(item);
  }
  parts.push(TAIL[format]);
  return { xml: parts.join(''), bytes, items, meanHtmlBytes: writtenSum / items };
}
