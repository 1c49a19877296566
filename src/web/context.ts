import type { Context } from 'hono';
import type { SiteSettingsValues } from '../platform/settings.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { AsideCard, Kernel, NavEntry } from './capability.ts';

/** What every request carries (set by the middleware in middleware.ts). */
export interface AppEnv {
  Variables: {
    /** The process's shared parts (configuration, database, jobs …). */
    kernel: Kernel;
    /** The main navigation, as the capabilities contribute it. */
    nav: readonly NavEntry[];
    /** The context cards the capabilities contribute, in order (the layout picks a page's). */
    asides: readonly AsideCard[];
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

/** The zone the reader sees times in: a member's own, otherwise the site's (SITE_TIME_ZONE). */
export function timeZoneOf(c: AppContext): string {
  return c.var.viewer?.timeZone ?? c.var.kernel.config.siteTimeZone;
}
