import type { Federation } from '@fedify/fedify';
import { type Article, Note, type Recipient } from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import type { PostRow, SocialService } from '../social/index.ts';
import type { ChatGroups } from './chat-groups.ts';
import type { LinkedArticles } from './linked-articles.ts';
import { memberByHandle, SITE_ACTOR } from './local-actors.ts';
import { noteOf, noteSources } from './notes.ts';

export interface CollectionsDeps {
  database: Database;
  baseUrl: string;
  social: Pick<SocialService, 'postRows' | 'remoteFollows'>;
  chatGroups: ChatGroups;
  articles: LinkedArticles;
}

/**
 * Serves local actors' collections (followers, following, outbox, featured) and their posts
 * (`/users/<handle>/posts/<id>`; the page for people is /@handle/id).
 */
export function registerCollections(federation: Federation<void>, deps: CollectionsDeps): void {
  const { database, baseUrl, social, chatGroups } = deps;
  const db = database.db;
  const localActor = (handle: string) =>
    db.selectFrom('actors').selectAll().where('handle', '=', handle).where('domain', 'is', null).executeTakeFirst();
  const sources = (rows: Array<PostRow & { handle: string }>) => noteSources(deps, rows);

  // Followers: every page lists URIs; the whole list (cursor null) is what Fedify delivers to.
  federation
    .setFollowersDispatcher('/users/{identifier}/followers', async (_ctx, identifier, cursor) => {
      const page = 100;
      const offset = cursor === null ? 0 : Number(cursor) || 0;
      let rows: Array<{ uri: string | null; inbox_url: string | null; shared_inbox_url: string | null; handle: string }>;
      if (identifier.startsWith('chat.')) {
        const group = await chatGroups.bySlug(identifier.slice(5));
        rows = group
          ? await db
              .selectFrom('chat_followers')
              .innerJoin('actors', 'actors.id', 'chat_followers.actor_id')
              .select(['actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url', 'actors.handle'])
              .where('chat_followers.series_id', '=', group.id)
              .orderBy('chat_followers.actor_id')
              .$if(cursor !== null, (q) => q.offset(offset).limit(page))
              .execute()
          : [];
      } else {
        const followee = await localActor(identifier);
        // Delivery goes to other servers only; pages show everyone.
        rows = followee
          ? await social.remoteFollows.followers(followee.id, {
              remoteOnly: cursor === null,
              ...(cursor !== null ? { offset, limit: page } : {}),
            })
          : [];
      }
      const items: Recipient[] = rows.map((r) => ({
        id: new URL(r.uri ?? `${baseUrl}/users/${r.handle}`),
        inboxId: r.inbox_url ? new URL(r.inbox_url) : new URL(`${baseUrl}/users/${r.handle}/inbox`),
        endpoints: r.shared_inbox_url ? { sharedInbox: new URL(r.shared_inbox_url) } : null,
      }));
      return { items, nextCursor: cursor !== null && rows.length === page ? String(offset + page) : null };
    })
    .setCounter(async (_ctx, identifier) => {
      if (identifier.startsWith('chat.')) {
        const group = await chatGroups.bySlug(identifier.slice(5));
        if (!group) return 0;
        const row = await db
          .selectFrom('chat_followers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('series_id', '=', group.id)
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      }
      return (await localActor(identifier))?.followers_count ?? 0;
    })
    .setFirstCursor(() => '0');

  federation
    .setFollowingDispatcher('/users/{identifier}/following', async (_ctx, identifier, cursor) => {
      const page = 100;
      const offset = Number(cursor) || 0;
      const follower = await localActor(identifier);
      const rows = follower ? await social.remoteFollows.followees(follower.id, { offset, limit: page }) : [];
      return {
        items: rows.map((r) => new URL(r.uri ?? `${baseUrl}/users/${r.handle}`)),
        nextCursor: rows.length === page ? String(offset + page) : null,
      };
    })
    .setCounter(async (_ctx, identifier) => (await localActor(identifier))?.following_count ?? 0)
    .setFirstCursor(() => '0');

  // Outbox: the member's public posts, newest first, as Create activities.
  federation
    .setOutboxDispatcher('/users/{identifier}/outbox', async (ctx, identifier, cursor) => {
      const page = 20;
      const author = await localActor(identifier);
      const rows = author
        ? await social.postRows.find({
            actorId: author.id,
            visibility: ['public'],
            live: true,
            originals: true,
            limit: page,
            ...(cursor ? { before: Number(cursor) || 0 } : {}),
          })
        : [];
      const notes = await sources(rows.map((r) => ({ ...r, handle: author!.handle })));
      const items = notes.map((source) => noteOf(ctx, source).create);
      return { items, nextCursor: rows.length === page ? String(rows.at(-1)!.id) : null };
    })
    .setCounter(async (_ctx, identifier) => (await localActor(identifier))?.posts_count ?? 0)
    .setFirstCursor(() => '');

  // Posts: `/users/<handle>/posts/<id>`. A post announcing an article is served as that Article,
  // at the same address (so replies to it still find the post).
  federation.setObjectDispatcher<Note | Article, 'identifier' | 'id'>(Note, '/users/{identifier}/posts/{id}', async (ctx, values) => {
    const author = await localActor(values.identifier);
    const [row] = author ? await social.postRows.find({ ids: [Number(values.id) || 0], actorId: author.id, originals: true }) : [];
    // Only public posts can be fetched without a signature; the rest reach their audience by delivery.
    if (row?.visibility !== 'public') return null;
    if (row.deleted_at) return null;
    const [source] = await sources([{ ...row, handle: author!.handle }]);
    return noteOf(ctx, source!).note;
  });

  // Featured: the member's pinned public posts, newest pin first (Mastodon's "pinned posts"). Chat groups and the server feature nothing.
  federation
    .setFeaturedDispatcher('/users/{identifier}/collections/featured', async (ctx, identifier) => {
      if (identifier === SITE_ACTOR) return { items: [] };
      if (identifier.startsWith('chat.')) return (await chatGroups.bySlug(identifier.slice(5))) ? { items: [] } : null;
      const member = await memberByHandle(database, identifier);
      if (member?.profile_visibility !== 'public') return null;
      const rows = await social.postRows.pinned(member.id, { publicOnly: true });
      const notes = await sources(rows.map((r) => ({ ...r, handle: member.handle })));
      return { items: notes.map((source) => noteOf(ctx, source).note) };
    })
    .setCounter(async (_ctx, identifier) => {
      const member = identifier === SITE_ACTOR || identifier.startsWith('chat.') ? undefined : await memberByHandle(database, identifier);
      if (!member) return 0;
      return (await social.postRows.pinned(member.id, { publicOnly: true })).length;
    });
}
