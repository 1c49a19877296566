import type { AccountsService } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/logger.ts';
import type { Storage } from '../platform/storage.ts';
import type { SocialService } from '../social/index.ts';
import { CalendarsService } from './calendars.ts';
import { ChatGroupsService } from './groups.ts';
import { ModerationService } from './moderation.ts';
import { OccurrencesService } from './occurrences.ts';
import { PostLinking } from './post-linking.ts';
import { QuestionsService } from './questions.ts';
import { ChatRecords } from './records.ts';
import { RoomService } from './room.ts';
import { RsvpsService } from './rsvps.ts';
import { SeriesService } from './series.ts';
import { TimerService } from './timer.ts';

export interface ChatsDeps {
  database: Database;
  config: Config;
  events: EventBus;
  storage: Storage;
  logger: Logger;
  /** What time it is: which chats are coming, due, live or over. */
  clock: Clock;
  secretKey: string;
  social: SocialService;
  accounts: AccountsService;
}

/**
 * Chats and backchannels: one object the rest of the program calls, its properties the
 * concept services. A series (#tlchat, every Tuesday at 20:00 in the host's zone) has
 * occurrences, each a chat with its own topic and questions Q1..Qn (a backchannel: named
 * sessions S1..Sn over a time window). While a chat is live, posts carrying its hashtag join it
 * (see post-linking.ts).
 */
export class ChatsService {
  /** Series, their hosts and moderators, and planning their chats. */
  readonly series: SeriesService;
  /** One series' chats: listing, topics, starting, ending, cancelling. */
  readonly occurrences: OccurrencesService;
  /** Preparing questions and asking them as posts. */
  readonly questions: QuestionsService;
  /** Highlighting and hiding posts in a chat. */
  readonly moderation: ModerationService;
  /** “I’ll be there”, a member's chats, reminders. */
  readonly rsvps: RsvpsService;
  readonly calendars: CalendarsService;
  /** The live room, transcripts, a person's chat history. */
  readonly room: RoomService;
  /** The post hook that links new posts to live chats (index.ts registers it with social). */
  readonly linking: PostLinking;
  /** What happens by the clock (the chats.tick job). */
  readonly timer: TimerService;
  /** Series as fediverse group actors (federation publishes them). */
  readonly groups: ChatGroupsService;
  /** Reads shared by the concepts: a series or chat by address, roles, views; notifications' descriptions of chats. */
  readonly records: ChatRecords;
  /** The live room's events (its pages subscribe) and where it logs. */
  readonly events: EventBus;
  readonly logger: Logger;
  /** Who people are (a chat history page names its person). */
  readonly accounts: AccountsService;

  constructor(deps: ChatsDeps) {
    this.events = deps.events;
    this.logger = deps.logger;
    this.accounts = deps.accounts;
    const records = new ChatRecords(deps);
    this.records = records;
    this.series = new SeriesService({ ...deps, records });
    this.questions = new QuestionsService({ ...deps, records });
    this.occurrences = new OccurrencesService({ ...deps, records, questions: this.questions });
    this.moderation = new ModerationService({ ...deps, records });
    this.rsvps = new RsvpsService({ ...deps, records });
    this.calendars = new CalendarsService({ ...deps, records, rsvps: this.rsvps });
    this.room = new RoomService({ ...deps, records });
    this.linking = new PostLinking(deps);
    this.groups = new ChatGroupsService(deps);
    this.timer = new TimerService({ ...deps, records, occurrences: this.occurrences, questions: this.questions, rsvps: this.rsvps });
  }
}
