import type { Services } from '../server.ts';

export const DEMO_PASSWORD = 'commonroom-demo';

/** Placeholder until the demo community lands. */
export async function loadDemo(_services: Services): Promise<{ members: number; password: string; exampleHandle: string }> {
  return { members: 0, password: DEMO_PASSWORD, exampleHandle: '' };
}
