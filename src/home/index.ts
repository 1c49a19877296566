import { Hono } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import type { ChatsService } from '../chats/index.ts';
import type { CurationService } from '../curation/index.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { InsightsService } from '../insights/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { HomeService } from './service.ts';
import { homePages } from './web/home-pages.tsx';
import { welcomePages } from './web/welcome-pages.tsx';
import { gettingStartedCard } from './web/welcome-views.tsx';

export { HomeService };

/**
 * The front page ("Start here" for members, with the administrator's setup checklist), the
 * guided first ten minutes (/welcome), the about page, and places still being built. It comes
 * last: a newcomer's first steps go through every other capability.
 */
export const home = defineCapability({
  name: 'home',
  needs: ['accounts', 'social', 'chats', 'feeds', 'curation', 'insights'],
  tables: [],
  build: (
    kernel,
    deps: {
      accounts: AccountsService;
      social: SocialService;
      chats: ChatsService;
      feeds: FeedsService;
      curation: CurationService;
      insights: InsightsService;
    },
  ) => new HomeService({ ...deps, database: kernel.database, config: kernel.config }),
  pages: (service) => {
    const app = new Hono<AppEnv>();
    app.route('/', welcomePages(service));
    app.route('/', homePages(service));
    return app;
  },
  asides: (service) => [gettingStartedCard(service)],
  // No place in the navigation until groups exist (/groups says they are coming).
});
