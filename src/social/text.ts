import { passionSlug } from '../accounts/index.ts';
import { escapeHtml } from '../platform/sanitize.ts';

/**
 * Post text: plain text in, tokens out (links, #hashtags, @mentions), then safe HTML.
 * Everything that is not a recognised token is escaped, so a post can never inject markup.
 */

export type Token =
  | { type: 'text'; value: string }
  | { type: 'url'; value: string }
  | { type: 'hashtag'; name: string; slug: string }
  | { type: 'mention'; handle: string; host: string | null; acct: string };

export interface ParsedText {
  tokens: Token[];
  /** Unique by slug, in order of appearance. */
  hashtags: Array<{ name: string; slug: string }>;
  /** Unique by acct (`handle` or `handle@host`, lower-cased). */
  mentions: Array<{ handle: string; host: string | null; acct: string }>;
  urls: string[];
}

// One pass over the text: a URL, a mention or a hashtag, whichever comes first.
const PATTERN = new RegExp(
  [
    String.raw`(?<url>https?:\/\/[^\s<>"'\u00a0]+)`,
    String.raw`(?<![\p{L}\p{N}_@\/.])@(?<handle>[A-Za-z0-9_]{1,30})(?:@(?<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?))?`,
    String.raw`(?<![\p{L}\p{N}_&\/#])#(?<tag>[\p{L}\p{N}_]{1,100})`,
  ].join('|'),
  'gu',
);

/** Trailing punctuation is not part of a URL, nor an unbalanced closing bracket. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last && '.,;:!?\'"*'.includes(last)) end--;
    else if (last === ')' && count(url.slice(0, end), '(') < count(url.slice(0, end), ')')) end--;
    else break;
  }
  return url.slice(0, end);
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

export function parseText(text: string): ParsedText {
  const tokens: Token[] = [];
  const hashtags = new Map<string, { name: string; slug: string }>();
  const mentions = new Map<string, { handle: string; host: string | null; acct: string }>();
  const urls: string[] = [];
  let last = 0;
  const pushText = (value: string) => {
    if (!value) return;
    const previous = tokens.at(-1);
    if (previous?.type === 'text') previous.value += value;
    else tokens.push({ type: 'text', value });
  };
  for (const match of text.matchAll(PATTERN)) {
    const groups = match.groups!;
    const start = match.index;
    let raw = match[0];
    if (groups.url) {
      raw = trimUrl(groups.url);
      if (!/^https?:\/\/[^/?#\s]+\.[^/?#\s]/.test(raw) && !/^https?:\/\/(localhost|\d+\.\d+\.\d+\.\d+|\[)/.test(raw)) continue;
      pushText(text.slice(last, start));
      tokens.push({ type: 'url', value: raw });
      urls.push(raw);
    } else if (groups.handle) {
      const host = groups.host?.replace(/\.$/, '').toLowerCase() || null;
      raw = host ? `@${groups.handle}@${host}` : `@${groups.handle}`;
      pushText(text.slice(last, start));
      const acct = (host ? `${groups.handle}@${host}` : groups.handle).toLowerCase();
      tokens.push({ type: 'mention', handle: groups.handle, host, acct });
      if (!mentions.has(acct)) mentions.set(acct, { handle: groups.handle, host, acct });
    } else if (groups.tag) {
      // A hashtag needs a letter or underscore: "#1" is not one.
      if (!/[\p{L}_]/u.test(groups.tag)) continue;
      const slug = passionSlug(groups.tag.replace(/_/g, '')) || groups.tag.toLowerCase();
      pushText(text.slice(last, start));
      tokens.push({ type: 'hashtag', name: groups.tag, slug });
      if (!hashtags.has(slug)) hashtags.set(slug, { name: groups.tag, slug });
    }
    last = start + raw.length;
  }
  pushText(text.slice(last));
  return { tokens, hashtags: [...hashtags.values()], mentions: [...mentions.values()], urls };
}

export interface RenderLinks {
  /** Absolute base of this server, for hashtag links. */
  baseUrl: string;
  /** Where a mention links, or null when the account is unknown (left as text). */
  mention(acct: string): { url: string; label: string } | null;
}

/** Safe HTML: paragraphs and line breaks, links shortened for display, hashtags and known mentions linked. */
export function renderHtml(tokens: Token[], links: RenderLinks): string {
  let html = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
        html += escapeHtml(token.value);
        break;
      case 'url': {
        const display = token.value.replace(/^https?:\/\/(www\.)?/, '');
        const short = display.length > 45 ? `${display.slice(0, 44)}…` : display;
        html += `<a href="${escapeHtml(token.value)}" rel="nofollow noopener noreferrer ugc">${escapeHtml(short)}</a>`;
        break;
      }
      case 'hashtag':
        html += `<a href="${escapeHtml(`${links.baseUrl}/tags/${encodeURIComponent(token.slug)}`)}" class="hashtag" rel="tag">#${escapeHtml(token.name)}</a>`;
        break;
      case 'mention': {
        const target = links.mention(token.acct);
        const text = token.host ? `@${token.handle}@${token.host}` : `@${token.handle}`;
        html += target ? `<a href="${escapeHtml(target.url)}" class="mention">${escapeHtml(target.label)}</a>` : escapeHtml(text);
        break;
      }
    }
  }
  return html
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** Length as people count it (code points), for the character limit. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
