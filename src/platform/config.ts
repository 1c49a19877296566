import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Configuration: defaults < config file < environment < command-line flags.
 * Every key is documented in the README's configuration table; keep them in step.
 */
const SIGNUP_MODES = ['open', 'invite', 'closed'] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];

const booleanish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v)));

const ConfigSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().min(1).default('0.0.0.0'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (leave it unset for SQLite)')
    .optional(),
  siteName: z.string().min(1).max(80).default('Commonroom'),
  signupMode: z.enum(SIGNUP_MODES).default('open'),
  /** The zone times are shown in to people who are not signed in (members see their own). */
  siteTimeZone: z
    .string()
    .refine((zone) => {
      try {
        return !/^[+-]/.test(zone) && new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone !== '';
      } catch {
        return false;
      }
    }, 'must be a time zone such as America/New_York or UTC')
    .default('UTC'),
  secretKey: z.string().min(32, 'must be at least 32 characters').optional(),
  maxUploadBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  trustProxy: booleanish.default(false),
  runJobs: booleanish.default(true),
  jobConcurrency: z.coerce.number().int().min(1).max(64).default(4),
  signupsPerHour: z.coerce.number().int().min(1).default(50),
  postMaxChars: z.coerce.number().int().min(100).max(100_000).default(1000),
  fetchAllowPrivate: z.string().default(''),
  feedConcurrency: z.coerce.number().int().min(1).max(512).default(16),
  feedHostConcurrency: z.coerce.number().int().min(1).max(512).default(2),
  feedMaxBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** Disk the cache of remote images may take (least recently shown files go first). */
  remoteMediaCacheBytes: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(1024 * 1024 * 1024),
  /** Concurrent federation jobs (deliveries, received activities) per worker process. */
  federationConcurrency: z.coerce.number().int().min(1).max(256).default(16),
  /** Seconds a server has to answer one delivery before it counts as failed (and is retried). */
  federationTimeout: z.coerce.number().int().min(1).max(300).default(10),
  /**
   * Seconds a client has to send a request's headers; a request body may also stall this long
   * beyond one second per 500 bytes received (slow clients holding connections are closed).
   */
  requestTimeout: z.coerce.number().int().min(1).max(3600).default(20),
  /** Outgoing mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; unset writes .eml files under DATA_DIR/mail. */
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, 'must look like smtp://user:pass@host:587 or smtps://user:pass@host:465')
    .refine((url) => URL.canParse(url), 'is not a valid URL (encode special characters of the user and password with %XX)')
    .optional(),
  /** The sender of outgoing mail ("Commonroom <noreply@example.org>"); by default the site's name at noreply@ the host of BASE_URL. */
  mailFrom: z.string().min(3).max(200).optional(),
  /** Serve HTTPS directly (otherwise put a TLS-terminating proxy in front). */
  tlsCertFile: z.string().optional(),
  tlsKeyFile: z.string().optional(),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, 'baseUrl'> & {
  baseUrl: string;
  /** Whether BASE_URL was given (otherwise links say http://localhost:PORT, and administrators are warned). */
  baseUrlSet: boolean;
  /** Absolute data directory. */
  dataDir: string;
  /** Secure cookies when the public address is https. */
  secureCookies: boolean;
};

/** Environment variable for each key. */
export const ENV_NAMES: Record<keyof z.infer<typeof ConfigSchema>, string> = {
  port: 'PORT',
  host: 'HOST',
  baseUrl: 'BASE_URL',
  dataDir: 'DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  siteName: 'SITE_NAME',
  signupMode: 'SIGNUP_MODE',
  siteTimeZone: 'SITE_TIME_ZONE',
  secretKey: 'SECRET_KEY',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  logLevel: 'LOG_LEVEL',
  trustProxy: 'TRUST_PROXY',
  runJobs: 'RUN_JOBS',
  jobConcurrency: 'JOB_CONCURRENCY',
  signupsPerHour: 'SIGNUPS_PER_HOUR',
  postMaxChars: 'POST_MAX_CHARS',
  fetchAllowPrivate: 'FETCH_ALLOW_PRIVATE',
  feedConcurrency: 'FEED_CONCURRENCY',
  feedHostConcurrency: 'FEED_HOST_CONCURRENCY',
  feedMaxBytes: 'FEED_MAX_BYTES',
  remoteMediaCacheBytes: 'REMOTE_MEDIA_CACHE_BYTES',
  federationConcurrency: 'FEDERATION_CONCURRENCY',
  federationTimeout: 'FEDERATION_TIMEOUT',
  requestTimeout: 'REQUEST_TIMEOUT',
  smtpUrl: 'SMTP_URL',
  mailFrom: 'MAIL_FROM',
  tlsCertFile: 'TLS_CERT_FILE',
  tlsKeyFile: 'TLS_KEY_FILE',
};

export class ConfigError extends Error {}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Explicit config file, or null for none; otherwise COMMONROOM_CONFIG or ./commonroom.config.json when present. */
  file?: string | null;
  overrides?: Partial<Record<keyof typeof ENV_NAMES, unknown>>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = {};

  const file =
    options.file === null
      ? undefined
      : (options.file ?? env.COMMONROOM_CONFIG ?? (existsSync('commonroom.config.json') ? 'commonroom.config.json' : undefined));
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`config file ${file}: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`config file ${file}: expected a JSON object`);
    }
    Object.assign(raw, parsed);
  }
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) raw[key] = value;
  }

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const name = key in ENV_NAMES ? `${ENV_NAMES[key as keyof typeof ENV_NAMES]} (${key})` : key || 'config';
    throw new ConfigError(`${name}: ${issue.message}`);
  }
  const value = result.data;
  const baseUrl = (value.baseUrl ?? `http://localhost:${value.port || 3000}`).replace(/\/+$/, '');
  return {
    ...value,
    baseUrl,
    baseUrlSet: value.baseUrl !== undefined,
    dataDir: resolve(value.dataDir),
    secureCookies: baseUrl.startsWith('https:'),
  };
}
