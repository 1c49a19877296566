import { parseArgs } from 'node:util';
import { openApiDocument } from './api/openapi.ts';
import { CAPABILITIES } from './app/capabilities.ts';
import { loadDemo } from './app/demo/demo.ts';
import { createApp } from './app/http.tsx';
import { VERSION } from './app/kernel.ts';
import { startServer, startWorker } from './app/process.ts';
import { createServices, type Services, viewerByHandle } from './app/services.ts';
import { openDatabase } from './db/database.ts';
import { MigrationError, migrateToLatest, migrationStatus } from './db/migrate.ts';
import { CliError, usage } from './platform/cli.ts';
import { ConfigError, loadConfig } from './platform/config.ts';
import type { Command, Opened } from './web/capability.ts';

/** The capabilities' own commands (`user`, `feed` …), by name. */
const COMMANDS = new Map<string, { capability: string; command: Command<unknown> }>(
  CAPABILITIES.flatMap((capability) =>
    ((capability as { commands?: Command<unknown>[] }).commands ?? []).map(
      (command) => [command.name, { capability: capability.name, command }] as const,
    ),
  ),
);

const HELP = `Commonroom ${VERSION}: a home for a professional learning network.

Usage: commonroom <command> [options]     (or: npm run cli -- <command> [options])

  serve [--demo] [--port <n>] [--host <h>] [--no-jobs]
      Starts the web server (and the background job worker unless --no-jobs).
      --demo loads the demo community first when the database is empty.
  worker
      Runs only the background job worker (for separate worker processes).
  migrate [--status]
      Applies pending database migrations (serve does this too), or lists them.
  demo
      Loads the demo community into an empty database.
  openapi
      Prints the API's OpenAPI document.
${[...COMMANDS.values()].map(({ command }) => command.help).join('\n')}

Configuration comes from environment variables or commonroom.config.json; see the README.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'serve':
    case undefined: {
      const { values } = parseArgs({
        args,
        options: { demo: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' }, 'no-jobs': { type: 'boolean' } },
      });
      const config = loadConfig({ overrides: { port: values.port, host: values.host } });
      const services = await createServices(config);
      if (values.demo) await loadDemoIfEmpty(services);
      const server = await startServer(services, { jobs: values['no-jobs'] ? false : undefined });
      onShutdown(async () => {
        await server.close();
        await services.close();
      }, services);
      return;
    }
    case 'worker': {
      const services = await createServices(loadConfig());
      await startWorker(services);
      services.logger.info('Commonroom job worker started');
      onShutdown(() => services.close(), services);
      return;
    }
    case 'migrate': {
      const { values } = parseArgs({ args, options: { status: { type: 'boolean' } } });
      const config = loadConfig();
      const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        if (values.status) {
          for (const m of await migrationStatus(database)) console.log(`${m.appliedAt ? 'applied' : 'pending'}  ${m.name}`);
        } else {
          const applied = await migrateToLatest(database);
          console.log(applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.');
        }
      } finally {
        await database.close();
      }
      return;
    }
    case 'demo':
      return withServices(async (services) => {
        if (!(await loadDemoIfEmpty(services)))
          throw new CliError('The database already has members; the demo loads only into an empty one.');
      });
    case 'openapi':
      return withServices(async (services) => {
        console.log(JSON.stringify(openApiDocument(createApp(services), VERSION, services.config.baseUrl), null, 2));
      });
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return;
    case '--version':
      console.log(VERSION);
      return;
    default: {
      const found = COMMANDS.get(command);
      if (!found) throw usage(`unknown command "${command}"`);
      return runCommand(found.capability, found.command, args);
    }
  }
}

/** A capability's command: the application is built only when the command asks for it, and closed after. */
async function runCommand(capability: string, command: Command<unknown>, args: string[]): Promise<void> {
  let services: Services | null = null;
  const open = async (): Promise<Opened<unknown>> => {
    const config = loadConfig({ overrides: { logLevel: process.env.LOG_LEVEL ?? 'warn' } });
    services ??= await createServices(config);
    const opened = services;
    return {
      service: (opened.services as Record<string, unknown>)[capability],
      kernel: opened.kernel,
      viewer: (handle) => viewerByHandle(opened, handle),
    };
  };
  try {
    await command.run(args, { config: loadConfig(), version: VERSION, open });
  } finally {
    await (services as Services | null)?.close();
  }
}

async function withServices(work: (services: Services) => Promise<void>): Promise<void> {
  const config = loadConfig({ overrides: { logLevel: process.env.LOG_LEVEL ?? 'warn' } });
  const services = await createServices(config);
  try {
    await work(services);
  } finally {
    await services.close();
  }
}

async function loadDemoIfEmpty(services: Services): Promise<boolean> {
  const any = await services.database.db.selectFrom('members').select('id').limit(1).executeTakeFirst();
  if (any) {
    services.logger.info('demo not loaded: the database already has members');
    return false;
  }
  const summary = await loadDemo(services);
  services.logger.info(summary, 'demo community loaded');
  console.log(
    `Demo community loaded: ${summary.members} members, ${summary.posts} posts and ${summary.chats} chat transcripts. Sign in as any of them (e.g. "${summary.exampleHandle}") with the password "${summary.password}".`,
  );
  return true;
}

function onShutdown(close: () => Promise<void>, services: Services): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    services.logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        services.logger.error({ error: (error as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || error instanceof ConfigError || error instanceof MigrationError) {
    console.error(`commonroom: ${error.message}`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  }
  const e = error as Error & { code?: string };
  if (
    e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
    e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
    e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
  ) {
    console.error(`commonroom: ${e.message} (see "commonroom help")`);
    process.exit(2);
  }
  if (e.code === 'EADDRINUSE') {
    console.error(`commonroom: the port is already in use; set PORT to another one (${e.message})`);
    process.exit(1);
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === '28P01' || e.code === '3D000') {
    console.error(`commonroom: cannot reach the database: ${e.message}`);
    process.exit(1);
  }
  console.error(`commonroom: ${e.stack ?? String(error)}`);
  process.exit(1);
});
