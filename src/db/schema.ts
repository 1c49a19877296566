import type { ColumnType, Generated } from 'kysely';

/**
 * The database schema as Kysely sees it. One schema on SQLite and PostgreSQL:
 * ids are integers, times are epoch milliseconds (bigint), flags are 0/1 integers and
 * structured values are JSON text, so rows read the same on both databases.
 */
export interface Schema {
  settings: SettingsTable;
  live_events: LiveEventsTable;
  actors: ActorsTable;
  members: MembersTable;
  passions: PassionsTable;
  actor_passions: ActorPassionsTable;
  related_passions: RelatedPassionsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  password_resets: PasswordResetsTable;
  rate_limits: RateLimitsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  mail_outbox: MailOutboxTable;
  mail_bounces: MailBouncesTable;
  link_cards: LinkCardsTable;
  posts: PostsTable;
  post_edits: PostEditsTable;
  media: MediaTable;
  hashtags: HashtagsTable;
  post_hashtags: PostHashtagsTable;
  mentions: MentionsTable;
  follows: FollowsTable;
  hashtag_follows: HashtagFollowsTable;
  blocks: ActorRelationTable;
  mutes: ActorRelationTable;
  likes: LikesTable;
  pins: PinsTable;
  bookmarks: BookmarksTable;
  bookmark_tags: BookmarkTagsTable;
  lists: ListsTable;
  list_members: ListMembersTable;
  timeline_entries: TimelineEntriesTable;
  notifications: NotificationsTable;
  sources: SourcesTable;
  source_items: SourceItemsTable;
  folders: FoldersTable;
  subscriptions: SubscriptionsTable;
  item_states: ItemStatesTable;
  keyword_rules: KeywordRulesTable;
  chat_series: ChatSeriesTable;
  chat_moderators: ChatModeratorsTable;
  chats: ChatsTable;
  chat_questions: ChatQuestionsTable;
  chat_posts: ChatPostsTable;
  chat_rsvps: ChatRsvpsTable;
  actor_keys: ActorKeysTable;
  federation_kv: FederationKvTable;
  instances: InstancesTable;
  chat_followers: ChatFollowersTable;
  relays: RelaysTable;
  reports: ReportsTable;
  report_posts: ReportPostsTable;
  report_notes: ReportNotesTable;
  articles: ArticlesTable;
  article_images: ArticleImagesTable;
  collections: CollectionsTable;
  collection_entries: CollectionEntriesTable;
  collection_collaborators: CollectionCollaboratorsTable;
  collection_follows: CollectionFollowsTable;
  suggestion_dismissals: SuggestionDismissalsTable;
  suggestion_pools: SuggestionPoolsTable;
  cohorts: CohortsTable;
  cohort_checkpoints: CohortCheckpointsTable;
  cohort_invites: CohortInvitesTable;
  cohort_students: CohortStudentsTable;
  goals: GoalsTable;
  goal_tags: GoalTagsTable;
  goal_notes: GoalNotesTable;
  routine_checks: RoutineChecksTable;
}

/** The live-event log (platform/events.ts), kept for a few minutes for reconnecting streams. */
export interface LiveEventsTable {
  id: Generated<number>;
  /** The event's topics, each followed by a space, the whole led by one: " home:12 local ". */
  topics: string;
  kind: string;
  /** JSON */
  data: string;
  created_at: number;
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
  /** Remote actors: JSON array of { name, value } profile fields, `value` sanitised HTML (local members use `links`). */
  fields: Generated<string>;
  /** Lower-cased location, for the directory's location filter. */
  location_key: string | null;
  /** Lower-cased display name, handle, organisation, location, bio and passions: directory matching. */
  search_text: string;
  /** 1 when follows need the owner's approval (follow requests). */
  locked: Generated<number>;
  followers_count: Generated<number>;
  following_count: Generated<number>;
  posts_count: Generated<number>;
  last_post_at: number | null;
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
  /** 0 when the member declined to be featured in public starter kits and collections. */
  featurable: Generated<number>;
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
  /** The slug stemmed ("storytimes" → "storytim"), so plurals and other endings match (accounts/passion-vocabulary.ts). Indexed. */
  match_key: Generated<string>;
  created_at: number;
}

/** The vocabulary of related passions administrators edit: groups of passions that find each other ("Storytime, Early literacy"). */
export interface RelatedPassionsTable {
  /** The group (1, 2 … in the order shown). */
  group_id: number;
  /** The passion's place in its group. */
  position: number;
  /** As the administrator wrote it. */
  name: string;
  /** Its match key, as `passions.match_key`. Indexed. */
  match_key: string;
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

export type MailState = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';

export interface MailOutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** JSON: extra headers */
  headers: string;
  message_id: string;
  state: MailState;
  send_token: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface MailBouncesTable {
  /** Lower-cased. */
  address: string;
  reason: string;
  bounced_at: number;
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

export interface LinkCardsTable {
  id: Generated<number>;
  url: string;
  title: string | null;
  description: string | null;
  image_url: string | null;
  site_name: string | null;
  /** `ok` or `failed` */
  status: string;
  fetched_at: number;
}

export type Visibility = 'public' | 'members' | 'followers' | 'direct';

export interface PostsTable {
  id: Generated<number>;
  actor_id: number;
  /** ActivityPub id of remote posts. */
  uri: string | null;
  url: string | null;
  /** What the author wrote (plain text). */
  text: string;
  /** Rendered, safe HTML. */
  html: string;
  content_warning: string | null;
  visibility: Visibility;
  reply_to_id: number | null;
  reply_to_actor_id: number | null;
  /** Id of the thread's first post. */
  thread_id: number | null;
  /** Set on a boost: the post boosted (a boost has no text of its own). */
  boost_of_id: number | null;
  card_id: number | null;
  /** The first link in the text, for its preview card. */
  first_url: string | null;
  has_media: Generated<number>;
  local: number;
  reply_count: Generated<number>;
  boost_count: Generated<number>;
  like_count: Generated<number>;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  /** Set on the post that announces an article (its replies are the article's comments). */
  article_id: number | null;
}

export interface PostEditsTable {
  id: Generated<number>;
  post_id: number;
  text: string;
  html: string;
  content_warning: string | null;
  /** When this version was written. */
  created_at: number;
}

export interface MediaTable {
  id: Generated<number>;
  member_id: number | null;
  post_id: number | null;
  position: Generated<number>;
  url: string;
  alt: Generated<string>;
  width: number | null;
  height: number | null;
  content_type: string;
  created_at: number;
}

export interface HashtagsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  post_count: Generated<number>;
  created_at: number;
}

export interface PostHashtagsTable {
  hashtag_id: number;
  post_id: number;
  listed: number;
  created_at: number;
}

export interface MentionsTable {
  post_id: number;
  acct: string;
  actor_id: number | null;
}

export interface FollowsTable {
  id: Generated<number>;
  follower_id: number;
  followee_id: number;
  state: 'accepted' | 'pending';
  uri: string | null;
  created_at: number;
}

export interface HashtagFollowsTable {
  member_id: number;
  hashtag_id: number;
  created_at: number;
}

export interface ActorRelationTable {
  actor_id: number;
  target_id: number;
  created_at: number;
}

export interface LikesTable {
  post_id: number;
  actor_id: number;
  uri: string | null;
  created_at: number;
}

export interface PinsTable {
  actor_id: number;
  post_id: number;
  created_at: number;
}

export type BookmarkVisibility = 'private' | 'public';
export type SnapshotState = 'pending' | 'ok' | 'failed';

/** A member's bookmark of a web address, a post or a feed item (curation/bookmarks.ts). */
export interface BookmarksTable {
  id: Generated<number>;
  member_id: number;
  post_id: number | null;
  item_id: number | null;
  created_at: number;
  /** The page: a bookmarked address in its normal form, or the page of the post or item. */
  url: string | null;
  /** Dedupe key of address bookmarks (unique per member); null for posts and items. */
  url_key: string | null;
  title: Generated<string>;
  note: Generated<string>;
  description: string | null;
  image_url: string | null;
  site_name: string | null;
  /** Readable text of the page, capped; searched, never shown. */
  page_text: string | null;
  visibility: Generated<BookmarkVisibility>;
  /** Null when no snapshot is taken (imports, posts, items). */
  snapshot_state: SnapshotState | null;
  snapshot_at: number | null;
  snapshot_error: string | null;
  updated_at: Generated<number>;
  /** PostgreSQL only: the search vector (SQLite keeps it in bookmarks_fts). Written, never read. */
  search: ColumnType<never, string | undefined, string>;
}

export interface BookmarkTagsTable {
  bookmark_id: number;
  /** Copied from the bookmark, for the tag indexes. */
  member_id: number;
  /** 1 when the bookmark is public. */
  public: number;
  slug: string;
  name: string;
}

export interface ListsTable {
  id: Generated<number>;
  member_id: number;
  name: string;
  description: Generated<string>;
  visibility: 'private' | 'public';
  created_at: number;
}

export interface ListMembersTable {
  list_id: number;
  actor_id: number;
  created_at: number;
}

export interface TimelineEntriesTable {
  feed: string;
  sort_id: number;
  post_id: number;
  boost_id: number | null;
}

export type NotificationKind =
  | 'mention'
  | 'reply'
  | 'follow'
  | 'follow_request'
  | 'boost'
  | 'like'
  | 'chat_reminder'
  | 'collection_entry'
  | 'kit_added';

export interface NotificationsTable {
  id: Generated<number>;
  member_id: number;
  kind: NotificationKind;
  actor_id: number;
  post_id: number | null;
  /** For chat reminders. */
  chat_id: number | null;
  /** The collection a `collection_entry` or `kit_added` notification is about. */
  collection_id: number | null;
  dedupe_key: string;
  created_at: number;
  read_at: number | null;
}

export type SourceStatus = 'active' | 'error' | 'gone';

export interface SourcesTable {
  id: Generated<number>;
  url: string;
  title: Generated<string>;
  site_url: string | null;
  description: string | null;
  icon_url: string | null;
  format: string | null;
  status: Generated<SourceStatus>;
  etag: string | null;
  last_modified: string | null;
  last_status: number | null;
  last_error: string | null;
  error_since: number | null;
  error_count: Generated<number>;
  last_fetched_at: number | null;
  last_success_at: number | null;
  last_item_at: number | null;
  interval_ms: number;
  next_fetch_at: number;
  lease_until: number | null;
  /** The token of the claim holding the lease (new for each claim). */
  lease_owner: string | null;
  subscriber_count: Generated<number>;
  item_count: Generated<number>;
  created_at: number;
}

export interface SourceItemsTable {
  id: Generated<number>;
  source_id: number;
  dedupe_key: string;
  url: string | null;
  title: Generated<string>;
  author: string | null;
  summary: Generated<string>;
  content_html: Generated<string>;
  image_url: string | null;
  attachments: string | null;
  tags: string | null;
  published_at: number | null;
  updated_at: number | null;
  seen_at: number;
  sort_at: number;
  content_hash: string;
  full_html: string | null;
}

export interface FoldersTable {
  id: Generated<number>;
  member_id: number;
  name: string;
  created_at: number;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  member_id: number;
  source_id: number;
  folder_id: number | null;
  title: string | null;
  read_up_to_id: Generated<number>;
  created_at: number;
}

export interface ItemStatesTable {
  member_id: number;
  item_id: number;
  read: number | null;
  /** When the member read it (null for reads before migration 0014, and for "mark all read"). */
  read_at: ColumnType<number | null, number | null | undefined, number | null>;
  starred_at: number | null;
  muted: Generated<number>;
}

export interface KeywordRulesTable {
  id: Generated<number>;
  member_id: number;
  source_id: number | null;
  folder_id: number | null;
  keyword: string;
  action: 'mute' | 'star';
  created_at: number;
}

export type ChatKind = 'chat' | 'backchannel';
export type ChatState = 'scheduled' | 'live' | 'ended' | 'cancelled';

export interface ChatSeriesTable {
  id: Generated<number>;
  slug: string;
  kind: ChatKind;
  hashtag: string;
  hashtag_name: string;
  title: string;
  description: Generated<string>;
  time_zone: string;
  /** JSON of a chats/time.ts Recurrence */
  recurrence: string;
  start_date: string;
  start_time: string;
  duration_minutes: number;
  question_interval: number | null;
  owner_id: number;
  created_at: number;
}

export interface ChatModeratorsTable {
  series_id: number;
  member_id: number;
  role: 'host' | 'moderator';
  created_at: number;
}

export interface ChatsTable {
  id: Generated<number>;
  series_id: number;
  date: string;
  starts_at: number;
  ends_at: number;
  topic: Generated<string>;
  state: ChatState;
  started_at: number | null;
  ended_at: number | null;
  question_interval: number | null;
  next_release_at: number | null;
  reminded_at: number | null;
  post_count: Generated<number>;
  created_at: number;
}

export interface ChatQuestionsTable {
  id: Generated<number>;
  chat_id: number;
  number: number;
  label: Generated<string>;
  text: string;
  image_url: string | null;
  image_alt: string | null;
  starts_at: number | null;
  ends_at: number | null;
  released_at: number | null;
  post_id: number | null;
  created_at: number;
}

export interface ChatPostsTable {
  chat_id: number;
  post_id: number;
  actor_id: number;
  question_id: number | null;
  first_time: number;
  highlighted: Generated<number>;
  hidden: Generated<number>;
  created_at: number;
}

export interface ChatRsvpsTable {
  chat_id: number;
  member_id: number;
  created_at: number;
}

// ---- federation ----------------------------------------------------------------------------

export interface ActorKeysTable {
  /** `user:<handle>`, `chat:<slug>` or `site`. */
  owner: string;
  algorithm: 'RSASSA-PKCS1-v1_5' | 'Ed25519';
  public_jwk: string;
  private_jwk: string;
  created_at: number;
}

export interface FederationKvTable {
  key: string;
  /** JSON */
  value: string;
  expires_at: number | null;
}

export type InstanceModeration = 'none' | 'silence' | 'block';

export interface InstancesTable {
  domain: string;
  moderation: Generated<InstanceModeration>;
  moderation_reason: string | null;
  /** From the server's NodeInfo (`software.name`, `software.version`). */
  software: string | null;
  software_version: string | null;
  /** When we last asked for its NodeInfo (asked again after a day). */
  nodeinfo_at: number | null;
  delivered_count: Generated<number>;
  failed_count: Generated<number>;
  last_delivered_at: number | null;
  last_failed_at: number | null;
  last_error: string | null;
  received_count: Generated<number>;
  last_received_at: number | null;
  created_at: number;
}

export interface ChatFollowersTable {
  series_id: number;
  actor_id: number;
  uri: string | null;
  created_at: number;
}

export interface RelaysTable {
  id: Generated<number>;
  inbox_url: string;
  style: 'mastodon' | 'litepub';
  actor_uri: string | null;
  state: 'pending' | 'accepted' | 'rejected';
  follow_uri: string;
  created_at: number;
}

export type ReportCategory = 'spam' | 'harassment' | 'sensitive' | 'illegal' | 'other';

/** A report about an account (and some of its posts), from a member or from another server. */
export interface ReportsTable {
  id: Generated<number>;
  /** The member who reported, or the remote actor that sent the Flag. */
  reporter_id: number | null;
  target_id: number;
  /** The first post concerned; report_posts lists them all. */
  post_id: number | null;
  category: Generated<ReportCategory>;
  comment: Generated<string>;
  /** The Flag's id, for reports from other servers. */
  uri: string | null;
  forwarded_at: number | null;
  resolved_at: number | null;
  /** The administrator (actor) who resolved it. */
  resolved_by: number | null;
  created_at: number;
}

export interface ReportPostsTable {
  report_id: number;
  post_id: number;
  /** The post's text when it was reported. */
  text: Generated<string>;
}

export type ReportAction = 'resolved' | 'reopened' | 'forwarded' | 'suspended' | 'silenced' | 'blocked';

/** A moderator's note on a report, or a record of what they did. */
export interface ReportNotesTable {
  id: Generated<number>;
  report_id: number;
  author_id: number | null;
  action: ReportAction | null;
  text: Generated<string>;
  created_at: number;
}

// ---- curation: articles ----------------------------------------------------------------------

export type ArticleStatus = 'draft' | 'published';

/** A member's long-form article (their blog). */
export interface ArticlesTable {
  id: Generated<number>;
  member_id: number;
  actor_id: number;
  /** Unique per author; follows the title while a draft, fixed once published. */
  slug: string;
  title: string;
  /** Plain text, or null. */
  summary: string | null;
  markdown: string;
  /** Rendered from the Markdown, sanitised. */
  html: string;
  status: ArticleStatus;
  /** The public post announcing it (its replies are the comments). */
  post_id: number | null;
  created_at: number;
  updated_at: number;
  published_at: number | null;
}

/** An image uploaded in the article editor. */
export interface ArticleImagesTable {
  id: Generated<number>;
  article_id: number;
  member_id: number;
  url: string;
  alt: string;
  width: number;
  height: number;
  content_type: string;
  created_at: number;
}

// ---- curation: collections and starter kits --------------------------------------------------

export type CollectionKind = 'collection' | 'starter_kit';
export type CollectionVisibility = 'private' | 'members' | 'public';
export type CollectionEntryKind = 'link' | 'bookmark' | 'post' | 'source' | 'person';

/** An ordered, annotated set of links, bookmarks, posts, sources and people; a starter kit holds people. */
export interface CollectionsTable {
  id: Generated<number>;
  /** The member who owns it (members.id). */
  owner_id: number;
  kind: CollectionKind;
  title: string;
  description: Generated<string>;
  visibility: CollectionVisibility;
  created_at: number;
  updated_at: number;
}

/** One entry: the target column matching `kind` is set (`url` for links). */
export interface CollectionEntriesTable {
  id: Generated<number>;
  collection_id: number;
  /** 1, 2, 3 … in display order. */
  position: number;
  kind: CollectionEntryKind;
  url: string | null;
  bookmark_id: number | null;
  post_id: number | null;
  source_id: number | null;
  actor_id: number | null;
  /** A link's title, or a title that overrides the target's. */
  title: string | null;
  /** The annotation (plain text). */
  note: Generated<string>;
  /** The member who added it (members.id); null once they are gone. */
  added_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface CollectionCollaboratorsTable {
  collection_id: number;
  member_id: number;
  created_at: number;
}

export interface CollectionFollowsTable {
  collection_id: number;
  member_id: number;
  created_at: number;
}

/** Who-to-follow suggestions a member dismissed: they stay gone (insights/suggestions.ts). */
export interface SuggestionDismissalsTable {
  member_id: number;
  actor_id: number;
  created_at: number;
}

/** The best-known people of each passion, role and place, refreshed by the insights.pools job. */
export interface SuggestionPoolsTable {
  kind: 'passion' | 'role' | 'place';
  /** A passion id (as text), a role key or a location key. */
  key: string;
  rank: number;
  actor_id: number;
}

// ---- insights: cohorts -----------------------------------------------------------------------

/** An instructor's course group with a PLN assignment and a due date (insights/cohorts.ts). */
export interface CohortsTable {
  id: Generated<number>;
  instructor_member_id: number;
  name: string;
  description: Generated<string>;
  /** YYYY-MM-DD as the instructor wrote it, in their time zone. */
  due_date: string;
  /** The end of that day (epoch ms). */
  due_at: number;
  created_at: number;
  updated_at: number;
}

export type CohortCheckpointKind = 'follow' | 'join_chat' | 'reply' | 'article' | 'stage' | 'bookmarks' | 'collection';

/** One checkpoint of a cohort's assignment (at most one of each kind). */
export interface CohortCheckpointsTable {
  id: Generated<number>;
  cohort_id: number;
  position: number;
  kind: CohortCheckpointKind;
  /** How many; for `stage`, the stage's index (1 = connection). */
  target: number;
  /** `follow` only: how many of them must have a role other than the student's. */
  outside_role: number | null;
}

/** An invite link; only the SHA-256 of its token is stored. */
export interface CohortInvitesTable {
  id: Generated<number>;
  cohort_id: number;
  token_hash: string;
  expires_at: number;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: number | null;
  created_at: number;
}

/** A student who joined a cohort, with the moment they consented. Leaving deletes the row. */
export interface CohortStudentsTable {
  cohort_id: number;
  member_id: number;
  invite_id: number | null;
  joined_at: number;
  consented_at: number;
}

/** Routine steps a member did that leave no other trace: reading from today's plan (insights/routine.ts). */
export interface RoutineChecksTable {
  member_id: number;
  /** The member's local date, YYYY-MM-DD. */
  day: string;
  step: 'read';
  created_at: number;
}

// ---- insights: learning goals ----------------------------------------------------------------

export type GoalStatus = 'active' | 'achieved' | 'archived';

/** A member's named learning goal (insights/goals.ts). */
export interface GoalsTable {
  id: Generated<number>;
  member_id: number;
  title: string;
  /** Plain text, '' when none. */
  description: Generated<string>;
  status: GoalStatus;
  created_at: number;
  updated_at: number;
  achieved_at: number | null;
}

/** A goal's tags: slugs normalised like hashtags and passions, so they match both. */
export interface GoalTagsTable {
  goal_id: number;
  slug: string;
  name: string;
  position: number;
}

/** A dated note in a goal's journal (plain text). */
export interface GoalNotesTable {
  id: Generated<number>;
  goal_id: number;
  text: string;
  created_at: number;
}
