import { Hono } from 'hono';
import { createApi } from '../api/openapi.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerArticlePages } from './article-pages.tsx';
import { ArticlesService } from './articles.ts';
import { registerArticlesApi } from './articles-api.ts';
import { registerBookmarksApi } from './bookmark-api.ts';
import { registerBookmarkPages } from './bookmark-pages.tsx';
import { BookmarksService } from './bookmarks.ts';
import { CollectionsService } from './collections.ts';
import { featurableSetting } from './featurable-setting.ts';
import { itemBookmarks } from './item-facts.ts';
import { postBookmarks, registerPostBookmarkPages, registerPostBookmarksApi } from './post-bookmarks.ts';
import { CurationService } from './service.ts';
import { collectionEntryPages } from './web/collection-entry-pages.tsx';
import { collectionsApi } from './web/collections-api.ts';
import { collectionsPages } from './web/collections-pages.tsx';
import { exportApi } from './web/export-api.ts';
import { libraryPages } from './web/library-pages.tsx';
import { starterKitPages } from './web/starter-kit-pages.tsx';
import { starterKitsApi } from './web/starter-kits-api.ts';

export { withImportLimit } from './bookmark-api.ts';
export { BookmarkTransfer } from './bookmark-transfer.ts';
export { ArticlesService, BookmarksService, CollectionsService, CurationService };

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
  build: (kernel, { social, feeds }: { social: SocialService; feeds: FeedsService }): CurationService => {
    const service = new CurationService({ kernel, social, feeds });
    // An item's bookmark flag and buttons in the reader are curation's.
    feeds.extendItems(itemBookmarks(kernel.database, service.bookmarks));
    // Likewise a post's bookmark flag, and the articles posts announce.
    social.postExtensions.register(postBookmarks(kernel.config));
    // Notifications about a collection or kit (a new entry, being added to a kit) show it as collections describe it.
    social.notificationSubjects.register('collection', (db, viewer, ids) => service.collections.notificationSubjects(db, viewer, ids));
    // Whether others may feature a member in public kits and collections is one of their privacy choices.
    social.privacy.register(featurableSetting(kernel.database));
    return service;
  },
  // Mounted in this order (the OpenAPI document lists the API's paths in it).
  pages: (service) => {
    const app = new Hono<AppEnv>();
    app.route('/', libraryPages(service));
    app.route('/', collectionsPages(service.collections));
    app.route('/', collectionEntryPages(service.collections));
    app.route('/', starterKitPages(service.collections));
    app.route('/', pagesOf(registerBookmarkPages));
    app.route('/', pagesOf(registerPostBookmarkPages));
    app.route('/', pagesOf(registerArticlePages));
    return app;
  },
  api: (service) => {
    const api = createApi();
    api.route('/', collectionsApi(service.collections));
    api.route('/', starterKitsApi(service.collections));
    api.route('/', apiOf(registerBookmarksApi));
    api.route('/', apiOf(registerPostBookmarksApi));
    api.route('/', apiOf(registerArticlesApi));
    api.route('/', exportApi(service));
    return api;
  },
  jobs: (service) => [service.bookmarks.snapshotJob],
  nav: [{ href: '/library', label: 'Library', order: 60, also: ['/bookmarks', '/collections', '/starter-kits', '/articles'] }],
});
