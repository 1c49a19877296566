import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hmac, safeEqual } from '../platform/crypto.ts';
import { UserError } from '../platform/errors.ts';
import type { HttpClient } from '../platform/http.ts';

export const REMOTE_MEDIA_MAX_BYTES = 8 * 1024 * 1024;
const TYPES = /^(image\/(png|jpeg|gif|webp|avif)|video\/(mp4|webm)|audio\/(mpeg|ogg|mp4))$/;

/**
 * Remote images (avatars, post attachments) are shown through this server: readers' addresses
 * never reach other servers, a file is fetched once (through the SSRF-guarded client, at most
 * 8 MB, only image, video and audio types) and kept on disk. Links are signed with the site's
 * secret, so the proxy cannot be used to fetch arbitrary URLs.
 */
export class MediaProxy {
  readonly #http: HttpClient;
  readonly #secret: string;
  readonly #dir: string;

  constructor(http: HttpClient, secretKey: string, dataDir: string) {
    this.#http = http;
    this.#secret = secretKey;
    this.#dir = join(dataDir, 'media', 'remote');
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
      return { bytes, contentType };
    } catch {
      // Not cached yet.
    }
    let response;
    try {
      response = await this.#http.fetch(remoteUrl, { maxBytes: REMOTE_MEDIA_MAX_BYTES, timeoutMs: 20_000, headers: { accept: 'image/*, video/*, audio/*' } });
    } catch (error) {
      throw new UserError(502, 'media_unavailable', `The file could not be fetched from its server: ${(error as Error).message}`);
    }
    const contentType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (response.status !== 200) throw new UserError(502, 'media_unavailable', `The file’s server answered ${response.status}.`);
    if (!TYPES.test(contentType)) throw new UserError(415, 'unsupported_media', `Files of type “${contentType || 'unknown'}” are not shown.`);
    await mkdir(join(this.#dir, key.slice(0, 2)), { recursive: true });
    await writeFile(`${file}.tmp`, response.body);
    await writeFile(`${file}.type`, contentType);
    await rename(`${file}.tmp`, file);
    return { bytes: response.body, contentType };
  }
}
