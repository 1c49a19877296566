import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { ACTOR_SUMMARY_COLUMNS, type ActorSummary, actorSummary } from '../social/index.ts';
import { num } from './common.ts';
import { preRank, reasons, type SharedPassions, score } from './suggestion-scoring.ts';
import { BOUNDS, type Known, SuggestionSignals } from './suggestion-signals.ts';

/**
 * Who to follow: people (members, and remote actors this server already knows) ranked for one
 * member from those who follow them and are not followed back, friends of friends, shared
 * passions and related ones (by stem, or through accounts' vocabulary of related passions; the
 * best known of each, from pools.ts), hashtag co-use and chat co-participation,
 * favouring active people and the roles and places the member's network lacks, each with the
 * reasons in words. Every signal is read with a bounded number of index walks (sampled, with
 * LIMITs inside the SQL), so the cost does not grow with the size of the community; see
 * docs/insights.md and bench/recommend.ts.
 *
 * The steps: who the viewer knows and the candidates of each signal (suggestion-signals.ts),
 * a cheap pre-ranking, the candidates' profiles (here), the score and the reasons
 * (suggestion-scoring.ts). Reads the people (`actors`, `members`, `actor_passions`, `passions`, `related_passions`:
 * accounts' shared read model) and social's `hashtags`; writes only `suggestion_dismissals`.
 */

export interface Suggestion {
  actor: ActorSummary & { location: string | null; bio: string };
  /** Higher is better; only the order means something. */
  score: number;
  /** Why, in words, strongest first. */
  reasons: string[];
  /** Set when the viewer follows them already (only people asked to be kept, see suggest). */
  following?: 'accepted' | 'pending';
}

export const SUGGESTION_LIMIT_MAX = 50;

export class SuggestionsService {
  readonly #database: Database;
  readonly #baseUrl: string;
  readonly #signals: SuggestionSignals;

  constructor(deps: { database: Database; baseUrl: string }) {
    this.#database = deps.database;
    this.#baseUrl = deps.baseUrl;
    this.#signals = new SuggestionSignals({ database: deps.database });
  }

  get #db() {
    return this.#database.db;
  }

  /**
   * The `limit` best people for `viewer` to follow next, with reasons. People in `keep` who
   * were followed in the meantime stay in the ranking, marked `following` (the page keeps the
   * card someone just followed, where it was).
   */
  async suggest(viewer: Pick<Viewer, 'memberId' | 'actorId'>, limit = 10, keep: ReadonlySet<number> = new Set()): Promise<Suggestion[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > SUGGESTION_LIMIT_MAX) {
      throw UserError.field('limit', `Ask for 1 to ${SUGGESTION_LIMIT_MAX} suggestions.`, 422);
    }
    const now = Date.now();
    const known = await this.#signals.known(viewer, keep);
    if (!known) return [];
    const signals = await this.#signals.gather(known);
    if (signals.size === 0) return [];
    const ids = preRank(signals, BOUNDS.candidates);
    const [profiles, passionsOf] = await Promise.all([this.#profiles(ids), this.#sharedPassions(ids, known)]);
    const scored = score(
      profiles.filter((p) => p.suspended_at === null),
      signals,
      passionsOf,
      known,
      now,
    ).slice(0, limit);
    if (scored.length === 0) return [];
    const tagName = await this.#tagNames([...new Set(scored.flatMap((x) => [...x.s.tags.keys()]))]);
    return scored.map((x) => {
      const following = known.follows.get(num(x.p.id));
      return {
        actor: { ...actorSummary(x.p, this.#baseUrl), location: x.p.location, bio: x.p.bio },
        score: Math.round(x.score * 1000) / 1000,
        reasons: reasons(x, passionsOf.get(num(x.p.id)) ?? { same: [], related: [] }, tagName, now),
        ...(following ? { following } : {}),
      };
    });
  }

  /** Hides `actorId` from the viewer's suggestions for good. 404 when there is no such person. */
  async dismiss(viewer: Pick<Viewer, 'memberId' | 'actorId'>, actorId: number): Promise<void> {
    const actor = await this.#db
      .selectFrom('actors')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select(['actors.id', 'members.suspended_at'])
      .where('actors.id', '=', actorId)
      .executeTakeFirst();
    if (!actor || actor.suspended_at) throw UserError.notFound('There is no such person to dismiss.');
    if (num(actor.id) === viewer.actorId) throw UserError.field('actorId', 'You are never suggested to yourself.', 422, 'self');
    await this.#db
      .insertInto('suggestion_dismissals')
      .values({ member_id: viewer.memberId, actor_id: actorId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['member_id', 'actor_id']).doNothing())
      .execute();
  }

  /** The candidates' profiles, with what scoring reads (reach, last post, suspension). */
  #profiles(ids: number[]) {
    return this.#db
      .selectFrom('actors')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select([
        ...ACTOR_SUMMARY_COLUMNS,
        'actors.location',
        'actors.location_key',
        'actors.bio',
        'actors.followers_count',
        'actors.last_post_at',
        'members.suspended_at',
      ])
      .where('actors.id', 'in', ids)
      .execute();
  }

  /**
   * Every passion each candidate shares with the viewer (not only those the bounded read saw):
   * the same ones, by the viewer's names (so "Storytimes" is "Storytime"), and related ones.
   */
  async #sharedPassions(ids: number[], known: Known): Promise<Map<number, SharedPassions>> {
    const passionsOf = new Map<number, SharedPassions>();
    const own = new Map(known.passions.map((p) => [p.id, p.name]));
    const ownByKey = new Map<string, string>();
    for (const p of known.passions) if (!ownByKey.has(p.key)) ownByKey.set(p.key, p.name);
    const related = new Map(known.related.map((p) => [p.id, p]));
    const passionIds = [...own.keys(), ...related.keys()];
    if (passionIds.length === 0 || ids.length === 0) return passionsOf;
    const rows = await this.#db
      .selectFrom('actor_passions')
      .select(['actor_id', 'passion_id'])
      .where('actor_id', 'in', ids)
      .where('passion_id', 'in', passionIds)
      .orderBy('position')
      .execute();
    for (const r of rows) {
      const entry = passionsOf.get(num(r.actor_id)) ?? { same: [], related: [] };
      const id = num(r.passion_id);
      const same = own.get(id) ?? (related.has(id) ? ownByKey.get(related.get(id)!.key) : undefined);
      if (same !== undefined) {
        if (!entry.same.includes(same)) entry.same.push(same);
      } else {
        const { name, via } = related.get(id)!;
        entry.related.push({ name, via });
      }
      passionsOf.set(num(r.actor_id), entry);
    }
    return passionsOf;
  }

  /** The names of hashtags, for the reasons (one more query). */
  async #tagNames(ids: number[]): Promise<Map<number, string>> {
    const rows = ids.length === 0 ? [] : await this.#db.selectFrom('hashtags').select(['id', 'name']).where('id', 'in', ids).execute();
    return new Map(rows.map((t) => [num(t.id), t.name]));
  }
}
