import type { IncomingMessage } from 'node:http';
import { serveStatic } from '@hono/node-server/serve-static';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { registerAccountsApi } from '../accounts/api.ts';
import { registerAdminPages } from '../accounts/pages/admin.tsx';
import { registerAuthPages } from '../accounts/pages/auth.tsx';
import { registerPeoplePages } from '../accounts/pages/people.tsx';
import { registerSettingsPages } from '../accounts/pages/settings.tsx';
import { type Api, createApi, errorBody, registerOpenApiDocument } from '../api/openapi.ts';
import { registerChatsApi } from '../chats/api.ts';
import { registerChatsPages } from '../chats/pages.tsx';
import { registerArticlePages } from '../curation/article-pages.tsx';
import { registerArticlesApi } from '../curation/articles-api.ts';
import { registerBookmarksApi, withImportLimit } from '../curation/bookmark-api.ts';
import { registerBookmarkPages } from '../curation/bookmark-pages.tsx';
import { registerCollectionsApi } from '../curation/collections-api.ts';
import { registerCollectionsPages } from '../curation/collections-pages.tsx';
import { registerCurationExportApi } from '../curation/export.ts';
import { registerLibraryPages } from '../curation/section.tsx';
import { registerFederationApi } from '../federation/api.ts';
import { registerFederationPages } from '../federation/pages.tsx';
import { registerReportPages } from '../federation/report-pages.tsx';
import { registerReportsApi } from '../federation/reports-api.ts';
import { registerFeedsApi } from '../feeds/api.ts';
import { registerFeedsPages } from '../feeds/pages.tsx';
import { registerInsightsApi } from '../insights/api.ts';
import { registerCohortsApi } from '../insights/cohorts-api.ts';
import { registerCohortsPages } from '../insights/cohorts-pages.tsx';
import { registerGoalsApi } from '../insights/goals-api.ts';
import { registerGoalsPages } from '../insights/goals-pages.tsx';
import { registerMyPlnPages } from '../insights/pages.tsx';
import { registerRoutineApi } from '../insights/routine-api.ts';
import { registerRoutinePages } from '../insights/routine-pages.tsx';
import { registerSuggestionsApi } from '../insights/suggestions-api.ts';
import { registerSuggestionsPages } from '../insights/suggestions-pages.tsx';
import { UserError } from '../platform/errors.ts';
import type { Services } from '../server.ts';
import { registerSocialApi } from '../social/api.ts';
import { registerPostPages } from '../social/pages/posts.tsx';
import { registerStreamPages } from '../social/pages/stream.tsx';
import { registerAssets } from './assets.ts';
import type { AppContext } from './context.ts';
import { renderPage } from './layout.tsx';
import { authMiddleware, baseMiddleware, bodyLimitMiddleware, csrfMiddleware } from './middleware.ts';
import { registerWebPages } from './pages.tsx';
import { registerProfilePages } from './profile.tsx';
import { FORM_OVERHEAD_BYTES } from './request.ts';

/** The whole HTTP application: pages, API, assets and media, with the shared middleware. */
export function createApp(services: Services): Api {
  const app = createApi();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        // Podcast episodes and videos that feeds attach play from their own sites (many still on http).
        mediaSrc: ["'self'", 'https:', 'http:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      crossOriginResourcePolicy: 'same-site',
      strictTransportSecurity: services.config.secureCookies ? 'max-age=31536000' : false,
    }),
  );
  // Before the other middleware, which reads site settings and sessions from the database: the
  // health check must answer 503, not fail, when the database is down.
  app.get('/healthz', async (c) => {
    try {
      await services.database.db.selectFrom('settings').select('key').limit(1).execute();
      return c.json({ status: 'ok', database: services.database.dialect, version: services.version });
    } catch (error) {
      services.logger.error({ error: (error as Error).message }, 'health check failed');
      return c.json({ status: 'error', database: 'unreachable' }, 503);
    }
  });
  app.use(baseMiddleware(services));
  // Bookmark imports may be larger than other uploads (curation/bookmark-transfer.ts).
  app.use(withImportLimit(bodyLimitMiddleware(services.config.maxUploadBytes + FORM_OVERHEAD_BYTES)));
  // ActivityPub, WebFinger and NodeInfo: other servers sign their requests (no cookies, no CSRF token).
  app.use(services.federation.middleware());
  app.use(authMiddleware());
  app.use(csrfMiddleware());

  registerAssets(app);
  app.get('/media/remote/:signature/:encoded', async (c) => {
    const file = await services.federation.media.get(c.req.param('signature'), c.req.param('encoded'));
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.contentType,
      'cache-control': 'public, max-age=604800',
      'x-content-type-options': 'nosniff',
    });
  });
  app.use(
    '/media/*',
    async (c, next) => {
      await next();
      // Stored files get new random names when replaced, so they never change.
      if (c.res.status === 200) c.header('cache-control', 'public, max-age=31536000, immutable');
    },
    serveStatic({ root: services.storage.root, rewriteRequestPath: (path) => path.replace(/^\/media/, '') }),
  );

  registerWebPages(app);
  registerAuthPages(app);
  registerSettingsPages(app);
  registerPeoplePages(app);
  registerAdminPages(app);
  registerFederationPages(app);
  registerReportPages(app);
  registerStreamPages(app);
  registerPostPages(app);
  // Before the profile pages: /@handle/chats is a chat history, not a post.
  registerChatsPages(app);
  registerProfilePages(app);
  registerFeedsPages(app);
  registerLibraryPages(app);
  registerCollectionsPages(app);
  registerBookmarkPages(app);
  registerArticlePages(app);
  registerSuggestionsPages(app);
  registerGoalsPages(app);
  registerMyPlnPages(app);
  registerCohortsPages(app);
  registerRoutinePages(app);

  registerAccountsApi(app);
  registerSocialApi(app);
  registerFeedsApi(app);
  registerChatsApi(app);
  registerFederationApi(app);
  registerReportsApi(app);
  registerCollectionsApi(app);
  registerBookmarksApi(app);
  registerArticlesApi(app);
  registerCurationExportApi(app);
  registerSuggestionsApi(app);
  registerGoalsApi(app);
  registerInsightsApi(app);
  registerCohortsApi(app);
  registerRoutineApi(app);
  registerOpenApiDocument(app, services.version);

  app.notFound((c) => handleError(c, UserError.notFound('There is nothing at this address.')));
  app.onError((error, c) => handleError(c, error));
  return app;
}

const isApi = (c: AppContext) => c.req.path.startsWith('/api/');

/** Reading the request failed because its connection is gone. */
function clientWentAway(c: AppContext, error: unknown): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return (error as { code?: string } | null)?.code === 'ECONNRESET' && Boolean(incoming?.socket?.destroyed);
}

function handleError(c: AppContext, error: unknown) {
  let problem: UserError;
  if (error instanceof UserError) {
    problem = error;
  } else if (error instanceof HTTPException && error.status >= 400 && error.status < 500) {
    const status = ([400, 401, 403, 404, 413, 415] as const).find((s) => s === error.status) ?? 400;
    problem = new UserError(status, 'bad_request', error.message || 'The request could not be understood.');
  } else if (clientWentAway(c, error)) {
    // Closed mid-request by the client, or by the server for sending too slowly: nothing went wrong here.
    problem = new UserError(400, 'incomplete_request', 'The connection closed before the whole request arrived.');
  } else {
    c.var.services?.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    if (isApi(c) || !c.var.site)
      return c.json({ error: { code: 'internal', message: 'Something went wrong on our side.', issues: [] } }, 500);
    return renderPage(
      c,
      { title: 'Something went wrong', status: 500 },
      <p>Something went wrong on our side. Please try again in a moment.</p>,
    );
  }
  if (problem.retryAfter) c.header('retry-after', String(problem.retryAfter));
  if (isApi(c) || !c.var.site) return c.json(errorBody(problem), problem.status);
  if (problem.code === 'unauthenticated' && c.req.method === 'GET') {
    return c.redirect(`/login?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303);
  }
  const titles: Record<number, string> = {
    401: 'Please sign in',
    403: 'Not allowed',
    404: 'Page not found',
    410: 'Gone',
    413: 'Too large',
    429: 'Slow down',
  };
  return renderPage(
    c,
    { title: titles[problem.status] ?? 'There is a problem', status: problem.status, noindex: true },
    <>
      <p class="callout">{problem.message}</p>
      {problem.issues.length > 0 ? (
        <ul>
          {problem.issues.map((i) => (
            <li>{i.message}</li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </>,
  );
}
