import { type SSEMessage, streamSSE } from 'hono/streaming';
import type { Visibility } from '../../db/schema.ts';
import { UserError } from '../../platform/errors.ts';
import { type LiveEvent, type PublishedEvent, parseEventId } from '../../platform/events.ts';
import type { AppContext } from '../../web/context.ts';
import { reader, topics } from '../context.ts';
import type { PostView } from '../hydrate.ts';
import type { SocialService } from '../service.ts';
import { PostCard } from './post-views.tsx';

/**
 * Server-Sent Events. A connection subscribes to topics; each event is re-checked for this
 * reader (the visibility rule runs again) before anything is sent, so a live stream never
 * shows more than a page reload would. A client that stops reading is dropped once its
 * queue fills, instead of holding memory.
 *
 * Each message sent carries its event's id in the live-event log. A client that reconnects
 * with `Last-Event-ID` is first sent, through the same checks, the events it missed (from the
 * log, whichever process published them), then live ones; one that missed too much gets
 * `reset` (reload what you show) and live events from there.
 */

const HEARTBEAT_MS = 25_000;
export const MAX_QUEUE = 500;

export function liveStream(c: AppContext, subscribeTo: string[], render: (event: LiveEvent) => Promise<SSEMessage | null>) {
  const { events, logger } = c.var.kernel;
  const since = parseEventId(c.req.header('last-event-id'));
  return streamSSE(c, async (stream) => {
    const queue: PublishedEvent[] = [];
    let wake: (() => void) | null = null;
    let open = true;
    /** The newest event handled (sent or not): older ones arriving live were replayed already. */
    let handled = since ?? 0;
    const stop = () => {
      open = false;
      wake?.();
    };
    const send = async (event: PublishedEvent) => {
      handled = event.id;
      const message = await render(event);
      if (message && open) await stream.writeSSE({ ...message, id: String(event.id) });
    };
    // Subscribed before the log is read: an event is then either in the replay, or queued, or both.
    const unsubscribe = events.subscribe(subscribeTo, (event) => {
      if (queue.length >= MAX_QUEUE) {
        logger.info({ topics: subscribeTo.length }, 'dropping a live client that does not keep up');
        stop();
        stream.abort();
        return;
      }
      queue.push(event);
      wake?.();
    });
    stream.onAbort(stop);
    try {
      await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 });
      if (since !== null) {
        const missed = await events.replay(subscribeTo, since);
        if (missed.reset) {
          handled = missed.head;
          await stream.writeSSE({ event: 'reset', data: '{}', id: String(missed.head) });
        } else {
          for (const event of missed.events) {
            if (!open) break;
            await send(event);
          }
        }
      }
      while (open) {
        const event = queue.shift();
        if (!event) {
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = null;
          if (timedOut && open) await stream.write(': keep-alive\n\n');
          continue;
        }
        if (event.id > handled) await send(event);
      }
    } catch (error) {
      logger.debug({ error: (error as Error).message }, 'live stream ended');
    } finally {
      unsubscribe();
    }
  });
}

/** Which timeline a live connection follows, from `?timeline=`. */
export async function timelineTopics(social: SocialService, c: AppContext, timeline: string | undefined): Promise<string[]> {
  const viewer = c.var.viewer;
  if (!timeline) return [];
  if (timeline === 'home') {
    if (!viewer) throw new UserError(401, 'unauthenticated', 'Sign in to follow your home timeline.');
    return [topics.home(viewer.memberId)];
  }
  if (timeline === 'local') return [topics.local];
  const tag = /^tag:([\p{L}\p{N}]{1,100})$/u.exec(timeline)?.[1];
  if (tag) return [topics.tag(tag)];
  const list = /^list:(\d+)$/.exec(timeline)?.[1];
  if (list) {
    await social.lists.get(viewer, Number(list));
    return [topics.list(Number(list))];
  }
  throw UserError.field('timeline', 'Unknown timeline: use home, local, tag:<name> or list:<id>.', 400);
}

/** The post an event announces, as this reader may see it (or null). */
export async function eventPost(social: SocialService, c: AppContext, event: LiveEvent): Promise<PostView | null> {
  const postId = Number(event.data.postId);
  const boostId = event.data.boostId ? Number(event.data.boostId) : null;
  const [post] = await social.posts.hydrate(reader(c.var.viewer), [{ postId, boostId }], { hideMuted: true });
  return post ?? null;
}

/**
 * A deletion, told only to readers who could have seen the post: even a bare id says that a
 * followers-only or direct post existed.
 */
export async function deleteMessage(social: SocialService, c: AppContext, event: LiveEvent): Promise<SSEMessage | null> {
  const { postId, visibility, authorId, mentioned } = event.data as {
    postId: number;
    visibility: Visibility;
    authorId: number;
    mentioned: number[];
  };
  const viewer = c.var.viewer;
  const tell = { event: 'delete', data: JSON.stringify({ id: postId }) };
  if (visibility === 'public') return tell;
  if (!viewer) return null;
  if (visibility === 'members' || viewer.actorId === authorId || mentioned.includes(viewer.actorId)) return tell;
  if (visibility !== 'followers') return null;
  return (await social.graph.isFollowing(viewer.actorId, authorId)) ? tell : null;
}

/** The live stream behind pages: new posts as ready-made HTML, deletions, and the notification count. */
export async function pageLiveStream(social: SocialService, c: AppContext) {
  const viewer = c.var.viewer;
  const timeline = await timelineTopics(social, c, c.req.query('timeline'));
  const subscribed = [...timeline, ...(timeline.length ? [topics.postChanges] : []), ...(viewer ? [topics.member(viewer.memberId)] : [])];
  const back = c.req.query('back') ?? '/stream';
  return liveStream(c, subscribed, async (event) => {
    if (event.kind === 'notification' && viewer) {
      return { event: 'notifications', data: JSON.stringify({ unread: await social.notifications.unreadCount(viewer) }) };
    }
    if (event.kind === 'delete') return deleteMessage(social, c, event);
    if (event.kind !== 'post') return null;
    const post = await eventPost(social, c, event);
    if (!post) return null;
    const html = String(await (<PostCard c={c} post={post} back={back} />).toString());
    return {
      event: 'post',
      data: JSON.stringify({ key: `${post.id}:${post.boostedBy?.boostId ?? ''}`, author: post.author.displayName, html }),
    };
  });
}
