import type { Database } from '../db/database.ts';
import type { SeriesRow } from './records.ts';

/** A chat series as its fediverse group actor (`chat.<slug>`) is published. */
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

/** Chat series as group actors, for federation (which publishes them and keeps their followers). */
export class ChatGroupsService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  async bySlug(slug: string): Promise<ChatGroup | null> {
    const row = await this.#database.db.selectFrom('chat_series').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row ? groupOf(row) : null;
  }

  async byId(id: number): Promise<ChatGroup | null> {
    const row = await this.#database.db.selectFrom('chat_series').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? groupOf(row) : null;
  }
}

function groupOf(row: SeriesRow): ChatGroup {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    hashtag: row.hashtag,
    hashtagName: row.hashtag_name,
    createdAt: row.created_at,
  };
}
