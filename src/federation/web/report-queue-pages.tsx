import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { ADMINISTRATION } from '../../accounts/index.ts';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/viewer.ts';
import { actorPath } from '../../social/index.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, formErrors, TextArea, TextField } from '../../web/forms.tsx';
import { flash, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { requireAdmin } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import { ACTION_LABELS, CATEGORY_LABELS, decisionSchema, NOTE_MAX, noteSchema } from '../report-schemas.ts';
import type { FederationService } from '../service.ts';
import { Person, ReportCard, ReportedPostCard, Reporter, When } from './report-views.tsx';

/** The administrators' queue of reports (Administration → Reports): the list, a report, and what can be done about it. */
export function reportQueuePages(service: FederationService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/admin/reports', async (c) => {
    requireAdmin(c);
    const status = c.req.query('status') === 'resolved' ? 'resolved' : 'open';
    const { reports } = service;
    const [page, open] = await Promise.all([reports.list(status, c.req.query('cursor')), reports.countOpen()]);
    const tz = c.var.viewer!.timeZone;
    const next = page.nextCursor
      ? `/admin/reports?${new URLSearchParams({ ...(status === 'resolved' ? { status } : {}), cursor: page.nextCursor })}`
      : null;
    return adminPage(
      c,
      { title: 'Reports' },
      <>
        <p>
          Members report posts and accounts here, and other servers send reports about members of this one. Open a report to read the posts
          concerned (whatever their audience), write notes for the other administrators, act, and resolve it.
        </p>
        <nav class="subnav" aria-label="Reports">
          <ul class="tags">
            <li>
              <a class="tag" href="/admin/reports" aria-current={status === 'open' ? 'page' : undefined}>
                Open ({open})
              </a>
            </li>
            <li>
              <a class="tag" href="/admin/reports?status=resolved" aria-current={status === 'resolved' ? 'page' : undefined}>
                Resolved
              </a>
            </li>
          </ul>
        </nav>
        {page.reports.length === 0 ? (
          <p class="callout">{status === 'open' ? 'No reports are waiting.' : 'No report has been resolved yet.'}</p>
        ) : (
          <ol class="report-list" aria-label={status === 'open' ? 'Open reports, newest first' : 'Resolved reports, latest first'}>
            {page.reports.map((r) => (
              <li>
                <ReportCard report={r} tz={tz} />
              </li>
            ))}
          </ol>
        )}
        {next ? (
          <nav class="pagination" aria-label="More reports">
            <a class="button button--secondary" href={next}>
              Older reports
            </a>
          </nav>
        ) : null}
      </>,
    );
  });

  app.get('/admin/reports/:id{[0-9]{1,15}}', async (c) => {
    requireAdmin(c);
    return reportPage(service, c, Number(c.req.param('id')), null);
  });

  app.post('/admin/reports/:id{[0-9]{1,15}}/:action{resolve|reopen}', async (c) => {
    const admin = requireAdmin(c);
    const id = Number(c.req.param('id'));
    const action = c.req.param('action') as 'resolve' | 'reopen';
    const form = await readForm(c);
    const values = { note: form.text('note') };
    try {
      await service.reports[action](admin, id, parseInput(decisionSchema, values));
    } catch (error) {
      const { errors, status } = formErrors(error);
      return reportPage(service, c, id, { form: 'decision', values, errors, status });
    }
    flash(c, action === 'resolve' ? `Report #${id} is resolved.` : `Report #${id} is open again.`);
    return c.redirect(action === 'resolve' ? '/admin/reports' : `/admin/reports/${id}`, 303);
  });

  app.post('/admin/reports/:id{[0-9]{1,15}}/notes', async (c) => {
    const admin = requireAdmin(c);
    const id = Number(c.req.param('id'));
    const form = await readForm(c);
    const values = { text: form.text('text') };
    try {
      await service.reports.addNote(admin, id, parseInput(noteSchema, values));
    } catch (error) {
      const { errors, status } = formErrors(error);
      return reportPage(service, c, id, { form: 'note', values, errors, status });
    }
    flash(c, 'Your note was added.');
    return c.redirect(`/admin/reports/${id}#notes`, 303);
  });

  app.post('/admin/reports/:id{[0-9]{1,15}}/forward', async (c) => {
    const admin = requireAdmin(c);
    const id = Number(c.req.param('id'));
    const { target } = await service.reports.forward(admin, id);
    flash(c, `The report about @${target} was sent to their server.`);
    return c.redirect(`/admin/reports/${id}`, 303);
  });

  // Acting on the account from its report: the existing suspension and server moderation, recorded in the report's history.
  app.post('/admin/reports/:id{[0-9]{1,15}}/suspend', async (c) => {
    const admin = requireAdmin(c);
    const id = Number(c.req.param('id'));
    const report = await service.reports.get(id);
    const form = await readForm(c);
    const values = { reason: form.text('reason').trim() };
    if (!report.targetState.local)
      throw new UserError(422, 'not_local', `@${report.target.acct} is on another server: silence or block their server instead.`);
    if (values.reason.length > 500)
      return reportPage(service, c, id, {
        form: 'suspend',
        values,
        errors: { reason: 'Keep the reason to 500 characters or fewer.' },
        status: 422,
      });
    await service.reports.suspendTarget(admin, id, values.reason);
    flash(c, `@${report.target.acct} is suspended and was signed out everywhere.`);
    return c.redirect(`/admin/reports/${id}`, 303);
  });

  app.post('/admin/reports/:id{[0-9]{1,15}}/moderate', async (c) => {
    const admin = requireAdmin(c);
    const id = Number(c.req.param('id'));
    const report = await service.reports.get(id);
    const form = await readForm(c);
    const values = { moderation: form.text('moderation'), domainReason: form.text('domainReason').trim() };
    if (report.targetState.local)
      throw new UserError(422, 'not_remote', `@${report.target.acct} is a member of this server: suspend them instead.`);
    const errors: Errors = {};
    if (values.moderation !== 'silence' && values.moderation !== 'block')
      errors.moderation = 'Choose whether to silence or block the server.';
    if (values.domainReason.length > 500) errors.domainReason = 'Keep the reason to 500 characters or fewer.';
    if (Object.keys(errors).length > 0) return reportPage(service, c, id, { form: 'moderate', values, errors, status: 422 });
    const moderation = values.moderation as 'silence' | 'block';
    const domain = await service.instances.moderate(report.targetState.domain, moderation, values.domainReason);
    await service.reports.recordAction(admin, id, moderation === 'block' ? 'blocked' : 'silenced', values.domainReason);
    flash(c, moderation === 'block' ? `${domain} is blocked.` : `${domain} is silenced.`);
    return c.redirect(`/admin/reports/${id}`, 303);
  });
  return app;
}

// ---- the queue -------------------------------------------------------------------------------

function adminPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, ADMINISTRATION, { ...options, noindex: true }, body);
}

/** Which form of the report page shows errors, with what was typed into it. */
interface ReportFormState {
  form: 'decision' | 'note' | 'suspend' | 'moderate';
  values: Record<string, string>;
  errors: Errors;
  status: PageOptions['status'];
}

async function reportPage(service: FederationService, c: AppContext, id: number, state: ReportFormState | null) {
  const viewer = c.var.viewer as Viewer;
  const report = await service.reports.get(id);
  const tz = viewer.timeZone;
  const of = (form: ReportFormState['form']) => (state?.form === form ? state : null);
  const decision = of('decision');
  const note = of('note');
  const suspend = of('suspend');
  const moderate = of('moderate');
  const open = report.resolvedAt === null;
  const target = report.target;
  const ts = report.targetState;
  return adminPage(
    c,
    {
      title: `Report #${report.id}`,
      heading: `Report #${report.id}: @${target.acct}`,
      hasErrors: Boolean(state),
      status: state?.status ?? 200,
    },
    <>
      <p>
        <a href={open ? '/admin/reports' : '/admin/reports?status=resolved'}>{open ? 'All open reports' : 'All resolved reports'}</a>
      </p>
      <dl class="report-facts">
        <dt>Status</dt>
        <dd>
          {open ? (
            <span class="status">Open</span>
          ) : (
            <>
              <span class="status status--active">Resolved</span>
              {report.resolvedBy ? <> by @{report.resolvedBy.acct}</> : null} on <When ms={report.resolvedAt!} tz={tz} />
            </>
          )}
        </dd>
        <dt>Account</dt>
        <dd>
          <Person actor={target} />{' '}
          {ts.local ? (
            ts.suspendedAt ? (
              <span class="status status--suspended">
                · suspended since <When ms={ts.suspendedAt} tz={tz} />
              </span>
            ) : (
              <span class="meta">· member of this server</span>
            )
          ) : (
            <span class="meta">
              · on {ts.domain}
              {ts.moderation === 'block' ? ', which is blocked' : ts.moderation === 'silence' ? ', which is silenced' : ''}
            </span>
          )}
        </dd>
        <dt>What is wrong</dt>
        <dd>{CATEGORY_LABELS[report.category].label}</dd>
        <dt>Reported by</dt>
        <dd>
          <Reporter report={report} />
        </dd>
        <dt>Sent</dt>
        <dd>
          <When ms={report.createdAt} tz={tz} />
        </dd>
        {ts.local ? null : (
          <>
            <dt>Forwarded to their server</dt>
            <dd>
              {report.forwardedAt ? <When ms={report.forwardedAt} tz={tz} /> : report.fromRemote ? 'Not needed: it came from there' : 'No'}
            </dd>
          </>
        )}
      </dl>

      <h2 id="comment">Comment</h2>
      {report.comment ? <blockquote class="report-text">{report.comment}</blockquote> : <p class="meta">The report has no comment.</p>}

      <h2 id="posts">Posts concerned</h2>
      {report.posts.length === 0 ? (
        <p>None: the report is about the account.</p>
      ) : (
        <ol class="timeline__list">
          {report.posts.map((p) => (
            <li>
              <ReportedPostCard item={p} tz={tz} />
            </li>
          ))}
        </ol>
      )}

      <h2 id="actions">Actions</h2>
      <h3>{open ? 'Resolve' : 'Reopen'}</h3>
      {decision ? <ErrorSummary errors={decision.errors} /> : null}
      <form method="post" action={`/admin/reports/${report.id}/${open ? 'resolve' : 'reopen'}`} class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextArea
          name="note"
          label={open ? 'Note on how it was resolved' : 'Why reopen it'}
          optional
          value={decision?.values.note}
          errors={decision?.errors}
          rows={2}
          maxLength={NOTE_MAX}
          hint="Kept in the report’s history, for the other administrators."
        />
        <div class="actions">
          <button type="submit">{open ? 'Resolve report' : 'Reopen report'}</button>
        </div>
      </form>

      {!ts.local && open && !report.forwardedAt && !report.fromRemote ? (
        <form method="post" action={`/admin/reports/${report.id}/forward`} class="stack" aria-labelledby="forward-heading">
          <h3 id="forward-heading">Forward</h3>
          <CsrfField token={c.var.csrf} />
          <p>
            The moderators of {ts.domain} can act on @{target.acct} there. Forwarding sends them this report from this server, without the
            reporter’s name.
          </p>
          <div class="actions">
            <button type="submit" class="button--secondary">
              Forward to {ts.domain}
            </button>
          </div>
        </form>
      ) : null}

      <h3>The account</h3>
      {ts.local ? (
        ts.suspendedAt ? (
          <p>
            @{target.acct} is suspended.{' '}
            <a href={`/admin/members?${new URLSearchParams({ q: target.handle, status: 'suspended' })}`}>
              Lift the suspension on the Members page
            </a>
            .
          </p>
        ) : target.id === viewer.actorId ? (
          <p>The report is about you: another administrator can act on it.</p>
        ) : (
          <form
            method="post"
            action={`/admin/reports/${report.id}/suspend`}
            class="stack"
            novalidate
            data-confirm={`Suspend @${target.acct}? They will be signed out everywhere.`}
          >
            {suspend ? <ErrorSummary errors={suspend.errors} /> : null}
            <CsrfField token={c.var.csrf} />
            <TextField
              name="reason"
              label={`Reason for suspending @${target.acct}`}
              optional
              value={suspend?.values.reason}
              errors={suspend?.errors}
              maxLength={500}
              hint="They see it when they try to sign in."
            />
            <div class="actions">
              <button type="submit" class="button--danger">
                Suspend @{target.acct}
              </button>
            </div>
          </form>
        )
      ) : ts.moderation === 'block' ? (
        <p>
          {ts.domain} is blocked. <a href="/admin/federation#servers">Manage servers</a>
        </p>
      ) : (
        <form method="post" action={`/admin/reports/${report.id}/moderate`} class="stack" novalidate>
          {moderate ? <ErrorSummary errors={moderate.errors} /> : null}
          <CsrfField token={c.var.csrf} />
          {moderate?.errors.moderation ? (
            <p class="field-error" id={`${fieldId('moderation')}`}>
              {moderate.errors.moderation}
            </p>
          ) : null}
          <TextField
            name="domainReason"
            label={`Reason for limiting ${ts.domain}`}
            optional
            value={moderate?.values.domainReason}
            errors={moderate?.errors}
            maxLength={500}
            hint={
              <>
                Silencing: its posts reach only people who follow their authors. Blocking: nothing is received from it or sent to it, and
                follows across end.
              </>
            }
          />
          <div class="actions">
            {ts.moderation === 'silence' ? null : (
              <button type="submit" name="moderation" value="silence" class="button--secondary">
                Silence {ts.domain}
              </button>
            )}
            <button type="submit" name="moderation" value="block" class="button--danger">
              Block {ts.domain}
            </button>
          </div>
        </form>
      )}

      <h2 id="notes">Notes and history</h2>
      {report.notes.length === 0 ? (
        <p>No notes yet.</p>
      ) : (
        <ol class="report-notes">
          {report.notes.map((n) => (
            <li>
              <p class="meta">
                {n.author ? <a href={actorPath(n.author)}>@{n.author.acct}</a> : 'Someone no longer here'} ·{' '}
                <When ms={n.createdAt} tz={tz} />
                {n.action ? (
                  <>
                    {' '}
                    · <strong class="report-notes__action">{ACTION_LABELS[n.action]}</strong>
                  </>
                ) : null}
              </p>
              {n.text ? <p class="report-text">{n.text}</p> : null}
            </li>
          ))}
        </ol>
      )}
      {note ? <ErrorSummary errors={note.errors} /> : null}
      <form method="post" action={`/admin/reports/${report.id}/notes`} class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextArea
          name="text"
          label="Add a note"
          value={note?.values.text}
          errors={note?.errors}
          rows={3}
          maxLength={NOTE_MAX}
          required
          hint="Only administrators see notes."
        />
        <div class="actions">
          <button type="submit" class="button--secondary">
            Add note
          </button>
        </div>
      </form>
    </>,
  );
}

/** A reported post as the moderators see it: whatever its audience, and what it said when it was reported. */
