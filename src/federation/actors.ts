import { type Actor, type DocumentLoader, isActor, PropertyValue } from '@fedify/vocab';
import type { Selectable } from 'kysely';
import { upsertRemoteActor } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { ActorsTable } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import { FetchError } from '../platform/http.ts';
import { htmlToText, plainName, sanitizeHtml } from '../platform/sanitize.ts';
import type { InstancesService } from './instances.ts';
import { loadObject, RemoteDocumentError, type SignedGet } from './loader.ts';
import type { MediaProxyService } from './media.ts';

export type ActorRow = Selectable<ActorsTable>;
/** A remote actor's profile field (a `PropertyValue`): `value` is sanitised HTML. */
export interface ProfileField {
  name: string;
  value: string;
}

/** At most this many profile fields are kept (Mastodon allows 4, others more). */
const MAX_FIELDS = 10;

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
export interface RemoteActorsDeps {
  database: Database;
  baseUrl: string;
  /** A GET signed as the instance actor (WebFinger). */
  get: SignedGet;
  /** Fedify's document loader (actor documents, icons, profile fields). */
  loader: () => DocumentLoader;
  media: MediaProxyService;
  /** Which servers are blocked; told of each server we hear of. */
  instances: InstancesService;
}

export class RemoteActorsService {
  readonly #database: Database;
  readonly #get: SignedGet;
  readonly #loader: () => DocumentLoader;
  readonly #ourHost: string;
  readonly #media: MediaProxyService;
  readonly #instances: InstancesService;

  constructor(deps: RemoteActorsDeps) {
    this.#database = deps.database;
    this.#get = deps.get;
    this.#loader = deps.loader;
    this.#ourHost = new URL(deps.baseUrl).host;
    this.#media = deps.media;
    this.#instances = deps.instances;
  }

  get #db() {
    return this.#database.db;
  }

  /** A remote actor by `user@host` (any case). */
  async byAcct(acct: string): Promise<ActorRow | undefined> {
    return this.#db
      .selectFrom('actors')
      .selectAll()
      .where('acct', '=', acct.replace(/^@/, '').toLowerCase())
      .where('domain', 'is not', null)
      .executeTakeFirst();
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
    if ((await this.#instances.moderation(domain)) === 'block') throw UserError.forbidden(`${domain} is blocked on this server.`);
    const handle = text(actor.preferredUsername).trim() || uri.pathname.split('/').filter(Boolean).pop() || 'unknown';
    const icon = await actor.getIcon({ documentLoader: this.#loader(), suppressError: true }).catch(() => null);
    const iconUrl = href(icon?.url ?? null);
    const fields = await this.#fields(actor);
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
      fields: JSON.stringify(fields),
      search_text: `${handle} ${name} ${domain}`.toLowerCase().slice(0, 2000),
      updated_at: now,
    };
    await this.#instances.seen(domain, false);
    await upsertRemoteActor(this.#db, values);
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
    const host = new URL(url).host;
    const who = handle ? `@${handle[1]}` : url;
    let object: unknown;
    try {
      object = await loadObject(this.#loader(), url);
    } catch (error) {
      throw lookupError(host, who, error);
    }
    if (!isActor(object)) throw UserError.notFound(`${q} is not a person or group on the fediverse.`);
    return this.save(object);
  }

  /** A remote actor's profile fields (`PropertyValue` attachments), their values sanitised. */
  async #fields(actor: Actor): Promise<ProfileField[]> {
    const fields: ProfileField[] = [];
    try {
      for await (const item of actor.getAttachments({ documentLoader: this.#loader(), suppressError: true })) {
        if (!(item instanceof PropertyValue)) continue;
        const name = htmlToText(text(item.name)).slice(0, 100);
        const raw = text(item.value);
        if (!name || !raw || raw.length > 5000) continue;
        const value = sanitizeHtml(raw, { baseUrl: actor.id?.href });
        if (value) fields.push({ name, value });
        if (fields.length >= MAX_FIELDS) break;
      }
    } catch {
      // Broken attachments: the actor is stored without fields.
    }
    return fields;
  }

  async #webfinger(user: string, host: string): Promise<string> {
    if (host === this.#ourHost.toLowerCase()) throw UserError.field('q', `@${user}@${host} is on this server: search for @${user}.`);
    const resource = `acct:${user}@${host}`;
    let body: { links?: Array<{ rel?: string; type?: string; href?: string }> };
    try {
      const response = await this.#get(`https://${host}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, {
        accept: 'application/jrd+json, application/json',
        maxBytes: 256 * 1024,
        timeoutMs: 10_000,
      });
      if (response.status === 404 || response.status === 410) throw UserError.notFound(`${host} has no one called @${user}.`);
      if (response.status >= 400)
        throw lookupError(host, `@${user}`, new RemoteDocumentError(resource, response.status, `answered ${response.status}`));
      body = JSON.parse(response.body.toString('utf8'));
    } catch (error) {
      if (error instanceof UserError) throw error;
      if (error instanceof SyntaxError)
        throw new UserError(502, 'remote_error', `${host} gave an answer this server cannot read when asked about @${user}.`);
      throw lookupError(host, `@${user}`, error);
    }
    const self = body.links?.find((l) => l.rel === 'self' && /activity\+json|ld\+json/.test(l.type ?? '') && l.href);
    if (!self?.href) throw UserError.notFound(`${host} does not say where @${user}’s ActivityPub profile is.`);
    return self.href;
  }
}

/**
 * What a member is told when finding someone failed: the server refused (it answered 401 or
 * 403, as servers that require signed fetches, or that block us, do), has no such account, could
 * not be reached, or answered with something else.
 */
function lookupError(host: string, who: string, error: unknown): UserError {
  if (error instanceof RemoteDocumentError) {
    const { status } = error;
    if (status === 401 || status === 403)
      return new UserError(
        502,
        'refused',
        `${host} refused to show ${who} to this server (it answered ${status}). The account may be private, or ${host} may not accept requests from this server.`,
      );
    if (status === 404 || status === 410) return UserError.notFound(`${host} has no such account (${who}).`);
    if (status === null)
      return UserError.notFound(`${who} is not a person or group on the fediverse: ${host} answered with a page, not a profile.`);
    return new UserError(502, 'remote_error', `${host} answered ${status} when asked for ${who}. Try again later.`);
  }
  const reason = error instanceof FetchError ? error.message : 'the connection failed';
  return new UserError(502, 'unreachable', `Could not reach ${host}: ${reason}.`);
}
