import { isActor, lookupObject, type Actor, type DocumentLoader } from '@fedify/vocab';
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { ActorsTable, InstanceModeration } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';
import { htmlToText, plainName } from '../platform/sanitize.ts';
import type { MediaProxy } from './media.ts';

export type ActorRow = Selectable<ActorsTable>;

const text = (value: unknown): string => (value == null ? '' : String(value));
const href = (value: unknown): string | null => {
  if (value instanceof URL) return value.href;
  const inner = (value as { href?: unknown } | null)?.href;
  return inner instanceof URL ? inner.href : null;
};

/**
 * Remote actors as rows of `actors` (domain set): made or refreshed from their ActivityPub
 * documents, found by `@user@host` (WebFinger) or by URL. A domain the admin blocked is
 * refused here, so nothing from it is stored.
 */
export class RemoteActors {
  readonly #database: Database;
  readonly #http: HttpClient;
  readonly #loader: () => DocumentLoader;
  readonly #ourHost: string;
  readonly #media: MediaProxy;

  constructor(database: Database, http: HttpClient, loader: () => DocumentLoader, baseUrl: string, media: MediaProxy) {
    this.#database = database;
    this.#http = http;
    this.#loader = loader;
    this.#ourHost = new URL(baseUrl).host;
    this.#media = media;
  }

  get #db() {
    return this.#database.db;
  }

  async moderation(domain: string): Promise<InstanceModeration> {
    const row = await this.#db.selectFrom('instances').select('moderation').where('domain', '=', domain.toLowerCase()).executeTakeFirst();
    return row?.moderation ?? 'none';
  }

  /** Notes that we heard of a server (for the admin's list of instances). */
  async seen(domain: string, received: boolean): Promise<void> {
    const now = Date.now();
    await this.#db
      .insertInto('instances')
      .values({ domain: domain.toLowerCase(), created_at: now, received_count: received ? 1 : 0, last_received_at: received ? now : null })
      .onConflict((oc) =>
        oc.column('domain').doUpdateSet(
          received ? (eb) => ({ received_count: eb('instances.received_count', '+', 1), last_received_at: now }) : { domain: domain.toLowerCase() },
        ),
      )
      .execute();
  }

  /** A remote actor by `user@host` (any case). */
  async byAcct(acct: string): Promise<ActorRow | undefined> {
    return this.#db.selectFrom('actors').selectAll().where('acct', '=', acct.replace(/^@/, '').toLowerCase()).where('domain', 'is not', null).executeTakeFirst();
  }

  async byUri(uri: string): Promise<ActorRow | undefined> {
    return this.#db.selectFrom('actors').selectAll().where('uri', '=', uri).executeTakeFirst();
  }

  /** Stores (or refreshes) a remote actor from its document; returns the row. */
  async save(actor: Actor): Promise<ActorRow> {
    const uri = actor.id;
    if (!uri) throw new UserError(422, 'bad_actor', 'The actor has no id.');
    const domain = uri.host.toLowerCase();
    if (domain === this.#ourHost) throw new UserError(422, 'bad_actor', 'That actor is on this server.');
    if ((await this.moderation(domain)) === 'block') throw UserError.forbidden(`${domain} is blocked on this server.`);
    const handle = text(actor.preferredUsername).trim() || uri.pathname.split('/').filter(Boolean).pop() || 'unknown';
    const icon = await actor.getIcon({ documentLoader: this.#loader(), suppressError: true }).catch(() => null);
    const iconUrl = href(icon?.url ?? null);
    const now = Date.now();
    const name = plainName(htmlToText(text(actor.name)));
    const values = {
      acct: `${handle}@${domain}`.toLowerCase(),
      handle,
      domain,
      uri: uri.href,
      url: href(actor.url) ?? uri.href,
      inbox_url: actor.inboxId?.href ?? null,
      shared_inbox_url: actor.endpoints?.sharedInbox?.href ?? null,
      display_name: name.slice(0, 200),
      bio: htmlToText(text(actor.summary)).slice(0, 5000),
      avatar_url: iconUrl ? this.#media.url(iconUrl) : null,
      locked: actor.manuallyApprovesFollowers ? 1 : 0,
      search_text: `${handle} ${name} ${domain}`.toLowerCase().slice(0, 2000),
      updated_at: now,
    };
    await this.seen(domain, false);
    const existing = await this.byUri(uri.href);
    if (existing) {
      await this.#db.updateTable('actors').set(values).where('id', '=', existing.id).execute();
    } else {
      // Another actor may hold the same handle@host (an account that moved): the newest document wins it.
      await this.#db
        .insertInto('actors')
        .values({ ...values, links: '[]', created_at: now })
        .onConflict((oc) => oc.column('acct').doUpdateSet(values))
        .execute();
    }
    return (await this.byUri(uri.href))!;
  }

  /**
   * Finds someone on another server: `@user@host`, `user@host` or the URL of their profile,
   * and stores them. Throws a UserError saying what went wrong.
   */
  async lookup(query: string): Promise<ActorRow> {
    const q = query.trim();
    let url: string;
    const handle = /^@?([^@\s/]+)@([^@\s/]+)$/.exec(q);
    if (handle) {
      const [, user, host] = handle;
      url = await this.#webfinger(user!, host!.toLowerCase());
    } else if (/^https?:\/\//i.test(q)) {
      url = q;
    } else {
      throw UserError.field('q', 'Type someone’s address like @user@example.social, or paste the link to their profile.');
    }
    const known = await this.byUri(url);
    if (known && Date.now() - known.updated_at < 3600_000) return known;
    let object: unknown;
    try {
      object = await lookupObject(url, { documentLoader: this.#loader(), contextLoader: this.#loader() });
    } catch (error) {
      throw new UserError(502, 'lookup_failed', `Could not read ${url}: ${(error as Error).message}`);
    }
    if (!isActor(object)) throw UserError.notFound(`${q} is not a person or group on the fediverse.`);
    return this.save(object);
  }

  async #webfinger(user: string, host: string): Promise<string> {
    if (host === this.#ourHost.toLowerCase()) throw UserError.field('q', `@${user}@${host} is on this server: search for @${user}.`);
    const resource = `acct:${user}@${host}`;
    let body: { links?: Array<{ rel?: string; type?: string; href?: string }> };
    try {
      const response = await this.#http.fetch(`https://${host}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, {
        headers: { accept: 'application/jrd+json, application/json' },
        maxBytes: 256 * 1024,
        timeoutMs: 10_000,
      });
      if (response.status === 404) throw UserError.notFound(`${host} has no one called @${user}.`);
      if (response.status >= 400) throw new UserError(502, 'lookup_failed', `${host} answered ${response.status} when asked about @${user}.`);
      body = JSON.parse(response.body.toString('utf8'));
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(502, 'lookup_failed', `Could not reach ${host}: ${(error as Error).message}`);
    }
    const self = body.links?.find((l) => l.rel === 'self' && /activity\+json|ld\+json/.test(l.type ?? '') && l.href);
    if (!self?.href) throw UserError.notFound(`${host} does not say where @${user}’s ActivityPub profile is.`);
    return self.href;
  }
}
