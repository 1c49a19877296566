import type { FeedsService } from '../feeds/index.ts';
import type { Social } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerArticlePages } from './article-pages.tsx';
import { ArticlesService } from './articles.ts';
import { registerArticlesApi } from './articles-api.ts';
import { registerBookmarksApi } from './bookmark-api.ts';
import { registerBookmarkPages } from './bookmark-pages.tsx';
import { BookmarksService } from './bookmarks.ts';
import { CollectionsService } from './collections.ts';
import { registerCollectionsApi } from './collections-api.ts';
import { registerCollectionsPages } from './collections-pages.tsx';
import { registerCurationExportApi } from './export.ts';
import { itemBookmarks } from './item-facts.ts';
import { registerLibraryPages } from './section.tsx';

export { withImportLimit } from './bookmark-api.ts';
export { BookmarkTransfer } from './bookmark-transfer.ts';
export { ArticlesService, BookmarksService, CollectionsService };

/** The Library: bookmarks, collections and starter kits, and members' articles. */
export interface Curation {
  bookmarks: BookmarksService;
  collections: CollectionsService;
  articles: ArticlesService;
}

export const curation = defineCapability({
  name: 'curation',
  needs: ['social', 'feeds'],
  tables: [
    'bookmarks',
    'bookmark_tags',
    'articles',
    'article_images',
    'collections',
    'collection_entries',
    'collection_collaborators',
    'collection_follows',
  ],
  build: (kernel, { social, feeds }: { social: Social; feeds: FeedsService }): Curation => {
    const bookmarks = new BookmarksService(kernel);
    // An item's bookmark flag and buttons in the reader are curation's.
    feeds.extendItems(itemBookmarks(kernel.database, bookmarks));
    return {
      bookmarks,
      collections: new CollectionsService({ ...kernel, graph: social.graph }),
      articles: new ArticlesService({ ...kernel, social }),
    };
  },
  pages: () => pagesOf(registerLibraryPages, registerCollectionsPages, registerBookmarkPages, registerArticlePages),
  api: () => apiOf(registerCollectionsApi, registerBookmarksApi, registerArticlesApi, registerCurationExportApi),
  jobs: (service) => [service.bookmarks.snapshotJob],
  nav: [{ href: '/library', label: 'Library', order: 60, also: ['/bookmarks', '/collections', '/starter-kits', '/articles'] }],
});
