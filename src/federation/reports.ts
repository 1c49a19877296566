import type { AccountsService } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { ReportAction } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { UserError } from '../platform/errors.ts';
import type { RateLimiter } from '../platform/rate-limit.ts';
import type { Viewer } from '../platform/viewer.ts';
import { type ActorSummary, loadActors, type PostView, type Relationship, type SocialService } from '../social/index.ts';
import {
  type DecisionInput,
  NOTE_MAX,
  type NoteInput,
  type OwnReport,
  REPORT_COMMENT_MAX,
  REPORT_POSTS_MAX,
  REPORTS_PER_HOUR,
  type ReportDetail,
  type ReportNote,
  type ReportRequest,
  type ReportSummary,
} from './report-schemas.ts';
import { reportSummaries } from './report-summaries.ts';

/**
 * Reports: members report an account or some of its posts; other servers send theirs (a
 * Flag, see inbox.ts). Administrators work through them in a queue: they read the posts
 * concerned (whatever their audience), write notes, act (suspend a member, silence or block a
 * server, forward the report to the account's own server) and resolve or reopen them. Every
 * note and action is kept with who did it and when.
 */

const HOUR = 3600_000;

export interface ReportsDeps {
  database: Database;
  baseUrl: string;
  rateLimiter: RateLimiter;
  social: Pick<SocialService, 'posts' | 'postRows' | 'graph'>;
  accounts: Pick<AccountsService, 'suspend'>;
  /** Sends a report to the reported account's server (outbox.ts). */
  forward(reportId: number): Promise<void>;
}

export class ReportsService {
  readonly #deps: ReportsDeps;

  constructor(deps: ReportsDeps) {
    this.#deps = deps;
  }

  get #db() {
    return this.#deps.database.db;
  }

  // ---- members ---------------------------------------------------------------------------

  /**
   * A member reports an account, or posts of one account they can see. Refused: yourself,
   * posts you cannot see (404), an open report of yours about the same account for the same
   * reason that already covers these posts (409), more than REPORTS_PER_HOUR reports in an
   * hour (429).
   */
  async create(reporter: Viewer, input: ReportRequest): Promise<number> {
    const postIds = [...new Set(input.postIds)];
    if (!input.acct && postIds.length === 0) throw UserError.field('acct', 'Say which account or posts you are reporting.');
    if (input.category === 'other' && !input.comment)
      throw UserError.field('comment', 'Tell the moderators what is wrong: you chose “Something else”.');

    const posts = postIds.length
      ? (
          await this.#deps.social.postRows.find({
            ids: postIds,
            originals: true,
            readableBy: { memberId: reporter.memberId, actorId: reporter.actorId },
          })
        ).reverse()
      : [];
    if (posts.length < postIds.length) throw UserError.notFound('There is no such post, or you cannot see it.');
    let target: { id: number; acct: string; domain: string | null } | undefined;
    if (input.acct) {
      target = await this.#db
        .selectFrom('actors')
        .select(['id', 'acct', 'domain'])
        .where('acct', '=', input.acct.replace(/^@/, '').toLowerCase())
        .executeTakeFirst();
      if (!target) throw UserError.notFound(`There is no account @${input.acct.replace(/^@/, '')} here to report.`);
    } else {
      target = await this.#db
        .selectFrom('actors')
        .select(['id', 'acct', 'domain'])
        .where('id', '=', posts[0]!.actor_id)
        .executeTakeFirstOrThrow();
    }
    if (posts.some((p) => p.actor_id !== target.id))
      throw UserError.field('postIds', `Choose only posts by @${target.acct}: a report is about one account.`);
    if (target.id === reporter.actorId) throw new UserError(422, 'own_account', 'You cannot report yourself.');
    if (input.forward && target.domain === null)
      throw UserError.field('forward', `@${target.acct} is a member of this server: there is no other server to send the report to.`);

    // The same thing (account, category, posts) reported again while the first report is open is a duplicate.
    const open = await this.#db
      .selectFrom('reports')
      .leftJoin('report_posts', 'report_posts.report_id', 'reports.id')
      .select(['reports.id', 'report_posts.post_id'])
      .where('reports.reporter_id', '=', reporter.actorId)
      .where('reports.target_id', '=', target.id)
      .where('reports.category', '=', input.category)
      .where('reports.resolved_at', 'is', null)
      .execute();
    const covered = new Set(open.flatMap((r) => (r.post_id === null ? [] : [r.post_id])));
    if (open.length > 0 && postIds.every((id) => covered.has(id))) {
      throw new UserError(
        409,
        'already_reported',
        `You already reported ${postIds.length ? (postIds.length === 1 ? 'this post' : 'these posts') : `@${target.acct}`}. The moderators have not dealt with it yet.`,
      );
    }

    const limit = await this.#deps.rateLimiter.hit(`reports:${reporter.actorId}`, HOUR);
    if (limit.count > REPORTS_PER_HOUR) {
      const seconds = Math.max(1, Math.ceil((limit.resetAt - Date.now()) / 1000));
      const minutes = Math.ceil(seconds / 60);
      throw new UserError(
        429,
        'rate_limited',
        `You sent ${REPORTS_PER_HOUR} reports in the last hour, the most there can be. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
        { retryAfter: seconds },
      );
    }

    const byId = new Map(posts.map((p) => [p.id, p]));
    const id = await this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('reports')
        .values({
          reporter_id: reporter.actorId,
          target_id: target.id,
          post_id: postIds[0] ?? null,
          category: input.category,
          comment: input.comment,
          created_at: Date.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (postIds.length)
        await tx
          .insertInto('report_posts')
          .values(postIds.map((postId) => ({ report_id: row.id, post_id: postId, text: byId.get(postId)!.text })))
          .execute();
      return row.id;
    });
    if (input.forward) await this.#deps.forward(id);
    return id;
  }

  /** A report from another server (a Flag): `reporterId` is the actor that sent it. */
  async receive(input: { reporterId: number; targetId: number; postIds: number[]; comment: string; uri: string | null }): Promise<number> {
    return this.#db.transaction().execute(async (tx) => {
      // Oldest first, as they were listed.
      const posts = input.postIds.length
        ? (await this.#deps.social.postRows.find({ ids: input.postIds, actorId: input.targetId }, tx)).reverse().slice(0, REPORT_POSTS_MAX)
        : [];
      const row = await tx
        .insertInto('reports')
        .values({
          reporter_id: input.reporterId,
          target_id: input.targetId,
          post_id: posts[0]?.id ?? null,
          comment: input.comment.slice(0, REPORT_COMMENT_MAX),
          uri: input.uri,
          created_at: Date.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (posts.length)
        await tx
          .insertInto('report_posts')
          .values(posts.map((p) => ({ report_id: row.id, post_id: p.id, text: p.text })))
          .execute();
      return row.id;
    });
  }

  /** The reporter's own report; 404 for anyone else (even an administrator: they use the queue). */
  async own(reporter: Viewer, id: number): Promise<OwnReport> {
    const row = await this.#db
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', id)
      .where('reporter_id', '=', reporter.actorId)
      .executeTakeFirst();
    if (!row) throw UserError.notFound('There is no such report of yours.');
    const [summary] = await reportSummaries(this.#deps.database, this.#deps.baseUrl, [row]);
    return {
      id: row.id,
      category: row.category,
      comment: row.comment,
      target: summary!.target,
      postIds: summary!.postIds,
      forwarded: row.forwarded_at !== null,
      status: row.resolved_at === null ? 'open' : 'resolved',
      createdAt: row.created_at,
      resolvedAt: row.resolved_at,
    };
  }

  /** What the report form offers: the account and their latest posts the member can see (the chosen ones first). */
  async reportable(
    reporter: Viewer,
    target: { acct?: string; postId?: number },
  ): Promise<{ target: ActorSummary; posts: PostView[]; chosen: number[] }> {
    let actorId: number | undefined;
    if (target.postId) {
      const [post] = await this.#deps.social.postRows.find({
        ids: [target.postId],
        originals: true,
        readableBy: { memberId: reporter.memberId, actorId: reporter.actorId },
      });
      if (!post) throw UserError.notFound('This post does not exist, was deleted, or is not visible to you.');
      actorId = post.actor_id;
    } else if (target.acct) {
      actorId = (await this.#db.selectFrom('actors').select('id').where('acct', '=', target.acct.toLowerCase()).executeTakeFirst())?.id;
      if (!actorId) throw UserError.notFound(`There is no account @${target.acct} here.`);
    }
    if (!actorId) throw UserError.notFound();
    if (actorId === reporter.actorId) throw new UserError(422, 'own_account', 'You cannot report yourself.');
    const reader = { memberId: reporter.memberId, actorId: reporter.actorId };
    const recent = await this.#deps.social.postRows.find({ actorId, originals: true, readableBy: reader, limit: REPORT_POSTS_MAX });
    const chosen = target.postId ? [target.postId] : [];
    const ids = [...new Set([...chosen, ...recent.map((r) => r.id)])].slice(0, REPORT_POSTS_MAX);
    const [actors, posts] = await Promise.all([
      loadActors(this.#db, [actorId], this.#deps.baseUrl),
      this.#deps.social.posts.hydrate(
        reader,
        ids.map((postId) => ({ postId })),
      ),
    ]);
    return { target: actors.get(actorId)!, posts, chosen };
  }

  // ---- administrators ----------------------------------------------------------------------

  /** Open reports newest first, or resolved ones latest resolution first. */
  async list(status: 'open' | 'resolved', cursor?: string, limit = 20): Promise<{ reports: ReportSummary[]; nextCursor: string | null }> {
    let query = this.#db.selectFrom('reports').selectAll();
    if (status === 'open') {
      query = query.where('resolved_at', 'is', null).orderBy('id', 'desc');
      if (cursor) query = query.where('id', '<', decodeCursor(cursor, ['number'])[0]);
    } else {
      query = query.where('resolved_at', 'is not', null).orderBy('resolved_at', 'desc').orderBy('id', 'desc');
      if (cursor) {
        const [at, id] = decodeCursor(cursor, ['number', 'number']);
        query = query.where((eb) => eb.or([eb('resolved_at', '<', at), eb.and([eb('resolved_at', '=', at), eb('id', '<', id)])]));
      }
    }
    const rows = await query.limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor(status === 'open' ? [last.id] : [last.resolved_at!, last.id]) : null;
    return { reports: await reportSummaries(this.#deps.database, this.#deps.baseUrl, page), nextCursor };
  }

  async countOpen(): Promise<number> {
    const row = await this.#db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('resolved_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One report with its posts (as they are now, and as they were reported) and its history. */
  async get(id: number): Promise<ReportDetail> {
    const db = this.#db;
    const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw UserError.notFound('There is no such report.');
    const [[summary], reported, notes, target] = await Promise.all([
      reportSummaries(this.#deps.database, this.#deps.baseUrl, [row]),
      db
        .selectFrom('report_posts')
        .select(['report_posts.post_id', 'report_posts.text'])
        .where('report_id', '=', id)
        .orderBy('post_id', 'desc')
        .execute(),
      db.selectFrom('report_notes').selectAll().where('report_id', '=', id).orderBy('id').execute(),
      db
        .selectFrom('actors')
        .leftJoin('members', 'members.actor_id', 'actors.id')
        .leftJoin('instances', 'instances.domain', 'actors.domain')
        .select(['actors.domain', 'members.suspended_at', 'instances.moderation'])
        .where('actors.id', '=', row.target_id)
        .executeTakeFirstOrThrow(),
    ]);
    const rows = new Map((await this.#deps.social.postRows.find({ ids: reported.map((r) => r.post_id) })).map((p) => [p.id, p]));
    const live = reported.filter((r) => rows.get(r.post_id)?.deleted_at === null).map((r) => ({ postId: r.post_id }));
    const [views, authors] = await Promise.all([
      this.#deps.social.posts.hydrate(null, live, { moderator: true }),
      loadActors(
        db,
        notes.flatMap((n) => (n.author_id ? [n.author_id] : [])),
        this.#deps.baseUrl,
      ),
    ]);
    const viewById = new Map(views.map((v) => [v.id, v]));
    return {
      ...summary!,
      posts: reported
        .filter((r) => rows.has(r.post_id))
        .map((r) => ({ id: r.post_id, post: viewById.get(r.post_id) ?? null, reportedText: r.text })),
      notes: notes.map((n) => ({
        id: n.id,
        author: n.author_id ? (authors.get(n.author_id) ?? null) : null,
        action: n.action,
        text: n.text,
        createdAt: n.created_at,
      })),
      targetState:
        target.domain === null
          ? { local: true, suspendedAt: target.suspended_at ?? null }
          : { local: false, domain: target.domain, moderation: target.moderation ?? 'none' },
    };
  }

  /** Marks a report dealt with, saying why if the administrator wants to. */
  async resolve(admin: Viewer, id: number, input: DecisionInput = { note: '' }): Promise<void> {
    await this.#decide(admin, id, 'resolved', input.note);
  }

  async reopen(admin: Viewer, id: number, input: DecisionInput = { note: '' }): Promise<void> {
    await this.#decide(admin, id, 'reopened', input.note);
  }

  async #decide(admin: Viewer, id: number, action: 'resolved' | 'reopened', note: string): Promise<void> {
    const now = Date.now();
    await this.#db.transaction().execute(async (tx) => {
      const changed = await tx
        .updateTable('reports')
        .set(action === 'resolved' ? { resolved_at: now, resolved_by: admin.actorId } : { resolved_at: null, resolved_by: null })
        .where('id', '=', id)
        .where('resolved_at', action === 'resolved' ? 'is' : 'is not', null)
        .returning('id')
        .executeTakeFirst();
      if (!changed) {
        const exists = await tx.selectFrom('reports').select('id').where('id', '=', id).executeTakeFirst();
        if (!exists) throw UserError.notFound('There is no such report.');
        throw new UserError(
          409,
          action === 'resolved' ? 'already_resolved' : 'not_resolved',
          action === 'resolved' ? 'This report is already resolved.' : 'This report is open: there is nothing to reopen.',
        );
      }
      await tx
        .insertInto('report_notes')
        .values({ report_id: id, author_id: admin.actorId, action, text: note, created_at: now })
        .execute();
    });
  }

  async addNote(admin: Viewer, id: number, input: NoteInput): Promise<ReportNote> {
    return this.#note(admin, id, null, input.text);
  }

  /** Suspends the local member a report is about, and records it in the report's history. */
  async suspendTarget(admin: Viewer, id: number, reason: string): Promise<ReportDetail> {
    const report = await this.get(id);
    if (!report.targetState.local)
      throw new UserError(422, 'not_local', `@${report.target.acct} is on another server: silence or block their server instead.`);
    await this.#deps.accounts.suspend(report.target.handle, reason || null, admin);
    await this.recordAction(admin, id, 'suspended', reason);
    return report;
  }

  /** How the reporter stands with the account they reported (whether they mute or block it already). */
  relationship(reporter: Viewer, actorId: number): Promise<Relationship> {
    return this.#deps.social.graph.relationship(reporter, actorId);
  }

  /** Records what an administrator did about a report elsewhere (suspended the account, silenced or blocked its server). */
  async recordAction(admin: Viewer, id: number, action: 'suspended' | 'silenced' | 'blocked', text = ''): Promise<void> {
    await this.#note(admin, id, action, text.slice(0, NOTE_MAX));
  }

  async #note(admin: Viewer, id: number, action: ReportAction | null, text: string): Promise<ReportNote> {
    const exists = await this.#db.selectFrom('reports').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw UserError.notFound('There is no such report.');
    const now = Date.now();
    const row = await this.#db
      .insertInto('report_notes')
      .values({ report_id: id, author_id: admin.actorId, action, text, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const author = (await loadActors(this.#db, [admin.actorId], this.#deps.baseUrl)).get(admin.actorId) ?? null;
    return { id: row.id, author, action, text, createdAt: now };
  }

  /** Sends an open report about someone on another server to that server (as a Flag from this server). */
  async forward(admin: Viewer, id: number): Promise<{ target: string }> {
    const report = await this.#db
      .selectFrom('reports')
      .innerJoin('actors', 'actors.id', 'reports.target_id')
      .select(['actors.acct', 'actors.domain', 'reports.forwarded_at'])
      .where('reports.id', '=', id)
      .where('reports.resolved_at', 'is', null)
      .executeTakeFirst();
    if (!report) throw UserError.notFound('There is no such open report.');
    if (report.domain === null)
      throw new UserError(
        422,
        'not_remote',
        `@${report.acct} is a member of this server: there is no other server to forward the report to.`,
      );
    if (report.forwarded_at !== null) throw new UserError(409, 'already_forwarded', 'This report was already sent to their server.');
    await this.#deps.forward(id);
    await this.#note(admin, id, 'forwarded', '');
    return { target: report.acct };
  }
}
