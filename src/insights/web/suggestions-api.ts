import { createRoute, z } from '@hono/zod-openapi';
import { type Api, createApi, errors, json, Ok, security } from '../../api/openapi.ts';
import { pathId } from '../../api/schemas.ts';
import { ActorSchema } from '../../social/index.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { InsightsService } from '../service.ts';
import { SUGGESTION_LIMIT_MAX, type Suggestion } from '../suggestions.ts';

const SuggestionSchema = z
  .object({
    actor: ActorSchema.extend({ location: z.string().nullable(), bio: z.string() }),
    score: z.number().openapi({ description: 'Higher is better; only the order means something' }),
    reasons: z.array(z.string()).openapi({
      description: 'Why, in words, strongest first',
      example: ['3 people you follow follow them', 'posts about #genrefication'],
    }),
  })
  .openapi('Suggestion');

const ListSchema = z.object({ suggestions: z.array(SuggestionSchema) }).openapi('SuggestionList');

const suggestionJson = (s: Suggestion) => ({ actor: s.actor, score: s.score, reasons: s.reasons });

const TAGS = ['Insights'];

/** Who to follow under /api/v1/insights/suggestions. */
export function suggestionsApi(service: InsightsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/insights/suggestions',
      tags: TAGS,
      security,
      summary: 'People to follow next, ranked, each with its reasons',
      description:
        'From friends of friends, shared passions, hashtag co-use and chat co-participation, favouring active people and roles and places your network has few of. ' +
        'Never lists yourself, people you follow or asked to follow, blocked (either way), muted or dismissed people, or suspended members.',
      request: {
        query: z.strictObject({ limit: z.coerce.number().int().min(1).max(SUGGESTION_LIMIT_MAX).default(10).openapi({ example: 10 }) }),
      },
      responses: { 200: json(ListSchema, 'Suggestions, best first (empty when there is nothing to go on)'), ...errors(401, 422) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const list = await service.suggestions.suggest(viewer, c.req.valid('query').limit);
      return c.json({ suggestions: list.map(suggestionJson) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/insights/suggestions/{actorId}/dismiss',
      tags: TAGS,
      security,
      summary: 'Never suggest this person again',
      request: {
        params: z.object({
          actorId: pathId('actorId', 12),
        }),
      },
      responses: { ...Ok, ...errors(401, 404, 422) },
    }),
    async (c) => {
      await service.suggestions.dismiss(requireViewer(c), c.req.valid('param').actorId);
      return c.body(null, 204);
    },
  );
  return api;
}
