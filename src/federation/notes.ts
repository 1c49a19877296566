import type { Context } from '@fedify/fedify';
import { Article, Create, Document, Hashtag, Mention, Note, PUBLIC_COLLECTION } from '@fedify/vocab';
import type { PostRow, SocialService } from '../social/index.ts';
import { instant } from './instant.ts';
import type { LinkedArticles } from './linked-articles.ts';

/** Everything a local post's Note is made of. */
export interface NoteSource {
  post: Pick<PostRow, 'id' | 'html' | 'content_warning' | 'visibility' | 'created_at' | 'edited_at' | 'reply_to_id' | 'article_id'>;
  handle: string;
  baseUrl: string;
  mentions: Array<{ uri: string; acct: string }>;
  tags: Array<{ slug: string; name: string }>;
  media: Array<{ url: string; alt: string; width: number | null; height: number | null; contentType: string }>;
  /** The id of the post it replies to, when it is a reply. */
  replyTo: string | null;
  /** The article the post announces: it then goes out as an Article (title, full HTML, page) instead of a Note. */
  article: { title: string; summary: string | null; html: string; url: string } | null;
}

/**
 * Who a post is addressed to, as Mastodon maps visibility: public → to Public, cc followers;
 * followers → to followers; direct → only the people mentioned. Members-only posts never leave
 * this server (federation does not send them at all).
 */
export function addressing(visibility: string, followers: URL, mentioned: URL[]): { tos: URL[]; ccs: URL[] } {
  if (visibility === 'public') return { tos: [PUBLIC_COLLECTION], ccs: [followers, ...mentioned] };
  if (visibility === 'followers') return { tos: [followers], ccs: mentioned };
  return { tos: mentioned, ccs: [] };
}

export function noteUri(ctx: Context<void>, handle: string, postId: number): URL {
  return ctx.getObjectUri(Note, { identifier: handle, id: String(postId) });
}

/** The Note (or, for an article's announcement, the Article) for a local post, and the Create that publishes it. */
export function noteOf(ctx: Context<void>, source: NoteSource): { note: Note | Article; create: Create } {
  const { post, handle, baseUrl } = source;
  const actor = ctx.getActorUri(handle);
  const id = noteUri(ctx, handle, post.id);
  const { tos, ccs } = addressing(
    post.visibility,
    ctx.getFollowersUri(handle),
    source.mentions.map((m) => new URL(m.uri)),
  );
  const common = {
    id,
    attribution: actor,
    tos,
    ccs,
    published: instant(post.created_at),
    updated: post.edited_at ? instant(post.edited_at) : null,
    replyTarget: source.replyTo ? new URL(source.replyTo) : null,
    tags: [
      ...source.tags.map((t) => new Hashtag({ name: `#${t.name}`, href: new URL(`${baseUrl}/tags/${t.slug}`) })),
      ...source.mentions.map((m) => new Mention({ name: m.acct, href: new URL(m.uri) })),
    ],
  };
  const { article } = source;
  // An Article's summary is its summary (Mastodon shows name, summary and link); only a Note's is a content warning.
  const note = article
    ? new Article({ ...common, name: article.title, content: article.html, summary: article.summary, url: new URL(article.url) })
    : new Note({
        ...common,
        content: post.html,
        summary: post.content_warning,
        sensitive: Boolean(post.content_warning),
        url: new URL(`${baseUrl}/@${handle}/${post.id}`),
        attachments: source.media.map(
          (m) => new Document({ url: new URL(m.url), mediaType: m.contentType, name: m.alt || null, width: m.width, height: m.height }),
        ),
      });
  const create = new Create({ id: new URL(`${id.href}#create`), actor, tos, ccs, object: note, published: instant(post.created_at) });
  return { note, create };
}

export interface NoteSourcesDeps {
  baseUrl: string;
  social: Pick<SocialService, 'postRows'>;
  articles: LinkedArticles;
}

/** Loads what Notes need for these local posts (mentions, tags, media, parent, announced article), in a fixed number of queries. */
export async function noteSources(deps: NoteSourcesDeps, rows: Array<PostRow & { handle: string }>): Promise<NoteSource[]> {
  if (rows.length === 0) return [];
  const { baseUrl } = deps;
  const [records, articles] = await Promise.all([
    deps.social.postRows.records(rows),
    deps.articles(rows.flatMap((r) => (r.article_id ? [r.article_id] : []))),
  ]);
  const recordOf = new Map(records.map((r) => [r.post.id, r]));
  return rows.map((post) => {
    const record = recordOf.get(post.id);
    const parent = record?.replyTo;
    const article = post.article_id ? articles.get(post.article_id) : undefined;
    return {
      post,
      handle: post.handle,
      baseUrl,
      mentions: (record?.mentions ?? []).map((m) => ({
        uri: m.uri ?? `${baseUrl}/users/${m.handle}`,
        acct: m.domain ? `@${m.acct}` : `@${m.handle}@${new URL(baseUrl).host}`,
      })),
      tags: record?.tags ?? [],
      media: (record?.media ?? []).map((m) => ({
        url: new URL(m.url, baseUrl).href,
        alt: m.alt,
        width: m.width,
        height: m.height,
        contentType: m.contentType,
      })),
      replyTo: parent ? (parent.local ? `${baseUrl}/users/${parent.authorHandle}/posts/${parent.id}` : parent.uri) : null,
      article: article
        ? { title: article.title, summary: article.summary, html: article.html, url: `${baseUrl}/@${post.handle}/blog/${article.slug}` }
        : null,
    };
  });
}
