import type { Viewer } from '../platform/viewer.ts';
import type { GraphService } from './graph.ts';

/**
 * A privacy choice another capability owns, shown on the privacy settings page and in the
 * privacy API beside social's own (whether new followers need approval). Curation registers
 * `featurable` (may others feature you in public starter kits).
 */
export interface PrivacySetting {
  /** The field's name in the form and in the API (`featurable`). */
  name: string;
  /** The heading of its part of the settings page. */
  legend: string;
  /** The checkbox's label (it is on when ticked). */
  label: string;
  /** What the choice means, under it. */
  hint: string;
  /** The API field's description. */
  description: string;
  /** How the API's summaries say it: reading it ("whether …") and changing it ("allow or decline …"). */
  summary: { read: string; change: string };
  get(viewer: Viewer): Promise<boolean>;
  set(viewer: Viewer, on: boolean): Promise<void>;
}

/** A member's privacy choices: `locked`, then each registered setting by name. */
export type PrivacyValues = { locked: boolean } & Record<string, boolean>;

/** Privacy settings: social's own (`locked`), and those other capabilities register from their index.ts `build`. */
export class PrivacyService {
  readonly #graph: GraphService;
  readonly #settings: PrivacySetting[] = [];

  constructor(deps: { graph: GraphService }) {
    this.#graph = deps.graph;
  }

  register(setting: PrivacySetting): void {
    if (setting.name === 'locked' || this.#settings.some((s) => s.name === setting.name))
      throw new Error(`a privacy setting named ${setting.name} exists already`);
    this.#settings.push(setting);
  }

  /** The registered settings, in the order they were registered. */
  get settings(): readonly PrivacySetting[] {
    return this.#settings;
  }

  async get(viewer: Viewer): Promise<PrivacyValues> {
    const values: PrivacyValues = { locked: await this.#graph.isLocked(viewer) };
    for (const setting of this.#settings) values[setting.name] = await setting.get(viewer);
    return values;
  }

  /** Changes what is given (`locked` first: unlocking accepts the waiting requests), leaves the rest. */
  async update(viewer: Viewer, changes: Partial<PrivacyValues>): Promise<PrivacyValues> {
    if (changes.locked !== undefined) await this.#graph.setLocked(viewer, changes.locked);
    for (const setting of this.#settings) {
      const value = changes[setting.name];
      if (value !== undefined) await setting.set(viewer, value);
    }
    return this.get(viewer);
  }
}
