import { roleLabel } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { SocialService } from '../social/index.ts';
import { FOLLOW_MAX } from './collection-schemas.ts';
import type { CollectionsService, CollectionView, PersonView } from './collections.ts';

/**
 * "Follow all" for starter kits. Before anything happens the member sees how the kit changes
 * their network: the new people (not followed yet, not themselves, nobody blocked either way),
 * and the roles and places those people add that their current follows lack. They untick whom
 * they do not want; following the rest goes through the ordinary follow (a request for locked
 * and remote accounts).
 */

export interface KitPerson {
  person: PersonView;
  note: string;
  /** Why the person cannot be followed from the kit, when they cannot. */
  status: 'new' | 'following' | 'requested' | 'self' | 'blocked';
}

export interface KitPreview {
  kit: CollectionView;
  people: KitPerson[];
  /** People who would be followed (status `new`). */
  newPeople: PersonView[];
  /** Roles the new people bring that no one the member follows has, with how many bring each. */
  rolesAdded: Array<{ label: string; count: number }>;
  /** Places likewise (as the people write them). */
  placesAdded: Array<{ label: string; count: number }>;
}

export interface FollowAllResult {
  followed: PersonView[];
  /** Follow requests sent (locked or remote accounts answer later). */
  requested: PersonView[];
  skipped: Array<{ person: PersonView; reason: string }>;
}

export interface StarterKitsDeps {
  database: Database;
  collections: Pick<CollectionsService, 'get'>;
  /** Social's follows and blocks. */
  graph: Pick<SocialService['graph'], 'follow' | 'followStates' | 'blockedBetween' | 'followeeIds'>;
}

export class StarterKitsService {
  readonly #database: Database;
  readonly #collections: Pick<CollectionsService, 'get'>;
  readonly #graph: StarterKitsDeps['graph'];

  constructor(deps: StarterKitsDeps) {
    this.#database = deps.database;
    this.#collections = deps.collections;
    this.#graph = deps.graph;
  }

  /** A starter kit the viewer may see; 404 for a plain collection. */
  async kit(viewer: Viewer | null, id: number): Promise<CollectionView> {
    const view = await this.#collections.get(viewer, id);
    if (view.kind !== 'starter_kit') throw UserError.notFound('There is no starter kit here (this is a collection).');
    return view;
  }

  async preview(viewer: Viewer, id: number): Promise<KitPreview> {
    const kit = await this.kit(viewer, id);
    const entries = kit.entries.filter((e) => e.person && !e.hiddenReason);
    const ids = entries.map((e) => e.person!.id);
    const [followState, blocked, current] = await Promise.all([
      this.#graph.followStates(viewer.actorId, ids),
      this.#graph.blockedBetween(viewer.actorId, ids),
      this.#network(viewer),
    ]);
    const people = entries.map((e): KitPerson => {
      const person = e.person!;
      const state = followState.get(person.id);
      const status =
        person.id === viewer.actorId
          ? 'self'
          : blocked.has(person.id)
            ? 'blocked'
            : state === 'accepted'
              ? 'following'
              : state === 'pending'
                ? 'requested'
                : 'new';
      return { person, note: e.note, status };
    });
    const newPeople = people.filter((p) => p.status === 'new').map((p) => p.person);
    const haveRoles = new Set(current.flatMap((r) => roleLabel(r.role, r.role_other)?.toLowerCase() ?? []));
    const havePlaces = new Set(current.flatMap((r) => (r.location?.trim() ? [placeKey(r.location)] : [])));
    return {
      kit,
      people,
      newPeople,
      rolesAdded: tally(
        newPeople.filter((p) => p.roleLabel && !haveRoles.has(p.roleLabel.toLowerCase())).map((p) => p.roleLabel!),
        (l) => l.toLowerCase(),
      ),
      placesAdded: tally(
        newPeople.filter((p) => p.location?.trim() && !havePlaces.has(placeKey(p.location))).map((p) => p.location!.trim()),
        placeKey,
      ),
    };
  }

  /** What the member's network already has: the roles and places of everyone they follow (or asked to). */
  async #network(viewer: Viewer) {
    const followees = await this.#graph.followeeIds(viewer.actorId, { pending: true });
    if (followees.length === 0) return [];
    return this.#database.db
      .selectFrom('actors')
      .select(['role', 'role_other', 'location'])
      .distinct()
      .where('id', 'in', followees)
      .execute();
  }

  /** Follows the chosen people of the kit (actor ids), in the kit's order, and says what happened to each. */
  async follow(viewer: Viewer, id: number, actorIds: number[]): Promise<FollowAllResult> {
    const wanted = [...new Set(actorIds)];
    if (wanted.length === 0) throw UserError.field('actorIds', 'Tick at least one person to follow.');
    if (wanted.length > FOLLOW_MAX) throw UserError.field('actorIds', `Choose at most ${FOLLOW_MAX} people at once.`);
    const preview = await this.preview(viewer, id);
    const inKit = new Map(preview.people.map((p) => [p.person.id, p]));
    const strangers = wanted.filter((a) => !inKit.has(a));
    if (strangers.length > 0)
      throw UserError.field(
        'actorIds',
        `${strangers.length === 1 ? 'One person' : `${strangers.length} people`} you chose ${strangers.length === 1 ? 'is' : 'are'} not in this starter kit.`,
      );
    const chosen = new Set(wanted);
    const result: FollowAllResult = { followed: [], requested: [], skipped: [] };
    for (const entry of preview.people) {
      if (!chosen.has(entry.person.id)) continue;
      if (entry.status !== 'new') {
        result.skipped.push({ person: entry.person, reason: SKIP_REASONS[entry.status] });
        continue;
      }
      // One follow at a time, each in its own transaction (graph.follow): a refusal leaves the others done.
      try {
        const state = await this.#graph.follow(viewer, entry.person.acct);
        (state === 'accepted' ? result.followed : result.requested).push(entry.person);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        result.skipped.push({ person: entry.person, reason: error.message });
      }
    }
    return result;
  }
}

const SKIP_REASONS: Record<Exclude<KitPerson['status'], 'new'>, string> = {
  following: 'You already follow them.',
  requested: 'You already asked to follow them.',
  self: 'That is you.',
  blocked: 'One of you blocked the other.',
};

/** Same place however it is capitalised or spaced. */
function placeKey(location: string): string {
  return location.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Distinct labels with counts, most common first. */
function tally(labels: string[], key: (label: string) => string = (l) => l): Array<{ label: string; count: number }> {
  const counts = new Map<string, { label: string; count: number }>();
  for (const label of labels) {
    const k = key(label);
    const found = counts.get(k);
    if (found) found.count++;
    else counts.set(k, { label, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}
