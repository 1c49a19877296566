import { randomUUID } from 'node:crypto';
import { Follow, PUBLIC_COLLECTION, Undo } from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { ActorRow } from './actors.ts';
import { SITE_ACTOR } from './local-actors.ts';
import type { SenderService } from './sender.ts';

export type RelayStyle = 'mastodon' | 'litepub';

/** A relay, as the admin's list shows it. */
export interface Relay {
  id: number;
  inboxUrl: string;
  style: string;
  state: string;
  createdAt: number;
}

export interface RelaysDeps {
  database: Database;
  sender: SenderService;
}

/**
 * Relays the server subscribes to (the admin adds them): a Follow from the site actor, of the
 * public collection (Mastodon style) or of the relay actor (LitePub); the relay's Accept or
 * Reject (inbox.ts) settles the subscription. Public posts go to accepted relays too.
 */
export class RelaysService {
  readonly #deps: RelaysDeps;

  constructor(deps: RelaysDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  async list(): Promise<Relay[]> {
    const rows = await this.#db.selectFrom('relays').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, inboxUrl: r.inbox_url, style: r.style, state: r.state, createdAt: r.created_at }));
  }

  async add(inboxUrl: string, style: RelayStyle): Promise<void> {
    let url: URL;
    try {
      url = new URL(inboxUrl.trim());
    } catch {
      throw UserError.field('inboxUrl', 'Enter the relay’s inbox address, like https://relay.example/inbox.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw UserError.field('inboxUrl', 'A relay’s inbox is an https address.');
    const followUri = `${this.#deps.sender.context().getActorUri(SITE_ACTOR).href}/relays/${randomUUID()}`;
    const actorUri = style === 'litepub' ? url.href.replace(/\/inbox$/, '/actor') : null;
    const inserted = await this.#db
      .insertInto('relays')
      .values({ inbox_url: url.href, style, actor_uri: actorUri, state: 'pending', follow_uri: followUri, created_at: Date.now() })
      .onConflict((oc) => oc.column('inbox_url').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new UserError(409, 'already_subscribed', 'This server already subscribes to that relay.');
    await this.#follow(url.href, style, followUri, actorUri);
  }

  async remove(id: number): Promise<void> {
    const relay = await this.#db.selectFrom('relays').selectAll().where('id', '=', id).executeTakeFirst();
    if (!relay) throw UserError.notFound('There is no such relay.');
    await this.#db.deleteFrom('relays').where('id', '=', id).execute();
    await this.#unfollow(relay.inbox_url, relay.style, relay.follow_uri, relay.actor_uri);
  }

  /** Whether this actor is a relay that accepted our subscription (what it announces is relayed, not boosted). */
  async isRelay(actor: ActorRow): Promise<boolean> {
    return Boolean(
      await this.#db
        .selectFrom('relays')
        .select('id')
        .where('actor_uri', '=', actor.uri)
        .where('state', '=', 'accepted')
        .executeTakeFirst(),
    );
  }

  /** Whether this actor is a relay we subscribe to (a LitePub relay follows the server back, FEP-ae0c). */
  async isSubscribed(actor: ActorRow): Promise<boolean> {
    const relay = await this.#db
      .selectFrom('relays')
      .select('id')
      .where('state', '!=', 'rejected')
      .where((eb) => eb.or([eb('actor_uri', '=', actor.uri), eb('inbox_url', 'in', [actor.inbox_url ?? '', actor.shared_inbox_url ?? ''])]))
      .executeTakeFirst();
    return Boolean(relay);
  }

  /** A relay accepted the Follow with this id; false when no relay was asked with it. */
  async accepted(followUri: string, relayActorUri: string | null): Promise<boolean> {
    const relay = await this.#db.selectFrom('relays').select('id').where('follow_uri', '=', followUri).executeTakeFirst();
    if (!relay) return false;
    await this.#db.updateTable('relays').set({ state: 'accepted', actor_uri: relayActorUri }).where('id', '=', relay.id).execute();
    return true;
  }

  /** A relay rejected the Follow with this id (nothing happens when no relay was asked with it). */
  async rejected(followUri: string): Promise<void> {
    await this.#db.updateTable('relays').set({ state: 'rejected' }).where('follow_uri', '=', followUri).execute();
  }

  /** Subscribes the server to a relay (Mastodon style: Follow of Public; LitePub: Follow of the relay actor). */
  async #follow(inboxUrl: string, style: string, followUri: string, actorUri: string | null): Promise<void> {
    const site = this.#deps.sender.context().getActorUri(SITE_ACTOR);
    const object = style === 'mastodon' ? PUBLIC_COLLECTION : new URL(actorUri ?? inboxUrl.replace(/\/inbox$/, '/actor'));
    const follow = new Follow({ id: new URL(followUri), actor: site, object });
    await this.#deps.sender.deliver(
      SITE_ACTOR,
      [{ id: new URL(actorUri ?? inboxUrl), inboxId: new URL(inboxUrl), endpoints: null }],
      follow,
    );
  }

  async #unfollow(inboxUrl: string, style: string, followUri: string, actorUri: string | null): Promise<void> {
    const site = this.#deps.sender.context().getActorUri(SITE_ACTOR);
    const object = style === 'mastodon' ? PUBLIC_COLLECTION : new URL(actorUri ?? inboxUrl.replace(/\/inbox$/, '/actor'));
    const undo = new Undo({
      id: new URL(`${followUri}#undo`),
      actor: site,
      object: new Follow({ id: new URL(followUri), actor: site, object }),
    });
    await this.#deps.sender.deliver(SITE_ACTOR, [{ id: new URL(actorUri ?? inboxUrl), inboxId: new URL(inboxUrl), endpoints: null }], undo);
  }
}
