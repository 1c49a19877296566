import type { Viewer } from '../platform/viewer.ts';
import type { HealthService, NetworkHealth } from './health.ts';
import type { StagesResult, StagesService } from './stages.ts';

/** Everything the My PLN page and `GET /api/v1/insights` show, for one member: only ever the viewer. */
export interface MemberInsights extends StagesResult {
  health: NetworkHealth;
  computedAt: number;
}

/** My PLN: a member's stage (stages.ts) and the health of their network (health.ts), together. */
export class MyPlnService {
  readonly #stages: StagesService;
  readonly #health: HealthService;

  constructor(deps: { stages: StagesService; health: HealthService }) {
    this.#stages = deps.stages;
    this.#health = deps.health;
  }

  /** Computed on request: both parts are a handful of indexed queries bounded by the member's own rows. */
  async of(member: Pick<Viewer, 'memberId' | 'actorId'>, now = Date.now()): Promise<MemberInsights> {
    const [stages, health] = await Promise.all([this.#stages.of(member, now), this.#health.of(member, now)]);
    return { ...stages, health, computedAt: now };
  }
}
