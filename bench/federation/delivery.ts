import { performance } from 'node:perf_hooks';
import { MemorySampler, NO_WINDOW, type Remote, type Remotes, type Window } from './remotes.ts';
import type { BenchServer } from './server.ts';

/**
 * Part 1: one post by a member with `followers` remote followers spread over the simulated
 * servers. Times, from the moment posts.create is called, until every healthy server has
 * received what it should (one request per shared inbox, or one per follower without shared
 * inboxes) and every slow one has answered; counts what arrived where; then waits for the
 * federation jobs to settle and reads what is left waiting in the jobs table.
 */

export interface DeliveryResult {
  setupMs: number;
  createMs: number;
  /** Requests the healthy and slow servers should get. */
  expected: number;
  /** Arrival of the last request due at a healthy server (null: not all arrived). */
  healthyDoneMs: number | null;
  firstMs: number;
  healthyP50Ms: number;
  slowArrivedMs: number | null;
  slowAnsweredMs: number | null;
  /** No federation job running or due any more. */
  settledMs: number | null;
  requests: { total: number; healthy: number; slow: number; failing: number; rfc9421: number; cavage: number; unsigned: number };
  /** Healthy servers that got more than they should, and servers (healthy or slow) that got less. */
  duplicated: number;
  missing: number;
  waiting: WaitingJobs;
  instances: { delivered: number; failed: number };
  memory: { startRss: number; peakRss: number; peakHeapUsed: number };
}

export interface WaitingJobs {
  /** Deliveries still queued, and how many of them go to the failing servers. */
  deliveries: number;
  toFailing: number;
  /** Re-queued by Fedify's circuit breaker (the host failed too often): new jobs, attempts 0. */
  held: number;
  other: number;
  attempts: Record<number, number>;
  nextRunInS: { min: number; max: number };
  lastError: string | null;
}

const at = (d: { at: number }) => d.at;

export async function measureDelivery(
  server: BenchServer,
  remotes: Remotes,
  options: { followers: number; sharedInbox: boolean; timeoutMs: number; progress: (line: string) => void },
  window: Window = NO_WINDOW,
): Promise<DeliveryResult> {
  const servers = remotes.servers;
  const setupStart = performance.now();
  await server.addFollowers(servers, options.followers, options.sharedInbox);
  const setupMs = performance.now() - setupStart;
  // Follower n lives on server n % servers: servers before `extra` have one more.
  const per = Math.floor(options.followers / servers.length);
  const extra = options.followers % servers.length;
  const followersOn = (i: number) => per + (i < extra ? 1 : 0);
  const expectedOf = new Map(servers.map((s, i) => [s, options.sharedInbox ? Math.min(1, followersOn(i)) : followersOn(i)]));
  const healthy = remotes.of('healthy');
  const slow = remotes.of('slow');
  const failing = remotes.of('failing');
  const nth = (s: Remote) => s.deliveries[expectedOf.get(s)! - 1];
  const complete = (s: Remote, answered: boolean) =>
    expectedOf.get(s) === 0 || (answered ? nth(s)?.answeredAt != null : nth(s) !== undefined);

  // The member's keys are made on first use: make them now (by fetching the actor document),
  // so the timing is of a post, not of a new member's first post.
  await fetch(`${server.baseUrl}/users/${server.member.handle}`, { headers: { accept: 'application/activity+json' } }).then((r) =>
    r.arrayBuffer(),
  );
  remotes.reset();
  await window.start();
  const memory = new MemorySampler();
  const t0 = performance.now();
  await server.services.social.posts.create(server.member, { text: 'Hello, fediverse: one post, many followers. #benchmark' });
  const createMs = performance.now() - t0;

  let lastProgress = t0;
  const deadline = t0 + options.timeoutMs;
  for (;;) {
    const healthyDone = healthy.filter((s) => complete(s, false)).length;
    const slowDone = slow.filter((s) => complete(s, true)).length;
    if ((healthyDone === healthy.length && slowDone === slow.length) || performance.now() > deadline) break;
    if (performance.now() - lastProgress >= 5000) {
      lastProgress = performance.now();
      const sent = servers.reduce((sum, s) => sum + s.deliveries.length, 0);
      options.progress(
        `${((lastProgress - t0) / 1000).toFixed(0)} s: ${healthyDone}/${healthy.length} healthy servers served, ${slowDone}/${slow.length} slow ones answered, ${sent} requests so far`,
      );
    }
    await sleep(50);
  }
  const last = (list: Remote[], answered: boolean) =>
    list.every((s) => complete(s, answered))
      ? Math.max(0, ...list.filter((s) => expectedOf.get(s)! > 0).map((s) => (answered ? nth(s)!.answeredAt! : nth(s)!.at) - t0))
      : null;
  const healthyDoneMs = last(healthy, false);
  const slowArrivedMs = last(slow, false);
  const slowAnsweredMs = last(slow, true);

  // Settled: nothing running or due in the federation lane (retries of failures wait for later).
  let settledMs: number | null = null;
  while (performance.now() < deadline) {
    if ((await server.busyFederationJobs()) === 0) {
      settledMs = performance.now() - t0;
      break;
    }
    await sleep(100);
  }
  const mem = memory.stop();
  await window.stop();

  const arrivals = healthy.flatMap((s) => s.deliveries.map(at)).sort((a, b) => a - b);
  const all = servers.flatMap((s) => s.deliveries);
  const first = Math.min(...all.map(at));
  const count = (list: Remote[]) => list.reduce((sum, s) => sum + s.deliveries.length, 0);
  const instances = await server.db
    .selectFrom('instances')
    .select((eb) => [eb.fn.sum<number>('delivered_count').as('delivered'), eb.fn.sum<number>('failed_count').as('failed')])
    .executeTakeFirstOrThrow();
  return {
    setupMs,
    createMs,
    expected: [...healthy, ...slow].reduce((sum, s) => sum + expectedOf.get(s)!, 0),
    healthyDoneMs,
    firstMs: first - t0,
    healthyP50Ms: arrivals.length ? arrivals[Math.floor(arrivals.length / 2)]! - t0 : NaN,
    slowArrivedMs,
    slowAnsweredMs,
    settledMs,
    requests: {
      total: all.length,
      healthy: count(healthy),
      slow: count(slow),
      failing: count(failing),
      rfc9421: all.filter((d) => d.signature === 'rfc9421').length,
      cavage: all.filter((d) => d.signature === 'cavage').length,
      unsigned: all.filter((d) => d.signature === 'none').length,
    },
    duplicated: healthy.filter((s) => s.deliveries.length > expectedOf.get(s)!).length,
    missing: [...healthy, ...slow].filter((s) => s.deliveries.length < expectedOf.get(s)!).length,
    waiting: await waitingJobs(server, new Set(failing.map((s) => s.host))),
    instances: { delivered: Number(instances.delivered ?? 0), failed: Number(instances.failed ?? 0) },
    memory: mem,
  };
}

/** What the jobs table holds once the healthy and slow deliveries are done. */
async function waitingJobs(server: BenchServer, failingHosts: Set<string>): Promise<WaitingJobs> {
  const jobs = (await server.federationJobs()).filter((j) => j.failed_at === null);
  const deliveries = jobs.filter((j) => j.kind === 'federation.deliver');
  const messages = deliveries.map((j) => JSON.parse(j.payload) as { inbox?: string; circuitHeld?: boolean });
  const attempts: Record<number, number> = {};
  for (const j of deliveries) attempts[j.attempts] = (attempts[j.attempts] ?? 0) + 1;
  const now = Date.now();
  const runIn = deliveries.map((j) => (j.run_at - now) / 1000);
  return {
    deliveries: deliveries.length,
    toFailing: messages.filter((m) => m.inbox && failingHosts.has(new URL(m.inbox).host)).length,
    held: messages.filter((m) => m.circuitHeld).length,
    other: jobs.length - deliveries.length,
    attempts,
    nextRunInS: { min: runIn.length ? Math.min(...runIn) : NaN, max: runIn.length ? Math.max(...runIn) : NaN },
    lastError: deliveries.find((j) => j.last_error)?.last_error?.split('\n')[0] ?? null,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
