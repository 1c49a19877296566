import type { Context, Federation } from '@fedify/fedify';
import {
  Accept,
  type Activity,
  Announce,
  Block,
  Create,
  Delete,
  EmojiReact,
  Flag,
  Follow,
  isActor,
  Like,
  Reject,
  Undo,
  Update,
} from '@fedify/vocab';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { htmlToText } from '../platform/sanitize.ts';
import type { SocialService } from '../social/index.ts';
import type { ActorRow, RemoteActorsService } from './actors.ts';
import type { ChatGroups } from './chat-groups.ts';
import { fetchOptions, type IncomingPostsService, isPostObject } from './incoming-posts.ts';
import type { InstancesService } from './instances.ts';
import { SITE_ACTOR } from './local-actors.ts';
import type { RelaysService } from './relays.ts';
import type { ReportsService } from './reports.ts';
import type { SenderService } from './sender.ts';

export interface InboxDeps {
  database: Database;
  logger: Logger;
  social: Pick<SocialService, 'remotePosts' | 'remoteFollows' | 'postRows'>;
  actors: RemoteActorsService;
  instances: InstancesService;
  posts: IncomingPostsService;
  sender: SenderService;
  relays: RelaysService;
  reports: ReportsService;
  chatGroups: ChatGroups;
  /** Whether a subscribed relay delivered this activity (a Mastodon-style relay forwards activities as they came; see relayed.ts). */
  relayed(activityId: string): Promise<boolean>;
}

/** Remote actor documents younger than this are used from the database instead of fetched again. */
const ACTOR_FRESH_MS = 24 * 3600_000;

/**
 * What other servers send us. Fedify has verified the HTTP signature (or object proof) and that
 * the key belongs to the activity's actor; here we check the rest: the domain is not blocked,
 * an actor only creates, edits and deletes its own objects, and a post is something a member
 * asked for (incoming-posts.ts).
 */
export function registerInbox(federation: Federation<void>, deps: InboxDeps): void {
  const { database, social, actors, posts } = deps;
  const db = database.db;
  const log = deps.logger.child({ component: 'federation.inbox' });
  const localTarget = (ctx: Context<void>, uri: URL | null) => posts.localTarget(ctx, uri);
  const memberActorId = (handle: string) => posts.memberActorId(handle);
  const postIdOf = (ctx: Context<void>, uri: URL | null) => posts.postIdOf(ctx, uri);

  /** The activity's actor, stored; null (and a log line) when it must be ignored. */
  const senderOf = async (ctx: Context<void>, activity: Activity): Promise<ActorRow | null> => {
    const id = activity.actorId;
    if (!id) return null;
    if ((await deps.instances.moderation(id.host)) === 'block') {
      log.info({ actor: id.href, type: activity.constructor.name }, 'ignored an activity from a blocked domain');
      return null;
    }
    await deps.instances.seen(id.host, true);
    const known = await actors.byUri(id.href);
    if (known && Date.now() - known.updated_at < ACTOR_FRESH_MS) return known;
    const actor = await activity.getActor({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true });
    if (!actor || !isActor(actor) || actor.id?.href !== id.href) {
      if (known) return known;
      log.warn({ actor: id.href }, 'could not read the actor of an activity');
      return null;
    }
    return actors.save(actor);
  };

  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .setSharedKeyDispatcher(() => ({ identifier: SITE_ACTOR }))
    .on(Follow, async (ctx, follow) => {
      const sender = await senderOf(ctx, follow);
      const target = localTarget(ctx, follow.objectId);
      if (!sender || !target || !follow.id) return;
      if (target === SITE_ACTOR) {
        // A LitePub relay we subscribe to follows the server back (FEP-ae0c): accept; nobody else follows the server.
        if (await deps.relays.isSubscribed(sender)) await deps.sender.answerFollow(SITE_ACTOR, sender, follow.id.href, true);
        return;
      }
      if (target.startsWith('chat.')) {
        const series = await deps.chatGroups.bySlug(target.slice(5));
        if (!series) return;
        await db
          .insertInto('chat_followers')
          .values({ series_id: series.id, actor_id: sender.id, uri: follow.id.href, created_at: Date.now() })
          .onConflict((oc) => oc.columns(['series_id', 'actor_id']).doUpdateSet({ uri: follow.id!.href }))
          .execute();
        await deps.sender.answerFollow(target, sender, follow.id.href, true);
        return;
      }
      const followeeId = await memberActorId(target);
      if (!followeeId) return;
      try {
        const { state } = await social.remoteFollows.receiveFollow(sender.id, followeeId, follow.id.href);
        if (state === 'accepted') await deps.sender.answerFollow(target, sender, follow.id.href, true);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        await deps.sender.answerFollow(target, sender, follow.id.href, false);
      }
    })
    .on(Accept, async (ctx, accept) => {
      const sender = await senderOf(ctx, accept);
      if (!sender) return;
      const objectId = accept.objectId?.href;
      if (objectId && (await deps.relays.accepted(objectId, sender.uri))) {
        log.info({ relay: sender.uri }, 'relay accepted our subscription');
        return;
      }
      const follow = objectId ? await social.remoteFollows.byUri(objectId) : undefined;
      // Some servers send Accept without the Follow's id: the pending follow of the sender is meant.
      const pending = follow ?? (await social.remoteFollows.of(sender.id, { state: 'pending', localFollowers: true }))[0];
      if (pending && pending.followeeId === sender.id) await social.remoteFollows.receiveAccept(pending.followerId, sender.id);
    })
    .on(Reject, async (ctx, reject) => {
      const sender = await senderOf(ctx, reject);
      if (!sender) return;
      const objectId = reject.objectId?.href;
      if (objectId) await deps.relays.rejected(objectId);
      const follows = await social.remoteFollows.of(sender.id, { localFollowers: true });
      for (const f of follows) await social.remoteFollows.receiveEnd(f.followerId, sender.id);
    })
    .on(Undo, async (ctx, undo) => {
      const sender = await senderOf(ctx, undo);
      if (!sender) return;
      const object = await undo.getObject(fetchOptions(ctx));
      const objectUri = undo.objectId?.href;
      if (object instanceof Follow || (!object && objectUri && (await social.remoteFollows.byUri(objectUri)))) {
        if (object && object.actorId?.href !== sender.uri) return;
        const target = object ? localTarget(ctx, object.objectId) : null;
        if (target?.startsWith('chat.')) {
          const series = await deps.chatGroups.bySlug(target.slice(5));
          if (series) await db.deleteFrom('chat_followers').where('series_id', '=', series.id).where('actor_id', '=', sender.id).execute();
          return;
        }
        const followeeId = target ? await memberActorId(target) : (await social.remoteFollows.byUri(objectUri!))?.followeeId;
        if (followeeId) await social.remoteFollows.receiveEnd(sender.id, followeeId);
      } else if (object instanceof Like || object instanceof EmojiReact) {
        if (object.actorId?.href !== sender.uri) return;
        const postId = await postIdOf(ctx, object.objectId);
        await social.remotePosts.receiveUnlike(sender.id, object.id ? { uri: object.id.href } : { postId: postId ?? 0 });
        if (postId) await social.remotePosts.receiveUnlike(sender.id, { postId });
      } else if (object instanceof Announce) {
        if (object.actorId?.href !== sender.uri) return;
        const removed = object.id ? await social.remotePosts.receiveUnboost(sender.id, { uri: object.id.href }) : false;
        if (!removed) await social.remotePosts.receiveUnboost(sender.id, { postId: (await postIdOf(ctx, object.objectId)) ?? 0 });
      } else if (objectUri) {
        // Only the id came (and it cannot be fetched any more): try what it may have been.
        if (!(await social.remotePosts.receiveUnboost(sender.id, { uri: objectUri })))
          await social.remotePosts.receiveUnlike(sender.id, { uri: objectUri });
      }
    })
    .on(Create, async (ctx, create) => {
      const sender = await senderOf(ctx, create);
      if (!sender) return;
      const object = await create.getObject(fetchOptions(ctx));
      if (!isPostObject(object)) {
        log.debug({ actor: sender.uri, type: object?.constructor.name }, 'ignored a Create of an unsupported object');
        return;
      }
      await posts.receive(ctx, sender, object, { relayed: Boolean(create.id && (await deps.relayed(create.id.href))) });
    })
    .on(Update, async (ctx, update) => {
      const sender = await senderOf(ctx, update);
      if (!sender) return;
      const object = await update.getObject(fetchOptions(ctx));
      if (isActor(object)) {
        if (object.id?.href === sender.uri) await actors.save(object);
        return;
      }
      if (!isPostObject(object) || !object.id) return;
      if (object.id.origin !== new URL(sender.uri!).origin) {
        log.warn({ actor: sender.uri, object: object.id.href }, 'refused an Update of another server’s object');
        return;
      }
      const { html, text, contentWarning, hashtags } = posts.readBody(object, (await posts.readTags(ctx, object)).hashtags);
      const edited = await social.remotePosts.receiveEdit(sender.id, object.id.href, { html, text, contentWarning, hashtags }, Date.now());
      if (!edited) await posts.receive(ctx, sender, object, { relayed: Boolean(update.id && (await deps.relayed(update.id.href))) });
    })
    .on(Delete, async (ctx, del) => {
      const sender = await senderOf(ctx, del);
      const objectId = del.objectId;
      if (!sender || !objectId) return;
      if (objectId.origin !== new URL(sender.uri!).origin) {
        log.warn({ actor: sender.uri, object: objectId.href }, 'refused a Delete of another server’s object');
        return;
      }
      if (objectId.href === sender.uri) {
        // The account is gone: its follows go; its posts stay until their own Deletes arrive.
        await social.remoteFollows.forgetAll([sender.id]);
        await db.deleteFrom('chat_followers').where('actor_id', '=', sender.id).execute();
        return;
      }
      await social.remotePosts.receiveDelete(sender.id, objectId.href);
    })
    .on(Announce, async (ctx, announce) => {
      const sender = await senderOf(ctx, announce);
      if (!sender || !announce.id) return;
      const relayed = await deps.relays.isRelay(sender);
      let postId = await postIdOf(ctx, announce.objectId);
      if (postId === null) {
        const found = await posts.readRemotePost(ctx, await announce.getObject({ ...fetchOptions(ctx), crossOrigin: 'trust' }));
        if (!found) return;
        postId = await posts.receive(ctx, found.author, found.post, { relayed: relayed || (await posts.followedLocally(sender.id)) });
      }
      if (postId !== null && !relayed) await social.remotePosts.receiveBoost(sender.id, postId, announce.id.href, Date.now());
    })
    .on(Like, async (ctx, like) => {
      const sender = await senderOf(ctx, like);
      const postId = await postIdOf(ctx, like.objectId);
      if (sender && postId) await social.remotePosts.receiveLike(sender.id, postId, like.id?.href ?? null);
    })
    .on(EmojiReact, async (ctx, react) => {
      const sender = await senderOf(ctx, react);
      const postId = await postIdOf(ctx, react.objectId);
      if (sender && postId) await social.remotePosts.receiveLike(sender.id, postId, react.id?.href ?? null);
    })
    .on(Flag, async (ctx, flag) => {
      const sender = await senderOf(ctx, flag);
      if (!sender) return;
      let targetId: number | null = null;
      const postIds: number[] = [];
      for (const uri of flag.objectIds) {
        const identifier = localTarget(ctx, uri);
        if (identifier) targetId = (await memberActorId(identifier)) ?? targetId;
        else {
          const postId = await postIdOf(ctx, uri);
          if (postId) postIds.push(postId);
        }
      }
      if (postIds.length && !targetId) targetId = (await social.postRows.find({ ids: [postIds[0]!] }))[0]?.actor_id ?? null;
      if (!targetId) return;
      await deps.reports.receive({
        reporterId: sender.id,
        targetId,
        postIds,
        comment: htmlToText(String(flag.content ?? '')),
        uri: flag.id?.href ?? null,
      });
      log.info({ from: sender.domain }, 'received a report from another server');
    })
    .on(Block, async (ctx, block) => {
      const sender = await senderOf(ctx, block);
      const target = localTarget(ctx, block.objectId);
      const targetId = target ? await memberActorId(target) : null;
      if (!sender || !targetId) return;
      await social.remoteFollows.receiveEnd(sender.id, targetId);
      await social.remoteFollows.receiveEnd(targetId, sender.id);
    })
    .onError((_ctx, error) => {
      log.warn({ error: error.message }, 'an incoming activity failed');
    });
}
