import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { SignupMode } from './config.ts';

/** Site settings the admin changes at run time; config values are the defaults until then. */
export interface SiteSettingsValues {
  siteName: string;
  siteDescription: string;
  signupMode: SignupMode;
}

const KEYS: Record<keyof SiteSettingsValues, string> = {
  siteName: 'site.name',
  siteDescription: 'site.description',
  signupMode: 'site.signup_mode',
};

export const DEFAULT_DESCRIPTION =
  'A home for your professional learning network: find peers who do what you do, follow what they share, and learn together.';

export class SiteSettings {
  readonly #database: Database;
  readonly #defaults: SiteSettingsValues;
  #cache: { values: SiteSettingsValues; at: number } | null = null;

  constructor(database: Database, defaults: Omit<SiteSettingsValues, 'siteDescription'>) {
    this.#database = database;
    this.#defaults = { ...defaults, siteDescription: DEFAULT_DESCRIPTION };
  }

  /** Read on every page; cached for a second so several processes converge quickly. */
  async get(): Promise<SiteSettingsValues> {
    if (this.#cache && Date.now() - this.#cache.at < 1000) return this.#cache.values;
    const rows = await this.#database.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'site.%').execute();
    const stored = new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const values = { ...this.#defaults };
    for (const [field, key] of Object.entries(KEYS) as Array<[keyof SiteSettingsValues, string]>) {
      if (stored.has(key)) (values as Record<string, unknown>)[field] = stored.get(key);
    }
    this.#cache = { values, at: Date.now() };
    return values;
  }

  /** Saves these settings (checked by the caller with `siteSettingsSchema`). */
  async update(changes: Partial<SiteSettingsValues>): Promise<void> {
    const now = Date.now();
    await this.#database.db.transaction().execute(async (tx) => {
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        const key = KEYS[field as keyof SiteSettingsValues];
        await tx
          .insertInto('settings')
          .values({ key, value: JSON.stringify(value), updated_at: now })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
          .execute();
      }
    });
    this.#cache = null;
  }

  /**
   * A longer text an administrator edits (such as the starter sources' OPML), stored beside the
   * settings under a capability's own key (`feeds.starter_sources`); null until first saved.
   */
  async document(key: string): Promise<string | null> {
    const row = await this.#database.db.selectFrom('settings').select('value').where('key', '=', documentKey(key)).executeTakeFirst();
    return row ? (JSON.parse(row.value) as string) : null;
  }

  /** Saves (or, with null, forgets) the document under `key`. */
  async setDocument(key: string, text: string | null): Promise<void> {
    const stored = documentKey(key);
    if (text === null) {
      await this.#database.db.deleteFrom('settings').where('key', '=', stored).execute();
      return;
    }
    const value = JSON.stringify(text);
    const now = Date.now();
    await this.#database.db
      .insertInto('settings')
      .values({ key: stored, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}

/** Documents live under their own prefix, apart from `site.` settings and the server's own keys. */
function documentKey(key: string): string {
  return `document.${key}`;
}

export const siteSettingsSchema = z.strictObject({
  siteName: z.string().trim().min(1, 'Enter a name for this server.').max(80, 'Use at most 80 characters.'),
  siteDescription: z.string().trim().max(300, 'Use at most 300 characters.'),
  signupMode: z.enum(['open', 'invite', 'closed'], { error: 'Choose how people can join.' }),
});
