/**
 * A separate worker process for the crash test: it runs `test.effect` jobs whose effect is
 * written through ctx.complete, announcing on stdout when a job has started so the test can
 * `kill -9` it in the middle. Usage: worker-process.ts <dataDir> [databaseUrl]
 */
import { openDatabase } from '../../src/db/database.ts';
import { Jobs } from '../../src/jobs/jobs.ts';
import { createLogger } from '../../src/platform/logger.ts';

const [dataDir, databaseUrl] = process.argv.slice(2);
const database = openDatabase({ dataDir: dataDir!, databaseUrl: databaseUrl || undefined });
const jobs = new Jobs(database, createLogger('silent'), { leaseGraceMs: 300 });

jobs.register<{ label: string; holdMs: number }>(
  'test.effect',
  async (payload, ctx) => {
    console.log(`started ${payload.label} attempt ${ctx.attempt}`);
    await new Promise((resolve) => setTimeout(resolve, payload.holdMs));
    await ctx.complete(async (tx) => {
      await tx
        .insertInto('settings')
        .values({ key: `effect:${payload.label}:${ctx.jobId}:${ctx.attempt}`, value: '1', updated_at: Date.now() })
        .execute();
    });
    console.log(`done ${payload.label}`);
  },
  { timeoutMs: 1500, backoffMs: 50 },
);
jobs.start({ concurrency: 2, pollMs: 100 });
console.log('ready');
process.once('SIGTERM', () => {
  void jobs
    .stop(1000)
    .then(() => database.close())
    .then(() => process.exit(0));
});
