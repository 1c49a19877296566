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
  // Groups stays out of the navigation until groups exist; its page still says what it will hold.
  pages: (service) => homePages(service),
});
