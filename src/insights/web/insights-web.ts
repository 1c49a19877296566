import { Hono } from 'hono';
import { type Api, createApi } from '../../api/openapi.ts';
import type { AppEnv } from '../../web/context.ts';
import type { InsightsService } from '../service.ts';
import { cohortsApi } from './cohorts-api.ts';
import { cohortsPages } from './cohorts-pages.tsx';
import { goalsApi } from './goals-api.ts';
import { goalsPages } from './goals-pages.tsx';
import { myPlnApi } from './my-pln-api.ts';
import { myPlnPages } from './my-pln-pages.tsx';
import { routineApi } from './routine-api.ts';
import { routinePages } from './routine-pages.tsx';
import { suggestionsApi } from './suggestions-api.ts';
import { suggestionsPages } from './suggestions-pages.tsx';

/** Every page of the Insights section, one sub-app per concept. */
export function insightsPages(service: InsightsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const pages of [suggestionsPages, goalsPages, myPlnPages, cohortsPages, routinePages]) app.route('/', pages(service));
  return app;
}

/** The insights' JSON API (under /api/v1/insights and /api/v1/cohorts), one sub-app per concept, in the OpenAPI document's order. */
export function insightsApi(service: InsightsService): Api {
  const api = createApi();
  for (const part of [suggestionsApi, goalsApi, myPlnApi, cohortsApi, routineApi]) api.route('/', part(service));
  return api;
}
