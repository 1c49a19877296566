import type { LiveRun } from './load.ts';

/** What the live chat's raw arrivals add up to: deliveries expected and received, and their latencies. */

export interface Quantiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank quantiles (as lib/stats.ts), over a typed array that may hold a million samples. */
export function quantiles(values: Float64Array): Quantiles {
  const sorted = values.slice().sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]! : NaN);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

export interface LiveSummary {
  accepted: number;
  failed: number;
  /** Accepted posts × connections open. */
  expected: number;
  /** Distinct (post, connection) deliveries of accepted posts. */
  delivered: number;
  missing: number;
  /** Of the missing, on connections the server dropped. */
  missingOnDropped: number;
  duplicates: number;
  /** `post` events for ids no poster got a 201 for. */
  unknown: number;
  /** From the poster receiving the 201 to each connection receiving the event. */
  latency: Quantiles;
  /** Deliveries that arrived before the poster had its 201 (the event goes out as the answer is still being made). */
  beforeAccepted: number;
  /** From sending the POST to each delivery: the whole trip, posting included. */
  fromSent: Quantiles;
  /** POST /api/v1/posts: from sending to the 201. */
  post: Quantiles;
  /** Per post, from its first to its last delivery: how long fanning it out to every connection took. */
  spread: Quantiles;
  /** From the release's answer reaching the host to each connection's `question` event. */
  question: Quantiles;
  questionsExpected: number;
  questionsDelivered: number;
  byMinute: Array<{ minute: number; posts: number; latency: Quantiles }>;
  postsPerSecond: number;
  deliveriesPerSecond: number;
  /** Posts whose `post` event named a different question than their "A<n>:" said. */
  misLinked: number;
  linkChecked: number;
}

export function summarizeLive(run: LiveRun, minuteMs: number, chatMinutes: number): LiveSummary {
  const open = run.connections.filter((c) => c.error === null).map((c) => c.index);
  const totalConnections = run.connections.length;
  const byId = new Map(run.posts.map((p) => [p.id, p]));
  const seen = new Map<number, Uint8Array>();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const total = run.readers.posts.reduce((n, a) => n + a.keys.length, 0);
  const latency = new Float64Array(total);
  const fromSent = new Float64Array(total);
  // Posts answered just after the last minute (in flight at the end) count in the last one.
  const minutes = Math.max(1, chatMinutes);
  const minuteOf = (p: { acceptedAt: number }) => Math.max(0, Math.min(Math.floor((p.acceptedAt - run.startAt) / minuteMs), minutes - 1));
  const perMinute: number[][] = Array.from({ length: minutes }, () => []);
  let n = 0;
  let duplicates = 0;
  let unknown = 0;
  let beforeAccepted = 0;
  for (const arrivals of run.readers.posts) {
    for (let i = 0; i < arrivals.keys.length; i++) {
      const id = arrivals.keys[i]!;
      const post = byId.get(id);
      if (!post) {
        unknown++;
        continue;
      }
      let mark = seen.get(id);
      if (!mark) seen.set(id, (mark = new Uint8Array(totalConnections)));
      const connection = arrivals.connections[i]!;
      if (mark[connection]) {
        duplicates++;
        continue;
      }
      mark[connection] = 1;
      const t = arrivals.times[i]!;
      latency[n] = t - post.acceptedAt;
      fromSent[n] = t - post.sentAt;
      if (t < post.acceptedAt) beforeAccepted++;
      perMinute[minuteOf(post)]?.push(t - post.acceptedAt);
      n++;
      first.set(id, Math.min(first.get(id) ?? Infinity, t));
      last.set(id, Math.max(last.get(id) ?? -Infinity, t));
    }
  }
  const dropped = new Set(run.readers.disconnections.map((d) => d.index));
  let missingOnDropped = 0;
  for (const post of run.posts) {
    const mark = seen.get(post.id);
    for (const c of open) if (dropped.has(c) && !mark?.[c]) missingOnDropped++;
  }
  const spread = new Float64Array([...first.keys()].map((id) => last.get(id)! - first.get(id)!));

  const released = new Map(run.questions.map((q) => [q.number, q]));
  const questionLatency: number[] = [];
  const questionSeen = new Set<string>();
  for (const arrivals of run.readers.questions) {
    for (let i = 0; i < arrivals.keys.length; i++) {
      const q = released.get(arrivals.keys[i]!);
      const key = `${arrivals.keys[i]}:${arrivals.connections[i]}`;
      if (!q || questionSeen.has(key)) continue;
      questionSeen.add(key);
      questionLatency.push(arrivals.times[i]! - q.acceptedAt);
    }
  }

  let misLinked = 0;
  let linkChecked = 0;
  for (const [id, question] of run.readers.postQuestions) {
    const post = byId.get(id);
    if (!post) continue;
    linkChecked++;
    if (post.intended !== question) misLinked++;
  }

  const seconds = run.loadMs / 1000;
  const failed = [...run.postErrors.values()].reduce((a, b) => a + b, 0);
  return {
    accepted: run.posts.length,
    failed,
    expected: run.posts.length * open.length,
    delivered: n,
    missing: run.posts.length * open.length - n,
    missingOnDropped,
    duplicates,
    unknown,
    latency: quantiles(latency.subarray(0, n)),
    beforeAccepted,
    fromSent: quantiles(fromSent.subarray(0, n)),
    post: quantiles(new Float64Array(run.posts.map((p) => p.acceptedAt - p.sentAt))),
    spread: quantiles(spread),
    question: quantiles(new Float64Array(questionLatency)),
    questionsExpected: run.questions.length * open.length,
    questionsDelivered: questionLatency.length,
    byMinute: perMinute.map((values, minute) => ({
      minute: minute + 1,
      posts: run.posts.filter((p) => minuteOf(p) === minute).length,
      latency: quantiles(new Float64Array(values)),
    })),
    postsPerSecond: run.posts.length / seconds,
    deliveriesPerSecond: n / seconds,
    misLinked,
    linkChecked,
  };
}
