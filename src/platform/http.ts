import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction, type Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/**
 * The one way Commonroom fetches URLs from the internet (link previews, feeds, federation).
 *
 * - SSRF guard: loopback, private, link-local, carrier-grade NAT, multicast, documentation and
 *   metadata addresses are refused, checked on the address the socket really connects to
 *   (after DNS, for every redirect hop; an IPv6 address that embeds an IPv4 one, such as
 *   IPv4-mapped, NAT64 or 6to4, is judged by the IPv4 address), unless the address is in the
 *   configured allow-list.
 * - Limits: a time limit for the whole exchange, a cap on the (decompressed) body size enforced
 *   while streaming, a bounded number of redirects.
 * - gzip, deflate and brotli; an honest User-Agent naming the site.
 */

export class FetchError extends Error {
  readonly code: 'blocked_address' | 'bad_url' | 'timeout' | 'too_large' | 'too_many_redirects' | 'network' | 'aborted';
  constructor(code: FetchError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface FetchOptions {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Largest body accepted, after decompression. */
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** `manual`: a redirect is returned as it is instead of followed (the caller re-signs and follows it). */
  redirect?: 'follow' | 'manual';
  signal?: AbortSignal;
}

export interface FetchResult {
  /** Status of the final response. */
  status: number;
  /** The URL the body came from (after redirects). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Each redirect followed, in order. */
  redirects: Array<{ status: number; from: string; to: string }>;
}

const DENIED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  DENIED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // Forms that embed an IPv4 address (::/96, ::ffff:0:0/96, ::ffff:0:0:0/96, NAT64
  // 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32) are judged by the address they embed
  // (see embeddedIPv4), so they are not listed here. (Node's BlockList also matches IPv4
  // addresses against IPv4-mapped rules: a `::ffff:0:0/96` rule would deny every IPv4 address.)
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  DENIED.addSubnet(network, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail read), or null. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  if (tail === undefined) return front;
  const back = groups(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * The IPv4 addresses an IPv6 address carries, when it is one of the forms that embed one:
 * IPv4-compatible `::a.b.c.d`, IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated
 * `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::…` and Teredo
 * `2001:0:server:…:client` (its server and its client, which is stored inverted). Null for
 * any other address.
 */
function embeddedIPv4(address: string): string[] | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && (g[5] === 0 || g[5] === 0xffff)) return [ipv4Of(g[6]!, g[7]!)];
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return [ipv4Of(g[6]!, g[7]!)];
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return [ipv4Of(g[6]!, g[7]!)];
  if (g[0] === 0x2002) return [ipv4Of(g[1]!, g[2]!)];
  if (g[0] === 0x2001 && g[1] === 0) return [ipv4Of(g[2]!, g[3]!), ipv4Of(~g[6]! & 0xffff, ~g[7]! & 0xffff)];
  return null;
}

export interface AddressPolicy {
  /** Addresses allowed although private (e.g. loopback for tests, an intranet feed server). */
  allow: BlockList;
}

/** Parses a comma-separated allow-list of CIDRs (`127.0.0.0/8,::1/128,10.1.2.3`). */
export function parseAllowList(text: string): BlockList {
  const list = new BlockList();
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family) throw new Error(`not an IP address or network: "${entry}"`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address!, prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix), type);
  }
  return list;
}

/**
 * Is this (resolved) address one we must not connect to? An IPv6 address that embeds IPv4
 * addresses is refused when any of them is (the allow-list applies to them too), unless the
 * allow-list names the IPv6 address itself.
 */
export function isDeniedAddress(address: string, policy: AddressPolicy): boolean {
  const family = isIP(address);
  if (!family) return true;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (policy.allow.check(address, type)) return false;
  const embedded = family === 6 ? embeddedIPv4(address) : null;
  if (embedded) return embedded.some((v4) => isDeniedAddress(v4, policy));
  return DENIED.check(address, type);
}

export class HttpClient {
  readonly #policy: AddressPolicy;
  readonly #userAgent: string;
  readonly #lookup: LookupFunction;

  constructor(options: { userAgent: string; allowPrivate?: string }) {
    this.#policy = { allow: parseAllowList(options.allowPrivate ?? '') };
    this.#userAgent = options.userAgent;
    const policy = this.#policy;
    // Resolve, then refuse if any address is denied (a name must not mix public and private answers).
    this.#lookup = ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error);
        const denied = addresses.find((a) => isDeniedAddress(a.address, policy));
        if (denied) return callback(new FetchError('blocked_address', `${hostname} resolves to a private address (${denied.address})`));
        if (options.all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(new FetchError('network', `${hostname} has no address`));
        return callback(null, first.address, first.family);
      });
    }) as unknown as LookupFunction;
  }

  get userAgent(): string {
    return this.#userAgent;
  }

  async fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    const redirects: FetchResult['redirects'] = [];
    let current = url;
    let method = options.method ?? 'GET';
    let body = options.body;
    for (let hop = 0; ; hop++) {
      const response = await this.#request(current, { ...options, method, body }, signal, timeoutMs);
      const location = response.headers.location;
      if (options.redirect !== 'manual' && [301, 302, 303, 307, 308].includes(response.statusCode ?? 0) && typeof location === 'string') {
        response.resume();
        if (hop >= (options.maxRedirects ?? 5))
          throw new FetchError('too_many_redirects', `more than ${options.maxRedirects ?? 5} redirects`);
        let next: string;
        try {
          next = new URL(location, current).toString();
        } catch {
          throw new FetchError('bad_url', `the site redirects to an address that is not valid: ${location.slice(0, 200)}`);
        }
        redirects.push({ status: response.statusCode!, from: current, to: next });
        if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        current = next;
        continue;
      }
      const bytes = method === 'HEAD' ? Buffer.alloc(0) : await readBody(response, options.maxBytes ?? 10 * 1024 * 1024, signal);
      return { status: response.statusCode ?? 0, url: current, headers: response.headers, body: bytes, redirects };
    }
  }

  #request(url: string, options: FetchOptions, signal: AbortSignal, timeoutMs: number): Promise<IncomingMessage> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.reject(new FetchError('bad_url', `not a valid URL: ${url}`));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return Promise.reject(new FetchError('bad_url', `only http and https addresses can be fetched, not ${target.protocol}`));
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isDeniedAddress(host, this.#policy)) {
      return Promise.reject(new FetchError('blocked_address', `${host} is a private address`));
    }
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        target,
        {
          method: options.method,
          headers: {
            'user-agent': this.#userAgent,
            'accept-encoding': 'gzip, deflate, br',
            ...options.headers,
          },
          lookup: this.#lookup,
          signal,
          agent: false,
        },
        resolve,
      );
      request.on('socket', (socket: Socket) => {
        // Belt and braces: check where the socket really went.
        socket.once('connect', () => {
          const remote = socket.remoteAddress;
          if (!remote || isDeniedAddress(remote, this.#policy)) {
            request.destroy(new FetchError('blocked_address', `${target.hostname} connected to a private address (${remote})`));
          }
        });
      });
      request.on('error', (error: Error & { code?: string }) => {
        if (error instanceof FetchError) return reject(error);
        if (signal.aborted) {
          const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
          return reject(
            timedOut
              ? new FetchError('timeout', `no complete answer within ${Math.round(timeoutMs / 1000)} s`)
              : new FetchError('aborted', 'the fetch was cancelled'),
          );
        }
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof FetchError) return reject(cause);
        reject(new FetchError('network', networkMessage(error)));
      });
      request.end(options.body);
    });
  }
}

function networkMessage(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'ENOTFOUND':
      return 'the site’s name does not exist (DNS)';
    case 'ECONNREFUSED':
      return 'the site refused the connection';
    case 'ECONNRESET':
      return 'the site closed the connection';
    case 'CERT_HAS_EXPIRED':
      return 'the site’s certificate has expired';
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message;
  }
}

/** Reads (and decompresses) a response body, refusing it as soon as it passes `maxBytes`. */
function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const encoding = String(response.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    let stream: IncomingMessage | Transform = response;
    if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(createGunzip());
    else if (encoding === 'deflate') stream = response.pipe(createInflate());
    else if (encoding === 'br') stream = response.pipe(createBrotliDecompress());
    const declared = Number(response.headers['content-length']);
    if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      return reject(new FetchError('too_large', `the answer is larger than ${Math.round(maxBytes / 1024)} KB`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // Settle first: destroying the response emits 'aborted' and 'error' synchronously, which
    // would otherwise win with a misleading "the site stopped sending".
    const fail = (error: Error) => {
      reject(error);
      response.destroy();
      if (stream !== response) (stream as Transform).destroy();
    };
    const cut = (message: string) =>
      signal.aborted ? new FetchError('timeout', 'the answer did not finish in time') : new FetchError('network', message);
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(new FetchError('too_large', `the answer is larger than ${Math.round(maxBytes / 1024)} KB`));
      else chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', (error: Error) => fail(cut(`the answer could not be read: ${error.message}`)));
    response.on('error', (error: Error) => fail(cut(error.message)));
    response.on('aborted', () => fail(cut('the site stopped sending')));
  });
}
