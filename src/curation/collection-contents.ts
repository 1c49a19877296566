import type { Database, Queryable } from '../db/database.ts';
import type { CollectionEntryKind } from '../db/schema.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ActorSummary, actorSummary, type PostView, reader, type SocialService } from '../social/index.ts';
import { ACTOR_COLUMNS, type CollectionAccess, type CollectionSummary, type Role } from './collection-access.ts';

/**
 * What a collection holds: its entries with what each points to (posts, bookmarks, feed items,
 * sources, people), loaded in a fixed number of queries whatever the number of entries.
 *
 * An entry pointing to a post shows only to people who may see the post; a person who declined
 * to be featured is left out of public collections (the owner and collaborators see why); a
 * members-only profile is left out for visitors.
 */

export interface PersonView extends ActorSummary {
  bio: string;
  organisation: string | null;
  location: string | null;
  /** Role key (for comparing), with `roleLabel` for showing. */
  role: string | null;
}

export interface EntryView {
  id: number;
  position: number;
  kind: CollectionEntryKind;
  /** What to call it: the entry's own title, else its target's. */
  title: string;
  /** The title the curator gave it, if any (`title` falls back to the target's). */
  customTitle: string | null;
  /** Where it leads (absolute). */
  url: string;
  note: string;
  addedBy: ActorSummary | null;
  createdAt: number;
  updatedAt: number;
  /** The viewer may change its note and title, or remove it. */
  editable: boolean;
  post: PostView | null;
  person: PersonView | null;
  source: { id: number; title: string; feedUrl: string; siteUrl: string | null } | null;
  /** A bookmarked feed item. */
  item: { id: number; title: string; url: string | null; sourceTitle: string } | null;
  bookmarkId: number | null;
  /** Only for the owner and collaborators: why others do not see this entry. */
  hiddenReason: string | null;
}

export interface ContentsDeps {
  database: Database;
  access: CollectionAccess;
  /** Social's posts, shown as the viewer may see them. */
  posts: Pick<SocialService['posts'], 'hydrate'>;
  /** Feeds' sources and items, by id. */
  feeds: Pick<FeedsService, 'itemsByIds' | 'sourcesByIds'>;
}

export class CollectionContents {
  readonly #deps: ContentsDeps;

  constructor(deps: ContentsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  /** The entries of a collection the viewer may see (see `CollectionAccess.check`), in order. */
  async entries(viewer: Viewer | null, collection: CollectionSummary, role: Role): Promise<EntryView[]> {
    const rows = await entryRows(this.#db, collection.id);
    const baseUrl = this.#deps.access.baseUrl;
    const editor = role === 'owner' || role === 'collaborator';
    const bookmarkIds = rows.flatMap((r) => (r.bookmark_id ? [r.bookmark_id] : []));
    const bookmarks = bookmarkIds.length
      ? await this.#db.selectFrom('bookmarks').select(['id', 'post_id', 'item_id', 'url', 'title']).where('id', 'in', bookmarkIds).execute()
      : [];
    const bookmarkById = new Map(bookmarks.map((b) => [b.id, b]));
    const postIds = [...rows.flatMap((r) => (r.post_id ? [r.post_id] : [])), ...bookmarks.flatMap((b) => (b.post_id ? [b.post_id] : []))];
    const itemIds = bookmarks.flatMap((b) => (b.item_id ? [b.item_id] : []));
    const sourceIds = rows.flatMap((r) => (r.source_id ? [r.source_id] : []));
    const actorIds = rows.flatMap((r) => (r.actor_id ? [r.actor_id] : []));
    const [posts, items, sources, people] = await Promise.all([
      this.#deps.posts.hydrate(
        reader(viewer),
        [...new Set(postIds)].map((postId) => ({ postId })),
      ),
      this.#deps.feeds.itemsByIds(itemIds),
      this.#deps.feeds.sourcesByIds(sourceIds),
      this.#people(actorIds),
    ]);
    const postById = new Map(posts.map((p) => [p.id, p]));
    const itemById = new Map(items.map((i) => [i.id, i]));
    const sourceById = new Map(sources.map((s) => [s.id, s]));
    const personById = new Map(people.map((p) => [p.view.id, p]));

    const views: EntryView[] = [];
    for (const r of rows) {
      const base = {
        id: r.id,
        position: r.position,
        kind: r.kind,
        note: r.note,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        addedBy:
          r.adder_id !== null
            ? actorSummary(
                {
                  id: r.adder_id,
                  handle: r.adder_handle!,
                  acct: r.adder_acct!,
                  domain: r.adder_domain,
                  display_name: r.adder_display_name!,
                  avatar_url: r.adder_avatar_url,
                  url: r.adder_url,
                  role: r.adder_role,
                  role_other: r.adder_role_other,
                },
                baseUrl,
              )
            : null,
        editable: role === 'owner' || (role === 'collaborator' && viewer !== null && r.added_by === viewer.memberId),
        post: null,
        person: null,
        source: null,
        item: null,
        bookmarkId: r.bookmark_id,
        hiddenReason: null,
        customTitle: r.title,
      } satisfies Omit<EntryView, 'title' | 'url'>;
      let entry: EntryView | null = null;
      let hidden: string | null = null;
      if (r.kind === 'link' && r.url) {
        entry = { ...base, title: r.title || r.url, url: r.url };
      } else if (r.kind === 'post' && r.post_id) {
        const post = postById.get(r.post_id);
        if (post) entry = { ...base, title: r.title || postTitle(post), url: webUrl(post.url) ?? `${baseUrl}/posts/${post.id}`, post };
      } else if (r.kind === 'source' && r.source_id) {
        const s = sourceById.get(r.source_id);
        if (s) {
          entry = {
            ...base,
            title: r.title || s.title || new URL(s.url).host,
            url: webUrl(s.siteUrl) ?? s.url,
            source: { id: s.id, title: s.title || new URL(s.url).host, feedUrl: s.url, siteUrl: s.siteUrl },
          };
        }
      } else if (r.kind === 'person' && r.actor_id) {
        const p = personById.get(r.actor_id);
        if (p && !p.suspended) {
          entry = {
            ...base,
            title: r.title || p.view.displayName,
            url: webUrl(p.view.url) ?? `${baseUrl}/@${p.view.acct}`,
            person: p.view,
          };
          if (collection.visibility === 'public' && !p.featurable)
            hidden = `@${p.view.acct} declined to be featured in public collections and starter kits, so only you and the collaborators see this entry.`;
          else if (!viewer && p.membersOnly) entry = null;
        }
      } else if (r.kind === 'bookmark' && r.bookmark_id) {
        const b = bookmarkById.get(r.bookmark_id);
        if (b?.post_id) {
          const post = postById.get(b.post_id);
          if (post) entry = { ...base, title: r.title || postTitle(post), url: webUrl(post.url) ?? `${baseUrl}/posts/${post.id}`, post };
        } else if (b?.item_id) {
          const i = itemById.get(b.item_id);
          if (i) {
            entry = {
              ...base,
              title: r.title || i.title || webUrl(i.url) || 'Untitled item',
              url: webUrl(i.url) ?? `${baseUrl}/sources/items/${i.id}`,
              item: {
                id: i.id,
                title: i.title || webUrl(i.url) || 'Untitled item',
                url: webUrl(i.url),
                sourceTitle: i.sourceTitle || new URL(i.sourceUrl).host,
              },
            };
          }
        } else if (b) {
          // A bookmark of an address, with the title the member gave it or the page's.
          const url = webUrl(b.url);
          if (url) entry = { ...base, title: r.title || b.title || url, url };
        }
      }
      if (!entry) continue;
      if (hidden) {
        if (!editor) continue;
        entry.hiddenReason = hidden;
      }
      views.push(entry);
    }
    return views;
  }

  async #people(actorIds: number[]): Promise<Array<{ view: PersonView; featurable: boolean; membersOnly: boolean; suspended: boolean }>> {
    if (actorIds.length === 0) return [];
    const rows = await this.#db
      .selectFrom('actors')
      .leftJoin('members', 'members.actor_id', 'actors.id')
      .select([
        ...ACTOR_COLUMNS.map((col) => `actors.${col}` as const),
        'actors.bio',
        'actors.organisation',
        'actors.location',
        'members.featurable',
        'members.profile_visibility',
        'members.suspended_at',
      ])
      .where('actors.id', 'in', [...new Set(actorIds)])
      .execute();
    const baseUrl = this.#deps.access.baseUrl;
    return rows.map((r) => ({
      view: { ...actorSummary(r, baseUrl), bio: r.bio, organisation: r.organisation, location: r.location, role: r.role },
      featurable: r.featurable !== 0,
      membersOnly: r.profile_visibility === 'members',
      suspended: r.suspended_at !== null,
    }));
  }
}

/** An address that is safe to link to (http or https), or null: feeds and remote servers write what they like. */
function webUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** A short title for a post entry: its first words. */
function postTitle(post: PostView): string {
  const text = (post.contentWarning || post.text).replace(/\s+/g, ' ').trim();
  const short = [...text].length > 80 ? `${[...text].slice(0, 79).join('')}…` : text;
  return short ? `${post.author.displayName}: ${short}` : `A post by ${post.author.displayName}`;
}

/** A collection's entries in order, with who added each (an ActorSummary's columns, prefixed). */
function entryRows(db: Queryable, collectionId: number) {
  return db
    .selectFrom('collection_entries as e')
    .leftJoin('members as adder_member', 'adder_member.id', 'e.added_by')
    .leftJoin('actors as adder', 'adder.id', 'adder_member.actor_id')
    .selectAll('e')
    .select([
      'adder.id as adder_id',
      'adder.handle as adder_handle',
      'adder.acct as adder_acct',
      'adder.domain as adder_domain',
      'adder.display_name as adder_display_name',
      'adder.avatar_url as adder_avatar_url',
      'adder.url as adder_url',
      'adder.role as adder_role',
      'adder.role_other as adder_role_other',
    ])
    .where('e.collection_id', '=', collectionId)
    .orderBy('e.position')
    .orderBy('e.id')
    .execute();
}
