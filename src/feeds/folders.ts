import type { Database, Queryable } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { recomputeMutes } from './rule-matching.ts';
import { unreadCounts } from './unread.ts';

/**
 * A member's folders: named groups of the sources they follow, one level deep, each with its
 * unread count. A folder named when subscribing or moving a source is made on the way.
 */

export interface FolderView {
  id: number;
  name: string;
  unread: number;
}

export const MAX_FOLDER_NAME = 80;

export class FoldersService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  get #db() {
    return this.#database.db;
  }

  /**
   * The member's folders with their unread counts. Pass the member's subscriptions (with their
   * unread counts) when already loaded; otherwise the counts are read here.
   */
  async list(viewer: Viewer, loaded?: ReadonlyArray<{ folder: { id: number } | null; unread: number }>): Promise<FolderView[]> {
    const [folders, subs] = await Promise.all([
      this.#db.selectFrom('folders').select(['id', 'name']).where('member_id', '=', viewer.memberId).orderBy('name').execute(),
      loaded ?? this.#unreadBySubscription(viewer),
    ]);
    return folders.map((f) => ({
      id: f.id,
      name: f.name,
      unread: subs.filter((s) => s.folder?.id === f.id).reduce((n, s) => n + s.unread, 0),
    }));
  }

  async #unreadBySubscription(viewer: Viewer): Promise<Array<{ folder: { id: number } | null; unread: number }>> {
    const [subs, unread] = await Promise.all([
      this.#db.selectFrom('subscriptions').select(['id', 'folder_id']).where('member_id', '=', viewer.memberId).execute(),
      unreadCounts(this.#db, viewer.memberId),
    ]);
    return subs.map((s) => ({ folder: s.folder_id ? { id: s.folder_id } : null, unread: unread.get(s.id) ?? 0 }));
  }

  async create(viewer: Viewer, name: string): Promise<FolderView> {
    const id = await this.idByName(this.#db, viewer, name);
    return (await this.list(viewer)).find((f) => f.id === id)!;
  }

  async rename(viewer: Viewer, folderId: number, name: string): Promise<FolderView> {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean) throw UserError.field('name', 'A folder needs a name.');
    if (clean.length > MAX_FOLDER_NAME) throw UserError.field('name', `A folder name can be at most ${MAX_FOLDER_NAME} characters.`);
    await this.own(viewer, folderId);
    const clash = await this.#db
      .selectFrom('folders')
      .select('id')
      .where('member_id', '=', viewer.memberId)
      .where('name', '=', clean)
      .where('id', '<>', folderId)
      .executeTakeFirst();
    if (clash) throw UserError.field('name', `You already have a folder called “${clean}”.`, 409, 'folder_exists');
    await this.#db.updateTable('folders').set({ name: clean }).where('id', '=', folderId).execute();
    return (await this.list(viewer)).find((f) => f.id === folderId)!;
  }

  /** Deletes a folder; its sources stay, outside any folder. */
  async delete(viewer: Viewer, folderId: number): Promise<void> {
    await this.own(viewer, folderId);
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('subscriptions').set({ folder_id: null }).where('folder_id', '=', folderId).execute();
      const rules = await tx.deleteFrom('keyword_rules').where('folder_id', '=', folderId).returning('action').execute();
      await tx.deleteFrom('folders').where('id', '=', folderId).execute();
      // What the folder's mute rules hid comes back.
      if (rules.some((r) => r.action === 'mute')) await recomputeMutes(tx, viewer.memberId);
    });
  }

  /** One of the member's folders; 404 otherwise. */
  async own(viewer: Viewer, folderId: number) {
    const folder = await this.#db
      .selectFrom('folders')
      .selectAll()
      .where('id', '=', folderId)
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirst();
    if (!folder) throw UserError.notFound('You have no such folder.');
    return folder;
  }

  /** The id of the member's folder of that name, made when it does not exist yet (in `db`, which may be a transaction). */
  async idByName(db: Queryable, viewer: Viewer, name: string): Promise<number> {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean) throw UserError.field('folder', 'A folder needs a name.');
    if (clean.length > MAX_FOLDER_NAME) throw UserError.field('folder', `A folder name can be at most ${MAX_FOLDER_NAME} characters.`);
    await db
      .insertInto('folders')
      .values({ member_id: viewer.memberId, name: clean, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'name']).doNothing())
      .execute();
    return (
      await db
        .selectFrom('folders')
        .select('id')
        .where('member_id', '=', viewer.memberId)
        .where('name', '=', clean)
        .executeTakeFirstOrThrow()
    ).id;
  }
}
