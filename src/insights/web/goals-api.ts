import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { pathId } from '../../api/schemas.ts';
import { ActorSchema } from '../../social/index.ts';
import { requireViewer } from '../../web/middleware.ts';
import { ACTIVE_GOALS_MAX, GOAL_STATUSES, GOAL_TAGS_MAX, goalCreateSchema, goalUpdateSchema, noteSchema } from '../goal-schemas.ts';
import type { Goal, GoalNote, GoalWithNotes } from '../goals.ts';
import type { InsightsService } from '../service.ts';

const TAGS = ['Insights'];

const count = z.number().int().min(0);
const ProgressSchema = z
  .object({
    peopleFollowed: count.openapi({ description: 'People followed since the goal began who post with its tags or list them as passions' }),
    itemsRead: count.openapi({
      description: 'Feed items read that arrived since the goal began and match its tags (among the latest 1,000 read)',
    }),
    itemsSaved: count.openapi({ description: 'Bookmarks made since the goal began carrying one of its tags' }),
    questionsAsked: count.openapi({ description: 'Own posts (not replies to others) with a tag and a question mark' }),
    questionsAnswered: count.openapi({ description: 'Replies to other people’s posts, where the reply or the post has a tag' }),
    notes: count.openapi({ description: 'Notes in the goal’s journal' }),
  })
  .openapi('GoalProgress');

const NoteSchema = z.object({ id: z.number().int(), text: z.string(), createdAt: z.string() }).openapi('GoalNote');

const GoalSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    description: z.string(),
    status: z.enum(GOAL_STATUSES),
    tags: z.array(z.object({ slug: z.string(), name: z.string(), passion: z.boolean().openapi({ description: 'One of your passions' }) })),
    createdAt: z.string(),
    updatedAt: z.string(),
    achievedAt: z.string().nullable(),
    progress: ProgressSchema,
  })
  .openapi('Goal');

const GoalWithNotesSchema = GoalSchema.extend({
  notes: z.array(NoteSchema).openapi({ description: 'Newest first (the latest 100)' }),
}).openapi('GoalWithNotes');

const reasons = z.array(z.string()).openapi({ description: 'Why, in words' });
const SuggestionsSchema = z
  .object({
    experts: z.array(
      z.object({
        actor: ActorSchema,
        reasons,
        recentPosts: count.openapi({ description: 'Posts with the goal’s tags in the last 30 days' }),
      }),
    ),
    sources: z.array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        url: z.string().openapi({ description: 'The feed address to subscribe to' }),
        siteUrl: z.string().nullable(),
        subscribers: count,
        reasons,
      }),
    ),
    chats: z.array(
      z.object({
        slug: z.string(),
        date: z.string(),
        title: z.string(),
        hashtag: z.string(),
        topic: z.string(),
        startsAt: z.string(),
        state: z.string(),
        url: z.string(),
        reasons,
      }),
    ),
    collections: z.array(
      z.object({
        id: z.number().int(),
        kind: z.enum(['collection', 'starter_kit']),
        title: z.string(),
        description: z.string(),
        url: z.string(),
        reasons,
      }),
    ),
  })
  .openapi('GoalSuggestions');

const IdParam = z.object({
  id: pathId('id', 3),
});
const NoteParams = IdParam.extend({
  noteId: pathId('noteId', 7),
});

const noteJson = (n: GoalNote) => ({ id: n.id, text: n.text, createdAt: iso(n.createdAt)! });
function goalJson(g: Goal) {
  return {
    id: g.id,
    title: g.title,
    description: g.description,
    status: g.status,
    tags: g.tags,
    createdAt: iso(g.createdAt)!,
    updatedAt: iso(g.updatedAt)!,
    achievedAt: iso(g.achievedAt),
    progress: g.progress,
  };
}
const goalWithNotesJson = (g: GoalWithNotes) => ({ ...goalJson(g), notes: g.notes.map(noteJson) });

/** Learning goals under /api/v1/insights/goals: always the signed-in member's own. */
export function goalsApi(service: InsightsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights/goals',
      tags: TAGS,
      security,
      summary: 'Your learning goals with their progress',
      description: `Active goals newest first (at most ${ACTIVE_GOALS_MAX}), then the 25 most recently changed achieved or archived ones.`,
      request: { query: z.strictObject({}) },
      responses: { 200: json(z.object({ goals: z.array(GoalSchema) }).openapi('GoalList'), 'Your goals'), ...errors(401, 422) },
    }),
    async (c) => {
      const list = await service.goals.list(requireViewer(c));
      return c.json({ goals: [...list.active, ...list.closed].map(goalJson) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/insights/goals',
      tags: TAGS,
      security,
      summary: 'Name a new learning goal',
      description: `At most ${ACTIVE_GOALS_MAX} active goals and ${GOAL_TAGS_MAX} tags a goal; more is refused with 422 and nothing is stored.`,
      request: body(goalCreateSchema),
      responses: { 201: json(GoalWithNotesSchema, 'The goal'), ...errors(401, 422) },
    }),
    async (c) => {
      const goal = await service.goals.create(requireViewer(c), c.req.valid('json'));
      return c.json(goalWithNotesJson(goal), 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights/goals/{id}',
      tags: TAGS,
      security,
      summary: 'One of your goals, with progress and notes',
      request: { params: IdParam },
      responses: { 200: json(GoalWithNotesSchema, 'The goal'), ...errors(401, 404) },
    }),
    async (c) => c.json(goalWithNotesJson(await service.goals.get(requireViewer(c), c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/insights/goals/{id}',
      tags: TAGS,
      security,
      summary: 'Change a goal: title, description, tags (the whole set) or status (achieved, archived, active)',
      request: { params: IdParam, ...body(goalUpdateSchema) },
      responses: { 200: json(GoalWithNotesSchema, 'The goal'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(goalWithNotesJson(await service.goals.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/insights/goals/{id}',
      tags: TAGS,
      security,
      summary: 'Delete a goal and its notes',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      await service.goals.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights/goals/{id}/suggestions',
      tags: TAGS,
      security,
      summary: 'Experts, sources, chats and collections for a goal, each with its reasons',
      description:
        'Experts: people who post with the goal’s tags or list them as passions, most active in the last 30 days first, never yourself or people you follow, blocked or muted. ' +
        'Sources others follow whose latest items match, not yours. Chats from 30 days ago to 60 days ahead with the tag as hashtag or in the topic. Shared collections and starter kits that mention the tags, not yours.',
      request: { params: IdParam },
      responses: { 200: json(SuggestionsSchema, 'Suggestions (lists may be empty)'), ...errors(401, 404) },
    }),
    async (c) => {
      const s = await service.goals.suggestions(requireViewer(c), c.req.valid('param').id);
      const base = service.baseUrl;
      return c.json(
        {
          experts: s.experts.map((e) => ({ actor: e.actor, reasons: e.reasons, recentPosts: e.recentPosts })),
          sources: s.sources,
          chats: s.chats.map(({ path, startsAt, ...chat }) => ({ ...chat, startsAt: iso(startsAt)!, url: `${base}${path}` })),
          collections: s.collections.map(({ path, ...col }) => ({ ...col, url: `${base}${path}` })),
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/insights/goals/{id}/notes',
      tags: TAGS,
      security,
      summary: 'Add a dated note to a goal’s journal',
      request: { params: IdParam, ...body(noteSchema) },
      responses: { 201: json(NoteSchema, 'The note'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(noteJson(await service.goals.addNote(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/insights/goals/{id}/notes/{noteId}',
      tags: TAGS,
      security,
      summary: 'Delete a note',
      request: { params: NoteParams },
      responses: { ...Ok, ...errors(401, 404) },
    }),
    async (c) => {
      const { id, noteId } = c.req.valid('param');
      await service.goals.deleteNote(requireViewer(c), id, noteId);
      return c.body(null, 204);
    },
  );
  return api;
}
