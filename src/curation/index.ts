import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerArticlePages } from './article-pages.tsx';
import { ArticlesService } from './articles.ts';
import { registerArticlesApi } from './articles-api.ts';
import { registerBookmarksApi } from './bookmark-api.ts';
import { registerBookmarkPages } from './bookmark-pages.tsx';
import { BookmarksService } from './bookmarks.ts';
import { describeCollections } from './collection-notifications.ts';
import { CollectionsService } from './collections.ts';
import { registerCollectionsApi } from './collections-api.ts';
import { registerCollectionsPages } from './collections-pages.tsx';
import { registerCurationExportApi } from './export.ts';
import { featurableSetting } from './featurable-setting.ts';
import { itemBookmarks } from './item-facts.ts';
import { postBookmarks, registerPostBookmarkPages, registerPostBookmarksApi } from './post-bookmarks.ts';
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
  build: (kernel, { social, feeds }: { social: SocialService; feeds: FeedsService }): Curation => {
    const bookmarks = new BookmarksService({ ...kernel, social });
    // An item's bookmark flag and buttons in the reader are curation's.
    feeds.extendItems(itemBookmarks(kernel.database, bookmarks));
    // Likewise a post's bookmark flag, and the articles posts announce; and collections in notifications.
    social.postExtensions.register(postBookmarks(kernel.config));
    social.notificationSubjects.register('collection', describeCollections(kernel.config));
    const collections = new CollectionsService({ ...kernel, graph: social.graph, posts: social.posts });
    // Whether others may feature a member in public starter kits: a choice on social's privacy settings.
    social.privacy.register(featurableSetting(collections));
    return { bookmarks, collections, articles: new ArticlesService({ ...kernel, social }) };
  },
  pages: () =>
    pagesOf(registerLibraryPages, registerCollectionsPages, registerBookmarkPages, registerPostBookmarkPages, registerArticlePages),
  api: () => apiOf(registerCollectionsApi, registerBookmarksApi, registerPostBookmarksApi, registerArticlesApi, registerCurationExportApi),
  jobs: (service) => [service.bookmarks.snapshotJob],
  nav: [{ href: '/library', label: 'Library', order: 60, also: ['/bookmarks', '/collections', '/starter-kits', '/articles'] }],
});
