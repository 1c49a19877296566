import type { Database } from '../db/database.ts';
import type { CollectionKind, CollectionVisibility } from '../db/schema.ts';
import type { FeedsService } from '../feeds/index.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ActorProfile, isBoostable, reader, type SocialService } from '../social/index.ts';
import type { CollectionAccess } from './collection-access.ts';
import { type EntryInput, noun } from './collection-schemas.ts';

/**
 * What an entry may point to, checked before it is added: a web address, one of the member's
 * bookmarks, a public or members-only post they can see, a source they follow, or a person
 * (not blocked either way; in a public collection, only someone who agreed to be featured).
 * Errors name the form field.
 */

/** The columns of `collection_entries` that name an entry's target (one is set). */
export interface EntryTarget {
  url: string | null;
  bookmark_id: number | null;
  post_id: number | null;
  source_id: number | null;
  actor_id: number | null;
  /** What to say when the collection has it already. */
  duplicateMessage: string;
}

export interface TargetsDeps {
  database: Database;
  access: CollectionAccess;
  graph: Pick<SocialService['graph'], 'actor' | 'blockedBetween'>;
  postRows: Pick<SocialService['postRows'], 'find' | 'byAddress'>;
  feeds: Pick<FeedsService, 'subscriptions' | 'itemsByIds'>;
}

export class EntryTargets {
  readonly #deps: TargetsDeps;

  constructor(deps: TargetsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  /** Checks and resolves what an entry points to. */
  async resolve(
    viewer: Viewer,
    collection: { kind: CollectionKind; visibility: CollectionVisibility },
    input: EntryInput,
  ): Promise<EntryTarget> {
    const none = { url: null, bookmark_id: null, post_id: null, source_id: null, actor_id: null };
    switch (input.kind) {
      case 'link': {
        if (!input.url) throw UserError.field('url', 'Enter the address of the page to add.');
        let url: URL;
        try {
          url = new URL(input.url);
        } catch {
          throw UserError.field('url', 'Enter a full web address, starting with https:// or http://.');
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw UserError.field('url', 'Only web addresses (https:// or http://) can be added.');
        return { ...none, url: url.toString(), duplicateMessage: 'This link is already in the collection.' };
      }
      case 'bookmark': {
        if (!input.bookmarkId) throw UserError.field('bookmarkId', 'Choose one of your bookmarks.');
        const bookmark = await this.#db
          .selectFrom('bookmarks')
          .select(['id', 'post_id'])
          .where('id', '=', input.bookmarkId)
          .where('member_id', '=', viewer.memberId)
          .executeTakeFirst();
        if (!bookmark)
          throw new UserError(404, 'not_found', 'You have no bookmark with this id.', {
            issues: [{ path: 'bookmarkId', message: 'You have no bookmark with this id.' }],
          });
        if (bookmark.post_id) await this.#shareablePost(viewer, bookmark.post_id, 'bookmarkId');
        return { ...none, bookmark_id: bookmark.id, duplicateMessage: 'This bookmark is already in the collection.' };
      }
      case 'post': {
        const postId = input.postId ?? (input.postUrl ? await this.#postIdFromUrl(input.postUrl) : null);
        if (!postId) throw UserError.field('postUrl', 'Enter the address of a post (or its number).');
        return {
          ...none,
          post_id: await this.#shareablePost(viewer, postId, input.postId ? 'postId' : 'postUrl'),
          duplicateMessage: 'This post is already in the collection.',
        };
      }
      case 'source': {
        if (!input.sourceId) throw UserError.field('sourceId', 'Choose one of your sources.');
        const followed = (await this.#deps.feeds.subscriptions(viewer)).some((s) => s.sourceId === input.sourceId);
        if (!followed)
          throw new UserError(404, 'not_found', 'You do not follow this source; follow it under Sources first.', {
            issues: [{ path: 'sourceId', message: 'You do not follow this source; follow it under Sources first.' }],
          });
        return { ...none, source_id: input.sourceId, duplicateMessage: 'This source is already in the collection.' };
      }
      case 'person':
        return { ...none, ...(await this.#person(viewer, collection, input.acct ?? '')) };
    }
  }

  async #person(viewer: Viewer, collection: { kind: CollectionKind; visibility: CollectionVisibility }, handle: string) {
    const acct = handle.replace(/^@/, '');
    if (!acct) throw UserError.field('acct', 'Enter the handle of someone to add, like mslibrarian or user@example.social.');
    let person: ActorProfile;
    try {
      person = await this.#deps.graph.actor(acct);
    } catch (error) {
      if (error instanceof UserError && error.status === 404) {
        const message = acct.includes('@')
          ? `No one called @${acct} is known here yet. Look them up under Search first.`
          : `There is no member @${acct} here.`;
        throw new UserError(404, 'not_found', message, { issues: [{ path: 'acct', message }] });
      }
      throw error;
    }
    const [member, blocked] = await Promise.all([
      this.#db.selectFrom('members').select(['featurable']).where('actor_id', '=', person.id).executeTakeFirst(),
      this.#deps.graph.blockedBetween(viewer.actorId, [person.id]),
    ]);
    if (blocked.size > 0) throw UserError.field('acct', `You cannot add @${person.acct}.`, 403);
    if (member && member.featurable === 0 && collection.visibility === 'public') {
      throw UserError.field(
        'acct',
        `@${person.acct} declined to be featured in public starter kits and collections.`,
        403,
        'not_featurable',
      );
    }
    return { actor_id: person.id, duplicateMessage: `@${person.acct} is already in this ${noun(collection.kind)}.` };
  }

  /** A post's id from its address: this server's `/@handle/123` or `/posts/123`, or a remote post's id or link. */
  async #postIdFromUrl(text: string): Promise<number | null> {
    if (/^\d+$/.test(text)) return Number(text);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw UserError.field('postUrl', 'Enter the full address of a post, or its number.');
    }
    if (url.origin === new URL(this.#deps.access.baseUrl).origin) {
      const match = /^\/(?:@[^/]+|posts)\/(\d+)\/?$/.exec(url.pathname);
      if (!match) throw UserError.field('postUrl', 'That address is not a post on this server.');
      return Number(match[1]);
    }
    const row = await this.#deps.postRows.byAddress(url.toString());
    if (!row) throw UserError.field('postUrl', 'That post is not known here. Open it through Search first.', 404);
    return row.id;
  }

  /**
   * A post the member may put in a collection: one they can see (else 404, as if it were not
   * there) that is public or for members; followers-only and direct posts stay with their audience.
   */
  async #shareablePost(viewer: Viewer, postId: number, field: string): Promise<number> {
    const [post] = await this.#deps.postRows.find({ ids: [postId], readableBy: reader(viewer) });
    if (!post) {
      const message = 'This post does not exist, was deleted, or is not visible to you.';
      throw new UserError(404, 'not_found', message, { issues: [{ path: field, message }] });
    }
    if (post.boost_of_id) return this.#shareablePost(viewer, post.boost_of_id, field);
    if (!isBoostable(post.visibility)) {
      const audience = post.visibility === 'direct' ? 'the people it mentions' : 'its author’s followers';
      throw UserError.field(
        field,
        `This post is only for ${audience}, so it cannot go in a collection. Only public and members-only posts can.`,
        403,
        'post_not_shareable',
      );
    }
    return post.id;
  }

  /** The member's newest bookmarks, named for a chooser (the add-a-bookmark form). */
  async bookmarkChoices(viewer: Viewer, limit = 200): Promise<Array<{ id: number; label: string }>> {
    const rows = await this.#db
      .selectFrom('bookmarks')
      .select(['id', 'url', 'title', 'post_id', 'item_id'])
      .where('member_id', '=', viewer.memberId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const postIds = rows.flatMap((r) => (r.post_id ? [r.post_id] : []));
    const [posts, items] = await Promise.all([
      postIds.length ? this.#deps.postRows.find({ ids: postIds }) : Promise.resolve([]),
      this.#deps.feeds.itemsByIds(rows.flatMap((r) => (r.item_id ? [r.item_id] : []))),
    ]);
    const authorIds = [...new Set(posts.map((p) => p.actor_id))];
    const authors = authorIds.length
      ? await this.#db.selectFrom('actors').select(['id', 'display_name']).where('id', 'in', authorIds).execute()
      : [];
    const postById = new Map(posts.map((p) => [p.id, p]));
    const itemById = new Map(items.map((i) => [i.id, i]));
    const authorById = new Map(authors.map((a) => [a.id, a.display_name]));
    return rows.map((r) => {
      const post = r.post_id ? postById.get(r.post_id) : undefined;
      const item = r.item_id ? itemById.get(r.item_id) : undefined;
      const text = post
        ? `${authorById.get(post.actor_id) ?? 'Post'}: ${post.text.replace(/\s+/g, ' ').slice(0, 80)}`
        : item?.title || item?.url;
      return { id: r.id, label: (r.title || text || r.url || `Bookmark ${r.id}`).slice(0, 120) };
    });
  }
}
