import { Hono } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { linkAnnouncement } from './article-announcements.ts';
import { ArticlesService } from './articles.ts';
import { BookmarksService } from './bookmarks.ts';
import { describeCollections } from './collection-notifications.ts';
import { CollectionsService } from './collections.ts';
import { registerCollectionsApi } from './collections-api.ts';
import { registerCollectionsPages } from './collections-pages.tsx';
import { registerCurationExportApi } from './export.ts';
import { featurableSetting } from './featurable-setting.ts';
import { itemBookmarks } from './item-facts.ts';
import { postBookmarks } from './post-bookmarks.ts';
import { registerLibraryPages } from './section.tsx';
import { CurationService } from './service.ts';
import { articleApi } from './web/article-api.ts';
import { articlePages } from './web/article-pages.tsx';
import { blogPages } from './web/blog-pages.tsx';
import { bookmarkApi, withImportLimit } from './web/bookmark-api.ts';
import { bookmarkPages } from './web/bookmark-pages.tsx';
import { bookmarkTransferPages } from './web/bookmark-transfer-pages.tsx';

export type { PublishedArticle } from './article-reading.ts';
export { BookmarkTransfer } from './bookmark-transfer.ts';
export { ArticlesService, BookmarksService, CollectionsService, CurationService, withImportLimit };

/** @deprecated the service's name before issue 17: CurationService. */
export type Curation = CurationService;

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
    const bookmarks = new BookmarksService({ ...kernel, accounts, social, feeds });
    const articles = new ArticlesService({ ...kernel, social });
    // An item's bookmark flag and buttons in the reader are curation's.
    feeds.extendItems(itemBookmarks(bookmarks));
    // So are a post's bookmark flag and the card of the article a post announces.
    social.postExtensions.register(postBookmarks(bookmarks));
    social.postExtensions.register({ linkedObjects: (db, ids) => articles.cards(db, ids) });
    // Publishing writes the announcing post and the article's new state in one transaction.
    social.posts.onCreate(linkAnnouncement);
    social.notificationSubjects.register('collection', describeCollections(kernel.config));
    const collections = new CollectionsService({ ...kernel, graph: social.graph, posts: social.posts });
    // Whether others may feature a member in public starter kits: a choice on social's privacy settings.
    social.privacy.register(featurableSetting(collections));
    return new CurationService({ bookmarks, collections, articles });
  },
  pages: (service) => {
    const app = new Hono<AppEnv>();
    app.route('/', pagesOf(registerLibraryPages, registerCollectionsPages));
    app.route('/', bookmarkPages(service.bookmarks));
    app.route('/', bookmarkTransferPages(service.bookmarks));
    app.route('/', articlePages(service.articles));
    app.route('/', blogPages(service.articles));
    return app;
  },
  api: (service) => {
    const api = apiOf(registerCollectionsApi);
    api.route('/', bookmarkApi(service.bookmarks));
    api.route('/', articleApi(service.articles));
    api.route('/', apiOf(registerCurationExportApi));
    return api;
  },
  jobs: (service) => [service.bookmarks.snapshots.job],
  nav: [{ href: '/library', label: 'Library', order: 60, also: ['/bookmarks', '/collections', '/starter-kits', '/articles'] }],
});
