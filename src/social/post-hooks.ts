import type { Tx } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';

/**
 * What a new post comes with besides its text: why another capability wrote it, or whom a remote
 * server addressed it to. Social stores what concerns posts (the object a post stands for) and
 * hands the rest, typed, to the post hooks; it does not look inside.
 */
export type PostOccasion =
  /** It asks a question another capability holds (a chat's "Q2 …"), by the question's id. */
  | { kind: 'question'; questionId: number }
  /** A remote post addressed to local group actors (a mention of @tlchat@this.host), by their handles. */
  | { kind: 'group-mention'; groups: string[] }
  /**
   * It stands for a linked object (the article it announces; `posts.article_id`): the object's
   * card replaces its text, and only the object's owner edits or deletes it. `content` is the
   * object as published (the article's HTML), for the owner's hook.
   */
  | { kind: 'linked-object'; objectId: number; content: string };

/** A new post, as other capabilities see it inside the transaction that stores it. */
export interface NewPost {
  id: number;
  actorId: number;
  text: string;
  visibility: Visibility;
  replyToId: number | null;
  /** Hashtag slugs. */
  tags: string[];
  createdAt: number;
  /** What the post came with (`options.occasion` of a local post, `occasion` of a remote one). */
  occasion: PostOccasion | null;
}

/**
 * Another capability joining a new post's transaction (chats link posts that carry their
 * hashtag). It may throw a UserError to refuse the post; it returns extra live-event topics.
 */
export type PostHook = (tx: Tx, post: NewPost) => Promise<string[]>;

/** The hooks every new post, local or remote, runs through (`social.posts.onCreate`). */
export class PostHooks {
  readonly #hooks: PostHook[] = [];

  add(hook: PostHook): void {
    this.#hooks.push(hook);
  }

  /** Runs every hook in the post's transaction; returns the live-event topics they add. */
  async run(tx: Tx, post: NewPost): Promise<string[]> {
    const topics: string[] = [];
    for (const hook of this.#hooks) topics.push(...(await hook(tx, post)));
    return topics;
  }
}
