import { z } from 'zod';
import type { InstanceModeration, ReportAction, ReportCategory } from '../db/schema.ts';
import type { ActorSummary, PostView } from '../social/index.ts';

/** What reports are made of: categories, limits, the input schemas, and the views pages and the API show. */

export const REPORT_CATEGORIES = ['spam', 'harassment', 'sensitive', 'illegal', 'other'] as const satisfies readonly ReportCategory[];

/** What each category means, in the words the report form and the queue use. */
export const CATEGORY_LABELS: Record<ReportCategory, { label: string; hint: string }> = {
  spam: { label: 'Spam', hint: 'advertising, scams, misleading links, or the same thing posted again and again' },
  harassment: { label: 'Harassment or hate', hint: 'attacks, threats or slurs against someone or a group of people' },
  sensitive: { label: 'Disturbing content without a warning', hint: 'sexual or violent images or text with no content warning' },
  illegal: {
    label: 'Illegal content',
    hint: 'for example a copyright infringement, or someone’s private information shared without consent',
  },
  other: { label: 'Something else', hint: 'tell the moderators what is wrong in the comment' },
};

export const ACTION_LABELS: Record<ReportAction, string> = {
  resolved: 'Resolved the report',
  reopened: 'Reopened the report',
  forwarded: 'Forwarded the report to their server',
  suspended: 'Suspended the account',
  silenced: 'Silenced their server',
  blocked: 'Blocked their server',
};

export const REPORT_COMMENT_MAX = 2000;
export const REPORT_POSTS_MAX = 20;
export const NOTE_MAX = 2000;
/** Reports a member can send in an hour: enough for a bad day, not for a flood. */
export const REPORTS_PER_HOUR = 10;

export const reportInputSchema = z.strictObject({
  /** The account (`handle` here, `user@host` elsewhere); optional when posts are given. */
  acct: z.string().trim().max(300, 'That is not an account address.').optional(),
  postIds: z
    .array(z.number().int().positive('Not a post id.'))
    .max(REPORT_POSTS_MAX, `Choose at most ${REPORT_POSTS_MAX} posts.`)
    .default([]),
  category: z.enum(REPORT_CATEGORIES, { error: 'Choose what is wrong.' }),
  comment: z.string().trim().max(REPORT_COMMENT_MAX, `Keep the comment to ${REPORT_COMMENT_MAX} characters or fewer.`).default(''),
  /** For an account on another server: also send the report (anonymously) to its server. */
  forward: z.boolean().default(false),
});
export type ReportInput = z.input<typeof reportInputSchema>;
/** A report as the schema gives it (defaults applied). */
export type ReportRequest = z.output<typeof reportInputSchema>;

export const noteSchema = z.strictObject({
  text: z.string().trim().min(1, 'Write the note.').max(NOTE_MAX, `Keep the note to ${NOTE_MAX} characters or fewer.`),
});
/** A resolution or reopening may say why. */
export const decisionSchema = z.strictObject({
  note: z.string().trim().max(NOTE_MAX, `Keep the note to ${NOTE_MAX} characters or fewer.`).default(''),
});
export type NoteInput = z.output<typeof noteSchema>;
export type DecisionInput = z.output<typeof decisionSchema>;

export interface ReportSummary {
  id: number;
  category: ReportCategory;
  comment: string;
  target: ActorSummary;
  /** The member who reported, or for a report from another server, the actor that sent it. */
  reporter: ActorSummary | null;
  /** The report came from another server, not from a member here. */
  fromRemote: boolean;
  postIds: number[];
  forwardedAt: number | null;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: ActorSummary | null;
}

export interface ReportedPost {
  id: number;
  /** The post as it is now (null when it was deleted since). */
  post: PostView | null;
  /** What it said when it was reported. */
  reportedText: string;
}

export interface ReportNote {
  id: number;
  author: ActorSummary | null;
  action: ReportAction | null;
  text: string;
  createdAt: number;
}

export interface ReportDetail extends ReportSummary {
  posts: ReportedPost[];
  notes: ReportNote[];
  /** What has been done to the account: a member's suspension, or their server's moderation. */
  targetState: { local: true; suspendedAt: number | null } | { local: false; domain: string; moderation: InstanceModeration };
}

/** A member's view of their own report: what they sent and whether it was dealt with. */
export interface OwnReport {
  id: number;
  category: ReportCategory;
  comment: string;
  target: ActorSummary;
  postIds: number[];
  forwarded: boolean;
  status: 'open' | 'resolved';
  createdAt: number;
  resolvedAt: number | null;
}
