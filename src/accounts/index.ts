import { Hono } from 'hono';
import { createApi } from '../api/openapi.ts';
import { defineCapability } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { USER_HELP, userCommand } from './cli.ts';
import { RESET_MAIL_JOB } from './passwords.ts';
import { AccountsService } from './service.ts';
import { administrationApi } from './web/administration-api.ts';
import { administrationPages } from './web/administration-pages.tsx';
import { apiTokenPages } from './web/api-token-pages.tsx';
import { directoryApi } from './web/directory-api.ts';
import { directoryPages } from './web/directory-pages.tsx';
import { invitationPages } from './web/invitation-pages.tsx';
import { passwordPages } from './web/password-pages.tsx';
import { profileApi } from './web/profile-api.ts';
import { profilePages } from './web/profile-pages.tsx';
import { sessionPages } from './web/session-pages.tsx';
import { signupPages } from './web/signup-pages.tsx';

export type { FollowState, FollowStateReader } from './directory.ts';
export { passionKey } from './passion-vocabulary.ts';
export type { MemberWithActor } from './people.ts';
export type { ActorCountsChange, RemoteActorValues } from './people-writes.ts';
export { adjustActorCounts, isFeaturable, setActorLocked, setFeaturable, upsertRemoteActor } from './people-writes.ts';
export type { Profile, ProfileChangeListener } from './profile.ts';
export type { ProfileInput, ProfilePatch } from './profile-schemas.ts';
export { PASSIONS_MAX, passionSlug, profilePatchSchema, profileSchema, TIME_ZONES } from './profile-schemas.ts';
export type { RoleKey } from './roles.ts';
export { roleLabel } from './roles.ts';
export type { SignupInput } from './signup-schemas.ts';
export { signupSchema } from './signup-schemas.ts';
export { ADMINISTRATION } from './web/administration-views.tsx';
export { loadProfile, PersonCard, ProfileHeader } from './web/person-views.tsx';
export { PlaceFields, RoleFields } from './web/profile-fields.tsx';
export { settingsPage } from './web/settings-views.tsx';
export { AccountsService };

/** Members: sign-up, sign-in, sessions, tokens, profiles, passions, the directory, administration. */
export const accounts = defineCapability({
  name: 'accounts',
  needs: [],
  tables: ['actors', 'members', 'passions', 'actor_passions', 'related_passions', 'sessions', 'api_tokens', 'invites', 'password_resets'],
  // People, as every capability shows and filters them: read by all, written only here (people-writes.ts
  // has the writes other capabilities need).
  sharedTables: ['actors', 'members', 'passions', 'actor_passions', 'related_passions'],
  build: (kernel) => new AccountsService(kernel),
  pages: (service) => {
    const app = new Hono<AppEnv>();
    for (const pages of [
      signupPages,
      sessionPages,
      passwordPages,
      profilePages,
      apiTokenPages,
      directoryPages,
      administrationPages,
      invitationPages,
    ])
      app.route('/', pages(service));
    return app;
  },
  api: (service) => {
    const api = createApi();
    for (const routes of [profileApi, directoryApi, administrationApi]) api.route('/', routes(service));
    return api;
  },
  jobs: (service) => [
    { kind: 'accounts.cleanup', every: 3600_000, run: () => service.removeExpired() },
    { kind: RESET_MAIL_JOB, run: (payload: { email: string }, job) => service.passwords.mailReset(payload, job) },
  ],
  nav: [
    { href: '/people', label: 'Explore', order: 20, icon: 'explore' },
    { href: '/settings/profile', label: 'Settings', order: 20, icon: 'settings', place: 'account', membersOnly: true },
    { href: '/admin', label: 'Admin', order: 90, icon: 'shield', place: 'account', adminOnly: true },
  ],
  commands: [{ name: 'user', help: USER_HELP, run: async (args, { open }) => userCommand((await open()).service, args) }],
});
