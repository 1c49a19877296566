import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hmac, safeEqual } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { FetchResult, HttpClient } from '../platform/http.ts';

export const REMOTE_MEDIA_MAX_BYTES = 8 * 1024 * 1024;
const TYPES = /^(image\/(png|jpeg|gif|webp|avif)|video\/(mp4|webm)|audio\/(mpeg|ogg|mp4))$/;

/** When the cache is over its size, files go until it is at this share of it (so trimming is rare). */
const TRIM_TO = 0.9;
/** A download left half-written (a crash) is removed after this long. */
const STALE_TMP_MS = 3600_000;

/**
 * Remote images (avatars, post attachments) are shown through this server: readers' addresses
 * never reach other servers, a file is fetched once (through the SSRF-guarded client, at most
 * 8 MB, only image, video and audio types) and kept on disk. Links are signed with the site's
 * secret, so the proxy cannot be used to fetch arbitrary URLs.
 *
 * The disk cache has a total size (REMOTE_MEDIA_CACHE_BYTES). A file's modification time is
 * when it was last shown (set on every hit); when a new file takes the cache past its size,
 * the least recently shown files are removed until it is back to 90% of it. A removed file is
 * fetched again the next time it is shown. Each process counts the bytes it adds and re-reads
 * the directory when trimming, so files other processes added are counted too.
 */
export interface MediaProxyDeps {
  http: HttpClient;
  /** Signs the links (the site's secret). */
  secretKey: string;
  dataDir: string;
  /** The disk cache's total size. */
  maxBytes?: number;
}

export class MediaProxyService {
  readonly #http: HttpClient;
  readonly #secret: string;
  readonly #dir: string;
  readonly #maxBytes: number;
  /** Bytes in the cache as this process last knew them (null: not read yet). */
  #bytes: number | null = null;
  #trimming: Promise<void> | null = null;
  #trimAgain = false;
  /** The last "last shown" time given, so that two files shown in the same millisecond keep their order. */
  #lastStamp = 0;

  constructor(deps: MediaProxyDeps) {
    this.#http = deps.http;
    this.#secret = deps.secretKey;
    this.#dir = join(deps.dataDir, 'media', 'remote');
    this.#maxBytes = deps.maxBytes ?? 1024 * 1024 * 1024;
  }

  /** The local address that shows `remoteUrl`. */
  url(remoteUrl: string): string {
    const encoded = Buffer.from(remoteUrl).toString('base64url');
    return `/media/remote/${this.#sign(remoteUrl)}/${encoded}`;
  }

  #sign(remoteUrl: string): string {
    return hmac(this.#secret, `media:${remoteUrl}`).slice(0, 24);
  }

  /** The bytes and type behind a proxy address (fetched on first use). */
  async get(signature: string, encoded: string): Promise<{ bytes: Buffer; contentType: string }> {
    const remoteUrl = Buffer.from(encoded, 'base64url').toString('utf8');
    if (!safeEqual(signature, this.#sign(remoteUrl))) throw UserError.notFound('There is no such file.');
    const key = createHash('sha256').update(remoteUrl).digest('hex');
    const file = join(this.#dir, key.slice(0, 2), key);
    try {
      const [bytes, contentType] = await Promise.all([readFile(file), readFile(`${file}.type`, 'utf8')]);
      await this.#touch(file);
      return { bytes, contentType };
    } catch {
      // Not cached (yet, or any more).
    }
    let response: FetchResult;
    try {
      response = await this.#http.fetch(remoteUrl, {
        maxBytes: REMOTE_MEDIA_MAX_BYTES,
        timeoutMs: 20_000,
        headers: { accept: 'image/*, video/*, audio/*' },
      });
    } catch (error) {
      throw new UserError(502, 'media_unavailable', `The file could not be fetched from its server: ${(error as Error).message}`);
    }
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (response.status !== 200) throw new UserError(502, 'media_unavailable', `The file’s server answered ${response.status}.`);
    if (!TYPES.test(contentType))
      throw new UserError(415, 'unsupported_media', `Files of type “${contentType || 'unknown'}” are not shown.`);
    await mkdir(join(this.#dir, key.slice(0, 2)), { recursive: true });
    await writeFile(`${file}.tmp`, response.body);
    await writeFile(`${file}.type`, contentType);
    await rename(`${file}.tmp`, file);
    await this.#touch(file);
    await this.#added(response.body.length + Buffer.byteLength(contentType));
    return { bytes: response.body, contentType };
  }

  /** Marks a file as shown now (its modification time), for least-recently-shown eviction. */
  async #touch(file: string): Promise<void> {
    const stamp = Math.max(Date.now(), this.#lastStamp + 1);
    this.#lastStamp = stamp;
    await utimes(file, stamp / 1000, stamp / 1000).catch(() => {});
  }

  /** Counts a new file in, and trims the cache when it is over its size. */
  async #added(bytes: number): Promise<void> {
    // A trim under way may have read this file's directory already: it looks once more.
    if (this.#trimming) return this.#trim();
    if (this.#bytes !== null) this.#bytes += bytes;
    if (this.#bytes === null || this.#bytes > this.#maxBytes) await this.#trim();
  }

  /** One trim at a time; a request for another while one runs makes it look once more. */
  #trim(): Promise<void> {
    if (this.#trimming) {
      this.#trimAgain = true;
      return this.#trimming;
    }
    this.#trimming = (async () => {
      do {
        this.#trimAgain = false;
        await this.#trimOnce();
      } while (this.#trimAgain);
    })().finally(() => {
      this.#trimming = null;
    });
    return this.#trimming;
  }

  /** Reads the directory: counts every file, and removes the least recently shown past the size. */
  async #trimOnce(): Promise<void> {
    const now = Date.now();
    /** Each cached file with its type file; a type file alone (a crash between the two writes) sorts first. */
    const files = new Map<string, { path: string; shownAt: number; bytes: number }>();
    let total = 0;
    const removeQuietly = (path: string) => unlink(path).catch(() => {});
    for (const dir of await readdir(this.#dir).catch(() => [] as string[])) {
      const names = await readdir(join(this.#dir, dir)).catch(() => [] as string[]);
      const infos = await Promise.all(names.map((name) => stat(join(this.#dir, dir, name)).catch(() => null)));
      for (const [i, name] of names.entries()) {
        const info = infos[i];
        if (!info?.isFile()) continue;
        const [key, suffix] = name.split('.') as [string, string | undefined];
        if (suffix === 'tmp' && now - info.mtimeMs > STALE_TMP_MS) {
          await removeQuietly(join(this.#dir, dir, name));
          continue;
        }
        total += info.size;
        if (suffix === 'tmp') continue; // being written now
        const entry = files.get(key) ?? { path: join(this.#dir, dir, key), shownAt: -Infinity, bytes: 0 };
        entry.bytes += info.size;
        if (!suffix) entry.shownAt = info.mtimeMs;
        files.set(key, entry);
      }
    }
    if (total > this.#maxBytes) {
      const order = [...files.values()].sort((a, b) => (a.shownAt === b.shownAt ? 0 : a.shownAt < b.shownAt ? -1 : 1));
      for (const entry of order) {
        if (total <= this.#maxBytes * TRIM_TO) break;
        await removeQuietly(entry.path);
        await removeQuietly(`${entry.path}.type`);
        total -= entry.bytes;
      }
    }
    this.#bytes = total;
  }
}
