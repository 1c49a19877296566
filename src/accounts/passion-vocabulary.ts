import { type RawBuilder, sql } from 'kysely';
import { stemmer } from 'stemmer';
import type { Database, Queryable } from '../db/database.ts';
import { type FieldIssue, UserError } from '../platform/errors.ts';
import { passionNameSchema, passionSlug } from './profile-schemas.ts';

/**
 * Passions that find people. Two passions match when their match keys are equal: the slug
 * (letters and digits, lower-cased: "Book talks" → "booktalks") stemmed with the Porter stemmer
 * (`stemmer`, pinned), so "Storytimes", "story time" and "Storytime" meet, and "book talk" meets
 * "Book talks". They are related when the vocabulary puts them in one group ("Storytime, Early
 * literacy, Lapsit"): a default from migration 0020, edited by administrators at /admin/passions.
 *
 * Matching reads `passions.match_key` and `related_passions` (both indexed on the key) inside the
 * query that needs it, so a search costs no extra statement per person or per passion. The rule
 * is also written out in migration 0020 (for the keys it computed): change both together, with a
 * migration that computes the keys again.
 */

/** "Storytimes" → "storytim": the key passions match on. */
export function passionKey(name: string): string {
  return stemmer(passionSlug(name));
}

/** The vocabulary's limits: enough for a field's worth of groups, small enough to read in one query. */
export const VOCABULARY_LIMITS = { groups: 200, perGroup: 20, chars: 20_000 } as const;

/**
 * A condition on `passions` (in the query, under that name): its key is one of `keys` or related
 * to one of them in the vocabulary (one subquery on the vocabulary's key index).
 */
export function passionMatches(keys: readonly string[]): RawBuilder<boolean> {
  const wanted = [...new Set(keys)].filter(Boolean);
  if (wanted.length === 0) return sql<boolean>`1 = 0`;
  const list = sql.join(wanted);
  return sql<boolean>`(passions.match_key in (${list}) or passions.match_key in (
    select theirs.match_key from related_passions as mine
    inner join related_passions as theirs on theirs.group_id = mine.group_id
    where mine.match_key in (${list})))`;
}

/**
 * Reads the administrators' text: one group a line, passions separated by commas; blank lines and
 * lines starting with # are left out. Every problem is reported at once (a 422), naming its line.
 */
export function parseVocabulary(text: string): string[][] {
  if (text.length > VOCABULARY_LIMITS.chars) {
    throw UserError.field('vocabulary', `The vocabulary can have at most ${VOCABULARY_LIMITS.chars.toLocaleString('en')} characters.`);
  }
  const lines = text
    .split(/\r?\n/)
    .map((line, index) => ({ label: `Line ${index + 1}`, line: line.trim() }))
    .filter(({ line }) => line && !line.startsWith('#'));
  return checkGroups(
    lines.map(({ line, label }) => ({ label, names: line.split(',') })),
    'vocabulary',
  );
}

/**
 * Checks groups of passion names (from the text, or the API's lists): each a valid passion name,
 * repeats (by match key) dropped, two to `perGroup` a group, at most `groups` groups.
 */
export function checkGroups(groups: ReadonlyArray<{ label: string; names: readonly string[] }>, path = 'groups'): string[][] {
  const issues: FieldIssue[] = [];
  const problem = (message: string) => issues.push({ path, message });
  if (groups.length > VOCABULARY_LIMITS.groups) problem(`The vocabulary can have at most ${VOCABULARY_LIMITS.groups} groups.`);
  const result: string[][] = [];
  for (const { label, names: raw } of groups.slice(0, VOCABULARY_LIMITS.groups)) {
    const names: string[] = [];
    const seen = new Set<string>();
    let bad = false;
    for (const part of raw) {
      if (!part.trim()) continue;
      const parsed = passionNameSchema.safeParse(part);
      if (!parsed.success) {
        problem(`${label}: “${part.trim().slice(0, 60)}”: ${parsed.error.issues[0]?.message ?? 'not a passion.'}`);
        bad = true;
        continue;
      }
      const key = passionKey(parsed.data);
      if (seen.has(key)) continue;
      seen.add(key);
      names.push(parsed.data);
    }
    if (names.length > VOCABULARY_LIMITS.perGroup) problem(`${label}: a group can have at most ${VOCABULARY_LIMITS.perGroup} passions.`);
    else if (names.length < 2 && !bad) problem(`${label}: a group needs at least two different passions, separated by commas.`);
    result.push(names);
  }
  if (issues.length > 0) throw UserError.invalid(issues, issues.length === 1 ? issues[0]!.message : 'Some groups need attention.');
  return result;
}

/** The groups as the administrators' text: one a line. */
export function vocabularyText(groups: readonly string[][]): string {
  return groups.map((g) => g.join(', ')).join('\n');
}

/** The vocabulary of related passions: read, replaced by administrators, and what a passion is related to. */
export class PassionVocabularyService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  /** Every group, in order, each passion as written. */
  async groups(): Promise<string[][]> {
    const rows = await this.#database.db
      .selectFrom('related_passions')
      .select(['group_id', 'name'])
      .orderBy('group_id')
      .orderBy('position')
      .execute();
    const groups = new Map<number, string[]>();
    for (const r of rows) {
      const group = groups.get(Number(r.group_id)) ?? [];
      group.push(r.name);
      groups.set(Number(r.group_id), group);
    }
    return [...groups.values()];
  }

  /** Replaces the whole vocabulary with these groups (checked by `parseVocabulary`), in one transaction. */
  async replace(groups: readonly string[][]): Promise<void> {
    const rows = groups.flatMap((names, g) =>
      names.map((name, position) => ({ group_id: g + 1, position, name, match_key: passionKey(name) })),
    );
    await this.#database.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('related_passions').execute();
      // Insert in chunks: a few hundred rows a statement stays under every driver's parameter limit.
      for (let i = 0; i < rows.length; i += 200)
        await tx
          .insertInto('related_passions')
          .values(rows.slice(i, i + 200))
          .execute();
    });
  }
}

/**
 * The vocabulary's passions related to each key (itself left out), as written, in the groups'
 * order: one query for all the keys.
 */
export async function relatedNames(db: Queryable, keys: readonly string[], each = 6): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  const wanted = [...new Set(keys)].filter(Boolean);
  if (wanted.length === 0) return result;
  const rows = await db
    .selectFrom('related_passions as mine')
    .innerJoin('related_passions as theirs', 'theirs.group_id', 'mine.group_id')
    .select(['mine.match_key as key', 'theirs.name', 'theirs.match_key as related_key'])
    .where('mine.match_key', 'in', wanted)
    .where(sql<boolean>`theirs.match_key <> mine.match_key`)
    .orderBy('mine.match_key')
    .orderBy('theirs.group_id')
    .orderBy('theirs.position')
    .execute();
  const seen = new Map<string, Set<string>>();
  for (const r of rows) {
    const names = result.get(r.key) ?? [];
    const keysSeen = seen.get(r.key) ?? new Set();
    if (names.length < each && !keysSeen.has(r.related_key)) {
      names.push(r.name);
      keysSeen.add(r.related_key);
    }
    result.set(r.key, names);
    seen.set(r.key, keysSeen);
  }
  return result;
}
