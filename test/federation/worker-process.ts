/**
 * A job worker in a process of its own for the federation crash tests (crash.test.ts): what
 * `commonroom worker` runs (the services, the main worker and the federation lane), in a process
 * that resolves the test's host names and trusts its certificate authority, as the test process
 * does (test/support/tls.ts).
 *
 * With `crashAfter` ('fanout' or 'outbox'), the first time a job queues Fedify messages of that
 * type, the worker prints `crash point: <type> ×<n>` once the queueing call has returned, and
 * then waits before going on, so the test can `kill -9` it exactly there.
 *
 * Usage: worker-process.ts '<json: { env, hosts, caCertPem, crashAfter? }>'
 */

import { createServices } from '../../src/app/services.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { mapHosts, trustCa } from '../support/tls.ts';

interface Options {
  env: Record<string, string>;
  hosts: Record<string, string>;
  caCertPem: string;
  crashAfter?: 'fanout' | 'outbox';
}

const options = JSON.parse(process.argv[2]!) as Options;
mapHosts(options.hosts);
trustCa(options.caCertPem);
const services = await createServices(loadConfig({ file: null, env: options.env }));

if (options.crashAfter) {
  const { jobs } = services;
  let reached = false;
  const pause = async (payloads: readonly unknown[]) => {
    const matching = payloads.filter((p) => (p as { type?: string } | null)?.type === options.crashAfter);
    if (reached || matching.length === 0) return;
    reached = true;
    console.log(`crash point: ${options.crashAfter} ×${matching.length}`);
    // Long enough for the test to see the line and kill this process; never reached in a passing run.
    await new Promise((resolve) => setTimeout(resolve, 5000));
  };
  const enqueue = jobs.enqueue.bind(jobs);
  const enqueueMany = jobs.enqueueMany.bind(jobs);
  jobs.enqueue = async (kind, payload, opts) => {
    const id = await enqueue(kind, payload, opts);
    await pause([payload]);
    return id;
  };
  jobs.enqueueMany = async (kind, payloads, opts) => {
    await enqueueMany(kind, payloads, opts);
    await pause(payloads);
  };
}

services.jobs.start({ concurrency: 2, pollMs: 100, lanes: { federation: services.config.federationConcurrency } });
console.log('ready');
process.once('SIGTERM', () => {
  void services.close().then(() => process.exit(0));
});
