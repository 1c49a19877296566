import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { startServer } from '../../src/app/process.ts';
import { createServices, type Services } from '../../src/app/services.ts';
import type { Database } from '../../src/db/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { serveChild } from '../lib/child.ts';
import { count } from '../lib/format.ts';
import { type TimedResponse, TimingClient } from '../lib/http.ts';
import { type Summary, summarize } from '../lib/stats.ts';
import { TextGenerator } from './content.ts';

/**
 * The measuring half of the timeline benchmark, run in a process of its own (see
 * lib/child.ts): starts a real server on the loaded database, signs sample members in with
 * API tokens, and times API requests over loopback, one at a time (so each latency is the
 * server's work on an otherwise idle machine, plus a kept-alive loopback round trip).
 */

export interface MeasureInput {
  dataDir: string;
  databaseUrl: string | undefined;
  seed: number;
  /** Timed requests per measurement (per follow group for the home timeline). */
  samples: number;
  /** Requests before timing, per measurement. */
  warmup: number;
  tags: Array<{ label: string; slug: string }>;
  searches: Array<{ label: string; q: string }>;
}

export interface Measurement {
  label: string;
  summary: Summary;
  /** Mean posts per response (reads), to show the pages were not empty. */
  postsPerPage: number | null;
  /** Mean CPU time of the server's process per request (see TimedResponse.cpuMs). */
  cpuMs: number;
  /** A sub-row of the measurement above it. */
  detail?: boolean;
}

export interface MeasureOutput {
  measurements: Measurement[];
  memory: { rss: number; heapUsed: number; maxRss: number };
  /** One-minute load average when measuring started and ended: other work on the machine shows in the tail. */
  load: { before: number; after: number };
}

/** Home timeline readers: members whose follow counts are near these (the largest is capped by the community's size). */
const FOLLOW_TARGETS = [10, 150, 2000];
const READERS_PER_GROUP = 67;
/** Post authors by follower count: a few, about 2,000, and the most followed. */
const AUTHORS_PER_GROUP = 10;

interface Person {
  memberId: number;
  count: number;
  token: string;
}

interface Group {
  label: string;
  people: Person[];
}

serveChild<MeasureInput, MeasureOutput>(measure);

async function measure(input: MeasureInput): Promise<MeasureOutput> {
  const config = loadConfig({
    file: null,
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: input.dataDir,
      LOG_LEVEL: 'silent',
      RUN_JOBS: 'false',
      ...(input.databaseUrl ? { DATABASE_URL: input.databaseUrl } : {}),
    },
  });
  const services = await createServices(config);
  const server = await startServer(services, { jobs: false });
  const url = `http://127.0.0.1:${server.port}`;
  Object.assign(config, { baseUrl: url });
  const client = new TimingClient(url);
  const loadBefore = loadavg()[0]!;
  try {
    const readers = await readerGroups(services);
    const authors = await authorGroups(services);
    const everyone = readers.flatMap((g) => g.people);
    const run = new Runner(client, input);
    const measurements = [
      ...(await run.home(readers)),
      ...(await run.hashtags(input.tags, everyone)),
      ...(await run.searches(input.searches, everyone)),
      ...(await run.posting(authors, new TextGenerator(input.seed + 1))),
    ];
    const memory = process.memoryUsage();
    return {
      measurements,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 },
      load: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    client.close();
    await server.close();
    await services.close();
  }
}

// ---- who takes part -------------------------------------------------------------------------

/** Members whose follow counts are closest (by ratio) to each target, with API tokens. */
async function readerGroups(services: Services): Promise<Group[]> {
  const members = await countsBy(services.database, 'following_count');
  const max = Math.max(...members.map((m) => m.count));
  const taken = new Set<number>();
  const groups: Group[] = [];
  for (const target of FOLLOW_TARGETS.map((t) => Math.min(t, max))) {
    const closest = members
      .filter((m) => !taken.has(m.memberId))
      .sort((a, b) => Math.abs(Math.log(a.count / target)) - Math.abs(Math.log(b.count / target)))
      .slice(0, READERS_PER_GROUP);
    for (const m of closest) taken.add(m.memberId);
    groups.push(await withTokens(services, `following ~${count(target)}`, closest));
  }
  return groups;
}

async function authorGroups(services: Services): Promise<Group[]> {
  const members = await countsBy(services.database, 'followers_count');
  const near = (target: number) =>
    [...members].sort((a, b) => Math.abs(a.count - target) - Math.abs(b.count - target)).slice(0, AUTHORS_PER_GROUP);
  const top = [...members].sort((a, b) => b.count - a.count).slice(0, 3);
  return Promise.all([
    withTokens(services, 'author with few followers', near(20)),
    withTokens(services, 'author with ~2,000 followers', near(2000)),
    withTokens(services, 'most-followed authors', top),
  ]);
}

async function countsBy(
  database: Database,
  column: 'following_count' | 'followers_count',
): Promise<Array<{ memberId: number; count: number }>> {
  const rows = await database.db
    .selectFrom('members')
    .innerJoin('actors', 'actors.id', 'members.actor_id')
    .select(['members.id as memberId', sql<number>`actors.${sql.ref(column)}`.as('count')])
    .orderBy('members.id')
    .execute();
  return rows.map((r) => ({ memberId: r.memberId, count: Number(r.count) }));
}

async function withTokens(services: Services, label: string, people: Array<{ memberId: number; count: number }>): Promise<Group> {
  const withToken = await Promise.all(
    people.map(async (p) => ({ ...p, token: await services.accounts.createApiToken(p.memberId, 'bench') })),
  );
  const counts = withToken.map((p) => p.count);
  return { label: `${label} (${withToken.length}: ${count(Math.min(...counts))}–${count(Math.max(...counts))})`, people: withToken };
}

// ---- measurements -----------------------------------------------------------------------------

const postsIn = (response: TimedResponse): number => (JSON.parse(response.body) as { posts: unknown[] }).posts.length;

class Series {
  readonly times: number[] = [];
  readonly cpu: number[] = [];
  readonly posts: number[] = [];

  add(response: TimedResponse, withPosts = true): void {
    this.times.push(response.ms);
    this.cpu.push(response.cpuMs);
    if (withPosts) this.posts.push(postsIn(response));
  }

  result(label: string, detail = false): Measurement {
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    return {
      label,
      summary: summarize(this.times),
      postsPerPage: this.posts.length ? mean(this.posts) : null,
      cpuMs: mean(this.cpu),
      detail,
    };
  }
}

class Runner {
  readonly #client: TimingClient;
  readonly #input: MeasureInput;

  constructor(client: TimingClient, input: MeasureInput) {
    this.#client = client;
    this.#input = input;
  }

  /** First and next page for each reader in turn (groups interleaved), split by follow count. */
  async home(groups: Group[]): Promise<Measurement[]> {
    const readers = interleave(groups.map((g) => g.people.map((person) => ({ person, group: g.label }))));
    const first = new Series();
    const next = new Series();
    const byGroup = new Map(groups.map((g) => [g.label, new Series()]));
    // Warm-up: every reader's pages once, so no reader's first (cold) read is timed.
    for (const { person } of readers) await this.#homePages(person);
    const rounds = Math.ceil(this.#input.samples / Math.min(...groups.map((g) => g.people.length)));
    for (let round = 0; round < rounds; round++) {
      for (const { person, group } of readers) {
        const [page1, page2] = await this.#homePages(person);
        first.add(page1);
        byGroup.get(group)!.add(page1);
        next.add(page2);
      }
    }
    return [
      first.result('home timeline, first page'),
      ...groups.map((g) => byGroup.get(g.label)!.result(g.label, true)),
      next.result('home timeline, next page'),
    ];
  }

  async #homePages(person: Person): Promise<[TimedResponse, TimedResponse]> {
    const page1 = await this.#client.expect(200, 'GET', '/api/v1/timelines/home', { token: person.token });
    const cursor = (JSON.parse(page1.body) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error(`member ${person.memberId}'s home timeline has a single page`);
    const page2 = await this.#client.expect(200, 'GET', `/api/v1/timelines/home?cursor=${encodeURIComponent(cursor)}`, {
      token: person.token,
    });
    return [page1, page2];
  }

  async hashtags(tags: MeasureInput['tags'], readers: Person[]): Promise<Measurement[]> {
    const results: Measurement[] = [];
    for (const tag of tags) {
      const series = await this.#repeat(readers, (p) =>
        this.#client.expect(200, 'GET', `/api/v1/timelines/tags/${tag.slug}`, { token: p.token }),
      );
      results.push(series.result(tag.label));
    }
    return results;
  }

  async searches(searches: MeasureInput['searches'], readers: Person[]): Promise<Measurement[]> {
    const results: Measurement[] = [];
    for (const search of searches) {
      const path = `/api/v1/search/posts?q=${encodeURIComponent(search.q)}`;
      const series = await this.#repeat(readers, (p) => this.#client.expect(200, 'GET', path, { token: p.token }));
      results.push(series.result(search.label));
    }
    return results;
  }

  /** Creating a post: the post, its hashtags, search entry and fan-out to every follower's timeline, in one transaction. */
  async posting(groups: Group[], texts: TextGenerator): Promise<Measurement[]> {
    let n = 0;
    const results: Measurement[] = [];
    for (const group of groups) {
      const series = await this.#repeat(
        group.people,
        async (p) => {
          const { text } = texts.post(++n, null);
          return this.#client.expect(201, 'POST', '/api/v1/posts', { token: p.token, json: { text, visibility: 'public' } });
        },
        false,
      );
      results.push(series.result(`create post: ${group.label}`));
    }
    return results;
  }

  /** Warm-up requests, then `samples` timed ones, cycling through people. */
  async #repeat(people: Person[], request: (p: Person) => Promise<TimedResponse>, withPosts = true): Promise<Series> {
    for (let i = 0; i < this.#input.warmup; i++) await request(people[i % people.length]!);
    const series = new Series();
    for (let i = 0; i < this.#input.samples; i++) series.add(await request(people[i % people.length]!), withPosts);
    return series;
  }
}

/** [[a1, a2], [b1, b2]] → [a1, b1, a2, b2]: no group is timed only early or only late. */
function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(...lists.map((l) => l.length)); i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
