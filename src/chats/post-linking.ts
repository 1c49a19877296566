import type { Tx } from '../db/database.ts';
import type { ChatKind } from '../db/schema.ts';
import { UserError } from '../platform/errors.ts';
import type { NewPost, SocialService } from '../social/index.ts';
import { isListed } from '../social/index.ts';
import { answerNumber } from './answers.ts';
import { chatTopic } from './records.ts';

/**
 * While a chat is live, every listed post carrying its hashtag — replying to one of its
 * questions, or addressed to its series' group actor — joins it, in the post's own transaction
 * (a social post hook, registered by index.ts), and is linked to the question it answers ("A2: …",
 * or a reply to Q2). Posts stay ordinary posts: they are in hashtag and home timelines like any
 * other. A question's own post (see QuestionsService.release) marks the question asked.
 */
export class PostLinking {
  readonly #social: SocialService;

  constructor(deps: { social: SocialService }) {
    this.#social = deps.social;
  }

  /** The post hook: returns the live-event topics of the chats the post joined. */
  async link(tx: Tx, post: NewPost): Promise<string[]> {
    const occasion = post.occasion;
    if (occasion?.kind === 'question') {
      const topics = await this.#markAsked(tx, occasion.questionId, post.createdAt, post.id);
      await this.#share(tx, post, occasion.questionId);
      return topics;
    }
    if (!isListed(post.visibility)) return [];
    // A remote post addressed to a series' group actor (a mention of @tlchat@our.host).
    const addressed = occasion?.kind === 'group-mention' ? occasion.groups : [];
    const repliedQuestion = post.replyToId
      ? await tx.selectFrom('chat_questions').select(['id', 'chat_id']).where('post_id', '=', post.replyToId).executeTakeFirst()
      : undefined;
    if (post.tags.length === 0 && !repliedQuestion && addressed.length === 0) return [];
    const chats = await tx
      .selectFrom('chats')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .select(['chats.id', 'chats.series_id', 'chat_series.kind'])
      .where('chats.state', '=', 'live')
      .where((eb) => {
        const or = [];
        if (post.tags.length) or.push(eb('chat_series.hashtag', 'in', post.tags));
        if (repliedQuestion) or.push(eb('chats.id', '=', repliedQuestion.chat_id));
        if (addressed.length) or.push(eb('chat_series.slug', 'in', addressed));
        return eb.or(or);
      })
      .execute();
    const topics: string[] = [];
    for (const chat of chats) {
      const question = await answeredQuestion(tx, chat, post, repliedQuestion?.chat_id === chat.id ? repliedQuestion.id : null);
      const earlier = await tx
        .selectFrom('chat_posts')
        .innerJoin('chats', 'chats.id', 'chat_posts.chat_id')
        .select('chat_posts.chat_id')
        .where('chat_posts.actor_id', '=', post.actorId)
        .where('chats.series_id', '=', chat.series_id)
        .where('chat_posts.chat_id', '<>', chat.id)
        .limit(1)
        .executeTakeFirst();
      await tx
        .insertInto('chat_posts')
        .values({
          chat_id: chat.id,
          post_id: post.id,
          actor_id: post.actorId,
          question_id: question,
          first_time: earlier ? 0 : 1,
          created_at: post.createdAt,
        })
        .onConflict((oc) => oc.columns(['chat_id', 'post_id']).doNothing())
        .execute();
      await tx
        .updateTable('chats')
        .set((eb) => ({ post_count: eb('post_count', '+', 1) }))
        .where('id', '=', chat.id)
        .execute();
      if (post.visibility === 'public') await this.#social.outbox.emit(tx, { type: 'chat', seriesId: chat.series_id, postId: post.id });
      topics.push(chatTopic(chat.id));
    }
    return topics;
  }

  /** Public questions are boosted by the series' group actor to its fediverse followers. */
  async #share(tx: Tx, post: NewPost, questionId: number): Promise<void> {
    if (post.visibility !== 'public') return;
    const row = await tx
      .selectFrom('chat_questions')
      .innerJoin('chats', 'chats.id', 'chat_questions.chat_id')
      .select('chats.series_id')
      .where('chat_questions.id', '=', questionId)
      .executeTakeFirstOrThrow();
    await this.#social.outbox.emit(tx, { type: 'chat', seriesId: row.series_id, postId: post.id });
  }

  async #markAsked(tx: Tx, questionId: number, at: number, postId: number): Promise<string[]> {
    const question = await tx
      .selectFrom('chat_questions')
      .innerJoin('chats', 'chats.id', 'chat_questions.chat_id')
      .select(['chat_questions.chat_id', 'chats.question_interval', 'chats.state'])
      .where('chat_questions.id', '=', questionId)
      .executeTakeFirst();
    if (question?.state !== 'live') throw new UserError(409, 'not_live', 'The chat is not live.');
    const asked = await tx
      .updateTable('chat_questions')
      .set({ released_at: at, post_id: postId })
      .where('id', '=', questionId)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    // Someone else asked it a moment ago: this post is not made (the transaction rolls back).
    if (Number(asked.numUpdatedRows) === 0) throw new UserError(409, 'already_released', 'That question was just asked.');
    const remaining = await tx
      .selectFrom('chat_questions')
      .select('id')
      .where('chat_id', '=', question.chat_id)
      .where('released_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    await tx
      .updateTable('chats')
      .set({ next_release_at: question.question_interval && remaining ? at + question.question_interval * 60_000 : null })
      .where('id', '=', question.chat_id)
      .execute();
    return [chatTopic(question.chat_id)];
  }
}

/** Which question a post answers: the number it gives ("A2"), else the question it replies to, else (backchannels) the one session going on now. */
async function answeredQuestion(
  tx: Tx,
  chat: { id: number; kind: ChatKind },
  post: NewPost,
  repliedQuestionId: number | null,
): Promise<number | null> {
  const number = answerNumber(post.text, chat.kind === 'chat' ? 'A' : 'S');
  if (number !== null) {
    // "A17" in a six-question chat, or an answer to a question not asked yet: kept as a post, not linked.
    const row = await tx
      .selectFrom('chat_questions')
      .select('id')
      .where('chat_id', '=', chat.id)
      .where('number', '=', number)
      .where('released_at', 'is not', null)
      .executeTakeFirst();
    return row?.id ?? null;
  }
  if (repliedQuestionId !== null) return repliedQuestionId;
  if (chat.kind !== 'backchannel') return null;
  const now = post.createdAt;
  const sessions = await tx
    .selectFrom('chat_questions')
    .select('id')
    .where('chat_id', '=', chat.id)
    .where('released_at', 'is not', null)
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .limit(2)
    .execute();
  return sessions.length === 1 ? sessions[0]!.id : null;
}
