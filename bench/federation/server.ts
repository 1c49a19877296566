import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { type RunningServer, startServer } from '../../src/app/process.ts';
import { createServices, type Services } from '../../src/app/services.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { hashPassword } from '../../src/platform/crypto.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { Viewer } from '../../src/platform/viewer.ts';
import type { Remote } from './remotes.ts';

export type LogCounts = Map<string, { n: number; example: string }>;

/**
 * The Commonroom server under test, in this process (as test/support/server.ts runs one): a
 * real startServer with the job worker, on 127.0.0.1 and a port chosen beforehand (Fedify
 * takes the base URL when the services are built), allowed to fetch from loopback. Its log
 * (level warn) is counted by message instead of printed.
 */
export class BenchServer {
  private constructor(
    readonly services: Services,
    readonly server: RunningServer,
    readonly baseUrl: string,
    readonly member: Viewer,
    /** Log lines by level and message (and job kind), with the first of each. */
    readonly log: LogCounts,
  ) {}

  static async start(options: { dataDir: string; databaseUrl: string | undefined; federationConcurrency: number }): Promise<BenchServer> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      file: null,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        BASE_URL: baseUrl,
        DATA_DIR: options.dataDir,
        LOG_LEVEL: 'warn',
        FETCH_ALLOW_PRIVATE: '127.0.0.0/8',
        FEDERATION_CONCURRENCY: String(options.federationConcurrency),
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      },
    });
    const log: LogCounts = new Map();
    const services = await createServices(config, { logger: createLogger(config.logLevel, countingSink(log)) });
    const server = await startServer(services, { jobs: true });
    const password = 'a long enough password';
    const created = await services.accounts.createMember({
      handle: 'poster',
      displayName: 'Poster',
      email: 'poster@bench.example',
      password,
      passwordHash: await hashPassword(password),
    });
    const member = (await services.accounts.viewerForMember(created.id))!;
    return new BenchServer(services, server, baseUrl, member, log);
  }

  get db() {
    return this.services.database.db;
  }

  /**
   * `followers` remote actors spread round-robin over `servers`, all following the member
   * (accepted), inserted directly in batches. With `sharedInbox` false their actors have no
   * shared inbox, so each gets its own delivery.
   */
  async addFollowers(servers: Remote[], followers: number, sharedInbox: boolean): Promise<void> {
    const now = Date.now();
    const rows = Array.from({ length: followers }, (_, n) => {
      const server = servers[n % servers.length]!;
      const uri = `${server.origin}/users/u${n}`;
      return {
        acct: `u${n}@${server.host}`,
        handle: `u${n}`,
        domain: server.host,
        uri,
        url: uri,
        inbox_url: `${uri}/inbox`,
        shared_inbox_url: sharedInbox ? `${server.origin}/inbox` : null,
        display_name: `Follower ${n}`,
        bio: '',
        links: '[]',
        search_text: `follower ${n} u${n}`,
        created_at: now,
        updated_at: now,
      };
    });
    await this.db.transaction().execute(async (tx) => {
      for (let start = 0; start < rows.length; start += 500)
        await tx
          .insertInto('actors')
          .values(rows.slice(start, start + 500))
          .execute();
      await sql`insert into follows (follower_id, followee_id, state, created_at)
                select id, ${this.member.actorId}, 'accepted', ${now} from actors where domain is not null and handle like 'u%'`.execute(
        tx,
      );
      await tx.updateTable('actors').set({ followers_count: followers }).where('id', '=', this.member.actorId).execute();
    });
  }

  /** Remote actors the member follows (so their posts are stored), on `server`. */
  async addFollowees(server: Remote, names: string[]): Promise<void> {
    const now = Date.now();
    const rows = names.map((name) => {
      const uri = `${server.origin}/users/${name}`;
      return {
        acct: `${name}@${server.host}`,
        handle: name,
        domain: server.host,
        uri,
        url: uri,
        inbox_url: `${uri}/inbox`,
        shared_inbox_url: `${server.origin}/inbox`,
        display_name: name,
        bio: '',
        links: '[]',
        search_text: name,
        created_at: now,
        updated_at: now,
      };
    });
    await this.db.transaction().execute(async (tx) => {
      const inserted = await tx.insertInto('actors').values(rows).returning('id').execute();
      await tx
        .insertInto('follows')
        .values(
          inserted.map((r) => ({
            follower_id: this.member.actorId,
            followee_id: r.id,
            state: 'accepted' as const,
            uri: null,
            created_at: now,
          })),
        )
        .execute();
      await tx.updateTable('actors').set({ following_count: names.length }).where('id', '=', this.member.actorId).execute();
    });
  }

  /** Federation jobs not yet done: their kind, attempts, when they run next, their last error and payload. */
  async federationJobs(): Promise<
    Array<{
      kind: string;
      attempts: number;
      run_at: number;
      locked_until: number | null;
      failed_at: number | null;
      last_error: string | null;
      payload: string;
    }>
  > {
    return this.db
      .selectFrom('jobs')
      .select(['kind', 'attempts', 'run_at', 'locked_until', 'failed_at', 'last_error', 'payload'])
      .where('kind', 'like', 'federation.%')
      .execute();
  }

  /** Federation jobs running or due now (not those waiting for a later retry). */
  async busyFederationJobs(): Promise<number> {
    const now = Date.now();
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', 'like', 'federation.%')
      .where('failed_at', 'is', null)
      .where((eb) => eb.or([eb('locked_until', '>=', now), eb('run_at', '<=', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async remotePosts(): Promise<number> {
    const row = await this.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('local', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.services.close();
  }
}

/** A log destination that counts pino's JSON lines by level, message, job kind and kind of error. */
function countingSink(log: LogCounts): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        let key = line.slice(0, 120);
        try {
          const entry = JSON.parse(line) as { level?: string; msg?: string; kind?: string; error?: string };
          // One key per kind of error: addresses and numbers vary from line to line.
          const error = entry.error
            ?.split('\n')[0]
            ?.replace(/https?:\/\/\S+/g, '<url>')
            .replace(/\d+(\.\d+)?/g, 'N')
            .slice(0, 100);
          key = `${entry.level ?? '?'}: ${entry.msg ?? '?'}${entry.kind ? ` (${entry.kind})` : ''}${error ? ` — ${error}` : ''}`;
        } catch {}
        const seen = log.get(key);
        if (seen) seen.n++;
        else log.set(key, { n: 1, example: line.slice(0, 400) });
      }
      done();
    },
  });
}

/** A port nobody listens on now (the base URL must be known before the server starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
