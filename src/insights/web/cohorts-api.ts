import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { pathId } from '../../api/schemas.ts';
import type { AppContext } from '../../web/context.ts';
import { requireViewer } from '../../web/middleware.ts';
import { type Cohort, daysLeft } from '../cohort-access.ts';
import type { Invite } from '../cohort-invites.ts';
import type { CohortProgress } from '../cohort-progress.ts';
import { CHECKPOINT_KINDS, checkpointsInputSchema, cohortInputSchema, cohortUpdateSchema, inviteInputSchema } from '../cohort-schemas.ts';
import type { CohortSummary } from '../cohorts.ts';
import type { InsightsService } from '../service.ts';
import { STAGES } from '../stages.ts';

// ---- response shapes ------------------------------------------------------------------------

const PersonSchema = z.object({ memberId: z.number().int(), handle: z.string(), displayName: z.string() }).openapi('CohortPerson');

const CheckpointSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(CHECKPOINT_KINDS),
    target: z.number().int().openapi({ description: 'How many; for `stage`, the index of the stage (1 = connection)' }),
    outsideRole: z
      .number()
      .int()
      .openapi({ description: '`follow`: how many of the people followed must have a role other than the student’s' }),
    stage: z.enum(STAGES).nullable(),
    label: z.string().openapi({ example: 'Follow at least 10 people, including at least 3 whose role differs from yours' }),
  })
  .openapi('CohortCheckpoint');

const InviteSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(['active', 'expired', 'used_up', 'revoked']),
    expiresAt: z.string(),
    maxUses: z.number().int().nullable(),
    uses: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('CohortInvite');

const CohortSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    dueDate: z.string().openapi({ example: '2026-12-18', description: 'The last day, in the instructor’s time zone' }),
    dueAt: z.string().openapi({ description: 'The end of that day' }),
    daysLeft: z.number().int(),
    role: z.enum(['instructor', 'student']),
    instructor: PersonSchema,
    checkpoints: z.array(CheckpointSchema),
    studentCount: z.number().int(),
    editable: z.boolean().openapi({ description: 'The checkpoints can still change (the due date has not passed)' }),
    url: z.string(),
    invites: z
      .array(InviteSchema)
      .nullable()
      .openapi({ description: 'The invite links (instructor only; null for students). Tokens are shown only when a link is made.' }),
  })
  .openapi('Cohort');

const SummarySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    dueDate: z.string(),
    dueAt: z.string(),
    role: z.enum(['instructor', 'student']),
    instructor: PersonSchema,
    studentCount: z.number().int(),
    checkpointCount: z.number().int(),
    url: z.string(),
  })
  .openapi('CohortSummary');

const ProgressSchema = z
  .object({
    cohort: z.object({ id: z.number().int(), name: z.string(), dueDate: z.string(), role: z.enum(['instructor', 'student']) }),
    checkpoints: z.array(CheckpointSchema),
    students: z.array(
      z.object({
        student: PersonSchema,
        joinedAt: z.string(),
        done: z.number().int().openapi({ description: 'Checkpoints done' }),
        checkpoints: z.array(
          z.object({
            checkpointId: z.number().int(),
            kind: z.enum(CHECKPOINT_KINDS),
            done: z.boolean(),
            count: z.number().int().openapi({ description: 'The student’s count (for `stage`, the index of their current stage)' }),
            target: z.number().int(),
            outsideRoleCount: z.number().int().nullable(),
            outsideRoleTarget: z.number().int().nullable(),
            stage: z.enum(STAGES).nullable(),
            targetStage: z.enum(STAGES).nullable(),
          }),
        ),
      }),
    ),
    totals: z.array(
      z.object({
        checkpointId: z.number().int(),
        kind: z.enum(CHECKPOINT_KINDS),
        done: z.number().int(),
        percent: z.number().int().nullable().openapi({ description: 'Whole percent of students; null when there are none' }),
      }),
    ),
    computedAt: z.string(),
  })
  .openapi('CohortProgress');

const IdParam = z.object({
  id: pathId('id', 3),
});
const InviteParams = IdParam.extend({
  inviteId: pathId('inviteId', 7),
});

const checkpointJson = (c: Cohort['checkpoints'][number]) => ({
  id: c.id,
  kind: c.kind,
  target: c.target,
  outsideRole: c.outsideRole,
  stage: c.stage,
  label: c.label,
});
const inviteJson = (i: Invite) => ({
  id: i.id,
  status: i.status,
  expiresAt: iso(i.expiresAt)!,
  maxUses: i.maxUses,
  uses: i.uses,
  createdAt: iso(i.createdAt)!,
});

function cohortJson(baseUrl: string, cohort: Cohort, invites: Invite[] | null) {
  return {
    id: cohort.id,
    name: cohort.name,
    description: cohort.description,
    dueDate: cohort.dueDate,
    dueAt: iso(cohort.dueAt)!,
    daysLeft: daysLeft(cohort.dueAt),
    role: cohort.role,
    instructor: cohort.instructor,
    checkpoints: cohort.checkpoints.map(checkpointJson),
    studentCount: cohort.studentCount,
    editable: cohort.editable,
    url: `${baseUrl}/insights/cohorts/${cohort.id}`,
    invites: invites ? invites.map(inviteJson) : null,
  };
}

const summaryJson = (baseUrl: string, s: CohortSummary) => ({
  ...s,
  dueAt: iso(s.dueAt)!,
  url: `${baseUrl}/insights/cohorts/${s.id}`,
});

/** Only numbers and done/not done per checkpoint: never a post, a bookmark or a message. */
function progressJson(p: CohortProgress) {
  return {
    cohort: { id: p.cohort.id, name: p.cohort.name, dueDate: p.cohort.dueDate, role: p.cohort.role },
    checkpoints: p.cohort.checkpoints.map(checkpointJson),
    students: p.students.map((s) => ({ student: s.student, joinedAt: iso(s.joinedAt)!, done: s.done, checkpoints: s.checkpoints })),
    totals: p.totals.map((t) => ({ checkpointId: t.checkpointId, kind: t.kind, done: t.done, percent: t.percent })),
    computedAt: iso(p.computedAt)!,
  };
}

/** The cohort, with its invite links for the instructor. */
async function fullCohort(c: AppContext, service: InsightsService, cohort: Cohort) {
  const invites = cohort.role === 'instructor' ? await service.cohorts.invites(requireViewer(c), cohort.id) : null;
  return cohortJson(service.baseUrl, cohort, invites);
}

const TAGS = ['Cohorts'];

/** Cohorts under /api/v1/cohorts. */
export function cohortsApi(service: InsightsService): Api {
  const api = createApi();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cohorts',
      tags: TAGS,
      security,
      summary: 'Your cohorts: the ones you teach and the ones you are enrolled in',
      request: { query: z.strictObject({}) },
      responses: {
        200: json(z.object({ teaching: z.array(SummarySchema), enrolled: z.array(SummarySchema) }), 'Your cohorts, newest first'),
        ...errors(401, 422),
      },
    }),
    async (c) => {
      const list = await service.cohorts.list(requireViewer(c));
      return c.json(
        {
          teaching: list.teaching.map((s) => summaryJson(service.baseUrl, s)),
          enrolled: list.enrolled.map((s) => summaryJson(service.baseUrl, s)),
        },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cohorts',
      tags: TAGS,
      security,
      summary: 'Create a cohort that you teach',
      description: 'Then set its checkpoints (PUT …/checkpoints) and make invite links for your students.',
      request: body(cohortInputSchema),
      responses: { 201: json(CohortSchema, 'The cohort'), ...errors(401, 409, 422) },
    }),
    async (c) => {
      const cohort = await service.cohorts.create(requireViewer(c), c.req.valid('json'));
      return c.json(await fullCohort(c, service, cohort), 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cohorts/{id}',
      tags: TAGS,
      security,
      summary: 'A cohort you teach or study in (404 to anyone else)',
      request: { params: IdParam, query: z.strictObject({}) },
      responses: { 200: json(CohortSchema, 'The cohort'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(await fullCohort(c, service, await service.cohorts.get(requireViewer(c), c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/cohorts/{id}',
      tags: TAGS,
      security,
      summary: 'Change a cohort’s name, description or due date (instructor)',
      request: { params: IdParam, ...body(cohortUpdateSchema) },
      responses: { 200: json(CohortSchema, 'The cohort'), ...errors(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(
        await fullCohort(c, service, await service.cohorts.update(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))),
        200,
      ),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/cohorts/{id}',
      tags: TAGS,
      security,
      summary: 'Delete a cohort with its checkpoints, invite links and enrolments (instructor)',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await service.cohorts.delete(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/cohorts/{id}/checkpoints',
      tags: TAGS,
      security,
      summary: 'Set the assignment: the whole list of checkpoints, at most one of each kind (instructor, until the due date)',
      description:
        'Kinds: `follow` {target, outsideRole}; `join_chat` {target}; `reply` {target: different people}; `article` {target}; `stage` {stage: connection | creation | contribution}; `bookmarks` {target}; `collection` {target: public collections}. ' +
        'See docs/insights.md (Cohorts) for exactly what counts.',
      request: { params: IdParam, ...body(checkpointsInputSchema) },
      responses: { 200: json(CohortSchema, 'The cohort'), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) =>
      c.json(
        await fullCohort(c, service, await service.cohorts.setCheckpoints(requireViewer(c), c.req.valid('param').id, c.req.valid('json'))),
        200,
      ),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cohorts/{id}/invites',
      tags: TAGS,
      security,
      summary: 'Make an invite link (instructor); the token is shown only in this answer',
      request: { params: IdParam, ...body(inviteInputSchema) },
      responses: {
        201: json(z.object({ invite: InviteSchema, token: z.string(), url: z.string() }).openapi('CohortNewInvite'), 'The link'),
        ...errors(401, 403, 404, 409, 422),
      },
    }),
    async (c) => {
      const made = await service.cohorts.createInvite(requireViewer(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json({ invite: inviteJson(made.invite), token: made.token, url: made.url }, 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/cohorts/{id}/invites/{inviteId}',
      tags: TAGS,
      security,
      summary: 'Revoke an invite link (instructor); students who joined with it stay',
      request: { params: InviteParams },
      responses: { ...Ok, ...errors(401, 403, 404) },
    }),
    async (c) => {
      const { id, inviteId } = c.req.valid('param');
      await service.cohorts.revokeInvite(requireViewer(c), id, inviteId);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cohorts/join',
      tags: TAGS,
      security,
      summary: 'Join a cohort with an invite link’s token, consenting that the instructor sees your progress on the assignment',
      description:
        'The instructor sees your handle, display name and, per checkpoint, your count and whether it is done — never your private messages, private or followers-only posts, private bookmarks or reading history. ' +
        'Unknown or revoked link: 404; expired or used up: 410; your own cohort: 409; no consent: 422. Already a member: 200 with `alreadyMember`.',
      request: body(z.strictObject({ token: z.string().min(1).max(200), consent: z.boolean() })),
      responses: {
        200: json(z.object({ cohort: CohortSchema, alreadyMember: z.boolean() }), 'You are in the cohort'),
        ...errors(401, 404, 409, 422),
      },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const joined = await service.cohorts.join(viewer, c.req.valid('json'));
      return c.json(
        { cohort: await fullCohort(c, service, await service.cohorts.get(viewer, joined.cohortId)), alreadyMember: joined.alreadyMember },
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cohorts/{id}/leave',
      tags: TAGS,
      security,
      summary: 'Leave a cohort: your progress disappears from the dashboard and exports at once',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 404, 409) },
    }),
    async (c) => {
      await service.cohorts.leave(requireViewer(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cohorts/{id}/progress',
      tags: TAGS,
      security,
      summary: 'Progress on the assignment: every student’s (instructor) or your own (student)',
      description:
        'Counts and done/not done per checkpoint only. There is no parameter to ask for anything else (unknown query parameters are refused).',
      request: { params: IdParam, query: z.strictObject({}) },
      responses: { 200: json(ProgressSchema, 'The progress'), ...errors(401, 404, 422) },
    }),
    async (c) => c.json(progressJson(await service.cohorts.progress(requireViewer(c), c.req.valid('param').id)), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cohorts/{id}/progress.csv',
      tags: TAGS,
      security,
      summary: 'The progress of every student as CSV (instructor)',
      description:
        'RFC 4180 with a header row, one row per student. Cells that a spreadsheet would read as a formula (starting with = + - @) get a leading apostrophe.',
      request: { params: IdParam, query: z.strictObject({}) },
      responses: {
        200: { description: 'The CSV, as a download', content: { 'text/csv': { schema: z.string() } } },
        ...errors(401, 403, 404, 422),
      },
    }),
    async (c) => csvResponse(c, service, c.req.valid('param').id),
  );
  return api;
}

/** The CSV download, shared by the API and the page's "Download CSV" link. */
export async function csvResponse(c: AppContext, service: InsightsService, id: number): Promise<Response> {
  const { csv, filename } = await service.cohorts.progressCsv(requireViewer(c), id);
  return c.body(csv, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'private, no-store',
  });
}
