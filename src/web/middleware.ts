import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hmac, randomToken, safeEqual } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { AsideCard, Kernel, NavEntry } from './capability.ts';
import type { AppContext, AppEnv } from './context.ts';
import { readForm, tooLarge } from './request.ts';

export const SESSION_COOKIE = 'cr_session';
const CSRF_COOKIE = 'cr_csrf';

/** The kernel, the navigation and context cards, client address, site settings and per-request logging. */
export function baseMiddleware(kernel: Kernel, nav: readonly NavEntry[], asides: readonly AsideCard[] = []): MiddlewareHandler<AppEnv> {
  const { config, logger } = kernel;
  return async (c, next) => {
    c.set('kernel', kernel);
    c.set('nav', nav);
    c.set('asides', asides);
    c.set('ip', clientIp(c, config.trustProxy));
    c.set('site', await kernel.settings.get());
    c.set('viewer', null);
    c.set('sessionToken', null);
    c.set('oversizedBody', false);
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const level = c.res.status >= 500 ? 'error' : 'info';
    if (c.req.path !== '/healthz') logger[level]({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
  };
}

function clientIp(c: AppContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // The rightmost address is the one our own reverse proxy saw.
    if (forwarded?.length) return forwarded.at(-1)!;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return { httpOnly: true, secure, sameSite: 'Lax' as const, path: '/', ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) };
}

/** Who holds a session cookie or an API token (the accounts capability answers). */
export interface Sessions {
  viewerForSession(token: string): Promise<Viewer | null>;
  viewerForApiToken(token: string): Promise<Viewer | null>;
}

/** Signs the member in from the session cookie or an API bearer token. */
export function authMiddleware(accounts: Sessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { config } = c.var.kernel;
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer) {
      const viewer = await accounts.viewerForApiToken(bearer);
      if (!viewer) throw new UserError(401, 'invalid_token', 'That API token is not valid (it may have been revoked).');
      c.set('viewer', viewer);
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) {
        const viewer = await accounts.viewerForSession(token);
        if (viewer) {
          c.set('viewer', viewer);
          c.set('sessionToken', token);
        } else {
          deleteCookie(c, SESSION_COOKIE, cookieOptions(config.secureCookies));
        }
      }
    }
    await next();
  };
}

/**
 * Request bodies are limited to `maxBytes`. A body that declares a larger Content-Length is
 * not read at all: an API request gets a 413 at once; a page request goes on with
 * `oversizedBody` set, so the page can answer with its own form and an error next to the file
 * field (`readForm` refuses such a body). Bodies without a length are cut off at the limit
 * with a 413.
 */
export function bodyLimitMiddleware(maxBytes: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > maxBytes) {
      if (c.req.path.startsWith('/api/')) throw tooLarge(maxBytes);
      c.set('oversizedBody', true);
      return next();
    }
    return limit(c, next);
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF protection. Every page gets a token bound to a random cookie; every form posts it
 * back as `_csrf`. Cookie-authenticated API calls must send JSON (which a cross-site form
 * cannot) or the token in `X-CSRF-Token`. Bearer-token API calls carry no cookie and need neither.
 */
export function csrfMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { config, secretKey } = c.var.kernel;
    let seed = getCookie(c, CSRF_COOKIE);
    if (!seed || seed.length < 20) {
      seed = randomToken(24);
      setCookie(c, CSRF_COOKIE, seed, cookieOptions(config.secureCookies));
    }
    const token = hmac(secretKey, `csrf:${seed}`);
    c.set('csrf', token);

    // An oversized body is never read, so it cannot change anything: routes answer with an error.
    if (UNSAFE.has(c.req.method) && !c.req.header('authorization') && !c.var.oversizedBody) {
      const origin = c.req.header('origin');
      if (origin && origin !== 'null' && origin !== new URL(config.baseUrl).origin && origin !== new URL(c.req.url).origin) {
        throw new UserError(403, 'bad_origin', 'This request came from another site and was refused.');
      }
      const isApi = c.req.path.startsWith('/api/');
      const type = c.req.header('content-type') ?? '';
      const headerToken = c.req.header('x-csrf-token');
      if (headerToken !== undefined) {
        if (!safeEqual(headerToken, token)) throw csrfError();
      } else if (isApi) {
        if (!type.startsWith('application/json') && c.get('viewer')) throw csrfError();
      } else if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const sent = (await readForm(c)).text('_csrf');
        if (!sent || !safeEqual(sent, token)) throw csrfError();
      } else {
        throw new UserError(415, 'unsupported_type', 'Send this form as a normal web form.');
      }
    }
    await next();
  };
}

function csrfError(): UserError {
  return new UserError(403, 'csrf', 'This form has expired or came from another site. Go back, reload the page and try again.');
}

/** Pages that need a signed-in member redirect to the sign-in page; API routes answer 401. */
export function requireViewer(c: AppContext) {
  const viewer = c.get('viewer');
  if (!viewer) throw new UserError(401, 'unauthenticated', 'Please sign in first.');
  return viewer;
}

export function requireAdmin(c: AppContext) {
  const viewer = requireViewer(c);
  if (!viewer.isAdmin) throw UserError.forbidden('This page is for administrators.');
  return viewer;
}

/** Sets the session cookie after sign-in or sign-up. */
export function startSession(c: AppContext, token: string): void {
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c.var.kernel.config.secureCookies, 30 * 86_400));
}

export function endSession(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c.var.kernel.config.secureCookies));
}
