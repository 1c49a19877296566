import type { BookmarkVisibility } from '../db/schema.ts';
import type { FeedsService } from '../feeds/index.ts';
import { UserError } from '../platform/errors.ts';
import { htmlToText } from '../platform/sanitize.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { PostView, SocialService } from '../social/index.ts';
import { type BookmarkKind, DESCRIPTION_MAX, PAGE_TEXT_MAX, TITLE_MAX } from './bookmark-schemas.ts';
import { excerpt, plainText } from './bookmark-text.ts';

/** What a new bookmark starts with, before the member's own title, note and tags. */
export interface NewBookmark {
  kind: BookmarkKind;
  postId?: number;
  itemId?: number;
  url: string | null;
  urlKey: string | null;
  title: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  pageText: string | null;
}

/**
 * What is bookmarked when it is not a web address: a post (social's, as the member may see it)
 * or a feed item (feeds', of a source the member follows), read through their owners' services.
 */
export class BookmarkTargets {
  readonly #social: SocialService;
  readonly #feeds: FeedsService;

  constructor(deps: { social: SocialService; feeds: FeedsService }) {
    this.#social = deps.social;
    this.#feeds = deps.feeds;
  }

  /** A post the member may see: its text becomes the bookmark's title and searchable text. */
  async post(viewer: Viewer, postId: number, visibility: BookmarkVisibility, title: string): Promise<NewBookmark> {
    const [post] = await this.#social.posts.hydrate({ memberId: viewer.memberId, actorId: viewer.actorId }, [{ postId }]);
    if (!post || post.boostedBy) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
    if (visibility === 'public' && post.visibility !== 'public') {
      throw UserError.field('visibility', 'Only a bookmark of a public post can be public: this post was shared with fewer people.');
    }
    return postBookmark(post, title);
  }

  /** An item of a source the member follows: its title, link, summary and text. */
  async item(viewer: Viewer, itemId: number, title: string): Promise<NewBookmark> {
    const item = await this.#feeds.item(viewer, itemId);
    return {
      kind: 'item',
      itemId: item.id,
      url: item.url,
      urlKey: null,
      title: title || plainText(item.title, TITLE_MAX),
      description: plainText(item.summary, DESCRIPTION_MAX) || null,
      imageUrl: item.imageUrl,
      siteName: plainText(item.source.title, 200) || null,
      pageText: plainText(htmlToText(item.fullHtml ?? item.contentHtml), PAGE_TEXT_MAX) || null,
    };
  }

  /** Whether the post is public and not deleted (a public bookmark of it may stay listed). */
  async publicPosts(postIds: number[]): Promise<Set<number>> {
    if (postIds.length === 0) return new Set();
    const rows = await this.#social.postRows.find({ ids: postIds, visibility: ['public'], live: true });
    return new Set(rows.map((r) => r.id));
  }
}

function postBookmark(post: PostView, title: string): NewBookmark {
  const text = post.contentWarning ? `${post.contentWarning}` : post.text;
  return {
    kind: 'post',
    postId: post.id,
    url: post.url,
    urlKey: null,
    title: title || plainText(excerpt(text, 120), TITLE_MAX) || `A post by ${post.author.displayName}`,
    description: plainText(post.text, DESCRIPTION_MAX) || null,
    imageUrl: null,
    siteName: plainText(`${post.author.displayName} (@${post.author.acct})`, 200),
    pageText: plainText(post.text, PAGE_TEXT_MAX) || null,
  };
}
