import { OpenAPIHono, z } from '@hono/zod-openapi';
import { issuesFromZod, UserError } from '../platform/errors.ts';
import type { AppEnv } from '../web/context.ts';

/**
 * The JSON API under /api/v1. Each capability registers its routes with zod schemas; the
 * same schemas validate requests and generate the OpenAPI document at /api/v1/openapi.json.
 */
export type Api = OpenAPIHono<AppEnv>;

export function createApi(): Api {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw UserError.invalid(issuesFromZod(result.error), 'The request has invalid fields.');
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token made under Settings → API tokens.',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cr_session',
    description: 'The browser session. Unsafe requests must send JSON or the page CSRF token in X-CSRF-Token.',
  });
  return api;
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid' }),
      message: z.string().openapi({ example: 'The request has invalid fields.' }),
      issues: z.array(z.object({ path: z.string().openapi({ example: 'handle' }), message: z.string() })),
    }),
  })
  .openapi('Error');

export function errorBody(error: UserError) {
  return { error: { code: error.code, message: error.message, issues: error.issues } };
}

const ERROR_DESCRIPTIONS = {
  400: 'Bad request (malformed JSON, invalid cursor or query)',
  401: 'Not signed in, or the token is invalid',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict with existing data',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Invalid fields; `issues` lists each with its path',
  429: 'Rate limited; see Retry-After',
  502: 'Another server could not be reached or answered with an error',
} as const;

/** Error responses for a route's `responses`. */
export function errors<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s], content: { 'application/json': { schema: ErrorSchema } } }]),
  ) as unknown as { [K in S]: { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } } };
}

/** A JSON response of a route. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
/** A required JSON request body. */
export const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
/** An empty success (204). */
export const Ok = { 204: { description: 'Done' } };
/** Epoch milliseconds as an ISO 8601 string (null stays null). */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

export function registerOpenApiDocument(api: Api, version: string): void {
  api.get('/api/v1/openapi.json', (c) => c.json(openApiDocument(api, version, c.var.kernel.config.baseUrl)));
}

export function openApiDocument(api: Api, version: string, baseUrl: string) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Commonroom API',
      version,
      description:
        'The JSON API of a Commonroom server. Authenticate with an API token (`Authorization: Bearer …`) or the browser session. ' +
        'Errors are `{ "error": { "code", "message", "issues": [{ "path", "message" }] } }` with a 4xx status. ' +
        'Lists are paginated with opaque cursors: pass `nextCursor` back as `cursor`.',
    },
    servers: [{ url: baseUrl }],
  });
}
