import { defineCapability } from '../web/capability.ts';
import { HomeService } from './service.ts';
import { homePages } from './web/home-pages.tsx';

export { HomeService };

/** The home page, the about page, and places still being built. */
export const home = defineCapability({
  name: 'home',
  needs: [],
  tables: [],
  build: () => new HomeService(),
  pages: (service) => homePages(service),
  // No place in the navigation until groups exist (/groups says they are coming).
});
