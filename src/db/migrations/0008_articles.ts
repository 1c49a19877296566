import { sql } from 'kysely';
import type { Ddl } from '../ddl.ts';

/** Articles (the members' blog): Markdown source and rendered HTML, drafts, the post that announces each, uploaded images. */
export async function up({ db, id }: Ddl): Promise<void> {
  await id(db.schema.createTable('articles'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('actors.id').onDelete('cascade'))
    /** From the title; follows it while a draft, fixed once published (the article's address). */
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    /** Plain text, or null. */
    .addColumn('summary', 'text')
    .addColumn('markdown', 'text', (c) => c.notNull())
    /** Rendered from the Markdown and sanitised. */
    .addColumn('html', 'text', (c) => c.notNull())
    /** `draft` or `published` */
    .addColumn('status', 'text', (c) => c.notNull())
    /** The public post announcing it; its replies are the comments. */
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addUniqueConstraint('articles_slug', ['actor_id', 'slug'])
    .execute();
  // A blog: one author's published articles, newest first.
  await db.schema.createIndex('articles_blog').on('articles').columns(['actor_id', 'status', 'published_at', 'id']).execute();
  // "My articles": drafts and published, recently changed first.
  await db.schema.createIndex('articles_member').on('articles').columns(['member_id', 'updated_at', 'id']).execute();

  await db.schema
    .alterTable('posts')
    .addColumn('article_id', 'bigint', (c) => c.references('articles.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('posts_article').on('posts').column('article_id').where(sql.ref('article_id'), 'is not', null).execute();

  // Images uploaded in the article editor (posts' media rows are removed when no post uses them).
  await id(db.schema.createTable('article_images'))
    .addColumn('article_id', 'bigint', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('article_images_article').on('article_images').columns(['article_id', 'id']).execute();
}
