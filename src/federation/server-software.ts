import { parseNodeInfo } from '@fedify/fedify';
import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Logger } from '../platform/logger.ts';
import type { SignedGet } from './loader.ts';
import { FEDERATION_LANE } from './queue.ts';

export const NODEINFO_JOB = 'federation.nodeinfo';
export const NODEINFO_JOB_OPTIONS = { lane: FEDERATION_LANE, maxAttempts: 3, timeoutMs: 30_000 };
/** A server's NodeInfo is asked for again after this long. */
const NODEINFO_FRESH_MS = 24 * 3600_000;
const MAX_BYTES = 256 * 1024;
/** NodeInfo schema versions we read, newest first. */
const SCHEMAS = ['2.2', '2.1', '2.0', '1.1', '1.0'].map((v) => `http://nodeinfo.diaspora.software/ns/schema/${v}`);

/**
 * Which software (and version) each server we know runs, from its NodeInfo, for the admin's
 * list of servers. Asked for in the background when a server is first heard of, and again a day
 * later: one compare-and-set on `instances.nodeinfo_at` decides who asks, so a busy server is
 * asked once however many activities it sends.
 */
export interface ServerSoftwareDeps {
  database: Database;
  jobs: Jobs;
  get: SignedGet;
  logger: Logger;
}

export class ServerSoftwareService {
  readonly #database: Database;
  readonly #jobs: Jobs;
  readonly #get: SignedGet;
  readonly #logger: Logger;

  constructor(deps: ServerSoftwareDeps) {
    this.#database = deps.database;
    this.#jobs = deps.jobs;
    this.#get = deps.get;
    this.#logger = deps.logger.child({ component: 'federation.nodeinfo' });
  }

  /** A server was heard of; `checkedAt` is when its NodeInfo was last asked for. */
  async seen(domain: string, checkedAt: number | null): Promise<void> {
    const now = Date.now();
    if (checkedAt !== null && now - checkedAt < NODEINFO_FRESH_MS) return;
    await this.#database.db.transaction().execute(async (tx) => {
      const claimed = await tx
        .updateTable('instances')
        .set({ nodeinfo_at: now })
        .where('domain', '=', domain)
        .where((eb) => (checkedAt === null ? eb('nodeinfo_at', 'is', null) : eb('nodeinfo_at', '=', checkedAt)))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 1)
        await this.#jobs.enqueue(NODEINFO_JOB, { domain }, { tx, dedupeKey: `${NODEINFO_JOB}:${domain}` });
    });
  }

  /** Reads a server's NodeInfo (the federation.nodeinfo job). */
  async read(domain: string): Promise<void> {
    const json = async (url: string): Promise<unknown> => {
      const response = await this.#get(url, { accept: 'application/json', maxBytes: MAX_BYTES, timeoutMs: 10_000 });
      if (response.status >= 400) throw new Error(`${url} answered ${response.status}`);
      return JSON.parse(response.body.toString('utf8'));
    };
    let software: { name: string; version: string } | null = null;
    try {
      const index = (await json(`https://${domain}/.well-known/nodeinfo`)) as { links?: Array<{ rel?: string; href?: string }> };
      const links = Array.isArray(index?.links) ? index.links : [];
      const link = SCHEMAS.map((rel) => links.find((l) => l.rel === rel && typeof l.href === 'string')).find(Boolean);
      if (link?.href) {
        const href = new URL(link.href, `https://${domain}/`);
        // A server speaks for itself only.
        if (href.host.toLowerCase() === domain) {
          const info = parseNodeInfo(await json(href.href), { tryBestEffort: true });
          if (info?.software.name) software = { name: info.software.name, version: String(info.software.version ?? '') };
        }
      }
    } catch (error) {
      // Servers without NodeInfo (or unreachable now) are asked again tomorrow.
      this.#logger.debug({ domain, error: (error as Error).message }, 'could not read NodeInfo');
      return;
    }
    if (!software) return;
    await this.#database.db
      .updateTable('instances')
      .set({ software: software.name.slice(0, 100), software_version: software.version.slice(0, 100) || null })
      .where('domain', '=', domain)
      .execute();
  }
}
