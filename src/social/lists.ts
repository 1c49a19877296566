import { z } from 'zod';
import type { Tx } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { reader, type SocialContext, topics } from './context.ts';
import type { GraphService } from './graph.ts';
import { ACTOR_SUMMARY_COLUMNS, type ActorSummary, actorSummary } from './hydrate.ts';
import { backfill, removeAuthor, type TimelinePage, type TimelinesService } from './timelines.ts';

const listFields = {
  name: z.string().trim().min(1, 'Give the list a name.').max(80, 'A list name can have at most 80 characters.'),
  description: z.string().trim().max(300, 'A description can have at most 300 characters.'),
  visibility: z.enum(['private', 'public'], { error: 'Choose private or public.' }),
};

export const listInputSchema = z.strictObject({
  name: listFields.name,
  description: listFields.description.default(''),
  visibility: listFields.visibility.default('private'),
});

/** A new list, as `listInputSchema` checks it (description and visibility have defaults). */
export type ListInput = z.input<typeof listInputSchema>;

/** Changes to a list: what is left out stays as it is (no defaults, which zod would apply even in `.partial()`). */
export const listUpdateSchema = z.strictObject(listFields).partial();
export type ListUpdate = z.output<typeof listUpdateSchema>;

export interface ListView {
  id: number;
  name: string;
  description: string;
  visibility: 'private' | 'public';
  owner: ActorSummary;
  members: number;
}

export const LISTS_MAX = 100;
export const LIST_MEMBERS_MAX = 2000;

/** Named sets of accounts ("Public librarians"), each with its own timeline; public ones can be shared. */
export class ListsService {
  readonly #ctx: SocialContext;
  readonly #graph: GraphService;
  readonly #timelines: TimelinesService;

  constructor(ctx: SocialContext, graph: GraphService, timelines: TimelinesService) {
    this.#ctx = ctx;
    this.#graph = graph;
    this.#timelines = timelines;
  }

  get #db() {
    return this.#ctx.database.db;
  }

  async mine(viewer: Viewer): Promise<ListView[]> {
    return this.#views((q) => q.where('lists.member_id', '=', viewer.memberId));
  }

  /** The public lists a member shares. */
  async publicOf(memberId: number): Promise<ListView[]> {
    return this.#views((q) => q.where('lists.member_id', '=', memberId).where('lists.visibility', '=', 'public'));
  }

  async #views(filter: (q: ReturnType<ListsService['listQuery']>) => ReturnType<ListsService['listQuery']>): Promise<ListView[]> {
    const rows = await filter(this.listQuery()).orderBy('lists.name').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      visibility: r.visibility,
      members: Number(r.member_count),
      owner: actorSummary(
        {
          ...r,
          id: r.actor_id,
          handle: r.owner_handle,
          acct: r.owner_handle.toLowerCase(),
          domain: null,
          display_name: r.owner_name,
          url: null,
        },
        this.#ctx.config.baseUrl,
      ),
    }));
  }

  private listQuery() {
    return this.#db
      .selectFrom('lists')
      .innerJoin('members', 'members.id', 'lists.member_id')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select((eb) => [
        'lists.id',
        'lists.name',
        'lists.description',
        'lists.visibility',
        'actors.id as actor_id',
        'actors.handle as owner_handle',
        'actors.display_name as owner_name',
        'actors.avatar_url',
        'actors.role',
        'actors.role_other',
        eb
          .selectFrom('list_members')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('list_members.list_id', '=', 'lists.id')
          .as('member_count'),
      ]);
  }

  /** A list the viewer may see: their own, or anyone's public one. */
  async get(viewer: Viewer | null, id: number): Promise<ListView & { own: boolean }> {
    const [list] = await this.#views((q) => q.where('lists.id', '=', id));
    const own = Boolean(viewer && list && list.owner.id === viewer.actorId);
    if (!list || (!own && list.visibility !== 'public')) throw UserError.notFound('There is no such list, or it is private.');
    return { ...list, own };
  }

  async #own(viewer: Viewer, id: number): Promise<ListView> {
    const list = await this.get(viewer, id);
    if (!list.own) throw UserError.forbidden('Only the owner can change this list.');
    return list;
  }

  async create(viewer: Viewer, input: ListInput): Promise<ListView> {
    const id = await this.#db.transaction().execute((tx) => this.createIn(tx, viewer, input));
    return this.get(viewer, id);
  }

  /** Creates a list inside the caller's transaction (see `create`); returns its id. */
  async createIn(tx: Tx, viewer: Viewer, input: ListInput): Promise<number> {
    const count = await tx
      .selectFrom('lists')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', viewer.memberId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= LISTS_MAX) throw new UserError(422, 'too_many_lists', `You can have at most ${LISTS_MAX} lists.`);
    const row = await tx
      .insertInto('lists')
      .values({
        member_id: viewer.memberId,
        name: input.name,
        description: input.description ?? '',
        visibility: input.visibility ?? 'private',
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async update(viewer: Viewer, id: number, input: ListUpdate): Promise<ListView> {
    await this.#own(viewer, id);
    await this.#db.updateTable('lists').set(input).where('id', '=', id).execute();
    return this.get(viewer, id);
  }

  async delete(viewer: Viewer, id: number): Promise<void> {
    await this.#own(viewer, id);
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('timeline_entries').where('feed', '=', topics.list(id)).execute();
      await tx.deleteFrom('lists').where('id', '=', id).execute();
    });
  }

  async members(viewer: Viewer | null, id: number): Promise<ActorSummary[]> {
    await this.get(viewer, id);
    const rows = await this.#db
      .selectFrom('list_members')
      .innerJoin('actors', 'actors.id', 'list_members.actor_id')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select([...ACTOR_SUMMARY_COLUMNS])
      .where('list_members.list_id', '=', id)
      .where('members.suspended_at', 'is', null)
      .orderBy('actors.display_name')
      .limit(LIST_MEMBERS_MAX)
      .execute();
    return rows.map((r) => actorSummary(r, this.#ctx.config.baseUrl));
  }

  async add(viewer: Viewer, id: number, acct: string): Promise<void> {
    await this.#own(viewer, id);
    const actor = await this.#graph.actor(acct);
    const relation = await this.#graph.relationship(viewer, actor.id);
    if (relation.blockedBy || relation.blocking) throw UserError.forbidden(`You cannot add @${actor.acct} to a list.`);
    await this.#db.transaction().execute(async (tx) => {
      if (!(await this.addIn(tx, id, actor.id))) throw new UserError(409, 'already_listed', `@${actor.acct} is already on this list.`);
    });
  }

  /**
   * Puts an account on a list inside the caller's transaction, with its recent posts; false when
   * it was on the list already. The caller has checked that the list is the viewer's own.
   */
  async addIn(tx: Tx, id: number, actorId: number): Promise<boolean> {
    const count = await tx
      .selectFrom('list_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('list_id', '=', id)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= LIST_MEMBERS_MAX) throw new UserError(422, 'list_full', `A list can hold at most ${LIST_MEMBERS_MAX} accounts.`);
    const inserted = await tx
      .insertInto('list_members')
      .values({ list_id: id, actor_id: actorId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['list_id', 'actor_id']).doNothing())
      .returning('actor_id')
      .executeTakeFirst();
    if (!inserted) return false;
    await backfill(tx, topics.list(id), actorId);
    return true;
  }

  async remove(viewer: Viewer, id: number, acct: string): Promise<void> {
    await this.#own(viewer, id);
    const actor = await this.#graph.actor(acct);
    await this.#db.transaction().execute(async (tx) => {
      const removed = await tx.deleteFrom('list_members').where('list_id', '=', id).where('actor_id', '=', actor.id).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw new UserError(409, 'not_listed', `@${actor.acct} is not on this list.`);
      await removeAuthor(tx, topics.list(id), actor.id);
    });
  }

  async timeline(viewer: Viewer | null, id: number, cursor?: string): Promise<TimelinePage> {
    await this.get(viewer, id);
    return this.#timelines.feed(topics.list(id), reader(viewer), cursor);
  }
}
