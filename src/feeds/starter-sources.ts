import { readFileSync } from 'node:fs';
import type { RoleKey } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import { UserError } from '../platform/errors.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type OpmlEntry, type OpmlImportResult, type OpmlService, readOpml } from './opml.ts';

/**
 * Starter sources: a small curated list of the journals, associations and blogs the field
 * reads, offered to a newcomer so that a new server is not empty. It is one OPML document
 * whose folders are audiences ("School libraries", "Social work" …); the server ships one
 * (starter-sources.opml) and administrators edit it at /admin/starter-sources.
 */

export interface StarterSource {
  url: string;
  title: string;
  /** The audience (the OPML folder), or null for sources outside any folder. */
  audience: string | null;
}

const DOCUMENT = 'feeds.starter_sources';
const MAX_STARTER_SOURCES = 200;

export const DEFAULT_STARTER_SOURCES = readFileSync(new URL('./starter-sources.opml', import.meta.url), 'utf8');

/** The roles each known audience is for; any other folder (such as "Everyone") is for everyone. */
const AUDIENCES: Record<string, readonly RoleKey[]> = {
  libraries: ['school_librarian', 'public_librarian', 'academic_librarian', 'library_staff', 'administrator', 'author'],
  'school libraries': ['school_librarian', 'teacher', 'educator'],
  'public libraries': ['public_librarian', 'library_staff'],
  'academic libraries': ['academic_librarian', 'researcher', 'educator'],
  teaching: ['teacher', 'educator', 'administrator', 'school_librarian', 'student'],
  'social work': ['social_worker'],
};

/** The audiences that mean something to the server (for the administrators' page). */
export const KNOWN_AUDIENCES = Object.keys(AUDIENCES);

export class StarterSourcesService {
  readonly #database: Database;
  readonly #settings: SiteSettings;
  readonly #opml: OpmlService;

  constructor(deps: { database: Database; settings: SiteSettings; opml: OpmlService }) {
    this.#database = deps.database;
    this.#settings = deps.settings;
    this.#opml = deps.opml;
  }

  /** The working sources most members follow (at least two), most followed first: what the community reads. */
  async popular(limit = 20): Promise<Array<StarterSource & { followers: number; description: string | null }>> {
    const rows = await this.#database.db
      .selectFrom('sources')
      .select(['url', 'title', 'description', 'subscriber_count'])
      .where('subscriber_count', '>=', 2)
      .where('status', '=', 'active')
      .orderBy('subscriber_count', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      url: r.url,
      title: r.title || new URL(r.url).host,
      audience: null,
      followers: r.subscriber_count,
      description: r.description,
    }));
  }

  /** The OPML document in use: the administrators' version, or the one the server ships. */
  async document(): Promise<string> {
    return (await this.#settings.document(DOCUMENT)) ?? DEFAULT_STARTER_SOURCES;
  }

  async all(): Promise<StarterSource[]> {
    return toSources(readOpml(new TextEncoder().encode(await this.document()), 'opml').entries);
  }

  /** The sources for someone in this role (all of them when the role is not known), those for everyone first. */
  async forRole(role: string | null): Promise<StarterSource[]> {
    const all = await this.all();
    if (!role || role === 'other') return all;
    const forEveryone = all.filter((s) => !s.audience || !AUDIENCES[s.audience.toLowerCase()]);
    const forRole = all.filter((s) => s.audience && AUDIENCES[s.audience.toLowerCase()]?.includes(role as RoleKey));
    return [...forEveryone, ...forRole];
  }

  /** Replaces the list (checked: OPML, at least one source, every address usable). */
  async save(text: string): Promise<StarterSource[]> {
    const { entries, skipped } = readOpml(new TextEncoder().encode(text), 'opml');
    if (skipped.length > 0)
      throw UserError.field(
        'opml',
        `This list has sources that cannot be followed: ${skipped.map((s) => `${s.text} (${s.reason})`).join('; ')}.`,
      );
    if (entries.length === 0) throw UserError.field('opml', 'This OPML document lists no sources.');
    if (entries.length > MAX_STARTER_SOURCES) throw UserError.field('opml', `Offer at most ${MAX_STARTER_SOURCES} starter sources.`);
    await this.#settings.setDocument(DOCUMENT, text);
    return toSources(entries);
  }

  /** Goes back to the list the server ships. */
  async restoreDefault(): Promise<void> {
    await this.#settings.setDocument(DOCUMENT, null);
  }

  /**
   * Follows the chosen sources, outside any folder: addresses from the starter list or among the
   * most followed (anything else is refused: this is not a way to add any address unchecked).
   */
  async follow(viewer: Viewer, urls: readonly string[]): Promise<OpmlImportResult> {
    const wanted = new Set(urls);
    if (wanted.size === 0) throw UserError.field('sources', 'Tick at least one source to follow.');
    const offered = new Map([...(await this.popular()), ...(await this.all())].map((s) => [s.url, s]));
    const chosen = [...offered.values()].filter((s) => wanted.has(s.url));
    if (chosen.length < wanted.size) throw UserError.field('sources', 'Choose sources from the list.');
    return this.#opml.follow(
      viewer,
      chosen.map((s) => ({ url: s.url, title: s.title, folder: null })),
    );
  }
}

function toSources(entries: readonly OpmlEntry[]): StarterSource[] {
  const seen = new Set<string>();
  return entries.flatMap((e) =>
    seen.has(e.url) || !seen.add(e.url) ? [] : [{ url: e.url, title: e.title ?? new URL(e.url).host, audience: e.folder }],
  );
}
