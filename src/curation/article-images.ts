import type { Database } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import { type FieldIssue, UserError } from '../platform/errors.ts';
import { processImage } from '../platform/images.ts';
import type { Storage } from '../platform/storage.ts';
import { IMAGE_ALT_MAX } from './article-schemas.ts';

const IMAGE_SIZE = 2000;

export interface ArticleImage {
  id: number;
  url: string;
  alt: string;
  width: number;
  height: number;
  /** What to paste into the Markdown. */
  markdown: string;
}

/** Images uploaded for an article (the caller checked the article is the member's). */
export class ArticleImages {
  readonly #database: Database;
  readonly #config: Pick<Config, 'maxUploadBytes'>;
  readonly #storage: Storage;

  constructor(deps: { database: Database; config: Pick<Config, 'maxUploadBytes'>; storage: Storage }) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#storage = deps.storage;
  }

  /** Stores an image for the article; the answer carries the Markdown that shows it. */
  async upload(memberId: number, articleId: number, bytes: Uint8Array | null, alt: string): Promise<ArticleImage> {
    const description = alt.trim();
    const issues: FieldIssue[] = [];
    if (!bytes || bytes.byteLength === 0) issues.push({ path: 'image', message: 'Choose an image file to upload.' });
    if (!description) issues.push({ path: 'imageAlt', message: 'Describe the image for people who cannot see it (alt text).' });
    if (description.length > IMAGE_ALT_MAX)
      issues.push({ path: 'imageAlt', message: `Alt text can have at most ${IMAGE_ALT_MAX} characters.` });
    if (issues.length) throw UserError.invalid(issues, issues[0]!.message);
    if (bytes!.byteLength > this.#config.maxUploadBytes) {
      throw UserError.field(
        'image',
        `The image is too large: the limit is ${Math.round(this.#config.maxUploadBytes / 1048576)} MB.`,
        413,
        'too_large',
      );
    }
    const image = await processImage(bytes!, { field: 'image', maxSize: IMAGE_SIZE });
    const url = await this.#storage.put('articles', image.extension, image.bytes);
    const row = await this.#database.db
      .insertInto('article_images')
      .values({
        article_id: articleId,
        member_id: memberId,
        url,
        alt: description,
        width: image.width,
        height: image.height,
        content_type: image.contentType,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return imageView({ id: row.id, url, alt: description, width: image.width, height: image.height });
  }

  /** The images of the article, newest first. */
  async of(articleId: number): Promise<ArticleImage[]> {
    const rows = await this.#database.db
      .selectFrom('article_images')
      .select(['id', 'url', 'alt', 'width', 'height'])
      .where('article_id', '=', articleId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map(imageView);
  }

  /** Deletes the article with its images (rows in one transaction, then the files). */
  async deleteWithArticle(articleId: number): Promise<void> {
    const db = this.#database.db;
    const images = await db.selectFrom('article_images').select('url').where('article_id', '=', articleId).execute();
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('article_images').where('article_id', '=', articleId).execute();
      await tx.deleteFrom('articles').where('id', '=', articleId).execute();
    });
    for (const image of images) await this.#storage.delete(image.url);
  }
}

function imageView(row: { id: number; url: string; alt: string; width: number; height: number }): ArticleImage {
  // Brackets would end the description early in Markdown.
  const alt = row.alt.replace(/[[\]\\]/g, '\\$&').replace(/\s+/g, ' ');
  return { id: row.id, url: row.url, alt: row.alt, width: row.width, height: row.height, markdown: `![${alt}](${row.url})` };
}
