import type { Database, Queryable } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Mailer } from '../platform/mail.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { SiteSettings } from '../platform/settings.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import { AdministrationService, type MemberFilter } from './administration.ts';
import { ApiTokenService } from './api-tokens.ts';
import { type DirectoryQuery, DirectoryService, type FollowState, type FollowStateReader } from './directory.ts';
import { checkGroups, PassionVocabularyService, parseVocabulary } from './passion-vocabulary.ts';
import { PasswordService } from './passwords.ts';
import type { MemberWithActor } from './people.ts';
import type { ProcessedPhoto } from './photos.ts';
import { type ProfileChangeListener, ProfileService } from './profile.ts';
import type { ProfileInput, ProfilePatch } from './profile-schemas.ts';
import { type RequestMeta, SessionService } from './sessions.ts';
import { SignupService } from './signup.ts';
import type { SignupInput } from './signup-schemas.ts';

export interface AccountsDeps {
  database: Database;
  config: Config;
  settings: SiteSettings;
  rateLimiter: RateLimiter;
  storage: Storage;
  logger: Logger;
  clock: Clock;
  jobs: Jobs;
  mail: Mailer;
}

/**
 * Members: what the accounts capability offers the others. Each concept is a service of its
 * own (`accounts.sessions`, `accounts.profiles` …); the methods below are the ones other
 * capabilities, the command line and the tests call, each handing over to its concept.
 */
export class AccountsService {
  /** Sign-up (open, by invitation or closed), the first administrator, invitation links. */
  readonly signups: SignupService;
  /** Sign-in and sessions. */
  readonly sessions: SessionService;
  readonly apiTokens: ApiTokenService;
  /** Changing a password; reset links. */
  readonly passwords: PasswordService;
  /** Profiles, passions and photos. */
  readonly profiles: ProfileService;
  /** The directory of members, and passions to pick from. */
  readonly people: DirectoryService;
  /** Related passions ("Storytime, Early literacy"), which administrators edit. */
  readonly passionVocabulary: PassionVocabularyService;
  /** Site settings, finding and suspending members. */
  readonly administration: AdministrationService;
  #followStates: FollowStateReader | null = null;

  constructor(deps: AccountsDeps) {
    const logger = deps.logger.child({ component: 'accounts' });
    this.sessions = new SessionService(deps);
    this.signups = new SignupService({ ...deps, logger, sessions: this.sessions });
    this.apiTokens = new ApiTokenService(deps);
    this.passwords = new PasswordService(deps);
    this.profiles = new ProfileService(deps);
    this.people = new DirectoryService(deps);
    this.passionVocabulary = new PassionVocabularyService(deps);
    this.administration = new AdministrationService({ ...deps, logger });
  }

  /** Removes sessions that have ended and reset links a day past their end (an hourly job). */
  async removeExpired(): Promise<void> {
    await this.sessions.removeExpired();
    await this.passwords.removeExpired();
  }

  // ---- sign-up and invitations ----

  signupState(inviteCode?: string) {
    return this.signups.state(inviteCode);
  }

  /** Sign-up from the form's values as sent: every problem at once (see SignupService.signup). */
  signup(values: unknown, meta: RequestMeta) {
    return this.signups.signup(values, meta);
  }

  /** The one way a member comes to exist (sign-up, CLI, demo); the first becomes an administrator. */
  createMember(
    input: SignupInput & { admin?: boolean; passwordHash?: string },
    options: { inviteId?: number | undefined; tx?: Queryable } = {},
  ): Promise<MemberWithActor> {
    return this.signups.createMember(input, options);
  }

  createInvite(createdBy: number | null, options: { maxUses?: number | null; expiresInDays?: number | null; note?: string | null }) {
    return this.signups.createInvite(createdBy, options);
  }

  findInvite(code: string) {
    return this.signups.findInvite(code);
  }

  listInvites() {
    return this.signups.listInvites();
  }

  revokeInvite(id: number) {
    return this.signups.revokeInvite(id);
  }

  inviteUrl(code: string): string {
    return this.signups.inviteUrl(code);
  }

  // ---- sessions and sign-in ----

  login(login: string, password: string, meta: RequestMeta) {
    return this.sessions.login(login, password, meta);
  }

  createSession(memberId: number, meta: RequestMeta): Promise<string> {
    return this.sessions.create(memberId, meta);
  }

  logout(token: string): Promise<void> {
    return this.sessions.end(token);
  }

  /** The member behind a session cookie, or null. */
  viewerForSession(token: string): Promise<Viewer | null> {
    return this.sessions.viewerForSession(token);
  }

  /** A member acting through the system (a timed chat question is asked by its host), or null when suspended or gone. */
  viewerForMember(memberId: number): Promise<Viewer | null> {
    return this.sessions.viewerForMember(memberId);
  }

  // ---- API tokens ----

  /** The member behind an API token (`Authorization: Bearer …`), or null. */
  viewerForApiToken(token: string): Promise<Viewer | null> {
    return this.apiTokens.viewerFor(token);
  }

  createApiToken(memberId: number, name: string): Promise<string> {
    return this.apiTokens.create(memberId, name);
  }

  listApiTokens(memberId: number) {
    return this.apiTokens.list(memberId);
  }

  revokeApiToken(memberId: number, id: number): Promise<void> {
    return this.apiTokens.revoke(memberId, id);
  }

  // ---- passwords ----

  /** Changes the password (checked with `parseNewPassword`) and signs out every other session. */
  changePassword(memberId: number, current: string, next: string, keepSessionToken?: string): Promise<void> {
    return this.passwords.change(memberId, current, next, keepSessionToken);
  }

  createPasswordReset(memberId: number) {
    return this.passwords.createReset(memberId);
  }

  /** "Forgot your password?": a reset mail to the address if a member uses it (the same answer either way). */
  requestPasswordReset(email: string, ip: string) {
    return this.passwords.requestReset(email, ip);
  }

  findPasswordReset(token: string) {
    return this.passwords.findReset(token);
  }

  resetPassword(token: string, next: string) {
    return this.passwords.reset(token, next);
  }

  // ---- profile and passions ----

  /** Hears every change of a member's public profile, inside the transaction that made it. */
  onProfileChange(listener: ProfileChangeListener): void {
    this.profiles.onChange(listener);
  }

  /** A member's profile as `viewer` may see it; 404 for unknown or suspended, 401 when limited to members. */
  profile(handle: string, viewer: Viewer | null) {
    return this.profiles.profile(handle, viewer);
  }

  ownProfile(memberId: number) {
    return this.profiles.own(memberId);
  }

  updateProfile(memberId: number, input: ProfileInput, photo: { image?: ProcessedPhoto | undefined; remove?: boolean } = {}) {
    return this.profiles.update(memberId, input, photo);
  }

  patchProfile(memberId: number, patch: ProfilePatch) {
    return this.profiles.patch(memberId, patch);
  }

  setPhoto(memberId: number, bytes: Uint8Array): Promise<string> {
    return this.profiles.setPhoto(memberId, bytes);
  }

  removePhoto(memberId: number): Promise<void> {
    return this.profiles.removePhoto(memberId);
  }

  // ---- directory ----

  directory(filter: DirectoryQuery, viewer: Viewer | null) {
    return this.people.search(filter, viewer);
  }

  /**
   * The extension point for whoever knows follows (social, from its index.ts `build`): the
   * directory asks it whom the viewer already follows, to show Follow or Following on each card.
   */
  readFollowStatesWith(reader: FollowStateReader): void {
    this.#followStates = reader;
  }

  /** The viewer's follow state towards each of these actors; null when no capability knows follows (no Follow buttons then). */
  async followStates(viewer: Viewer, actorIds: readonly number[]): Promise<ReadonlyMap<number, FollowState> | null> {
    if (!this.#followStates) return null;
    return actorIds.length ? this.#followStates(viewer, actorIds) : new Map();
  }

  passionSuggestions(prefix: string, limit?: number) {
    return this.people.passionSuggestions(prefix, limit);
  }

  /** The groups of related passions, in order. */
  relatedPassionGroups(): Promise<string[][]> {
    return this.passionVocabulary.groups();
  }

  /** Replaces the related passions with the administrators' text (one group a line); a 422 naming each bad line. */
  async replaceRelatedPassions(text: string): Promise<string[][]> {
    const groups = parseVocabulary(text);
    await this.passionVocabulary.replace(groups);
    return groups;
  }

  /** The same from lists of names (the API); a 422 naming each bad group. */
  async replaceRelatedPassionGroups(groups: readonly string[][]): Promise<string[][]> {
    const checked = checkGroups(groups.map((names, i) => ({ label: `Group ${i + 1}`, names })));
    await this.passionVocabulary.replace(checked);
    return checked;
  }

  // ---- administration ----

  listMembers(filter: MemberFilter) {
    return this.administration.listMembers(filter);
  }

  memberByHandle(handle: string): Promise<MemberWithActor> {
    return this.administration.memberByHandle(handle);
  }

  /** Suspends a member: they are signed out everywhere and disappear from the directory. */
  suspend(handle: string, reason: string | null, by: Viewer | null): Promise<void> {
    return this.administration.suspend(handle, reason, by);
  }

  unsuspend(handle: string, by: Viewer | null): Promise<void> {
    return this.administration.unsuspend(handle, by);
  }
}
