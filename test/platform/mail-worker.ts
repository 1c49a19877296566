/**
 * A separate worker process that sends mail, for the crash test (test/platform/mail-crash.test.ts):
 * the product's job runner and Mailer on the test's database, with its clock moved on by
 * `clockOffsetMs` (the test's clock may be ahead of the machine's).
 * Usage: mail-worker.ts <dataDir> <databaseUrl|''> <smtpUrl> <clockOffsetMs>
 */
import { openDatabase } from '../../src/db/database.ts';
import { Jobs } from '../../src/jobs/jobs.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { MAIL_JOB, MAIL_JOB_OPTIONS, Mailer } from '../../src/platform/mail.ts';

const [dataDir, databaseUrl, smtpUrl, offset] = process.argv.slice(2);
const clockOffsetMs = Number(offset ?? 0);
const clock = { now: () => Date.now() + clockOffsetMs };
const config = loadConfig({
  file: null,
  env: { DATA_DIR: dataDir!, SMTP_URL: smtpUrl!, BASE_URL: 'http://127.0.0.1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
});
const logger = createLogger('silent');
const database = openDatabase({ dataDir: dataDir!, databaseUrl: databaseUrl || undefined });
const jobs = new Jobs(database, logger, { clock });
const mail = new Mailer({ database, config, clock, logger, enqueue: (kind, payload, options) => jobs.enqueue(kind, payload, options) });
// The kernel's job, as the composition root registers it.
jobs.register(MAIL_JOB, (payload: { id: number }, ctx) => mail.deliver(payload, ctx), MAIL_JOB_OPTIONS);
jobs.start({ concurrency: 2, pollMs: 50 });
console.log('ready');
