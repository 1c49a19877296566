import { defineCapability } from '../web/capability.ts';
import { apiOf, pagesOf } from '../web/legacy.ts';
import { registerAccountsApi } from './api.ts';
import { USER_HELP, userCommand } from './cli.ts';
import { registerAdminPages } from './pages/admin.tsx';
import { registerAuthPages } from './pages/auth.tsx';
import { registerPeoplePages } from './pages/people.tsx';
import { registerSettingsPages } from './pages/settings.tsx';
import { AccountsService } from './service.ts';

export type { ActorCountChange } from './actor-writes.ts';
export { adjustActorCounts, setActorLocked } from './actor-writes.ts';
export { ADMINISTRATION } from './pages/admin.tsx';
export { loadProfile, PersonCard, ProfileHeader } from './pages/people.tsx';
export { settingsPage } from './pages/settings.tsx';
export type { RoleKey } from './roles.ts';
export { roleLabel } from './roles.ts';
export type { ProfileChangeListener } from './service.ts';
export type { MemberWithActor } from './store.ts';
export type { ProfileInput, SignupInput } from './validation.ts';
export { passionSlug, profileSchema, signupSchema, TIME_ZONES } from './validation.ts';
export { AccountsService };

/** Members: sign-up, sign-in, sessions, tokens, profiles, passions, the directory, administration. */
export const accounts = defineCapability({
  name: 'accounts',
  needs: [],
  tables: ['actors', 'members', 'passions', 'actor_passions', 'sessions', 'api_tokens', 'invites', 'password_resets'],
  // People, as every capability shows and filters them: read by all, written only here.
  sharedTables: ['actors', 'members', 'passions', 'actor_passions'],
  build: (kernel) => new AccountsService(kernel),
  pages: () => pagesOf(registerAuthPages, registerSettingsPages, registerPeoplePages, registerAdminPages),
  api: () => apiOf(registerAccountsApi),
  jobs: (service) => [{ kind: 'accounts.cleanup', every: 3600_000, run: () => service.removeExpired() }],
  nav: [{ href: '/people', label: 'People', order: 20 }],
  commands: [{ name: 'user', help: USER_HELP, run: async (args, { open }) => userCommand((await open()).service, args) }],
});
