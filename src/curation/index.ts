import { Hono } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import { createApi } from '../api/openapi.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { linkAnnouncement } from './article-announcements.ts';
import { ArticlesService } from './articles.ts';
import { BookmarksService } from './bookmarks.ts';
import { CollectionsService } from './collections.ts';
import { featurableSetting } from './featurable-setting.ts';
import { itemBookmarks } from './item-facts.ts';
import { postBookmarks } from './post-bookmarks.ts';
import { CurationService } from './service.ts';
import { articleApi } from './web/article-api.ts';
import { articlePages } from './web/article-pages.tsx';
import { blogPages } from './web/blog-pages.tsx';
import { bookmarkApi, withImportLimit } from './web/bookmark-api.ts';
import { bookmarkPages } from './web/bookmark-pages.tsx';
import { bookmarkTransferPages } from './web/bookmark-transfer-pages.tsx';
import { collectionEntryPages } from './web/collection-entry-pages.tsx';
import { collectionsApi } from './web/collections-api.ts';
import { collectionsPages } from './web/collections-pages.tsx';
import { exportApi } from './web/export-api.ts';
import { libraryPages } from './web/library-pages.tsx';
import { starterKitPages } from './web/starter-kit-pages.tsx';
import { starterKitsApi } from './web/starter-kits-api.ts';

export type { PublishedArticle } from './article-reading.ts';
export { BookmarkTransfer } from './bookmark-transfer.ts';
export { ArticlesService, BookmarksService, CollectionsService, CurationService, withImportLimit };

export const curation = defineCapability({
  name: 'curation',
  needs: ['accounts', 'social', 'feeds'],
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
  build: (
    kernel,
    { accounts, social, feeds }: { accounts: AccountsService; social: SocialService; feeds: FeedsService },
  ): CurationService => {
    const service = new CurationService({ kernel, accounts, social, feeds });
    // An item's bookmark flag and buttons in the reader are curation's.
    feeds.extendItems(itemBookmarks(service.bookmarks));
    // Likewise a post's bookmark flag, and the card of the article a post announces.
    social.postExtensions.register(postBookmarks(service.bookmarks));
    social.postExtensions.register({ linkedObjects: (db, ids) => service.articles.cards(db, ids) });
    // Publishing writes the announcing post and the article's new state in one transaction.
    social.posts.onCreate(linkAnnouncement);
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
    app.route('/', bookmarkPages(service.bookmarks));
    app.route('/', bookmarkTransferPages(service.bookmarks));
    app.route('/', articlePages(service.articles));
    app.route('/', blogPages(service.articles));
    return app;
  },
  api: (service) => {
    const api = createApi();
    api.route('/', collectionsApi(service.collections));
    api.route('/', starterKitsApi(service.collections));
    api.route('/', bookmarkApi(service.bookmarks));
    api.route('/', articleApi(service.articles));
    api.route('/', exportApi(service));
    return api;
  },
  jobs: (service) => [service.bookmarks.snapshots.job],
  nav: [
    { href: '/library', label: 'Library', order: 60, icon: 'library', also: ['/bookmarks', '/collections', '/starter-kits', '/articles'] },
  ],
});
