import { decodeHTML } from 'entities';
import sanitizeHtmlLib from 'sanitize-html';

/**
 * Untrusted HTML (feed items, remote posts, extracted articles) becomes safe HTML here:
 * formatting, links, images, lists, tables and media stay; scripts, styles, event
 * handlers, forms, frames and `javascript:`/`data:` URLs go. Relative URLs are resolved
 * against `baseUrl`, links get `rel="nofollow noopener noreferrer ugc"`.
 */

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'div',
  'span',
  'blockquote',
  'pre',
  'code',
  'kbd',
  'samp',
  'var',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'strike',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'abbr',
  'cite',
  'q',
  'dfn',
  'time',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'a',
  'img',
  'figure',
  'figcaption',
  'picture',
  'source',
  'audio',
  'video',
  'track',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'colgroup',
  'col',
  'details',
  'summary',
  'ruby',
  'rt',
  'rp',
  'bdi',
  'bdo',
  'wbr',
  'center',
  'font',
  'big',
  'tt',
  'acronym',
  'address',
];

const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'poster']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An absolute http(s) or mailto URL, resolved against `baseUrl`; anything else (`javascript:`, `data:`) is null. */
export function safeUrl(value: string, baseUrl: string | undefined): string | null {
  // As browsers do: surrounding controls and spaces go, and tabs and newlines anywhere.
  const trimmed = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  try {
    const url = baseUrl ? new URL(trimmed, baseUrl) : new URL(trimmed);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.toString() : null;
  } catch {
    return null;
  }
}

function resolve(value: string, baseUrl: string | undefined): string | null {
  const url = safeUrl(value, baseUrl);
  if (url || baseUrl) return url;
  // A relative URL with no base to resolve it against: keep it only if it is plainly relative.
  const trimmed = value.trim();
  return /^[\w./?#%=&-]*$/.test(trimmed) && !/^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : null;
}

/** The rules, the same for every call; only the base URL for relative links varies. */
const RULES: sanitizeHtmlLib.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title', 'hreflang', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    source: ['src', 'type', 'media'],
    audio: ['src', 'controls', 'preload'],
    video: ['src', 'controls', 'preload', 'poster', 'width', 'height'],
    track: ['src', 'kind', 'srclang', 'label'],
    blockquote: ['cite'],
    q: ['cite'],
    del: ['cite', 'datetime'],
    ins: ['cite', 'datetime'],
    time: ['datetime'],
    abbr: ['title'],
    acronym: ['title'],
    th: ['colspan', 'rowspan', 'scope', 'abbr'],
    td: ['colspan', 'rowspan'],
    col: ['span'],
    colgroup: ['span'],
    ol: ['start', 'reversed', 'type'],
    li: ['value'],
    '*': ['lang', 'dir'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Elements whose text is never shown go with it; <object>, <embed> and <applet> go, but
  // their fallback content is what a browser shows in their place, so it stays.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'iframe', 'frameset', 'frame', 'template'],
  exclusiveFilter: (frame) => (frame.tag === 'img' || frame.tag === 'source') && !frame.attribs.src,
};

/** The rules with their URL rewriting for one base URL. */
function rulesFor(baseUrl: string | undefined): sanitizeHtmlLib.IOptions {
  return {
    ...RULES,
    transformTags: {
      '*': (tagName, attribs) => {
        let urls = false;
        for (const name in attribs) if (URL_ATTRIBUTES.has(name)) urls = true;
        // Most tags have no URL attribute (and most no attribute at all): nothing to rewrite.
        let cleaned = attribs;
        if (urls) {
          cleaned = {};
          for (const [name, value] of Object.entries(attribs)) {
            if (!URL_ATTRIBUTES.has(name)) cleaned[name] = value;
            else {
              const url = resolve(value, baseUrl);
              if (url) cleaned[name] = url;
            }
          }
        }
        if (tagName === 'a' && cleaned.href) cleaned.rel = 'nofollow noopener noreferrer ugc';
        if (tagName === 'img') cleaned.loading = 'lazy';
        return { tagName, attribs: cleaned };
      },
    },
  };
}

/** The options last used: a feed's items mostly share a base URL, so they are made once per feed, not per item. */
let lastRules: { baseUrl: string | undefined; rules: sanitizeHtmlLib.IOptions } | undefined;

export function sanitizeHtml(html: string, options: { baseUrl?: string | undefined } = {}): string {
  // Text with no markup and no character reference: what sanitize-html returns for it is the
  // text with `>` escaped, trimmed. Most titles and many summaries are such text.
  if (!html.includes('<') && !html.includes('&')) return html.replace(/>/g, '&gt;').trim();
  const { baseUrl } = options;
  if (!lastRules || lastRules.baseUrl !== baseUrl) lastRules = { baseUrl, rules: rulesFor(baseUrl) };
  return sanitizeHtmlLib(html, lastRules.rules).trim();
}

/** Plain text of an HTML fragment (titles, summaries, search). */
/** Tags inside a word ("<b>W</b>ord"): removing them must not split it. */
const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'data',
  'dfn',
  'em',
  'font',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
  'del',
  'ins',
]);

export function htmlToText(html: string): string {
  // The result is text (escaped wherever it is shown), so dropping markup is all it takes: no
  // HTML parser needed, which matters on the hot path of every stored feed item.
  return decodeHTML(
    html
      .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
      .replace(/<(script|style|noscript|title|template)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
      .replace(/<\/?([a-zA-Z][\w:-]*)[^>]*(>|$)/g, (_, name: string) => (INLINE_TAGS.has(name.toLowerCase()) ? '' : ' '))
      .replace(/<[!?][^>]*(>|$)/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * A person's display name as every page, export and API shows it: without bidirectional
 * embedding, override and isolate controls, which make a name read other than it is
 * ("Mallory\u202Egpj.exe" shows as "Malloryexe.jpg") and, left open, reorder the text after
 * it. Letters of either direction and the direction marks (U+200E, U+200F) stay. Applied
 * where names come in: local profiles (accounts/validation.ts) and other servers' actors.
 */
export function plainName(name: string): string {
  return name.replace(BIDI_CONTROLS, '');
}
