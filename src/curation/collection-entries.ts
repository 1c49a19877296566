import type { Database, Tx } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { NewNotification, SocialService } from '../social/index.ts';
import type { CollectionAccess, CollectionSummary, Role } from './collection-access.ts';
import type { CollectionContents, EntryView } from './collection-contents.ts';
import { type EntryInput, type EntryUpdate, LIMITS, noun } from './collection-schemas.ts';
import type { EntryTargets } from './entry-targets.ts';

/**
 * Adding, annotating, ordering and removing the entries of a collection or kit. Positions are
 * 1..n in the collection's order. Followers of a shared collection hear about each new entry;
 * a person added to a shared kit hears they were featured.
 */

export interface EntriesDeps {
  database: Database;
  access: CollectionAccess;
  contents: CollectionContents;
  targets: EntryTargets;
  notifications: Pick<SocialService['notifications'], 'notify' | 'announce'>;
}

export class CollectionEntriesService {
  readonly #deps: EntriesDeps;

  constructor(deps: EntriesDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  /** The collection, if the viewer may add to it (the owner and collaborators); 403, 404 or 401 otherwise. */
  async mayAdd(viewer: Viewer, id: number): Promise<CollectionSummary> {
    const { summary, role } = await this.#deps.access.check(viewer, id);
    if (role !== 'owner' && role !== 'collaborator')
      throw UserError.forbidden(`Only the owner and collaborators can add to this ${noun(summary.kind)}.`);
    return summary;
  }

  async add(viewer: Viewer, id: number, input: EntryInput): Promise<EntryView> {
    const access = this.#deps.access;
    const summary = await this.mayAdd(viewer, id);
    if (summary.kind === 'starter_kit' && input.kind !== 'person') throw UserError.field('kind', 'A starter kit holds people only.');
    const target = await this.#deps.targets.resolve(viewer, summary, input);

    const { entryId, notified } = await this.#db.transaction().execute(async (tx) => {
      await access.lock(tx, id);
      const existing = await tx
        .selectFrom('collection_entries')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('position').as('last')])
        .where('collection_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(existing.n) >= LIMITS.entries)
        throw new UserError(422, 'collection_full', `A ${noun(summary.kind)} can hold at most ${LIMITS.entries} entries.`);
      let duplicate = tx.selectFrom('collection_entries').select('id').where('collection_id', '=', id).where('kind', '=', input.kind);
      if (target.url !== null) duplicate = duplicate.where('url', '=', target.url);
      for (const column of ['bookmark_id', 'post_id', 'source_id', 'actor_id'] as const) {
        if (target[column] !== null) duplicate = duplicate.where(column, '=', target[column]);
      }
      if (await duplicate.executeTakeFirst()) throw new UserError(409, 'already_in_collection', target.duplicateMessage);

      const last = Number(existing.last ?? 0);
      const position = input.position && input.position <= last ? input.position : last + 1;
      if (position <= last) {
        await tx
          .updateTable('collection_entries')
          .set((eb) => ({ position: eb('position', '+', 1) }))
          .where('collection_id', '=', id)
          .where('position', '>=', position)
          .execute();
      }
      const now = Date.now();
      const row = await tx
        .insertInto('collection_entries')
        .values({
          collection_id: id,
          position,
          kind: input.kind,
          url: target.url,
          bookmark_id: target.bookmark_id,
          post_id: target.post_id,
          source_id: target.source_id,
          actor_id: target.actor_id,
          title: input.title || null,
          note: input.note,
          added_by: viewer.memberId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('collections').set({ updated_at: now }).where('id', '=', id).execute();
      const notices = summary.visibility === 'private' ? [] : await this.#notices(tx, viewer, summary, row.id, target.actor_id);
      return { entryId: row.id, notified: await this.#deps.notifications.notify(tx, notices) };
    });
    await this.#deps.notifications.announce(notified);
    return this.#entry(viewer, id, entryId);
  }

  /** Followers hear about each new entry; the person added to a kit hears they were featured. */
  async #notices(tx: Tx, viewer: Viewer, summary: CollectionSummary, entryId: number, actorId: number | null): Promise<NewNotification[]> {
    const notices: NewNotification[] = [];
    const followers = await tx
      .selectFrom('collection_follows as f')
      .innerJoin('members', 'members.id', 'f.member_id')
      .select('members.actor_id')
      .where('f.collection_id', '=', summary.id)
      .execute();
    for (const f of followers)
      notices.push({
        recipientActorId: f.actor_id,
        kind: 'collection_entry',
        actorId: viewer.actorId,
        postId: null,
        collectionId: summary.id,
        key: `entry:${entryId}`,
      });
    if (summary.kind === 'starter_kit' && actorId !== null) {
      notices.push({
        recipientActorId: actorId,
        kind: 'kit_added',
        actorId: viewer.actorId,
        postId: null,
        collectionId: summary.id,
        key: `kit:${summary.id}`,
      });
    }
    return notices;
  }

  async #entry(viewer: Viewer | null, collectionId: number, entryId: number): Promise<EntryView> {
    const { summary, role } = await this.#deps.access.check(viewer, collectionId);
    const entry = (await this.#deps.contents.entries(viewer, summary, role)).find((e) => e.id === entryId);
    if (!entry) throw UserError.notFound('There is no such entry in this collection.');
    return entry;
  }

  /** Changes an entry's note or title (the owner, or the collaborator who added it), or moves it (the owner). */
  async update(viewer: Viewer, id: number, entryId: number, input: EntryUpdate): Promise<EntryView> {
    const access = this.#deps.access;
    const { summary, role } = await access.check(viewer, id);
    const entry = await this.#ownEntry(viewer, summary, role, entryId, 'edit');
    if (input.position !== undefined && role !== 'owner')
      throw UserError.forbidden(`Only the owner can change the order of this ${noun(summary.kind)}.`);
    await this.#db.transaction().execute(async (tx) => {
      await access.lock(tx, id);
      const now = Date.now();
      const change: { note?: string; title?: string | null; updated_at: number } = { updated_at: now };
      if (input.note !== undefined) change.note = input.note;
      if (input.title !== undefined) change.title = input.title || null;
      await tx.updateTable('collection_entries').set(change).where('id', '=', entry.id).execute();
      if (input.position !== undefined) await this.#move(tx, id, entry.id, input.position);
      await tx.updateTable('collections').set({ updated_at: now }).where('id', '=', id).execute();
    });
    return this.#entry(viewer, id, entryId);
  }

  /** Moves an entry one place up or down, or to a position (the owner). */
  async move(viewer: Viewer, id: number, entryId: number, to: 'up' | 'down' | number): Promise<void> {
    const access = this.#deps.access;
    const { summary, role } = await access.check(viewer, id);
    await this.#ownEntry(viewer, summary, role, entryId, 'move');
    if (role !== 'owner') throw UserError.forbidden(`Only the owner can change the order of this ${noun(summary.kind)}.`);
    await this.#db.transaction().execute(async (tx) => {
      await access.lock(tx, id);
      const order = await tx
        .selectFrom('collection_entries')
        .select('id')
        .where('collection_id', '=', id)
        .orderBy('position')
        .orderBy('id')
        .execute();
      const index = order.findIndex((e) => e.id === entryId);
      const position = to === 'up' ? index : to === 'down' ? index + 2 : to;
      await this.#move(tx, id, entryId, position);
      await tx.updateTable('collections').set({ updated_at: Date.now() }).where('id', '=', id).execute();
    });
  }

  /** Puts the entry at `position` (1-based, clamped) and renumbers the others 1..n. */
  async #move(tx: Tx, collectionId: number, entryId: number, position: number): Promise<void> {
    const order = await tx
      .selectFrom('collection_entries')
      .select(['id', 'position'])
      .where('collection_id', '=', collectionId)
      .orderBy('position')
      .orderBy('id')
      .execute();
    const moving = order.find((e) => e.id === entryId);
    if (!moving) return;
    const rest = order.filter((e) => e.id !== entryId);
    const index = Math.min(Math.max(position, 1), order.length) - 1;
    rest.splice(index, 0, moving);
    for (const [i, e] of rest.entries()) {
      if (e.position !== i + 1)
        await tx
          .updateTable('collection_entries')
          .set({ position: i + 1 })
          .where('id', '=', e.id)
          .execute();
    }
  }

  async remove(viewer: Viewer, id: number, entryId: number): Promise<void> {
    const access = this.#deps.access;
    const { summary, role } = await access.check(viewer, id);
    const entry = await this.#ownEntry(viewer, summary, role, entryId, 'remove');
    await this.#db.transaction().execute(async (tx) => {
      await access.lock(tx, id);
      await tx.deleteFrom('collection_entries').where('id', '=', entry.id).execute();
      await tx
        .updateTable('collection_entries')
        .set((eb) => ({ position: eb('position', '-', 1) }))
        .where('collection_id', '=', id)
        .where('position', '>', entry.position)
        .execute();
      await tx.updateTable('collections').set({ updated_at: Date.now() }).where('id', '=', id).execute();
    });
  }

  /** The entry, if the viewer may change it: the owner any, a collaborator their own. */
  async #ownEntry(viewer: Viewer, collection: CollectionSummary, role: Role, entryId: number, action: 'edit' | 'remove' | 'move') {
    const entry = await this.#db
      .selectFrom('collection_entries as e')
      .leftJoin('members', 'members.id', 'e.added_by')
      .leftJoin('actors', 'actors.id', 'members.actor_id')
      .select(['e.id', 'e.position', 'e.added_by', 'actors.handle as adder_handle'])
      .where('e.id', '=', entryId)
      .where('e.collection_id', '=', collection.id)
      .executeTakeFirst();
    if (!entry) throw UserError.notFound(`There is no such entry in this ${noun(collection.kind)}.`);
    if (role === 'owner') return entry;
    if (role !== 'collaborator') throw UserError.forbidden(`Only the owner and collaborators can change this ${noun(collection.kind)}.`);
    if (action === 'move') throw UserError.forbidden(`Only the owner can change the order of this ${noun(collection.kind)}.`);
    if (entry.added_by !== viewer.memberId) {
      const by = entry.adder_handle ? `@${entry.adder_handle}` : 'someone else';
      throw UserError.forbidden(`You can only ${action} entries you added yourself; this one was added by ${by}. Ask the owner.`);
    }
    return entry;
  }
}
