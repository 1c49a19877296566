import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, errors, iso, json, Ok, security } from '../api/openapi.ts';
import type { AppContext } from '../web/context.ts';
import { requireViewer } from '../web/middleware.ts';
import { transcriptJson } from './exports.ts';
import {
  type ChatView,
  chatUpdateSchema,
  type QuestionView,
  questionInputSchema,
  type RoomPost,
  type SeriesView,
  seriesInputSchema,
  seriesUpdateSchema,
} from './service.ts';

// ---- shapes -------------------------------------------------------------------------------------

const PersonSchema = z.object({
  id: z.number().int(),
  handle: z.string(),
  acct: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  url: z.string(),
  local: z.boolean(),
  roleLabel: z.string().nullable(),
});

const SeriesSchema = z
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
    scheduleText: z.string().openapi({ example: 'Every Tuesday at 20:00 (America/New_York)' }),
    questionInterval: z.number().int().nullable().openapi({ description: 'Minutes between timed questions; null: asked by hand' }),
    hosts: z.array(PersonSchema.extend({ role: z.enum(['host', 'moderator']) })),
    url: z.string(),
    calendarUrl: z.string().openapi({ description: 'iCalendar feed of the series (subscribe in a calendar app)' }),
    role: z.enum(['host', 'moderator']).nullable().openapi({ description: 'Your part in the series' }),
  })
  .openapi('ChatSeries');

const ChatSchema = z
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

const QuestionSchema = z
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

const RoomPostSchema = z
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

const seriesJson = (s: SeriesView) => s;
export const chatJson = (c: ChatView) => ({
  ...c,
  startsAt: iso(c.startsAt)!,
  endsAt: iso(c.endsAt)!,
  startedAt: iso(c.startedAt),
  endedAt: iso(c.endedAt),
  nextReleaseAt: iso(c.nextReleaseAt),
});
const questionJson = (q: QuestionView) => ({ ...q, startsAt: iso(q.startsAt), endsAt: iso(q.endsAt), releasedAt: iso(q.releasedAt) });
const roomPostJson = (p: RoomPost) => ({
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

const SlugParam = z.object({ slug: z.string().openapi({ param: { name: 'slug', in: 'path' }, example: 'tlchat' }) });
const ChatParams = SlugParam.extend({ date: z.string().openapi({ param: { name: 'date', in: 'path' }, example: '2027-03-02' }) });
const NumberParam = ChatParams.extend({
  number: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'number', in: 'path' }, example: 1 }),
});
const PostParam = ChatParams.extend({
  postId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'postId', in: 'path' }, example: 42 }),
});
const HandleParam = SlugParam.extend({ handle: z.string().openapi({ param: { name: 'handle', in: 'path' }, example: 'ana' }) });
const ChatWithQuestions = z.object({ series: SeriesSchema, chat: ChatSchema, questions: z.array(QuestionSchema) });

/** Chats and backchannels: series, occurrences, questions, the room, RSVPs, transcripts. */
export function registerChatsApi(api: Api): void {
  const chats = (c: AppContext) => c.var.services.chats;
  const full = async (c: AppContext, slug: string, date: string) => {
    const result = await chats(c).chat(c.var.viewer, slug, date);
    return { series: seriesJson(result.series), chat: chatJson(result.chat), questions: result.questions.map(questionJson) };
  };

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats',
      tags: ['Chats'],
      security,
      summary: 'Every chat series, with its live and next chat',
      responses: {
        200: json(
          z.object({ series: z.array(SeriesSchema.extend({ live: ChatSchema.nullable(), next: ChatSchema.nullable() })) }),
          'Series',
        ),
      },
    }),
    async (c) => {
      const all = await chats(c).allSeries(c.var.viewer);
      return c.json(
        { series: all.map((s) => ({ ...seriesJson(s), live: s.live ? chatJson(s.live) : null, next: s.next ? chatJson(s.next) : null })) },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats',
      tags: ['Chats'],
      security,
      summary: 'Create a chat series (or a backchannel) that you host',
      description:
        'Times are local to `timeZone`: a weekly chat at 20:00 stays at 20:00 there across daylight-saving changes. A backchannel happens once, over `durationMinutes`.',
      request: body(seriesInputSchema),
      responses: { 201: json(SeriesSchema, 'The series; its coming chats are planned'), ...errors(401, 409, 422) },
    }),
    async (c) => c.json(seriesJson(await chats(c).createSeries(requireViewer(c), c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/mine',
      tags: ['Chats'],
      security,
      summary: 'Chats you said you will join or help run, and your calendar address',
      responses: {
        200: json(
          z.object({ calendarUrl: z.string(), chats: z.array(z.object({ series: SeriesSchema, chat: ChatSchema })) }),
          'Your chats',
        ),
        ...errors(401),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const mine = await chats(c).mine(viewer);
      return c.json(
        {
          calendarUrl: chats(c).myCalendarUrl(viewer.memberId),
          chats: mine.map((m) => ({ series: seriesJson(m.series), chat: chatJson(m.chat) })),
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}',
      tags: ['Chats'],
      security,
      summary: 'A chat series',
      request: { params: SlugParam },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(404) },
    }),
    async (c) => c.json(seriesJson(await chats(c).series(c.var.viewer, c.req.valid('param').slug)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/chats/{slug}',
      tags: ['Chats'],
      security,
      summary: 'Change a series’ title, description or question interval (hosts)',
      request: { params: SlugParam, ...body(seriesUpdateSchema) },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => c.json(seriesJson(await chats(c).updateSeries(requireViewer(c), c.req.valid('param').slug, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats/{slug}/moderators',
      tags: ['Chats'],
      security,
      summary: 'Name a co-host or moderator (hosts)',
      request: {
        params: SlugParam,
        ...body(z.strictObject({ handle: z.string().min(1).max(100), role: z.enum(['host', 'moderator']).default('moderator') })),
      },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(seriesJson(await chats(c).addModerator(requireViewer(c), c.req.valid('param').slug, input.handle, input.role)), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/chats/{slug}/moderators/{handle}',
      tags: ['Chats'],
      security,
      summary: 'Remove a co-host or moderator (hosts; a series keeps at least one host)',
      request: { params: HandleParam },
      responses: { 200: json(SeriesSchema, 'The series'), ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { slug, handle } = c.req.valid('param');
      return c.json(seriesJson(await chats(c).removeModerator(requireViewer(c), slug, handle)), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/chats',
      tags: ['Chats'],
      security,
      summary: 'A series’ coming chats, or its archive of past ones (searchable)',
      request: {
        params: SlugParam,
        query: z.strictObject({ when: z.enum(['upcoming', 'past']).default('upcoming'), q: z.string().max(200).optional() }),
      },
      responses: { 200: json(z.object({ chats: z.array(ChatSchema) }), 'Chats'), ...errors(404, 422) },
    }),
    async (c) => {
      const { when, q } = c.req.valid('query');
      return c.json({ chats: (await chats(c).chats(c.var.viewer, c.req.valid('param').slug, { when, q })).map(chatJson) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/{date}',
      tags: ['Chats'],
      security,
      summary: 'One chat with its questions',
      request: { params: ChatParams },
      responses: { 200: json(ChatWithQuestions, 'The chat'), ...errors(404) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      return c.json(await full(c, slug, date), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/chats/{slug}/{date}',
      tags: ['Chats'],
      security,
      summary: 'Set a chat’s topic or question interval (moderators)',
      request: { params: ChatParams, ...body(chatUpdateSchema) },
      responses: { 200: json(ChatSchema, 'The chat'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      return c.json(chatJson(await chats(c).updateChat(requireViewer(c), slug, date, c.req.valid('json'))), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats/{slug}/{date}/questions',
      tags: ['Chats'],
      security,
      summary: 'Prepare the next question (a backchannel: a session, with `label` and a time window)',
      request: { params: ChatParams, ...body(questionInputSchema) },
      responses: { 201: json(QuestionSchema, 'The question'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      return c.json(questionJson(await chats(c).addQuestion(requireViewer(c), slug, date, c.req.valid('json'))), 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/chats/{slug}/{date}/questions/{number}',
      tags: ['Chats'],
      security,
      summary: 'Change a question not yet asked',
      request: { params: NumberParam, ...body(questionInputSchema) },
      responses: { 200: json(QuestionSchema, 'The question'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date, number } = c.req.valid('param');
      return c.json(questionJson(await chats(c).updateQuestion(requireViewer(c), slug, date, number, c.req.valid('json'))), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/chats/{slug}/{date}/questions/{number}',
      tags: ['Chats'],
      security,
      summary: 'Remove a question not yet asked (the ones after it move up)',
      request: { params: NumberParam },
      responses: { ...Ok, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const { slug, date, number } = c.req.valid('param');
      await chats(c).deleteQuestion(requireViewer(c), slug, date, number);
      return c.body(null, 204);
    },
  );
  const actions = {
    start: [
      'Start the chat now (it also starts by itself at the hour)',
      (c: AppContext, slug: string, date: string) => chats(c).start(requireViewer(c), slug, date),
    ],
    end: [
      'End the chat: later posts no longer join it, the transcript is final',
      (c: AppContext, slug: string, date: string) => chats(c).end(requireViewer(c), slug, date),
    ],
    cancel: [
      'Cancel a chat that has not started (hosts)',
      (c: AppContext, slug: string, date: string) => chats(c).cancel(requireViewer(c), slug, date),
    ],
  } as const;
  for (const [name, [summary, act]] of Object.entries(actions)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/chats/{slug}/{date}/${name}`,
        tags: ['Chats'],
        security,
        summary,
        request: { params: ChatParams },
        responses: { 200: json(ChatSchema, 'The chat'), ...errors(401, 403, 404, 409) },
      }),
      async (c) => {
        const { slug, date } = c.req.valid('param');
        return c.json(chatJson(await act(c, slug, date)), 200);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/chats/{slug}/{date}/release',
      tags: ['Chats'],
      security,
      summary: 'Ask the next question now, as a post (moderators)',
      description: 'Questions go in order: naming a `number` other than the next one is refused with 409 `out_of_order`.',
      request: {
        params: ChatParams,
        body: {
          required: false,
          content: { 'application/json': { schema: z.strictObject({ number: z.number().int().positive().optional() }) } },
        },
      },
      responses: { 200: json(QuestionSchema, 'The question, now asked'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      const input = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(questionJson(await chats(c).release(requireViewer(c), slug, date, input?.number)), 200);
    },
  );
  for (const [method, going] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    api.openapi(
      createRoute({
        method,
        path: '/api/v1/chats/{slug}/{date}/rsvp',
        tags: ['Chats'],
        security,
        summary: going ? '“I’ll be there”: a reminder before the start, and the chat in your calendar' : 'Take back your RSVP',
        request: { params: ChatParams },
        responses: { 200: json(ChatSchema, 'The chat'), ...errors(401, 404, 409) },
      }),
      async (c) => {
        const { slug, date } = c.req.valid('param');
        return c.json(chatJson(await chats(c).rsvp(requireViewer(c), slug, date, going)), 200);
      },
    );
  }
  for (const tool of ['highlight', 'hide'] as const) {
    for (const [method, on] of [
      ['post', true],
      ['delete', false],
    ] as const) {
      api.openapi(
        createRoute({
          method,
          path: `/api/v1/chats/{slug}/{date}/posts/{postId}/${tool}`,
          tags: ['Chats'],
          security,
          summary: `${on ? '' : 'Undo: '}${tool === 'highlight' ? 'highlight a good answer' : 'hide an off-topic post from the room and the transcript'} (moderators)`,
          request: { params: PostParam },
          responses: { ...Ok, ...errors(401, 403, 404) },
        }),
        async (c) => {
          const { slug, date, postId } = c.req.valid('param');
          const viewer = requireViewer(c);
          await (tool === 'highlight'
            ? chats(c).setHighlighted(viewer, slug, date, postId, on)
            : chats(c).setHidden(viewer, slug, date, postId, on));
          return c.body(null, 204);
        },
      );
    }
  }
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/{date}/room',
      tags: ['Chats'],
      security,
      summary: 'The live room: the current question, answers grouped by question, other posts',
      description:
        'Live updates: `GET /chats/{slug}/{date}/live` (Server-Sent Events: `post`, `question`, `moderation`, `state`, `delete`).',
      request: { params: ChatParams },
      responses: {
        200: json(
          z.object({
            series: SeriesSchema,
            chat: ChatSchema,
            current: QuestionSchema.nullable(),
            questions: z.array(QuestionSchema.extend({ answers: z.array(RoomPostSchema) })),
            otherPosts: z.array(RoomPostSchema),
            participants: z.number().int(),
            prefill: z.string(),
          }),
          'The room',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      const room = await chats(c).room(c.var.viewer, slug, date);
      return c.json(
        {
          series: seriesJson(room.series),
          chat: chatJson(room.chat),
          current: room.current ? questionJson(room.current) : null,
          questions: room.questions.map((q) => ({ ...questionJson(q), answers: q.answers.map(roomPostJson) })),
          otherPosts: room.otherPosts.map(roomPostJson),
          participants: room.participants,
          prefill: room.prefill,
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/chats/{slug}/{date}/transcript',
      tags: ['Chats'],
      security,
      summary: 'The transcript of an ended chat (also as .md, .html, .csv and .json under /chats/{slug}/{date}/transcript)',
      request: { params: ChatParams },
      responses: {
        200: {
          description: 'The transcript (questions, answers by question, other posts, participants, counts)',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...errors(404, 409),
      },
    }),
    async (c) => {
      const { slug, date } = c.req.valid('param');
      // The same document as the .json download (times as ISO 8601).
      return c.json(JSON.parse(transcriptJson(await chats(c).transcript(c.var.viewer, slug, date))) as Record<string, unknown>, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/accounts/{handle}/chats',
      tags: ['Chats'],
      security,
      summary: 'The chats someone joined, and what they answered',
      request: { params: z.object({ handle: z.string().openapi({ param: { name: 'handle', in: 'path' }, example: 'ana' }) }) },
      responses: {
        200: json(
          z.object({
            chats: z.array(
              z.object({
                series: z.object({ slug: z.string(), title: z.string(), hashtag: z.string() }),
                chat: z.object({ date: z.string(), topic: z.string(), startsAt: z.string(), url: z.string() }),
                posts: z.number().int(),
                answers: z.array(z.object({ label: z.string(), text: z.string(), postUrl: z.string() })),
              }),
            ),
          }),
          'Chat history',
        ),
        ...errors(404),
      },
    }),
    async (c) => {
      const history = await chats(c).history(c.var.viewer, c.req.valid('param').handle);
      return c.json({ chats: history.map((h) => ({ ...h, chat: { ...h.chat, startsAt: iso(h.chat.startsAt)! } })) }, 200);
    },
  );
}
