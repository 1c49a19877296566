import { Agent, request } from 'node:http';
import { now } from './text.ts';

/**
 * The participants' HTTP client for API calls: kept-alive connections without a pool limit
 * (200 people post at once), dropped after 4 s idle — before the server's 5 s keep-alive
 * timeout closes them, which would race a request being sent on them. A request that still
 * meets a connection the server just closed (ECONNRESET before any answer, on a reused
 * connection) is sent once more on a new one, as browsers do; such retries are counted.
 */

export interface ApiAnswer {
  status: number;
  body: string;
  /** When the answer's headers arrived (text.ts now()); NaN on a network error. */
  at: number;
  /** A network error (no answer), or ''. */
  error: string;
  retried: boolean;
}

export class ApiClient {
  readonly #base: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4000 });
  retries = 0;

  constructor(baseUrl: string) {
    this.#base = new URL(baseUrl);
  }

  async send(method: string, path: string, token: string, json?: unknown): Promise<ApiAnswer> {
    const first = await this.#once(method, path, token, json);
    if (!first.reusedReset) return { ...first, retried: false };
    this.retries++;
    return { ...(await this.#once(method, path, token, json)), retried: true };
  }

  #once(method: string, path: string, token: string, json: unknown): Promise<Omit<ApiAnswer, 'retried'> & { reusedReset: boolean }> {
    const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    return new Promise((resolve) => {
      const req = request(new URL(path, this.#base), { method, agent: this.#agent, headers, timeout: 30_000 }, (res) => {
        const at = now();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at, error: '', reusedReset: false }),
        );
        res.on('error', (error) => resolve({ status: res.statusCode ?? 0, body: '', at, error: error.message, reusedReset: false }));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({
          status: 0,
          body: '',
          at: NaN,
          error: error.code ?? error.message,
          reusedReset: req.reusedSocket && error.code === 'ECONNRESET',
        }),
      );
      req.end(payload);
    });
  }

  /** Sends and fails loudly unless the status is `status`. */
  async expect(status: number, method: string, path: string, token: string, json?: unknown): Promise<ApiAnswer> {
    const answer = await this.send(method, path, token, json);
    if (answer.status !== status)
      throw new Error(`${method} ${path}: expected ${status}, got ${answer.error || `${answer.status}: ${answer.body.slice(0, 300)}`}`);
    return answer;
  }

  close(): void {
    this.#agent.destroy();
  }
}
