import { accounts } from '../accounts/index.ts';
import { chats } from '../chats/index.ts';
import { curation } from '../curation/index.ts';
import { federation } from '../federation/index.ts';
import { feeds } from '../feeds/index.ts';
import { home } from '../home/index.ts';
import { insights } from '../insights/index.ts';
import { profiles } from '../profiles/index.ts';
import { social } from '../social/index.ts';
import type { Capability } from '../web/capability.ts';

/**
 * Every capability, in build order, which is also the order their pages and API are mounted
 * (so /@handle/chats, a chat history, is matched before the profile pages). A capability's
 * `needs` must come before it. Adding a capability: a folder with an index.ts, and one line here.
 */
export const CAPABILITIES = [accounts, social, chats, feeds, curation, insights, federation, profiles, home] as const;

type Listed = (typeof CAPABILITIES)[number];

/** The service of each capability, by name. */
export type CapabilityServices = {
  // biome-ignore lint/suspicious/noExplicitAny: any capability's needs; only the service type is read
  [C in Listed as C['name']]: C extends Capability<infer S, any> ? Awaited<S> : never;
};
