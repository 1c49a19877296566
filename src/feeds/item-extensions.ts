import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';

/**
 * What other capabilities add to items without feeds knowing them: facts about items for one
 * viewer (curation says which are bookmarked), read once per page of items, and actions on an
 * item that another capability carries out (bookmarking). Feeds comes before those capabilities,
 * so they register here from their index.ts `build` (`feeds.extendItems(…)`).
 */

/** Facts about an item for a viewer that another capability knows. */
export interface ItemFacts {
  bookmarked: boolean;
}

/** Actions on an item that another capability carries out. */
export type ItemAction = 'bookmark' | 'unbookmark';

export interface ItemExtension {
  /** Facts about these items for the viewer (one call per page of items); items left out have none. */
  facts?(viewer: Viewer, itemIds: readonly number[]): Promise<ReadonlyMap<number, Partial<ItemFacts>>>;
  /** The actions it carries out, on an item the viewer may see (the caller has checked). */
  actions?: Partial<Record<ItemAction, (viewer: Viewer, itemId: number) => Promise<void>>>;
}

const NO_FACTS: ItemFacts = { bookmarked: false };

/** The extensions registered, in order. */
export class ItemExtensions {
  readonly #list: ItemExtension[] = [];

  add(extension: ItemExtension): void {
    this.#list.push(extension);
  }

  /** Every item's facts (each fact false unless an extension says otherwise). */
  async facts(viewer: Viewer, itemIds: readonly number[]): Promise<Map<number, ItemFacts>> {
    const facts = new Map(itemIds.map((id) => [id, { ...NO_FACTS }]));
    if (!itemIds.length) return facts;
    for (const extension of this.#list) {
      if (!extension.facts) continue;
      for (const [id, known] of await extension.facts(viewer, itemIds)) {
        const item = facts.get(id);
        if (item) Object.assign(item, known);
      }
    }
    return facts;
  }

  /** Carries out an action with the first extension that offers it; 404 when none does. */
  async run(action: ItemAction, viewer: Viewer, itemId: number): Promise<void> {
    const run = this.#list.find((e) => e.actions?.[action])?.actions?.[action];
    if (!run) throw UserError.notFound(`This server cannot ${action} items.`);
    await run(viewer, itemId);
  }
}
