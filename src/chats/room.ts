import type { Database } from '../db/database.ts';
import type { Visibility } from '../db/schema.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { PostRow, SocialService } from '../social/index.ts';
import { loadActors } from '../social/index.ts';
import { answerPrefix, questionLabel } from './answers.ts';
import type { Transcript, TranscriptPost } from './exports.ts';
import type { ChatRecords, ChatView, QuestionView, SeriesView } from './records.ts';

export interface RoomPost extends TranscriptPost {
  questionId: number | null;
  hidden: boolean;
  visibility: Visibility;
  authorActorId: number;
  contentWarning: string | null;
  avatarUrl: string | null;
  media: Array<{ url: string; alt: string; width: number | null; height: number | null }>;
}

export interface Room {
  series: SeriesView;
  chat: ChatView;
  questions: Array<QuestionView & { answers: RoomPost[] }>;
  /** The question now in play: the last one released. */
  current: QuestionView | null;
  otherPosts: RoomPost[];
  participants: number;
  /** What the composer starts with: the hashtag, and "A<n>" for the current question. */
  prefill: string;
}

export interface ChatHistoryEntry {
  series: { slug: string; title: string; hashtag: string };
  chat: { date: string; topic: string; startsAt: number; url: string };
  posts: number;
  answers: Array<{ label: string; text: string; postUrl: string }>;
}

export interface RoomDeps {
  database: Database;
  config: Config;
  social: SocialService;
  records: ChatRecords;
}

/** What a chat is made of: the live room, its permanent transcript, and the chats a person took part in. */
export class RoomService {
  readonly #deps: RoomDeps;

  constructor(deps: RoomDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  get #baseUrl() {
    return this.#deps.config.baseUrl;
  }

  /** What the live room (and, once the chat ended, the transcript page) shows this viewer. */
  async room(viewer: Viewer | null, slug: string, date: string): Promise<Room> {
    const { series, chat, questions } = await this.#deps.records.chat(viewer, slug, date);
    const moderator = series.role !== null;
    const quiet = await this.silenced(viewer);
    const posts = (await this.posts(chat.id, { includeHidden: moderator })).filter(
      (p) => (viewer || p.visibility === 'public') && !quiet.has(p.authorActorId),
    );
    const byQuestion = new Map<number, RoomPost[]>();
    const otherPosts: RoomPost[] = [];
    for (const post of posts) {
      if (post.questionId !== null && questions.some((q) => q.id === post.questionId))
        byQuestion.set(post.questionId, [...(byQuestion.get(post.questionId) ?? []), post]);
      else otherPosts.push(post);
    }
    const released = questions.filter((q) => q.releasedAt !== null);
    const current = released.at(-1) ?? null;
    return {
      series,
      chat,
      questions: questions.map((q) => ({ ...q, answers: byQuestion.get(q.id) ?? [] })),
      current,
      otherPosts,
      participants: new Set(posts.map((p) => p.authorActorId)).size,
      prefill: `${current ? answerPrefix(series.kind, current.number) : ''}\n\n#${series.hashtag}`.trimStart(),
    };
  }

  /** The actors a reader does not want to see (muted, blocked) or who blocked them. */
  silenced(viewer: Viewer | null): Promise<Set<number>> {
    return viewer ? this.#deps.social.graph.silencedFor(viewer.actorId) : Promise.resolve(new Set());
  }

  /**
   * A chat's posts in time order, in a fixed number of queries whatever the number of posts
   * (its links, then posts, authors and images in batches). Deleted posts are left out, hidden
   * ones unless asked for.
   */
  async posts(chatId: number, options: { includeHidden: boolean; postId?: number }): Promise<RoomPost[]> {
    let query = this.#db
      .selectFrom('chat_posts')
      .select(['post_id', 'question_id', 'first_time', 'highlighted', 'hidden'])
      .where('chat_id', '=', chatId);
    if (!options.includeHidden) query = query.where('hidden', '=', 0);
    if (options.postId !== undefined) query = query.where('post_id', '=', options.postId);
    const links = await query.orderBy('post_id').execute();
    const posts = new Map<number, PostRow>();
    for (let i = 0; i < links.length; i += 500) {
      const ids = links.slice(i, i + 500).map((l) => l.post_id);
      for (const post of await this.#deps.social.postRows.find({ ids, live: true })) posts.set(post.id, post);
    }
    const [authors, media] = await Promise.all([
      loadActors(
        this.#db,
        [...posts.values()].map((p) => p.actor_id),
        this.#baseUrl,
      ),
      this.#deps.social.media.ofPosts([...posts.values()].filter((p) => p.has_media === 1).map((p) => p.id)),
    ]);
    return links.flatMap((link) => {
      const post = posts.get(link.post_id);
      const author = post ? authors.get(post.actor_id) : undefined;
      if (!post || !author) return [];
      const path = author.local ? `/@${author.handle}/${post.id}` : `/posts/${post.id}`;
      return [
        {
          id: post.id,
          url: `${this.#baseUrl}${path}`,
          author: { handle: author.acct, displayName: author.displayName, url: author.url },
          authorActorId: post.actor_id,
          avatarUrl: author.avatarUrl,
          text: post.text,
          html: post.html,
          createdAt: post.created_at,
          highlighted: link.highlighted === 1,
          firstTime: link.first_time === 1,
          questionId: link.question_id,
          hidden: link.hidden === 1,
          visibility: post.visibility,
          contentWarning: post.content_warning,
          media: (media.get(post.id) ?? []).map((m) => ({ url: m.url, alt: m.alt, width: m.width, height: m.height })),
        },
      ];
    });
  }

  /** Whether a post is in a chat's room (hidden or not). */
  async has(chatId: number, postId: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom('chat_posts')
      .select('post_id')
      .where('chat_id', '=', chatId)
      .where('post_id', '=', postId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The number of the question a post of the chat asks (null: it asks none). */
  async askedBy(chatId: number, postId: number): Promise<number | null> {
    const row = await this.#db
      .selectFrom('chat_questions')
      .select('number')
      .where('chat_id', '=', chatId)
      .where('post_id', '=', postId)
      .executeTakeFirst();
    return row?.number ?? null;
  }

  /** A question's number by its id (0 when it is gone). */
  async questionNumber(questionId: number): Promise<number> {
    const row = await this.#db.selectFrom('chat_questions').select('number').where('id', '=', questionId).executeTakeFirst();
    return row?.number ?? 0;
  }

  /** The permanent record of an ended chat: public posts, hidden ones left out. */
  async transcript(viewer: Viewer | null, slug: string, date: string): Promise<Transcript> {
    const { series, chat, questions } = await this.#deps.records.chat(viewer, slug, date);
    if (chat.state !== 'ended')
      throw new UserError(
        409,
        'not_ended',
        chat.state === 'live' ? 'The chat is still going: its transcript is ready when it ends.' : 'This chat has not happened yet.',
      );
    const posts = (await this.posts(chat.id, { includeHidden: false })).filter((p) => p.visibility === 'public');
    const linked = new Map<number, TranscriptPost[]>();
    const otherPosts: TranscriptPost[] = [];
    const questionIds = new Set(questions.map((q) => q.id));
    const people = new Map<string, Transcript['participants'][number]>();
    for (const post of posts) {
      const plain: TranscriptPost = {
        id: post.id,
        url: post.url,
        author: post.author,
        text: post.text,
        html: post.html,
        createdAt: post.createdAt,
        highlighted: post.highlighted,
        firstTime: post.firstTime,
      };
      const answers = post.questionId !== null && questionIds.has(post.questionId);
      if (answers) linked.set(post.questionId!, [...(linked.get(post.questionId!) ?? []), plain]);
      else otherPosts.push(plain);
      const person = people.get(post.author.handle) ?? { ...post.author, posts: 0, answers: 0, firstTime: post.firstTime };
      person.posts++;
      if (answers) person.answers++;
      people.set(post.author.handle, person);
    }
    const participants = [...people.values()].sort((a, b) => b.posts - a.posts || a.displayName.localeCompare(b.displayName));
    const answerCount = [...linked.values()].reduce((n, list) => n + list.length, 0);
    return {
      series: { slug: series.slug, title: series.title, hashtag: series.hashtag, kind: series.kind, url: series.url },
      chat: {
        date: chat.date,
        topic: chat.topic,
        startsAt: chat.startsAt,
        endsAt: chat.endsAt,
        startedAt: chat.startedAt,
        endedAt: chat.endedAt,
        url: chat.url,
        timeZone: series.timeZone,
      },
      questions: questions.map((q) => ({
        number: q.number,
        label: q.label,
        text: q.text,
        imageUrl: q.imageUrl ? new URL(q.imageUrl, this.#baseUrl).toString() : null,
        imageAlt: q.imageAlt,
        releasedAt: q.releasedAt,
        postUrl: q.postUrl,
        answers: linked.get(q.id) ?? [],
      })),
      otherPosts,
      participants,
      counts: {
        posts: posts.length,
        answers: answerCount,
        participants: participants.length,
        highlighted: posts.filter((p) => p.highlighted).length,
        firstTimers: participants.filter((p) => p.firstTime).length,
      },
    };
  }

  /** The chats a person took part in, newest first, with what they answered. */
  async history(viewer: Viewer | null, handle: string, limit = 50): Promise<ChatHistoryEntry[]> {
    const actor = await this.#db.selectFrom('actors').select('id').where('acct', '=', handle.toLowerCase()).executeTakeFirst();
    if (!actor) throw UserError.notFound('There is no such person here.');
    const quiet = await this.silenced(viewer);
    if (quiet.has(actor.id)) return [];
    const links = await this.#db
      .selectFrom('chat_posts')
      .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .leftJoin('chat_questions', 'chat_questions.id', 'chat_posts.question_id')
      .select([
        'chats.id as chat_id',
        'chats.date',
        'chats.topic',
        'chats.starts_at',
        'chat_series.slug',
        'chat_series.title',
        'chat_series.hashtag_name',
        'chat_series.kind',
        'chat_questions.number',
        'chat_questions.label',
        'chat_posts.post_id',
      ])
      .where('chat_posts.actor_id', '=', actor.id)
      .where('chat_posts.hidden', '=', 0)
      .orderBy('chats.starts_at', 'desc')
      .orderBy('chat_posts.post_id')
      .execute();
    // Of their posts, those still there that this viewer may read in a transcript.
    const visibility: Visibility[] = viewer ? ['public', 'members'] : ['public'];
    const texts = new Map<number, string>();
    for (let i = 0; i < links.length; i += 500) {
      const ids = links.slice(i, i + 500).map((l) => l.post_id);
      for (const post of await this.#deps.social.postRows.find({ ids, live: true, visibility })) texts.set(post.id, post.text);
    }
    const entries = new Map<number, ChatHistoryEntry>();
    for (const r of links.filter((l) => texts.has(l.post_id)).slice(0, 2000)) {
      let entry = entries.get(r.chat_id);
      if (!entry) {
        if (entries.size >= limit) break;
        entry = {
          series: { slug: r.slug, title: r.title, hashtag: r.hashtag_name },
          chat: { date: r.date, topic: r.topic, startsAt: r.starts_at, url: `${this.#baseUrl}/chats/${r.slug}/${r.date}` },
          posts: 0,
          answers: [],
        };
        entries.set(r.chat_id, entry);
      }
      entry.posts++;
      if (r.number !== null)
        entry.answers.push({
          label: questionLabel(r.kind, r.number, r.label ?? ''),
          text: texts.get(r.post_id)!,
          postUrl: `${this.#baseUrl}/posts/${r.post_id}`,
        });
    }
    return [...entries.values()];
  }
}
