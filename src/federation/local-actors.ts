import type { Context, Federation } from '@fedify/fedify';
import { Application, Endpoints, Group, Hashtag, Image, Person, PropertyValue } from '@fedify/vocab';
import { roleLabel } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import { escapeHtml } from '../platform/sanitize.ts';
import type { ChatGroups } from './chat-groups.ts';
import { instant } from './instant.ts';
import type { ActorKeysService } from './keys.ts';

/**
 * Local actors' identifiers (the `{identifier}` in `/users/{identifier}`): a member's handle;
 * `chat.<slug>` for a chat series' group actor; `site.actor` for the server itself (relays,
 * signed fetches). Handles are letters, digits and `_`, so the dotted names never collide.
 */
export const SITE_ACTOR = 'site.actor';
export const chatIdentifier = (slug: string) => `chat.${slug}`;

/** A local actor's document: a member's Person, a chat series' Group, the server's Application. */
export type LocalActorOf = (ctx: Context<void>, identifier: string) => Promise<Application | Group | Person | null>;

export interface LocalActorsDeps {
  database: Database;
  baseUrl: string;
  keys: ActorKeysService;
  chatGroups: ChatGroups;
  site: () => Promise<{ name: string; openRegistrations: boolean }>;
}

/** A published member (not suspended) by handle, with what their Person shows. */
export function memberByHandle(database: Database, handle: string) {
  return database.db
    .selectFrom('actors')
    .innerJoin('members', 'members.actor_id', 'actors.id')
    .select([
      'actors.id',
      'actors.handle',
      'actors.display_name',
      'actors.bio',
      'actors.avatar_url',
      'actors.role',
      'actors.role_other',
      'actors.organisation',
      'actors.location',
      'actors.links',
      'actors.locked',
      'actors.created_at',
      'actors.updated_at',
      'members.profile_visibility',
    ])
    .where('actors.domain', 'is', null)
    .where('actors.handle', '=', handle)
    .where('members.suspended_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Serves local actors: their documents (also sent whole in Update activities when a profile
 * changes), their key pairs, and WebFinger's handles. Returns the document maker.
 */
export function registerLocalActors(federation: Federation<void>, deps: LocalActorsDeps): LocalActorOf {
  const { database, baseUrl, keys } = deps;
  const db = database.db;
  const keyOwner = (identifier: string) =>
    identifier === SITE_ACTOR ? 'site' : identifier.startsWith('chat.') ? `chat:${identifier.slice(5)}` : `user:${identifier}`;

  /** A local actor's document (also sent whole in Update activities when a profile changes). */
  const actorOf = async (ctx: Context<void>, identifier: string): Promise<Application | Group | Person | null> => {
    const pairs = await ctx.getActorKeyPairs(identifier);
    const common = {
      id: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      featured: ctx.getFeaturedUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pairs[0]?.cryptographicKey ?? null,
      assertionMethods: pairs.map((p) => p.multikey),
    };
    if (identifier === SITE_ACTOR) {
      return new Application({
        ...common,
        preferredUsername: new URL(baseUrl).host,
        name: (await deps.site()).name,
        manuallyApprovesFollowers: true,
      });
    }
    if (identifier.startsWith('chat.')) {
      const series = await deps.chatGroups.bySlug(identifier.slice(5));
      if (!series) return null;
      return new Group({
        ...common,
        preferredUsername: series.slug,
        name: series.title,
        summary: `<p>${escapeHtml(series.description || series.title)}</p><p>Answer a question by mentioning this account: “A1 …”. Chats use <a href="${baseUrl}/tags/${series.hashtag}" class="hashtag" rel="tag">#${escapeHtml(series.hashtagName)}</a>.</p>`,
        url: new URL(`${baseUrl}/chats/${series.slug}`),
        tags: [new Hashtag({ name: `#${series.hashtagName}`, href: new URL(`${baseUrl}/tags/${series.hashtag}`) })],
        published: instant(series.createdAt),
        manuallyApprovesFollowers: false,
      });
    }
    const member = await memberByHandle(database, identifier);
    // Members who keep their profile to members of this server are not published.
    if (member?.profile_visibility !== 'public') return null;
    const passions = await db
      .selectFrom('actor_passions')
      .innerJoin('passions', 'passions.id', 'actor_passions.passion_id')
      .select(['passions.slug', 'passions.name'])
      .where('actor_passions.actor_id', '=', member.id)
      .orderBy('actor_passions.position')
      .execute();
    const role = roleLabel(member.role, member.role_other);
    const fields: Array<[string, string | null]> = [
      ['Role', role],
      ['Organisation', member.organisation],
      ['Location', member.location],
      [
        'Passions',
        passions.map((p) => `<a href="${baseUrl}/tags/${p.slug}" class="mention hashtag" rel="tag">#${p.slug}</a>`).join(' ') || null,
      ],
    ];
    for (const link of JSON.parse(member.links) as Array<{ label: string; url: string }>) {
      fields.push([
        link.label || 'Link',
        `<a href="${escapeHtml(link.url)}" rel="me nofollow noopener" target="_blank">${escapeHtml(link.url)}</a>`,
      ]);
    }
    return new Person({
      ...common,
      preferredUsername: member.handle,
      name: member.display_name || member.handle,
      summary: member.bio ? `<p>${escapeHtml(member.bio).replace(/\n/g, '<br>')}</p>` : null,
      url: new URL(`${baseUrl}/@${member.handle}`),
      icon: member.avatar_url ? new Image({ url: new URL(member.avatar_url, baseUrl) }) : null,
      manuallyApprovesFollowers: member.locked === 1,
      discoverable: true,
      indexable: true,
      published: instant(member.created_at),
      attachments: fields
        .filter((f): f is [string, string] => Boolean(f[1]))
        .map(
          ([name, value]) => new PropertyValue({ name, value: name === 'Passions' || value.startsWith('<a') ? value : escapeHtml(value) }),
        ),
      // Passions as hashtags in their slug form (“Graphic novels” → #graphicnovels): a hashtag has no spaces.
      tags: passions.map((p) => new Hashtag({ name: `#${p.slug}`, href: new URL(`${baseUrl}/tags/${p.slug}`) })),
    });
  };

  federation
    .setActorDispatcher('/users/{identifier}', actorOf)
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      if (identifier !== SITE_ACTOR && !identifier.startsWith('chat.') && !(await memberByHandle(database, identifier))) return [];
      if (identifier.startsWith('chat.') && !(await deps.chatGroups.bySlug(identifier.slice(5)))) return [];
      return keys.pairs(keyOwner(identifier));
    })
    .mapHandle(async (_ctx, username) => {
      const member = await memberByHandle(database, username);
      if (member) return member.handle;
      const series = await deps.chatGroups.bySlug(username.toLowerCase());
      if (series) return chatIdentifier(series.slug);
      return username.toLowerCase() === new URL(baseUrl).host.toLowerCase() ? SITE_ACTOR : null;
    });

  return actorOf;
}
