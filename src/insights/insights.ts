import type { Database } from '../db/database.ts';
import { type NetworkHealth, networkHealth } from './health.ts';
import { memberStages, type StagesResult } from './stages.ts';

/** Everything the My PLN page and `GET /api/v1/insights` show, for one member: only ever the viewer. */
export interface MemberInsights extends StagesResult {
  health: NetworkHealth;
  computedAt: number;
}

/** Computed on request: both parts are a handful of indexed queries bounded by the member's own rows. */
export async function memberInsights(
  database: Database,
  member: { memberId: number; actorId: number },
  now = Date.now(),
): Promise<MemberInsights> {
  const [stages, health] = await Promise.all([memberStages(database, member, now), networkHealth(database, member, now)]);
  return { ...stages, health, computedAt: now };
}
