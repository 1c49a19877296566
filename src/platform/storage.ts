import { mkdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { randomToken } from './crypto.ts';

/**
 * Where uploaded files live. Local disk under `<dataDir>/media` now; an S3-compatible
 * implementation of the same interface can replace it for multi-host deployments.
 */
export interface Storage {
  /** Stores bytes under a new unique key with this prefix and extension; returns the public URL path. */
  put(prefix: string, extension: string, bytes: Uint8Array): Promise<string>;
  /** Deletes by public URL path; ignores URLs it does not own. */
  delete(url: string): Promise<void>;
}

export class DiskStorage implements Storage {
  readonly root: string;
  static readonly URL_PREFIX = '/media/';

  constructor(dataDir: string) {
    this.root = join(dataDir, 'media');
    mkdirSync(this.root, { recursive: true });
  }

  async put(prefix: string, extension: string, bytes: Uint8Array): Promise<string> {
    const key = `${prefix}/${randomToken(16)}.${extension}`;
    const file = join(this.root, key);
    await mkdir(dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const temp = `${file}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, file);
    return DiskStorage.URL_PREFIX + key;
  }

  async delete(url: string): Promise<void> {
    if (!url.startsWith(DiskStorage.URL_PREFIX)) return;
    const key = normalize(url.slice(DiskStorage.URL_PREFIX.length));
    if (key.startsWith('..')) return;
    await rm(join(this.root, key), { force: true });
  }
}
