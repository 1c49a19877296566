import type { Config } from '../platform/config.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ArticlesService } from './articles.ts';
import { BookmarkTransfer } from './bookmark-transfer.ts';
import type { BookmarksService } from './bookmarks.ts';
import { collectionJson } from './collection-export.ts';
import type { CollectionsService } from './collections.ts';

/** What the whole-curation export reads: the site's address and each part of the Library. */
export interface CurationExportDeps {
  config: Pick<Config, 'baseUrl'>;
  bookmarks: BookmarksService;
  collections: Pick<CollectionsService, 'mine' | 'get'>;
  articles: Pick<ArticlesService, 'all'>;
}

/**
 * A member's whole curation as one JSON document: their bookmarks, the collections and starter
 * kits they own (with every entry), and their articles (drafts too, with the Markdown).
 * Written as it is read, so a large account never sits in memory at once.
 */
export async function* curationJson(deps: CurationExportDeps, viewer: Viewer): AsyncGenerator<string> {
  const head = {
    format: 'commonroom-curation',
    version: 1,
    site: deps.config.baseUrl,
    member: viewer.handle,
    exportedAt: new Date().toISOString(),
  };
  yield `${JSON.stringify(head).slice(0, -1)},"bookmarks":`;
  yield* new BookmarkTransfer(deps.bookmarks).jsonArray(viewer);
  yield ',"collections":[';
  const { collections } = deps;
  const owned = [...(await collections.mine(viewer, 'collection')), ...(await collections.mine(viewer, 'starter_kit'))];
  for (const [i, summary] of owned.entries()) {
    yield (i ? ',' : '') + JSON.stringify(collectionJson(await collections.get(viewer, summary.id)));
  }
  yield '],"articles":[';
  let first = true;
  for await (const page of deps.articles.all(viewer)) {
    const items = page.map((a) => ({
      title: a.title,
      slug: a.slug,
      summary: a.summary,
      markdown: a.markdown,
      status: a.status,
      url: a.status === 'published' ? a.url : null,
      createdAt: new Date(a.createdAt).toISOString(),
      updatedAt: new Date(a.updatedAt).toISOString(),
      publishedAt: a.publishedAt === null ? null : new Date(a.publishedAt).toISOString(),
    }));
    yield (first ? '' : ',') + items.map((item) => JSON.stringify(item)).join(',');
    first = false;
  }
  yield ']}\n';
}
