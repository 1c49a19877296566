import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ListView, SocialService } from '../social/index.ts';

/**
 * "Move to a list" on My PLN: a quiet person the member follows goes onto one of their lists and
 * is unfollowed. Lists and follows are social's: this goes through social's service (its
 * `...In(tx, …)` methods, so the whole move is one transaction), never its tables.
 */

const LIST_NAME_MAX = 80;

/** What "move to a list" was asked to do: onto one of the member's lists, or a new one by name. */
export interface MoveToListInput {
  acct: string;
  /** One of the member's lists, or null to make a new one called `newName`. */
  listId: number | null;
  newName: string;
}

export class MoveToListService {
  readonly #database: Database;
  readonly #social: SocialService;

  constructor(deps: { database: Database; social: SocialService }) {
    this.#database = deps.database;
    this.#social = deps.social;
  }

  /** The member's own lists, for the form's choice. */
  lists(viewer: Viewer): Promise<ListView[]> {
    return this.#social.lists.mine(viewer);
  }

  /** The person an `acct` names (404 when unknown): whose form a refused move goes back to. */
  async person(acct: string): Promise<{ id: number }> {
    return this.#social.graph.actor(acct);
  }

  /**
   * Moves a followed person to a list: they are put on the list (a new one when asked) and
   * unfollowed, in one transaction, so they leave the home timeline but stay reachable through the
   * list. List timelines take an account's public and members-only posts whether or not the owner
   * follows them; followers-only posts stop, as they would after any unfollow. Someone else's list
   * is 404 (as if it did not exist), a blank new name and a person not followed are 422.
   */
  async move(viewer: Viewer, input: MoveToListInput): Promise<{ listId: number; listName: string; displayName: string }> {
    const social = this.#social;
    const person = await social.graph.actor(input.acct);
    let listName = input.newName.trim();
    if (input.listId !== null) {
      const list = await social.lists.get(viewer, input.listId).catch((error: unknown) => {
        throw error instanceof UserError ? UserError.notFound('There is no such list of yours.') : error;
      });
      if (!list.own) throw UserError.notFound('There is no such list of yours.');
      listName = list.name;
    } else if (!listName) {
      throw UserError.field('newList', 'Give the new list a name, or choose one of your lists.');
    } else if (listName.length > LIST_NAME_MAX) {
      throw UserError.field('newList', `A list name can have at most ${LIST_NAME_MAX} characters.`);
    }
    const relation = await social.graph.relationship(viewer, person.id);
    if (!relation.following) throw new UserError(422, 'not_following', `You do not follow @${person.acct}, so there is nothing to move.`);
    const listId = await this.#database.db.transaction().execute(async (tx) => {
      const id = input.listId ?? (await social.lists.createIn(tx, viewer, { name: listName }));
      await social.lists.addIn(tx, id, person.id);
      // Checked again inside the transaction: an unfollow in another tab in between undoes the move.
      if (!(await social.graph.unfollowIn(tx, viewer, person.id)))
        throw new UserError(422, 'not_following', `You no longer follow @${person.acct}.`);
      return id;
    });
    return { listId, listName, displayName: person.displayName };
  }
}
