import { Agent, request } from 'node:http';

export interface TimedResponse {
  status: number;
  body: string;
  /** From sending the request to the last byte of the response. */
  ms: number;
  /**
   * CPU time this process used meanwhile. When the server runs in this process, that is its
   * own work (plus the client's small share), which waiting for a busy core does not inflate.
   */
  cpuMs: number;
}

export interface RequestOptions {
  /** An API token (Bearer). */
  token?: string;
  json?: unknown;
  /** A `Cookie` header: a signed-in browser's session. */
  cookie?: string;
}

/**
 * A minimal HTTP client for latency measurements: one kept-alive connection, so no request
 * pays for a TCP handshake, and nothing but reading the bytes inside the timed window
 * (callers parse JSON afterwards).
 */
export class TimingClient {
  readonly #base: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(baseUrl: string) {
    this.#base = new URL(baseUrl);
  }

  send(method: string, path: string, options: RequestOptions = {}): Promise<TimedResponse> {
    const payload = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
    // With a session cookie it is a browser asking for a page; otherwise an API client.
    const headers: Record<string, string> = { accept: options.cookie ? 'text/html' : 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const req = request(new URL(path, this.#base), { method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const elapsed = performance.now() - started;
          const used = process.cpuUsage(cpu);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: elapsed,
            cpuMs: (used.user + used.system) / 1000,
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends and fails loudly on an unexpected status: a benchmark of error pages measures nothing. */
  async expect(status: number, method: string, path: string, options: RequestOptions = {}): Promise<TimedResponse> {
    const response = await this.send(method, path, options);
    if (response.status !== status)
      throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${response.body.slice(0, 300)}`);
    return response;
  }

  close(): void {
    this.#agent.destroy();
  }
}
