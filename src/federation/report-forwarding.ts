import { Flag } from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import type { SocialService } from '../social/index.ts';
import { SITE_ACTOR } from './local-actors.ts';
import { recipientsOf, type SenderService } from './sender.ts';

export interface ReportForwardingDeps {
  database: Database;
  social: Pick<SocialService, 'postRows'>;
  sender: SenderService;
}

/** Forwards a report to the reported account's server, as a Flag from the site actor (reporters stay anonymous). */
export async function forwardReport(deps: ReportForwardingDeps, reportId: number): Promise<void> {
  const db = deps.database.db;
  const ctx = deps.sender.context();
  const row = await db
    .selectFrom('reports')
    .innerJoin('actors', 'actors.id', 'reports.target_id')
    .select(['reports.id', 'reports.comment', 'actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url'])
    .where('reports.id', '=', reportId)
    .executeTakeFirst();
  const [recipient] = recipientsOf(row);
  if (!row || !recipient) return;
  // Every post the report concerns that came from their server (Mastodon lists them the same way).
  const reported = await db.selectFrom('report_posts').select('post_id').where('report_id', '=', row.id).execute();
  const posts = (await deps.social.postRows.find({ ids: reported.map((r) => r.post_id) })).filter((p) => p.uri !== null).reverse();
  const site = ctx.getActorUri(SITE_ACTOR);
  const flag = new Flag({
    id: new URL(`${site.href}/reports/${row.id}`),
    actor: site,
    objects: [new URL(row.uri!), ...posts.map((p) => new URL(p.uri!))],
    content: row.comment,
  });
  await deps.sender.deliver(SITE_ACTOR, [recipient], flag);
  await db.updateTable('reports').set({ forwarded_at: Date.now() }).where('id', '=', row.id).execute();
}
