import type { Queryable, Tx } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import { processImage } from '../platform/images.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { SocialContext } from './context.ts';
import { ALT_MAX } from './post-schemas.ts';

/** The longest side of a stored post image. */
export const MEDIA_SIZE = 1600;

/** An image file already stored (by storage, or on another server), to attach to a post. */
export interface StoredMedia {
  url: string;
  alt: string;
  width: number | null;
  height: number | null;
  contentType: string;
}

/** A post's image as other capabilities read it (chats' room, federation's notes). */
export interface MediaRow extends StoredMedia {
  id: number;
  postId: number;
}

/** Writes a post's images in its transaction, in order from `firstPosition`. */
export async function insertMedia(
  tx: Tx,
  post: { id: number; memberId: number | null; createdAt: number },
  media: StoredMedia[],
  firstPosition = 0,
): Promise<void> {
  for (const [i, m] of media.entries()) {
    await tx
      .insertInto('media')
      .values({
        member_id: post.memberId,
        post_id: post.id,
        position: firstPosition + i,
        url: m.url,
        alt: m.alt,
        width: m.width,
        height: m.height,
        content_type: m.contentType,
        created_at: post.createdAt,
      })
      .execute();
  }
}

/** Images of posts: uploads before a post is written, alt text, reading them, tidying unused uploads. */
export class MediaService {
  readonly #ctx: SocialContext;

  constructor(ctx: SocialContext) {
    this.#ctx = ctx;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  /** Uploads an image for a post written next (the API's two-step way); unused uploads are removed after a day. */
  async upload(
    viewer: Viewer,
    bytes: Uint8Array,
    alt: string,
  ): Promise<{ id: number; url: string; alt: string; width: number; height: number }> {
    if (alt.length > ALT_MAX) throw UserError.field('alt', `Alt text can have at most ${ALT_MAX} characters.`);
    if (bytes.byteLength > this.#ctx.config.maxUploadBytes) {
      throw UserError.field(
        'file',
        `The image is too large: the limit is ${Math.round(this.#ctx.config.maxUploadBytes / 1048576)} MB.`,
        413,
        'too_large',
      );
    }
    const image = await processImage(bytes, { field: 'file', maxSize: MEDIA_SIZE });
    const url = await this.#ctx.storage.put('media', image.extension, image.bytes);
    const row = await this.#db
      .insertInto('media')
      .values({
        member_id: viewer.memberId,
        post_id: null,
        url,
        alt: alt.trim(),
        width: image.width,
        height: image.height,
        content_type: image.contentType,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, url, alt: alt.trim(), width: image.width, height: image.height };
  }

  /** Changes the alt text of your image (attached or not). */
  async describe(viewer: Viewer, id: number, alt: string): Promise<void> {
    if (alt.length > ALT_MAX) throw UserError.field('alt', `Alt text can have at most ${ALT_MAX} characters.`);
    const updated = await this.#db
      .updateTable('media')
      .set({ alt: alt.trim() })
      .where('id', '=', id)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw UserError.notFound('There is no such image of yours.');
  }

  /** The images of these posts, each post's in order, in one query per 500 posts. */
  async ofPosts(postIds: number[], db: Queryable = this.#db): Promise<Map<number, MediaRow[]>> {
    const byPost = new Map<number, MediaRow[]>();
    const ids = [...new Set(postIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('media')
        .select(['id', 'post_id', 'url', 'alt', 'width', 'height', 'content_type'])
        .where('post_id', 'in', ids.slice(i, i + 500))
        .orderBy('post_id')
        .orderBy('position')
        .execute();
      for (const m of rows) {
        const list = byPost.get(m.post_id!) ?? [];
        list.push({ id: m.id, postId: m.post_id!, url: m.url, alt: m.alt, width: m.width, height: m.height, contentType: m.content_type });
        byPost.set(m.post_id!, list);
      }
    }
    return byPost;
  }

  /** Removes uploads never attached to a post (a recurring job). */
  async removeUnused(olderThanMs = 86_400_000): Promise<number> {
    const rows = await this.#db
      .selectFrom('media')
      .select(['id', 'url'])
      .where('post_id', 'is', null)
      .where('created_at', '<', Date.now() - olderThanMs)
      .execute();
    for (const row of rows) {
      await this.#db.deleteFrom('media').where('id', '=', row.id).execute();
      await this.#ctx.storage.delete(row.url);
    }
    return rows.length;
  }
}
