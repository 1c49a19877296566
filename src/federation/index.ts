import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerFederationApi } from './api.ts';
import { registerFederationPages } from './pages.tsx';
import { registerReportPages } from './report-pages.tsx';
import { registerReportsApi } from './reports-api.ts';
import { FederationService } from './service.ts';

export { FederationService };

/** ActivityPub with Fedify: actors, inbox and outbox, WebFinger, NodeInfo, relays, reports, moderation. */
export const federation = defineCapability({
  name: 'federation',
  needs: ['social'],
  tables: ['actor_keys', 'federation_kv', 'instances', 'chat_followers', 'relays', 'reports', 'report_posts', 'report_notes'],
  build: (kernel, { social }: { social: SocialService }) => {
    const service = new FederationService({ ...kernel, social });
    // The search page finds people on other servers through federation.
    social.lookUpRemoteAccountsWith((query) => service.lookup(query));
    return service;
  },
  protocol: (service) => service.middleware(),
  pages: () => pagesOf(registerFederationPages, registerReportPages),
  api: () => apiOf(registerFederationApi, registerReportsApi),
  jobs: (service) => [{ kind: 'federation.prune', every: 3600_000, run: () => service.prune(), options: { timeoutMs: 10 * 60_000 } }],
  close: (service) => service.close(),
});
