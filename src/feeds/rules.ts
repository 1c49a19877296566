import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { FoldersService } from './folders.ts';
import { searchText } from './ingest.ts';
import { likeProbe, markItem, matches, type RuleAction, recomputeMutes } from './rule-matching.ts';
import type { SourcesService } from './sources.ts';

/**
 * Keyword rules, as a member keeps them: mute or star items containing a word or phrase, in
 * one source, one folder or everywhere. A new rule applies to the items already there at once;
 * removing a mute rule brings back what it hid. (How rules meet items: rule-matching.ts.)
 */

export type { RuleAction };

export interface RuleView {
  id: number;
  keyword: string;
  action: RuleAction;
  scope: { kind: 'all' } | { kind: 'folder'; id: number; name: string } | { kind: 'source'; id: number; title: string };
}

export interface NewRule {
  keyword: string;
  action: RuleAction;
  folderId?: number | null | undefined;
  subscriptionId?: number | null | undefined;
}

const MAX_KEYWORD = 100;

export class RulesService {
  readonly #database: Database;
  readonly #sources: SourcesService;
  readonly #folders: FoldersService;

  constructor(deps: { database: Database; sources: SourcesService; folders: FoldersService }) {
    this.#database = deps.database;
    this.#sources = deps.sources;
    this.#folders = deps.folders;
  }

  get #db() {
    return this.#database.db;
  }

  async list(viewer: Viewer): Promise<RuleView[]> {
    const rows = await this.#db
      .selectFrom('keyword_rules as r')
      .leftJoin('folders as f', 'f.id', 'r.folder_id')
      .leftJoin('subscriptions as sub', (join) =>
        join.onRef('sub.source_id', '=', 'r.source_id').onRef('sub.member_id', '=', 'r.member_id'),
      )
      .leftJoin('sources as s', 's.id', 'r.source_id')
      .select([
        'r.id',
        'r.keyword',
        'r.action',
        'r.folder_id',
        'f.name as folder_name',
        'sub.id as sub_id',
        'sub.title as custom_title',
        's.title as source_title',
      ])
      .where('r.member_id', '=', viewer.memberId)
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      keyword: r.keyword,
      action: r.action,
      scope: r.sub_id
        ? { kind: 'source', id: r.sub_id, title: r.custom_title ?? r.source_title ?? '' }
        : r.folder_id
          ? { kind: 'folder', id: r.folder_id, name: r.folder_name ?? '' }
          : { kind: 'all' },
    }));
  }

  /** Adds a rule and applies it to the items already there. */
  async add(viewer: Viewer, input: NewRule): Promise<RuleView> {
    const keyword = input.keyword.replace(/\s+/g, ' ').trim();
    if (!keyword) throw UserError.field('keyword', 'A rule needs a word or phrase.');
    if (keyword.length > MAX_KEYWORD) throw UserError.field('keyword', `A keyword can be at most ${MAX_KEYWORD} characters.`);
    if (input.folderId && input.subscriptionId) throw UserError.field('scope', 'A rule applies to one source or one folder, not both.');
    const sourceId = input.subscriptionId ? (await this.#sources.own(viewer, input.subscriptionId)).source_id : null;
    if (input.folderId) await this.#folders.own(viewer, input.folderId);
    const id = await this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('keyword_rules')
        .values({
          member_id: viewer.memberId,
          source_id: sourceId,
          folder_id: input.folderId ?? null,
          keyword,
          action: input.action,
          created_at: Date.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Existing items: a coarse LIKE narrows them in SQL, the same match as for new items decides.
      const probe = likeProbe(keyword);
      const candidates = await tx
        .selectFrom('source_items as i')
        .innerJoin('subscriptions as sub', (join) =>
          join.onRef('sub.source_id', '=', 'i.source_id').on('sub.member_id', '=', viewer.memberId),
        )
        .select(['i.id', 'i.title', 'i.author', 'i.summary', 'i.content_html'])
        .$if(sourceId !== null, (qb) => qb.where('sub.source_id', '=', sourceId!))
        .$if(!!input.folderId, (qb) => qb.where('sub.folder_id', '=', input.folderId!))
        .$if(probe !== null, (qb) => qb.where(probe!))
        .execute();
      const now = Date.now();
      for (const c of candidates) {
        if (matches(searchText(c), keyword)) await markItem(tx, viewer.memberId, c.id, input.action, now);
      }
      return row.id;
    });
    return (await this.list(viewer)).find((r) => r.id === id)!;
  }

  /** Removes a rule; items it muted come back (stars it gave stay: the member may have starred them too). */
  async delete(viewer: Viewer, ruleId: number): Promise<void> {
    const rule = await this.#db
      .selectFrom('keyword_rules')
      .selectAll()
      .where('id', '=', ruleId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (!rule) throw UserError.notFound('You have no such rule.');
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('keyword_rules').where('id', '=', ruleId).execute();
      if (rule.action === 'mute') await recomputeMutes(tx, viewer.memberId);
    });
  }
}
