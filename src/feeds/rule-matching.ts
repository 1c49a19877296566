import { type Expression, type SqlBool, sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import { searchText } from './ingest.ts';

/**
 * How keyword rules meet items: a member mutes or stars items whose title, author or text
 * contains a word, in one source, one folder, or everywhere. New items are checked as they are
 * stored (the refresher calls `applyRulesToNewItems` in its transaction); a new rule is applied
 * to the items already there; mutes are worked out anew when a rule, a folder or a source's
 * folder changes. These run inside the caller's transaction.
 */

export type RuleAction = 'mute' | 'star';

export function matches(text: string, keyword: string): boolean {
  return text.toLocaleLowerCase().includes(keyword.toLocaleLowerCase());
}

/** Marks new items of a source for the subscribers whose rules match them. */
export async function applyRulesToNewItems(db: Queryable, sourceId: number, items: Array<{ id: number; text: string }>): Promise<void> {
  const rules = await db
    .selectFrom('keyword_rules as r')
    .innerJoin('subscriptions as s', (join) => join.onRef('s.member_id', '=', 'r.member_id').on('s.source_id', '=', sourceId))
    .select(['r.member_id', 'r.keyword', 'r.action'])
    .where((eb) =>
      eb.or([
        eb('r.source_id', '=', sourceId),
        eb.and([eb('r.folder_id', 'is not', null), eb('r.folder_id', '=', eb.ref('s.folder_id'))]),
        eb.and([eb('r.source_id', 'is', null), eb('r.folder_id', 'is', null)]),
      ]),
    )
    .execute();
  if (!rules.length) return;
  const now = Date.now();
  for (const rule of rules) {
    for (const item of items) {
      if (!matches(item.text, rule.keyword)) continue;
      await markItem(db, rule.member_id, item.id, rule.action, now);
    }
  }
}

export async function markItem(db: Queryable, memberId: number, itemId: number, action: RuleAction, now: number): Promise<void> {
  const set = action === 'mute' ? { muted: 1 } : { starred_at: now };
  await db
    .insertInto('item_states')
    .values({ member_id: memberId, item_id: itemId, read: null, starred_at: null, muted: 0, ...set })
    .onConflict((oc) =>
      oc
        .columns(['member_id', 'item_id'])
        .doUpdateSet(action === 'mute' ? { muted: 1 } : { starred_at: sql`coalesce(item_states.starred_at, ${now})` }),
    )
    .execute();
}

/** Mutes anew by the member's mute rules as they are now (a rule or a folder went, a source moved). */
export async function recomputeMutes(tx: Queryable, memberId: number): Promise<void> {
  await tx.updateTable('item_states').set({ muted: 0 }).where('member_id', '=', memberId).where('muted', '=', 1).execute();
  const remaining = await tx
    .selectFrom('keyword_rules')
    .selectAll()
    .where('member_id', '=', memberId)
    .where('action', '=', 'mute')
    .execute();
  for (const r of remaining) {
    const items = await tx
      .selectFrom('source_items as i')
      .innerJoin('subscriptions as sub', (join) => join.onRef('sub.source_id', '=', 'i.source_id').on('sub.member_id', '=', memberId))
      .select(['i.id', 'i.title', 'i.author', 'i.summary', 'i.content_html'])
      .$if(r.source_id !== null, (qb) => qb.where('sub.source_id', '=', r.source_id!))
      .$if(r.folder_id !== null, (qb) => qb.where('sub.folder_id', '=', r.folder_id!))
      .$if(likeProbe(r.keyword) !== null, (qb) => qb.where(likeProbe(r.keyword)!))
      .execute();
    for (const c of items) if (matches(searchText(c), r.keyword)) await markItem(tx, memberId, c.id, 'mute', Date.now());
  }
}

/**
 * A coarse SQL condition that every item a keyword matches passes: the keyword's longest run of
 * ASCII letters and digits appears in the stored title, summary or HTML (SQLite's lower() folds
 * only ASCII, and the text is stored as HTML, so the whole keyword would miss "Élection" or
 * "Tom &amp; Jerry"). Null when the keyword has no such run. For queries on `source_items as i`.
 */
export function likeProbe(keyword: string): Expression<SqlBool> | null {
  const probe = (keyword.match(/[a-z0-9]+/gi) ?? []).sort((a, b) => b.length - a.length)[0];
  if (!probe) return null;
  return sql<SqlBool>`lower(i.title || ' ' || coalesce(i.author, '') || ' ' || i.summary || ' ' || i.content_html) like ${`%${probe.toLowerCase()}%`}`;
}
