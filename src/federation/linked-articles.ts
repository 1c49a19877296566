import type { Database } from '../db/database.ts';

/** A published article a post announces, as it goes out (an ActivityPub Article). */
export interface LinkedArticle {
  id: number;
  title: string;
  summary: string | null;
  html: string;
  slug: string;
}

/** The published articles among these ids, by id. */
export type LinkedArticles = (ids: number[]) => Promise<Map<number, LinkedArticle>>;

/**
 * TRANSITIONAL (issue 17): articles read from curation's table. To become a read the curation
 * service offers (federation comes after curation, so it may call it), once it has one.
 */
export function linkedArticlesOf(database: Database): LinkedArticles {
  return async (ids) => {
    if (ids.length === 0) return new Map();
    const rows = await database.db
      .selectFrom('articles')
      .select(['id', 'slug', 'title', 'summary', 'html'])
      .where('id', 'in', ids)
      .where('status', '=', 'published')
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  };
}
