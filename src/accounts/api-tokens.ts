import type { Database } from '../db/database.ts';
import { hashToken, randomToken } from '../platform/crypto.ts';
import type { Viewer } from '../platform/viewer.ts';
import { toViewer, viewerQuery } from './people.ts';
import { SESSION_TOUCH_MS } from './sessions.ts';

export interface ApiToken {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** API tokens: what scripts and apps send as `Authorization: Bearer …` to act as a member. */
export class ApiTokenService {
  readonly #database: Database;

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  get #db() {
    return this.#database.db;
  }

  /** Makes a token; the only time it is seen in clear. */
  async create(memberId: number, name: string): Promise<string> {
    const clean = name.trim().slice(0, 80) || 'API token';
    const token = `cr_${randomToken()}`;
    await this.#db
      .insertInto('api_tokens')
      .values({ member_id: memberId, name: clean, token_hash: hashToken(token), created_at: Date.now() })
      .execute();
    return token;
  }

  async list(memberId: number): Promise<ApiToken[]> {
    const rows = await this.#db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at', 'last_used_at'])
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async revoke(memberId: number, id: number): Promise<void> {
    await this.#db.deleteFrom('api_tokens').where('id', '=', id).where('member_id', '=', memberId).execute();
  }

  /** The member behind an API token, or null. */
  async viewerFor(token: string): Promise<Viewer | null> {
    const row = await viewerQuery(this.#db)
      .innerJoin('api_tokens', 'api_tokens.member_id', 'members.id')
      .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
      .where('api_tokens.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.suspended_at) return null;
    const now = Date.now();
    if (!row.last_used_at || now - row.last_used_at > SESSION_TOUCH_MS) {
      await this.#db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
    }
    return toViewer(row);
  }
}
