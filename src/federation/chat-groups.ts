import type { ChatGroup } from '../chats/index.ts';

export type { ChatGroup };

/** Finds chat series for their group actors (chats' `groups`, given at build). */
export interface ChatGroups {
  bySlug(slug: string): Promise<ChatGroup | null>;
  byId(id: number): Promise<ChatGroup | null>;
}
