import { usage } from '../platform/cli.ts';
import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerFeedsApi } from './api.ts';
import { FEED_HELP, feedImportCommand, feedParseCommand } from './cli.ts';
import { registerFeedsPages } from './pages.tsx';
import { FeedsService } from './service.ts';

export { readableOfPage } from './readable.ts';

export { FeedsService };

/** Sources: following feeds (RSS, Atom, RDF, JSON Feed), fetching them politely, reading, OPML. */
export const feeds = defineCapability({
  name: 'feeds',
  needs: [],
  tables: ['sources', 'source_items', 'folders', 'subscriptions', 'item_states', 'keyword_rules'],
  build: (kernel) =>
    new FeedsService(kernel.database, kernel.http, kernel.logger, {
      concurrency: kernel.config.feedConcurrency,
      perHost: kernel.config.feedHostConcurrency,
      maxBytes: kernel.config.feedMaxBytes,
      clock: kernel.clock,
    }),
  pages: () => pagesOf(registerFeedsPages),
  api: () => apiOf(registerFeedsApi),
  jobs: (service) => [
    {
      kind: 'feeds.refresh',
      every: 60_000,
      startAtOnce: true,
      run: (_payload, job) => service.refreshPass(job.signal, job.logger),
      options: { maxAttempts: 1, timeoutMs: 15 * 60_000 },
    },
  ],
  nav: [{ href: '/sources', label: 'Sources', order: 30 }],
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
