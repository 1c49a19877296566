import type { MemberWithActor } from '../../accounts/index.ts';
import { type ProfileInput, profileSchema, type SignupInput, signupSchema } from '../../accounts/index.ts';
import { hashPassword } from '../../platform/crypto.ts';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Services } from '../services.ts';
import { loadDemoArticles } from './articles.ts';
import { loadDemoBookmarks } from './bookmarks.ts';
import { loadDemoChats } from './chats.ts';
import { loadDemoCohorts } from './cohorts.ts';
import { loadDemoCollections } from './collections.ts';
import { loadDemoGoals } from './goals.ts';
import { DEMO_MEMBERS, type DemoMember } from './members.ts';
import { checkDemoSocial, loadDemoSocial } from './social.ts';

/** Every demo member signs in with this password (shown on the console and in the README). */
export const DEMO_PASSWORD = 'commonroom-demo';

export interface DemoSummary {
  members: number;
  /** Posts and replies over the last two weeks (boosts not counted). */
  posts: number;
  /** Past chats with transcripts. */
  chats: number;
  password: string;
  /** A public librarian to suggest signing in as. */
  exampleHandle: string;
}

interface CheckedMember {
  signup: SignupInput;
  profile: ProfileInput;
  admin: boolean;
}

/**
 * Loads the demo community into an empty database, through the same services as sign-up and
 * profile editing, then its social life (social.ts): follows, two weeks of posts, replies,
 * boosts, likes and lists, and chats (a weekly chat with past transcripts and the next one
 * prepared, and a conference backchannel). Later capabilities add their own demo content.
 *
 * Every row of the tables is checked (members against the sign-up and profile rules) before
 * anything is written, and the accounts are created in one transaction, so a mistake in the
 * data or a handle that is already taken leaves the database as it was.
 */
export async function loadDemo(services: Services): Promise<DemoSummary> {
  const people = DEMO_MEMBERS.map(checkDemoMember);
  checkDemoSocial();
  const example = exampleHandle();
  // One scrypt hash for everyone: the password is public anyway, and hashing 36 times takes seconds.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const members = await createAccounts(services, people, passwordHash);
  // updateProfile opens its own transaction (it takes no `tx`), so profiles are saved one by one.
  for (const [index, member] of members.entries()) {
    await services.accounts.updateProfile(member.id, people[index]!.profile);
  }
  // Chats first: their posts are dated one and two weeks back, and timelines are in id order.
  const chats = await loadDemoChats(services);
  const social = await loadDemoSocial(services, members);
  await loadDemoBookmarks(services);
  await loadDemoCollections(services);
  await loadDemoArticles(services);
  await loadDemoCohorts(services);
  await loadDemoGoals(services);
  return { members: members.length, posts: social.posts, chats: chats.pastChats, password: DEMO_PASSWORD, exampleHandle: example };
}

async function createAccounts(services: Services, people: CheckedMember[], passwordHash: string): Promise<MemberWithActor[]> {
  return services.database.db.transaction().execute(async (tx) => {
    const created: MemberWithActor[] = [];
    for (const { signup, admin } of people) {
      created.push(await services.accounts.createMember({ ...signup, passwordHash, admin }, { tx }));
    }
    return created;
  });
}

/** The sign-up and profile input for one row of the table, or an error naming the row. */
function checkDemoMember(person: DemoMember): CheckedMember {
  try {
    const signup = parseInput(signupSchema, {
      handle: person.handle,
      displayName: person.name,
      email: `${person.handle}@demo.example.org`,
      password: DEMO_PASSWORD,
      timeZone: person.timeZone,
    });
    const profile = parseInput(profileSchema, {
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
    return { signup, profile, admin: person.admin ?? false };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const details = error.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new Error(`demo member @${person.handle} is invalid: ${details || error.message}`);
  }
}

function exampleHandle(): string {
  const librarian = DEMO_MEMBERS.find((m) => m.role === 'public_librarian' && !m.membersOnly);
  if (!librarian) throw new Error('the demo community needs a public librarian with a public profile');
  return librarian.handle;
}
