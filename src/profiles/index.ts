import type { Curation } from '../curation/index.ts';
import type { FederationService } from '../federation/index.ts';
import type { Social } from '../social/index.ts';
import { defineCapability } from '../web/capability.ts';
import { pagesOf } from '../web/legacy.ts';
import { registerProfilePages } from './pages.tsx';

/** What a profile page shows, gathered from the capabilities that own each part. */
export interface Profiles {
  social: Social;
  curation: Curation;
  federation: FederationService;
}

/** A person's page (`/@handle`, `/@user@host`): their profile, posts, followers and following. */
export const profiles = defineCapability({
  name: 'profiles',
  needs: ['social', 'curation', 'federation'],
  tables: [],
  build: (_kernel, needs: Profiles): Profiles => needs,
  pages: () => pagesOf(registerProfilePages),
});
