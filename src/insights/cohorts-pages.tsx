import type { Hono } from 'hono';
import { UserError } from '../platform/errors.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { AppContext, AppEnv } from '../web/context.ts';
import { formatDate, plural } from '../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, fieldId, formErrors, TextArea, TextField } from '../web/forms.tsx';
import { DataTable, flash, type PageOptions } from '../web/layout.tsx';
import { requireViewer } from '../web/middleware.ts';
import { type Form, readForm } from '../web/request.ts';
import { BarChart } from './charts.tsx';
import {
  CHECKPOINT_KINDS,
  type Checkpoint,
  type CheckpointProgress,
  type Cohort,
  type CohortProgress,
  daysLeft,
  type Invite,
  LIMITS,
  TARGET_STAGES,
} from './cohorts.ts';
import { cohortsService, csvResponse } from './cohorts-api.ts';
import { insightsPage } from './section.tsx';
import { STAGE_LABELS, STAGES } from './stages.ts';

/**
 * Cohorts in the Insights section: the list, a new cohort, the instructor's dashboard (progress
 * table and chart, invite links, CSV) or the student's checklist at the same address, the
 * assignment editor, the join page with its consent, and confirmation pages for leaving and
 * deleting. Plain forms throughout: no script is needed.
 */

const ROOT = '/insights/cohorts';
const pathOf = (id: number) => `${ROOT}/${id}`;

type Values = Record<string, string>;
interface FormState {
  values?: Values;
  errors?: Errors;
  status?: PageOptions['status'];
}

const KIND_TITLES: Record<(typeof CHECKPOINT_KINDS)[number], string> = {
  follow: 'Follow people',
  join_chat: 'Take part in a chat',
  reply: 'Reply to people',
  article: 'Publish an article',
  stage: 'Reach a stage',
  bookmarks: 'Save bookmarks',
  collection: 'Make a public collection',
};

const TARGET_LABELS: Record<Exclude<(typeof CHECKPOINT_KINDS)[number], 'stage'>, string> = {
  follow: 'At least how many people',
  join_chat: 'In at least how many chats',
  reply: 'At least how many different people',
  article: 'At least how many articles',
  bookmarks: 'At least how many bookmarks',
  collection: 'At least how many public collections',
};

function idParam(c: AppContext): number {
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id) || id <= 0) throw UserError.notFound('There is no such cohort, or you are not in it.');
  return id;
}

const longDate = (date: string) => formatDate(Date.parse(`${date}T12:00:00Z`), 'UTC');

function dueText(cohort: Pick<Cohort, 'dueDate' | 'dueAt'>): string {
  const left = daysLeft(cohort.dueAt);
  const when =
    cohort.dueAt <= Date.now() ? 'the due date has passed' : left === 0 ? 'today is the last day' : `${plural(left, 'day', 'days')} left`;
  return `Due ${longDate(cohort.dueDate)} (${when})`;
}

export function registerCohortsPages(app: Hono<AppEnv>): void {
  const service = cohortsService;

  app.get(ROOT, async (c) => listPage(c, requireViewer(c)));

  app.get(`${ROOT}/new`, (c) => {
    requireViewer(c);
    return newPage(c);
  });
  app.post(ROOT, async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), dueDate: form.text('dueDate') };
    try {
      const cohort = await service(c).create(viewer, values);
      flash(c, `Cohort “${cohort.name}” created. Now set its checkpoints.`);
      return c.redirect(`${pathOf(cohort.id)}/edit`, 303);
    } catch (error) {
      return newPage(c, { values, ...formErrors(error) });
    }
  });

  // Join (before /:id, which only takes digits anyway).
  app.get(`${ROOT}/join/:token`, async (c) => joinPage(c, requireViewer(c), c.req.param('token')));
  app.post(`${ROOT}/join/:token`, async (c) => {
    const viewer = requireViewer(c);
    const token = c.req.param('token');
    const form = await readForm(c);
    try {
      const joined = await service(c).join(viewer, { token, consent: form.text('consent') === 'yes' });
      flash(c, joined.alreadyMember ? 'You are already in this cohort.' : 'You joined the cohort. Here is your checklist.');
      return c.redirect(pathOf(joined.cohortId), 303);
    } catch (error) {
      if (error instanceof UserError && error.issues.some((i) => i.path === 'consent'))
        return joinPage(c, viewer, token, { ...formErrors(error) });
      throw error;
    }
  });

  app.get(`${ROOT}/:id{[0-9]+}`, async (c) => cohortPage(c, requireViewer(c), idParam(c)));

  app.get(`${ROOT}/:id{[0-9]+}/progress.csv`, async (c) => {
    requireViewer(c);
    return csvResponse(c, idParam(c));
  });

  app.get(`${ROOT}/:id{[0-9]+}/edit`, async (c) => editPage(c, await instructorCohort(c)));
  app.post(`${ROOT}/:id{[0-9]+}/edit`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), dueDate: form.text('dueDate') };
    try {
      await service(c).update(viewer, id, values);
      flash(c, 'The cohort was saved.');
      return c.redirect(pathOf(id), 303);
    } catch (error) {
      rethrowRefusal(error);
      return editPage(c, await service(c).get(viewer, id), { details: { values, ...formErrors(error) } });
    }
  });
  app.post(`${ROOT}/:id{[0-9]+}/checkpoints`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const { input, values, kinds } = checkpointsFromForm(form);
    try {
      await service(c).setCheckpoints(viewer, id, input);
      flash(
        c,
        input.checkpoints.length === 0
          ? 'The assignment has no checkpoints now.'
          : `The assignment was saved: ${plural(input.checkpoints.length, 'checkpoint', 'checkpoints')}.`,
      );
      return c.redirect(pathOf(id), 303);
    } catch (error) {
      rethrowRefusal(error);
      const { errors, status } = formErrors(error);
      return editPage(c, await service(c).get(viewer, id), { checkpoints: { values, errors: checkpointErrors(errors, kinds), status } });
    }
  });

  app.post(`${ROOT}/:id{[0-9]+}/invites`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    const form = await readForm(c);
    const values = { expiresInDays: form.text('expiresInDays'), maxUses: form.text('maxUses') };
    const input = { expiresInDays: numberOr(values.expiresInDays, undefined), maxUses: numberOr(values.maxUses, null) };
    try {
      const made = await service(c).createInvite(viewer, id, input);
      return cohortPage(c, viewer, id, { newInviteUrl: made.url });
    } catch (error) {
      rethrowRefusal(error);
      return cohortPage(c, viewer, id, { invite: { values, ...formErrors(error) } });
    }
  });
  app.post(`${ROOT}/:id{[0-9]+}/invites/:inviteId{[0-9]+}/revoke`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await readForm(c);
    await service(c).revokeInvite(viewer, id, Number(c.req.param('inviteId')));
    flash(c, 'The invite link was revoked: it no longer works. Students who joined with it stay.');
    return c.redirect(`${pathOf(id)}#invites`, 303);
  });

  app.get(`${ROOT}/:id{[0-9]+}/leave`, async (c) => {
    const viewer = requireViewer(c);
    const cohort = await service(c).get(viewer, idParam(c));
    if (cohort.role !== 'student') return c.redirect(pathOf(cohort.id), 303);
    return confirmPage(c, {
      title: `Leave “${cohort.name}”?`,
      text: `Your progress disappears from ${cohort.instructor.displayName}’s dashboard and exports at once. Nothing you did on Commonroom is deleted. You can join again with a valid invite link.`,
      action: `${pathOf(cohort.id)}/leave`,
      button: 'Leave this cohort',
      back: pathOf(cohort.id),
    });
  });
  app.post(`${ROOT}/:id{[0-9]+}/leave`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await readForm(c);
    const cohort = await service(c).get(viewer, id);
    await service(c).leave(viewer, id);
    flash(c, `You left “${cohort.name}”. Your instructor no longer sees your progress.`);
    return c.redirect(ROOT, 303);
  });

  app.get(`${ROOT}/:id{[0-9]+}/delete`, async (c) => {
    const cohort = await instructorCohort(c);
    return confirmPage(c, {
      title: `Delete “${cohort.name}”?`,
      text: `The cohort, its checkpoints, its invite links and the list of its ${plural(cohort.studentCount, 'student', 'students')} are deleted. Nothing the students did on Commonroom is touched. This cannot be undone.`,
      action: `${pathOf(cohort.id)}/delete`,
      button: 'Delete this cohort',
      back: pathOf(cohort.id),
    });
  });
  app.post(`${ROOT}/:id{[0-9]+}/delete`, async (c) => {
    const viewer = requireViewer(c);
    const id = idParam(c);
    await readForm(c);
    const cohort = await service(c).get(viewer, id);
    await service(c).delete(viewer, id);
    flash(c, `The cohort “${cohort.name}” was deleted.`);
    return c.redirect(ROOT, 303);
  });
}

/** The cohort when the viewer teaches it (students are sent to their checklist with a 403). */
async function instructorCohort(c: AppContext): Promise<Cohort> {
  const cohort = await cohortsService(c).get(requireViewer(c), idParam(c));
  if (cohort.role !== 'instructor') throw UserError.forbidden('Only the instructor can change the cohort.');
  return cohort;
}

/** Refusals (not allowed, not found, past due) are whole pages, not form errors. */
function rethrowRefusal(error: unknown): void {
  if (error instanceof UserError && error.issues.length === 0 && error.status !== 422) throw error;
}

/** A form number: the number when the text is a whole number, `empty` when blank, else the text itself (so validation names the field). */
function numberOr<T>(text: string, empty: T): number | string | T {
  const t = text.trim();
  if (t === '') return empty;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** The assignment editor's fields as the API's input (one fieldset per kind, included when ticked). */
function checkpointsFromForm(form: Form): { input: { checkpoints: Array<Record<string, unknown>> }; values: Values; kinds: string[] } {
  const values: Values = {};
  const checkpoints: Array<Record<string, unknown>> = [];
  const kinds: string[] = [];
  for (const kind of CHECKPOINT_KINDS) {
    const on = form.text(`${kind}.on`) === 'yes';
    if (on) values[`${kind}.on`] = 'yes';
    for (const field of ['target', 'outsideRole', 'stage']) {
      const v = form.text(`${kind}.${field}`);
      if (v) values[`${kind}.${field}`] = v;
    }
    if (!on) continue;
    kinds.push(kind);
    if (kind === 'stage') checkpoints.push({ kind, stage: form.text('stage.stage') || 'connection' });
    else if (kind === 'follow')
      checkpoints.push({
        kind,
        target: numberOr(form.text('follow.target'), undefined),
        outsideRole: numberOr(form.text('follow.outsideRole'), 0),
      });
    else checkpoints.push({ kind, target: numberOr(form.text(`${kind}.target`), undefined) });
  }
  return { input: { checkpoints }, values, kinds };
}

/** `checkpoints.0.target` → `follow.target`, so each error sits next to its field. */
function checkpointErrors(errors: Errors, kinds: string[]): Errors {
  const out: Errors = {};
  for (const [path, message] of Object.entries(errors)) {
    const match = /^checkpoints\.(\d+)\.(\w+)/.exec(path);
    const kind = match ? kinds[Number(match[1])] : undefined;
    out[kind ? `${kind}.${match![2] === 'kind' ? 'on' : match![2]}` : '_form'] ??= message;
  }
  return out;
}

// ---- pages ----------------------------------------------------------------------------------

async function listPage(c: AppContext, viewer: Viewer) {
  const { teaching, enrolled } = await cohortsService(c).list(viewer);
  return insightsPage(
    c,
    { title: 'Cohorts', noindex: true },
    <>
      <p>
        A cohort is a course group building their learning networks together. The instructor sets an assignment of checkpoints (follow
        people, take part in a chat, reply to people, write a reflection …) with a due date; students join by an invite link, with their
        consent, and see their checklist.
      </p>
      <p>
        <a class="button" href={`${ROOT}/new`}>
          Create a cohort
        </a>
      </p>
      <section aria-labelledby="teaching-heading">
        <h2 id="teaching-heading">Cohorts you teach</h2>
        {teaching.length === 0 ? (
          <p>You teach no cohort. Anyone can create one: you become its instructor.</p>
        ) : (
          <DataTable caption="Cohorts you teach" hideCaption columns={['Cohort', 'Due', 'Students', 'Checkpoints']}>
            {teaching.map((s) => (
              <tr>
                <th scope="row">
                  <a href={pathOf(s.id)}>{s.name}</a>
                </th>
                <td>{dueText(s)}</td>
                <td>{s.studentCount}</td>
                <td>{s.checkpointCount}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="enrolled-heading">
        <h2 id="enrolled-heading">Cohorts you are in</h2>
        {enrolled.length === 0 ? (
          <p>You are in no cohort. Your instructor gives you an invite link to join one.</p>
        ) : (
          <ul class="insights-list">
            {enrolled.map((s) => (
              <li>
                <a href={pathOf(s.id)}>{s.name}</a>{' '}
                <span class="meta">
                  · taught by {s.instructor.displayName} · {dueText(s)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>,
  );
}

function newPage(c: AppContext, state: FormState = {}) {
  const errors = state.errors ?? {};
  return insightsPage(
    c,
    { title: 'Create a cohort', hasErrors: Object.keys(errors).length > 0, status: state.status ?? 200, noindex: true },
    <>
      <p>You will be the cohort’s instructor. Next you set its checkpoints, then make an invite link for your students.</p>
      <ErrorSummary errors={errors} />
      <DetailsForm c={c} action={ROOT} values={state.values ?? {}} errors={errors} submit="Create cohort" />
    </>,
  );
}

function DetailsForm({
  c,
  action,
  values,
  errors,
  submit,
}: {
  c: AppContext;
  action: string;
  values: Values;
  errors: Errors;
  submit: string;
}) {
  return (
    <form method="post" action={action} novalidate>
      <CsrfField token={c.var.csrf} />
      <TextField
        name="name"
        label="Name"
        value={values.name}
        errors={errors}
        required
        maxLength={LIMITS.name}
        hint="For example “LIS 520: Build your PLN”."
      />
      <TextArea
        name="description"
        label="Description"
        optional
        value={values.description}
        errors={errors}
        maxLength={LIMITS.description}
        hint="What the assignment is for; your students read it before they join. Plain text."
      />
      <TextField
        name="dueDate"
        label="Due date"
        value={values.dueDate}
        errors={errors}
        required
        inputmode="numeric"
        hint={`The last day, as YYYY-MM-DD (for example 2026-12-18), in your time zone (${c.var.viewer?.timeZone ?? 'UTC'}). The checkpoints can change until then.`}
      />
      <div class="actions">
        <button type="submit">{submit}</button>
      </div>
    </form>
  );
}

interface CohortPageState {
  /** A link just made: shown once, since only its hash is kept. */
  newInviteUrl?: string;
  invite?: FormState;
}

async function cohortPage(c: AppContext, viewer: Viewer, id: number, state: CohortPageState = {}) {
  const service = cohortsService(c);
  const progress = await service.progress(viewer, id);
  const { cohort } = progress;
  if (cohort.role === 'student') return studentPage(c, progress);
  const invites = await service.invites(viewer, id);
  const inviteErrors = state.invite?.errors ?? {};
  return insightsPage(
    c,
    { title: cohort.name, hasErrors: Object.keys(inviteErrors).length > 0, status: state.invite?.status ?? 200, noindex: true },
    <>
      <p>
        You teach this cohort. {dueText(cohort)}. {plural(cohort.studentCount, 'student', 'students')}.
      </p>
      {cohort.description ? <Description text={cohort.description} /> : null}
      <p class="actions">
        <a href={`${pathOf(id)}/edit`}>Edit the cohort and its checkpoints</a>
        <a href={`${pathOf(id)}/progress.csv`} download>
          Download CSV
        </a>
        <a href={`${pathOf(id)}/delete`}>Delete this cohort</a>
      </p>
      {state.newInviteUrl ? <NewInvite url={state.newInviteUrl} /> : null}
      <Dashboard progress={progress} />
      <Invites c={c} cohort={cohort} invites={invites} values={state.invite?.values ?? {}} errors={inviteErrors} />
    </>,
  );
}

function Description({ text }: { text: string }) {
  return (
    <div class="cohort-description">
      {text.split(/\n{2,}/).map((p) => (
        <p>{p}</p>
      ))}
    </div>
  );
}

function NewInvite({ url }: { url: string }) {
  return (
    <div class="callout" role="status" id="new-invite">
      <h2>Your new invite link</h2>
      <p>Copy it now and share it with your students: it is shown only this once (only a fingerprint of it is kept).</p>
      <label for="new-invite-url">Invite link</label>
      <input id="new-invite-url" type="text" readonly value={url} class="cohort-invite-url" />
    </div>
  );
}

/** A done/not done cell: a mark for the eye, the words for everyone. */
function Mark({ done }: { done: boolean }) {
  return (
    <>
      <span aria-hidden="true" class={done ? 'cohort-mark cohort-mark--done' : 'cohort-mark'}>
        {done ? '✓' : '✗'}
      </span>{' '}
      <strong>{done ? 'Done' : 'Not yet'}</strong>
    </>
  );
}

function countText(p: CheckpointProgress): string {
  if (p.kind === 'stage')
    return `${STAGE_LABELS[p.stage ?? 'consumption'].toLowerCase()} (target: ${STAGE_LABELS[p.targetStage ?? 'connection'].toLowerCase()})`;
  const base = `${p.count} of ${p.target}`;
  return p.kind === 'follow' && (p.outsideRoleTarget ?? 0) > 0
    ? `${base}; ${p.outsideRoleCount ?? 0} of ${p.outsideRoleTarget} outside their role`
    : base;
}

function Dashboard({ progress }: { progress: CohortProgress }) {
  const { cohort, students, totals } = progress;
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      {cohort.checkpoints.length === 0 ? (
        <p class="callout">
          The assignment has no checkpoints yet. <a href={`${pathOf(cohort.id)}/edit#checkpoints`}>Set the checkpoints</a>.
        </p>
      ) : null}
      {students.length === 0 ? (
        <p>No students yet. Make an invite link below and share it with them; their progress shows here as soon as they join.</p>
      ) : (
        <>
          {cohort.checkpoints.length > 0 ? (
            <>
              <PercentChart totals={totals} students={students.length} />
              <DataTable caption="Students done per checkpoint" columns={['Checkpoint', 'Students done', 'Share']}>
                {totals.map((t, i) => (
                  <tr>
                    <th scope="row">{cohort.checkpoints[i]!.label}</th>
                    <td>
                      {t.done} of {students.length}
                    </td>
                    <td>{t.percent === null ? '—' : `${t.percent}%`}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          ) : null}
          <DataTable
            caption="Each student’s progress (counts are since they joined, except follows, public collections and the stage, which are as they are now)"
            columns={['Student', ...cohort.checkpoints.map((c) => c.short), 'Checkpoints done']}
          >
            {students.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/@${s.student.handle}`}>{s.student.displayName}</a> <span class="meta">@{s.student.handle}</span>
                </th>
                {s.checkpoints.map((p) => (
                  <td>
                    <Mark done={p.done} />
                    <br />
                    <span class="meta">{countText(p)}</span>
                  </td>
                ))}
                <td>
                  {s.done} of {cohort.checkpoints.length}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </section>
  );
}

/** "% of students done per checkpoint", each bar with its number as text. */
function PercentChart({ totals, students }: { totals: CohortProgress['totals']; students: number }) {
  return (
    <BarChart
      id="cohort-chart"
      title="Percent of students done per checkpoint"
      desc={totals.map((t) => `${t.short}: ${t.done} of ${students} (${t.percent ?? 0}%)`).join('; ')}
      bars={totals.map((t) => ({ label: t.short, value: t.percent ?? 0, text: `${t.percent ?? 0}% (${t.done} of ${students})` }))}
      max={100}
      labelWidth={260}
    />
  );
}

function Invites({
  c,
  cohort,
  invites,
  values,
  errors,
}: {
  c: AppContext;
  cohort: Cohort;
  invites: Invite[];
  values: Values;
  errors: Errors;
}) {
  const tz = c.var.viewer?.timeZone ?? 'UTC';
  const status: Record<Invite['status'], string> = { active: 'Active', expired: 'Expired', used_up: 'Used up', revoked: 'Revoked' };
  return (
    <section aria-labelledby="invites">
      <h2 id="invites">Invite links</h2>
      <p>Students join with a link: they see what you will see of their work, and agree to it, before they join.</p>
      {invites.length === 0 ? (
        <p>No invite links yet.</p>
      ) : (
        <DataTable caption="Invite links, newest first" columns={['Made', 'Expires', 'Uses', 'Status']} actions>
          {invites.map((i) => (
            <tr>
              <td>{formatDate(i.createdAt, tz)}</td>
              <td>{formatDate(i.expiresAt, tz)}</td>
              <td>{i.maxUses === null ? `${i.uses} (no limit)` : `${i.uses} of ${i.maxUses}`}</td>
              <td>{status[i.status]}</td>
              <td>
                {i.status === 'revoked' ? null : (
                  <form method="post" action={`${pathOf(cohort.id)}/invites/${i.id}/revoke`} class="inline-form">
                    <CsrfField token={c.var.csrf} />
                    <button type="submit" class="button--secondary button--small">
                      Revoke<span class="visually-hidden"> the link made {formatDate(i.createdAt, tz)}</span>
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3>Make an invite link</h3>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${pathOf(cohort.id)}/invites`} novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="expiresInDays"
          label="Days it works"
          type="number"
          inputmode="numeric"
          value={values.expiresInDays ?? String(LIMITS.inviteDaysDefault)}
          errors={errors}
          hint={`From 1 to ${LIMITS.inviteDaysMax} days.`}
        />
        <TextField
          name="maxUses"
          label="How many students may use it"
          type="number"
          inputmode="numeric"
          optional
          value={values.maxUses}
          errors={errors}
          hint="Leave empty for no limit; 1 makes a link for one student."
        />
        <div class="actions">
          <button type="submit">Make an invite link</button>
        </div>
      </form>
    </section>
  );
}

function studentPage(c: AppContext, progress: CohortProgress) {
  const { cohort } = progress;
  const mine = progress.students[0];
  return insightsPage(
    c,
    { title: cohort.name, noindex: true },
    <>
      <p>
        Taught by <a href={`/@${cohort.instructor.handle}`}>{cohort.instructor.displayName}</a>. {dueText(cohort)}.
      </p>
      {cohort.description ? <Description text={cohort.description} /> : null}
      <section aria-labelledby="checklist-heading">
        <h2 id="checklist-heading">Your checklist</h2>
        {cohort.checkpoints.length === 0 || !mine ? (
          <p>Your instructor has not set the checkpoints yet. They appear here when they do.</p>
        ) : (
          <>
            <p>
              {mine.done} of {plural(cohort.checkpoints.length, 'checkpoint', 'checkpoints')} done.
            </p>
            <ol class="cohort-checklist">
              {cohort.checkpoints.map((checkpoint, i) => (
                <ChecklistItem checkpoint={checkpoint} progress={mine.checkpoints[i]!} />
              ))}
            </ol>
          </>
        )}
      </section>
      <section aria-labelledby="sees-heading">
        <h2 id="sees-heading">What your instructor sees</h2>
        <WhatTheySee instructor={cohort.instructor.displayName} />
      </section>
      <p>
        <a href={`${pathOf(cohort.id)}/leave`}>Leave this cohort</a>
      </p>
    </>,
  );
}

function ChecklistItem({ checkpoint, progress }: { checkpoint: Checkpoint; progress: CheckpointProgress }) {
  const counted =
    checkpoint.kind === 'stage'
      ? `Your stage now: ${STAGE_LABELS[progress.stage ?? 'consumption'].toLowerCase()}.`
      : checkpoint.kind === 'follow'
        ? `You follow ${progress.count} of ${progress.target}${checkpoint.outsideRole > 0 ? `; ${progress.outsideRoleCount ?? 0} of ${checkpoint.outsideRole} have a role other than yours` : ''}.`
        : `You have ${progress.count} of ${progress.target}${['reply', 'join_chat', 'article', 'bookmarks'].includes(checkpoint.kind) ? ' since you joined' : ''}.`;
  return (
    <li class={progress.done ? 'cohort-checklist__item cohort-checklist__item--done' : 'cohort-checklist__item'}>
      <Mark done={progress.done} />: {checkpoint.label}. <span class="meta">{counted}</span>{' '}
      <a href={checkpoint.href}>{checkpoint.linkText}</a>
    </li>
  );
}

/** Exactly what the instructor sees and never sees: the same words on the join page and the checklist. */
function WhatTheySee({ instructor }: { instructor: string }) {
  return (
    <>
      <p>{instructor} sees, on the cohort’s dashboard and in its CSV export:</p>
      <ul>
        <li>your handle and display name, and when you joined;</li>
        <li>
          for each checkpoint, your count (how many people you follow and how many of them are outside your role, chats you posted in,
          people you replied to, articles, bookmarks, public collections, your stage) and whether it is done.
        </li>
      </ul>
      <p>{instructor} never sees, through the cohort:</p>
      <ul>
        <li>your direct (private) messages — replies sent as direct messages are not even counted;</li>
        <li>your private and followers-only posts, or the text of any post;</li>
        <li>your bookmarks themselves (private or not) — only how many you saved;</li>
        <li>your reading history: which feeds and items you read.</li>
      </ul>
      <p>If you leave the cohort, your progress disappears from the dashboard and the export at once.</p>
    </>
  );
}

async function joinPage(c: AppContext, viewer: Viewer, token: string, state: FormState = {}) {
  const preview = await cohortsService(c).previewInvite(viewer, token);
  const { cohort } = preview;
  if (preview.state === 'member') {
    flash(c, 'You are already in this cohort.');
    return c.redirect(pathOf(cohort.id), 303);
  }
  if (preview.state === 'instructor') {
    return insightsPage(
      c,
      { title: `Invite link to “${cohort.name}”`, status: 409, noindex: true },
      <>
        <p class="callout">
          You teach this cohort, so you cannot join it as a student. Share this link with your students: they will see the page below it
          leads to, and agree before joining.
        </p>
        <p>
          <a href={pathOf(cohort.id)}>Go to the cohort’s dashboard</a>
        </p>
      </>,
    );
  }
  const errors = state.errors ?? {};
  return insightsPage(
    c,
    { title: `Join “${cohort.name}”`, hasErrors: Object.keys(errors).length > 0, status: state.status ?? 200, noindex: true },
    <>
      <ErrorSummary errors={errors} />
      <p>
        {cohort.instructor.displayName} (@{cohort.instructor.handle}) invites you to this cohort. {dueText(cohort)}.
      </p>
      {cohort.description ? <Description text={cohort.description} /> : null}
      <h2>The assignment</h2>
      {cohort.checkpoints.length === 0 ? (
        <p>The checkpoints are not set yet.</p>
      ) : (
        <ol>
          {cohort.checkpoints.map((checkpoint) => (
            <li>{checkpoint.label}</li>
          ))}
        </ol>
      )}
      <h2>What your instructor will see</h2>
      <WhatTheySee instructor={cohort.instructor.displayName} />
      <form method="post" action={`${ROOT}/join/${encodeURIComponent(token)}`} novalidate>
        <CsrfField token={c.var.csrf} />
        <div class={`field${errors.consent ? ' field--error' : ''}`}>
          {errors.consent ? (
            <p class="field-error" id={`${fieldId('consent')}-error`}>
              <span class="visually-hidden">Error: </span>
              {errors.consent}
            </p>
          ) : null}
          <div class="choice">
            <input
              type="checkbox"
              id={fieldId('consent')}
              name="consent"
              value="yes"
              aria-invalid={errors.consent ? 'true' : undefined}
              aria-describedby={errors.consent ? `${fieldId('consent')}-error` : undefined}
            />
            <label for={fieldId('consent')}>
              I agree that {cohort.instructor.displayName} sees my progress on this assignment, as described above.
            </label>
          </div>
        </div>
        <div class="actions">
          <button type="submit">Join the cohort</button>
          <a href={ROOT}>Not now</a>
        </div>
      </form>
    </>,
  );
}

interface EditState {
  details?: FormState;
  checkpoints?: FormState;
}

function editPage(c: AppContext, cohort: Cohort, state: EditState = {}) {
  const detailErrors = state.details?.errors ?? {};
  const checkpointErrs = state.checkpoints?.errors ?? {};
  const values: Values = state.details?.values ?? { name: cohort.name, description: cohort.description, dueDate: cohort.dueDate };
  const cp: Values = state.checkpoints?.values ?? currentCheckpointValues(cohort);
  const hasErrors = Object.keys(detailErrors).length + Object.keys(checkpointErrs).length > 0;
  return insightsPage(
    c,
    { title: `Edit “${cohort.name}”`, hasErrors, status: state.details?.status ?? state.checkpoints?.status ?? 200, noindex: true },
    <>
      <p>
        <a href={pathOf(cohort.id)}>Back to the dashboard</a>
      </p>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Name, description and due date</h2>
        <ErrorSummary errors={detailErrors} />
        <DetailsForm c={c} action={`${pathOf(cohort.id)}/edit`} values={values} errors={detailErrors} submit="Save" />
      </section>
      <section aria-labelledby="checkpoints">
        <h2 id="checkpoints">Checkpoints</h2>
        {!cohort.editable ? (
          <p class="callout">
            The due date has passed, so the checkpoints can no longer change. Move the due date first if the course goes on.
          </p>
        ) : (
          <>
            <p>
              Tick the checkpoints of the assignment and set their numbers. Follows, public collections and the stage count as they are now;
              chats, replies, articles and bookmarks count from when each student joined.
            </p>
            <ErrorSummary errors={checkpointErrs} />
            <form method="post" action={`${pathOf(cohort.id)}/checkpoints`} novalidate>
              <CsrfField token={c.var.csrf} />
              {CHECKPOINT_KINDS.map((kind) => (
                <fieldset class="field cohort-checkpoint">
                  <legend>{KIND_TITLES[kind]}</legend>
                  <div class="choice">
                    <input
                      type="checkbox"
                      id={fieldId(`${kind}.on`)}
                      name={`${kind}.on`}
                      value="yes"
                      checked={cp[`${kind}.on`] === 'yes'}
                    />
                    <label for={fieldId(`${kind}.on`)}>Include “{KIND_TITLES[kind].toLowerCase()}”</label>
                  </div>
                  {checkpointErrs[`${kind}.on`] ? <p class="field-error">{checkpointErrs[`${kind}.on`]}</p> : null}
                  {kind === 'stage' ? (
                    <div class={`field${checkpointErrs['stage.stage'] ? ' field--error' : ''}`}>
                      <label for={fieldId('stage.stage')}>Stage to reach</label>
                      <select id={fieldId('stage.stage')} name="stage.stage">
                        {TARGET_STAGES.map((s) => (
                          <option value={s} selected={(cp['stage.stage'] ?? 'connection') === s}>
                            {STAGE_LABELS[s]}
                          </option>
                        ))}
                      </select>
                    </div>
                  ) : (
                    <>
                      <TextField
                        name={`${kind}.target`}
                        label={TARGET_LABELS[kind]}
                        type="number"
                        inputmode="numeric"
                        value={cp[`${kind}.target`]}
                        errors={checkpointErrs}
                      />
                      {kind === 'follow' ? (
                        <TextField
                          name="follow.outsideRole"
                          label="Of them, at least how many whose role differs from the student’s"
                          type="number"
                          inputmode="numeric"
                          value={cp['follow.outsideRole']}
                          errors={checkpointErrs}
                          hint="A school librarian following a teacher or a public librarian, for example. 0 for no such rule."
                        />
                      ) : null}
                    </>
                  )}
                </fieldset>
              ))}
              <div class="actions">
                <button type="submit">Save the checkpoints</button>
              </div>
            </form>
          </>
        )}
      </section>
    </>,
  );
}

/** The editor's starting values: the cohort's checkpoints, and sensible numbers for the others. */
function currentCheckpointValues(cohort: Cohort): Values {
  const values: Values = {
    'follow.target': '10',
    'follow.outsideRole': '3',
    'join_chat.target': '1',
    'reply.target': '3',
    'article.target': '1',
    'stage.stage': 'connection',
    'bookmarks.target': '5',
    'collection.target': '1',
  };
  for (const c of cohort.checkpoints) {
    values[`${c.kind}.on`] = 'yes';
    if (c.kind === 'stage') values['stage.stage'] = STAGES[c.target] ?? 'connection';
    else values[`${c.kind}.target`] = String(c.target);
    if (c.kind === 'follow') values['follow.outsideRole'] = String(c.outsideRole);
  }
  return values;
}

function confirmPage(c: AppContext, options: { title: string; text: string; action: string; button: string; back: string }) {
  return insightsPage(
    c,
    { title: options.title, noindex: true },
    <>
      <p>{options.text}</p>
      <form method="post" action={options.action}>
        <CsrfField token={c.var.csrf} />
        <div class="actions">
          <button type="submit" class="button--danger">
            {options.button}
          </button>
          <a href={options.back}>Cancel</a>
        </div>
      </form>
    </>,
  );
}
