import { hashPassword } from '../platform/crypto.ts';
import type { Services } from '../server.ts';
import { DEMO_MEMBERS } from './members.ts';

/** Every demo member signs in with this password (shown on the console and in the README). */
export const DEMO_PASSWORD = 'commonroom-demo';

/**
 * Loads the demo community into an empty database, through the same services as sign-up and
 * profile editing. Later capabilities add their own demo content (posts, chats, collections).
 */
export async function loadDemo(services: Services): Promise<{ members: number; password: string; exampleHandle: string }> {
  const { accounts } = services;
  // One scrypt hash for everyone: the password is public anyway, and hashing 36 times takes seconds.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const person of DEMO_MEMBERS) {
    const member = await accounts.createMember({
      handle: person.handle,
      displayName: person.name,
      email: `${person.handle}@demo.example.org`,
      password: DEMO_PASSWORD,
      passwordHash,
      admin: person.admin ?? false,
      timeZone: person.timeZone,
    });
    await accounts.updateProfile(member.id, {
      displayName: person.name,
      bio: person.bio,
      role: person.role,
      roleOther: person.roleOther ?? '',
      organisation: person.organisation,
      location: person.location,
      timeZone: person.timeZone,
      passions: person.passions,
      links: person.links ?? [],
      profileVisibility: person.membersOnly ? 'members' : 'public',
    });
  }
  const example = DEMO_MEMBERS.find((m) => m.role === 'public_librarian')!;
  return { members: DEMO_MEMBERS.length, password: DEMO_PASSWORD, exampleHandle: example.handle };
}
