import type { Database, Tx } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import { UserError } from '../platform/errors.ts';
import type { Storage } from '../platform/storage.ts';
import type { Viewer } from '../platform/viewer.ts';
import {
  type ActorRow,
  findMemberByHandle,
  findMemberById,
  type Passion,
  type PublicMember,
  parseLinks,
  passionsOf,
  searchText,
  setPassions,
} from './people.ts';
import { formatBytes, type ProcessedPhoto, processPhoto } from './photos.ts';
import { type ProfileInput, type ProfileLink, type ProfilePatch, profileIssues } from './profile-schemas.ts';
import { type RoleKey, roleLabel } from './roles.ts';

/** A member's public profile. */
export interface Profile {
  actorId: number;
  memberId: number;
  handle: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  role: string | null;
  roleOther: string | null;
  roleLabel: string | null;
  organisation: string | null;
  location: string | null;
  timeZone: string;
  passions: Passion[];
  links: ProfileLink[];
  profileVisibility: 'public' | 'members';
  joinedAt: number;
}

/** Called inside the transaction that changed a member's public profile (federation sends an Update). */
export type ProfileChangeListener = (tx: Tx, actorId: number) => Promise<void>;

export interface ProfileDeps {
  database: Database;
  config: Config;
  storage: Storage;
}

/** A member's profile: who they are, what they do, their passions, links and photo, and who may see it. */
export class ProfileService {
  readonly #database: Database;
  readonly #config: Config;
  readonly #storage: Storage;
  readonly #listeners: ProfileChangeListener[] = [];

  constructor(deps: ProfileDeps) {
    this.#database = deps.database;
    this.#config = deps.config;
    this.#storage = deps.storage;
  }

  get #db() {
    return this.#database.db;
  }

  /** Hears every change of a member's public profile, inside the transaction that made it. */
  onChange(listener: ProfileChangeListener): void {
    this.#listeners.push(listener);
  }

  async #changed(tx: Tx, actorId: number): Promise<void> {
    for (const listener of this.#listeners) await listener(tx, actorId);
  }

  /** A member's profile as `viewer` may see it; 404 for unknown or suspended, 401 when limited to members. */
  async profile(handle: string, viewer: Viewer | null): Promise<Profile> {
    const member = await findMemberByHandle(this.#db, handle);
    if (!member || member.suspended_at) throw UserError.notFound(`There is no member @${handle.replace(/^@/, '')} here.`);
    if (member.profile_visibility === 'members' && !viewer) {
      throw new UserError(401, 'members_only', `@${member.actor.handle} shares their profile with signed-in members only.`);
    }
    const passions = await passionsOf(this.#db, [member.actor_id]);
    return toProfile(member.actor, member, passions.get(member.actor_id) ?? []);
  }

  /** The member's own profile, with their email. */
  async own(memberId: number): Promise<Profile & { email: string }> {
    const member = await findMemberById(this.#db, memberId);
    if (!member) throw UserError.notFound();
    const passions = await passionsOf(this.#db, [member.actor_id]);
    return { ...toProfile(member.actor, member, passions.get(member.actor_id) ?? []), email: member.email };
  }

  /**
   * Replaces the whole editable profile (the settings form), and the photo when one is given
   * (`image`, checked by `checkPhoto`) or removed.
   */
  async update(
    memberId: number,
    input: ProfileInput,
    photo: { image?: ProcessedPhoto | undefined; remove?: boolean } = {},
  ): Promise<Profile> {
    await this.#save(memberId, input);
    if (photo.image) await this.#storePhoto(memberId, photo.image);
    else if (photo.remove) await this.removePhoto(memberId);
    return this.own(memberId);
  }

  /** Changes only the given fields (PATCH /api/v1/profile); the result must still be a whole profile. */
  async patch(memberId: number, patch: ProfilePatch): Promise<Profile> {
    const merged: ProfileInput = { ...profileInputOf(await this.own(memberId)), ...patch };
    const issues = profileIssues(merged);
    if (issues.length > 0) throw UserError.invalid(issues);
    await this.#save(memberId, merged);
    return this.own(memberId);
  }

  async #save(memberId: number, input: ProfileInput): Promise<void> {
    const now = Date.now();
    await this.#db.transaction().execute(async (tx) => {
      const member = await tx.selectFrom('members').select(['actor_id']).where('id', '=', memberId).executeTakeFirst();
      if (!member) throw UserError.notFound();
      const actor = await tx.selectFrom('actors').select('handle').where('id', '=', member.actor_id).executeTakeFirstOrThrow();
      const passions = await setPassions(tx, member.actor_id, input.passions, now);
      const fields = {
        display_name: input.displayName,
        bio: input.bio,
        role: input.role,
        role_other: input.role === 'other' ? input.roleOther : null,
        organisation: input.organisation,
        location: input.location,
      };
      await tx
        .updateTable('actors')
        .set({
          ...fields,
          location_key: input.location?.toLowerCase() ?? null,
          links: JSON.stringify(input.links),
          search_text: searchText({ ...fields, handle: actor.handle }, passions),
          updated_at: now,
        })
        .where('id', '=', member.actor_id)
        .execute();
      await tx
        .updateTable('members')
        .set({ time_zone: input.timeZone, profile_visibility: input.profileVisibility })
        .where('id', '=', memberId)
        .execute();
      await this.#changed(tx, member.actor_id);
    });
  }

  /** Checks, resizes and stores a profile photo, replacing the previous one. */
  async setPhoto(memberId: number, bytes: Uint8Array): Promise<string> {
    return this.#storePhoto(memberId, await this.checkPhoto(bytes));
  }

  /** A photo within the upload limit, square, small and without EXIF; a UserError on the `photo` field otherwise. */
  async checkPhoto(bytes: Uint8Array): Promise<ProcessedPhoto> {
    if (bytes.byteLength > this.#config.maxUploadBytes) {
      throw UserError.field('photo', `The photo is too large: the limit is ${formatBytes(this.#config.maxUploadBytes)}.`, 413, 'too_large');
    }
    return processPhoto(bytes);
  }

  async #storePhoto(memberId: number, image: ProcessedPhoto): Promise<string> {
    const url = await this.#storage.put('avatars', image.extension, image.bytes);
    const previous = await this.#replaceAvatar(memberId, url);
    if (previous) await this.#storage.delete(previous);
    return url;
  }

  async removePhoto(memberId: number): Promise<void> {
    const previous = await this.#replaceAvatar(memberId, null);
    if (previous) await this.#storage.delete(previous);
  }

  async #replaceAvatar(memberId: number, url: string | null): Promise<string | null> {
    return this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('members')
        .innerJoin('actors', 'actors.id', 'members.actor_id')
        .select(['actors.id', 'actors.avatar_url'])
        .where('members.id', '=', memberId)
        .executeTakeFirst();
      if (!row) throw UserError.notFound();
      await tx.updateTable('actors').set({ avatar_url: url, updated_at: Date.now() }).where('id', '=', row.id).execute();
      await this.#changed(tx, row.id);
      return row.avatar_url;
    });
  }
}

export function toProfile(actor: ActorRow, member: PublicMember, passions: Passion[]): Profile {
  return {
    actorId: actor.id,
    memberId: member.id,
    handle: actor.handle,
    displayName: actor.display_name,
    bio: actor.bio,
    avatarUrl: actor.avatar_url,
    role: actor.role,
    roleOther: actor.role_other,
    roleLabel: roleLabel(actor.role, actor.role_other),
    organisation: actor.organisation,
    location: actor.location,
    timeZone: member.time_zone,
    passions,
    links: parseLinks(actor.links),
    profileVisibility: member.profile_visibility === 'members' ? 'members' : 'public',
    joinedAt: member.created_at,
  };
}

/** A stored profile as profile input (what the profile schema gives for it). */
function profileInputOf(p: Profile): ProfileInput {
  return {
    displayName: p.displayName,
    bio: p.bio,
    role: p.role as RoleKey | null,
    roleOther: p.roleOther,
    organisation: p.organisation,
    location: p.location,
    timeZone: p.timeZone,
    passions: p.passions.map((x) => x.name),
    links: p.links,
    profileVisibility: p.profileVisibility,
  };
}

/** A stored profile in the shape of the profile form (empty strings for blanks). */
export function editableProfile(p: Profile) {
  return {
    displayName: p.displayName,
    bio: p.bio,
    role: p.role,
    roleOther: p.roleOther ?? '',
    organisation: p.organisation ?? '',
    location: p.location ?? '',
    timeZone: p.timeZone,
    passions: p.passions.map((x) => x.name),
    links: p.links,
    profileVisibility: p.profileVisibility,
  };
}
