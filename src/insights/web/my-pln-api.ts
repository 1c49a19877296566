import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import { GRAPH_FOLLOWER_SAMPLE, GRAPH_NODES } from '../network-graph.ts';
import type { InsightsService } from '../service.ts';
import { STAGES } from '../stages.ts';

const score = z.number().int().min(0).max(100);
const ShareSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    count: z.number().int(),
    share: z.number().openapi({ description: '0..1 of the people followed' }),
  })
  .openapi('InsightsShare');

const InsightsSchema = z
  .object({
    scores: z.object({ consumption: score, connection: score, creation: score, contribution: score }),
    stage: z.enum(STAGES),
    nextStep: z.object({ text: z.string(), href: z.string(), linkText: z.string() }),
    activity: z
      .record(z.string(), z.number().int())
      .openapi({ description: 'The counts the scores are made of (see docs/insights.md, Stages)' }),
    health: z.object({
      following: z.number().int(),
      followers: z.number().int(),
      mutuals: z.number().int(),
      reciprocity: z.number().nullable().openapi({ description: 'mutuals ÷ following; null when following nobody' }),
      roles: z.array(ShareSchema),
      places: z.array(ShareSchema),
      diversityNudge: z.object({ text: z.string(), href: z.string() }).nullable(),
      dormantFollows: z.object({
        total: z.number().int(),
        people: z.array(
          z.object({
            actorId: z.number().int(),
            acct: z.string(),
            displayName: z.string(),
            url: z.string(),
            lastPostAt: z.string().nullable(),
          }),
        ),
      }),
      dormantSources: z.object({
        total: z.number().int(),
        sources: z.array(
          z.object({ subscriptionId: z.number().int(), sourceId: z.number().int(), title: z.string(), lastItemAt: z.string().nullable() }),
        ),
      }),
      ties: z.array(
        z.object({
          actorId: z.number().int(),
          acct: z.string(),
          displayName: z.string(),
          url: z.string(),
          toThem: z.number().int(),
          fromThem: z.number().int(),
        }),
      ),
      graph: z
        .object({
          people: z.number().int().openapi({ description: 'Distinct people you follow or who follow you (accepted follows)' }),
          followersEstimated: z.boolean().openapi({
            description: `True when you have more than ${GRAPH_FOLLOWER_SAMPLE} followers: followers by role are then estimated from the newest ${GRAPH_FOLLOWER_SAMPLE} accounts among them`,
          }),
          roles: z.array(
            z.object({
              role: z.string().openapi({ description: 'Role key, `none` when not given' }),
              label: z.string(),
              following: z.number().int(),
              followers: z.number().int(),
              mutuals: z.number().int(),
            }),
          ),
          nodes: z
            .array(
              z.object({
                actorId: z.number().int(),
                acct: z.string(),
                displayName: z.string(),
                url: z.string(),
                role: z.string(),
                following: z.boolean(),
                follower: z.boolean(),
              }),
            )
            .openapi({
              description: `The people drawn in the picture, at most ${GRAPH_NODES}: mutual follows first, then the most recent follows either way`,
            }),
        })
        .openapi({ description: 'The network picture grouped by role (see docs/insights.md)' }),
    }),
    computedAt: z.string(),
  })
  .openapi('Insights');

const MoveSchema = z
  .strictObject({
    acct: z.string().min(1).openapi({ description: 'Whom to move: `handle` or `handle@host`', example: 'sam' }),
    listId: z.number().int().positive().optional().openapi({ description: 'One of your lists' }),
    newList: z.string().optional().openapi({ description: 'The name of a new list (when no `listId`)' }),
  })
  .openapi('MoveToList');
const MovedSchema = z.object({ listId: z.number().int(), listName: z.string() }).openapi('MovedToList');

/** My PLN under /api/v1/insights: the member's own stage and network health, and "move to a list". */
export function myPlnApi(service: InsightsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights',
      tags: ['Insights'],
      security,
      summary: 'Your stage scores, next step and network health',
      description:
        'Always the signed-in member’s own insights; there is no parameter to ask for someone else’s (unknown query parameters are refused).',
      request: { query: z.strictObject({}) },
      responses: { 200: json(InsightsSchema, 'Your insights'), ...errors(401, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const insights = await service.myPln.of(viewer);
      const { health } = insights;
      return c.json(
        {
          scores: insights.scores,
          stage: insights.stage,
          nextStep: insights.nextStep,
          activity: { ...insights.activity },
          health: {
            following: health.following,
            followers: health.followers,
            mutuals: health.mutuals,
            reciprocity: health.reciprocity,
            roles: health.roles,
            places: health.places,
            diversityNudge: health.diversityNudge,
            dormantFollows: {
              total: health.dormantFollows.total,
              people: health.dormantFollows.people.map((p) => ({
                actorId: p.actorId,
                acct: p.acct,
                displayName: p.displayName,
                url: p.path,
                lastPostAt: iso(p.lastPostAt),
              })),
            },
            dormantSources: {
              total: health.dormantSources.total,
              sources: health.dormantSources.sources.map((s) => ({
                subscriptionId: s.subscriptionId,
                sourceId: s.sourceId,
                title: s.title,
                lastItemAt: iso(s.lastItemAt),
              })),
            },
            ties: health.ties.map((t) => ({
              actorId: t.actorId,
              acct: t.acct,
              displayName: t.displayName,
              url: t.path,
              toThem: t.toThem,
              fromThem: t.fromThem,
            })),
            graph: {
              people: health.graph.people,
              followersEstimated: health.graph.followersEstimated,
              roles: health.graph.roles,
              nodes: health.graph.nodes.map((p) => ({
                actorId: p.actorId,
                acct: p.acct,
                displayName: p.displayName,
                url: p.path,
                role: p.role,
                following: p.following,
                follower: p.follower,
              })),
            },
          },
          computedAt: iso(insights.computedAt)!,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/insights/move-to-list',
      tags: ['Insights'],
      security,
      summary: 'Move someone you follow to a list (and unfollow them)',
      description:
        'Puts the person on one of your lists (`listId`) or on a new list (`newList`, its name) and unfollows them, in one transaction: ' +
        'their public and members-only posts reach the list’s timeline, not your home timeline. Someone else’s list is 404; ' +
        'a blank new name, or a person you do not follow, is 422.',
      request: body(MoveSchema),
      responses: { 200: json(MovedSchema, 'Moved'), ...errors(401, 404, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const input = c.req.valid('json');
      const moved = await service.moveToList.move(viewer, {
        acct: input.acct,
        listId: input.listId ?? null,
        newName: input.newList ?? '',
      });
      return c.json({ listId: moved.listId, listName: moved.listName }, 200);
    },
  );
  return api;
}
