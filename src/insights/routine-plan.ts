import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { FeedsService } from '../feeds/index.ts';
import type { Viewer } from '../platform/viewer.ts';
import { topics, visibleTo } from '../social/index.ts';
import { num as n } from './common.ts';
import type { PlanLink, PlanStep, RoutineDay } from './routine.ts';

/**
 * Today's routine plan (routine.ts): three steps, each with concrete links — things to read
 * (unread feed items through the feeds service, and the most engaged-with posts of the home
 * timeline), one person to answer, one thing to share. Reads social's `timeline_entries`,
 * `posts`, `mentions`, `post_hashtags`, `hashtag_follows`, `hashtags` and the people (`actors`,
 * `actor_passions`, `passions`), never writes them.
 */

/** Things to read in the plan: feed items and posts from the home timeline together. */
export const READ_MAX = 5;
const READ_ITEMS = 3;
/** How far back the plan looks for posts to read and a person to answer. */
const READ_WINDOW_MS = 3 * 86_400_000;
const ANSWER_WINDOW_MS = 7 * 86_400_000;
/** Home-timeline entries the plan looks through (newest first): bounded whatever the network's size. */
const TIMELINE_SCAN = 300;

export class RoutinePlan {
  readonly #database: Database;
  readonly #feeds: FeedsService;

  constructor(deps: { database: Database; feeds: FeedsService }) {
    this.#database = deps.database;
    this.#feeds = deps.feeds;
  }

  /** Today's three steps, each with concrete links, and whether it is done today. */
  async steps(viewer: Viewer, today: RoutineDay & { shares: number }, now: number): Promise<PlanStep[]> {
    const [reading, answer] = await Promise.all([this.#toRead(viewer, now), this.#toAnswer(viewer, now)]);
    const readStep: PlanStep = {
      key: 'read',
      title: 'Read a few top things',
      done: today.reads > 0,
      text:
        reading.length > 0
          ? 'About ten minutes: open two or three of these, newest sources and the posts people engage with most.'
          : 'Nothing new to read yet: follow a few people or subscribe to a blog or journal, and tomorrow’s plan fills itself.',
      links:
        reading.length > 0
          ? reading
          : [
              { kind: 'page', id: null, label: 'Find people to follow', url: '/insights/suggestions' },
              { kind: 'page', id: null, label: 'Subscribe to a source', url: '/sources/manage' },
            ],
    };
    const answerStep: PlanStep = {
      key: 'answer',
      title: 'Answer one person',
      done: today.replies > 0,
      text: answer
        ? answer.reason === 'mention'
          ? 'Someone mentioned you and has no reply from you yet. A sentence is enough.'
          : answer.reason === 'question'
            ? 'Someone you follow asked a question. Answer it, or thank them for something they shared.'
            : 'A recent post about one of your passions or hashtags. Say what you think, or ask a question back.'
        : 'No open questions for you right now: reply to anything in your stream that taught you something.',
      links: answer ? [answer.link] : [{ kind: 'page', id: null, label: 'Open your stream', url: '/stream' }],
    };
    const firstPost = reading.find((l) => l.kind === 'post');
    const firstItem = reading.find((l) => l.kind === 'item');
    const shareStep: PlanStep = {
      key: 'share',
      title: 'Share one thing',
      done: today.shares > 0,
      text: 'Boost a post that helped you, share an article from your sources with a sentence on why, bookmark something publicly, or post a link.',
      links: [
        ...(firstPost
          ? [
              {
                kind: 'page' as const,
                id: null,
                label: `Boost: ${firstPost.label}`,
                url: firstPost.url,
                ...(firstPost.by ? { by: firstPost.by } : {}),
              },
            ]
          : []),
        ...(firstItem && firstItem.id !== null
          ? [{ kind: 'page' as const, id: null, label: `Share: ${firstItem.label}`, url: `/sources/items/${firstItem.id}/share` }]
          : []),
        { kind: 'page', id: null, label: 'Write a post with a link', url: '/compose' },
      ],
    };
    return [readStep, answerStep, shareStep];
  }

  /** Up to three unread feed items (newest first) and the most engaged-with recent posts from the home timeline, five in all. */
  async #toRead(viewer: Viewer, now: number): Promise<PlanLink[]> {
    const [items, posts] = await Promise.all([
      this.#feeds.river(viewer, { scope: { kind: 'all' }, unreadOnly: true, limit: READ_MAX }),
      sql<{
        id: number;
        text: string;
        content_warning: string | null;
        acct: string;
        handle: string;
        domain: string | null;
        display_name: string;
      }>`
        select p.id, p.text, p.content_warning, a.acct, a.handle, a.domain, a.display_name
          from (select post_id from timeline_entries where feed = ${topics.home(viewer.memberId)} and boost_id is null
                 order by sort_id desc limit ${TIMELINE_SCAN}) te
          join posts p on p.id = te.post_id
          join actors a on a.id = p.actor_id
         where p.actor_id <> ${viewer.actorId} and p.created_at >= ${now - READ_WINDOW_MS} and p.reply_to_id is null
           and ${visibleTo({ memberId: viewer.memberId, actorId: viewer.actorId }, 'p', { hideMuted: true })}
         order by p.boost_count + p.like_count + p.reply_count desc, p.id desc
         limit ${READ_MAX}`.execute(this.#database.db),
    ]);
    const itemLinks: PlanLink[] = items.items.map((i) => ({
      kind: 'item',
      id: i.id,
      label: i.title || i.url || 'Untitled item',
      url: `/sources/items/${i.id}`,
      by: i.source.title,
    }));
    const postLinks: PlanLink[] = posts.rows.map((p) => ({
      kind: 'post',
      id: n(p.id),
      label: excerpt(p.content_warning || p.text),
      url: postUrl(p, n(p.id)),
      by: p.display_name,
    }));
    const takeItems = Math.max(READ_ITEMS, READ_MAX - postLinks.length);
    const chosen = itemLinks.slice(0, takeItems);
    return [...chosen, ...postLinks.slice(0, READ_MAX - chosen.length)];
  }

  /**
   * One post to answer: a recent one that mentions the member, else a question from someone
   * they follow (from the home timeline), else a recent post in a hashtag they follow or one of
   * their passions; never one they already replied to.
   */
  async #toAnswer(viewer: Viewer, now: number): Promise<{ reason: 'mention' | 'question' | 'topic'; link: PlanLink } | null> {
    const { db } = this.#database;
    const me = viewer.actorId;
    const since = now - ANSWER_WINDOW_MS;
    const reader = { memberId: viewer.memberId, actorId: me };
    const unanswered = sql`not exists (select 1 from posts r where r.reply_to_id = p.id and r.actor_id = ${me} and r.deleted_at is null)`;
    type Row = {
      id: number;
      text: string;
      content_warning: string | null;
      acct: string;
      handle: string;
      domain: string | null;
      display_name: string;
      mentioned: number;
    };
    const fromTimeline = await sql<Row>`
      select p.id, p.text, p.content_warning, a.acct, a.handle, a.domain, a.display_name,
             case when exists (select 1 from mentions mm where mm.post_id = p.id and mm.actor_id = ${me}) then 1 else 0 end as mentioned
        from (select post_id from timeline_entries where feed = ${topics.home(viewer.memberId)} and boost_id is null
               order by sort_id desc limit ${TIMELINE_SCAN}) te
        join posts p on p.id = te.post_id
        join actors a on a.id = p.actor_id
       where p.actor_id <> ${me} and p.created_at >= ${since}
         and (p.text like ${'%?%'} or exists (select 1 from mentions mm2 where mm2.post_id = p.id and mm2.actor_id = ${me}))
         and ${unanswered}
         and ${visibleTo(reader, 'p', { hideMuted: true })}
       order by mentioned desc, p.id desc
       limit 1`.execute(db);
    const hit = fromTimeline.rows[0];
    if (hit) return { reason: n(hit.mentioned) === 1 ? 'mention' : 'question', link: answerLink(hit) };

    // Passions are hashtags by the same slug; the most recent listed posts of each, bounded.
    const topic = await sql<Omit<Row, 'mentioned'>>`
      select p.id, p.text, p.content_warning, a.acct, a.handle, a.domain, a.display_name
        from posts p join actors a on a.id = p.actor_id
       where p.id in (
               select ph.post_id from post_hashtags ph
                where ph.listed = 1 and ph.created_at >= ${since} and ph.hashtag_id in (
                  select hashtag_id from hashtag_follows where member_id = ${viewer.memberId}
                  union
                  select h.id from actor_passions ap join passions pa on pa.id = ap.passion_id join hashtags h on h.slug = pa.slug
                   where ap.actor_id = ${me}))
         and p.actor_id <> ${me} and p.boost_of_id is null and ${unanswered}
         and ${visibleTo(reader, 'p', { hideMuted: true })}
       order by case when p.text like ${'%?%'} then 1 else 0 end desc, p.id desc
       limit 1`.execute(db);
    const t = topic.rows[0];
    return t ? { reason: 'topic', link: answerLink(t) } : null;
  }
}

/** A post's page: local posts under their author, remote ones by id (as postPath in social/views). */
export function postUrl(author: { handle: string; domain: string | null }, id: number): string {
  return author.domain === null ? `/@${author.handle}/${id}` : `/posts/${id}`;
}

function excerpt(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat || '(a post without text)';
}

function answerLink(row: {
  id: number;
  text: string;
  content_warning: string | null;
  handle: string;
  domain: string | null;
  display_name: string;
}): PlanLink {
  return {
    kind: 'post',
    id: n(row.id),
    label: excerpt(row.content_warning || row.text),
    url: postUrl(row, n(row.id)),
    by: row.display_name,
  };
}
