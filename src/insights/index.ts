import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import { POOLS_INTERVAL_MS, POOLS_JOB } from './pools.ts';
import { InsightsService } from './service.ts';
import { insightsApi, insightsPages } from './web/insights-web.ts';
import { whoToFollowCard } from './web/suggestions-pages.tsx';

export type { CohortsService } from './cohorts.ts';
export type { GoalsService } from './goals.ts';
export { InsightsService } from './service.ts';

/** My PLN (stages, network health), the Routine, learning goals, who to follow, cohorts. */
export const insights = defineCapability({
  name: 'insights',
  needs: ['social', 'feeds'],
  tables: [
    'suggestion_dismissals',
    'suggestion_pools',
    'cohorts',
    'cohort_checkpoints',
    'cohort_invites',
    'cohort_students',
    'goals',
    'goal_tags',
    'goal_notes',
    'routine_checks',
  ],
  // Insights measures what members do everywhere: it reads other capabilities' tables, never writes them (docs/architecture.md).
  readsAllTables: true,
  build: (kernel, { social, feeds }: { social: SocialService; feeds: FeedsService }) =>
    new InsightsService({ database: kernel.database, baseUrl: kernel.config.baseUrl, social, feeds }),
  pages: (service) => insightsPages(service),
  api: (service) => insightsApi(service),
  jobs: (service) => [
    // Hourly; the first run comes right after the first start, so a new server has pools within a minute.
    {
      kind: POOLS_JOB,
      every: POOLS_INTERVAL_MS,
      startAtOnce: true,
      run: async () => void (await service.pools.refresh()),
    },
  ],
  asides: (service) => [whoToFollowCard(service)],
  nav: [{ href: '/insights', label: 'My PLN', order: 70, icon: 'insights' }],
});
