import { z } from '@hono/zod-openapi';
import { iso } from '../../api/openapi.ts';
import { pathId } from '../../api/schemas.ts';
import type { ChatView, QuestionView, SeriesView } from '../records.ts';
import type { RoomPost } from '../room.ts';

/** The chats API's shapes (responses and path parameters) and how views become JSON. */

// ---- shapes -------------------------------------------------------------------------------------

export const PersonSchema = z.object({
  id: z.number().int(),
  handle: z.string(),
  acct: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  url: z.string(),
  local: z.boolean(),
  roleLabel: z.string().nullable(),
});

export const SeriesSchema = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    kind: z.enum(['chat', 'backchannel']),
    hashtag: z.string().openapi({ example: 'tlchat' }),
    title: z.string(),
    description: z.string(),
    timeZone: z.string(),
    schedule: z.object({
      recurrence: z.record(z.string(), z.unknown()).openapi({
        description:
          '`{ freq: "once" }`, `{ freq: "weekly", interval, weekday }` (0 = Sunday) or `{ freq: "monthly", week (1–4, -1 = last), weekday }`',
      }),
      startDate: z.string(),
      time: z.string(),
      timeZone: z.string(),
      durationMinutes: z.number().int(),
    }),
    scheduleText: z.string().openapi({ example: 'Every Tuesday at 20:00 New York time' }),
    questionInterval: z.number().int().nullable().openapi({ description: 'Minutes between timed questions; null: asked by hand' }),
    hosts: z.array(PersonSchema.extend({ role: z.enum(['host', 'moderator']) })),
    url: z.string(),
    calendarUrl: z.string().openapi({ description: 'iCalendar feed of the series (subscribe in a calendar app)' }),
    role: z.enum(['host', 'moderator']).nullable().openapi({ description: 'Your part in the series' }),
  })
  .openapi('ChatSeries');

export const ChatSchema = z
  .object({
    id: z.number().int(),
    date: z.string().openapi({ example: '2027-03-02' }),
    topic: z.string(),
    state: z.enum(['scheduled', 'live', 'ended', 'cancelled']),
    startsAt: z.string(),
    endsAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    questionInterval: z.number().int().nullable(),
    nextReleaseAt: z.string().nullable(),
    postCount: z.number().int(),
    rsvpCount: z.number().int(),
    going: z.boolean(),
    url: z.string(),
  })
  .openapi('Chat');

export const QuestionSchema = z
  .object({
    id: z.number().int(),
    number: z.number().int(),
    label: z.string().openapi({ example: 'Q1' }),
    text: z.string(),
    imageUrl: z.string().nullable(),
    imageAlt: z.string().nullable(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    releasedAt: z.string().nullable(),
    postId: z.number().int().nullable(),
    postUrl: z.string().nullable(),
  })
  .openapi('ChatQuestion');

export const RoomPostSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    author: z.object({ handle: z.string(), displayName: z.string(), url: z.string() }),
    text: z.string(),
    html: z.string(),
    createdAt: z.string(),
    highlighted: z.boolean(),
    firstTime: z.boolean().openapi({ description: 'The author’s first chat in this series' }),
    hidden: z.boolean(),
    questionId: z.number().int().nullable(),
  })
  .openapi('ChatPost');

export const seriesJson = (s: SeriesView) => s;
export const chatJson = (c: ChatView) => ({
  ...c,
  startsAt: iso(c.startsAt)!,
  endsAt: iso(c.endsAt)!,
  startedAt: iso(c.startedAt),
  endedAt: iso(c.endedAt),
  nextReleaseAt: iso(c.nextReleaseAt),
});
export const questionJson = (q: QuestionView) => ({
  ...q,
  startsAt: iso(q.startsAt),
  endsAt: iso(q.endsAt),
  releasedAt: iso(q.releasedAt),
});
export const roomPostJson = (p: RoomPost) => ({
  id: p.id,
  url: p.url,
  author: p.author,
  text: p.text,
  html: p.html,
  createdAt: iso(p.createdAt)!,
  highlighted: p.highlighted,
  firstTime: p.firstTime,
  hidden: p.hidden,
  questionId: p.questionId,
});

export const SlugParam = z.object({ slug: z.string().openapi({ param: { name: 'slug', in: 'path' }, example: 'tlchat' }) });
export const ChatParams = SlugParam.extend({ date: z.string().openapi({ param: { name: 'date', in: 'path' }, example: '2027-03-02' }) });
export const NumberParam = ChatParams.extend({
  number: pathId('number', 1),
});
export const PostParam = ChatParams.extend({
  postId: pathId('postId', 42),
});
export const HandleParam = SlugParam.extend({ handle: z.string().openapi({ param: { name: 'handle', in: 'path' }, example: 'ana' }) });
export const ChatWithQuestions = z.object({ series: SeriesSchema, chat: ChatSchema, questions: z.array(QuestionSchema) });
