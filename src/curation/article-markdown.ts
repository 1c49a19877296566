import { Marked, type Token, type Tokens } from 'marked';
import type { Queryable } from '../db/database.ts';
import type { FieldIssue } from '../platform/errors.ts';
import { escapeHtml, sanitizeHtml } from '../platform/sanitize.ts';
import type { PostView, SocialService } from '../social/index.ts';
import { formatDate, isoTime } from '../web/format.ts';

/**
 * Articles are written in Markdown (GitHub's flavour) and rendered here, once per save:
 *
 * - headings start at h2 (the article's page gives its title the h1), so `#` becomes h2;
 * - a paragraph that is only the address of a public post on this server becomes a quote of
 *   that post (author, text, date, link); any other post stays a plain link;
 * - the result ALWAYS goes through the sanitiser, so raw HTML in the Markdown (scripts, event
 *   handlers, `javascript:` links, frames) comes out harmless;
 * - every image needs a description (alt text) and an https address or an upload here.
 */

/** At most this many posts are quoted in one article; further addresses stay links. */
const MAX_QUOTES = 50;

const markdown = new Marked({
  gfm: true,
  renderer: {
    heading({ tokens, depth }: Tokens.Heading) {
      const level = Math.min(depth + 1, 6);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
  },
});

export interface RenderedArticle {
  html: string;
  /** Problems the author must fix (images without a description or with an insecure address). */
  issues: FieldIssue[];
}

/** Renders an article's Markdown to safe HTML; `issues` is empty when it may be saved. */
export async function renderArticle(db: Queryable, social: SocialService, baseUrl: string, source: string): Promise<RenderedArticle> {
  const tokens = markdown.lexer(source);
  await embedQuotes(db, social, baseUrl, tokens);
  const unsafe = markdown.parser(tokens);
  // Raw <h1> in the Markdown would compete with the page's title: it becomes an h2 too. The
  // sanitiser writes tags in one normal form, so this cannot touch anything but real h1 tags.
  const html = sanitizeHtml(unsafe, { baseUrl }).replace(/<(\/?)h1\b/g, '<$1h2');
  return { html, issues: imageIssues(html, baseUrl) };
}

/** The post id behind a local post address (`{BASE_URL}/@handle/123`, `{BASE_URL}/posts/123`, or the same paths alone). */
function quotedPost(text: string, baseUrl: string): { id: number; handle: string | null } | null {
  const trimmed = text.trim().replace(/^<(.*)>$/, '$1');
  const origin = baseUrl.replace(/\/+$/, '');
  const path = trimmed.startsWith(`${origin}/`) ? trimmed.slice(origin.length) : trimmed;
  const match = /^\/(?:@([A-Za-z0-9_]+)|posts)\/([0-9]{1,15})\/?$/.exec(path);
  return match ? { id: Number(match[2]), handle: match[1] ?? null } : null;
}

/** Replaces top-level paragraphs that are only a public local post's address with a quote of it. */
async function embedQuotes(db: Queryable, social: SocialService, baseUrl: string, tokens: Token[]): Promise<void> {
  const wanted = new Map<number, { id: number; handle: string | null }>();
  for (const [index, token] of tokens.entries()) {
    if (token.type !== 'paragraph' || wanted.size >= MAX_QUOTES) continue;
    const ref = quotedPost(token.text, baseUrl);
    if (ref) wanted.set(index, ref);
  }
  if (wanted.size === 0) return;
  const ids = [...new Set([...wanted.values()].map((r) => r.id))];
  // Only original public posts, as an anonymous reader sees them (the quote is shown to everyone).
  const originals = await db
    .selectFrom('posts')
    .select('id')
    .where('id', 'in', ids)
    .where('boost_of_id', 'is', null)
    .where('visibility', '=', 'public')
    .execute();
  const posts = await social.posts.hydrate(
    null,
    originals.map((p) => ({ postId: p.id })),
  );
  const byId = new Map(posts.map((p) => [p.id, p]));
  for (const [index, ref] of wanted) {
    const post = byId.get(ref.id);
    // An address naming someone else than the author stays a link: the quote would mislead.
    if (!post || (ref.handle && (!post.author.local || post.author.handle.toLowerCase() !== ref.handle.toLowerCase()))) continue;
    const html = quoteHtml(post);
    tokens[index] = { type: 'html', raw: html, text: html, pre: false, block: true } satisfies Tokens.HTML;
  }
}

/** A quoted post: its text (images left out), then who wrote it and when, linked to the post. */
function quoteHtml(post: PostView): string {
  const content = post.html.replace(/<img\b[^>]*>/gi, '');
  const body = post.contentWarning
    ? `<details><summary>Content warning: ${escapeHtml(post.contentWarning)}</summary>${content}</details>`
    : content;
  const url = escapeHtml(post.url);
  return (
    `<blockquote cite="${url}">${body}` +
    `<p>— <cite><a href="${escapeHtml(post.author.url)}">${escapeHtml(post.author.displayName)}</a></cite> (@${escapeHtml(post.author.acct)}), ` +
    `<a href="${url}"><time datetime="${isoTime(post.createdAt)}">${formatDate(post.createdAt)}</time></a></p></blockquote>\n`
  );
}

/**
 * Every image must have a description, and an https address or be one of ours (uploads). The
 * sanitised HTML is checked, so images written as raw HTML are held to the same rules.
 */
function imageIssues(html: string, baseUrl: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const ours = new URL(baseUrl).origin;
  for (const [tag] of html.matchAll(/<img\b[^>]*>/g)) {
    const src = decodeAttribute(/\ssrc="([^"]*)"/.exec(tag)?.[1] ?? '');
    const alt = decodeAttribute(/\salt="([^"]*)"/.exec(tag)?.[1] ?? '').trim();
    if (!alt) {
      issues.push({
        path: 'markdown',
        message: `Describe the image ${src} for people who cannot see it: write the description between the brackets, like ![Students reading on beanbags](${src}).`,
      });
    }
    let url: URL | null = null;
    try {
      url = new URL(src);
    } catch {
      url = null;
    }
    const uploaded = url !== null && url.origin === ours && url.pathname.startsWith('/media/');
    if (!uploaded && url?.protocol !== 'https:') {
      issues.push({ path: 'markdown', message: `The image ${src} needs an https:// address (or upload it on this page).` });
    }
  }
  return issues;
}

function decodeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
