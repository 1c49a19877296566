import type { Visibility } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ItemView } from './items.ts';

/**
 * Sharing an item to the member's stream: a post with their words, then the item's title and
 * link (the link gets its preview card like any post's first link). Posting is social's: feeds
 * is given a way to publish (social.posts), and knows nothing else of it.
 */

/** What sharing needs of social's posts (PostsService.create). */
export interface PostPublisher {
  create(viewer: Viewer, input: { text: string; visibility: Visibility }): Promise<{ id: number; url: string }>;
}

/** The post that shares an item; the title is shortened to fit the limit. */
export function shareText(item: Pick<ItemView, 'title' | 'url' | 'source'>, comment: string, maxChars: number): string {
  const words = comment.trim();
  const link = item.url ?? '';
  const by = ` (${item.source.title})`;
  const room = maxChars - [...words].length - [...link].length - by.length - 4;
  let title = item.title;
  if ([...title].length > room) title = room > 1 ? `${[...title].slice(0, room - 1).join('')}…` : '';
  const quoted = title ? `“${title}”${by}` : by.trim();
  return [words, [quoted, link].filter(Boolean).join('\n')].filter(Boolean).join('\n\n');
}

export class SharingService {
  readonly #posts: PostPublisher;
  readonly #config: Pick<Config, 'postMaxChars'>;

  constructor(deps: { posts: PostPublisher; config: Pick<Config, 'postMaxChars'> }) {
    this.#posts = deps.posts;
    this.#config = deps.config;
  }

  /** The longest post this site takes. */
  get postMaxChars(): number {
    return this.#config.postMaxChars;
  }

  /** The text a share of this item posts, before the member's words. */
  preview(item: ItemView): string {
    return shareText(item, '', this.postMaxChars);
  }

  /**
   * Posts an item (one the member can see: ItemsService.item) to their stream. The post's
   * checks are social's: an error about its text is one about the member's comment.
   */
  async share(viewer: Viewer, item: ItemView, input: { comment: string; visibility: Visibility }): Promise<{ id: number; url: string }> {
    return this.#posts.create(viewer, { text: shareText(item, input.comment, this.postMaxChars), visibility: input.visibility });
  }
}
