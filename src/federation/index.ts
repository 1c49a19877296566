import { Hono } from 'hono';
import type { AccountsService } from '../accounts/index.ts';
import { createApi } from '../api/openapi.ts';
import type { ChatsService } from '../chats/index.ts';
import type { CurationService } from '../curation/index.ts';
import type { SocialActivity, SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { BACKFILL_JOB, BACKFILL_JOB_OPTIONS } from './backfill.ts';
import { OUTBOX_JOB, OUTBOX_JOB_OPTIONS } from './outbox.ts';
import { DELIVERY_JOB, DELIVERY_JOB_OPTIONS, type FedifyMessage, INBOX_JOB, INBOX_JOB_OPTIONS } from './queue.ts';
import { NODEINFO_JOB, NODEINFO_JOB_OPTIONS } from './server-software.ts';
import { FederationService } from './service.ts';
import { instanceApi } from './web/instance-api.ts';
import { instancePages } from './web/instance-pages.tsx';
import { lookupApi } from './web/lookup-api.ts';
import { mediaPages } from './web/media-pages.ts';
import { reportApi } from './web/report-api.ts';
import { reportPages } from './web/report-pages.tsx';
import { reportQueuePages } from './web/report-queue-pages.tsx';

export type { ActorRow } from './actors.ts';
export { FederationService };

/** ActivityPub with Fedify: actors, inbox and outbox, WebFinger, NodeInfo, relays, reports, moderation. */
export const federation = defineCapability({
  name: 'federation',
  needs: ['accounts', 'social', 'chats', 'curation'],
  tables: ['actor_keys', 'federation_kv', 'instances', 'chat_followers', 'relays', 'reports', 'report_posts', 'report_notes'],
  build: (
    kernel,
    {
      accounts,
      social,
      chats,
      curation,
    }: { accounts: AccountsService; social: SocialService; chats: ChatsService; curation: CurationService },
  ) => {
    // Chat series are published as group actors; a post announcing an article goes out as the Article.
    const service = new FederationService({
      ...kernel,
      accounts,
      social,
      chatGroups: chats.groups,
      articles: (ids) => curation.articles.published(ids),
    });
    // Members find people on other servers by address or link (social's search).
    social.lookUpRemoteAccountsWith((query) => service.lookup(query));
    return service;
  },
  protocol: (service) => service.middleware(),
  pages: (service) =>
    new Hono<AppEnv>()
      .route('/', mediaPages(service))
      .route('/', instancePages(service))
      .route('/', reportPages(service))
      .route('/', reportQueuePages(service)),
  api: (service) => createApi().route('/', lookupApi(service)).route('/', instanceApi(service)).route('/', reportApi(service)),
  jobs: (service) => [
    { kind: 'federation.prune', every: 3600_000, run: () => service.prune(), options: { timeoutMs: 10 * 60_000 } },
    // Fedify's queue: deliveries (and fan-outs), and received activities (queue.ts).
    { kind: DELIVERY_JOB, run: (message: FedifyMessage, ctx) => service.queue.deliver(message, ctx), options: DELIVERY_JOB_OPTIONS },
    { kind: INBOX_JOB, run: (message: FedifyMessage, ctx) => service.queue.receive(message, ctx), options: INBOX_JOB_OPTIONS },
    // Local activities to other servers (outbox.ts).
    { kind: OUTBOX_JOB, run: (activity: SocialActivity, ctx) => service.outbox.run(activity, ctx), options: OUTBOX_JOB_OPTIONS },
    // A found account's recent and pinned posts (backfill.ts).
    { kind: BACKFILL_JOB, run: ({ actorId }: { actorId: number }) => service.backfill.run(actorId), options: BACKFILL_JOB_OPTIONS },
    // Which software other servers run (server-software.ts).
    { kind: NODEINFO_JOB, run: ({ domain }: { domain: string }) => service.software.read(domain), options: NODEINFO_JOB_OPTIONS },
  ],
  close: (service) => service.close(),
});
