import { Hono } from 'hono';
import { type Api, createApi } from '../api/openapi.ts';
import type { AppEnv } from './context.ts';

/**
 * TRANSITIONAL (issue 17): pages and API routes still registered on an app passed in, reading
 * services from `c.var.services`, made into the sub-apps a capability's index.ts mounts.
 * Removed once every capability builds its sub-apps from its own service.
 */
export function pagesOf(...registers: Array<(app: Hono<AppEnv>) => void>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const register of registers) register(app);
  return app;
}

export function apiOf(...registers: Array<(api: Api) => void>): Api {
  const api = createApi();
  for (const register of registers) register(api);
  return api;
}
