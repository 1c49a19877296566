import { type AccountsService, type Profile, type ProfilePatch, passionSlug } from '../accounts/index.ts';
import type { ChatsService } from '../chats/index.ts';
import type { CurationService } from '../curation/index.ts';
import type { Database } from '../db/database.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { InsightsService } from '../insights/index.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { PostView, SocialService } from '../social/index.ts';

/**
 * The guided first ten minutes: about you (role, passions, place) → people to follow → chats
 * to join → sources to read → a first post. Every step can be skipped; what each step asks is
 * read from what the member has done (no separate progress is stored), so the checklist on
 * "Start here" and on Home is always true, whichever way she did it.
 */

export const FOLLOW_GOAL = 10;

/** The hashtag a newcomer introduces herself with. */
export const INTRODUCTION_TAG = 'introductions';

export const STEPS = [
  { key: 'about', path: '/welcome', title: 'About you' },
  { key: 'people', path: '/welcome/people', title: 'People to follow' },
  { key: 'chats', path: '/welcome/chats', title: 'Chats to join' },
  { key: 'sources', path: '/welcome/sources', title: 'Sources to read' },
  { key: 'post', path: '/welcome/post', title: 'Say hello' },
] as const;

export type StepKey = (typeof STEPS)[number]['key'];

/** What the member has done of each step. */
export interface Progress {
  about: boolean;
  /** People she follows (or asked to follow). */
  follows: number;
  /** Chats ahead she said she will join. */
  rsvps: number;
  sources: number;
  posts: number;
}

export function stepDone(progress: Progress, step: StepKey): boolean {
  switch (step) {
    case 'about':
      return progress.about;
    case 'people':
      return progress.follows >= FOLLOW_GOAL;
    case 'chats':
      return progress.rsvps > 0;
    case 'sources':
      return progress.sources > 0;
    case 'post':
      return progress.posts > 0;
  }
}

export interface WelcomeDeps {
  database: Database;
  accounts: AccountsService;
  social: SocialService;
  chats: ChatsService;
  feeds: FeedsService;
  curation: CurationService;
  insights: InsightsService;
}

/** Does `text` speak of one of these passions (as words or as a hashtag)? */
export function mentionsPassion(text: string, passions: readonly string[]): string | null {
  const slug = passionSlug(text);
  return passions.find((p) => slug.includes(passionSlug(p))) ?? null;
}

export class WelcomeService {
  readonly #deps: WelcomeDeps;

  constructor(deps: WelcomeDeps) {
    this.#deps = deps;
  }

  async progress(viewer: Viewer): Promise<Progress> {
    const { accounts, social, chats, feeds, database } = this.#deps;
    const [profile, followees, rsvps, sources, actor] = await Promise.all([
      accounts.profiles.own(viewer.memberId),
      social.graph.followeeIds(viewer.actorId, { pending: true }),
      chats.rsvps.mine(viewer),
      feeds.sources.count(viewer),
      database.db.selectFrom('actors').select('posts_count').where('id', '=', viewer.actorId).executeTakeFirst(),
    ]);
    return {
      about: profile.role !== null && profile.passions.length > 0,
      follows: followees.length,
      rsvps: rsvps.length,
      sources,
      posts: actor?.posts_count ?? 0,
    };
  }

  profile(viewer: Viewer): Promise<Profile & { email: string }> {
    return this.#deps.accounts.profiles.own(viewer.memberId);
  }

  /** Role, passions, place and time zone (the first step). */
  async saveAbout(viewer: Viewer, patch: ProfilePatch): Promise<void> {
    await this.#deps.accounts.profiles.patch(viewer.memberId, patch);
  }

  /** The passions the community uses most (for choosing rather than typing). */
  async communityPassions(limit = 18): Promise<string[]> {
    return (await this.#deps.accounts.people.passionSuggestions('', limit)).map((p) => p.name);
  }

  /** People to follow: the suggestions (same passions across roles, follow-backs), and starter kits on her passions with their preview. */
  async people(viewer: Viewer, profile: Profile) {
    const { insights, curation } = this.#deps;
    // A kit for her role ("Public librarians to follow") is as good a match as one on her passions.
    const passions = [...profile.passions.map((p) => p.name), ...(profile.roleLabel ? [profile.roleLabel] : [])];
    const [suggestions, kits] = await Promise.all([
      insights.suggestions.suggest(viewer, 12),
      curation.collections.browse(viewer, 'starter_kit', undefined, 50),
    ]);
    const ranked = kits.collections
      .filter((k) => k.entryCount > 0)
      .map((k) => ({ kit: k, passion: mentionsPassion(`${k.title} ${k.description}`, passions) }))
      .sort((a, b) => Number(b.passion !== null) - Number(a.passion !== null) || b.kit.followerCount - a.kit.followerCount)
      .slice(0, 2);
    const previews = await Promise.all(
      ranked.map(async (r) => ({ ...r, preview: await curation.collections.kits.preview(viewer, r.kit.id) })),
    );
    return { suggestions, kits: previews.filter((p) => p.preview.people.length > 0) };
  }

  /** Follows everyone of a starter kit she does not follow yet. */
  async followKit(viewer: Viewer, kitId: number) {
    const kits = this.#deps.curation.collections.kits;
    const preview = await kits.preview(viewer, kitId);
    return kits.follow(
      viewer,
      kitId,
      preview.newPeople.map((p) => p.id),
    );
  }

  /** Chats coming up, those on her passions first (at most six). */
  async chats(viewer: Viewer, profile: Profile) {
    const passions = profile.passions.map((p) => p.name);
    const series = await this.#deps.chats.series.all(viewer);
    return series
      .flatMap((s) => {
        const chat = s.live ?? s.next;
        return chat ? [{ series: s, chat, passion: mentionsPassion(`${s.hashtag} ${s.title} ${s.description}`, passions) }] : [];
      })
      .sort((a, b) => Number(b.passion !== null) - Number(a.passion !== null) || a.chat.startsAt - b.chat.startsAt)
      .slice(0, 6);
  }

  rsvp(viewer: Viewer, slug: string, date: string, going: boolean) {
    return this.#deps.chats.rsvps.rsvp(viewer, slug, date, going);
  }

  /** The starter sources for her role and what the community reads most, without those she follows. */
  async sources(viewer: Viewer, profile: Profile) {
    const { feeds } = this.#deps;
    const passions = profile.passions.map((p) => p.name);
    const [starter, popular, mine] = await Promise.all([
      feeds.starterSources.forRole(profile.role),
      feeds.starterSources.popular(),
      feeds.subscriptions(viewer),
    ]);
    const followed = new Set(mine.map((s) => s.feedUrl));
    const offered = new Set(starter.map((s) => s.url));
    const community = popular
      .filter((s) => !offered.has(s.url))
      .map((s) => ({ ...s, passion: mentionsPassion(`${s.title} ${s.description ?? ''}`, passions) }))
      .sort((a, b) => Number(b.passion !== null) - Number(a.passion !== null) || b.followers - a.followers)
      .slice(0, 4);
    return {
      starter: starter.map((s) => ({ ...s, following: followed.has(s.url) })),
      community: community.map((s) => ({ ...s, following: followed.has(s.url) })),
    };
  }

  /**
   * A post to answer on the last step: the newest introduction by someone else, or else the
   * newest question from someone she follows, or else their newest post.
   */
  async conversation(viewer: Viewer): Promise<PostView | null> {
    const { social } = this.#deps;
    const others = (posts: PostView[]) => posts.filter((p) => p.author.id !== viewer.actorId && !p.replyTo);
    const introductions = others((await social.timelines.hashtag(viewer, INTRODUCTION_TAG, undefined, 10)).posts);
    if (introductions[0]) return introductions[0];
    const followees = new Set(await social.graph.followeeIds(viewer.actorId));
    const recent = others((await social.timelines.local(viewer, undefined, 40)).posts).filter((p) => followees.has(p.author.id));
    return recent.find((p) => p.text.includes('?')) ?? recent[0] ?? null;
  }

  followSources(viewer: Viewer, urls: readonly string[]) {
    return this.#deps.feeds.starterSources.follow(viewer, urls);
  }
}
