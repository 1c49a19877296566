import type { Context } from '@fedify/fedify';
import { Accept, type Activity, Follow, type Recipient, Reject } from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import type { SocialService } from '../social/index.ts';
import type { ActorRow } from './actors.ts';
import type { InstancesService } from './instances.ts';

interface RecipientRow {
  uri: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
}

const toRecipient = (r: RecipientRow): Recipient | null =>
  r.uri && r.inbox_url
    ? {
        id: new URL(r.uri),
        inboxId: new URL(r.inbox_url),
        endpoints: r.shared_inbox_url ? { sharedInbox: new URL(r.shared_inbox_url) } : null,
      }
    : null;
/** The recipients among these actor rows (those with an inbox). */
export const recipientsOf = (...rows: Array<RecipientRow | null | undefined>): Recipient[] =>
  rows.flatMap((r) => (r && toRecipient(r)) || []);

export interface SenderDeps {
  database: Database;
  baseUrl: string;
  social: Pick<SocialService, 'remoteFollows'>;
  instances: InstancesService;
  /** A context for work outside a request. */
  context(): Context<void>;
}

/**
 * Hands activities of local actors to Fedify, which signs them and queues one delivery per
 * inbox (shared inboxes preferred), retried with backoff; and says who gets them.
 */
export class SenderService {
  readonly #deps: SenderDeps;

  constructor(deps: SenderDeps) {
    this.#deps = deps;
  }

  context(): Context<void> {
    return this.#deps.context();
  }

  async deliver(identifier: string, recipients: Recipient[], activity: Activity): Promise<void> {
    if (recipients.length === 0) return;
    await this.#deps.context().sendActivity({ identifier }, recipients, activity, {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(this.#deps.baseUrl)],
    });
  }

  /** Remote followers of a local actor, plus these remote actors; relays too for public posts. */
  async audience(authorId: number, options: { followers: boolean; extra: number[]; relays: boolean }): Promise<Recipient[]> {
    const db = this.#deps.database.db;
    const extra = await db
      .selectFrom('actors')
      .select(['uri', 'inbox_url', 'shared_inbox_url'])
      .where('domain', 'is not', null)
      .where('id', 'in', [...options.extra, 0])
      .execute();
    const followers = options.followers ? await this.#deps.social.remoteFollows.followers(authorId, { remoteOnly: true }) : [];
    // One recipient per actor (the union of both lists).
    const rows = new Map<string, RecipientRow>();
    for (const r of [...extra, ...followers]) rows.set(`${r.uri} ${r.inbox_url} ${r.shared_inbox_url}`, r);
    const blocked = await this.#deps.instances.blocked();
    const found = recipientsOf(...rows.values()).filter((r) => !blocked.has(r.id!.host));
    if (options.relays) {
      const relays = await db.selectFrom('relays').select(['inbox_url', 'actor_uri']).where('state', '=', 'accepted').execute();
      for (const relay of relays)
        found.push({ id: new URL(relay.actor_uri ?? relay.inbox_url), inboxId: new URL(relay.inbox_url), endpoints: null });
    }
    return found;
  }

  /** Accepts or rejects a remote actor's follow of a local actor (member or chat group). */
  async answerFollow(identifier: string, follower: ActorRow, followUri: string | null, accept: boolean): Promise<void> {
    const ctx = this.#deps.context();
    const me = ctx.getActorUri(identifier);
    const follow = new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(follower.uri!), object: me });
    const Answer = accept ? Accept : Reject;
    const answer = new Answer({
      id: new URL(`${me.href}#${accept ? 'accepts' : 'rejects'}/${encodeURIComponent(followUri ?? follower.uri!)}`),
      actor: me,
      object: follow,
    });
    await this.deliver(identifier, recipientsOf(follower), answer);
  }
}
