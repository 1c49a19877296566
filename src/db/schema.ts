import type { Generated } from 'kysely';

/**
 * The database schema as Kysely sees it. One schema on SQLite and PostgreSQL:
 * ids are integers, times are epoch milliseconds (bigint), flags are 0/1 integers and
 * structured values are JSON text, so rows read the same on both databases.
 */
export interface Schema {
  settings: SettingsTable;
  actors: ActorsTable;
  members: MembersTable;
  passions: PassionsTable;
  actor_passions: ActorPassionsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  password_resets: PasswordResetsTable;
  rate_limits: RateLimitsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
}

export interface SettingsTable {
  key: string;
  /** JSON */
  value: string;
  updated_at: number;
}

/** Anyone who can post: a local member's public face, or (later) a remote account. */
export interface ActorsTable {
  id: Generated<number>;
  /** Lower-cased address: `handle` for local actors, `handle@domain` for remote ones. Unique. */
  acct: string;
  /** Handle as its owner spells it. */
  handle: string;
  /** Null for local actors. */
  domain: string | null;
  /** ActivityPub id of remote actors; null for local ones (derived from the base URL). */
  uri: string | null;
  /** Profile page of remote actors. */
  url: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
  display_name: string;
  bio: string;
  /** `/media/…` for local uploads, absolute for remote. */
  avatar_url: string | null;
  /** Key from the curated role list, or null. */
  role: string | null;
  /** Free text when role is `other`. */
  role_other: string | null;
  organisation: string | null;
  location: string | null;
  /** JSON array of { label, url } */
  links: string;
  /** Lower-cased location, for the directory's location filter. */
  location_key: string | null;
  /** Lower-cased display name, handle, organisation, location, bio and passions: directory matching. */
  search_text: string;
  created_at: number;
  updated_at: number;
}

export interface MembersTable {
  id: Generated<number>;
  actor_id: number;
  email: string;
  /** Lower-cased email, unique. */
  email_key: string;
  password_hash: string;
  is_admin: number;
  time_zone: string;
  /** `public` or `members` (signed-in members only). */
  profile_visibility: string;
  suspended_at: number | null;
  suspended_reason: string | null;
  created_at: number;
  last_login_at: number | null;
}

export interface PassionsTable {
  id: Generated<number>;
  /** Lower-case letters and digits only, so a passion matches its hashtag. Unique. */
  slug: string;
  /** As first written ("Graphic novels"). */
  name: string;
  created_at: number;
}

export interface ActorPassionsTable {
  actor_id: number;
  passion_id: number;
  position: number;
}

export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  member_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  member_id: number;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface InvitesTable {
  id: Generated<number>;
  code: string;
  created_by: number | null;
  note: string | null;
  max_uses: number | null;
  use_count: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface PasswordResetsTable {
  id: Generated<number>;
  member_id: number;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON */
  payload: string;
  /** Jobs sharing an ordering key run one at a time, in enqueue order. */
  ordering_key: string | null;
  /** At most one unfinished job per dedupe key. */
  dedupe_key: string | null;
  run_at: number;
  attempts: number;
  max_attempts: number;
  /** Time limit of one attempt. */
  timeout_ms: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  /** Set when the job gave up after max_attempts; kept for inspection. */
  failed_at: number | null;
  created_at: number;
}

export interface JobSchedulesTable {
  name: string;
  kind: string;
  payload: string;
  interval_ms: number;
  next_run_at: number;
}
