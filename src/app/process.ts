import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './http.tsx';
import type { Services } from './services.ts';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server (and, unless told otherwise, the job worker) on the configured port. */
export async function startServer(services: Services, options: { jobs?: boolean } = {}): Promise<RunningServer> {
  const { config, logger } = services;
  const app = createApp(services);
  const tls =
    config.tlsCertFile && config.tlsKeyFile ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) } : null;
  const timeoutMs = config.requestTimeout * 1000;
  const limits = {
    // The request line and headers must arrive within this (Node closes the connection).
    headersTimeout: timeoutMs,
    // No limit on the whole request: a large upload on a slow line may take long. A body that
    // stalls is cut by closeStalledBodies instead. (Responses, such as the live pages' streams, are not limited.)
    requestTimeout: 0,
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, timeoutMs / 4)),
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        serverOptions: { ...limits, ...tls },
        ...(tls ? { createServer: createHttpsServer } : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const stopWatching = closeStalledBodies(server as Server, timeoutMs);
  const port = (server.address() as AddressInfo).port;
  if (options.jobs ?? config.runJobs) {
    await startWorker(services);
  }
  const url = config.baseUrl;
  logger.info({ port, host: config.host, url, database: services.database.location }, 'Commonroom is listening');
  logger.info({ mail: services.mail.describe() }, 'outgoing mail');
  // A misconfigured or unreachable SMTP server is said at once; mail waits and is retried meanwhile.
  void services.mail.check().then((problem) => {
    if (problem) logger.warn({ mail: problem }, 'outgoing mail: the SMTP server cannot be used now; mail is kept and retried');
  });
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        stopWatching();
        server.close(() => resolve());
        // Let open keep-alive and SSE connections go.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** A request body must keep coming at this pace, on average, once its grace period is used up. */
const BODY_MIN_BYTES_PER_SECOND = 500;

/**
 * Closes the connection of a request whose body stalls: a body may wait for its client
 * `graceMs`, plus one second for every 500 bytes it has sent. Only time spent waiting for the
 * client counts (not time the body sits unread while the application is busy), so a slow
 * but steady upload of any allowed size goes on, and one trickling bytes to hold a
 * connection open ("slowloris") is cut. Requests without a body, such as the live pages'
 * event streams, are not watched. Time is counted in ticks, so a busy server is lenient.
 */
function closeStalledBodies(server: Server, graceMs: number): () => void {
  const tickMs = Math.min(1000, Math.max(50, Math.round(graceMs / 10)));
  const watched = new Map<IncomingMessage, { startBytes: number; waitedMs: number }>();
  server.on('request', (request: IncomingMessage) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody || request.complete) return;
    watched.set(request, { startBytes: request.socket.bytesRead, waitedMs: 0 });
    request.once('close', () => watched.delete(request));
  });
  const timer = setInterval(() => {
    for (const [request, state] of watched) {
      if (request.complete || request.destroyed) {
        watched.delete(request);
        continue;
      }
      // Body bytes waiting to be read: the application is the one taking its time.
      if (request.readableLength > 0) continue;
      state.waitedMs += tickMs;
      const received = request.socket.bytesRead - state.startBytes;
      if (state.waitedMs > graceMs + (received / BODY_MIN_BYTES_PER_SECOND) * 1000) {
        watched.delete(request);
        request.socket.destroy();
      }
    }
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Schedules the recurring jobs and starts working through the queue (serve, or a worker process). */
export async function startWorker(services: Services): Promise<void> {
  const { config, jobs } = services;
  await services.schedule();
  jobs.start({ concurrency: config.jobConcurrency, lanes: { federation: config.federationConcurrency } });
}
