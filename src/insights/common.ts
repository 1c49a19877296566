import { type RawBuilder, sql } from 'kysely';

/** Small helpers the insights share: reading raw SQL results, bounded unions, reasons in words. */

/** Numbers from raw SQL: PostgreSQL answers counts (and sometimes ids) as strings. */
export const num = (value: unknown): number => Number(value ?? 0);

/** `(q1) union all (q2) …`, each wrapped so its own ORDER BY and LIMIT apply on both databases. */
export function unionAll(parts: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return sql.join(
    parts.map((part, i) => sql`select * from (${part}) as ${sql.raw(`part${i}`)}`),
    sql` union all `,
  );
}

/** "A", "A and B", "A, B and C". */
export function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A person's profile page. */
export const profilePath = (acct: string): string => `/@${acct}`;
