import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';

/**
 * Unread items per subscription of a member: items above the subscription's read mark not
 * marked read, plus older ones marked unread again; muted items never count.
 */
export async function unreadCounts(db: Queryable, memberId: number): Promise<Map<number, number>> {
  const rows = await sql<{ id: number; n: number }>`
    select sub.id, count(*) as n
      from subscriptions sub
      join source_items i on i.source_id = sub.source_id and i.id > sub.read_up_to_id
      left join item_states st on st.member_id = sub.member_id and st.item_id = i.id
     where sub.member_id = ${memberId} and coalesce(st.read, 0) = 0 and coalesce(st.muted, 0) = 0
     group by sub.id
    union all
    select sub.id, count(*) as n
      from item_states st
      join source_items i on i.id = st.item_id
      join subscriptions sub on sub.source_id = i.source_id and sub.member_id = st.member_id
     where st.member_id = ${memberId} and st.read = 0 and st.muted = 0 and i.id <= sub.read_up_to_id
     group by sub.id`.execute(db);
  const counts = new Map<number, number>();
  for (const r of rows.rows) counts.set(Number(r.id), (counts.get(Number(r.id)) ?? 0) + Number(r.n));
  return counts;
}
