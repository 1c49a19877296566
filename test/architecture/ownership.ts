import { CAPABILITIES } from '../../src/app/capabilities.ts';
import { KERNEL_TABLES } from '../../src/app/kernel.ts';
import type { Capability } from '../../src/web/capability.ts';
import type { Ownership } from './structure.ts';

/** Who owns each table, as the capabilities declare it in their index.ts. */
export async function ownershipOf(): Promise<Ownership> {
  const owner = new Map<string, string>(KERNEL_TABLES.map((t) => [t, 'kernel']));
  const shared = new Set<string>();
  const readsAll = new Set<string>();
  for (const capability of CAPABILITIES as unknown as ReadonlyArray<Capability<unknown>>) {
    for (const table of capability.tables) {
      const before = owner.get(table);
      if (before) throw new Error(`table ${table} is claimed by ${before} and ${capability.name}`);
      owner.set(table, capability.name);
    }
    for (const table of capability.sharedTables ?? []) shared.add(table);
    if (capability.readsAllTables) readsAll.add(capability.name);
  }
  return { owner, shared, readsAll };
}
