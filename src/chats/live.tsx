import type { SSEMessage } from 'hono/streaming';
import { topics } from '../social/context.ts';
import { deleteMessage, liveStream } from '../social/live.tsx';
import type { AppContext } from '../web/context.ts';
import { chatTopic, type ChatView, type SeriesView } from './service.ts';
import { ChatPostItem, QuestionHeading } from './views.tsx';

/**
 * The live room's stream. A busy chat sends each new post to hundreds of open rooms, so the
 * post is read and rendered once per process and time zone (a short-lived cache), and each
 * connection only checks what is particular to its reader: signed in or not (members-only
 * posts), people it muted or blocked, moderator or not (hidden posts).
 *
 * Events: `post` (a new chat post: { id, question, html }), `question` (a question asked:
 * { number, label, text, html }), `moderation` ({ postId, highlighted, hidden }), `state`
 * ({ state }), `delete` ({ id }).
 */

interface Rendered {
  event: 'post' | 'question';
  /** Who may see it: `public`, `members`; questions are public. */
  visibility: string;
  authorActorId: number;
  data: Record<string, unknown>;
}

const CACHE_MAX = 2000;
const cache = new Map<string, Promise<Rendered | null>>();

function remember(key: string, make: () => Promise<Rendered | null>): Promise<Rendered | null> {
  let hit = cache.get(key);
  if (!hit) {
    hit = make();
    cache.set(key, hit);
    // A failed read is not remembered.
    hit.catch(() => cache.delete(key));
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

async function renderEvent(c: AppContext, series: SeriesView, chat: ChatView, postId: number, timeZone: string): Promise<Rendered | null> {
  const { chats, database } = c.var.services;
  const asked = await database.db.selectFrom('chat_questions').select('number').where('chat_id', '=', chat.id).where('post_id', '=', postId).executeTakeFirst();
  if (asked) {
    const { questions } = await chats.chat(null, series.slug, chat.date);
    const question = questions.find((q) => q.number === asked.number);
    if (!question) return null;
    const html = String(await (<QuestionHeading question={question} timeZone={timeZone} />).toString());
    return { event: 'question', visibility: 'public', authorActorId: 0, data: { number: question.number, label: question.label, text: question.text, imageUrl: question.imageUrl, imageAlt: question.imageAlt, html } };
  }
  const [post] = await chats.roomPosts(chat.id, { includeHidden: true, postId });
  if (!post) return null;
  const questionNumber = post.questionId === null ? 0 : ((await database.db.selectFrom('chat_questions').select('number').where('id', '=', post.questionId).executeTakeFirst())?.number ?? 0);
  const html = String(await (<ChatPostItem post={post} timeZone={timeZone} />).toString());
  return { event: 'post', visibility: post.visibility, authorActorId: post.authorActorId, data: { id: post.id, question: questionNumber, author: post.author.displayName, firstTime: post.firstTime, html } };
}

export async function roomLiveStream(c: AppContext, series: SeriesView, chat: ChatView) {
  const viewer = c.var.viewer;
  const timeZone = viewer?.timeZone ?? 'UTC';
  const moderator = series.role !== null;
  // Read once per connection: who this reader does not want to see.
  const quiet = await c.var.services.chats.silenced(viewer);
  return liveStream(c, [chatTopic(chat.id), topics.postChanges], async (event): Promise<SSEMessage | null> => {
    if (event.kind === 'delete') return deleteMessage(c, event);
    if (event.kind === 'chat.state') return { event: 'state', data: JSON.stringify(event.data) };
    if (event.kind === 'chat.moderation') {
      const { postId, hidden } = event.data as { postId: number; hidden: boolean };
      // Readers other than moderators only learn that a post went (not that it was hidden).
      if (!moderator && hidden) return { event: 'delete', data: JSON.stringify({ id: postId }) };
      return { event: 'moderation', data: JSON.stringify(event.data) };
    }
    if (event.kind !== 'post' || !event.topics.includes(chatTopic(chat.id))) return null;
    const postId = Number(event.data.postId);
    const rendered = await remember(`${chat.id}:${postId}:${timeZone}`, () => renderEvent(c, series, chat, postId, timeZone));
    if (!rendered) return null;
    if (rendered.visibility !== 'public' && !viewer) return null;
    if (quiet.has(rendered.authorActorId)) return null;
    return { event: rendered.event, id: String(postId), data: JSON.stringify(rendered.data) };
  });
}
