import type { Context } from 'hono';
import type { Viewer } from '../accounts/service.ts';
import type { SiteSettingsValues } from '../platform/settings.ts';
import type { Services } from '../server.ts';

/** What every request carries (set by the middleware in middleware.ts). */
export interface AppEnv {
  Variables: {
    services: Services;
    viewer: Viewer | null;
    /** The CSRF token every form on the page carries in `_csrf`. */
    csrf: string;
    site: SiteSettingsValues;
    /** The client's address (from the socket, or X-Forwarded-For when TRUST_PROXY is on). */
    ip: string;
    /** The session cookie's token, when signed in with one. */
    sessionToken: string | null;
    /** The request declared a body over the upload limit; it is not read (see bodyLimitMiddleware). */
    oversizedBody: boolean;
  };
}

export type AppContext = Context<AppEnv>;
