import { Announce, Delete, Follow, Like, PUBLIC_COLLECTION, Tombstone, Undo, Update } from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import type { JobContext, Jobs } from '../jobs/jobs.ts';
import type { Outbox, PostRow, SocialActivity, SocialService } from '../social/index.ts';
import type { ActorRow } from './actors.ts';
import type { ChatGroups } from './chat-groups.ts';
import type { FederationParts } from './federation.ts';
import { instant } from './instant.ts';
import type { LinkedArticles } from './linked-articles.ts';
import { chatIdentifier } from './local-actors.ts';
import { noteOf, noteSources, noteUri } from './notes.ts';
import { completeWithQueued, FEDERATION_LANE } from './queue.ts';
import { recipientsOf, type SenderService } from './sender.ts';

export const OUTBOX_JOB = 'federation.out';
export const OUTBOX_JOB_OPTIONS = { lane: FEDERATION_LANE, maxAttempts: 8, timeoutMs: 120_000 };
/** A profile Update waits this long, so that a photo and a form saved together go out as one. */
const PROFILE_UPDATE_DELAY_MS = 2000;

export interface OutboxDeps {
  database: Database;
  jobs: Jobs;
  baseUrl: string;
  social: Pick<SocialService, 'postRows' | 'remoteFollows'>;
  sender: SenderService;
  chatGroups: ChatGroups;
  articles: LinkedArticles;
  /** A local actor's document (a profile's Update carries it whole). */
  actor: FederationParts['actor'];
}

/**
 * Sends what local actors do to the servers that need it. Each social activity is queued as a
 * job (federation.out) in the transaction that made it (see social/outbox.ts); the job builds
 * the ActivityPub activity and hands it to Fedify (sender.ts), which signs it and queues one
 * delivery per inbox. Activity ids are stable, so a job that runs twice sends the same
 * activity, which receivers ignore the second time.
 */
export class OutboxService {
  readonly #deps: OutboxDeps;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  /** Queues every local activity for delivery, atomically with the change. */
  listen(outbox: Outbox): void {
    outbox.listen(async (tx, activity) => {
      // A profile is sent as it is when the job runs: edits made meanwhile ride on one Update.
      const profile =
        activity.type === 'profile' ? { dedupeKey: `${OUTBOX_JOB}:profile:${activity.actorId}`, delayMs: PROFILE_UPDATE_DELAY_MS } : {};
      await this.#deps.jobs.enqueue(OUTBOX_JOB, activity, { tx, ...profile });
    });
  }

  /** The federation.out job: what the job queues (Fedify's fan-out or deliveries) commits with the job's removal (queue.ts). */
  run(activity: SocialActivity, ctx: JobContext): Promise<void> {
    return completeWithQueued(this.#deps.jobs, ctx, () => this.#send(activity));
  }

  async #handleOf(actorId: number): Promise<string | null> {
    const row = await this.#db
      .selectFrom('actors')
      .innerJoin('members', 'members.actor_id', 'actors.id')
      .select('actors.handle')
      .where('actors.id', '=', actorId)
      .where('actors.domain', 'is', null)
      .executeTakeFirst();
    return row?.handle ?? null;
  }

  async #remote(actorId: number): Promise<ActorRow | undefined> {
    return this.#db.selectFrom('actors').selectAll().where('id', '=', actorId).where('domain', 'is not', null).executeTakeFirst();
  }

  async #post(id: number): Promise<PostRow | undefined> {
    return (await this.#deps.social.postRows.find({ ids: [id] }))[0];
  }

  async #authorHandle(post: PostRow): Promise<string | null> {
    return (await this.#db.selectFrom('actors').select('handle').where('id', '=', post.actor_id).executeTakeFirst())?.handle ?? null;
  }

  async #send(activity: SocialActivity): Promise<void> {
    const ctx = this.#deps.sender.context();
    const sender = this.#deps.sender;
    switch (activity.type) {
      case 'post':
      case 'edit': {
        const post = await this.#post(activity.postId);
        const handle = post ? await this.#handleOf(post.actor_id) : null;
        if (!post || !handle || post.deleted_at || post.visibility === 'members') return;
        const row = { ...post, handle };
        const [source] = await noteSources(this.#deps, [row]);
        const { note, create } = noteOf(ctx, source!);
        const parent = row.reply_to_actor_id ? [row.reply_to_actor_id] : [];
        const [record] = await this.#deps.social.postRows.records([post]);
        const mentioned = (record?.mentions ?? []).map((m) => m.actorId);
        const recipients = await sender.audience(row.actor_id, {
          followers: row.visibility !== 'direct',
          extra: [...parent, ...mentioned],
          relays: row.visibility === 'public' && !row.reply_to_id,
        });
        if (activity.type === 'post') return sender.deliver(row.handle, recipients, create);
        const update = new Update({
          id: new URL(`${note.id!.href}#update-${row.edited_at ?? Date.now()}`),
          actor: ctx.getActorUri(row.handle),
          tos: note.toIds,
          ccs: note.ccIds,
          object: note,
          published: instant(row.edited_at ?? Date.now()),
        });
        return sender.deliver(row.handle, recipients, update);
      }
      case 'delete': {
        const handle = await this.#handleOf(activity.actorId);
        if (!handle || activity.visibility === 'members') return;
        const recipients = await sender.audience(activity.actorId, {
          followers: activity.visibility !== 'direct',
          extra: activity.mentionedActorIds,
          relays: activity.visibility === 'public',
        });
        const id = noteUri(ctx, handle, activity.postId);
        const del = new Delete({
          id: new URL(`${id.href}#delete`),
          actor: ctx.getActorUri(handle),
          tos: [PUBLIC_COLLECTION],
          object: new Tombstone({ id }),
        });
        return sender.deliver(handle, recipients, del);
      }
      case 'boost':
      case 'unboost': {
        const handle = await this.#handleOf(activity.actorId);
        const original = await this.#post(activity.postId);
        if (!handle || !original || original.visibility !== 'public') return;
        const object = original.local ? noteUri(ctx, (await this.#authorHandle(original))!, original.id) : new URL(original.uri!);
        // When the boost was made (an undone boost's row is gone: its Announce goes without the date).
        const boost = await this.#post(activity.boostId);
        const announce = new Announce({
          id: new URL(`${ctx.getActorUri(handle).href}/boosts/${activity.boostId}`),
          actor: ctx.getActorUri(handle),
          object,
          tos: [PUBLIC_COLLECTION],
          ccs: [ctx.getFollowersUri(handle)],
          published: boost ? instant(boost.created_at) : null,
        });
        const recipients = await sender.audience(activity.actorId, { followers: true, extra: [original.actor_id], relays: false });
        if (activity.type === 'boost') return sender.deliver(handle, recipients, announce);
        return sender.deliver(
          handle,
          recipients,
          new Undo({ id: new URL(`${announce.id!.href}#undo`), actor: ctx.getActorUri(handle), object: announce }),
        );
      }
      case 'like':
      case 'unlike': {
        const handle = await this.#handleOf(activity.actorId);
        const post = await this.#post(activity.postId);
        const author = post && !post.local ? await this.#remote(post.actor_id) : undefined;
        if (!handle || !post?.uri || !author) return;
        const like = new Like({
          id: new URL(`${ctx.getActorUri(handle).href}/likes/${activity.postId}`),
          actor: ctx.getActorUri(handle),
          object: new URL(post.uri),
        });
        if (activity.type === 'like') return sender.deliver(handle, recipientsOf(author), like);
        return sender.deliver(
          handle,
          recipientsOf(author),
          new Undo({ id: new URL(`${like.id!.href}#undo`), actor: ctx.getActorUri(handle), object: like }),
        );
      }
      case 'follow': {
        const handle = await this.#handleOf(activity.followerId);
        const followee = await this.#remote(activity.followeeId);
        if (!handle || !followee?.uri) return;
        const uri = `${ctx.getActorUri(handle).href}/follows/${followee.id}`;
        await this.#deps.social.remoteFollows.setUri(activity.followerId, followee.id, uri);
        const follow = new Follow({ id: new URL(uri), actor: ctx.getActorUri(handle), object: new URL(followee.uri) });
        return sender.deliver(handle, recipientsOf(followee), follow);
      }
      case 'unfollow':
      case 'accept':
      case 'reject': {
        const [localHandle, follower, followee] = await Promise.all([
          this.#handleOf(activity.type === 'unfollow' ? activity.followerId : activity.followeeId),
          this.#remote(activity.followerId),
          this.#remote(activity.followeeId),
        ]);
        if (activity.type === 'unfollow' && localHandle && followee?.uri) {
          const follow = new Follow({
            id: new URL(activity.followUri ?? `${ctx.getActorUri(localHandle).href}/follows/${followee.id}`),
            actor: ctx.getActorUri(localHandle),
            object: new URL(followee.uri),
          });
          const undo = new Undo({ id: new URL(`${follow.id!.href}#undo`), actor: ctx.getActorUri(localHandle), object: follow });
          return sender.deliver(localHandle, recipientsOf(followee), undo);
        }
        // A member removed a remote follower (or answered their request).
        const handle = activity.type === 'unfollow' ? await this.#handleOf(activity.followeeId) : localHandle;
        if (!handle || !follower) return;
        return sender.answerFollow(handle, follower, activity.followUri, activity.type === 'accept');
      }
      case 'profile': {
        const handle = await this.#handleOf(activity.actorId);
        const person = handle ? await this.#deps.actor(ctx, handle) : null;
        // A profile kept to members of this server is not published, so there is nothing to update.
        if (!handle || !person?.id) return;
        const update = new Update({
          id: new URL(`${person.id.href}#updates/${Date.now()}`),
          actor: person.id,
          tos: [PUBLIC_COLLECTION],
          ccs: [ctx.getFollowersUri(handle)],
          object: person,
        });
        return sender.deliver(handle, await sender.audience(activity.actorId, { followers: true, extra: [], relays: false }), update);
      }
      case 'chat': {
        const series = await this.#deps.chatGroups.byId(activity.seriesId);
        const post = await this.#post(activity.postId);
        if (!series || !post || post.visibility !== 'public') return;
        const rows = await this.#db
          .selectFrom('chat_followers')
          .innerJoin('actors', 'actors.id', 'chat_followers.actor_id')
          .select(['actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url'])
          .where('chat_followers.series_id', '=', series.id)
          .execute();
        const identifier = chatIdentifier(series.slug);
        const group = ctx.getActorUri(identifier);
        const announce = new Announce({
          id: new URL(`${group.href}/shares/${post.id}`),
          actor: group,
          object: post.local ? noteUri(ctx, (await this.#authorHandle(post))!, post.id) : new URL(post.uri!),
          tos: [PUBLIC_COLLECTION],
          ccs: [ctx.getFollowersUri(identifier)],
          // The post joins the chat as it is made (a question when it is asked), so its date is the share's.
          published: instant(post.created_at),
        });
        return sender.deliver(identifier, recipientsOf(...rows), announce);
      }
    }
  }
}
