import type { IncomingMessage } from 'node:http';
import { serveStatic } from '@hono/node-server/serve-static';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { type Api, createApi, errorBody, registerOpenApiDocument } from '../api/openapi.ts';
import { withImportLimit } from '../curation/index.ts';
import { UserError } from '../platform/errors.ts';
import { registerAssets } from '../web/assets.ts';
import type { AppContext } from '../web/context.ts';
import { renderPage } from '../web/layout.tsx';
import { authMiddleware, baseMiddleware, bodyLimitMiddleware, csrfMiddleware } from '../web/middleware.ts';
import { FORM_OVERHEAD_BYTES } from '../web/request.ts';
import { registerShell } from '../web/shell.tsx';
import type { Services } from './services.ts';

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
  app.use(baseMiddleware(services.kernel, services.nav, services.asides));
  // Bookmark imports may be larger than other uploads (curation/bookmark-transfer.ts).
  app.use(withImportLimit(bodyLimitMiddleware(services.config.maxUploadBytes + FORM_OVERHEAD_BYTES)));
  // ActivityPub, WebFinger and NodeInfo: other servers sign their requests (no cookies, no CSRF token).
  for (const middleware of services.protocol) app.use(middleware);
  app.use(authMiddleware(services.accounts));
  app.use(csrfMiddleware());

  registerAssets(app);
  registerShell(app);
  app.use(
    '/media/*',
    async (c, next) => {
      await next();
      // Stored files get new random names when replaced, so they never change. (Remote media,
      // served by the federation pages under /media/remote/, say their own.)
      if (c.res.status === 200 && !c.req.path.startsWith('/media/remote/'))
        c.header('cache-control', 'public, max-age=31536000, immutable');
    },
    serveStatic({ root: services.storage.root, rewriteRequestPath: (path) => path.replace(/^\/media/, '') }),
  );

  // Pages, then the API, each in the order of capabilities.ts (a capability's needs come first).
  for (const { capability, service } of services.built) {
    const pages = capability.pages?.(service);
    if (pages) app.route('/', pages);
  }
  for (const { capability, service } of services.built) {
    const api = capability.api?.(service);
    if (api) app.route('/', api);
  }
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
    c.var.kernel?.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
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
