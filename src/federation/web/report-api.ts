import { createRoute, z } from '@hono/zod-openapi';
import { type Api, body, createApi, errors, iso, json, Ok, security } from '../../api/openapi.ts';
import { pathId } from '../../api/schemas.ts';
import { ActorSchema, PostSchema, postJson } from '../../social/index.ts';
import { requireAdmin, requireViewer } from '../../web/middleware.ts';
import {
  decisionSchema,
  noteSchema,
  REPORT_CATEGORIES,
  type ReportDetail,
  type ReportNote,
  type ReportSummary,
  reportInputSchema,
} from '../report-schemas.ts';
import type { FederationService } from '../service.ts';

const CategorySchema = z.enum(REPORT_CATEGORIES).openapi({
  description:
    '`spam`; `harassment` (or hate); `sensitive` (disturbing content without a warning); `illegal`; `other` (say what in `comment`). Reports from other servers are `other`.',
});

const OwnReportSchema = z
  .object({
    id: z.number().int(),
    category: CategorySchema,
    comment: z.string(),
    target: ActorSchema,
    postIds: z.array(z.number().int()),
    forwarded: z.boolean().openapi({ description: 'A copy went to the account’s own server' }),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('OwnReport');

const ReportSchema = z
  .object({
    id: z.number().int(),
    category: CategorySchema,
    comment: z.string(),
    target: ActorSchema.openapi({ description: 'The account reported' }),
    reporter: ActorSchema.nullable().openapi({ description: 'The member who reported, or the actor of the server that sent the report' }),
    fromRemote: z.boolean().openapi({ description: 'The report came from another server' }),
    postIds: z.array(z.number().int()),
    forwardedAt: z.string().nullable(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: ActorSchema.nullable(),
  })
  .openapi('Report');

const ReportNoteSchema = z
  .object({
    id: z.number().int(),
    author: ActorSchema.nullable(),
    action: z
      .enum(['resolved', 'reopened', 'forwarded', 'suspended', 'silenced', 'blocked'])
      .nullable()
      .openapi({ description: 'null for a note; otherwise what the administrator did' }),
    text: z.string(),
    createdAt: z.string(),
  })
  .openapi('ReportNote');

const ReportDetailSchema = ReportSchema.extend({
  posts: z.array(
    z.object({
      id: z.number().int(),
      post: PostSchema.nullable().openapi({ description: 'The post as it is now, whatever its audience; null once deleted' }),
      reportedText: z.string().openapi({ description: 'What it said when it was reported' }),
    }),
  ),
  notes: z.array(ReportNoteSchema).openapi({ description: 'Notes and actions, oldest first' }),
  targetState: z.object({
    local: z.boolean(),
    suspendedAt: z.string().nullable().optional().openapi({ description: 'For a member of this server' }),
    domain: z.string().optional().openapi({ description: 'For an account on another server: its server…' }),
    moderation: z.enum(['none', 'silence', 'block']).optional().openapi({ description: '…and whether it is silenced or blocked' }),
  }),
}).openapi('ReportDetail');

const IdParam = z.object({
  id: pathId('id', 7),
});
const optionalBody = <T extends z.ZodType>(schema: T) => ({ body: { required: false, content: { 'application/json': { schema } } } });

const summaryJson = (r: ReportSummary) => ({
  ...r,
  forwardedAt: iso(r.forwardedAt),
  createdAt: iso(r.createdAt)!,
  resolvedAt: iso(r.resolvedAt),
});
const noteJson = (n: ReportNote) => ({ ...n, createdAt: iso(n.createdAt)! });
const detailJson = (r: ReportDetail) => ({
  ...summaryJson(r),
  posts: r.posts.map((p) => ({ id: p.id, post: p.post ? postJson(p.post) : null, reportedText: p.reportedText })),
  notes: r.notes.map(noteJson),
  targetState: r.targetState.local ? { local: true, suspendedAt: iso(r.targetState.suspendedAt) } : r.targetState,
});

/** Reports: members send them; administrators list, read, annotate, resolve, reopen and forward them. */
export function reportApi(service: FederationService): Api {
  const api = createApi();
  const reports = () => service.reports;

  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/reports',
      tags: ['Reports'],
      security,
      summary: 'Report an account or some of its posts to the moderators',
      description:
        'Give `postIds` (posts of one account that you can see), or `acct`, or both. `category` `other` needs a `comment`. ' +
        'With `forward`, a report about someone on another server is also sent to their server, from this server (your name is not included). ' +
        'Refused: reporting yourself (422), a post you cannot see (404), the same account or posts again while your report is open (409), more than 10 reports an hour (429).',
      request: body(reportInputSchema),
      responses: { 201: json(OwnReportSchema, 'The report'), ...errors(401, 404, 409, 422, 429) },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const id = await reports().create(viewer, c.req.valid('json'));
      const own = await reports().own(viewer, id);
      return c.json({ ...own, createdAt: iso(own.createdAt)!, resolvedAt: iso(own.resolvedAt) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/reports/{id}',
      tags: ['Reports'],
      security,
      summary: 'One of your reports, and whether the moderators dealt with it',
      request: { params: IdParam },
      responses: { 200: json(OwnReportSchema, 'The report'), ...errors(401, 404) },
    }),
    async (c) => {
      const own = await reports().own(requireViewer(c), c.req.valid('param').id);
      return c.json({ ...own, createdAt: iso(own.createdAt)!, resolvedAt: iso(own.resolvedAt) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/reports',
      tags: ['Admin'],
      security,
      summary: 'The moderation queue: open reports newest first, or resolved ones',
      request: {
        query: z.strictObject({
          status: z.enum(['open', 'resolved']).default('open'),
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
      responses: {
        200: json(z.object({ reports: z.array(ReportSchema), nextCursor: z.string().nullable() }), 'Reports'),
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      requireAdmin(c);
      const { status, cursor, limit } = c.req.valid('query');
      const page = await reports().list(status, cursor, limit);
      return c.json({ reports: page.reports.map(summaryJson), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/reports/{id}',
      tags: ['Admin'],
      security,
      summary: 'A report with the posts concerned (whatever their audience) and its notes',
      request: { params: IdParam },
      responses: { 200: json(ReportDetailSchema, 'The report'), ...errors(401, 403, 404) },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(detailJson(await reports().get(c.req.valid('param').id)), 200);
    },
  );

  for (const action of ['resolve', 'reopen'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/admin/reports/{id}/${action}`,
        tags: ['Admin'],
        security,
        summary: action === 'resolve' ? 'Resolve a report, with an optional note' : 'Reopen a resolved report, with an optional note',
        request: { params: IdParam, ...optionalBody(decisionSchema) },
        responses: { 200: json(ReportDetailSchema, 'The report'), ...errors(401, 403, 404, 409, 422) },
      }),
      async (c) => {
        const admin = requireAdmin(c);
        const { id } = c.req.valid('param');
        await reports()[action](admin, id, c.req.valid('json') ?? { note: '' });
        return c.json(detailJson(await reports().get(id)), 200);
      },
    );
  }

  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/reports/{id}/notes',
      tags: ['Admin'],
      security,
      summary: 'Add a moderator’s note to a report',
      request: { params: IdParam, ...body(noteSchema) },
      responses: { 201: json(ReportNoteSchema, 'The note'), ...errors(401, 403, 404, 422) },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      return c.json(noteJson(await reports().addNote(admin, c.req.valid('param').id, c.req.valid('json'))), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/reports/{id}/forward',
      tags: ['Admin'],
      security,
      summary: 'Forward an open report to the reported account’s server',
      request: { params: IdParam },
      responses: { ...Ok, ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const admin = requireAdmin(c);
      await reports().forward(admin, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return api;
}
