import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';

/**
 * Keyword rules: a member mutes or stars items whose title, author or text contains a word,
 * in one source, one folder, or everywhere. New items are checked as they are stored; a new
 * rule is applied to the items already there.
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
