import type { Database } from '../db/database.ts';
import type { ReportCategory } from '../db/schema.ts';
import { loadActors } from '../social/index.ts';
import type { ReportSummary } from './report-schemas.ts';

/** Summaries of report rows: the people involved and the posts' ids, in a fixed number of queries. */
export async function reportSummaries(
  database: Database,
  baseUrl: string,
  rows: Array<{
    id: number;
    category: ReportCategory;
    comment: string;
    target_id: number;
    reporter_id: number | null;
    uri: string | null;
    forwarded_at: number | null;
    created_at: number;
    resolved_at: number | null;
    resolved_by: number | null;
  }>,
): Promise<ReportSummary[]> {
  if (rows.length === 0) return [];
  const [actors, posts] = await Promise.all([
    loadActors(
      database.db,
      rows.flatMap((r) => [r.target_id, ...(r.reporter_id ? [r.reporter_id] : []), ...(r.resolved_by ? [r.resolved_by] : [])]),
      baseUrl,
    ),
    database.db
      .selectFrom('report_posts')
      .select(['report_id', 'post_id'])
      .where(
        'report_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('post_id', 'desc')
      .execute(),
  ]);
  return rows.map((r) => {
    const reporter = r.reporter_id ? (actors.get(r.reporter_id) ?? null) : null;
    return {
      id: r.id,
      category: r.category,
      comment: r.comment,
      target: actors.get(r.target_id)!,
      reporter,
      fromRemote: r.uri !== null || (reporter !== null && !reporter.local),
      postIds: posts.filter((p) => p.report_id === r.id).map((p) => p.post_id),
      forwardedAt: r.forwarded_at,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      resolvedBy: r.resolved_by ? (actors.get(r.resolved_by) ?? null) : null,
    };
  });
}
