import { defineCapability } from '../web/capability.ts';
import { type ProfilesDeps, ProfilesService } from './service.ts';
import { profilePages } from './web/profile-pages.tsx';

export { ProfilesService };

/** A person's page (`/@handle`, `/@user@host`): their profile, posts, followers and following. */
export const profiles = defineCapability({
  name: 'profiles',
  needs: ['accounts', 'social', 'curation', 'federation'],
  tables: [],
  build: (_kernel, needs: ProfilesDeps) => new ProfilesService(needs),
  pages: (service) => profilePages(service),
});
