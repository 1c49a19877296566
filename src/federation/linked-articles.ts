import type { PublishedArticle } from '../curation/index.ts';

/** A published article a post announces, as it goes out (an ActivityPub Article). */
export type LinkedArticle = Pick<PublishedArticle, 'id' | 'title' | 'summary' | 'html' | 'slug'>;

/** The published articles among these ids, by id (curation's `articles.published`, given at build). */
export type LinkedArticles = (ids: number[]) => Promise<Map<number, LinkedArticle>>;
