import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, json, security } from '../../api/openapi.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { SocialService } from '../service.ts';

/**
 * Privacy settings: whether new followers need approval, and the choices other capabilities
 * register (see privacy.ts). The fields are known once every capability is built, when the
 * API is made.
 */
export function privacyApi(social: SocialService): Api {
  const api = createApi();
  const { privacy } = social;
  const settings = privacy.settings;
  const PrivacySchema = z
    .object({
      locked: z.boolean().openapi({ description: 'New followers need your approval' }),
      ...Object.fromEntries(settings.map((s) => [s.name, z.boolean().openapi({ description: s.description })])),
    })
    .openapi('Privacy');
  const PrivacyChange = z.strictObject({
    locked: z.boolean().optional(),
    ...Object.fromEntries(settings.map((s) => [s.name, z.boolean().optional()])),
  });
  const and = (parts: string[]) => parts.map((p) => `, and ${p}`).join('');

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/privacy',
      tags: ['Follows'],
      security,
      summary: `Whether new followers need your approval${and(settings.map((s) => s.summary.read))}`,
      responses: { 200: json(PrivacySchema, 'Privacy settings'), ...errors(401) },
    }),
    async (c) => c.json(await privacy.get(requireViewer(c)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/privacy',
      tags: ['Follows'],
      security,
      summary: ['Require approval of new followers (unlocking accepts waiting requests)', ...settings.map((s) => s.summary.change)].join(
        '; ',
      ),
      request: body(PrivacyChange),
      responses: { 200: json(PrivacySchema, 'Privacy settings'), ...errors(401, 422) },
    }),
    async (c) => c.json(await privacy.update(requireViewer(c), c.req.valid('json')), 200),
  );
  return api;
}
