import type { Selectable } from 'kysely';
import type { AccountsService, Profile } from '../accounts/index.ts';
import type { Curation } from '../curation/index.ts';
import type { ActorsTable } from '../db/schema.ts';
import type { FederationService } from '../federation/index.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { ActorProfile, ActorSummary, ListView, PostView, Relationship, SocialService } from '../social/index.ts';

export type PostsTab = 'posts' | 'replies' | 'media';
export type Direction = 'followers' | 'following';
/** What the buttons on a person's page do. */
export type PersonAction = 'follow' | 'unfollow' | 'mute' | 'unmute' | 'block' | 'unblock';

interface PostsPage {
  posts: PostView[];
  nextCursor: string | null;
}

/** What a member's page shows besides their profile (which accounts gives). */
export interface MemberPage {
  actor: ActorProfile;
  page: PostsPage;
  /** Their featured posts, on the first page of the Posts tab. */
  pinned: PostView[];
  /** The viewer's relationship to them; null for visitors and on one's own page. */
  relationship: Relationship | null;
  lists: ListView[];
  hasBlog: boolean;
  hasPublicBookmarks: boolean;
}

/** What the page of someone on another server shows. */
export interface RemotePage {
  /** What we stored of them. */
  row: Selectable<ActorsTable>;
  actor: ActorProfile;
  page: PostsPage;
  pinned: PostView[];
  relationship: Relationship | null;
  /** Their profile fields (website, pronouns …): names as text, values as HTML sanitised when stored. */
  fields: Array<{ name: string; value: string }>;
  /** Their recent posts are still being fetched from their server. */
  fetching: boolean;
}

export interface ProfilesDeps {
  accounts: AccountsService;
  social: SocialService;
  curation: Curation;
  federation: FederationService;
}

/**
 * A person's page (`/@handle`, `/@user@host`): gathers what it shows from the capabilities that
 * own each part: the profile (accounts), posts, connections and relationships (social), the
 * blog and bookmarks (curation), and people on other servers (federation).
 */
export class ProfilesService {
  readonly accounts: AccountsService;
  readonly #social: SocialService;
  readonly #curation: Curation;
  readonly #federation: FederationService;

  constructor(deps: ProfilesDeps) {
    this.accounts = deps.accounts;
    this.#social = deps.social;
    this.#curation = deps.curation;
    this.#federation = deps.federation;
  }

  /** A member's posts (one tab, one page), featured posts, lists, and what else they share. */
  async memberPage(viewer: Viewer | null, profile: Profile, tab: PostsTab, cursor: string | undefined): Promise<MemberPage> {
    const { graph, timelines, lists } = this.#social;
    const actor = await graph.actor(profile.handle);
    const [page, pinned, relationship, shared, hasBlog, bookmarks] = await Promise.all([
      timelines.profile(viewer, actor.id, tab, cursor),
      tab === 'posts' && !cursor ? timelines.pinned(viewer, actor.id) : Promise.resolve([]),
      viewer && viewer.actorId !== actor.id ? graph.relationship(viewer, actor.id) : Promise.resolve(null),
      lists.publicOf(profile.memberId),
      this.#curation.articles.hasPublished(actor.id),
      this.#curation.bookmarks.publicOf(profile.memberId, { limit: 1 }),
    ]);
    return { actor, page, pinned, relationship, lists: shared, hasBlog, hasPublicBookmarks: bookmarks.bookmarks.length > 0 };
  }

  /**
   * Someone on another server: what we know of them, and their posts that reached us. A
   * signed-in member opening an address we have not met yet looks it up (WebFinger, then their
   * outbox); a visitor gets a 404.
   */
  async remotePage(viewer: Viewer | null, acct: string, cursor: string | undefined): Promise<RemotePage> {
    const { graph, timelines } = this.#social;
    let row = await this.#federation.actors.byAcct(acct);
    let lookedUp = false;
    if (!row) {
      if (!viewer) throw UserError.notFound(`@${acct} has not been seen here yet. Sign in and search for them to look them up.`);
      row = await this.#federation.lookup(acct);
      lookedUp = true;
    }
    const actor = await graph.actor(row.acct);
    const [page, pinned, relationship] = await Promise.all([
      timelines.profile(viewer, actor.id, 'posts', cursor),
      cursor ? Promise.resolve([]) : timelines.pinned(viewer, actor.id),
      viewer ? graph.relationship(viewer, actor.id) : Promise.resolve(null),
    ]);
    const fields = JSON.parse(row.fields) as Array<{ name: string; value: string }>;
    const fetching = lookedUp || (page.posts.length === 0 && Date.now() - row.created_at < 60_000);
    return { row, actor, page, pinned, relationship, fields, fetching };
  }

  /** A member's accepted followers or followees, newest first. */
  async connections(
    profile: Profile,
    direction: Direction,
    cursor: string | undefined,
  ): Promise<{ people: ActorSummary[]; nextCursor: string | null }> {
    const { graph } = this.#social;
    const actor = await graph.actor(profile.handle);
    return graph.connections(actor.id, direction, cursor);
  }

  /** Follows, mutes or blocks someone (or undoes it); a follow says whether it waits for approval. */
  async act(viewer: Viewer, acct: string, action: PersonAction): Promise<'accepted' | 'pending' | undefined> {
    const { graph } = this.#social;
    if (action === 'follow') return graph.follow(viewer, acct);
    await graph[action](viewer, acct);
    return undefined;
  }
}
