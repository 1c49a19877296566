import { Hono } from 'hono';
import { type Api, createApi } from '../api/openapi.ts';
import { usage } from '../platform/cli.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { FEED_HELP, feedImportCommand, feedParseCommand } from './cli.ts';
import { FeedsService } from './service.ts';
import { foldersApi } from './web/folders-api.ts';
import { foldersPages } from './web/folders-pages.tsx';
import { itemPages } from './web/item-pages.tsx';
import { itemsApi } from './web/items-api.ts';
import { opmlApi } from './web/opml-api.ts';
import { opmlPages } from './web/opml-pages.tsx';
import { riverPages } from './web/river-pages.tsx';
import { rulesApi } from './web/rules-api.ts';
import { rulesPages } from './web/rules-pages.tsx';
import { shareApi } from './web/share-api.ts';
import { sharePages } from './web/share-pages.tsx';
import { sourcesApi } from './web/sources-api.ts';
import { sourcesPages } from './web/sources-pages.tsx';
import { starterSourcesPages } from './web/starter-sources-pages.tsx';

export type { ItemExtension } from './item-extensions.ts';
export type { ItemRef } from './items.ts';
export { readableOfPage } from './readable.ts';
export type { SourceRef } from './sources.ts';
export { FeedsService };

/** Sources: following feeds (RSS, Atom, RDF, JSON Feed), fetching them politely, reading, OPML. */
export const feeds = defineCapability({
  name: 'feeds',
  needs: ['social'],
  tables: ['sources', 'source_items', 'folders', 'subscriptions', 'item_states', 'keyword_rules'],
  build: (kernel, { social }: { social: SocialService }) =>
    new FeedsService({
      database: kernel.database,
      http: kernel.http,
      logger: kernel.logger,
      options: {
        concurrency: kernel.config.feedConcurrency,
        perHost: kernel.config.feedHostConcurrency,
        maxBytes: kernel.config.feedMaxBytes,
        clock: kernel.clock,
      },
      posts: social.posts,
      config: kernel.config,
      settings: kernel.settings,
    }),
  // Mounted in this order (no two of them match the same request).
  pages: (service) => {
    const app = new Hono<AppEnv>();
    for (const pages of [riverPages, sourcesPages, itemPages, sharePages, foldersPages, rulesPages, opmlPages, starterSourcesPages])
      app.route('/', pages(service));
    return app;
  },
  api: (service) => {
    const api: Api = createApi();
    // The order of the OpenAPI document's paths.
    for (const part of [sourcesApi, opmlApi, foldersApi, itemsApi, shareApi, rulesApi]) api.route('/', part(service));
    return api;
  },
  jobs: (service) => [
    {
      kind: 'feeds.refresh',
      every: 60_000,
      startAtOnce: true,
      run: (_payload, job) => service.refreshPass(job.signal, job.logger),
      options: { maxAttempts: 1, timeoutMs: 15 * 60_000 },
    },
  ],
  nav: [{ href: '/sources', label: 'Sources', order: 30, icon: 'sources' }],
  commands: [
    {
      name: 'feed',
      help: FEED_HELP,
      run: async ([sub, ...rest], { config, version, open }) => {
        if (sub === 'parse') return feedParseCommand(config, version, rest);
        if (sub === 'import-opml') return feedImportCommand(open, rest);
        throw usage(`unknown feed command "${sub ?? ''}": use feed parse or feed import-opml`);
      },
    },
  ],
});
