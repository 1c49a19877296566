import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Child } from 'hono/jsx';
import type { Database } from '../db/database.ts';
import type { JobHandler, JobKindOptions, Jobs } from '../jobs/jobs.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { EventBus } from '../platform/events.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { Mailer } from '../platform/mail.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { DiskStorage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { AppContext, AppEnv } from './context.ts';

/**
 * What every capability is built from: the process's shared parts, made once by the
 * composition root (src/app/kernel.ts) before any capability.
 */
export interface Kernel {
  version: string;
  config: Config;
  logger: Logger;
  /** What time it is, for whatever depends on it (tests set it; see platform/clock.ts). */
  clock: Clock;
  database: Database;
  secretKey: string;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  storage: DiskStorage;
  jobs: Jobs;
  events: EventBus;
  http: HttpClient;
  /** Outgoing mail: queue a mail (a durable job sends it once); see platform/mail.ts. */
  mail: Mailer;
}

/** A kind of background job a capability runs, declared as data; `every` makes it recurring. */
export interface JobSpec {
  kind: string;
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own payload type; the runner stores payloads as JSON
  run: JobHandler<any>;
  options?: JobKindOptions;
  /** Run every this many milliseconds (one process enqueues each run). */
  every?: number;
  /** The first recurring run comes at once after the first start, not one interval later. */
  startAtOnce?: boolean;
}

/** A command of the command line (`commonroom <name> …`). */
export interface Command<Service> {
  name: string;
  /** Its lines in `commonroom help`. */
  help: string;
  /** `open` builds the application (database, every capability) and gives this capability's service. */
  run(args: string[], context: { config: Config; version: string; open(): Promise<Opened<Service>> }): Promise<void>;
}

/** What a command gets once the application is built. */
export interface Opened<Service> {
  service: Service;
  kernel: Kernel;
  /** A member by handle, as if signed in (for commands that act for a member); a UserError when unknown. */
  viewer(handle: string): Promise<Viewer>;
}

/** A place in the main navigation. */
export interface NavEntry {
  href: string;
  label: string;
  /** Its icon, by name (web/icons.tsx: home, people, sources, chats …); a neutral dot when unset. */
  icon?: string;
  /** Position in the navigation: lower comes first. */
  order: number;
  /** Other path prefixes that belong to this place (the entry is marked current on them). */
  also?: readonly string[];
  /** Where it goes: the main navigation (the default) or the signed-in member's own menu. */
  place?: 'main' | 'account';
  /** Shown only to signed-in members. */
  membersOnly?: boolean;
  /** Shown only to administrators. */
  adminOnly?: boolean;
  /** A count beside the label (unread notifications …), for a signed-in viewer. */
  badge?: (viewer: Viewer) => Promise<number>;
  /** The live stream (a path) whose events update the badge in the browser (web/assets/app.js). */
  liveBadge?: string;
}

/** The kinds of page that show context cards beside their main column (`PageOptions.context`). */
export type AsidePlace = 'home' | 'explore';

/**
 * A card of context a capability contributes to the right-hand column of some pages (who to
 * follow, upcoming chats, trending hashtags): data, like navigation, so that no capability needs
 * another to fill Home's column. The layout renders a page's cards together, in `order`.
 */
export interface AsideCard {
  /** Names the card (its heading's id is `aside-<name>`). */
  name: string;
  /** Its heading ("Who to follow"). */
  title: string;
  /** The kinds of page that show it. */
  places: readonly AsidePlace[];
  /** Position in the column: lower comes first. */
  order: number;
  /** Shown only to signed-in members. */
  membersOnly?: boolean;
  /**
   * The card's content under its heading for a kind of page, or null when it has nothing to show
   * (the card is left out). A few bounded queries, whatever the size of the server.
   */
  render(c: AppContext, place: AsidePlace): Promise<Child | null>;
}

/**
 * A capability: one folder under src/ whose index.ts exports one of these. The composition
 * root builds each capability's service once, in the order of src/app/capabilities.ts, from
 * the kernel and the services of the capabilities it `needs` (built before it); mounts its
 * pages and API in that same order; registers its jobs; and puts its navigation entries in
 * the layout.
 */
export interface Capability<Service, Needs extends object = object> {
  name: string;
  /** Names of the capabilities whose services `build` receives (each earlier in the list). */
  needs: ReadonlyArray<keyof Needs & string>;
  /** The database tables it owns: only its own SQL names them (checked by test/architecture). */
  tables: readonly string[];
  /** Of its tables, those any capability may read, never write: a read model it shares (people, members). */
  sharedTables?: readonly string[];
  /** Reads other capabilities' tables (never writes them): only insights, which measures everything. */
  readsAllTables?: boolean;
  build(kernel: Kernel, needs: Needs): Service | Promise<Service>;
  /** Requests from other servers (ActivityPub …), before sessions and CSRF are looked at. */
  protocol?(service: Service): MiddlewareHandler<AppEnv>;
  /** Server-rendered pages, as a Hono sub-app mounted at the root. */
  pages?(service: Service): Hono<AppEnv>;
  /** The JSON API, as an OpenAPI sub-app mounted at the root. */
  api?(service: Service): OpenAPIHono<AppEnv>;
  jobs?(service: Service): JobSpec[];
  /** Its places in the navigation: data, or made from its service (for badges that count). */
  nav?: readonly NavEntry[] | ((service: Service) => readonly NavEntry[]);
  commands?: Command<Service>[];
  /** Its cards for the context column of some pages (see AsideCard). */
  asides?(service: Service): readonly AsideCard[];
  /** Lets go of what the service holds open (timers, connections) when the process stops. */
  close?(service: Service): void | Promise<void>;
}

/** Declares a capability, keeping its name's literal type (so the composition root can name its service). */
export function defineCapability<const Name extends string, Service, Needs extends object = object>(
  capability: Capability<Service, Needs> & { name: Name },
): Capability<Service, Needs> & { name: Name } {
  return capability;
}
