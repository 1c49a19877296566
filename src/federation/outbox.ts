import type { Context } from '@fedify/fedify';
import {
  Accept,
  type Activity,
  Announce,
  Delete,
  Flag,
  Follow,
  Like,
  PUBLIC_COLLECTION,
  type Recipient,
  Reject,
  Tombstone,
  Undo,
  Update,
} from '@fedify/vocab';
import { sql } from 'kysely';
import type { Database, Queryable } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Logger } from '../platform/logger.ts';
import type { Outbox, SocialActivity } from '../social/index.ts';
import type { ActorRow } from './actors.ts';
import { chatIdentifier, type FederationParts, instant, noteSources, SITE_ACTOR } from './federation.ts';
import { noteOf, noteUri } from './notes.ts';
import { completeWithQueued, FEDERATION_LANE } from './queue.ts';

const OUT = 'federation.out';
/** A profile Update waits this long, so that a photo and a form saved together go out as one. */
const PROFILE_UPDATE_DELAY_MS = 2000;

interface RecipientRow {
  uri: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
}

const toRecipient = (r: RecipientRow): Recipient | null =>
  r.uri && r.inbox_url
    ? {
        id: new URL(r.uri),
        inboxId: new URL(r.inbox_url),
        endpoints: r.shared_inbox_url ? { sharedInbox: new URL(r.shared_inbox_url) } : null,
      }
    : null;
/** The recipients among these actor rows (those with an inbox). */
const recipientsOf = (...rows: Array<RecipientRow | null | undefined>): Recipient[] => rows.flatMap((r) => (r && toRecipient(r)) || []);

/**
 * Sends what local actors do to the servers that need it. Each social activity is queued as a
 * job in the transaction that made it (see social/outbox.ts); the job builds the ActivityPub
 * activity and hands it to Fedify, which signs it and queues one delivery per inbox (shared
 * inboxes preferred), retried with backoff. Activity ids are stable, so a job that runs twice
 * sends the same activity, which receivers ignore the second time.
 */
export class Outgoing {
  readonly #database: Database;
  readonly #jobs: Jobs;
  readonly #logger: Logger;
  readonly #baseUrl: string;
  readonly #context: () => Context<void>;
  readonly #actor: FederationParts['actor'];

  constructor(database: Database, jobs: Jobs, logger: Logger, baseUrl: string, parts: Pick<FederationParts, 'context' | 'actor'>) {
    this.#database = database;
    this.#jobs = jobs;
    this.#logger = logger.child({ component: 'federation.outbox' });
    this.#baseUrl = baseUrl;
    this.#context = () => parts.context();
    this.#actor = parts.actor;
    // What the job queues (Fedify's fan-out or deliveries) commits with the job's removal: see queue.ts.
    jobs.register<SocialActivity>(OUT, (activity, ctx) => completeWithQueued(jobs, ctx, () => this.#send(activity)), {
      lane: FEDERATION_LANE,
      maxAttempts: 8,
      timeoutMs: 120_000,
    });
  }

  get #db() {
    return this.#database.db;
  }

  /** Queues every local activity for delivery, atomically with the change. */
  listen(outbox: Outbox): void {
    outbox.listen(async (tx, activity) => {
      // A profile is sent as it is when the job runs: edits made meanwhile ride on one Update.
      const profile =
        activity.type === 'profile' ? { dedupeKey: `${OUT}:profile:${activity.actorId}`, delayMs: PROFILE_UPDATE_DELAY_MS } : {};
      await this.#jobs.enqueue(OUT, activity, { tx, ...profile });
    });
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

  /** Remote followers of a local actor, plus these remote actors; relays too for public posts. */
  async #audience(authorId: number, options: { followers: boolean; extra: number[]; relays: boolean }): Promise<Recipient[]> {
    const db = this.#db;
    let query = db
      .selectFrom('actors')
      .select(['uri', 'inbox_url', 'shared_inbox_url'])
      .where('domain', 'is not', null)
      .where('id', 'in', [...options.extra, 0]);
    if (options.followers) {
      query = query.union(
        db
          .selectFrom('follows')
          .innerJoin('actors', 'actors.id', 'follows.follower_id')
          .select(['actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url'])
          .where('follows.followee_id', '=', authorId)
          .where('follows.state', '=', 'accepted')
          .where('actors.domain', 'is not', null),
      );
    }
    const rows = await query.execute();
    const blocked = new Set(
      (await db.selectFrom('instances').select('domain').where('moderation', '=', 'block').execute()).map((r) => r.domain),
    );
    const found = recipientsOf(...rows).filter((r) => !blocked.has(r.id!.host));
    if (options.relays) {
      const relays = await db.selectFrom('relays').select(['inbox_url', 'actor_uri']).where('state', '=', 'accepted').execute();
      for (const relay of relays)
        found.push({ id: new URL(relay.actor_uri ?? relay.inbox_url), inboxId: new URL(relay.inbox_url), endpoints: null });
    }
    return found;
  }

  async #deliver(identifier: string, recipients: Recipient[], activity: Activity): Promise<void> {
    if (recipients.length === 0) return;
    await this.#context().sendActivity({ identifier }, recipients, activity, {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(this.#baseUrl)],
    });
  }

  async #send(activity: SocialActivity): Promise<void> {
    const ctx = this.#context();
    const db = this.#db;
    switch (activity.type) {
      case 'post':
      case 'edit': {
        const row = await db
          .selectFrom('posts')
          .innerJoin('actors', 'actors.id', 'posts.actor_id')
          .selectAll('posts')
          .select('actors.handle')
          .where('posts.id', '=', activity.postId)
          .where('actors.domain', 'is', null)
          .executeTakeFirst();
        if (!row || row.deleted_at || row.visibility === 'members' || !(await this.#handleOf(row.actor_id))) return;
        const [source] = await noteSources(this.#database, this.#baseUrl, [row]);
        const { note, create } = noteOf(ctx, source!);
        const parent = row.reply_to_actor_id ? [row.reply_to_actor_id] : [];
        const mentioned = (
          await db.selectFrom('mentions').select('actor_id').where('post_id', '=', row.id).where('actor_id', 'is not', null).execute()
        ).map((m) => m.actor_id!);
        const recipients = await this.#audience(row.actor_id, {
          followers: row.visibility !== 'direct',
          extra: [...parent, ...mentioned],
          relays: row.visibility === 'public' && !row.reply_to_id,
        });
        if (activity.type === 'post') return this.#deliver(row.handle, recipients, create);
        const update = new Update({
          id: new URL(`${note.id!.href}#update-${row.edited_at ?? Date.now()}`),
          actor: ctx.getActorUri(row.handle),
          tos: note.toIds,
          ccs: note.ccIds,
          object: note,
          published: instant(row.edited_at ?? Date.now()),
        });
        return this.#deliver(row.handle, recipients, update);
      }
      case 'delete': {
        const handle = await this.#handleOf(activity.actorId);
        if (!handle || activity.visibility === 'members') return;
        const recipients = await this.#audience(activity.actorId, {
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
        return this.#deliver(handle, recipients, del);
      }
      case 'boost':
      case 'unboost': {
        const handle = await this.#handleOf(activity.actorId);
        const original = await db
          .selectFrom('posts')
          .innerJoin('actors', 'actors.id', 'posts.actor_id')
          .select(['posts.id', 'posts.uri', 'posts.local', 'posts.actor_id', 'posts.visibility', 'actors.handle'])
          .where('posts.id', '=', activity.postId)
          .executeTakeFirst();
        if (!handle || !original || original.visibility !== 'public') return;
        const object = original.local ? noteUri(ctx, original.handle, original.id) : new URL(original.uri!);
        // When the boost was made (an undone boost's row is gone: its Announce goes without the date).
        const boost = await db.selectFrom('posts').select('created_at').where('id', '=', activity.boostId).executeTakeFirst();
        const announce = new Announce({
          id: new URL(`${ctx.getActorUri(handle).href}/boosts/${activity.boostId}`),
          actor: ctx.getActorUri(handle),
          object,
          tos: [PUBLIC_COLLECTION],
          ccs: [ctx.getFollowersUri(handle)],
          published: boost ? instant(boost.created_at) : null,
        });
        const recipients = await this.#audience(activity.actorId, { followers: true, extra: [original.actor_id], relays: false });
        if (activity.type === 'boost') return this.#deliver(handle, recipients, announce);
        return this.#deliver(
          handle,
          recipients,
          new Undo({ id: new URL(`${announce.id!.href}#undo`), actor: ctx.getActorUri(handle), object: announce }),
        );
      }
      case 'like':
      case 'unlike': {
        const handle = await this.#handleOf(activity.actorId);
        const post = await db.selectFrom('posts').select(['uri', 'actor_id', 'local']).where('id', '=', activity.postId).executeTakeFirst();
        const author = post && !post.local ? await this.#remote(post.actor_id) : undefined;
        if (!handle || !post?.uri || !author) return;
        const like = new Like({
          id: new URL(`${ctx.getActorUri(handle).href}/likes/${activity.postId}`),
          actor: ctx.getActorUri(handle),
          object: new URL(post.uri),
        });
        if (activity.type === 'like') return this.#deliver(handle, recipientsOf(author), like);
        return this.#deliver(
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
        await db
          .updateTable('follows')
          .set({ uri })
          .where('follower_id', '=', activity.followerId)
          .where('followee_id', '=', followee.id)
          .execute();
        const follow = new Follow({ id: new URL(uri), actor: ctx.getActorUri(handle), object: new URL(followee.uri) });
        return this.#deliver(handle, recipientsOf(followee), follow);
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
          return this.#deliver(localHandle, recipientsOf(followee), undo);
        }
        // A member removed a remote follower (or answered their request).
        const handle = activity.type === 'unfollow' ? await this.#handleOf(activity.followeeId) : localHandle;
        if (!handle || !follower) return;
        return this.answerFollow(handle, follower, activity.followUri, activity.type === 'accept');
      }
      case 'profile': {
        const handle = await this.#handleOf(activity.actorId);
        const person = handle ? await this.#actor(ctx, handle) : null;
        // A profile kept to members of this server is not published, so there is nothing to update.
        if (!handle || !person?.id) return;
        const update = new Update({
          id: new URL(`${person.id.href}#updates/${Date.now()}`),
          actor: person.id,
          tos: [PUBLIC_COLLECTION],
          ccs: [ctx.getFollowersUri(handle)],
          object: person,
        });
        return this.#deliver(handle, await this.#audience(activity.actorId, { followers: true, extra: [], relays: false }), update);
      }
      case 'chat': {
        const series = await db.selectFrom('chat_series').select(['id', 'slug']).where('id', '=', activity.seriesId).executeTakeFirst();
        const post = await db
          .selectFrom('posts')
          .innerJoin('actors', 'actors.id', 'posts.actor_id')
          .select(['posts.id', 'posts.uri', 'posts.local', 'posts.visibility', 'posts.created_at', 'actors.handle'])
          .where('posts.id', '=', activity.postId)
          .executeTakeFirst();
        if (!series || !post || post.visibility !== 'public') return;
        const rows = await db
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
          object: post.local ? noteUri(ctx, post.handle, post.id) : new URL(post.uri!),
          tos: [PUBLIC_COLLECTION],
          ccs: [ctx.getFollowersUri(identifier)],
          // The post joins the chat as it is made (a question when it is asked), so its date is the share's.
          published: instant(post.created_at),
        });
        return this.#deliver(identifier, recipientsOf(...rows), announce);
      }
    }
  }

  /** Accepts or rejects a remote actor's follow of a local actor (member or chat group). */
  async answerFollow(identifier: string, follower: ActorRow, followUri: string | null, accept: boolean): Promise<void> {
    const ctx = this.#context();
    const me = ctx.getActorUri(identifier);
    const follow = new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(follower.uri!), object: me });
    const Answer = accept ? Accept : Reject;
    const answer = new Answer({
      id: new URL(`${me.href}#${accept ? 'accepts' : 'rejects'}/${encodeURIComponent(followUri ?? follower.uri!)}`),
      actor: me,
      object: follow,
    });
    await this.#deliver(identifier, recipientsOf(follower), answer);
  }

  /** Subscribes the server to a relay (Mastodon style: Follow of Public; LitePub: Follow of the relay actor). */
  async followRelay(inboxUrl: string, style: 'mastodon' | 'litepub', followUri: string, actorUri: string | null): Promise<void> {
    const ctx = this.#context();
    const site = ctx.getActorUri(SITE_ACTOR);
    const object = style === 'mastodon' ? PUBLIC_COLLECTION : new URL(actorUri ?? inboxUrl.replace(/\/inbox$/, '/actor'));
    const follow = new Follow({ id: new URL(followUri), actor: site, object });
    await this.#deliver(SITE_ACTOR, [{ id: new URL(actorUri ?? inboxUrl), inboxId: new URL(inboxUrl), endpoints: null }], follow);
  }

  async unfollowRelay(inboxUrl: string, style: 'mastodon' | 'litepub', followUri: string, actorUri: string | null): Promise<void> {
    const ctx = this.#context();
    const site = ctx.getActorUri(SITE_ACTOR);
    const object = style === 'mastodon' ? PUBLIC_COLLECTION : new URL(actorUri ?? inboxUrl.replace(/\/inbox$/, '/actor'));
    const undo = new Undo({
      id: new URL(`${followUri}#undo`),
      actor: site,
      object: new Follow({ id: new URL(followUri), actor: site, object }),
    });
    await this.#deliver(SITE_ACTOR, [{ id: new URL(actorUri ?? inboxUrl), inboxId: new URL(inboxUrl), endpoints: null }], undo);
  }

  /** Forwards a report to the reported account's server, from the site actor (reporters stay anonymous). */
  async forwardReport(reportId: number): Promise<void> {
    const ctx = this.#context();
    const row = await this.#db
      .selectFrom('reports')
      .innerJoin('actors', 'actors.id', 'reports.target_id')
      .select(['reports.id', 'reports.comment', 'actors.uri', 'actors.inbox_url', 'actors.shared_inbox_url'])
      .where('reports.id', '=', reportId)
      .executeTakeFirst();
    const [recipient] = recipientsOf(row);
    if (!row || !recipient) return;
    // Every post the report concerns that came from their server (Mastodon lists them the same way).
    const posts = await this.#db
      .selectFrom('report_posts')
      .innerJoin('posts', 'posts.id', 'report_posts.post_id')
      .select('posts.uri')
      .where('report_posts.report_id', '=', row.id)
      .where('posts.uri', 'is not', null)
      .orderBy('posts.id')
      .execute();
    const site = ctx.getActorUri(SITE_ACTOR);
    const flag = new Flag({
      id: new URL(`${site.href}/reports/${row.id}`),
      actor: site,
      objects: [new URL(row.uri!), ...posts.map((p) => new URL(p.uri!))],
      content: row.comment,
    });
    await this.#deliver(SITE_ACTOR, [recipient], flag);
    await this.#db.updateTable('reports').set({ forwarded_at: Date.now() }).where('id', '=', row.id).execute();
  }

  /** Records the outcome of a delivery for the admin's instance list. */
  async recordDelivery(domain: string, ok: boolean, error?: string, db: Queryable = this.#db): Promise<void> {
    const now = Date.now();
    await db
      .insertInto('instances')
      .values({
        domain,
        created_at: now,
        delivered_count: ok ? 1 : 0,
        failed_count: ok ? 0 : 1,
        last_delivered_at: ok ? now : null,
        last_failed_at: ok ? null : now,
        last_error: error?.slice(0, 500) ?? null,
      })
      .onConflict((oc) =>
        oc
          .column('domain')
          .doUpdateSet(
            ok
              ? { delivered_count: sql`instances.delivered_count + 1`, last_delivered_at: now }
              : { failed_count: sql`instances.failed_count + 1`, last_failed_at: now, last_error: error?.slice(0, 500) ?? null },
          ),
      )
      .execute();
    if (!ok) this.#logger.warn({ domain, error }, 'delivery failed');
  }
}
