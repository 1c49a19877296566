import { defineCapability } from '../web/capability.ts';
import { pagesOf } from '../web/legacy.ts';
import { registerWebPages } from './pages.tsx';

/** The home page, the about page, and places still being built. */
export const home = defineCapability({
  name: 'home',
  needs: [],
  tables: [],
  build: () => ({}),
  pages: () => pagesOf(registerWebPages),
  nav: [{ href: '/groups', label: 'Groups', order: 50 }],
});
