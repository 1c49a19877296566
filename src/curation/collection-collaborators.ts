import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ActorSummary } from '../social/index.ts';
import type { CollectionAccess } from './collection-access.ts';
import { LIMITS, noun } from './collection-schemas.ts';

/**
 * Collaborators: members of this server the owner lets add entries (and change the ones they
 * added). The owner chooses them; a collaborator may leave; their entries stay.
 */

export interface CollaboratorsDeps {
  database: Database;
  access: CollectionAccess;
}

export class CollectionCollaboratorsService {
  readonly #deps: CollaboratorsDeps;

  constructor(deps: CollaboratorsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  /** Adds a member by handle (the owner); gives the collaborators after. */
  async add(viewer: Viewer, id: number, handle: string): Promise<ActorSummary[]> {
    const { summary, role } = await this.#deps.access.check(viewer, id);
    if (role !== 'owner') throw UserError.forbidden(`Only the owner can choose who collaborates on this ${noun(summary.kind)}.`);
    const key = handle.trim().replace(/^@/, '').toLowerCase();
    if (!key) throw UserError.field('handle', 'Enter the handle of a member, like mslibrarian.');
    const member = await this.#db
      .selectFrom('members')
      .innerJoin('actors', 'actors.id', 'members.actor_id')
      .select(['members.id', 'actors.handle'])
      .where('actors.acct', '=', key)
      .where('actors.domain', 'is', null)
      .where('members.suspended_at', 'is', null)
      .executeTakeFirst();
    if (!member)
      throw new UserError(404, 'not_found', `There is no member @${key} here (collaborators are members of this server).`, {
        issues: [{ path: 'handle', message: `There is no member @${key} here.` }],
      });
    if (member.id === viewer.memberId) throw UserError.field('handle', `You own this ${noun(summary.kind)} already.`);
    await this.#db.transaction().execute(async (tx) => {
      const count = await tx
        .selectFrom('collection_collaborators')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('collection_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= LIMITS.collaborators)
        throw new UserError(
          422,
          'too_many_collaborators',
          `A ${noun(summary.kind)} can have at most ${LIMITS.collaborators} collaborators.`,
        );
      const inserted = await tx
        .insertInto('collection_collaborators')
        .values({ collection_id: id, member_id: member.id, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['collection_id', 'member_id']).doNothing())
        .returning('member_id')
        .executeTakeFirst();
      if (!inserted)
        throw new UserError(409, 'already_collaborating', `@${member.handle} already collaborates on this ${noun(summary.kind)}.`);
    });
    return this.#deps.access.collaborators(id);
  }

  /** The owner removes a collaborator; a collaborator may also leave. Their entries stay. */
  async remove(viewer: Viewer, id: number, handle: string): Promise<void> {
    const { summary, role } = await this.#deps.access.check(viewer, id);
    const key = handle.trim().replace(/^@/, '').toLowerCase();
    const leaving = key === viewer.handle.toLowerCase();
    if (role !== 'owner' && !(role === 'collaborator' && leaving))
      throw UserError.forbidden(`Only the owner can choose who collaborates on this ${noun(summary.kind)}.`);
    const removed = await this.#db
      .deleteFrom('collection_collaborators')
      .where('collection_id', '=', id)
      .where('member_id', 'in', (eb) =>
        eb
          .selectFrom('members')
          .innerJoin('actors', 'actors.id', 'members.actor_id')
          .select('members.id')
          .where('actors.acct', '=', key)
          .where('actors.domain', 'is', null),
      )
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw UserError.notFound(`@${key} does not collaborate on this ${noun(summary.kind)}.`);
  }
}
