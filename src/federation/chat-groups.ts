import type { Database } from '../db/database.ts';

/** A chat series as its group actor (`chat.<slug>`) is published. */
export interface ChatGroup {
  id: number;
  slug: string;
  title: string;
  description: string;
  /** The chats' hashtag: its slug, and as the host spells it. */
  hashtag: string;
  hashtagName: string;
  createdAt: number;
}

/** Finds chat series for their group actors. */
export interface ChatGroups {
  bySlug(slug: string): Promise<ChatGroup | null>;
  byId(id: number): Promise<ChatGroup | null>;
}

/**
 * TRANSITIONAL (issue 17): chat series read from chats' table. To become a read the chats
 * service offers (federation comes after chats, so it may call it), once chats has one.
 */
export function chatGroupsOf(database: Database): ChatGroups {
  const find = async (where: { slug: string } | { id: number }): Promise<ChatGroup | null> => {
    let query = database.db.selectFrom('chat_series').selectAll();
    query = 'slug' in where ? query.where('slug', '=', where.slug) : query.where('id', '=', where.id);
    const row = await query.executeTakeFirst();
    return row
      ? {
          id: row.id,
          slug: row.slug,
          title: row.title,
          description: row.description,
          hashtag: row.hashtag,
          hashtagName: row.hashtag_name,
          createdAt: row.created_at,
        }
      : null;
  };
  return { bySlug: (slug) => find({ slug }), byId: (id) => find({ id }) };
}
