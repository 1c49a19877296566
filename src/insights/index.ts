import type { FeedsService } from '../feeds/index.ts';
import { defineCapability, type Kernel } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerInsightsApi } from './api.ts';
import { CohortsService } from './cohorts.ts';
import { registerCohortsApi } from './cohorts-api.ts';
import { registerCohortsPages } from './cohorts-pages.tsx';
import { GoalsService } from './goals.ts';
import { registerGoalsApi } from './goals-api.ts';
import { registerGoalsPages } from './goals-pages.tsx';
import { registerMyPlnPages } from './pages.tsx';
import { POOLS_INTERVAL_MS, POOLS_JOB, refreshSuggestionPools } from './pools.ts';
import { RoutineService } from './routine.ts';
import { registerRoutineApi } from './routine-api.ts';
import { registerRoutinePages } from './routine-pages.tsx';
import { SuggestionsService } from './suggestions.ts';
import { registerSuggestionsApi } from './suggestions-api.ts';
import { registerSuggestionsPages } from './suggestions-pages.tsx';

export { CohortsService } from './cohorts.ts';
export { GoalsService } from './goals.ts';

/** My PLN (stages, network health), the Routine, learning goals, who to follow, cohorts. */
export interface Insights {
  kernel: Kernel;
  suggestions: SuggestionsService;
  cohorts: CohortsService;
  goals: GoalsService;
  routine: RoutineService;
}

export const insights = defineCapability({
  name: 'insights',
  needs: ['feeds'],
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
  build: (kernel, { feeds }: { feeds: FeedsService }): Insights => ({
    kernel,
    suggestions: new SuggestionsService(kernel.database, kernel.config.baseUrl),
    cohorts: new CohortsService(kernel.database, kernel.config.baseUrl),
    goals: new GoalsService(kernel.database, kernel.config.baseUrl),
    routine: new RoutineService(kernel.database, feeds),
  }),
  pages: () => pagesOf(registerSuggestionsPages, registerGoalsPages, registerMyPlnPages, registerCohortsPages, registerRoutinePages),
  api: () => apiOf(registerSuggestionsApi, registerGoalsApi, registerInsightsApi, registerCohortsApi, registerRoutineApi),
  jobs: (service) => [
    // Hourly; the first run comes right after the first start, so a new server has pools within a minute.
    {
      kind: POOLS_JOB,
      every: POOLS_INTERVAL_MS,
      startAtOnce: true,
      run: async () => void (await refreshSuggestionPools(service.kernel.database)),
    },
  ],
  nav: [{ href: '/insights', label: 'Insights', order: 70 }],
});
