/**
 * A separate worker process that refreshes feeds, for the crash test (test/feeds/crash.test.ts):
 * the product's job runner and feed refresher on the test's database, with its clock moved on
 * by `clockOffsetMs` (a worker started "one lease later" without the test waiting for it).
 * Usage: refresh-worker.ts <dataDir> <databaseUrl|''> <clockOffsetMs>
 */
import { openDatabase } from '../../src/db/database.ts';
import { FeedsService, feeds as feedsCapability } from '../../src/feeds/index.ts';
import { Jobs } from '../../src/jobs/jobs.ts';
import { HttpClient } from '../../src/platform/http.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { SiteSettings } from '../../src/platform/settings.ts';

const [dataDir, databaseUrl, offset] = process.argv.slice(2);
const clockOffsetMs = Number(offset ?? 0);
const clock = { now: () => Date.now() + clockOffsetMs };
const logger = createLogger('silent');
const database = openDatabase({ dataDir: dataDir!, databaseUrl: databaseUrl || undefined });
const jobs = new Jobs(database, logger, { clock });
const http = new HttpClient({ userAgent: 'Commonroom/test (+http://127.0.0.1)', allowPrivate: '127.0.0.1' });
const feeds = new FeedsService({
  database,
  http,
  logger,
  options: { concurrency: 4, perHost: 2, maxBytes: 1024 * 1024, clock },
  // This worker only refreshes: nothing in it shares an item to a stream.
  posts: {
    create: () => Promise.reject(new Error('the refresh worker does not post')),
  },
  config: { postMaxChars: 1000 },
  settings: new SiteSettings(database, { siteName: 'Test', signupMode: 'open' }),
});
// The capability's own job, as the composition root registers and schedules it.
for (const spec of feedsCapability.jobs!(feeds)) {
  jobs.register(spec.kind, spec.run, spec.options);
  if (spec.every) await jobs.schedule(spec.kind, spec.kind, null, spec.every, spec.startAtOnce ? clock.now() : undefined);
}
jobs.start({ concurrency: 2, pollMs: 100 });
console.log('ready');
process.once('SIGTERM', () => {
  void jobs
    .stop(1000)
    .then(() => database.close())
    .then(() => process.exit(0));
});
