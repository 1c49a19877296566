import type { Queryable } from '../db/database.ts';
import type { PostArticle } from './hydrate.ts';
import type { Reader } from './visibility.ts';

/**
 * What a capability built after social adds to the posts readers see (curation: bookmarks and
 * the articles posts announce). Social knows the slots, not who fills them: each is asked once
 * per page of posts, with every post of the page (never one query per post), on the database
 * or transaction the page is read with.
 */
export interface PostExtension {
  /** Of these posts, those the reader bookmarked (a post view's `mine.bookmarked`). */
  bookmarked?(db: Queryable, reader: Reader, postIds: number[]): Promise<ReadonlySet<number>>;
  /**
   * The objects these posts stand for (`posts.article_id`: an article a post announces), as their
   * cards show them, by object id; objects that are not (or no longer) shown are left out.
   */
  linkedObjects?(db: Queryable, objectIds: number[]): Promise<ReadonlyMap<number, PostArticle>>;
}

/** The registry (`SocialService.postExtensions`): capabilities register from their index.ts `build`. */
export class PostExtensions {
  readonly #extensions: PostExtension[] = [];

  register(extension: PostExtension): void {
    this.#extensions.push(extension);
  }

  async bookmarked(db: Queryable, reader: Reader, postIds: number[]): Promise<Set<number>> {
    const found = new Set<number>();
    if (postIds.length === 0) return found;
    for (const extension of this.#extensions) {
      if (!extension.bookmarked) continue;
      for (const id of await extension.bookmarked(db, reader, postIds)) found.add(id);
    }
    return found;
  }

  async linkedObjects(db: Queryable, objectIds: number[]): Promise<Map<number, PostArticle>> {
    const found = new Map<number, PostArticle>();
    if (objectIds.length === 0) return found;
    for (const extension of this.#extensions) {
      if (!extension.linkedObjects) continue;
      for (const [id, card] of await extension.linkedObjects(db, objectIds)) found.set(id, card);
    }
    return found;
  }
}
