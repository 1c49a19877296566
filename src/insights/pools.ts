import { sql } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * The best-known people of each passion, role and place, for Who to follow
 * (suggestions.ts): within each group, people who posted in the last 90 days first, then by
 * followers. Ranking every holder of a passion by followers costs a sort of thousands of rows,
 * too slow for each request at 100,000 members; the insights.pools job does it once an hour
 * for everyone, and a request reads a hundred ready rows per passion.
 *
 * The refresh replaces the whole table in one transaction, so it is idempotent and readers
 * never see a half-built pool. Reads the people (`actors`, `actor_passions`, `members`: accounts'
 * shared read model); writes only its own `suggestion_pools`.
 */

export const POOL_SIZE = 100;
export const POOLS_JOB = 'insights.pools';
export const POOLS_INTERVAL_MS = 3600_000;
const ACTIVE_MS = 90 * 86_400_000;

export class SuggestionPoolsService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  /** Ranks everyone again: the insights.pools job, hourly. */
  async refresh(now = Date.now()): Promise<{ rows: number }> {
    const activeSince = now - ACTIVE_MS;
    // Suspended members are never suggested; everyone else (remote people too) can be. People
    // without a role or place are in no group of that kind.
    const ranked = (group: ReturnType<typeof sql.raw>, from: ReturnType<typeof sql>, kind: string) => sql`
      insert into suggestion_pools (kind, key, rank, actor_id)
      select ${kind}, grp, rnk, actor_id from (
        select ${group} as grp, actors.id as actor_id,
          row_number() over (
            partition by ${group}
            order by case when actors.last_post_at >= ${activeSince} then 0 else 1 end, actors.followers_count desc, actors.id desc
          ) as rnk
        from ${from}
        left join members on members.actor_id = actors.id
        where members.suspended_at is null and ${group} is not null
      ) as ranked
      where rnk <= ${POOL_SIZE}`;
    return this.#database.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('suggestion_pools').execute();
      let rows = 0;
      for (const query of [
        ranked(
          sql.raw('cast(actor_passions.passion_id as text)'),
          sql`actor_passions inner join actors on actors.id = actor_passions.actor_id`,
          'passion',
        ),
        ranked(sql.raw('actors.role'), sql`actors`, 'role'),
        ranked(sql.raw('actors.location_key'), sql`actors`, 'place'),
      ]) {
        rows += Number((await query.execute(tx)).numAffectedRows ?? 0);
      }
      return { rows };
    });
  }
}
