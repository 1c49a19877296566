import type { Database } from '../db/database.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { SocialService } from '../social/index.ts';
import { CohortsService } from './cohorts.ts';
import { GoalsService } from './goals.ts';
import { HealthService } from './health.ts';
import { MoveToListService } from './move-to-list.ts';
import { MyPlnService } from './my-pln.ts';
import { SuggestionPoolsService } from './pools.ts';
import { RoutineService } from './routine.ts';
import { StagesService } from './stages.ts';
import { SuggestionsService } from './suggestions.ts';

/** What the insights are built from: the database, the site's address, and the services of the capabilities they act through. */
export interface InsightsDeps {
  database: Database;
  /** The site's address, for the links the API gives (https://example.org, no trailing slash). */
  baseUrl: string;
  /** Lists and follows, for "move to a list" on My PLN. */
  social: SocialService;
  /** Unread feed items for the Routine's plan, and whether a member may open an item. */
  feeds: FeedsService;
}

/**
 * Insights, built once: a member's view of their own learning network and what to do next. My
 * PLN (stages and network health, "move to a list"), the Routine, learning goals, Who to follow
 * (and the pools its job refreshes) and cohorts. Insights read every capability's tables to
 * measure what members do and write only their own (each file says whose tables it reads).
 */
export class InsightsService {
  readonly baseUrl: string;
  readonly stages: StagesService;
  readonly health: HealthService;
  readonly myPln: MyPlnService;
  readonly moveToList: MoveToListService;
  readonly routine: RoutineService;
  readonly goals: GoalsService;
  readonly suggestions: SuggestionsService;
  readonly pools: SuggestionPoolsService;
  readonly cohorts: CohortsService;

  constructor(deps: InsightsDeps) {
    const { database, baseUrl } = deps;
    this.baseUrl = baseUrl;
    this.stages = new StagesService({ database });
    this.health = new HealthService({ database });
    this.myPln = new MyPlnService({ stages: this.stages, health: this.health });
    this.moveToList = new MoveToListService({ database, social: deps.social });
    this.routine = new RoutineService({ database, feeds: deps.feeds });
    this.goals = new GoalsService({ database, baseUrl });
    this.suggestions = new SuggestionsService({ database, baseUrl });
    this.pools = new SuggestionPoolsService({ database });
    this.cohorts = new CohortsService({ database, baseUrl, stages: this.stages });
  }
}
