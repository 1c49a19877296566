import { performance } from 'node:perf_hooks';
import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import { sleep } from './delivery.ts';
import { MemorySampler, NO_WINDOW, type Remote, type Window } from './remotes.ts';
import type { BenchServer } from './server.ts';

/**
 * Part 2: `activities` signed Create(Note) activities from `actors` remote actors the member
 * follows, POSTed to the shared inbox `concurrency` at a time. The actors' documents (with
 * their RSA public keys) are served by one simulated server, so Fedify fetches each key once
 * over loopback and verifies every request's draft-cavage HTTP signature. Requests are signed
 * before the clock starts, so the client's signing does not count against the server.
 */

export interface InboxResult {
  actors: number;
  activities: number;
  concurrency: number;
  signMs: number;
  /** From the first request sent to the last response. */
  doorMs: number;
  accepted: number;
  /** Non-2xx answers by status (and first body), and requests that failed outright. */
  refused: Record<string, number>;
  responseMs: { p50: number; p99: number; max: number };
  /** From the first request sent until the last accepted activity was a stored post (null: gave up). */
  storedMs: number | null;
  stored: number;
  /** federation.receive jobs that failed an attempt, and the first error. */
  receiveErrors: number;
  receiveError: string | null;
  memory: { startRss: number; peakRss: number; peakHeapUsed: number };
}

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

export async function measureInbox(
  server: BenchServer,
  host: Remote,
  options: { actors: number; activities: number; concurrency: number; stallMs: number; progress: (line: string) => void },
  window: Window = NO_WINDOW,
): Promise<InboxResult> {
  const names = Array.from({ length: options.actors }, (_, i) => `author${i}`);
  const actors = await Promise.all(
    names.map(async (name) => {
      const pair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
      const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
      const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
      const id = `${host.origin}/users/${name}`;
      host.documents.set(`/users/${name}`, {
        '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
        id,
        type: 'Person',
        preferredUsername: name,
        name: `Author ${name.slice(6)}`,
        inbox: `${id}/inbox`,
        endpoints: { sharedInbox: `${host.origin}/inbox` },
        followers: `${id}/followers`,
        publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem },
      });
      return { id, keyId: new URL(`${id}#main-key`), privateKey: pair.privateKey };
    }),
  );
  await server.addFollowees(host, names);

  const inbox = `${server.baseUrl}/inbox`;
  const signStart = performance.now();
  const requests: Array<{ headers: Array<[string, string]>; body: string }> = [];
  for (let i = 0; i < options.activities; i++) {
    const actor = actors[i % actors.length]!;
    const published = new Date().toISOString();
    const note = `${actor.id}/statuses/${i}`;
    const body = JSON.stringify({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${note}/activity`,
      type: 'Create',
      actor: actor.id,
      published,
      to: [PUBLIC],
      cc: [`${actor.id}/followers`],
      object: {
        id: note,
        type: 'Note',
        attributedTo: actor.id,
        published,
        to: [PUBLIC],
        cc: [`${actor.id}/followers`],
        content: `<p>Note ${i} from a benchmark: what are you reading this week?</p>`,
      },
    });
    const signed = await signRequest(
      new Request(inbox, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body }),
      actor.privateKey,
      actor.keyId,
    );
    requests.push({ headers: [...signed.headers], body });
  }
  const signMs = performance.now() - signStart;

  const before = await server.remotePosts();
  await window.start();
  const memory = new MemorySampler();
  const refused: Record<string, number> = {};
  const latencies: number[] = [];
  let accepted = 0;
  let next = 0;
  const t0 = performance.now();
  const sender = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const { headers, body } = requests[i]!;
      const start = performance.now();
      try {
        const response = await fetch(inbox, { method: 'POST', headers, body });
        const text = await response.text();
        latencies.push(performance.now() - start);
        if (response.status >= 200 && response.status < 300) accepted++;
        else
          refused[`${response.status} ${text.slice(0, 80)}`.trim()] = (refused[`${response.status} ${text.slice(0, 80)}`.trim()] ?? 0) + 1;
      } catch (error) {
        const key = `request failed: ${(error as Error).message}`;
        refused[key] = (refused[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, requests.length) }, sender));
  const doorMs = performance.now() - t0;

  // Stored: poll the posts table until every accepted activity is a post, or nothing moves for stallMs.
  let stored = 0;
  let storedMs: number | null = null;
  let lastChange = performance.now();
  let lastProgress = performance.now();
  for (;;) {
    const n = (await server.remotePosts()) - before;
    if (n !== stored) lastChange = performance.now();
    stored = n;
    if (stored >= accepted) {
      storedMs = performance.now() - t0;
      break;
    }
    if (performance.now() - lastChange > options.stallMs) break;
    if (performance.now() - lastProgress >= 5000) {
      lastProgress = performance.now();
      options.progress(`${((lastProgress - t0) / 1000).toFixed(0)} s: ${stored} of ${accepted} accepted activities stored`);
    }
    await sleep(50);
  }
  const mem = memory.stop();
  await window.stop();
  const receiveJobs = (await server.federationJobs()).filter((j) => j.kind === 'federation.receive' && j.last_error);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  return {
    actors: options.actors,
    activities: options.activities,
    concurrency: options.concurrency,
    signMs,
    doorMs,
    accepted,
    refused,
    responseMs: { p50: q(50), p99: q(99), max: latencies.at(-1) ?? NaN },
    storedMs,
    stored,
    receiveErrors: receiveJobs.length,
    receiveError: receiveJobs[0]?.last_error?.split('\n')[0] ?? null,
    memory: mem,
  };
}
