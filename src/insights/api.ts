import { createRoute, z } from '@hono/zod-openapi';
import { type Api, errors, iso, json, security } from '../api/openapi.ts';
import { requireViewer } from '../web/middleware.ts';
import { memberInsights } from './insights.ts';
import { STAGES } from './stages.ts';

const score = z.number().int().min(0).max(100);
const ShareSchema = z.object({ key: z.string(), label: z.string(), count: z.number().int(), share: z.number().openapi({ description: '0..1 of the people followed' }) }).openapi('InsightsShare');

const InsightsSchema = z
  .object({
    scores: z.object({ consumption: score, connection: score, creation: score, contribution: score }),
    stage: z.enum(STAGES),
    nextStep: z.object({ text: z.string(), href: z.string(), linkText: z.string() }),
    activity: z.record(z.string(), z.number().int()).openapi({ description: 'The counts the scores are made of (see docs/insights.md, Stages)' }),
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
        people: z.array(z.object({ actorId: z.number().int(), acct: z.string(), displayName: z.string(), url: z.string(), lastPostAt: z.string().nullable() })),
      }),
      dormantSources: z.object({
        total: z.number().int(),
        sources: z.array(z.object({ subscriptionId: z.number().int(), sourceId: z.number().int(), title: z.string(), lastItemAt: z.string().nullable() })),
      }),
      ties: z.array(z.object({ actorId: z.number().int(), acct: z.string(), displayName: z.string(), url: z.string(), toThem: z.number().int(), fromThem: z.number().int() })),
    }),
    computedAt: z.string(),
  })
  .openapi('Insights');

export function registerInsightsApi(api: Api): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights',
      tags: ['Insights'],
      security,
      summary: 'Your stage scores, next step and network health',
      description: 'Always the signed-in member’s own insights; there is no parameter to ask for someone else’s (unknown query parameters are refused).',
      request: { query: z.strictObject({}) },
      responses: { 200: json(InsightsSchema, 'Your insights'), ...errors(401, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const insights = await memberInsights(c.var.services.database, viewer);
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
              people: health.dormantFollows.people.map((p) => ({ actorId: p.actorId, acct: p.acct, displayName: p.displayName, url: p.path, lastPostAt: iso(p.lastPostAt) })),
            },
            dormantSources: {
              total: health.dormantSources.total,
              sources: health.dormantSources.sources.map((s) => ({ subscriptionId: s.subscriptionId, sourceId: s.sourceId, title: s.title, lastItemAt: iso(s.lastItemAt) })),
            },
            ties: health.ties.map((t) => ({ actorId: t.actorId, acct: t.acct, displayName: t.displayName, url: t.path, toThem: t.toThem, fromThem: t.fromThem })),
          },
          computedAt: iso(insights.computedAt)!,
        },
        200,
      );
    },
  );
}
